// The API process: `npm run api`, or started by `npm start`.
import { Client } from '@temporalio/client';
import { connectNats } from '../activities/nats.js';
import { loadConfig } from '../schemas/config.js';
import { loadMasterKey } from '../stores/master-key.js';
import { encryptionCodec } from '../stores/payload-codec.js';
import { apiTemporalConnection, buildDeps } from './deps.js';
import { buildApp } from './server.js';
import { setsAside, startReadSide, type ReadSide } from '../readside/projector.js';
import { createApiMetrics, serveMetrics } from './metrics.js';

const config = loadConfig();
const nats = await connectNats(config.NATS_URL, 'hiring-api');
const connection = await apiTemporalConnection(config.TEMPORAL_ADDRESS);
const client = new Client({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  dataConverter: { payloadCodecs: [encryptionCodec(loadMasterKey(config))] },
});
// Built before the read side it reads from at each scrape, so the projector can count its failures.
const started: { readSide?: ReadSide } = {};
const metrics = createApiMetrics({
  pendingEvents: () => started.readSide?.pendingEvents() ?? Promise.resolve(0),
  indexedApplications: () => started.readSide?.index.size ?? 0,
});
// The read side runs beside the API that serves it: a durable consumer, so a restart resumes, and
// the index the lists and figures are answered from.
const readSide = await startReadSide(nats, {
  onError: (err, m) => {
    metrics.projectorFailed();
    // The subject names the application or position by its id; events carry no personal data.
    const message = err instanceof Error ? err.message : String(err);
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'event not applied',
        subject: m.subject,
        seq: m.seq,
        err: message,
        // An event this code cannot read is retried a few times (a newer process may read it), then
        // set aside for good: a rebuild with newer code (npm run rebuild-projections) takes it in.
        setAside: setsAside(err, m),
      }),
    );
  },
});
started.readSide = readSide;
const { app } = await buildApp({
  ...buildDeps(config, nats, client),
  projections: readSide.projections,
  index: readSide.index,
  logLevel: config.LOG_LEVEL,
  metrics,
});
await app.listen({ host: config.API_HOST, port: config.API_PORT });
const metricsServer = config.API_METRICS_ADDRESS
  ? await serveMetrics(metrics.registry, config.API_METRICS_ADDRESS)
  : undefined;

const stop = async () => {
  metricsServer?.close();
  await app.close();
  await readSide.stop();
  await nats.close();
  await connection.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

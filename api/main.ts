// The API process: `npm run api`, or started by `npm start`.
import { Client, Connection } from '@temporalio/client';
import { connectNats } from '../activities/nats.js';
import { loadConfig } from '../schemas/config.js';
import { loadMasterKey } from '../stores/master-key.js';
import { encryptionCodec } from '../stores/payload-codec.js';
import { buildDeps } from './deps.js';
import { buildApp } from './server.js';
import { startReadSide } from '../readside/projector.js';

const config = loadConfig();
const nats = await connectNats(config.NATS_URL, 'hiring-api');
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const client = new Client({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  dataConverter: { payloadCodecs: [encryptionCodec(loadMasterKey(config))] },
});
// The read side runs beside the API that serves it: a durable consumer, so a restart resumes, and
// the index the lists and figures are answered from.
const readSide = await startReadSide(nats);
const { app } = await buildApp({
  ...buildDeps(config, nats, client),
  projections: readSide.projections,
  index: readSide.index,
  logLevel: config.LOG_LEVEL,
});
await app.listen({ host: config.API_HOST, port: config.API_PORT });

const stop = async () => {
  await app.close();
  await readSide.stop();
  await nats.close();
  await connection.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

// The API process: `npm run api`, or started by `npm start`.
import { Client, Connection } from '@temporalio/client';
import { connectNats } from '../activities/nats.js';
import { loadConfig } from '../schemas/config.js';
import { loadMasterKey } from '../stores/master-key.js';
import { encryptionCodec } from '../stores/payload-codec.js';
import { buildDeps } from './deps.js';
import { buildApp } from './server.js';
import { ApplicationIndex } from '../readside/application-index.js';
import { ProjectionStore, runProjector } from '../readside/projector.js';

const config = loadConfig();
const nats = await connectNats(config.NATS_URL, 'hiring-api');
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const client = new Client({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  dataConverter: { payloadCodecs: [encryptionCodec(loadMasterKey(config))] },
});
// The read side runs beside the API that serves it: a durable consumer, so a restart resumes.
const projections = await ProjectionStore.open(nats, 'projections');
const projector = await runProjector(nats, projections);
// Lists and figures answered from memory, kept current by watching the projections.
const index = await ApplicationIndex.open(projections.kv);
const { app } = await buildApp({ ...buildDeps(config, nats, client), projections, index, logger: true });
await app.listen({ host: config.API_HOST, port: config.API_PORT });

const stop = async () => {
  await app.close();
  await projector.stop();
  index.stop();
  await nats.close();
  await connection.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

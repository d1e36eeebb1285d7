// The worker process: `npm run worker`, or started by `npm start`.
import { connectNats } from '../activities/nats.js';
import { loadConfig } from '../schemas/config.js';
import { installWorkerRuntime } from './logging.js';
import { createHiringWorker } from './worker.js';

const config = loadConfig();
installWorkerRuntime(config.LOG_LEVEL, config.WORKER_METRICS_ADDRESS);
const nats = await connectNats(config.NATS_URL, 'hiring-worker');
const hiring = await createHiringWorker({ config, nats });
// The SDK stops polling on SIGINT/SIGTERM and lets running activities finish.
await hiring.worker.run();
hiring.close();
await nats.close();

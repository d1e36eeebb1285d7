/**
 * One worker process for the benchmark, so its memory is its own: `hiring` hosts the real
 * application workflow and activities (BENCH_EVENTS=noop swaps the JetStream publish for a no-op),
 * `bare` hosts the baseline workflow with no-op activities. Worker options come as JSON in
 * BENCH_WORKER_OPTIONS. Prints "ready" when it polls, and stops on SIGTERM.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createRequire } from 'node:module';
import { connectNats } from '../activities/nats.js';
import { loadConfig } from '../schemas/config.js';
import { DomainEventSchema } from '../schemas/events.js';
import { installWorkerRuntime } from '../workers/logging.js';
import { createHiringWorker } from '../workers/worker.js';

const mode = process.argv[2];
const config = loadConfig();
// As the production worker logs (workers/main.ts): what it costs is part of what is measured.
installWorkerRuntime(config.LOG_LEVEL);
const options = JSON.parse(process.env.BENCH_WORKER_OPTIONS ?? '{}') as Partial<WorkerOptions>;
const require = createRequire(import.meta.url);

let worker: Worker;
let close = (): Promise<unknown> => Promise.resolve();
if (mode === 'bare') {
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('./workflows/bare.ts'),
    activities: { noop: () => Promise.resolve() },
    ...options,
  });
  close = () => connection.close();
} else if (mode === 'hiring') {
  const nats = await connectNats(config.NATS_URL, 'bench-worker');
  const hiring = await createHiringWorker({
    config,
    nats,
    workerOptions: options,
    ...(process.env.BENCH_EVENTS === 'noop'
      ? {
          activityDeps: {
            // Validates as the real publisher does, then does not publish: the difference is the publish.
            events: {
              publish: (event) => {
                DomainEventSchema.parse(event);
                return Promise.resolve({ seq: 0, duplicate: false });
              },
            },
          },
        }
      : {}),
  });
  worker = hiring.worker;
  close = async () => {
    hiring.close();
    await nats.close();
  };
} else {
  throw new Error(`usage: bench/worker.ts hiring|bare (got ${String(mode)})`);
}
const running = worker.run();
// The SDK polls once run() is called; a first poll is the sign the process is ready.
console.log('ready');
await running;
await close();

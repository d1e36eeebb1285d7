/**
 * One worker process for the benchmark, so its memory is its own: `hiring` hosts the real
 * application workflow and activities (BENCH_NOOP=publish swaps the JetStream publish for a no-op,
 * BENCH_NOOP=effects the emails too), `bare` hosts the baseline workflow with no-op activities.
 * Worker options come as JSON in BENCH_WORKER_OPTIONS. Prints "ready" when it polls, and stops on
 * SIGTERM.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createRequire } from 'node:module';
import { connectNats } from '../activities/nats.js';
import { loadConfig } from '../schemas/config.js';
import type { ActivityDeps } from '../activities/index.js';
import { EmailRequestSchema } from '../schemas/effects.js';
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
    activityDeps: noopDeps(process.env.BENCH_NOOP),
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

/**
 * What a no-op side replaces: each no-op validates its input as the real one does, then does
 * nothing, so the difference from the real pipeline is the work itself (publishing; rendering,
 * composing and writing the emails, looking up their recipients).
 */
function noopDeps(what: string | undefined): Partial<ActivityDeps> {
  if (what === undefined) return {};
  if (what !== 'publish' && what !== 'effects')
    throw new Error(`BENCH_NOOP: '${what}' is not 'publish' or 'effects'`);
  const events: ActivityDeps['events'] = {
    publish: (event) => {
      DomainEventSchema.parse(event);
      return Promise.resolve({ seq: 0, duplicate: false });
    },
  };
  if (what === 'publish') return { events };
  const mailer: ActivityDeps['mailer'] = {
    send: (input) => Promise.resolve({ emailId: EmailRequestSchema.parse(input).emailId, status: 'sent' }),
    sendRaw: (message) => Promise.resolve({ emailId: message.emailId, status: 'sent' }),
    close: () => undefined,
  };
  return { events, mailer };
}

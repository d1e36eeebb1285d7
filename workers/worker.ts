import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { directory } from '../activities/directory.js';
import { eraseUnlessInProgress } from '../activities/erasure.js';
import { jetStreamPublisher } from '../activities/events.js';
import { kvExamSeats } from '../activities/exam-booking.js';
import { createMailer } from '../activities/mailer.js';
import type { NatsResources } from '../activities/nats.js';
import { temporalPositionApplications } from '../activities/position-applications.js';
import type { Config } from '../schemas/config.js';
import { kvCandidateStore } from '../stores/candidates.js';
import { kvKeyStore } from '../stores/keys.js';
import { kvTokenStore } from '../stores/tokens.js';
import { loadMasterKey } from '../stores/master-key.js';
import { encryptionCodec } from '../stores/payload-codec.js';

const require = createRequire(import.meta.url);
export const WORKFLOWS_PATH = require.resolve('../workflows/index.ts');

export interface HiringWorker {
  worker: Worker;
  close(): void;
}

/** Builds the worker that hosts application workflows and their activities, on real dependencies. */
export async function createHiringWorker(opts: {
  config: Config;
  nats: NatsResources;
  connection?: NativeConnection;
  workerOptions?: Partial<WorkerOptions>;
  /** Replaces real dependencies of the activities; the benchmark measures a no-op event publisher. */
  activityDeps?: Partial<ActivityDeps>;
}): Promise<HiringWorker> {
  const { config, nats } = opts;
  const connection =
    opts.connection ?? (await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }));
  const masterKey = loadMasterKey(config);
  const dataConverter = { payloadCodecs: [encryptionCodec(masterKey)] };
  const keys = kvKeyStore(nats.candidateKeys, masterKey, nats.js);
  const candidates = kvCandidateStore(nats.candidates, keys);
  const tokens = kvTokenStore(nats.tokens);
  const people = directory({
    people: nats.people,
    candidates,
    hr: { name: 'Human Resources', email: config.HR_MAILBOX },
  });
  const mailer = createMailer({
    delivery: config.SMTP_URL
      ? { kind: 'smtp', url: config.SMTP_URL }
      : { kind: 'outbox', dir: join(config.DATA_DIR, 'outbox') },
    directory: people,
    ledger: nats.sentEmails,
    from: config.MAIL_FROM,
  });
  // Activities that act on other workflows (closing a position's applications) use a client.
  const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({
    connection: clientConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter,
  });
  const activities = createActivities({
    mailer,
    examSeats: kvExamSeats(nats.examSessions),
    events: jetStreamPublisher(nats.js),
    applications: temporalPositionApplications(client),
    retention: {
      async eraseIfInactive(candidateId) {
        const outcome = await eraseUnlessInProgress(
          { client, submissions: nats.submissions, candidates, tokens },
          candidateId,
        );
        // A candidate who closed their account themselves is already gone: nothing is left to keep.
        return outcome.erased || outcome.reason === 'unknown' ? 'erased' : 'active';
      },
    },
    ...opts.activityDeps,
  });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities,
    dataConverter,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    ...(opts.workerOptions?.workflowBundle ? {} : { workflowsPath: WORKFLOWS_PATH }),
    ...opts.workerOptions,
  });
  return {
    worker,
    close() {
      mailer.close();
      void clientConnection.close();
      if (!opts.connection) void connection.close();
    },
  };
}

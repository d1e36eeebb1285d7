import { NativeConnection } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { directory } from '../../activities/directory.js';
import { connectNats, type NatsResources } from '../../activities/nats.js';
import { ConfigSchema, type Config } from '../../schemas/config.js';
import { createHiringWorker } from '../../workers/worker.js';
import type { ProfilePatch } from '../../schemas/candidate.js';
import { kvCandidateStore } from '../../stores/candidates.js';
import { objectDocumentStore } from '../../stores/documents.js';
import { kvKeyStore } from '../../stores/keys.js';
import { loadMasterKey } from '../../stores/master-key.js';
import { encryptionCodec } from '../../stores/payload-codec.js';
import { loadReferenceData } from '../../stores/reference-data.js';
import { Client, Connection } from '@temporalio/client';
import { uniqueTaskQueue, workflowBundle } from './temporal.js';

/** A client of the run's real dev server (started in global-setup.ts), with the payload codec. */
export async function devServerClient(
  masterKey: Buffer,
): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  const dataConverter = { payloadCodecs: [encryptionCodec(masterKey)] };
  return { client: new Client({ connection, namespace: 'default', dataConverter }), connection };
}

/**
 * The real thing, in-process: a worker with real activities (NATS JetStream, NATS key-value, SMTP
 * or the file outbox) against the run's real Temporal dev server and NATS server.
 */
export async function realStack(opts: { smtpUrl?: string } = {}) {
  const address = inject('temporalAddress');
  const natsUrl = inject('natsUrl');
  const dataDir = mkdtempSync(join(tmpdir(), 'hiring-stack-'));
  const taskQueue = uniqueTaskQueue('stack');
  const config: Config = ConfigSchema.parse({
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    NATS_URL: natsUrl,
    DATA_DIR: dataDir,
    MASTER_KEY: inject('masterKey'),
    ...(opts.smtpUrl ? { SMTP_URL: opts.smtpUrl } : {}),
  });
  const nats: NatsResources = await connectNats(natsUrl, 'test-stack');
  const { client, connection } = await devServerClient(loadMasterKey(config));
  const nativeConnection = await NativeConnection.connect({ address });
  const hiring = await createHiringWorker({
    config,
    nats,
    connection: nativeConnection,
    workerOptions: { workflowBundle: await workflowBundle() },
  });
  const running = hiring.worker.run();
  const keys = kvKeyStore(nats.candidateKeys, loadMasterKey(config));
  const candidates = kvCandidateStore(nats.candidates, keys);
  const documents = objectDocumentStore(nats.documents, keys);
  const people = directory({
    people: nats.people,
    candidates,
    hr: { name: 'Human Resources', email: config.HR_MAILBOX },
  });
  const reference = loadReferenceData();

  /** A confirmed candidate with a profile, as the API would leave one. */
  async function addCandidate(candidateId: string, name: string, email: string, profile: ProfilePatch = {}) {
    const { code } = await candidates.createAccount({ name, email }, candidateId);
    await candidates.confirm(candidateId, code);
    return candidates.updateProfile(candidateId, {
      nationality: 'FR',
      dateOfBirth: '1990-04-23',
      ...profile,
    });
  }

  return {
    config,
    client,
    nats,
    directory: people,
    keys,
    candidates,
    documents,
    reference,
    addCandidate,
    taskQueue,
    dataDir,
    async stop() {
      hiring.worker.shutdown();
      await running;
      hiring.close();
      await nativeConnection.close();
      await connection.close();
      await nats.close();
    },
  };
}

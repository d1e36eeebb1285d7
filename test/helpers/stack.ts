import { NativeConnection } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { connectNats, type NatsResources } from '../../activities/nats.js';
import { ConfigSchema, type Config } from '../../schemas/config.js';
import { createHiringWorker } from '../../workers/worker.js';
import { jetstreamManager } from '@nats-io/jetstream';
import { buildDeps } from '../../api/deps.js';
import type { ApiDeps } from '../../api/server.js';
import { startReadSide } from '../../readside/projector.js';
import { EVENT_STREAM } from '../../schemas/events.js';
import { kvToken } from '../../stores/kv.js';
import { submitApplication, type SubmissionDeps } from '../../api/submissions.js';
import type { ProfilePatch } from '../../schemas/candidate.js';
import type { PositionDraftInput } from '../../schemas/position.js';
import { DUTY_STATIONS } from '../../schemas/reference.js';
import { instantToZoned } from '../../schemas/time.js';
import { openPosition } from '../../api/positions.js';
import { loadMasterKey } from '../../stores/master-key.js';
import { encryptionCodec } from '../../stores/payload-codec.js';
import { Client, Connection } from '@temporalio/client';
import { uniqueTaskQueue, workflowBundle } from './temporal.js';

/** A client of the run's real dev server (started in global-setup.ts), with the payload codec. */
export async function devServerClient(
  masterKey: Buffer,
  address = inject('temporalAddress'),
): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address });
  const dataConverter = { payloadCodecs: [encryptionCodec(masterKey)] };
  return { client: new Client({ connection, namespace: 'default', dataConverter }), connection };
}

/**
 * The real thing, in-process: a worker with real activities (NATS JetStream, NATS key-value, SMTP
 * or the file outbox) against the run's real Temporal dev server and NATS server.
 */
export async function realStack(
  opts: {
    smtpUrl?: string;
    natsUrl?: string;
    /** A test that kills the Temporal server brings one of its own. */
    temporalAddress?: string;
    config?: Partial<Record<keyof Config, string>>;
  } = {},
) {
  const address = opts.temporalAddress ?? inject('temporalAddress');
  // A test that counts every write to NATS brings a NATS server of its own.
  const natsUrl = opts.natsUrl ?? inject('natsUrl');
  const dataDir = mkdtempSync(join(tmpdir(), 'hiring-stack-'));
  const taskQueue = uniqueTaskQueue('stack');
  const config: Config = ConfigSchema.parse({
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    NATS_URL: natsUrl,
    DATA_DIR: dataDir,
    MASTER_KEY: inject('masterKey'),
    // Tests sign many people up from one address (the fuzz test hundreds of times a route); the
    // limit itself is tested on its own (api.test.ts), and npm start's test runs the default.
    API_RATE_LIMIT: 0,
    ...(opts.smtpUrl ? { SMTP_URL: opts.smtpUrl } : {}),
    ...opts.config,
  });
  const nats: NatsResources = await connectNats(natsUrl, 'test-stack');
  const { client, connection } = await devServerClient(loadMasterKey(config), address);
  const nativeConnection = await NativeConnection.connect({ address });
  const hiring = await createHiringWorker({
    config,
    nats,
    connection: nativeConnection,
    workerOptions: { workflowBundle: await workflowBundle() },
  });
  const running = hiring.worker.run();
  // The API's own dependencies, so tests use the stores exactly as the API does, and a read side
  // of the stack's own (bucket and projector), as the API process runs one.
  const readSide = await startReadSide(nats, {
    bucket: `projections_${kvToken(taskQueue)}`,
    durable: `projector_${kvToken(taskQueue)}`,
  });
  const api: ApiDeps = {
    ...buildDeps(config, nats, client),
    projections: readSide.projections,
    index: readSide.index,
  };
  const { keys, candidates, documents, reference } = api;
  const submissionDeps: SubmissionDeps = {
    client,
    taskQueue,
    candidates,
    keys,
    submissions: nats.submissions,
    reference,
  };

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

  /** A confirmed candidate with a CV on the profile; returns the CV's reference. */
  async function candidateWithCv(candidateId: string, profile: ProfilePatch = {}) {
    await addCandidate(candidateId, `Candidate ${candidateId}`, `${candidateId}@example.org`, profile);
    const cv = await documents.put(candidateId, {
      kind: 'cv',
      filename: 'cv.pdf',
      contentType: 'application/pdf',
      bytes: new Uint8Array(Buffer.from(`%PDF-1.7 CV of ${candidateId}`)),
    });
    await candidates.addDocument(candidateId, cv);
    return cv;
  }

  /**
   * Opens a position as a recruiter would, closing `daysOpen` days from now in the duty station's
   * own time; the reference and recruiter are the usual test ones unless given.
   */
  function openTestPosition(
    draft: Omit<PositionDraftInput, 'reference' | 'recruiterId' | 'deadlineLocal'> &
      Partial<PositionDraftInput>,
    daysOpen = 10,
  ) {
    return openPosition(client, taskQueue, {
      reference: `VN-${draft.positionId}`,
      recruiterId: 'rec-1',
      deadlineLocal: instantToZoned(
        new Date(Date.now() + daysOpen * 86_400_000),
        DUTY_STATIONS[draft.dutyStation].timeZone,
      ),
      ...draft,
    });
  }

  /** Submits through the real submission path and returns the application's handle. */
  async function submit(candidateId: string, positionId: string, answers: Record<string, string> = {}) {
    const r = await submitApplication(submissionDeps, {
      candidateId,
      positionId,
      answers,
      submissionKey: `key-${candidateId}-${positionId}`,
    });
    if (!r.ok) throw new Error(`submission refused: ${JSON.stringify(r.problems)}`);
    return client.workflow.getHandle(r.applicationId);
  }

  return {
    config,
    api,
    readSide,
    submissionDeps,
    candidateWithCv,
    submit,
    client,
    nats,
    directory: api.directory,
    keys,
    candidates,
    documents,
    reference,
    addCandidate,
    openPosition: openTestPosition,
    taskQueue,
    dataDir,
    async stop() {
      await readSide.stop();
      await readSide.projections.kv.destroy();
      await (
        await jetstreamManager(nats.nc)
      ).consumers
        .delete(EVENT_STREAM, `projector_${kvToken(taskQueue)}`)
        .catch(() => undefined);
      api.mailer.close();
      hiring.worker.shutdown();
      await running;
      hiring.close();
      await nativeConnection.close();
      await connection.close();
      await nats.close();
    },
  };
}

/**
 * Faults, bounded and on loopback: the worker killed (SIGKILL) and restarted while applications
 * move, and NATS stopped while a transition is made. Nothing is lost and nothing is doubled: one
 * event per transition on the stream, one email per step in the outbox.
 */
import { DeliverPolicy } from '@nats-io/jetstream';
import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { getApplication, startApplication, transition } from '../../api/applications.js';
import { directory } from '../../activities/directory.js';
import { connectNats, type NatsResources } from '../../activities/nats.js';
import { ConfigSchema } from '../../schemas/config.js';
import { EVENT_STREAM, type DomainEvent } from '../../schemas/events.js';
import { freePort, startNatsServer, type ServerHandle } from '../../scripts/servers.js';
import { kvCandidateStore } from '../../stores/candidates.js';
import { kvKeyStore } from '../../stores/keys.js';
import { loadMasterKey } from '../../stores/master-key.js';
import { encryptionCodec } from '../../stores/payload-codec.js';
import { eventually } from '../helpers/application-harness.js';
import { applicationInput, candidateSays, DAYS, recruiter } from '../helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'hiring-faults-'));
const taskQueue = `faults-${process.pid}`;
let natsPort: number;
let natsServer: ServerHandle;
let nats: NatsResources;
let connection: Connection;
let client: Client;
let worker: ChildProcess | undefined;

const env = () => ({
  ...process.env,
  TEMPORAL_ADDRESS: inject('temporalAddress'),
  TEMPORAL_TASK_QUEUE: taskQueue,
  NATS_URL: `nats://127.0.0.1:${natsPort}`,
  DATA_DIR: dir,
  MASTER_KEY: inject('masterKey'),
});

async function startWorker(): Promise<void> {
  worker = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], { env: env(), stdio: 'ignore' });
  // The worker is ready when it polls: give it the time to bundle the workflow code.
  await new Promise((r) => setTimeout(r, 4000));
}
function killWorker(): Promise<void> {
  const w = worker!;
  const exited = new Promise<void>((r) => w.once('exit', () => r()));
  w.kill('SIGKILL');
  return exited;
}
const startNats = async () => {
  natsServer = await startNatsServer({
    port: natsPort,
    storeDir: join(dir, 'nats'),
    logDir: join(dir, 'logs'),
  });
};

beforeAll(async () => {
  natsPort = await freePort();
  await startNats();
  nats = await connectNats(`nats://127.0.0.1:${natsPort}`, 'faults-test');
  connection = await Connection.connect({ address: inject('temporalAddress') });
  const config = ConfigSchema.parse({ DATA_DIR: dir, MASTER_KEY: inject('masterKey') });
  client = new Client({
    connection,
    dataConverter: { payloadCodecs: [encryptionCodec(loadMasterKey(config))] },
  });
  const candidates = kvCandidateStore(nats.candidates, kvKeyStore(nats.candidateKeys, loadMasterKey(config)));
  await directory({ people: nats.people, candidates, hr: { name: 'HR', email: 'hr@example.org' } }).putStaff(
    'rec-1',
    {
      name: 'Jean Martin',
      email: 'jean.martin@example.org',
    },
  );
  (globalThis as { candidates?: typeof candidates }).candidates = candidates;
  await startWorker();
}, 120_000);
afterAll(async () => {
  if (worker && worker.exitCode === null) await killWorker();
  await nats?.close();
  await connection?.close();
  await natsServer?.stop();
});

async function newApplication(i: number) {
  const candidates = (globalThis as { candidates?: ReturnType<typeof kvCandidateStore> }).candidates!;
  const input = applicationInput(Date.now());
  const { code } = await candidates.createAccount(
    { name: `Fault ${i}`, email: `${input.candidateId}-${i}@example.org` },
    input.candidateId,
  );
  await candidates.confirm(input.candidateId, code);
  return { input, handle: await startApplication(client, taskQueue, input) };
}

async function eventsOf(applicationId: string): Promise<DomainEvent[]> {
  const consumer = await nats.js.consumers.get(EVENT_STREAM, {
    filter_subjects: [`hiring.application.${applicationId}.>`],
    deliver_policy: DeliverPolicy.All,
  });
  const out: DomainEvent[] = [];
  for await (const m of await consumer.fetch({ max_messages: 500, expires: 1000 }))
    out.push(m.json<DomainEvent>());
  return out;
}

/** The templates of the emails written to the outbox for one application (headers unfolded). */
function outboxFor(applicationId: string): string[] {
  const outbox = join(dir, 'outbox');
  return readdirSync(outbox)
    .map((f) =>
      (readFileSync(join(outbox, f), 'utf8').split(/\r?\n\r?\n/)[0] ?? '').replaceAll(/\r?\n[ \t]+/g, ' '),
    )
    .filter((head) => new RegExp(`^X-Hiring-Email-Id: ${applicationId}:`, 'im').test(head))
    .map((head) => /^X-Hiring-Template: (\S+)/im.exec(head)?.[1] ?? '?')
    .sort();
}

describe('faults', () => {
  it('kills the worker twice while applications move: every event and email exactly once', async () => {
    const apps = await Promise.all(Array.from({ length: 8 }, (_, i) => newApplication(i)));
    const at = new Date(Date.now() + DAYS(4)).toISOString();
    const rounds = [
      () => recruiter({ type: 'screen', decision: 'shortlist' }),
      () =>
        recruiter({
          type: 'schedule_interview',
          at,
          mode: { kind: 'video', link: 'https://video.interpol.int/f' },
          contactedBy: 'email',
        }),
      (c: string) => candidateSays(c, { type: 'confirm_interview' }),
      () => recruiter({ type: 'record_interview', outcome: 'pass' }),
    ];
    let kills = 0;
    for (const [i, round] of rounds.entries()) {
      const inFlight = Promise.all(apps.map((a) => transition(a.handle, round(a.input.candidateId))));
      if (i === 1 || i === 3) {
        // Kill while the round is in flight, then bring a new worker up.
        await new Promise((r) => setTimeout(r, 150));
        await killWorker();
        kills += 1;
        await startWorker();
      }
      await inFlight;
    }
    for (const a of apps) {
      await eventually(
        () => getApplication(a.handle),
        (v) => v.pendingEffects === 0,
        60_000,
      );
      const events = await eventsOf(a.handle.workflowId);
      expect(events.map((e) => e.type)).toEqual([
        'application.submitted',
        'application.screened',
        'application.interview_scheduled',
        'application.interview_confirmed',
        'application.interview_held',
      ]);
      expect(outboxFor(a.handle.workflowId)).toEqual(
        [
          'acknowledgement',
          'shortlisted',
          'interview_invitation',
          'interview_confirmed',
          'interview_passed',
        ].sort(),
      );
    }
    console.info(
      `faults: ${apps.length} applications, ${rounds.length} rounds, ${kills} worker kills, nothing lost or doubled`,
    );
  }, 240_000);

  it('goes on while NATS is down, and publishes every event once when it is back', async () => {
    const { handle } = await newApplication(100);
    await eventually(
      () => getApplication(handle),
      (v) => v.pendingEffects === 0,
      30_000,
    );
    await natsServer.stop();
    // The recruiter's transition is answered while NATS is down: the workflow does not stall on it.
    const view = await transition(handle, recruiter({ type: 'screen', decision: 'shortlist' }));
    expect(view.status).toBe('screened');
    expect((await getApplication(handle)).pendingEffects).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 3000));
    await startNats();
    await eventually(
      () => getApplication(handle),
      (v) => v.pendingEffects === 0,
      90_000,
    );
    expect((await eventsOf(handle.workflowId)).map((e) => e.type)).toEqual([
      'application.submitted',
      'application.screened',
    ]);
    expect(outboxFor(handle.workflowId)).toEqual(['acknowledgement', 'shortlisted']);
  }, 180_000);
});

/**
 * Faults, bounded and on loopback: the worker killed (SIGKILL) at random moments and restarted
 * while applications move from submission to acceptance, and NATS stopped while a transition is
 * made. Nothing is lost and nothing is doubled: one event per transition on the stream, one email
 * per step in the outbox, one exam seat per application.
 *
 * `npm test` runs 8 applications; `npm run test:faults` runs 200 (FAULT_APPLICATIONS). The kill
 * moments come from FAULT_SEED (printed), so a failing run can be replayed.
 */
import { readiness } from '../../api/readiness.js';
import { DeliverPolicy } from '@nats-io/jetstream';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import {
  getApplication,
  startApplication,
  transition,
  type ApplicationHandle,
} from '../../api/applications.js';
import { directory } from '../../activities/directory.js';
import { kvExamSeats } from '../../activities/exam-booking.js';
import { connectNats, type NatsResources } from '../../activities/nats.js';
import { startReadSide } from '../../readside/projector.js';
import { buildDeps } from '../../api/deps.js';
import { buildApp } from '../../api/server.js';
import { ConfigSchema } from '../../schemas/config.js';
import { EVENT_STREAM, type DomainEvent } from '../../schemas/events.js';
import { freePort, startNatsServer, type ServerHandle } from '../../scripts/servers.js';
import { kvCandidateStore } from '../../stores/candidates.js';
import { kvKeyStore } from '../../stores/keys.js';
import { loadMasterKey } from '../../stores/master-key.js';
import { encryptionCodec } from '../../stores/payload-codec.js';
import { eventually, within } from '../helpers/application-harness.js';
import {
  applicationInput,
  DAYS,
  EVENTS_TO_ACCEPTANCE,
  recruiter,
  stepsToAcceptance,
} from '../helpers/fixtures.js';

const COUNT = Number(process.env.FAULT_APPLICATIONS ?? 8);
const SEED = Number(process.env.FAULT_SEED ?? Date.now() % 1_000_000);
/** A small deterministic generator (mulberry32), so the kill moments of a run can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
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
  // Its output goes to a file in the test's folder, for when a run fails.
  const log = openSync(join(dir, 'worker.log'), 'a');
  worker = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
    env: env(),
    stdio: ['ignore', log, log],
  });
  closeSync(log);
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
  const candidates = kvCandidateStore(
    nats.candidates,
    kvKeyStore(nats.candidateKeys, loadMasterKey(config), nats.js),
  );
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

/** The outbox's emails by application: the template of each (headers unfolded), read once. */
function outbox(): Map<string, string[]> {
  const folder = join(dir, 'outbox');
  const byApplication = new Map<string, string[]>();
  for (const f of readdirSync(folder)) {
    const head = (readFileSync(join(folder, f), 'utf8').split(/\r?\n\r?\n/)[0] ?? '').replaceAll(
      /\r?\n[ \t]+/g,
      ' ',
    );
    // The email id is "<applicationId>:<seq>:<template>:<recipient>".
    const id = /^X-Hiring-Email-Id: (\S+)/im.exec(head)?.[1] ?? '';
    const applicationId = id.split(':')[0] ?? '';
    const template = /^X-Hiring-Template: (\S+)/im.exec(head)?.[1] ?? '?';
    byApplication.set(applicationId, [...(byApplication.get(applicationId) ?? []), template]);
  }
  return byApplication;
}
const outboxFor = (applicationId: string, index = outbox()) => [...(index.get(applicationId) ?? [])].sort();

/**
 * When the run fails, keep every application's history in the test's folder: a history that fails
 * replay becomes a fixture under test/replay/ (payloads are encrypted; the run's MASTER_KEY opens them).
 */
async function keepHistoriesOnFailure(
  apps: { handle: ApplicationHandle }[],
  work: () => Promise<unknown>,
): Promise<void> {
  try {
    await work();
  } catch (err) {
    await mkdir(join(dir, 'histories'), { recursive: true });
    for (const a of apps) {
      const history = historyToJSON(await a.handle.fetchHistory());
      await writeFile(join(dir, 'histories', `${a.handle.workflowId.replaceAll('/', '_')}.json`), history);
    }
    // The run's key is random and made for this test only: kept so the histories can be decoded.
    await writeFile(join(dir, 'histories', 'master-key'), inject('masterKey'));
    console.error(`faults: histories kept in ${join(dir, 'histories')}`);
    throw err;
  }
}

describe('faults', () => {
  it('kills the worker at random moments while applications move: every event, email and seat once', async () => {
    const apps: Awaited<ReturnType<typeof newApplication>>[] = [];
    for (let i = 0; i < COUNT; i += 20)
      apps.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(20, COUNT - i) }, (_, k) => newApplication(i + k)),
        )),
      );
    const at = new Date(Date.now() + DAYS(4)).toISOString();
    const sessionId = `FAULTS-${process.pid}-${Date.now()}`;
    const seats = kvExamSeats(nats.examSessions);
    await seats.createSession({
      sessionId,
      dutyStation: 'LYO',
      startsAt: new Date(Date.now() + DAYS(20)).toISOString(),
      capacity: COUNT,
    });
    const rounds = stepsToAcceptance('', sessionId, at).length;
    // Printed first, so a failing run can be replayed with FAULT_SEED.
    console.info(`faults: seed ${SEED}`);
    const next = random(SEED);
    const moments: string[] = [];
    for (let i = 0; i < rounds; i++) {
      const inFlight = Promise.all(
        apps.map((a) => transition(a.handle, stepsToAcceptance(a.input.candidateId, sessionId, at)[i]!)),
      );
      // Every other round, on average: kill while the round is in flight, at a random moment.
      // (Kills like these found the replay failure that tests/workflows/fresh-replay.test.ts now
      // pins down: FAULT_SEED=744794 with 200 applications.)
      if (next() < 0.5) {
        const delay = Math.floor(next() * 400);
        moments.push(`round ${i + 1} at ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
        await killWorker();
        await startWorker();
      }
      // An application whose workflow task keeps failing never answers: give up after two minutes.
      await keepHistoriesOnFailure(apps, () => within(120_000, inFlight, `round ${i + 1}`));
    }
    await keepHistoriesOnFailure(apps, async () => {
      for (const a of apps)
        await eventually(
          () => getApplication(a.handle),
          (v) => v.pendingEffects === 0,
          120_000,
        );
    });
    const sent = outbox();
    for (const a of apps) {
      expect((await a.handle.result()).status).toBe('accepted');
      const events = await eventsOf(a.handle.workflowId);
      expect(events.map((e) => e.type)).toEqual(EVENTS_TO_ACCEPTANCE);
      expect(outboxFor(a.handle.workflowId, sent)).toEqual(
        [
          'acknowledgement',
          'shortlisted',
          'interview_invitation',
          'interview_confirmed',
          'interview_passed',
          'exam_convocation',
          'exam_passed',
          'offer',
          'offer_accepted',
          'offer_accepted',
          'onboarding_request',
        ].sort(),
      );
    }
    // One seat per application, none doubled, none lost.
    const session = await seats.getSession(sessionId);
    // (seats are kept under the application id with '/' made '_').
    expect(Object.keys(session!.seats).sort()).toEqual(
      apps.map((a) => a.handle.workflowId.replaceAll('/', '_')).sort(),
    );
    expect(new Set(Object.values(session!.seats)).size).toBe(COUNT);
    console.info(
      `faults: ${apps.length} applications to acceptance, ${rounds} rounds, ${moments.length} worker kills (seed ${SEED}: ${moments.join(', ')}); nothing lost or doubled`,
    );
  }, 1_200_000);

  it('goes on while NATS is down, and publishes every event once when it is back', async () => {
    // The API's read side on this NATS: it must follow the events again once the server is back.
    const readSide = await startReadSide(nats, { bucket: 'projections_outage', durable: 'projector_outage' });
    const listed = (id: string) => Promise.resolve(readSide.index.get(id)?.status);
    const { handle } = await newApplication(100);
    await eventually(
      () => getApplication(handle),
      (v) => v.pendingEffects === 0,
      30_000,
    );
    await eventually(
      () => listed(handle.workflowId),
      (status) => status === 'submitted',
      30_000,
    );
    const config = ConfigSchema.parse({ DATA_DIR: dir, MASTER_KEY: inject('masterKey') });
    const { app } = await buildApp({
      ...buildDeps(config, nats, client),
      projections: readSide.projections,
      index: readSide.index,
    });
    const staff = await app.inject({ method: 'GET', url: '/figures' });
    expect(staff.statusCode).toBe(401);
    const token = await buildDeps(config, nats, client).tokens.issue('hr', 'hr-outage');
    await natsServer.stop();
    // An API on this NATS says it is not ready, and which server is missing.
    expect(await readiness({ client, nats }, 500)).toEqual({ ready: false, temporal: 'up', nats: 'down' });
    // A request that needs NATS (here its token, kept there) is told to come back, not that it failed.
    const asked = Date.now();
    const down = await app.inject({
      method: 'GET',
      url: '/figures',
      headers: { authorization: `Bearer ${token}` },
    });
    console.info(`${down.statusCode} after ${Date.now() - asked} ms with NATS down`);
    expect(down.statusCode, down.body).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
    expect(down.json<{ error: string }>().error).toMatch(/messaging server is not answering/);
    await app.close();
    // The recruiter's transition is answered while NATS is down: the workflow does not stall on it.
    const view = await transition(handle, recruiter({ type: 'screen', decision: 'shortlist' }));
    expect(view.status).toBe('screened');
    expect((await getApplication(handle)).pendingEffects).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 3000));
    await startNats();
    await eventually(
      () => readiness({ client, nats }, 500),
      (r) => r.ready,
      30_000,
    );
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
    // The projector and the index's watch came back with the server: the list shows the new stage.
    await eventually(
      () => listed(handle.workflowId),
      (status) => status === 'screened',
      60_000,
    );
    await readSide.stop();
  }, 180_000);
});

/**
 * `npm run bench`: how fast and how far one machine goes, side by side with the bare Temporal
 * engine on the same server in the same run. Starts its own Temporal dev server (SQLite), NATS and
 * worker processes on free loopback ports, and writes result.json, report.md and chart.svg under
 * .bench/<run>/ (and .bench/latest.*). Every figure is measured in this run; nothing is estimated.
 *
 *   npm run bench                          # defaults: 2,000 applications, concurrency 32, 10,000 parked
 *   npm run bench -- --n 500 --parked 3000 # smaller
 *   npm run bench -- --smoke               # a few of each, to prove the bench still works (npm test)
 *   npm run bench -- --worker-options '{"maxCachedWorkflows":2000}'   # a tuning experiment
 *   npm run bench -- --n 200 --scenarios throughput --profile  # baseline and pipeline, CPU profiles
 *   npm run bench -- --n 200 --scenarios throughput --rounds 3 # the two three times over: the noise
 *   npm run bench -- --n 1000 --scenarios throughput,effects --rounds 3 # and without emails or events
 */
import { Client, Connection, WorkflowIdConflictPolicy, type WorkflowHandle } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  createWriteStream,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { kvExamSeats } from '../activities/exam-booking.js';
import { directory } from '../activities/directory.js';
import { connectNats, type NatsResources } from '../activities/nats.js';
import { getApplication, startApplication, transition } from '../api/applications.js';
import type { ApplicationInput, TransitionRequestInput } from '../schemas/application.js';
import { applicationWorkflowId } from '../schemas/application.js';
import { EVENT_STREAM } from '../schemas/events.js';
import {
  freePort,
  onFreePort,
  SQLITE_PRAGMAS,
  startNatsServer,
  startTemporalDevServer,
  waitForPort,
  type ServerHandle,
} from '../scripts/servers.js';
import { kvCandidateStore, type CandidateStore } from '../stores/candidates.js';
import { kvKeyStore } from '../stores/keys.js';
import { encryptionCodec } from '../stores/payload-codec.js';
import { kvTokenStore } from '../stores/tokens.js';
import {
  renderChart,
  renderMarkdown,
  type BenchResult,
  type CpuPerApplication,
  type HistorySize,
  type Latency,
  type Figures,
  type PipelineFigures,
  type RoundFigures,
  totalCpu,
} from './report.js';
import { turns } from './turns.js';
import type { BarePlan } from './workflows/bare.js';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '32' },
    parked: { type: 'string', default: '10000' },
    out: { type: 'string', default: '.bench' },
    smoke: { type: 'boolean', default: false },
    'worker-options': { type: 'string', default: '{}' },
    'sqlite-pragma': { type: 'string', multiple: true, default: SQLITE_PRAGMAS },
    // For tuning experiments: `--scenarios throughput` runs the baseline and the pipeline only.
    scenarios: { type: 'string', default: 'throughput,events,effects,parked,dashboard' },
    // Writes a V8 CPU profile of every worker and API process under <run>/profiles (for chrome://inspect).
    profile: { type: 'boolean', default: false },
    // Baseline and pipeline taken this many times, alternating: the spread is the runs' noise.
    rounds: { type: 'string', default: '1' },
    // Applications per turn: within a round the sides take turns on the server (bench/turns.ts).
    block: { type: 'string', default: '200' },
    // The harness against itself: the bare engine on both sides; the ratios should read 1.
    calibrate: { type: 'boolean', default: false },
  },
});
const smoke = args.smoke;
const N = smoke ? 6 : Number(args.n);
const C = smoke ? 3 : Number(args.concurrency);
const PARKED = smoke ? 30 : Number(args.parked);
const ROUNDS = smoke ? 2 : Number(args.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1)
  throw new Error(`--rounds: a whole number from 1 (got ${args.rounds})`);
const BLOCK = smoke ? 3 : Number(args.block);
const CALIBRATE = args.calibrate;
const WARMUP = Math.min(20, Math.ceil(N / 10));
const workerOptions = JSON.parse(args['worker-options']) as Record<string, unknown>;
const SCENARIOS = ['throughput', 'events', 'effects', 'parked', 'dashboard'] as const;
type Scenario = (typeof SCENARIOS)[number];
const scenarios = new Set(args.scenarios.split(',').map((x) => x.trim())) as Set<Scenario>;
for (const name of scenarios)
  if (!SCENARIOS.includes(name))
    throw new Error(`--scenarios: '${name}' is not one of ${SCENARIOS.join(', ')}`);
if (!scenarios.has('throughput'))
  throw new Error('--scenarios must include throughput (the baseline and pipeline)');
if (scenarios.has('dashboard') && !scenarios.has('parked'))
  throw new Error('--scenarios: dashboard reads over the parked applications, so it needs parked');
if (CALIBRATE && [...scenarios].some((name) => name !== 'throughput'))
  throw new Error('--calibrate measures the harness: run it with --scenarios throughput');
for (const [name, v] of Object.entries({ n: N, concurrency: C, parked: PARKED, block: BLOCK }))
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer (got ${v})`);

const DAY = 86_400_000;
const runId = new Date().toISOString().replaceAll(/[:.]/g, '-');
const outDir = resolve(args.out, smoke ? `smoke-${runId}` : runId);
mkdirSync(outDir, { recursive: true });
const masterKey = randomBytes(32).toString('base64');
const log = (line: string) => console.log(`[bench] ${line}`);

// ---- Measuring helpers

function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    count: sorted.length,
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(at(100)),
  };
}

async function timed<T>(into: number[], fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const out = await fn();
  into.push(performance.now() - t);
  return out;
}

/** Resident memory of a process in MiB, from /proc (Linux) or ps. */
function rssMiB(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    if (kb) return Math.round(Number(kb) / 102.4) / 10;
  } catch {
    /* not Linux */
  }
  return NaN;
}

/** CPU time a process has used so far, in ms (user + system, from /proc; NaN elsewhere). */
function cpuMs(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
const CLOCK_TICKS = 100; // USER_HZ on Linux

/**
 * Where the CPU went during fn, in ms: the Temporal server, the NATS server, the worker, and this
 * process (the client driving the updates). On a 2-core machine they compete for the same cores.
 */
async function cpuOf<T>(
  workerPid: number,
  fn: () => Promise<T>,
): Promise<{ out: T; cpu: CpuPerApplication }> {
  const pids = { server: temporal.process.pid!, nats: natsServer.process.pid!, worker: workerPid };
  const before = {
    server: cpuMs(pids.server),
    nats: cpuMs(pids.nats),
    worker: cpuMs(pids.worker),
    driver: process.cpuUsage(),
  };
  const out = await fn();
  const driver = process.cpuUsage(before.driver);
  return {
    out,
    cpu: {
      serverMs: cpuMs(pids.server) - before.server,
      natsMs: cpuMs(pids.nats) - before.nats,
      workerMs: cpuMs(pids.worker) - before.worker,
      driverMs: (driver.user + driver.system) / 1000,
    },
  };
}

/** A side's timings over all its turns in a round: latency samples, time and CPU in ms. */
interface Samples {
  count: number;
  ms: number;
  update: number[];
  query: number[];
  start: number[];
  cpu: CpuPerApplication;
}
const noSamples = (): Samples => ({
  count: 0,
  ms: 0,
  update: [],
  query: [],
  start: [],
  cpu: { serverMs: 0, natsMs: 0, workerMs: 0, driverMs: 0 },
});

/** One side of a comparison: its worker, and how it runs applications from..from + count - 1 into its samples. */
interface Side {
  label: string;
  worker: Child;
  run(from: number, count: number): Promise<void>;
  samples: Samples;
}

/**
 * Runs the sides' applications in turns (bench/turns.ts), timing each turn and the CPU of the
 * servers, the side's worker and this process during it; a side's figures are over all its turns.
 */
async function takeTurns(sides: Side[]): Promise<Figures[]> {
  for (const turn of turns(sides.length, N, BLOCK)) {
    const side = sides[turn.side]!;
    const t0 = performance.now();
    const { cpu } = await cpuOf(side.worker.pid, () => side.run(turn.from, turn.count));
    side.samples.ms += performance.now() - t0;
    side.samples.count += turn.count;
    for (const k of Object.keys(cpu) as (keyof CpuPerApplication)[]) side.samples.cpu[k] += cpu[k];
    log(`  ${side.label}: ${side.samples.count}/${N}`);
  }
  const per = (ms: number, count: number) => Math.round((ms / count) * 10) / 10;
  return sides.map(({ samples: x }) => ({
    ...figures(x.count, x.ms, x.update, x.query, x.start),
    cpu: {
      serverMs: per(x.cpu.serverMs, x.count),
      natsMs: per(x.cpu.natsMs, x.count),
      workerMs: per(x.cpu.workerMs, x.count),
      driverMs: per(x.cpu.driverMs, x.count),
    },
  }));
}

function ratiosOf(
  pipeline: Figures,
  baseline: Figures,
  withoutEvents?: Figures,
  withoutEffects?: Figures,
): RoundFigures['ratios'] {
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  // A side's throughput, update p99 and CPU against the baseline's.
  const against = (side: Figures) => ({
    throughput: ratio(side.applicationsPerSecond, baseline.applicationsPerSecond),
    updateP99: ratio(side.update.p99, baseline.update.p99),
    cpu: ratio(totalCpu(side.cpu), totalCpu(baseline.cpu)),
  });
  return {
    ...against(pipeline),
    // What publishing costs: the throughput lost against the same pipeline publishing nothing.
    ...(withoutEvents
      ? {
          eventCost:
            Math.round(
              ((withoutEvents.applicationsPerSecond - pipeline.applicationsPerSecond) /
                withoutEvents.applicationsPerSecond) *
                1000,
            ) / 1000,
        }
      : {}),
    // The pipeline with no emails or events against the bare engine: what our workflow, its
    // payloads and the activities' bookkeeping cost apart from the work the effects do; and the
    // effects' share of all the CPU we spend beyond the bare engine.
    ...(withoutEffects
      ? {
          withoutEffects: against(withoutEffects),
          effectsShare: ratio(
            totalCpu(pipeline.cpu) - totalCpu(withoutEffects.cpu),
            totalCpu(pipeline.cpu) - totalCpu(baseline.cpu),
          ),
        }
      : {}),
  };
}

/** Means over histories: events (and the costly kinds among them) and stored bytes. */
function historyStats(histories: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>[]): HistorySize {
  const mean = (f: (h: (typeof histories)[number]) => number) =>
    Math.round((histories.reduce((sum, h) => sum + f(h), 0) / histories.length) * 10) / 10;
  const count = (h: (typeof histories)[number], kind: (e: NonNullable<typeof h.events>[number]) => unknown) =>
    (h.events ?? []).filter((e) => kind(e)).length;
  return {
    sampled: histories.length,
    events: mean((h) => h.events?.length ?? 0),
    kiB: mean((h) => Buffer.byteLength(JSON.stringify(h)) / 1024),
    workflowTasks: mean((h) => count(h, (e) => e.workflowTaskCompletedEventAttributes)),
    upserts: mean((h) => count(h, (e) => e.upsertWorkflowSearchAttributesEventAttributes)),
    timers: mean((h) => count(h, (e) => e.timerStartedEventAttributes)),
  };
}

/** Runs fn over items, `concurrency` at a time; says how far it got every tenth of the way. */
async function pool<T>(
  items: T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
  what = '',
): Promise<void> {
  let next = 0;
  let done = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        await fn(items[next++]!);
        done += 1;
        if (what && items.length >= 500 && done % Math.ceil(items.length / 10) === 0)
          log(`  ${what}: ${done}/${items.length} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
    }),
  );
}

// ---- Servers and processes

let temporal: ServerHandle;
let natsServer: ServerHandle;
const children = new Set<ChildProcess>();
let env: NodeJS.ProcessEnv;

async function startServers(): Promise<{ temporalAddress: string; natsUrl: string }> {
  const logDir = join(outDir, 'logs');
  // Each on a free port, tried again on another if that one is taken before the server binds it.
  const temporalPort = await onFreePort(async (port) => {
    temporal = await startTemporalDevServer({
      port,
      dbFile: join(outDir, 'temporal.sqlite'),
      namespace: 'default',
      logDir,
      sqlitePragmas: args['sqlite-pragma'],
    });
  });
  const natsPort = await onFreePort(async (port) => {
    natsServer = await startNatsServer({ port, storeDir: join(outDir, 'nats'), logDir });
  });
  return { temporalAddress: `127.0.0.1:${temporalPort}`, natsUrl: `nats://127.0.0.1:${natsPort}` };
}

interface Child {
  pid: number;
  stop(): Promise<void>;
}

/** Starts a process of ours and waits for its "ready" line (a worker) or its port (the API). */
async function startChild(
  name: string,
  argv: string[],
  extra: NodeJS.ProcessEnv,
  ready: { line: string } | { port: number },
): Promise<Child> {
  const profile = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(outDir, 'profiles')}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', ...argv], {
    env: { ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const logFile = createWriteStream(join(outDir, 'logs', `${name}.log`), { flags: 'a' });
  child.stderr.pipe(logFile);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let stopping = false;
  // A process of ours dying mid-run ends the run: its figures would be wrong, or it would hang.
  child.once('exit', (code, signal) => {
    if (stopping || shuttingDown) return;
    console.error(`[bench] ${name} died (${code ?? signal}) mid-run: see ${outDir}/logs/${name}.log`);
    void stopAll().then(() => process.exit(1));
  });
  await new Promise<void>((resolvePromise, reject) => {
    // Only until the ready line: kept for the process's life, the text (every log line of a long
    // run) was searched again at each chunk, in this process, whose CPU counts in the figures.
    let buffer: string | undefined = '';
    child.stdout.on('data', (chunk: Buffer) => {
      logFile.write(chunk);
      if (buffer === undefined || !('line' in ready)) return;
      buffer += chunk.toString();
      if (buffer.includes(ready.line)) {
        buffer = undefined;
        resolvePromise();
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`${name} exited with ${code}: see ${outDir}/logs/${name}.log`)),
    );
    if ('port' in ready) waitForPort(ready.port, 60_000, child).then(resolvePromise, reject);
  });
  return {
    pid: child.pid!,
    async stop() {
      stopping = true;
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      children.delete(child);
    },
  };
}

const startWorker = (
  name: string,
  mode: 'hiring' | 'bare',
  taskQueue: string,
  extra: NodeJS.ProcessEnv = {},
) =>
  startChild(
    name,
    ['bench/worker.ts', mode],
    { TEMPORAL_TASK_QUEUE: taskQueue, BENCH_WORKER_OPTIONS: JSON.stringify(workerOptions), ...extra },
    { line: 'ready' },
  );

// ---- The pipeline, as recruiters and candidates drive it

function steps(candidateId: string, sessionId: string, now: number): TransitionRequestInput[] {
  const recruiter = (command: TransitionRequestInput['command']): TransitionRequestInput => ({
    actor: { role: 'recruiter', id: 'rec-1' },
    command,
  });
  const candidate = (command: TransitionRequestInput['command']): TransitionRequestInput => ({
    actor: { role: 'candidate', id: candidateId },
    command,
  });
  return [
    recruiter({ type: 'screen', decision: 'shortlist' }),
    recruiter({
      type: 'schedule_interview',
      at: new Date(now + 7 * DAY).toISOString(),
      mode: { kind: 'video', link: 'https://video.interpol.int/room/bench' },
      contactedBy: 'email',
    }),
    candidate({ type: 'confirm_interview' }),
    recruiter({ type: 'record_interview', outcome: 'pass' }),
    recruiter({ type: 'schedule_exam', sessionId }),
    recruiter({ type: 'record_exam_result', score: 80, passed: true }),
    recruiter({ type: 'make_offer', terms: 'P3, two-year fixed-term contract' }),
    candidate({ type: 'accept_offer' }),
  ];
}

/** The same shape for the bare workflow: per step, activities awaited in it and run behind it. */
const BARE_PLAN: BarePlan = {
  steps: [
    { inline: 0, events: 1, emails: 1 }, // submitted: acknowledgement
    { inline: 0, events: 1, emails: 1 }, // screened
    { inline: 0, events: 1, emails: 1 }, // interview scheduled: invitation
    { inline: 0, events: 1, emails: 1 }, // confirmed: to the recruiter
    { inline: 0, events: 1, emails: 1 }, // interview passed
    { inline: 1, events: 1, emails: 1 }, // exam: the seat is booked inside the update
    { inline: 0, events: 1, emails: 1 }, // exam passed
    { inline: 0, events: 1, emails: 1 }, // offer
    { inline: 0, events: 1, emails: 3 }, // accepted: candidate, recruiter, and HR to start onboarding
  ],
};
const ACTIVITIES_PER_APPLICATION = BARE_PLAN.steps.reduce((n, s) => n + s.inline + s.events + s.emails, 0);

function figures(
  count: number,
  ms: number,
  update: number[],
  query: number[],
  start: number[],
): PipelineFigures {
  const seconds = ms / 1000;
  return {
    applications: count,
    seconds: Math.round(seconds * 100) / 100,
    applicationsPerSecond: Math.round((count / seconds) * 10) / 10,
    transitionsPerSecond: Math.round(((count * 8) / seconds) * 10) / 10,
    update: latency(update),
    query: latency(query),
    start: latency(start),
  };
}

/** Exam sessions start on the same day wherever a run creates them, so creating one again is a no-op. */
const SESSIONS_START = new Date(Date.now() + 20 * DAY).toISOString();

/**
 * Drives the candidates' applications to acceptance, C at a time; `from` numbers the first of
 * them within its position (a side's turn), for its exam session. Returns this call's figures and
 * adds its samples to `into`.
 */
async function runPipeline(
  client: Client,
  taskQueue: string,
  positionId: string,
  candidates: string[],
  examSeats: ReturnType<typeof kvExamSeats>,
  into: Samples = noSamples(),
  from = 0,
): Promise<PipelineFigures> {
  const now = Date.now();
  // Exam sessions of 100 seats each, as a duty station would hold them.
  const sessionOf = (i: number) => `${positionId}-S${Math.floor((from + i) / 100)}`;
  for (const sessionId of new Set(candidates.map((_, i) => sessionOf(i))))
    await examSeats.createSession({ sessionId, dutyStation: 'LYO', startsAt: SESSIONS_START, capacity: 100 });
  const update: number[] = [];
  const query: number[] = [];
  const start: number[] = [];
  const t0 = performance.now();
  await pool(
    candidates.map((c, i) => ({ c, i })),
    C,
    async ({ c, i }) => {
      const input: ApplicationInput = {
        applicationId: applicationWorkflowId(positionId, c),
        candidateId: c,
        recruiterId: 'rec-1',
        position: {
          positionId,
          reference: `VN-${positionId}`,
          title: 'Criminal Intelligence Officer',
          dutyStation: 'LYO',
          deadline: new Date(now + 14 * DAY).toISOString(),
        },
        policy: {},
        submittedAt: new Date().toISOString(),
      };
      const handle = await timed(start, () => startApplication(client, taskQueue, input));
      for (const [k, step] of steps(c, sessionOf(i), now).entries()) {
        await timed(update, () => transition(handle, step));
        if (k === 3) await timed(query, () => getApplication(handle));
      }
      const final = await handle.result();
      if (final.status !== 'accepted') throw new Error(`${handle.workflowId} ended ${final.status}`);
    },
    positionId,
  );
  into.update.push(...update);
  into.query.push(...query);
  into.start.push(...start);
  return figures(candidates.length, performance.now() - t0, update, query, start);
}

/** Bare workflows from..from + count - 1 under the prefix; adds their samples to `into`. */
async function runBare(
  client: Client,
  taskQueue: string,
  prefix: string,
  count: number,
  into: Samples = noSamples(),
  from = 0,
): Promise<void> {
  const { update, query, start } = into;
  await pool(
    Array.from({ length: count }, (_, i) => from + i),
    C,
    async (i) => {
      const handle = await timed(start, () =>
        client.workflow.start('bareWorkflow', {
          taskQueue,
          workflowId: `${prefix}-${i}`,
          args: [BARE_PLAN],
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        }),
      );
      for (let k = 0; k < 8; k++) {
        await timed(update, () => handle.executeUpdate('step', { args: [{ command: `step-${k}` }] }));
        if (k === 3) await timed(query, () => handle.query('step'));
      }
      await handle.result();
    },
    prefix,
  );
}

// ---- Main

async function main(): Promise<BenchResult> {
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  const parameters = {
    applications: N,
    concurrency: C,
    parked: PARKED,
    warmup: WARMUP,
    rounds: ROUNDS,
    block: BLOCK,
    calibrate: CALIBRATE,
    workerOptions,
    sqlitePragmas: args['sqlite-pragma'],
    scenarios: [...scenarios],
    smoke,
  };
  log(`machine ${JSON.stringify(machine)}`);
  log(`parameters ${JSON.stringify(parameters)}`);
  const { temporalAddress, natsUrl } = await startServers();
  env = {
    ...process.env,
    TEMPORAL_ADDRESS: temporalAddress,
    NATS_URL: natsUrl,
    DATA_DIR: join(outDir, 'data'),
    MASTER_KEY: masterKey,
  };
  const nats: NatsResources = await connectNats(natsUrl, 'bench');
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({
    connection,
    dataConverter: { payloadCodecs: [encryptionCodec(Buffer.from(masterKey, 'base64'))] },
  });
  const candidates: CandidateStore = kvCandidateStore(
    nats.candidates,
    kvKeyStore(nats.candidateKeys, Buffer.from(masterKey, 'base64'), nats.js),
  );
  await directory({ people: nats.people, candidates, hr: { name: 'HR', email: 'hr@example.org' } }).putStaff(
    'rec-1',
    { name: 'Jean Martin', email: 'jean.martin@example.org' },
  );
  const examSeats = kvExamSeats(nats.examSessions);

  // Candidate accounts exist before anything is timed: one per application, reused across positions.
  const people = Math.max(N + WARMUP, scenarios.has('parked') ? PARKED : 0);
  log(`creating ${people} candidate accounts`);
  const ids = Array.from({ length: people }, (_, i) => `bench-${i}`);
  await pool(ids, 16, async (id) => {
    const { code } = await candidates.createAccount(
      { name: `Candidate ${id}`, email: `${id}@example.org` },
      id,
    );
    await candidates.confirm(id, code);
  });
  const first = (n: number) => ids.slice(0, n);
  const warm = ids.slice(N, N + WARMUP);

  try {
    // 2 and 1 (and 5), in rounds: the bare engine's baseline, our pipeline and, for the events
    // scenario, our pipeline with the publish as a no-op, each on its own worker. Within a round
    // they take turns on the server, a block of applications at a time (bench/turns.ts): the same
    // code run after another reads slower on a server that fills as it goes (README, Performance),
    // so no side runs all its applications first. More rounds show the runs' noise; the targets
    // are judged on the median round.
    const bareClient = new Client({ connection }); // the bare engine: no payload encryption either
    const rounds: RoundFigures[] = [];
    // Round 1 keeps the plain prefixes ('bare', 'PIPE'); later rounds number theirs.
    const tagOf = (round: number) => (round === 1 ? '' : String(round));
    const bareSide = async (label: string, taskQueue: string, prefix: string): Promise<Side> => {
      const worker = await startWorker(`worker-${label}`, 'bare', taskQueue);
      await runBare(bareClient, taskQueue, `warm-${prefix}`, WARMUP);
      const samples = noSamples();
      return {
        label,
        worker,
        samples,
        run: (from, count) => runBare(bareClient, taskQueue, prefix, count, samples, from),
      };
    };
    const pipelineSide = async (
      label: string,
      taskQueue: string,
      positionId: string,
      warmPosition: string,
      extra: NodeJS.ProcessEnv = {},
    ): Promise<Side> => {
      const worker = await startWorker(`worker-${label}`, 'hiring', taskQueue, extra);
      await runPipeline(client, taskQueue, warmPosition, warm, examSeats);
      const samples = noSamples();
      return {
        label,
        worker,
        samples,
        run: async (from, count) => {
          const candidates = ids.slice(from, from + count);
          await runPipeline(client, taskQueue, positionId, candidates, examSeats, samples, from);
        },
      };
    };
    for (let round = 1; round <= ROUNDS; round++) {
      const tag = tagOf(round);
      log(
        `round ${round} of ${ROUNDS}: ${N} bare workflows (${ACTIVITIES_PER_APPLICATION} no-op activities and 8 updates each), ` +
          (CALIBRATE
            ? `${N} more of them (calibration)`
            : `${N} applications from submission to acceptance`) +
          (scenarios.has('events') ? `, ${N} with the publish as a no-op` : '') +
          `, concurrency ${C}, in turns of ${BLOCK}`,
      );
      // Started (and warmed up) in the order they take their first turns.
      const baselineSide = await bareSide(`bare${tag}`, 'bench-bare', `bare${tag}`);
      const secondSide = CALIBRATE
        ? await bareSide(`bareB${tag}`, 'bench-bare-b', `bareB${tag}`)
        : await pipelineSide(`pipeline${tag}`, 'bench-hiring', `PIPE${tag}`, `WARM1${tag}`);
      const noopPublish = scenarios.has('events')
        ? await pipelineSide(`noop-events${tag}`, 'bench-noop', `NOEV${tag}`, `WARM2${tag}`, {
            BENCH_NOOP: 'publish',
          })
        : undefined;
      const noEffects = scenarios.has('effects')
        ? await pipelineSide(`noop-effects${tag}`, 'bench-noop-effects', `NOEF${tag}`, `WARM3${tag}`, {
            BENCH_NOOP: 'effects',
          })
        : undefined;
      const sides = [
        baselineSide,
        secondSide,
        ...[noopPublish, noEffects].filter((side) => side !== undefined),
      ];
      const peak: number[] = [];
      const sampler = setInterval(() => peak.push(rssMiB(secondSide.worker.pid)), 500);
      const figures = await takeTurns(sides);
      clearInterval(sampler);
      for (const side of sides) await side.worker.stop();
      const [baseline, pipeline] = figures;
      const figuresOf = (side?: Side) => (side ? figures[sides.indexOf(side)] : undefined);
      const withoutEvents = figuresOf(noopPublish);
      const withoutEffects = figuresOf(noEffects);
      log(`baseline ${JSON.stringify(baseline)}`);
      log(`${CALIBRATE ? 'baseline again' : 'pipeline'} ${JSON.stringify(pipeline)}`);
      if (withoutEvents) log(`without events ${JSON.stringify(withoutEvents)}`);
      if (withoutEffects) log(`without effects ${JSON.stringify(withoutEffects)}`);
      rounds.push({
        baseline: baseline!,
        pipeline: { ...pipeline!, workerPeakMiB: Math.max(...peak.filter(Number.isFinite), 0) },
        ...(withoutEvents ? { publishAsNoop: withoutEvents } : {}),
        ...(withoutEffects ? { effectsAsNoop: withoutEffects } : {}),
        ratios: ratiosOf(pipeline!, baseline!, withoutEvents, withoutEffects),
      });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
    // Each of a side's three ratios to the baseline, its median over the rounds (as ratiosOf takes them).
    const medians = (of: { throughput: number; updateP99: number; cpu: number }[]) => ({
      throughput: median(of.map((r) => r.throughput)),
      updateP99: median(of.map((r) => r.updateP99)),
      cpu: median(of.map((r) => r.cpu)),
    });
    const medianThroughput = median(rounds.map((r) => r.ratios.throughput));
    // The figures shown are the round whose throughput ratio is the median.
    const shownRound = rounds.findIndex((r) => r.ratios.throughput === medianThroughput) + 1;
    const shown = rounds[shownRound - 1]!;
    const { baseline, pipeline } = shown;

    // What the server stores per application, ours against the bare workflow's, over several, in
    // the round shown.
    const sample = first(Math.min(N, 20));
    const shownTag = tagOf(shownRound);
    const histories = await Promise.all(
      sample.map((c, i) =>
        CALIBRATE
          ? bareClient.workflow.getHandle(`bareB${shownTag}-${i}`).fetchHistory()
          : client.workflow.getHandle(applicationWorkflowId(`PIPE${shownTag}`, c)).fetchHistory(),
      ),
    );
    const bareHistories = await Promise.all(
      sample.map((_, i) => bareClient.workflow.getHandle(`bare${shownTag}-${i}`).fetchHistory()),
    );
    // The pipeline's real activity count, read from one application's history.
    const activitiesPerApplication = (histories[0]!.events ?? []).filter(
      (e) => e.activityTaskScheduledEventAttributes,
    ).length;

    const result: BenchResult = {
      runId,
      machine,
      parameters,
      pipeline: { ...pipeline, activitiesPerApplication, history: historyStats(histories) },
      baseline: {
        ...baseline,
        activitiesPerApplication: ACTIVITIES_PER_APPLICATION,
        history: historyStats(bareHistories),
      },
      ratios: medians(rounds.map((r) => r.ratios)),
      ...(rounds.length > 1 ? { rounds, shownRound } : {}),
    };

    if (shown.publishAsNoop) {
      // 5. The same pipeline with the JetStream publish as a no-op, in turns with the others.
      result.events = { withPublish: pipeline, publishAsNoop: shown.publishAsNoop };
      result.ratios.eventCost = median(rounds.map((r) => r.ratios.eventCost!));
    }
    if (shown.effectsAsNoop) {
      // 6. The same pipeline with no emails or events, in turns with the others.
      // Its histories too: no-ops finish together, so their completions share workflow tasks.
      const noEffectsHistories = await Promise.all(
        sample.map((c) =>
          client.workflow.getHandle(applicationWorkflowId(`NOEF${shownTag}`, c)).fetchHistory(),
        ),
      );
      result.effects = { effectsAsNoop: shown.effectsAsNoop, history: historyStats(noEffectsHistories) };
      result.ratios.withoutEffects = medians(rounds.map((r) => r.ratios.withoutEffects!));
      result.ratios.effectsShare = median(rounds.map((r) => r.ratios.effectsShare!));
    }
    if (!scenarios.has('parked')) return result;

    // 3. Many open applications, parked on their timers (screening reminders, the maximum wait).
    log(`parked: ${PARKED} applications waiting in submitted`);
    const parkWorker = await startWorker('worker-parked', 'hiring', 'bench-park');
    const checkpoints = [...new Set([Math.round(PARKED / 10), Math.round(PARKED / 2), PARKED])].filter(
      (n) => n > 0,
    );
    const memory = [
      { applications: 0, workerMiB: rssMiB(parkWorker.pid), serverMiB: rssMiB(temporal.process.pid!) },
    ];
    // Submitted events on the stream and emails in the outbox: what the parked applications owe.
    const effectsDone = async () => {
      const consumer = await nats.js.consumers.get(EVENT_STREAM, {
        filter_subjects: ['hiring.application.*.submitted'],
      });
      const events = (await consumer.info()).num_pending;
      await consumer.delete().catch(() => undefined);
      // The outbox's file names are its ledger (activities/mailer.ts): one .eml per email sent.
      const emails = readdirSync(join(outDir, 'data', 'outbox')).filter((f) => f.endsWith('.eml')).length;
      return { events, emails };
    };
    const before = await effectsDone();
    let started = 0;
    const parkStart: number[] = [];
    const now = Date.now();
    for (const checkpoint of checkpoints) {
      await pool(ids.slice(started, checkpoint), C, async (c) => {
        await timed(parkStart, () =>
          startApplication(client, 'bench-park', {
            applicationId: applicationWorkflowId('PARK', c),
            candidateId: c,
            recruiterId: 'rec-1',
            position: {
              positionId: 'PARK',
              reference: 'VN-PARK',
              title: 'Analyst',
              dutyStation: 'SIN',
              deadline: new Date(now + 60 * DAY).toISOString(),
            },
            policy: {},
            submittedAt: new Date().toISOString(),
          }),
        );
      });
      started = checkpoint;
      // Parked means settled: listed, its event published and its acknowledgement sent.
      await waitFor(`visibility to list ${checkpoint} parked applications`, async () => {
        return (await client.workflow.count(`PositionId = 'PARK'`)).count >= checkpoint;
      });
      await waitFor(`${checkpoint} parked applications' events and emails`, async () => {
        const settled = await effectsDone();
        return settled.events - before.events >= checkpoint && settled.emails - before.emails >= checkpoint;
      });
      await new Promise((r) => setTimeout(r, smoke ? 500 : 5000));
      memory.push({
        applications: checkpoint,
        workerMiB: rssMiB(parkWorker.pid),
        serverMiB: rssMiB(temporal.process.pid!),
      });
      log(`parked ${checkpoint}: ${JSON.stringify(memory.at(-1))}`);
    }

    const perApplication = memory.slice(1).map((m) => ({
      applications: m.applications,
      workerKiB: Math.round(((m.workerMiB - memory[0]!.workerMiB) * 1024) / m.applications),
      serverKiB: Math.round(((m.serverMiB - memory[0]!.serverMiB) * 1024) / m.applications),
    }));
    result.parked = { memory, perApplication, start: latency(parkStart) };
    if (!scenarios.has('dashboard')) {
      await parkWorker.stop();
      return result;
    }

    // 4. The dashboard's list and counts over the parked applications while a pipeline runs.
    log('dashboard: list and count by stage and position while the pipeline runs');
    const apiPort = await freePort();
    const api = await startChild(
      'api',
      ['api/main.ts'],
      { TEMPORAL_TASK_QUEUE: 'bench-park', API_PORT: String(apiPort), API_HOST: '127.0.0.1' },
      { port: apiPort },
    );
    const token = await kvTokenStore(nats.tokens).issue('recruiter', 'rec-1');
    const base = `http://127.0.0.1:${apiPort}`;
    const get = async (path: string) => {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as unknown;
    };
    // The API's read side starts with it here, where in service it runs all along: the dashboard is
    // timed once its index holds every parked application, not while the projector catches up.
    const readSideStart = Date.now();
    await waitFor(`the read side to hold ${started} parked applications`, async () => {
      const f = (await get('/figures')) as { byPosition: Record<string, Record<string, number>> };
      return Object.values(f.byPosition.PARK ?? {}).reduce((a, b) => a + b, 0) >= started;
    });
    const readSideCatchUpSeconds = (Date.now() - readSideStart) / 1000;
    log(`read side caught up with ${started} parked applications in ${readSideCatchUpSeconds} s`);
    const list: number[] = [];
    const count: number[] = [];
    let loading = true;
    const readers = Array.from({ length: 2 }, async () => {
      while (loading) {
        await timed(list, () => get('/applications?positionId=PARK&limit=200'));
        await timed(count, () => get('/figures'));
      }
    });
    const underLoad = await runPipeline(client, 'bench-park', 'DASH', first(N), examSeats);
    loading = false;
    await Promise.all(readers);
    await api.stop();
    await parkWorker.stop();
    log(`dashboard list ${JSON.stringify(latency(list))} count ${JSON.stringify(latency(count))}`);
    result.dashboard = {
      list: latency(list),
      count: latency(count),
      pipelineUnderLoad: underLoad,
      readSideCatchUpSeconds,
    };
    return result;
  } finally {
    await nats.close();
    await connection.close();
  }
}

async function waitFor(what: string, ok: () => Promise<boolean>, timeoutMs = 1_800_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error(`${what}: not done in ${timeoutMs / 60_000} minutes`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

let shuttingDown = false;
async function stopAll() {
  shuttingDown = true;
  for (const child of children) child.kill('SIGKILL');
  await natsServer?.stop();
  await temporal?.stop();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void stopAll().then(() => process.exit(130)));

try {
  const result = await main();
  writeFileSync(join(outDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(outDir, 'report.md'), renderMarkdown(result));
  writeFileSync(join(outDir, 'chart.svg'), renderChart(result));
  for (const f of ['result.json', 'report.md', 'chart.svg'])
    copyFileSync(join(outDir, f), resolve(args.out, `${smoke ? 'smoke-' : ''}latest.${f.split('.')[1]}`));
  console.log(renderMarkdown(result));
  log(`written to ${outDir}`);
} catch (err) {
  console.error(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}

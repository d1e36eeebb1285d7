/** The benchmark's result, and how it is shown to a person: a Markdown table and an SVG chart. */

export interface Latency {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface PipelineFigures {
  applications: number;
  seconds: number;
  applicationsPerSecond: number;
  transitionsPerSecond: number;
  update: Latency;
  query: Latency;
  start: Latency;
}

/**
 * An application's history as the server stores it (JSON of the events, payloads encoded): the
 * mean over several applications, since how activity completions fall into workflow tasks varies
 * from one to the next. Workflow tasks, search-attribute upserts (each a visibility write) and
 * timers started are the events that cost the server most beyond the bare workflow.
 */
export interface HistorySize {
  /** How many applications' histories the means are over. */
  sampled: number;
  events: number;
  kiB: number;
  workflowTasks: number;
  upserts: number;
  timers: number;
}

/** CPU time per application during a timed run, in ms: where the two cores went. */
export interface CpuPerApplication {
  serverMs: number;
  /** The NATS server: events, key-value reads and writes (the baseline uses none). */
  natsMs: number;
  workerMs: number;
  /** The benchmark process itself: the client making the updates and queries. */
  driverMs: number;
}

/** A timed side's figures and where its CPU went. */
export type Figures = PipelineFigures & { cpu: CpuPerApplication };

/** All the CPU an application cost, every process together. */
export function totalCpu(c: CpuPerApplication): number {
  return Math.round((c.serverMs + c.natsMs + c.workerMs + c.driverMs) * 10) / 10;
}

/** The pipeline against the baseline (and against itself without its effects), in one round or as medians. */
export interface Ratios {
  throughput: number;
  updateP99: number;
  /** CPU per application, every process together. */
  cpu: number;
  /** Events scenario: the throughput publishing costs, against the same pipeline publishing nothing. */
  eventCost?: number;
  /** Effects scenario: the pipeline with no emails or events, against the baseline. */
  withoutEffects?: { throughput: number; updateP99: number; cpu: number };
  /** Effects scenario: the effects' share of the CPU the pipeline spends beyond the baseline. */
  effectsShare?: number;
}

/**
 * One round of `--rounds`: the baseline, the pipeline and the pipeline with the publish as a no-op
 * (events scenario) and with no emails or events (effects scenario), each on a fresh worker,
 * taking turns on the server (bench/turns.ts).
 */
export interface RoundFigures {
  baseline: Figures;
  pipeline: Figures & { workerPeakMiB: number };
  publishAsNoop?: Figures;
  effectsAsNoop?: Figures;
  ratios: Ratios;
}

export interface MemoryPoint {
  applications: number;
  workerMiB: number;
  serverMiB: number;
}

export interface BenchResult {
  runId: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string };
  parameters: {
    applications: number;
    concurrency: number;
    parked: number;
    warmup: number;
    rounds: number;
    /** Applications per turn: the sides take turns on the server a block at a time. */
    block: number;
    /** The harness against itself: the "pipeline" is the bare engine again, and the ratios should read 1. */
    calibrate: boolean;
    workerOptions: Record<string, unknown>;
    sqlitePragmas: string[];
    scenarios: string[];
    smoke: boolean;
  };
  pipeline: PipelineFigures & {
    workerPeakMiB: number;
    activitiesPerApplication: number;
    history: HistorySize;
    cpu: CpuPerApplication;
  };
  baseline: PipelineFigures & {
    activitiesPerApplication: number;
    history: HistorySize;
    cpu: CpuPerApplication;
  };
  /** The medians over the rounds; the figures above are from the round of the median throughput ratio. */
  ratios: Ratios;
  /** Every round, when there was more than one, and which of them (from 1) the figures above are. */
  rounds?: RoundFigures[];
  shownRound?: number;
  // The scenarios below are left out of a `--scenarios throughput` run.
  events?: { withPublish: PipelineFigures; publishAsNoop: PipelineFigures };
  effects?: { effectsAsNoop: Figures; history: HistorySize };
  parked?: {
    memory: MemoryPoint[];
    perApplication: { applications: number; workerKiB: number; serverKiB: number }[];
    start: Latency;
  };
  dashboard?: {
    list: Latency;
    count: Latency;
    pipelineUnderLoad: PipelineFigures;
    /** Seconds from the API's start until its read side held every parked application. */
    readSideCatchUpSeconds?: number;
  };
}

const ms = (l: Latency) => `${l.p50} / ${l.p95} / ${l.p99}`;
const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');

export function renderMarkdown(r: BenchResult): string {
  const p = r.parameters;
  const row = (name: string, f: PipelineFigures) =>
    `| ${name} | ${f.applications} | ${f.seconds} | ${f.applicationsPerSecond} | ${f.transitionsPerSecond} | ${ms(f.update)} | ${ms(f.query)} | ${ms(f.start)} |`;
  const cpu = (name: string, c: CpuPerApplication) =>
    `| ${name} | ${c.serverMs} | ${c.natsMs} | ${c.workerMs} | ${c.driverMs} | ${totalCpu(c)} |`;
  // What the second side is called: in a calibration run it is the bare engine again, and the
  // ratios are the harness's own.
  const second = p.calibrate
    ? { row: 'bare engine again (calibration)', column: 'again', whose: 'again', run: 'second side' }
    : { row: 'hiring pipeline', column: 'pipeline', whose: 'ours', run: 'pipeline' };
  const rounds = r.rounds
    ? [
        `Rounds (each side on a fresh worker, taking turns; the targets below use the medians, the tables above show round ${r.shownRound}):`,
        '',
        `| round | baseline apps/s | ${second.column} apps/s | throughput ratio | update p99 ratio | CPU ms per application, baseline | ${second.column} | CPU ratio |`,
        '|---|---|---|---|---|---|---|---|',
        ...r.rounds.map(
          (x, i) =>
            `| ${i + 1} | ${x.baseline.applicationsPerSecond} | ${x.pipeline.applicationsPerSecond} | ${x.ratios.throughput} | ${x.ratios.updateP99} | ${totalCpu(x.baseline.cpu)} | ${totalCpu(x.pipeline.cpu)} | ${x.ratios.cpu} |`,
        ),
        '',
      ]
    : [];
  const out = [
    `# Benchmark ${r.runId}`,
    '',
    `Machine: ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}.`,
    `Parameters: ${p.applications} applications, concurrency ${p.concurrency}, ${p.parked} parked, warm-up ${p.warmup} per worker, ${p.rounds} round${p.rounds === 1 ? '' : 's'} of baseline and pipeline taking turns of ${p.block} applications${p.calibrate ? ' (calibration: the bare engine on both sides)' : ''}, worker options ${JSON.stringify(p.workerOptions)}, SQLite pragmas ${JSON.stringify(p.sqlitePragmas)}, scenarios ${p.scenarios.join(', ')}${p.smoke ? ' (smoke run: too small to mean anything)' : ''}.`,
    '',
    '## Throughput and latency (ms: p50 / p95 / p99)',
    '',
    '| run | applications | seconds | applications/s | transitions/s | update | query | start |',
    '|---|---|---|---|---|---|---|---|',
    row('bare engine (baseline)', r.baseline),
    row(second.row, r.pipeline),
    ...(r.events ? [row('hiring pipeline, publish as no-op', r.events.publishAsNoop)] : []),
    ...(r.effects ? [row('hiring pipeline, no emails or events', r.effects.effectsAsNoop)] : []),
    ...(r.dashboard
      ? [row('hiring pipeline, while the dashboard reads', r.dashboard.pipelineUnderLoad)]
      : []),
    '',
    `Activities per application: ${second.whose} ${r.pipeline.activitiesPerApplication} (counted in a recorded history), baseline ${r.baseline.activitiesPerApplication}. Worker peak memory during the ${second.run}: ${r.pipeline.workerPeakMiB} MiB.`,
    `History per application (means over ${r.pipeline.history.sampled} and ${r.baseline.history.sampled}): ${second.whose} ${historyText(r.pipeline.history)}; baseline ${historyText(r.baseline.history)}.`,
    '',
    "CPU time per application during the timed run (ms; the processes share the machine's cores):",
    '',
    '| run | Temporal server | NATS server | worker | client (this process) | total |',
    '|---|---|---|---|---|---|',
    cpu('bare engine (baseline)', r.baseline.cpu),
    cpu(second.row, r.pipeline.cpu),
    ...(r.effects ? [cpu('hiring pipeline, no emails or events', r.effects.effectsAsNoop.cpu)] : []),
    '',
    ...rounds,
    '| target | measured | |',
    '|---|---|---|',
    `| throughput at least 0.8 of the baseline | ${r.ratios.throughput} | ${verdict(r.ratios.throughput >= 0.8)} |`,
    `| update p99 at most 1.25 times the baseline's | ${r.ratios.updateP99} | ${verdict(r.ratios.updateP99 <= 1.25)} |`,
    r.ratios.eventCost === undefined
      ? '| publishing events costs under 10% of throughput | not run | |'
      : `| publishing events costs under 10% of throughput | ${(r.ratios.eventCost * 100).toFixed(1)}% | ${verdict(r.ratios.eventCost < 0.1)} |`,
    '',
  ];
  const without = r.ratios.withoutEffects;
  if (r.effects && without && r.ratios.effectsShare !== undefined) {
    const percent = (share: number | undefined) => `${Math.round((share ?? NaN) * 100)}%`;
    const byRound = r.rounds
      ? ` (by round: ${r.rounds.map((x) => percent(x.ratios.effectsShare)).join(', ')})`
      : '';
    out.push(
      '## What our extra is made of',
      '',
      "The pipeline with its emails and events as no-ops (each still checks its input), in turns with the others: our workflow, its encrypted payloads, the seat booking and the activities' bookkeeping, without the work the effects do. Medians over the rounds.",
      '',
      '| against the baseline | throughput ratio | update p99 ratio | CPU ratio |',
      '|---|---|---|---|',
      `| hiring pipeline | ${r.ratios.throughput} | ${r.ratios.updateP99} | ${r.ratios.cpu} |`,
      `| hiring pipeline, no emails or events | ${without.throughput} | ${without.updateP99} | ${without.cpu} |`,
      '',
      `History per application without them: ${historyText(r.effects.history)}.`,
      '',
      `The emails and events take ${percent(r.ratios.effectsShare)} of the CPU the pipeline spends beyond the baseline${byRound}; the rest is what it costs without them.`,
      '',
    );
  }
  if (r.parked) {
    const parked = r.parked;
    out.push(
      '## Many open applications, parked on their timers',
      '',
      '| open applications | worker RSS MiB | server RSS MiB | worker KiB per application | server KiB per application |',
      '|---|---|---|---|---|',
      ...parked.memory.map((m) => {
        const per = parked.perApplication.find((x) => x.applications === m.applications);
        return `| ${m.applications} | ${m.workerMiB} | ${m.serverMiB} | ${per?.workerKiB ?? '-'} | ${per?.serverKiB ?? '-'} |`;
      }),
      '',
      `Start latency while parking (ms): ${ms(parked.start)}.`,
      '',
    );
  }
  if (r.dashboard) {
    const d = r.dashboard;
    out.push(
      `## Dashboard under load (over ${r.parameters.parked} parked applications, while a pipeline runs)`,
      '',
      '| request | count | p50 | p95 | p99 |',
      '|---|---|---|---|---|',
      `| list by position (GET /applications?positionId=…&limit=200) | ${d.list.count} | ${d.list.p50} | ${d.list.p95} | ${d.list.p99} |`,
      `| counts by stage (GET /figures) | ${d.count.count} | ${d.count.p50} | ${d.count.p95} | ${d.count.p99} |`,
      '',
      ...(d.readSideCatchUpSeconds === undefined
        ? []
        : [
            `Timed once the API's read side, started with it, held every parked application (${d.readSideCatchUpSeconds} s after its start).`,
            '',
          ]),
    );
  }
  return out.join('\n');
}

/** Two panels: memory per open application as N grows, and throughput against the baseline. */
export function renderChart(r: BenchResult): string {
  const W = 900;
  const H = 360;
  const pad = 50;
  const panel = (W - 3 * pad) / 2;
  const points = r.parked?.memory ?? [];
  const maxN = Math.max(1, ...points.map((m) => m.applications));
  const maxMiB = Math.max(1, ...points.flatMap((m) => [m.workerMiB, m.serverMiB]));
  const x = (n: number) => pad + (n / maxN) * panel;
  const y = (v: number) => H - pad - (v / maxMiB) * (H - 2 * pad);
  const line = (key: 'workerMiB' | 'serverMiB', color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points
      .map((m) => `${x(m.applications).toFixed(1)},${y(m[key]).toFixed(1)}`)
      .join(' ')}"/>` +
    points
      .map(
        (m) =>
          `<circle cx="${x(m.applications).toFixed(1)}" cy="${y(m[key]).toFixed(1)}" r="3" fill="${color}"><title>${m.applications} open: ${m[key]} MiB</title></circle>`,
      )
      .join('');
  const bars = [
    { name: 'baseline', v: r.baseline.applicationsPerSecond, color: '#888' },
    { name: 'pipeline', v: r.pipeline.applicationsPerSecond, color: '#1f5fa8' },
    ...(r.events
      ? [{ name: 'no-op publish', v: r.events.publishAsNoop.applicationsPerSecond, color: '#6aa0d8' }]
      : []),
    ...(r.effects
      ? [{ name: 'no effects', v: r.effects.effectsAsNoop.applicationsPerSecond, color: '#9bbbe0' }]
      : []),
    ...(r.dashboard
      ? [{ name: 'with dashboard', v: r.dashboard.pipelineUnderLoad.applicationsPerSecond, color: '#c77b1d' }]
      : []),
  ];
  const maxBar = Math.max(1, ...bars.map((b) => b.v));
  const left = 2 * pad + panel;
  const bw = panel / bars.length - 10;
  const barSvg = bars
    .map((b, i) => {
      const h = (b.v / maxBar) * (H - 2 * pad);
      const bx = left + i * (bw + 10);
      return `<rect x="${bx.toFixed(1)}" y="${(H - pad - h).toFixed(1)}" width="${bw.toFixed(1)}" height="${h.toFixed(1)}" fill="${b.color}"/><text x="${(bx + bw / 2).toFixed(1)}" y="${(H - pad - h - 4).toFixed(1)}" text-anchor="middle">${b.v}</text><text x="${(bx + bw / 2).toFixed(1)}" y="${H - pad + 16}" text-anchor="middle">${b.name}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${pad}" y="24" font-size="14">Memory (RSS, MiB) by open applications</text>
<line x1="${pad}" y1="${H - pad}" x2="${pad + panel}" y2="${H - pad}" stroke="black"/>
<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" stroke="black"/>
<text x="${pad + panel}" y="${H - pad + 16}" text-anchor="end">${maxN} open</text>
<text x="${pad - 4}" y="${pad}" text-anchor="end">${maxMiB}</text>
${line('workerMiB', '#1f5fa8')}${line('serverMiB', '#c77b1d')}
<text x="${pad + 10}" y="${pad + 10}" fill="#1f5fa8">worker</text><text x="${pad + 10}" y="${pad + 26}" fill="#c77b1d">Temporal server</text>
<text x="${left}" y="24" font-size="14">Applications per second (same server, same run)</text>
<line x1="${left}" y1="${H - pad}" x2="${left + panel}" y2="${H - pad}" stroke="black"/>
${barSvg}
</svg>
`;
}

function historyText(h: HistorySize): string {
  return `${h.events} events (${h.workflowTasks} workflow tasks, ${h.upserts} search-attribute upserts, ${h.timers} timers started), ${h.kiB} KiB`;
}

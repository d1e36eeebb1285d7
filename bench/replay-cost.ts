/**
 * What the workflow code costs the worker, per application, apart from everything else: replays one
 * recorded history (test/replay/histories) many times through the SDK's replayer, which builds
 * each workflow afresh as a worker does for a new application or after an eviction, and runs it
 * through every activation of its history. No server, no activity, no network: the figure is the
 * workflow sandbox's CPU (modules, zod, the SDK's promise hook, our rules, payload conversion).
 *
 * Compares two bundles in the same run, alternating round by round: the workflows as they are
 * (workflows/index.ts) and the entry given by --against (a copy of the workflows with a change
 * undone). The SDK replays in the calling thread, so the process's CPU time is the sandbox's.
 *
 *   npx tsx bench/replay-cost.ts --against bench/workflows/without-sandbox-setup.ts
 *   npx tsx bench/replay-cost.ts --against <entry> --replays 100 --rounds 7 --history <file>
 */
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { WORKFLOWS_PATH } from '../workers/worker.js';

const { values: args } = parseArgs({
  options: {
    against: { type: 'string' },
    history: {
      type: 'string',
      // The accepted path of the newest generation: every step, every effect.
      default: 'test/replay/histories/accepted-with-hr-onboarding.candidate-reminders.json',
    },
    replays: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '5' },
  },
});
if (!args.against)
  throw new Error('usage: bench/replay-cost.ts --against <workflows entry> [--replays N] [--rounds N]');
const replays = positive('replays', args.replays);
const rounds = positive('rounds', args.rounds);
Runtime.install({ logger: new DefaultLogger('ERROR') });

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };
const bundle = (workflowsPath: string): Promise<WorkflowBundle> =>
  bundleWorkflowCode({ workflowsPath, logger: quiet });
const variants: [string, WorkflowBundle][] = [
  ['workflows/index.ts', await bundle(WORKFLOWS_PATH)],
  [args.against, await bundle(resolve(args.against))],
];
const history = JSON.parse(readFileSync(args.history, 'utf8')) as unknown;
console.log(
  `[replay-cost] ${args.history}: ${replays} replays a round, ${rounds} rounds (the first a warm-up)`,
);

const perReplay = new Map<string, number[]>(variants.map(([name]) => [name, []]));
for (let round = 0; round <= rounds; round++) {
  for (const [name, workflowBundle] of round % 2 ? [...variants].reverse() : variants) {
    const histories = Array.from({ length: replays }, (_, i) => ({
      workflowId: `replay-${round}-${i}`,
      history: historyFromJSON(history),
    }));
    const before = process.cpuUsage();
    for await (const r of Worker.runReplayHistories({ workflowBundle }, histories)) {
      if (r.error) throw new Error(`${name} did not replay ${args.history}: ${String(r.error)}`);
    }
    const used = process.cpuUsage(before);
    const ms = (used.user + used.system) / 1000 / replays;
    if (round > 0) perReplay.get(name)!.push(ms);
    console.log(
      `[replay-cost] round ${round}${round ? '' : ' (warm-up)'}: ${name} ${ms.toFixed(1)} ms CPU per replay`,
    );
  }
}
console.log('\n| bundle | CPU ms per replay, by round | median |\n| --- | --- | --- |');
for (const [name, figures] of perReplay) {
  console.log(
    `| ${name} | ${figures.map((f) => f.toFixed(1)).join(', ')} | **${median(figures).toFixed(1)}** |`,
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
function positive(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number above 0 (got ${raw})`);
  return n;
}

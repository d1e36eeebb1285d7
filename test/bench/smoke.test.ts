/**
 * A tiny run of `npm run bench` (its --smoke size), so the benchmark keeps working: it starts its
 * own servers and workers, runs every scenario, and writes its JSON, Markdown and chart. The
 * figures of a smoke run mean nothing and are not asserted; that they exist and are whole is. The
 * same for bench/replay-cost.ts, the workflow code's cost alone.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../../bench/report.js';

describe('benchmark', () => {
  it('runs every scenario on its own servers and writes JSON, Markdown and a chart', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hiring-bench-'));
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', out],
        { timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
        (err, so, se) => (err ? reject(new Error(`${err.message}\n${se}\n${so}`)) : resolve(so)),
      ),
    );
    expect(stdout).toContain('[bench] parameters');
    const result = JSON.parse(readFileSync(join(out, 'smoke-latest.json'), 'utf8')) as BenchResult;
    // A default run has every scenario.
    const { events, effects, parked, dashboard } = result;
    if (!events || !effects || !parked || !dashboard) throw new Error('a default run left out a scenario');
    for (const run of [
      result.baseline,
      result.pipeline,
      events.publishAsNoop,
      effects.effectsAsNoop,
      dashboard.pipelineUnderLoad,
    ]) {
      expect(run.applications).toBe(result.parameters.applications);
      expect(run.update.count).toBe(8 * run.applications);
      expect(run.applicationsPerSecond).toBeGreaterThan(0);
    }
    // Two rounds at smoke size (`--rounds`): each its own baseline, pipeline, no-op-publish
    // pipeline and pipeline without effects, taking turns on the server (bench/turns.ts) in blocks
    // smaller than the run; the targets are judged on the median round, whose figures are the ones
    // shown.
    expect(result.rounds).toHaveLength(2);
    expect(result.parameters.block).toBeLessThan(result.parameters.applications);
    for (const round of result.rounds!) {
      expect(round.baseline.applications).toBe(result.parameters.applications);
      expect(round.pipeline.update.count).toBe(8 * result.parameters.applications);
      expect(round.publishAsNoop?.update.count).toBe(8 * result.parameters.applications);
      expect(round.ratios.eventCost).toEqual(expect.any(Number));
      expect(round.effectsAsNoop?.update.count).toBe(8 * result.parameters.applications);
      const { throughput, updateP99, cpu } = round.ratios.withoutEffects ?? {};
      for (const ratio of [throughput, updateP99, cpu]) expect(ratio).toBeGreaterThan(0);
      expect(round.ratios.effectsShare).toEqual(expect.any(Number));
    }
    // The side without effects sent no email, where the pipeline's applications did.
    const outbox = join(out, `smoke-${result.runId}`, 'data', 'outbox');
    // In any case (nodemailer writes X-Hiring-Email-ID); later rounds number their prefix (PIPE2).
    const sentFor = (prefix: string) =>
      readdirSync(outbox).filter((f) =>
        new RegExp(`^X-Hiring-Email-Id: application/${prefix}\\d*/`, 'im').test(
          readFileSync(join(outbox, f), 'utf8'),
        ),
      ).length;
    expect(sentFor('PIPE')).toBeGreaterThan(0);
    expect(sentFor('NOEF')).toBe(0);
    const shown = result.rounds!.find((r) => r.ratios.throughput === result.ratios.throughput);
    expect(shown?.pipeline.applicationsPerSecond).toBe(result.pipeline.applicationsPerSecond);
    // What the server stores per application, read from real histories of every kind.
    for (const { history } of [result.baseline, result.pipeline, effects]) {
      expect(history.sampled).toBe(Math.min(result.parameters.applications, 20));
      expect(history.events > 0 && history.workflowTasks > 0 && history.kiB > 0).toBe(true);
    }
    expect(result.pipeline.history.upserts).toBeGreaterThan(0);
    // The baseline has the same shape as an application, counted from a real history.
    expect(result.pipeline.activitiesPerApplication).toBe(result.baseline.activitiesPerApplication);
    // Where the CPU went, measured from /proc for the servers and the worker of each run; the
    // pipeline's NATS server works (events, key-value reads), the baseline's does not have to.
    for (const { cpu } of [result.baseline, result.pipeline])
      expect(cpu.serverMs > 0 && cpu.workerMs > 0 && cpu.driverMs > 0 && cpu.natsMs >= 0).toBe(true);
    expect(result.pipeline.cpu.natsMs).toBeGreaterThan(0);
    expect(parked.memory.at(-1)?.applications).toBe(result.parameters.parked);
    expect(parked.memory.every((m) => m.workerMiB > 0 && m.serverMiB > 0)).toBe(true);
    expect(dashboard.list.count).toBeGreaterThan(0);
    expect(dashboard.count.count).toBeGreaterThan(0);
    const markdown = readFileSync(join(out, 'smoke-latest.md'), 'utf8');
    expect(markdown).toMatch(/\| bare engine \(baseline\) \| \d+ \|/);
    expect(markdown).toMatch(/\| hiring pipeline, no emails or events \| [\d.]+ \| [\d.]+ \| [\d.]+ \|/);
    expect(readFileSync(join(out, 'smoke-latest.svg'), 'utf8')).toMatch(
      /^<svg[\s\S]*<polyline[\s\S]*<\/svg>\n$/,
    );
  }, 300_000);

  it('measures the workflow code alone by replaying a recorded history through two bundles', async () => {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [
          '--import',
          'tsx',
          'bench/replay-cost.ts',
          '--against',
          'bench/workflows/without-sandbox-setup.ts',
          '--replays',
          '2',
          '--rounds',
          '1',
        ],
        { timeout: 120_000 },
        (err, so, se) => (err ? reject(new Error(`${err.message}\n${se}\n${so}`)) : resolve(so)),
      ),
    );
    // A row per bundle, with a CPU figure for the round and its median (the figures mean nothing here).
    for (const bundle of ['workflows/index.ts', 'bench/workflows/without-sandbox-setup.ts'])
      expect(stdout).toMatch(
        new RegExp(`\\| ${bundle.replaceAll('.', '\\.')} \\| [\\d.]+ \\| \\*\\*[\\d.]+\\*\\* \\|`),
      );
  }, 150_000);
});

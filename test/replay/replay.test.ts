/**
 * Applications live for months; the code changes under them. Every recorded history (one per path
 * through the pipeline, see record.ts) must replay on the current workflow code without a
 * non-determinism error, or a deploy would break applications in flight.
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../helpers/temporal.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('recorded histories replay on the current workflow code', () => {
  it('has a history for every path through the pipeline', () => {
    const names = files.map((f) => f.replace(/\.json$/, ''));
    for (const path of [
      'accepted',
      'declined',
      'rejected',
      'withdrawn',
      'expired-interview',
      'expired-offer',
      'expired-max-wait',
      'continued-as-new',
      'position-closed-by-deadline',
      'rejected-position-filled',
      'retention-renewed-then-erased',
    ]) {
      expect(
        names.some((n) => n.startsWith(path)),
        path,
      ).toBe(true);
    }
  });

  it('replays every one of them', async () => {
    const histories = files.map((f) => ({
      workflowId: f,
      history: historyFromJSON(JSON.parse(readFileSync(join(dir, f), 'utf8'))),
    }));
    const results: { workflowId: string; error?: unknown }[] = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      results.push({ workflowId: r.workflowId, error: r.error });
    }
    expect(results.map((r) => r.workflowId).sort()).toEqual([...files].sort());
    expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${String(r.error)}`)).toEqual([]);
  });
});

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
import { HR_ONBOARDING_PATCH } from '../../workflows/application-workflow.js';
import {
  CANDIDATE_REMINDERS_PATCH,
  EFFECTS_SETTLED_PATCH,
  LEAN_STEPS_PATCH,
  QUIET_STEPS_PATCH,
} from '../../workflows/generation.js';
import { workflowBundle } from '../helpers/temporal.js';
import { DEADLINE_MEMO_PATCH } from '../../workflows/position-workflow.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

/** Every payload of a history, decoded: markers, activity inputs. */
const payloads = (file: string) =>
  [...readFileSync(join(dir, file), 'utf8').matchAll(/"data": "([A-Za-z0-9+/=]+)"/g)]
    .map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'))
    .join('\n');

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
      'handed-over-then-rejected',
      'position-handed-over-then-filled',
    ]) {
      expect(
        names.some((n) => n.startsWith(path)),
        path,
      ).toBe(true);
    }
  });

  it('has the HR onboarding patch in new histories only: both kinds replay (see README)', () => {
    const read = (name: string) => payloads(`${name}.json`);
    // The marker names the patch; an application accepted before it was deployed has none.
    expect(read('accepted-with-hr-onboarding')).toContain(HR_ONBOARDING_PATCH);
    expect(read('accepted')).not.toContain(HR_ONBOARDING_PATCH);
    expect(read('accepted')).toContain('offer_accepted');
    expect(read('accepted-with-hr-onboarding')).toContain('onboarding_request');
    expect(read('accepted')).not.toContain('onboarding_request');
  });

  it('has each generation marked by its own patch only: all of them replay (see generation.ts)', () => {
    const lanes = files.filter((f) => !f.startsWith('retention-'));
    const markers = (f: string) =>
      [EFFECTS_SETTLED_PATCH, LEAN_STEPS_PATCH, QUIET_STEPS_PATCH, CANDIDATE_REMINDERS_PATCH].filter(
        (patch) => payloads(f).includes(patch),
      );
    const of = (suffix: string) => lanes.filter((f) => f.endsWith(suffix));
    // Every path through the application and the position workflows, recorded again under each patch.
    expect(of('.settled-effects.json').length).toBeGreaterThanOrEqual(13);
    expect(of('.lean-steps.json').length).toBeGreaterThanOrEqual(13);
    expect(new Set(of('.settled-effects.json').map(markers).map(String))).toEqual(
      new Set([EFFECTS_SETTLED_PATCH]),
    );
    expect(new Set(of('.lean-steps.json').map(markers).map(String))).toEqual(new Set([LEAN_STEPS_PATCH]));
    expect(of('.quiet-steps.json').length).toBeGreaterThanOrEqual(13);
    expect(new Set(of('.quiet-steps.json').map(markers).map(String))).toEqual(new Set([QUIET_STEPS_PATCH]));
    expect(of('.candidate-reminders.json').length).toBeGreaterThanOrEqual(14);
    expect(new Set(of('.candidate-reminders.json').map(markers).map(String))).toEqual(
      new Set([CANDIDATE_REMINDERS_PATCH]),
    );
    const first = lanes.filter(
      (f) => !/\.(settled-effects|lean-steps|quiet-steps|candidate-reminders)\.json$/.test(f),
    );
    expect(first.filter((f) => markers(f).length > 0)).toEqual([]);
  });

  it("writes an extended deadline to the position's memo behind its patch: old histories have neither", () => {
    const events = (file: string) =>
      (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { events: { eventType: string }[] }).events.map(
        (e) => e.eventType,
      );
    const extended = files.filter((f) => f.startsWith('position-extended-then-cancelled.'));
    expect(extended).toHaveLength(2);
    for (const f of extended) {
      expect(payloads(f)).toContain(DEADLINE_MEMO_PATCH);
      expect(events(f)).toContain('EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED');
    }
    for (const f of files.filter((x) => !extended.includes(x))) {
      expect(payloads(f), f).not.toContain(DEADLINE_MEMO_PATCH);
      expect(events(f), f).not.toContain('EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED');
    }
  });

  it('reminds the candidate before their deadlines in the reminding generation only', () => {
    // The candidate let the interview confirmation and the offer answer run out: each was reminded.
    for (const path of ['expired-interview-confirmation', 'expired-offer-after-extension']) {
      expect(payloads(`${path}.candidate-reminders.json`), path).toContain('candidate_reminder');
      expect(payloads(`${path}.quiet-steps.json`), path).not.toContain('candidate_reminder');
    }
    for (const f of files.filter((x) => !x.endsWith('.candidate-reminders.json')))
      expect(payloads(f), f).not.toContain('candidate_reminder');
  });

  it('sends the HR onboarding email in the lean generation without its own patch', () => {
    const lean = payloads('accepted-with-hr-onboarding.lean-steps.json');
    expect(lean).toContain('onboarding_request');
    expect(lean).not.toContain(HR_ONBOARDING_PATCH);
  });

  it('writes no search attribute at an application step in the quiet generation, where the lean one did', () => {
    /** The search attributes each upsert of a history names. */
    const upserts = (file: string) =>
      (
        JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
          events: {
            upsertWorkflowSearchAttributesEventAttributes?: { searchAttributes: { indexedFields: object } };
          }[];
        }
      ).events.flatMap((e) =>
        Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes.indexedFields ?? {}),
      );
    const applications = files.filter((f) => f.endsWith('.quiet-steps.json') && !f.startsWith('position-'));
    expect(applications.length).toBeGreaterThanOrEqual(12);
    for (const f of applications) {
      // Only the one the SDK writes with the patch marker (each run records its generation).
      expect(new Set(upserts(f)), f).toEqual(new Set(['TemporalChangeVersion']));
      expect(upserts(f.replace('.quiet-steps.', '.lean-steps.'))).toContain('Stage');
      // The generation after it stays as quiet.
      expect(new Set(upserts(f.replace('.quiet-steps.', '.candidate-reminders.'))), f).toEqual(
        new Set(['TemporalChangeVersion']),
      );
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

/**
 * When the timer a workflow armed runs out, its deadline is due, whatever the task's clock reads.
 * Found by the Temporal-restart fault test in CI (2026-11-29): after the dev server was SIGKILLed
 * and restarted, the worker (its cache intact) was handed the timer's task with the previous task's
 * time (13:38:04.526 for a timer that fired at 13:38:44.279), so a decision taken on that clock
 * ("is the deadline past?") said no and armed the timer again; a replay of the same history, with
 * the task's real time, said yes and expired: TMPRL1100, and the application could no longer be
 * replayed (queries on a fresh worker failed; a worker restart would have stopped it for good).
 */
import { describe, expect, it } from 'vitest';
import * as pipeline from '../../workflows/pipeline.js';
import { invitedByRules } from '../helpers/fixtures.js';

const T0 = Date.parse('2027-03-01T08:00:00Z');

describe('a timer that ran out', () => {
  // Screened, then invited to an interview with 40 seconds to confirm (as in the fault test).
  const state = invitedByRules(T0, {
    interviewInDays: 4,
    contactedBy: 'phone',
    policy: { interviewConfirmationDays: 40 / 86_400 },
  });
  const armed = pipeline.nextTimer(state)!;

  it('fires the deadline it was armed for, even when the task reads an earlier time', () => {
    expect(armed.kind).toBe('interview_confirmation');
    // The task's clock reads the previous task's time, 40 seconds before the deadline.
    const outcome = pipeline.clockRanOut(state, armed, armed.at - 40_000);
    expect(outcome?.state.status).toBe('expired');
    expect(outcome?.state.outcome?.deadline).toBe('interview_confirmation');
    // Dated at the deadline, not at the stale clock.
    expect(outcome?.state.outcome?.at).toBe(new Date(armed.at).toISOString());
  });

  it('with a true clock, decides exactly as firing the deadline at that time', () => {
    const at = armed.at + 8;
    expect(pipeline.clockRanOut(state, armed, at)).toEqual(pipeline.fire(state, armed.kind, at));
  });
});

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
import {
  ApplicationInputSchema,
  TransitionRequestSchema,
  type TransitionRequestInput,
} from '../../schemas/application.js';
import * as pipeline from '../../workflows/pipeline.js';
import { applicationInput, DAYS } from '../helpers/fixtures.js';

const T0 = Date.parse('2027-03-01T08:00:00Z');

describe('a timer that ran out', () => {
  // Screened, then invited to an interview with 40 seconds to confirm (as in the fault test).
  const input = applicationInput(T0, { policy: { interviewConfirmationDays: 40 / 86_400 } });
  let state = pipeline.start(ApplicationInputSchema.parse(input)).state;
  const act = (command: TransitionRequestInput['command'], at: number) => {
    const req = TransitionRequestSchema.parse({
      actor: { role: 'recruiter', id: state.recruiterId },
      command,
    });
    state = pipeline.apply(state, req, at).state;
  };
  act({ type: 'screen', decision: 'shortlist' }, T0 + 1000);
  act(
    {
      type: 'schedule_interview',
      at: new Date(T0 + DAYS(4)).toISOString(),
      mode: { kind: 'in_person', dutyStation: 'LYO' },
      contactedBy: 'phone',
    },
    T0 + 2000,
  );
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

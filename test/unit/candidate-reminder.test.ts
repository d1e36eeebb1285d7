/**
 * The candidate's reminder before their own deadlines, as pure rules: when it falls, that it comes
 * once per deadline, that a moved deadline gets its own, and that applications older than the
 * `reminding` generation (no `remindsCandidate` in their state) never send one.
 */
import { describe, expect, it } from 'vitest';
import { TransitionRequestSchema, type ApplicationState } from '../../schemas/application.js';
import * as pipeline from '../../workflows/pipeline.js';
import { DAYS, invitedByRules } from '../helpers/fixtures.js';

const T0 = Date.parse('2027-03-01T08:00:00Z');
const LEAD = DAYS(pipeline.CANDIDATE_REMINDER_DAYS);

/** Invited to an interview at Lyon ten days ahead, by email. */
const invited = (features: pipeline.StartFeatures, policy: Record<string, number> = {}) => ({
  state: invitedByRules(T0, { interviewInDays: 10, contactedBy: 'email', policy, features }),
});

const reminderAt = (s: ApplicationState) =>
  pipeline.upcomingDeadlines(s).find((d) => d.kind === 'candidate_reminder')?.at;

describe("the candidate's reminder", () => {
  it('falls two days before the confirmation deadline, comes once, and names the deadline', () => {
    const { state } = invited({ remindsCandidate: true });
    const deadline = pipeline.deadlineOf(state, 'interview_confirmation')!;
    expect(reminderAt(state)).toBe(new Date(deadline - LEAD).toISOString());
    expect(pipeline.nextTimer(state)).toEqual({ kind: 'candidate_reminder', at: deadline - LEAD });

    const fired = pipeline.fire(state, 'candidate_reminder', deadline - LEAD);
    const emails = fired.effects.flatMap((e) => (e.kind === 'email' ? [e.email] : []));
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      template: 'candidate_reminder',
      to: { kind: 'candidate', id: state.candidateId },
      when: new Date(deadline).toISOString(),
    });
    // Reminded: the next clock is the deadline itself.
    expect(reminderAt(fired.state)).toBeUndefined();
    expect(pipeline.nextTimer(fired.state)).toEqual({ kind: 'interview_confirmation', at: deadline });
    // A second firing (a timer armed before the first one landed) sends nothing more.
    expect(pipeline.fire(fired.state, 'candidate_reminder', deadline - LEAD + 1).effects).toEqual([]);
  });

  it('comes again for a deadline a recruiter moved', () => {
    const { state } = invited({ remindsCandidate: true });
    const deadline = pipeline.deadlineOf(state, 'interview_confirmation')!;
    const reminded = pipeline.fire(state, 'candidate_reminder', deadline - LEAD).state;
    const until = deadline + DAYS(7);
    const req = TransitionRequestSchema.parse({
      actor: { role: 'recruiter', id: state.recruiterId },
      command: {
        type: 'extend_deadline',
        deadline: 'interview_confirmation',
        until: new Date(until).toISOString(),
      },
    });
    const extended = pipeline.apply(reminded, req, deadline - LEAD + 1000).state;
    expect(reminderAt(extended)).toBe(new Date(until - LEAD).toISOString());
  });

  it('is left out when the window is no longer than its lead: the invitation is that recent', () => {
    const { state } = invited({ remindsCandidate: true }, { interviewConfirmationDays: 2 });
    expect(reminderAt(state)).toBeUndefined();
  });

  it('never comes in an application started before the reminding generation', () => {
    const { state } = invited({});
    expect(state.remindsCandidate).toBeUndefined();
    expect(reminderAt(state)).toBeUndefined();
    expect(pipeline.nextTimer(state)?.kind).toBe('interview_confirmation');
  });
});

/**
 * Property-based: random sequences of requests and clocks, from any actor, never break the stage rules.
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ActiveStageSchema,
  ApplicationStateSchema,
  isFinal,
  type ApplicationState,
  type ApplicationStatus,
  type CommandInput,
  type TransitionRequest,
  TransitionRequestSchema,
} from '../../schemas/application.js';
import * as pipeline from '../../workflows/pipeline.js';
import type { Effect } from '../../schemas/effects.js';
import { applicationInput, DAYS } from '../helpers/fixtures.js';

const T0 = Date.parse('2027-03-01T08:00:00Z');
const ORDER: ApplicationStatus[] = ActiveStageSchema.options;

/** Dates around the run: some already past when used (refused), most ahead. */
const at = fc.integer({ min: -2, max: 400 }).map((d) => new Date(T0 + DAYS(d)).toISOString());
const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
/** Forward moves are common, endings rare: runs must get deep into the pipeline to mean anything. */
const command: fc.Arbitrary<CommandInput> = fc.oneof(
  w(
    6,
    fc.record({
      type: fc.constant('screen' as const),
      decision: fc.constantFrom('shortlist' as const, 'shortlist' as const, 'reject' as const),
    }),
  ),
  w(
    6,
    fc.record({
      type: fc.constant('schedule_interview' as const),
      at,
      mode: fc.constant({ kind: 'in_person' as const, dutyStation: 'NBO' as const }),
      contactedBy: fc.constantFrom('email' as const, 'phone' as const),
    }),
  ),
  w(1, fc.record({ type: fc.constant('reschedule_interview' as const), at })),
  w(4, fc.constant({ type: 'confirm_interview' as const })),
  w(
    6,
    fc.record({
      type: fc.constant('record_interview' as const),
      outcome: fc.constantFrom('pass' as const, 'pass' as const, 'fail' as const),
    }),
  ),
  w(6, fc.record({ type: fc.constant('schedule_exam' as const), sessionId: fc.constantFrom('S1', 'S2') })),
  w(
    6,
    fc.record({
      type: fc.constant('record_exam_result' as const),
      score: fc.integer({ min: 0, max: 100 }),
      passed: fc.boolean(),
    }),
  ),
  w(
    6,
    fc.record({
      type: fc.constant('make_offer' as const),
      terms: fc.constant('P2'),
      respondBy: fc.option(at, { nil: undefined }),
    }),
  ),
  w(3, fc.constant({ type: 'accept_offer' as const })),
  w(2, fc.constant({ type: 'decline_offer' as const })),
  w(1, fc.record({ type: fc.constant('reject' as const), reason: fc.constant('not suitable') })),
  w(1, fc.constant({ type: 'withdraw' as const })),
  w(
    1,
    fc.record({
      type: fc.constant('hand_over' as const),
      recruiterId: fc.constantFrom('rec-1', 'rec-2', 'rec-3'),
    }),
  ),
  w(
    2,
    fc.record({
      type: fc.constant('add_note' as const),
      notes: fc.constantFrom('called her', 'reference ok'),
    }),
  ),
  w(
    2,
    fc.record({
      type: fc.constant('extend_deadline' as const),
      deadline: fc.constantFrom(
        'interview_confirmation' as const,
        'offer_response' as const,
        'max_wait' as const,
      ),
      until: at,
    }),
  ),
);
const intended = { role: 'recruiter' as const, id: 'rec-1' };
const anyActor = fc.constantFrom(
  { role: 'recruiter' as const, id: 'rec-1' },
  { role: 'candidate' as const, id: 'cand-prop' },
  { role: 'candidate' as const, id: 'someone-else' },
  { role: 'hr' as const, id: 'hr-1' },
  { role: 'system' as const, id: 'x' },
);
const candidateCommands = new Set(['confirm_interview', 'accept_offer', 'decline_offer', 'withdraw']);
/** Mostly the right person asks; sometimes anyone does, and must be refused. */
const request = fc
  .tuple(command, fc.integer({ min: 0, max: 9 }), anyActor, fc.nat(24))
  .map(([c, dice, other, advanceHours]) => ({
    kind: 'request' as const,
    command: c,
    actor:
      dice < 8
        ? candidateCommands.has(c.type)
          ? { role: 'candidate' as const, id: 'cand-prop' }
          : intended
        : other,
    advanceHours,
  }));
const step = fc.oneof(
  { weight: 12, arbitrary: request },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('clock' as const), advanceHours: fc.nat(24 * 30) }),
  },
);

/** The seat the exam activity would have booked: the pure rules take it as given. */
function seatFor(req: TransitionRequest, now: number) {
  if (req.command.type !== 'schedule_exam') return undefined;
  const startsAt = new Date(now + DAYS(10)).toISOString();
  return {
    sessionId: req.command.sessionId,
    dutyStation: 'NBO' as const,
    startsAt,
    durationMinutes: 120,
    seat: 3,
  };
}

function fresh(): ApplicationState {
  const input = applicationInput(T0, { candidateId: 'cand-prop' });
  return pipeline.start(
    {
      ...input,
      applicationId: input.applicationId,
      policy: {},
      recruiterId: 'rec-1',
      submittedAt: new Date(T0).toISOString(),
      // As an application starts today (the reminding generation): the candidate's reminders included.
    },
    { remindsCandidate: true },
  ).state;
}

describe('the stage rules hold for any sequence of requests and clocks', () => {
  it('never moves backwards, never leaves a final outcome, and refuses without changing anything', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 40, maxLength: 160 }), (steps) => {
        let state = fresh();
        let now = T0;
        for (const s of steps) {
          now += s.advanceHours * 3_600_000;
          const before = state;
          let effects: Effect[] = [];
          if (s.kind === 'clock') {
            // What the workflow does when its next timer is due.
            const due = pipeline.nextTimer(state);
            if (due && due.at <= now) ({ state, effects } = pipeline.fire(state, due.kind, now));
          } else {
            const req: TransitionRequest = TransitionRequestSchema.parse({
              actor: s.actor,
              command: s.command,
            });
            const reason = pipeline.refusal(state, req, now);
            if (reason) {
              expect(reason.length).toBeGreaterThan(10);
              continue;
            }
            ({ state, effects } = pipeline.apply(state, req, now, seatFor(req, now)));
            if (req.command.type === 'add_note') {
              // A note is a line on the staff's timeline and nothing else: no stage, clock, email or event.
              expect(effects).toEqual([]);
              expect(state.status).toBe(before.status);
              expect(pipeline.nextTimer(state)).toEqual(pipeline.nextTimer(before));
              expect(state.timeline.at(-1)).toMatchObject({ kind: 'note', detail: req.command.notes });
            }
            if (req.command.type === 'hand_over') {
              // A hand-over changes who is in charge and nothing else: not the stage, not a clock.
              expect(state.recruiterId).toBe(req.command.recruiterId);
              expect(before.recruiterId).not.toBe(req.command.recruiterId);
              expect(state.status).toBe(before.status);
              expect(pipeline.nextTimer(state)).toEqual(pipeline.nextTimer(before));
              // The new recruiter is told, and the event names them (so their board lists it).
              expect(effects.map((e) => (e.kind === 'email' ? e.email.to : e.kind))).toEqual([
                'event',
                { kind: 'recruiter', id: req.command.recruiterId },
              ]);
              expect(effects[0]).toMatchObject({ event: { recruiterId: req.command.recruiterId } });
            }
            // Only the roles the rules allow ever change an application (the system hands over
            // the applications of a position handed over).
            expect(
              req.command.type === 'hand_over'
                ? ['recruiter', 'hr', 'system']
                : ['recruiter', 'candidate', 'hr'],
            ).toContain(req.actor.role);
            if (req.actor.role === 'candidate') expect(req.actor.id).toBe('cand-prop');
          }
          // The state is always a valid state.
          ApplicationStateSchema.parse(state);
          // A final outcome is final.
          if (isFinal(before.status)) expect(state).toBe(before);
          // Stages only go forward.
          if (!isFinal(state.status)) {
            expect(ORDER.indexOf(state.status)).toBeGreaterThanOrEqual(ORDER.indexOf(before.status));
          }
          // Each stage's facts are there when it is reached.
          if (state.status === 'interview') expect(state.interview).toBeDefined();
          if (state.status === 'offer') expect(state.examResult?.passed).toBe(true);
          // Acceptance and refusal of an offer come only from the offer stage.
          if (
            state.status !== before.status &&
            (state.status === 'accepted' || state.status === 'declined')
          ) {
            expect(before.status).toBe('offer');
          }
          if (state.status === 'expired') expect(state.outcome?.deadline).toBeDefined();
          // Ids of emails and events are never reused.
          expect(state.seq).toBeGreaterThanOrEqual(before.seq);
          // The read side lists applications from events alone: a step that moves the stage, the
          // next deadline or the service level publishes an event, and every event says where the
          // application is listed after the step, and whose it is (a recruiter's own board).
          const events = effects.flatMap((e) =>
            e.kind === 'event' && 'applicationId' in e.event ? [e.event] : [],
          );
          const listed = pipeline.listing(state);
          if (!isDeepStrictEqual(listed, pipeline.listing(before))) expect(events.length).toBeGreaterThan(0);
          for (const e of events) {
            expect({ stage: e.status, nextDeadline: e.nextDeadline, sla: e.sla }).toEqual(listed);
            expect(e.recruiterId).toBe(state.recruiterId);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('draws sequences that reach every stage and every outcome (so the property means something)', () => {
    const reached = new Set<ApplicationStatus>();
    // A fixed seed: this checks the generator's depth, and must not depend on luck.
    const samples = fc.sample(fc.array(step, { minLength: 40, maxLength: 160 }), {
      numRuns: 400,
      seed: 20261129,
    });
    for (const steps of samples) {
      let state = fresh();
      let now = T0;
      for (const s of steps) {
        now += s.advanceHours * 3_600_000;
        if (s.kind === 'clock') {
          const due = pipeline.nextTimer(state);
          if (due && due.at <= now) state = pipeline.fire(state, due.kind, now).state;
        } else {
          const req = TransitionRequestSchema.parse({ actor: s.actor, command: s.command });
          if (pipeline.refusal(state, req, now)) continue;
          state = pipeline.apply(state, req, now, seatFor(req, now)).state;
        }
        reached.add(state.status);
      }
    }
    expect([...reached].sort()).toEqual(
      [...ORDER, 'accepted', 'declined', 'expired', 'rejected', 'withdrawn'].sort(),
    );
  });

  it('gives every email and event of a run a distinct id', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        let state = fresh();
        let now = T0;
        const ids: string[] = [];
        for (const s of steps) {
          now += s.advanceHours * 3_600_000;
          let out: pipeline.Outcome | undefined;
          if (s.kind === 'clock') {
            const due = pipeline.nextTimer(state);
            if (due && due.at <= now) out = pipeline.fire(state, due.kind, now);
          } else {
            const req = TransitionRequestSchema.parse({ actor: s.actor, command: s.command });
            if (!pipeline.refusal(state, req, now) && req.command.type !== 'schedule_exam') {
              out = pipeline.apply(state, req, now);
            }
          }
          if (!out) continue;
          state = out.state;
          for (const e of out.effects) {
            if (e.kind === 'email') ids.push(e.email.emailId);
            if (e.kind === 'event') ids.push(e.event.eventId);
          }
        }
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 300 },
    );
  });
});

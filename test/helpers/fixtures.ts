import {
  ApplicationInputSchema,
  TransitionRequestSchema,
  type ApplicationInput,
  type ApplicationState,
  type PolicyInput,
  type PositionRef,
  type TransitionRequestInput,
  type CommandInput,
} from '../../schemas/application.js';
import * as pipeline from '../../workflows/pipeline.js';

import type { Position } from '../../schemas/position.js';
import { DUTY_STATIONS } from '../../schemas/reference.js';
import { instantToZoned } from '../../schemas/time.js';

const DAY = 24 * 60 * 60 * 1000;
let counter = 0;

/** A published position (the position workflow's input), opened at `now` and closing `daysOpen` later. */
export function publishedPosition(
  now: number,
  fields: Partial<Position> & Pick<Position, 'positionId'>,
  daysOpen = 10,
): Position {
  const dutyStation = fields.dutyStation ?? 'SIN';
  const timeZone = DUTY_STATIONS[dutyStation].timeZone;
  const deadline = new Date(now + daysOpen * DAY);
  return {
    reference: `VN-${fields.positionId}`,
    title: 'Analyst',
    description: 'Analysis',
    requirements: [],
    dutyStation,
    contractType: 'fixed_term',
    deadlineLocal: instantToZoned(deadline, timeZone),
    timeZone,
    deadline: deadline.toISOString(),
    openedAt: new Date(now).toISOString(),
    recruiterId: 'rec-1',
    requiredDocuments: ['cv'],
    questions: [],
    policy: {},
    ...fields,
  };
}

export function position(now: number, overrides: Partial<PositionRef> = {}): PositionRef {
  counter += 1;
  return {
    positionId: `POS-${process.pid}-${counter}`,
    reference: `VN-2026-${String(counter).padStart(3, '0')}`,
    title: 'Criminal Intelligence Officer',
    dutyStation: 'LYO',
    deadline: new Date(now + 14 * DAY).toISOString(),
    ...overrides,
  };
}

export function applicationInput(now: number, overrides: Partial<ApplicationInput> = {}): ApplicationInput {
  const pos = overrides.position ?? position(now);
  counter += 1;
  const candidateId = overrides.candidateId ?? `cand-${process.pid}-${counter}`;
  return {
    applicationId: `application/${pos.positionId}/${candidateId}`,
    candidateId,
    recruiterId: 'rec-1',
    position: pos,
    policy: {},
    submittedAt: new Date(now).toISOString(),
    ...overrides,
  };
}

/**
 * An application as the pipeline's pure rules hold it (no workflow): submitted at `t0`, shortlisted a
 * second later and, a second after that, invited to an interview at Lyon `interviewInDays` after `t0`.
 */
export function invitedByRules(
  t0: number,
  opts: {
    interviewInDays: number;
    contactedBy: 'email' | 'phone';
    policy?: Partial<PolicyInput>;
    features?: pipeline.StartFeatures;
  },
): ApplicationState {
  const input = applicationInput(t0, { policy: opts.policy ?? {} });
  let state = pipeline.start(ApplicationInputSchema.parse(input), opts.features).state;
  const act = (command: TransitionRequestInput['command'], at: number) => {
    const req = TransitionRequestSchema.parse({
      actor: { role: 'recruiter', id: state.recruiterId },
      command,
    });
    state = pipeline.apply(state, req, at).state;
  };
  act({ type: 'screen', decision: 'shortlist' }, t0 + 1000);
  act(
    {
      type: 'schedule_interview',
      at: new Date(t0 + DAYS(opts.interviewInDays)).toISOString(),
      mode: { kind: 'in_person', dutyStation: 'LYO' },
      contactedBy: opts.contactedBy,
    },
    t0 + 2000,
  );
  return state;
}

export const recruiter = (command: CommandInput): TransitionRequestInput => ({
  actor: { role: 'recruiter', id: 'rec-1' },
  command,
});
export const candidateSays = (candidateId: string, command: CommandInput): TransitionRequestInput => ({
  actor: { role: 'candidate', id: candidateId },
  command,
});

export const DAYS = (n: number) => n * DAY;

/**
 * The requests that take an application from submission to acceptance, as the recruiter and the
 * candidate send them: a video interview at `interviewAt`, a seat in exam session `sessionId`.
 */
export const stepsToAcceptance = (
  candidateId: string,
  sessionId: string,
  interviewAt: string,
): TransitionRequestInput[] => [
  recruiter({ type: 'screen', decision: 'shortlist' }),
  recruiter({
    type: 'schedule_interview',
    at: interviewAt,
    mode: { kind: 'video', link: 'https://video.interpol.int/f' },
    contactedBy: 'email',
  }),
  candidateSays(candidateId, { type: 'confirm_interview' }),
  recruiter({ type: 'record_interview', outcome: 'pass' }),
  recruiter({ type: 'schedule_exam', sessionId }),
  recruiter({ type: 'record_exam_result', score: 75, passed: true }),
  recruiter({ type: 'make_offer', terms: 'P2, fixed-term' }),
  candidateSays(candidateId, { type: 'accept_offer' }),
];

/** The events of an application taken from submission to acceptance, in order, each once. */
export const EVENTS_TO_ACCEPTANCE = [
  'application.submitted',
  'application.screened',
  'application.interview_scheduled',
  'application.interview_confirmed',
  'application.interview_held',
  'application.exam_booked',
  'application.exam_result',
  'application.offer_made',
  'application.offer_accepted',
];

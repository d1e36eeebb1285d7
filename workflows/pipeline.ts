/**
 * The recruitment pipeline as pure functions: given a state, a request and the time, what is the
 * next state and which side effects follow. No I/O and no clock: the workflow supplies `now`, so the
 * same rules run in the workflow, in validators and in property-based tests.
 */
import {
  COMMAND_ROLES,
  isFinal,
  PolicySchema,
  type ActiveStage,
  type Actor,
  type ApplicationState,
  type ApplicationStatus,
  type Command,
  type DeadlineKind,
  type FinalOutcome,
  type SlaStatus,
  type PositionRef,
  type TimelineEntry,
  type TransitionRequest,
  type UpcomingDeadline,
} from '../schemas/application.js';
import type { Effect, EmailTemplate, Recipient } from '../schemas/effects.js';
import type { ApplicationEvent } from '../schemas/events.js';
import type { SeatBooking } from '../schemas/exam.js';
import { DUTY_STATIONS } from '../schemas/reference.js';

const DAY = 24 * 60 * 60 * 1000;
export const SYSTEM: Actor = { role: 'system', id: 'workflow-clock' };

export interface Outcome {
  state: ApplicationState;
  effects: Effect[];
}

export interface StartFacts {
  applicationId: string;
  candidateId: string;
  recruiterId: string;
  position: PositionRef;
  policy: Partial<ApplicationState['policy']>;
  submittedAt: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const ms = (instant: string): number => Date.parse(instant);

/** A new application: stage `submitted`, acknowledged to the candidate. */
/**
 * What a new application does that older ones never did. Set at the start and kept in the state,
 * so an application keeps the behaviour it began with through every deploy and continue-as-new.
 */
export interface StartFeatures {
  /** Remind the candidate before their own deadlines (the `reminding` generation). */
  remindsCandidate?: boolean;
}

export function start(facts: StartFacts, features: StartFeatures = {}): Outcome {
  const state: ApplicationState = {
    applicationId: facts.applicationId,
    candidateId: facts.candidateId,
    recruiterId: facts.recruiterId,
    position: facts.position,
    policy: PolicySchema.parse(facts.policy),
    status: 'submitted',
    submittedAt: facts.submittedAt,
    stageEnteredAt: facts.submittedAt,
    remindersInStage: 0,
    escalatedInStage: false,
    extendedDeadlines: {},
    ...(features.remindsCandidate ? { remindsCandidate: true } : {}),
    seq: 0,
    timeline: [],
  };
  const b = new Builder(state, { role: 'candidate', id: facts.candidateId }, ms(facts.submittedAt));
  b.timeline('transition', 'submitted', { to: 'submitted', command: 'submit' });
  b.event('application.submitted', { deadline: facts.position.deadline });
  b.email('acknowledgement', candidate(state));
  return b.done();
}

/**
 * Why a request is refused, in words a recruiter understands; undefined when it is allowed.
 * `now` matters for dates that must lie ahead.
 */
export function refusal(state: ApplicationState, req: TransitionRequest, now: number): string | undefined {
  const { actor, command } = req;
  const allowed = COMMAND_ROLES[command.type];
  if (!allowed.includes(actor.role)) {
    return `'${command.type}' is for ${allowed.join(' or ')}, not ${actor.role}`;
  }
  if (actor.role === 'candidate' && actor.id !== state.candidateId) {
    return 'a candidate may act on their own application only';
  }
  if (isFinal(state.status)) {
    return `the application is closed (${state.status}); nothing more can change`;
  }
  const stageIs = (...stages: ActiveStage[]): string | undefined =>
    (stages as ApplicationStatus[]).includes(state.status)
      ? undefined
      : `the application is in stage '${state.status}'; '${command.type}' needs stage ${stages
          .map((s) => `'${s}'`)
          .join(' or ')}`;
  const future = (instant: string, what: string): string | undefined =>
    ms(instant) > now ? undefined : `${what} must be in the future (got ${instant})`;

  switch (command.type) {
    case 'screen':
      return stageIs('submitted');
    case 'schedule_interview':
      return stageIs('screened') ?? future(command.at, 'the interview time');
    case 'reschedule_interview':
      return (
        stageIs('interview') ??
        (state.interview?.outcome ? 'the interview has already been held' : undefined) ??
        future(command.at, 'the interview time')
      );
    case 'confirm_interview':
      return (
        stageIs('interview') ??
        (state.interview?.confirmedAt ? 'the interview is already confirmed' : undefined) ??
        (state.interview?.outcome ? 'the interview has already been held' : undefined)
      );
    case 'record_interview':
      return (
        stageIs('interview') ??
        (state.interview?.outcome ? 'the interview outcome is already recorded' : undefined)
      );
    case 'schedule_exam':
      return (
        stageIs('written_exam') ??
        (state.exam ? `an exam seat is already booked (${state.exam.sessionId})` : undefined)
      );
    case 'record_exam_result':
      return (
        stageIs('written_exam') ??
        (state.exam ? undefined : 'no exam seat is booked yet: schedule the exam first') ??
        (state.examResult ? 'the exam result is already recorded' : undefined)
      );
    case 'make_offer':
      return (
        stageIs('written_exam') ??
        (state.examResult?.passed ? undefined : 'an offer needs a passed written exam') ??
        (command.respondBy ? future(command.respondBy, 'the respond-by date') : undefined)
      );
    case 'accept_offer':
    case 'decline_offer':
      return stageIs('offer');
    case 'reject':
    case 'withdraw':
    case 'position_closed':
    case 'add_note':
      return undefined;
    case 'hand_over':
      return command.recruiterId === state.recruiterId
        ? `${command.recruiterId} is already in charge of this application`
        : undefined;
    case 'extend_deadline': {
      const current = deadlineOf(state, command.deadline);
      if (current === undefined) return `there is no running '${command.deadline}' deadline to extend`;
      return ms(command.until) > current
        ? undefined
        : `the new date must be later than the current one (${iso(current)})`;
    }
  }
}

/**
 * Behaviour added after applications were already in flight. The workflow decides each one with
 * `patched()`, so that an application that passed the point under older code replays as it ran.
 */
export interface Features {
  /** Since November 2026: Human Resources is asked to start onboarding when an offer is accepted. */
  hrOnboarding?: boolean;
}

/**
 * Applies an allowed request. Callers check `refusal` first; `booking` is the seat the exam
 * activity reserved (schedule_exam only).
 */
export function apply(
  state: ApplicationState,
  req: TransitionRequest,
  now: number,
  booking?: SeatBooking,
  features: Features = {},
): Outcome {
  const { actor, command } = req;
  const b = new Builder(state, actor, now);
  const s = b.state;
  const cand = candidate(s);
  const rec = recruiter(s);
  switch (command.type) {
    case 'screen':
      b.event(
        'application.screened',
        { decision: command.decision },
        command.decision === 'reject' ? 'rejected' : 'screened',
      );
      if (command.decision === 'shortlist') {
        b.moveTo('screened', command, notesDetail('shortlisted', command.notes));
        b.email('shortlisted', cand);
      } else {
        const { told, noted } = toldAndNoted(command, 'not shortlisted at screening');
        b.finish('rejected', command, told, undefined, false, undefined, noted);
      }
      break;
    case 'schedule_interview':
      s.interview = {
        at: command.at,
        mode: command.mode,
        contactedBy: command.contactedBy,
        invitedAt: iso(now),
        reschedules: 0,
      };
      b.moveTo('interview', command, `interview on ${command.at} (${modeText(command.mode)})`);
      b.event('application.interview_scheduled', { at: command.at, mode: command.mode, rescheduled: false });
      b.email('interview_invitation', cand, { when: command.at, calendar: interviewCalendar(s) });
      break;
    case 'reschedule_interview': {
      const prev = s.interview!;
      s.interview = {
        ...prev,
        at: command.at,
        mode: command.mode ?? prev.mode,
        invitedAt: iso(now),
        reschedules: prev.reschedules + 1,
      };
      // A new time needs a new confirmation, with a fresh window.
      delete s.interview.confirmedAt;
      delete s.extendedDeadlines.interview_confirmation;
      b.timeline(
        'transition',
        `interview moved to ${command.at}${command.reason ? `: ${command.reason}` : ''}`,
        {
          command: command.type,
        },
      );
      b.event('application.interview_scheduled', {
        at: command.at,
        mode: s.interview.mode,
        rescheduled: true,
      });
      // The candidate is told why (the template's second paragraph; empty when no reason was given).
      b.email('interview_rescheduled', cand, {
        when: command.at,
        detail: command.reason,
        calendar: interviewCalendar(s),
      });
      break;
    }
    case 'confirm_interview':
      s.interview = { ...s.interview!, confirmedAt: iso(now) };
      b.timeline('transition', 'interview confirmed by the candidate', { command: command.type });
      b.event('application.interview_confirmed', {});
      b.email('interview_confirmed', rec, { when: s.interview.at });
      break;
    case 'record_interview':
      s.interview = { ...s.interview!, outcome: command.outcome };
      b.event(
        'application.interview_held',
        { outcome: command.outcome },
        command.outcome === 'pass' ? 'written_exam' : 'rejected',
      );
      if (command.outcome === 'pass') {
        b.moveTo('written_exam', command, notesDetail('interview passed', command.notes));
        b.email('interview_passed', cand);
      } else {
        const { told, noted } = toldAndNoted(command, 'not successful at interview');
        b.finish('rejected', command, told, undefined, false, undefined, noted);
      }
      break;
    case 'schedule_exam': {
      if (!booking) throw new Error('schedule_exam needs the booked seat');
      s.exam = {
        sessionId: booking.sessionId,
        dutyStation: booking.dutyStation,
        startsAt: booking.startsAt,
        seat: booking.seat,
      };
      // The recruiter's clock for this stage now runs from the exam date.
      s.remindersInStage = 0;
      s.escalatedInStage = false;
      b.timeline('transition', `exam seat ${booking.seat} booked in session ${booking.sessionId}`, {
        command: command.type,
      });
      b.event('application.exam_booked', {
        sessionId: booking.sessionId,
        seat: booking.seat,
        startsAt: booking.startsAt,
      });
      b.email('exam_convocation', cand, {
        when: booking.startsAt,
        calendar: {
          uid: `${s.applicationId}/exam@hiring.interpol.int`,
          sequence: 0,
          start: booking.startsAt,
          durationMinutes: booking.durationMinutes,
          summary: `Written exam: ${s.position.title} (${s.position.reference})`,
          location: `INTERPOL ${DUTY_STATIONS[booking.dutyStation].city}, seat ${booking.seat}`,
        },
      });
      break;
    }
    case 'record_exam_result':
      s.examResult = { score: command.score, passed: command.passed, recordedAt: iso(now) };
      b.event(
        'application.exam_result',
        { score: command.score, passed: command.passed },
        command.passed ? 'written_exam' : 'rejected',
      );
      if (command.passed) {
        s.remindersInStage = 0;
        s.escalatedInStage = false;
        b.timeline('transition', `written exam passed (score ${command.score})`, { command: command.type });
        b.email('exam_passed', cand);
      } else {
        b.finish('rejected', command, `written exam not passed (score ${command.score})`, undefined, false);
      }
      break;
    case 'make_offer': {
      const respondBy = command.respondBy ?? iso(now + s.policy.offerResponseDays * DAY);
      s.offer = { terms: command.terms, madeAt: iso(now), respondBy };
      b.moveTo('offer', command, `offer made; respond by ${respondBy}`);
      b.event('application.offer_made', { respondBy });
      b.email('offer', cand, { when: respondBy, detail: command.terms });
      break;
    }
    case 'accept_offer':
      b.event('application.offer_accepted', {}, 'accepted');
      b.finish('accepted', command, 'offer accepted', undefined, false);
      if (features.hrOnboarding)
        b.email('onboarding_request', { kind: 'hr' }, { detail: `Terms: ${s.offer?.terms ?? ''}` });
      break;
    case 'decline_offer':
      b.event('application.offer_declined', {}, 'declined');
      b.finish('declined', command, command.reason || 'offer declined', undefined, false);
      break;
    case 'reject':
      b.finish('rejected', command, command.reason);
      break;
    case 'withdraw':
      b.finish('withdrawn', command, command.reason || 'withdrawn by the candidate');
      break;
    case 'position_closed': {
      const why = command.reason === 'filled' ? 'the position has been filled' : 'the position was cancelled';
      b.finish(
        'rejected',
        command,
        command.note ? `${why}: ${command.note}` : why,
        undefined,
        true,
        'position_closed',
      );
      break;
    }
    case 'extend_deadline':
      s.extendedDeadlines = { ...s.extendedDeadlines, [command.deadline]: command.until };
      b.timeline('transition', `${command.deadline} deadline extended to ${command.until}`, {
        command: command.type,
      });
      b.event('application.deadline_extended', { deadline: command.deadline, until: command.until });
      b.email('deadline_extended', cand, { when: command.until, detail: deadlineText(command.deadline) });
      break;
    case 'add_note':
      // No event (notes may name people: events carry ids and facts) and no email.
      b.timeline('note', command.notes, { command: command.type });
      break;
    case 'hand_over': {
      // The stage and its clocks stay: the new recruiter's reminders come when the old one's would
      // have. Every event from here on names them, so their board lists the application.
      const from = s.recruiterId;
      s.recruiterId = command.recruiterId;
      const said = `handed over from ${from} to ${command.recruiterId}`;
      b.timeline('transition', command.notes ? `${said}: ${command.notes}` : said, { command: command.type });
      b.event('application.handed_over', { from });
      b.email('handed_over', recruiter(s), {
        detail: `${s.applicationId} was handed over to you, from ${from}`,
      });
      break;
    }
  }
  return b.done();
}

/** A refused signal is not dropped: it is written on the timeline, and the recruiter can see why. */
export function recordRefusal(
  state: ApplicationState,
  actor: Actor,
  command: string,
  reason: string,
  now: number,
): Outcome {
  const b = new Builder(state, actor, now);
  b.timeline('refused', reason, { command });
  b.event('application.transition_refused', { command, reason });
  return b.done();
}

/** A transition that failed in an activity (for instance a seat could not be booked), for the record. */
export function recordEffectFailure(state: ApplicationState, what: string, now: number): Outcome {
  const b = new Builder(state, SYSTEM, now);
  b.timeline('effect_failed', what);
  return b.done();
}

// ---------------------------------------------------------------------------------------------
// Time: which clock runs next, and what happens when it fires.

export type TimerKind = UpcomingDeadline['kind'];

/** When a candidate-facing or overall deadline falls, honouring extensions; undefined if none runs. */
export function deadlineOf(state: ApplicationState, kind: DeadlineKind): number | undefined {
  if (isFinal(state.status)) return undefined;
  const extended = state.extendedDeadlines[kind];
  switch (kind) {
    case 'interview_confirmation': {
      const i = state.interview;
      if (state.status !== 'interview' || !i || i.confirmedAt || i.outcome) return undefined;
      return extended ? ms(extended) : ms(i.invitedAt) + state.policy.interviewConfirmationDays * DAY;
    }
    case 'offer_response':
      if (state.status !== 'offer' || !state.offer) return undefined;
      return ms(extended ?? state.offer.respondBy);
    case 'max_wait':
      // Once an offer is out, its own respond-by date governs.
      if (state.status === 'offer') return undefined;
      return extended ? ms(extended) : ms(state.position.deadline) + state.policy.maxWaitDays * DAY;
  }
}

/** How long before their own deadline the candidate is reminded (to confirm an interview, answer an offer). */
export const CANDIDATE_REMINDER_DAYS = 2;

/**
 * The reminder the candidate is owed before their running deadline, if any: not in applications
 * older than the `reminding` generation, not twice for the same deadline (a moved deadline gets its
 * own), and not when the window was no longer than the reminder's lead (the invitation or the offer
 * itself is that recent).
 */
function candidateReminder(
  state: ApplicationState,
): { kind: 'interview_confirmation' | 'offer_response'; deadline: number; at: number } | undefined {
  if (!state.remindsCandidate) return undefined;
  for (const kind of ['interview_confirmation', 'offer_response'] as const) {
    const deadline = deadlineOf(state, kind);
    if (deadline === undefined) continue;
    if (state.candidateReminded?.[kind] === iso(deadline)) return undefined;
    const opened = kind === 'interview_confirmation' ? state.interview?.invitedAt : state.offer?.madeAt;
    const at = deadline - CANDIDATE_REMINDER_DAYS * DAY;
    if (opened === undefined || at <= ms(opened)) return undefined;
    return { kind, deadline, at };
  }
  return undefined;
}

/** Since when the recruiter owes a decision; undefined while it is the candidate's turn. */
function awaitingRecruiterSince(state: ApplicationState): number | undefined {
  switch (state.status) {
    case 'submitted':
    case 'screened':
      return ms(state.stageEnteredAt);
    case 'interview': {
      const i = state.interview;
      if (!i) return ms(state.stageEnteredAt);
      // Before the interview has happened there is nothing to decide.
      return Math.max(ms(i.at), ms(state.stageEnteredAt));
    }
    case 'written_exam':
      if (state.examResult) return ms(state.examResult.recordedAt);
      if (state.exam) return ms(state.exam.startsAt);
      return ms(state.stageEnteredAt);
    default:
      return undefined;
  }
}

export function upcomingDeadlines(state: ApplicationState): UpcomingDeadline[] {
  const out: { kind: TimerKind; at: number }[] = [];
  for (const kind of ['interview_confirmation', 'offer_response', 'max_wait'] as const) {
    const at = deadlineOf(state, kind);
    if (at !== undefined) out.push({ kind, at });
  }
  const reminder = candidateReminder(state);
  if (reminder) out.push({ kind: 'candidate_reminder', at: reminder.at });
  const since = isFinal(state.status) ? undefined : awaitingRecruiterSince(state);
  if (since !== undefined) {
    out.push({
      kind: 'recruiter_reminder',
      at: since + (state.remindersInStage + 1) * state.policy.recruiterReminderDays * DAY,
    });
    if (!state.escalatedInStage) {
      out.push({ kind: 'recruiter_escalation', at: since + state.policy.recruiterEscalationDays * DAY });
    }
  }
  return out.sort((a, b) => a.at - b.at).map((d) => ({ kind: d.kind, at: iso(d.at) }));
}

export function nextTimer(state: ApplicationState): { kind: TimerKind; at: number } | undefined {
  const [first] = upcomingDeadlines(state);
  return first ? { kind: first.kind, at: ms(first.at) } : undefined;
}

/**
 * How a list shows the application: its stage, the next deadline that runs (any clock: the
 * candidate's, the recruiter's reminder, the overall wait) and where it stands against its service
 * level. Visibility's search attributes and the events' listing fields both come from here.
 */
export function listing(state: ApplicationState): {
  stage: ApplicationStatus;
  nextDeadline: string | null;
  sla: SlaStatus;
} {
  const next = nextTimer(state);
  return {
    stage: state.status,
    nextDeadline: next ? iso(next.at) : null,
    sla: state.escalatedInStage ? 'escalated' : state.remindersInStage > 0 ? 'reminded' : 'ok',
  };
}

/**
 * The timer the workflow armed for `armed` (the next deadline when it started waiting) ran out with
 * nobody acting: that deadline is due. A timer never fires early, and nothing moved the deadline
 * (that would have ended the wait), so the task's clock is not asked: after a Temporal server
 * crash a task was once handed the previous task's time, and a decision on that clock came out
 * differently on replay (test/unit/clock-ran-out.test.ts). The outcome is dated no earlier than the
 * deadline. With a true clock this is exactly what the workflow always did.
 */
export function clockRanOut(
  state: ApplicationState,
  armed: { kind: TimerKind; at: number },
  now: number,
): Outcome {
  return fire(state, armed.kind, Math.max(now, armed.at));
}

/** A clock ran out with nobody acting. An expiry is a business outcome, not an error. */
export function fire(state: ApplicationState, kind: TimerKind, now: number): Outcome {
  const b = new Builder(state, SYSTEM, now);
  const s = b.state;
  switch (kind) {
    case 'interview_confirmation':
    case 'offer_response':
    case 'max_wait':
      b.finish('expired', { type: 'deadline' }, `${deadlineText(kind)} passed with no response`, kind);
      break;
    case 'recruiter_reminder': {
      s.remindersInStage += 1;
      const days = Math.round((now - (awaitingRecruiterSince(state) ?? now)) / DAY);
      b.timeline('reminder', `reminder to the recruiter: ${days} days in '${s.status}' without a decision`);
      b.event('application.reminder_sent', { kind: 'reminder', stage: s.status, days });
      b.email('recruiter_reminder', recruiter(s), { detail: `${days} days in stage '${s.status}'` });
      break;
    }
    case 'candidate_reminder': {
      const r = candidateReminder(state);
      // The timer was armed for it; if nothing is owed any more, nothing happens.
      if (!r) break;
      s.candidateReminded = { ...s.candidateReminded, [r.kind]: iso(r.deadline) };
      b.timeline('reminder', `reminder to the candidate: ${deadlineText(r.kind)} is ${iso(r.deadline)}`);
      b.event('application.reminder_sent', {
        kind: 'candidate_reminder',
        stage: s.status,
        days: CANDIDATE_REMINDER_DAYS,
      });
      b.email('candidate_reminder', candidate(s), {
        when: iso(r.deadline),
        detail:
          r.kind === 'interview_confirmation'
            ? 'Your confirmation that you will attend the interview'
            : 'Your answer to the offer',
      });
      break;
    }
    case 'recruiter_escalation': {
      s.escalatedInStage = true;
      const days = Math.round((now - (awaitingRecruiterSince(state) ?? now)) / DAY);
      b.timeline('escalation', `escalated to HR: ${days} days in '${s.status}' without a decision`);
      b.event('application.reminder_sent', { kind: 'escalation', stage: s.status, days });
      b.email('recruiter_escalation', { kind: 'hr' }, { detail: `${days} days in stage '${s.status}'` });
      break;
    }
  }
  return b.done();
}

// ---------------------------------------------------------------------------------------------

const candidate = (s: ApplicationState): Recipient => ({ kind: 'candidate', id: s.candidateId });
const recruiter = (s: ApplicationState): Recipient => ({ kind: 'recruiter', id: s.recruiterId });
const notesDetail = (what: string, notes: string): string => (notes ? `${what}: ${notes}` : what);

/**
 * A rejection at screening or interview: what the candidate is told, and what the timeline keeps
 * for staff. With a `reason` the notes stay on the timeline only; without one (older requests)
 * the notes were what the candidate was told.
 */
function toldAndNoted(
  command: { notes: string; reason?: string | undefined },
  plain: string,
): { told: string; noted: string } {
  if (command.reason === undefined) return { told: command.notes || plain, noted: command.notes || plain };
  const told = command.reason || plain;
  return { told, noted: notesDetail(told, command.notes) };
}

function deadlineText(kind: DeadlineKind): string {
  switch (kind) {
    case 'interview_confirmation':
      return 'the deadline to confirm the interview';
    case 'offer_response':
      return 'the deadline to answer the offer';
    case 'max_wait':
      return 'the maximum waiting time for a decision';
  }
}

function modeText(mode: NonNullable<ApplicationState['interview']>['mode']): string {
  return mode.kind === 'video' ? 'by video' : `in person at INTERPOL ${DUTY_STATIONS[mode.dutyStation].city}`;
}

function interviewCalendar(s: ApplicationState) {
  const i = s.interview!;
  return {
    uid: `${s.applicationId}/interview@hiring.interpol.int`,
    sequence: i.reschedules,
    start: i.at,
    durationMinutes: 60,
    summary: `Interview: ${s.position.title} (${s.position.reference})`,
    location: i.mode.kind === 'video' ? i.mode.link : `INTERPOL ${DUTY_STATIONS[i.mode.dutyStation].city}`,
  };
}

type EventPayload<T extends ApplicationEvent['type']> = Extract<ApplicationEvent, { type: T }>['payload'];

/** Collects one step's state change, timeline entries, events and emails, each with the next seq. */
class Builder {
  readonly state: ApplicationState;
  private readonly effects: Effect[] = [];

  constructor(
    prev: ApplicationState,
    private readonly actor: Actor,
    private readonly now: number,
  ) {
    this.state = {
      ...prev,
      extendedDeadlines: { ...prev.extendedDeadlines },
      timeline: [...prev.timeline],
    };
  }

  private nextSeq(): number {
    this.state.seq += 1;
    return this.state.seq;
  }

  timeline(
    kind: TimelineEntry['kind'],
    detail: string,
    extra: Partial<Pick<TimelineEntry, 'command' | 'from' | 'to'>> = {},
  ): void {
    this.state.timeline.push({
      seq: this.nextSeq(),
      at: iso(this.now),
      actor: this.actor,
      kind,
      detail,
      ...extra,
    });
  }

  event<T extends ApplicationEvent['type']>(
    type: T,
    payload: EventPayload<T>,
    status?: ApplicationStatus,
  ): void {
    const s = this.state;
    const seq = this.nextSeq();
    this.effects.push({
      kind: 'event',
      event: {
        type,
        version: 1,
        eventId: `${s.applicationId}:${seq}:${type}`,
        occurredAt: iso(this.now),
        actor: this.actor,
        applicationId: s.applicationId,
        positionId: s.position.positionId,
        candidateId: s.candidateId,
        status: status ?? s.status,
        dutyStation: s.position.dutyStation,
        payload,
      } as ApplicationEvent,
    });
  }

  email(
    template: EmailTemplate,
    to: Recipient,
    extra: { when?: string; detail?: string; calendar?: ReturnType<typeof interviewCalendar> } = {},
  ): void {
    const s = this.state;
    const seq = this.nextSeq();
    const who = to.kind === 'hr' ? 'hr' : `${to.kind}`;
    this.effects.push({
      kind: 'email',
      email: {
        emailId: `${s.applicationId}:${seq}:${template}:${who}`,
        template,
        to,
        applicationId: s.applicationId,
        position: s.position,
        ...extra,
      },
    });
  }

  moveTo(stage: ActiveStage, command: Command, detail: string): void {
    const from = this.state.status;
    this.state.status = stage;
    this.state.stageEnteredAt = iso(this.now);
    this.state.remindersInStage = 0;
    this.state.escalatedInStage = false;
    this.timeline('transition', detail, { command: command.type, from, to: stage });
  }

  /** Ends the application: outcome, emails, and the exam seat given back (compensation). */
  finish(
    status: FinalOutcome,
    command: Command | { type: 'deadline' },
    reason: string,
    deadline?: DeadlineKind,
    publish = true,
    candidateTemplate?: EmailTemplate,
    /** The timeline's words, for staff, when they say more than the reason (a rejection's notes). */
    staffDetail = reason,
  ): void {
    const s = this.state;
    const from = s.status;
    s.status = status;
    s.stageEnteredAt = iso(this.now);
    s.outcome = { status, at: iso(this.now), reason, ...(deadline ? { deadline } : {}) };
    this.timeline(command.type === 'deadline' ? 'deadline' : 'transition', staffDetail, {
      command: command.type,
      from,
      to: status,
    });
    if (publish) {
      if (status === 'expired') this.event('application.expired', { deadline: deadline!, stage: from });
      if (status === 'rejected') this.event('application.rejected', { stage: from });
      if (status === 'withdrawn') this.event('application.withdrawn', { stage: from });
    }
    if (s.exam && !s.examResult && status !== 'accepted') {
      this.effects.push({
        kind: 'release_seat',
        sessionId: s.exam.sessionId,
        applicationId: s.applicationId,
      });
    }
    const cand = candidate(s);
    const rec = recruiter(s);
    switch (status) {
      case 'accepted':
        this.email('offer_accepted', cand);
        this.email('offer_accepted', rec);
        break;
      case 'declined':
        this.email('offer_declined', rec, { detail: reason });
        break;
      case 'rejected':
        this.email(candidateTemplate ?? 'rejection', cand, { detail: reason });
        break;
      case 'withdrawn':
        this.email('withdrawal_confirmed', cand);
        this.email('withdrawal_confirmed', rec, { detail: reason });
        break;
      case 'expired':
        this.email('expiry', cand, { detail: reason });
        this.email('expiry', rec, { detail: reason });
        break;
    }
  }

  /**
   * Every event of the step carries where the application is listed after it (stage, next deadline,
   * service level) and whose it is, so the read side can list and filter applications from the
   * events alone. An activity's input: histories recorded before these fields replay unchanged.
   */
  done(): Outcome {
    const { nextDeadline, sla } = listing(this.state);
    const { recruiterId } = this.state;
    const effects = this.effects.map((e) =>
      e.kind === 'event' ? { ...e, event: { ...e.event, nextDeadline, sla, recruiterId } } : e,
    );
    return { state: this.state, effects };
  }
}

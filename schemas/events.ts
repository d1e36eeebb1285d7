import { z } from 'zod';
import {
  ActorSchema,
  ApplicationStatusSchema,
  DeadlineKindSchema,
  InterviewModeSchema,
  SlaStatusSchema,
} from './application.js';
import { DutyStationSchema } from './reference.js';

/**
 * Domain events: every business fact, published once on NATS JetStream under `hiring.<aggregate>.<event>`.
 * Versioned; a consumer parses with this union and ignores versions it does not know.
 * Payloads carry ids and business facts, never a candidate's name, email or documents.
 */
const base = {
  version: z.literal(1),
  /** Deterministic: derived from the workflow and its transition, also the JetStream Nats-Msg-Id. */
  eventId: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  actor: ActorSchema,
};
const app = {
  ...base,
  applicationId: z.string(),
  positionId: z.string(),
  candidateId: z.string(),
  /** The stage the application is in after this event; read models need nothing else to place it. */
  status: ApplicationStatusSchema,
  dutyStation: DutyStationSchema,
  /**
   * Where the application is listed after this event: the next deadline that runs (null when none
   * does) and its service level. Since November 2026; events published before carry neither.
   */
  nextDeadline: z.iso.datetime({ offset: true }).nullable().optional(),
  sla: SlaStatusSchema.optional(),
  /**
   * The recruiter in charge of the application (the position's), so a recruiter's board can list
   * their own. Since 30 November 2026; events published before carry none.
   */
  recruiterId: z.string().optional(),
};
const pos = { ...base, positionId: z.string(), dutyStation: DutyStationSchema };

export const DomainEventSchema = z.discriminatedUnion('type', [
  z.object({ ...app, type: z.literal('application.submitted'), payload: z.object({ deadline: z.string() }) }),
  z.object({
    ...app,
    type: z.literal('application.screened'),
    payload: z.object({ decision: z.enum(['shortlist', 'reject']) }),
  }),
  z.object({
    ...app,
    type: z.literal('application.interview_scheduled'),
    payload: z.object({ at: z.string(), mode: InterviewModeSchema, rescheduled: z.boolean() }),
  }),
  z.object({ ...app, type: z.literal('application.interview_confirmed'), payload: z.object({}) }),
  z.object({
    ...app,
    type: z.literal('application.interview_held'),
    payload: z.object({ outcome: z.enum(['pass', 'fail']) }),
  }),
  z.object({
    ...app,
    type: z.literal('application.exam_booked'),
    payload: z.object({ sessionId: z.string(), seat: z.number(), startsAt: z.string() }),
  }),
  z.object({
    ...app,
    type: z.literal('application.exam_result'),
    payload: z.object({ score: z.number(), passed: z.boolean() }),
  }),
  z.object({
    ...app,
    type: z.literal('application.offer_made'),
    payload: z.object({ respondBy: z.string() }),
  }),
  z.object({ ...app, type: z.literal('application.offer_accepted'), payload: z.object({}) }),
  z.object({ ...app, type: z.literal('application.offer_declined'), payload: z.object({}) }),
  z.object({
    ...app,
    type: z.literal('application.rejected'),
    payload: z.object({ stage: ApplicationStatusSchema }),
  }),
  z.object({
    ...app,
    type: z.literal('application.withdrawn'),
    payload: z.object({ stage: ApplicationStatusSchema }),
  }),
  z.object({
    ...app,
    type: z.literal('application.expired'),
    payload: z.object({ deadline: DeadlineKindSchema, stage: ApplicationStatusSchema }),
  }),
  z.object({
    ...app,
    type: z.literal('application.reminder_sent'),
    payload: z.object({
      kind: z.enum(['reminder', 'escalation', 'candidate_reminder']),
      stage: ApplicationStatusSchema,
      days: z.number(),
    }),
  }),
  z.object({
    ...app,
    type: z.literal('application.deadline_extended'),
    payload: z.object({ deadline: DeadlineKindSchema, until: z.string() }),
  }),
  z.object({
    ...app,
    type: z.literal('application.transition_refused'),
    payload: z.object({ command: z.string(), reason: z.string() }),
  }),
  /** Another recruiter took the application over: `recruiterId` names them, `from` the one before. */
  z.object({ ...app, type: z.literal('application.handed_over'), payload: z.object({ from: z.string() }) }),
  z.object({ ...pos, type: z.literal('position.opened'), payload: z.object({ deadline: z.string() }) }),
  z.object({ ...pos, type: z.literal('position.closed'), payload: z.object({}) }),
  z.object({ ...pos, type: z.literal('position.filled'), payload: z.object({}) }),
  z.object({ ...pos, type: z.literal('position.cancelled'), payload: z.object({ reason: z.string() }) }),
  z.object({
    ...pos,
    type: z.literal('position.deadline_extended'),
    payload: z.object({ until: z.string() }),
  }),
  /** Another recruiter took the vacancy over, and with it its applications in progress. */
  z.object({
    ...pos,
    type: z.literal('position.handed_over'),
    payload: z.object({ from: z.string(), to: z.string() }),
  }),
]);
export type DomainEvent = z.infer<typeof DomainEventSchema>;
export type DomainEventType = DomainEvent['type'];
export type ApplicationEvent = Extract<DomainEvent, { type: `application.${string}` }>;

export const EVENT_STREAM = 'HIRING';
export const EVENT_SUBJECT_PREFIX = 'hiring';

/**
 * `hiring.<aggregate>.<aggregateId>.<event>`: a consumer filters per aggregate
 * (`hiring.application.<id>.>`), per event type (`hiring.*.*.offer_made`) or both.
 * Ids contain `/`, which NATS allows in tokens; dots are replaced so each id stays one token.
 */
export function eventSubject(event: DomainEvent): string {
  const [aggregate, name] = event.type.split('.') as [string, string];
  const id = aggregate === 'application' && 'applicationId' in event ? event.applicationId : event.positionId;
  return `${EVENT_SUBJECT_PREFIX}.${aggregate}.${id.replaceAll('.', '_').replaceAll(' ', '_')}.${name}`;
}

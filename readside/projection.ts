import { z } from 'zod';
import {
  ApplicationStatusSchema,
  isFinal,
  SlaStatusSchema,
  type ApplicationStatus,
} from '../schemas/application.js';
import type { DomainEvent } from '../schemas/events.js';
import { kvToken } from '../stores/kv.js';

/** An application's key in the projection bucket. */
export function applicationKey(applicationId: string): string {
  return `application.${kvToken(applicationId)}`;
}

/**
 * The read side's view of one application, built only from domain events. Ids and facts, no
 * personal data. `lastStreamSeq` makes applying an event idempotent: a redelivered or replayed
 * message at or below it changes nothing.
 */
export const ApplicationRecordSchema = z.object({
  applicationId: z.string(),
  positionId: z.string(),
  candidateId: z.string(),
  dutyStation: z.string(),
  status: ApplicationStatusSchema,
  submittedAt: z.string(),
  stageSince: z.string(),
  closedAt: z.string().optional(),
  /**
   * As the latest event lists it (null: no clock runs). Missing when the application's latest event
   * came before events carried it (November 2026): unknown, not "none".
   */
  nextDeadline: z.string().nullable().optional(),
  sla: SlaStatusSchema.optional(),
  /** The recruiter in charge, from the latest event that named one (30 November 2026 on). */
  recruiterId: z.string().optional(),
  /** Time spent in each stage that has been left, in milliseconds. */
  timeInStageMs: z.partialRecord(ApplicationStatusSchema, z.number()),
  timeline: z.array(
    z.object({
      seq: z.number(),
      at: z.string(),
      type: z.string(),
      actor: z.string(),
      status: ApplicationStatusSchema,
    }),
  ),
  lastStreamSeq: z.number().int(),
});
export type ApplicationRecord = z.infer<typeof ApplicationRecordSchema>;

export const PositionRecordSchema = z.object({
  positionId: z.string(),
  dutyStation: z.string(),
  status: z.enum(['open', 'closed', 'filled', 'cancelled']),
  timeline: z.array(z.object({ seq: z.number(), at: z.string(), type: z.string() })),
  lastStreamSeq: z.number().int(),
});
export type PositionRecord = z.infer<typeof PositionRecordSchema>;

/** Applies one application event; returns the same record when it was already applied. */
export function applyApplicationEvent(
  record: ApplicationRecord | undefined,
  event: Extract<DomainEvent, { applicationId: string }>,
  streamSeq: number,
): ApplicationRecord {
  if (record && streamSeq <= record.lastStreamSeq) return record;
  const base: ApplicationRecord = record ?? {
    applicationId: event.applicationId,
    positionId: event.positionId,
    candidateId: event.candidateId,
    dutyStation: event.dutyStation,
    status: 'submitted',
    submittedAt: event.occurredAt,
    stageSince: event.occurredAt,
    timeInStageMs: {},
    timeline: [],
    lastStreamSeq: 0,
  };
  const next: ApplicationRecord = {
    ...base,
    timeInStageMs: { ...base.timeInStageMs },
    timeline: [
      ...base.timeline,
      {
        seq: streamSeq,
        at: event.occurredAt,
        type: event.type,
        actor: event.actor.role,
        status: event.status,
      },
    ],
    lastStreamSeq: streamSeq,
  };
  if (event.nextDeadline !== undefined) next.nextDeadline = event.nextDeadline;
  if (event.sla !== undefined) next.sla = event.sla;
  if (event.recruiterId !== undefined) next.recruiterId = event.recruiterId;
  if (event.status !== base.status) {
    const spent = Date.parse(event.occurredAt) - Date.parse(base.stageSince);
    next.timeInStageMs[base.status] = (next.timeInStageMs[base.status] ?? 0) + Math.max(0, spent);
    next.status = event.status;
    next.stageSince = event.occurredAt;
    if (isFinal(event.status)) next.closedAt = event.occurredAt;
  }
  return next;
}

export function applyPositionEvent(
  record: PositionRecord | undefined,
  event: Extract<DomainEvent, { type: `position.${string}` }>,
  streamSeq: number,
): PositionRecord {
  if (record && streamSeq <= record.lastStreamSeq) return record;
  const status =
    event.type === 'position.closed'
      ? 'closed'
      : event.type === 'position.filled'
        ? 'filled'
        : event.type === 'position.cancelled'
          ? 'cancelled'
          : // A hand-over changes who is in charge, not whether it is open.
            event.type === 'position.handed_over'
            ? (record?.status ?? 'open')
            : 'open';
  return {
    positionId: event.positionId,
    dutyStation: event.dutyStation,
    status,
    timeline: [...(record?.timeline ?? []), { seq: streamSeq, at: event.occurredAt, type: event.type }],
    lastStreamSeq: streamSeq,
  };
}

export interface Figures {
  applications: number;
  byStage: Partial<Record<ApplicationStatus, number>>;
  byPosition: Record<string, Partial<Record<ApplicationStatus, number>>>;
  byDutyStation: Record<string, Partial<Record<ApplicationStatus, number>>>;
  /** Average days spent in each stage, over the applications that left it. */
  averageDaysInStage: Partial<Record<ApplicationStatus, number>>;
  /** Average days from submission to acceptance, per position. */
  timeToHireDays: Record<string, { hires: number; averageDays: number }>;
}

const DAY = 86_400_000;

export function figures(records: readonly Omit<ApplicationRecord, 'timeline'>[]): Figures {
  const count = (into: Partial<Record<ApplicationStatus, number>>, s: ApplicationStatus) =>
    (into[s] = (into[s] ?? 0) + 1);
  const out: Figures = {
    applications: records.length,
    byStage: {},
    byPosition: {},
    byDutyStation: {},
    averageDaysInStage: {},
    timeToHireDays: {},
  };
  const stageTotals: Partial<Record<ApplicationStatus, { ms: number; n: number }>> = {};
  const hires: Record<string, number[]> = {};
  for (const r of records) {
    count(out.byStage, r.status);
    count((out.byPosition[r.positionId] ??= {}), r.status);
    count((out.byDutyStation[r.dutyStation] ??= {}), r.status);
    for (const [stage, ms] of Object.entries(r.timeInStageMs) as [ApplicationStatus, number][]) {
      const t = (stageTotals[stage] ??= { ms: 0, n: 0 });
      t.ms += ms;
      t.n += 1;
    }
    if (r.status === 'accepted' && r.closedAt) {
      (hires[r.positionId] ??= []).push((Date.parse(r.closedAt) - Date.parse(r.submittedAt)) / DAY);
    }
  }
  for (const [stage, t] of Object.entries(stageTotals) as [ApplicationStatus, { ms: number; n: number }][]) {
    out.averageDaysInStage[stage] = t.ms / t.n / DAY;
  }
  for (const [p, days] of Object.entries(hires)) {
    out.timeToHireDays[p] = {
      hires: days.length,
      averageDays: days.reduce((a, b) => a + b, 0) / days.length,
    };
  }
  return out;
}

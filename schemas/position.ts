import { z } from 'zod';
import { ActorSchema, IdSchema, PolicySchema } from './application.js';
import { ContractTypeSchema, DutyStationSchema } from './reference.js';
import { LocalDateTimeSchema } from './time.js';

export const PositionStatusSchema = z.enum(['open', 'closed', 'filled', 'cancelled']);
export type PositionStatus = z.infer<typeof PositionStatusSchema>;

export const DocumentKindSchema = z.enum(['cv', 'motivation_letter', 'diploma', 'endorsement', 'other']);
export type DocumentKind = z.infer<typeof DocumentKindSchema>;

export const QuestionSchema = z.object({
  id: z.string().regex(/^[a-z0-9_]{1,40}$/, 'lower-case letters, digits and "_"'),
  text: z.string().trim().min(1).max(1000),
  required: z.boolean().default(true),
});

/** What a recruiter writes to publish a vacancy. The deadline is local to the duty station. */
export const PositionDraftSchema = z.object({
  positionId: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, "_" and "-", at most 40'),
  reference: z.string().trim().min(1).max(64),
  title: z.string().trim().min(1).max(300),
  description: z.string().trim().min(1).max(20_000),
  requirements: z.array(z.string().trim().min(1).max(2000)).max(50).default([]),
  dutyStation: DutyStationSchema,
  contractType: ContractTypeSchema,
  /** Local date and time at the duty station, e.g. "2027-01-31T23:59" (23:59 in Lyon). */
  deadlineLocal: LocalDateTimeSchema,
  recruiterId: z.string().min(1).max(64),
  requiredDocuments: z.array(DocumentKindSchema).default(['cv']),
  questions: z.array(QuestionSchema).max(20).default([]),
  policy: PolicySchema.partial().default({}),
});
export type PositionDraft = z.infer<typeof PositionDraftSchema>;
export type PositionDraftInput = z.input<typeof PositionDraftSchema>;

/** A published position: the draft plus its zone and the deadline as an instant. */
export const PositionSchema = PositionDraftSchema.extend({
  timeZone: z.string(),
  deadline: z.iso.datetime({ offset: true }),
  openedAt: z.iso.datetime({ offset: true }),
});
export type Position = z.infer<typeof PositionSchema>;

export const PositionCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('extend_deadline'), deadlineLocal: LocalDateTimeSchema }),
  z.object({ type: z.literal('cancel'), reason: z.string().trim().min(1).max(2000) }),
  z.object({ type: z.literal('fill'), applicationId: z.string().min(1).optional() }),
  /** Another recruiter takes the vacancy over, and with it every application still in progress. */
  z.object({ type: z.literal('hand_over'), recruiterId: IdSchema }),
]);
export type PositionCommand = z.infer<typeof PositionCommandSchema>;

export const PositionRequestSchema = z.object({ actor: ActorSchema, command: PositionCommandSchema });
export type PositionRequestInput = z.input<typeof PositionRequestSchema>;

export const PositionViewSchema = z.object({
  position: PositionSchema,
  status: PositionStatusSchema,
  /** Applications closed in bulk when the position was filled or cancelled. */
  applicationsClosed: z.number().int().min(0),
  history: z.array(z.object({ at: z.string(), actor: ActorSchema, what: z.string() })),
  seq: z.number().int().min(0),
});
export type PositionView = z.infer<typeof PositionViewSchema> & { pendingEffects: number };

export function positionWorkflowId(positionId: string): string {
  return `position/${positionId}`;
}

/** One position in a list, from visibility (search attributes and memo). */
export const PositionSummarySchema = z.object({
  positionId: z.string(),
  reference: z.string(),
  title: z.string(),
  dutyStation: z.string(),
  contractType: z.string(),
  status: PositionStatusSchema,
  deadline: z.string(),
  deadlineLocal: z.string(),
  timeZone: z.string(),
  /** Staff only: the recruiter in charge (none for positions opened before 30 November 2026). */
  recruiterId: z.string().optional(),
});
export type PositionSummary = z.infer<typeof PositionSummarySchema>;

import { z } from 'zod';
import { PositionRefSchema } from './application.js';
import { AccountRequestSchema } from './candidate.js';
import type { DomainEvent } from './events.js';

export const EmailTemplateSchema = z.enum([
  'acknowledgement',
  'shortlisted',
  'interview_invitation',
  'interview_rescheduled',
  'interview_confirmed',
  'interview_passed',
  'exam_convocation',
  'exam_passed',
  'offer',
  'offer_accepted',
  'offer_declined',
  'rejection',
  'withdrawal_confirmed',
  'expiry',
  'deadline_extended',
  'recruiter_reminder',
  'recruiter_escalation',
  'candidate_reminder',
  'position_closed',
  'onboarding_request',
  'handed_over',
]);
export type EmailTemplate = z.infer<typeof EmailTemplateSchema>;

/** Recipients by reference: addresses are looked up by the activity, so none is in workflow history. */
export const RecipientSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('candidate'), id: z.string() }),
  z.object({ kind: z.literal('recruiter'), id: z.string() }),
  z.object({ kind: z.literal('hr') }),
]);
export type Recipient = z.infer<typeof RecipientSchema>;

/** Where a recipient's emails go, as the directory keeps it: a name and an address, as a sign-up takes them. */
export const ContactSchema = AccountRequestSchema;
export type Contact = z.infer<typeof ContactSchema>;

/** A staff member's contact with the id their token names (its subject). */
export const StaffContactSchema = ContactSchema.extend({ subject: z.string() });
export type StaffContact = z.infer<typeof StaffContactSchema>;

export const CalendarEventSchema = z.object({
  uid: z.string(),
  sequence: z.number().int().min(0),
  start: z.iso.datetime({ offset: true }),
  durationMinutes: z.number().int().positive(),
  summary: z.string(),
  location: z.string(),
});
export type CalendarEvent = z.infer<typeof CalendarEventSchema>;

export const EmailRequestSchema = z.object({
  /** Stable id from the application and the step: a retried activity never sends twice. */
  emailId: z.string().min(1),
  template: EmailTemplateSchema,
  to: RecipientSchema,
  applicationId: z.string(),
  position: PositionRefSchema,
  /** The time the email is about (interview, exam, offer deadline...), shown in the duty station's zone. */
  when: z.iso.datetime({ offset: true }).optional(),
  /** Free text for the reader: a reason, notes, the stage, the offer's terms. Never personal data. */
  detail: z.string().default(''),
  calendar: CalendarEventSchema.optional(),
});
export type EmailRequest = z.infer<typeof EmailRequestSchema>;
export type EmailRequestInput = z.input<typeof EmailRequestSchema>;

/** Side effects a transition asks for; the workflow runs them through activities, in order. */
export type Effect =
  | { kind: 'email'; email: EmailRequestInput }
  | { kind: 'event'; event: DomainEvent }
  | { kind: 'release_seat'; sessionId: string; applicationId: string };

import { z } from 'zod';
import { DutyStationSchema } from './reference.js';

/** A written-exam session at a duty station, with a fixed number of seats. */
export const ExamSessionSchema = z.object({
  sessionId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-" only, at most 64'),
  dutyStation: DutyStationSchema,
  startsAt: z.iso.datetime({ offset: true }),
  durationMinutes: z.number().int().positive().max(600).default(180),
  capacity: z.number().int().positive().max(10_000),
});
export type ExamSession = z.infer<typeof ExamSessionSchema>;
export type ExamSessionInput = z.input<typeof ExamSessionSchema>;

/** The stored session: the seat number of each application that holds one. */
export const ExamSessionRecordSchema = ExamSessionSchema.extend({
  seats: z.record(z.string(), z.number().int().positive()),
});
export type ExamSessionRecord = z.infer<typeof ExamSessionRecordSchema>;

/** A session as a recruiter picks one: when and where, and how many seats are left (never who holds them). */
export const ExamSessionSummarySchema = ExamSessionSchema.extend({
  seatsTaken: z.number().int().min(0),
  seatsLeft: z.number().int().min(0),
});
export type ExamSessionSummary = z.infer<typeof ExamSessionSummarySchema>;

export const SeatBookingSchema = z.object({
  sessionId: z.string(),
  dutyStation: DutyStationSchema,
  startsAt: z.string(),
  durationMinutes: z.number(),
  seat: z.number().int().positive(),
});
export type SeatBooking = z.infer<typeof SeatBookingSchema>;

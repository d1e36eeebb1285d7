import type { KV } from '@nats-io/kv';
import {
  ExamSessionRecordSchema,
  ExamSessionSchema,
  type ExamSession,
  type ExamSessionInput,
  type ExamSessionRecord,
  type ExamSessionSummary,
  type SeatBooking,
} from '../schemas/exam.js';
import type { DutyStation } from '../schemas/reference.js';
import { isCasConflict, kvToken } from '../stores/kv.js';

/** A broken business rule (full session, unknown session): retrying cannot help. */
export class ExamBookingRefused extends Error {
  override readonly name = 'ExamBookingRefused';
}

export interface ExamSeats {
  createSession(session: ExamSessionInput): Promise<ExamSession>;
  getSession(sessionId: string): Promise<ExamSessionRecord | undefined>;
  /** Sessions by start, those at one duty station or starting after a time if asked. */
  listSessions(filter?: { dutyStation?: DutyStation; startsAfter?: Date }): Promise<ExamSessionSummary[]>;
  /**
   * Atomic and idempotent: the same application always gets the same seat, never a second one.
   * Only in a session still ahead: nobody is sent a convocation to an exam that has begun.
   */
  book(sessionId: string, applicationId: string): Promise<SeatBooking>;
  /** Compensation for a withdrawn or rejected application; releasing twice is harmless. */
  release(sessionId: string, applicationId: string): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const key = (sessionId: string) => `session.${sessionId}`;

/**
 * Exam sessions in a NATS key-value bucket, one key per session, changed only by compare-and-set on
 * the key's revision: two workers booking the last seat at once cannot both win, and the loser
 * re-reads and sees the session full.
 */
export function kvExamSeats(kv: KV, maxAttempts = 200, clock: () => Date = () => new Date()): ExamSeats {
  async function read(
    sessionId: string,
  ): Promise<{ record: ExamSessionRecord; revision: number } | undefined> {
    const entry = await kv.get(key(sessionId));
    if (!entry || entry.operation !== 'PUT') return undefined;
    return {
      record: ExamSessionRecordSchema.parse(JSON.parse(decoder.decode(entry.value))),
      revision: entry.revision,
    };
  }

  /** Read, change, write if nobody wrote in between; otherwise read again. */
  async function change<T>(
    sessionId: string,
    fn: (record: ExamSessionRecord) => { next?: ExamSessionRecord; result: T },
  ): Promise<T> {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const current = await read(sessionId);
      if (!current) throw new ExamBookingRefused(`exam session '${sessionId}' does not exist`);
      const { next, result } = fn(current.record);
      if (!next) return result;
      try {
        await kv.update(key(sessionId), encoder.encode(JSON.stringify(next)), current.revision);
        return result;
      } catch (err) {
        if (!isCasConflict(err)) throw err;
        // Someone else changed the session first: back off a little, then try again.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 * attempt)));
      }
    }
    throw new Error(`exam session '${sessionId}' is too busy: gave up after ${maxAttempts} attempts`);
  }

  return {
    async createSession(input) {
      const session = ExamSessionSchema.parse(input);
      const record: ExamSessionRecord = { ...session, seats: {} };
      try {
        await kv.create(key(session.sessionId), encoder.encode(JSON.stringify(record)));
      } catch (err) {
        const existing = await read(session.sessionId);
        if (!existing) throw err;
        // Creating the same session twice is fine; a different one under the same id is not.
        const { seats: _seats, ...same } = existing.record;
        if (JSON.stringify(same) !== JSON.stringify(session)) {
          throw new ExamBookingRefused(
            `exam session '${session.sessionId}' already exists with other details`,
          );
        }
      }
      return session;
    },

    async getSession(sessionId) {
      return (await read(sessionId))?.record;
    },

    async listSessions(filter = {}) {
      // A duty station holds a few sessions a year: reading each key is cheap and always current.
      const out: ExamSessionSummary[] = [];
      for await (const k of await kv.keys('session.>')) {
        const found = await read(k.slice('session.'.length));
        if (!found) continue;
        const { seats, ...session } = found.record;
        if (filter.dutyStation && session.dutyStation !== filter.dutyStation) continue;
        if (filter.startsAfter && Date.parse(session.startsAt) <= filter.startsAfter.getTime()) continue;
        const seatsTaken = Object.keys(seats).length;
        out.push({ ...session, seatsTaken, seatsLeft: Math.max(0, session.capacity - seatsTaken) });
      }
      return out.sort(
        (a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || a.sessionId.localeCompare(b.sessionId),
      );
    },

    book(sessionId, applicationId) {
      return change(sessionId, (record) => {
        const booking = (seat: number): SeatBooking => ({
          sessionId,
          dutyStation: record.dutyStation,
          startsAt: record.startsAt,
          durationMinutes: record.durationMinutes,
          seat,
        });
        const mine = record.seats[kvToken(applicationId)];
        if (mine !== undefined) return { result: booking(mine) };
        if (Date.parse(record.startsAt) <= clock().getTime()) {
          throw new ExamBookingRefused(
            `exam session '${sessionId}' began at ${record.startsAt}; choose a session still ahead`,
          );
        }
        if (Object.keys(record.seats).length >= record.capacity) {
          throw new ExamBookingRefused(
            `exam session '${sessionId}' is full (${record.capacity} seats); choose another session`,
          );
        }
        // The lowest free seat: seats given back by withdrawn candidates are used again.
        const taken = new Set(Object.values(record.seats));
        let seat = 1;
        while (taken.has(seat)) seat += 1;
        return {
          next: { ...record, seats: { ...record.seats, [kvToken(applicationId)]: seat } },
          result: booking(seat),
        };
      });
    },

    async release(sessionId, applicationId) {
      await change(sessionId, (record) => {
        if (record.seats[kvToken(applicationId)] === undefined) return { result: undefined };
        const seats = { ...record.seats };
        delete seats[kvToken(applicationId)];
        return { next: { ...record, seats }, result: undefined };
      });
    },
  };
}

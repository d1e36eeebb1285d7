/** Exam seats on the real NATS key-value store: atomic, idempotent, never above capacity. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ExamBookingRefused, kvExamSeats, type ExamSeats } from '../../activities/exam-booking.js';
import { connectNats, type NatsResources } from '../../activities/nats.js';

let nats: NatsResources;
let seats: ExamSeats;
beforeAll(async () => {
  nats = await connectNats(inject('natsUrl'), 'test-exam');
  seats = kvExamSeats(nats.examSessions);
});
afterAll(async () => {
  await nats?.close();
});

// A month ahead of the run: bookings are only taken for sessions still to come.
const startsAt = new Date(Date.now() + 30 * 24 * 60 * 60 * 1000).toISOString();
const session = (sessionId: string, capacity: number) => ({
  sessionId,
  dutyStation: 'SIN' as const,
  startsAt,
  capacity,
});

describe('exam seat booking', () => {
  it('gives exactly 20 seats to 100 concurrent bookings for 20 seats', async () => {
    const id = `conc-${Date.now()}`;
    await seats.createSession(session(id, 20));
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => seats.book(id, `application/P1/cand-${i}`)),
    );
    const booked = results.filter((r) => r.status === 'fulfilled').map((r) => r.value.seat);
    const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason as unknown);
    expect(booked).toHaveLength(20);
    expect(new Set(booked)).toEqual(new Set(Array.from({ length: 20 }, (_, i) => i + 1)));
    expect(refused).toHaveLength(80);
    for (const r of refused) {
      expect(r).toBeInstanceOf(ExamBookingRefused);
      expect((r as Error).message).toMatch(/is full \(20 seats\)/);
    }
    const stored = await seats.getSession(id);
    expect(Object.keys(stored!.seats)).toHaveLength(20);
  });

  it('gives a retried booking the same seat, concurrently too', async () => {
    const id = `retry-${Date.now()}`;
    await seats.createSession(session(id, 5));
    const first = await seats.book(id, 'application/P1/a');
    const retries = await Promise.all(Array.from({ length: 10 }, () => seats.book(id, 'application/P1/a')));
    expect(retries.map((b) => b.seat)).toEqual(Array(10).fill(first.seat));
    expect(Object.keys((await seats.getSession(id))!.seats)).toHaveLength(1);
  });

  it('releases a seat (compensation) once, and the seat can be booked again', async () => {
    const id = `release-${Date.now()}`;
    await seats.createSession(session(id, 1));
    await seats.book(id, 'application/P1/a');
    await expect(seats.book(id, 'application/P1/b')).rejects.toThrow(/is full/);
    await seats.release(id, 'application/P1/a');
    await seats.release(id, 'application/P1/a');
    expect((await seats.book(id, 'application/P1/b')).seat).toBe(1);
  });

  it('books no new seat once the session has begun; a seat booked before stays with its holder', async () => {
    const id = `begun-${Date.now()}`;
    const at = Date.now() + 60_000;
    await seats.createSession({ ...session(id, 5), startsAt: new Date(at).toISOString() });
    const held = await seats.book(id, 'application/P1/early');
    const later = kvExamSeats(nats.examSessions, 200, () => new Date(at));
    await expect(later.book(id, 'application/P1/late')).rejects.toThrow(
      new RegExp(`exam session '${id}' began at .*; choose a session still ahead`),
    );
    // A retry of the early booking (a lost answer) still finds its seat.
    expect(await later.book(id, 'application/P1/early')).toEqual(held);
    expect(Object.keys((await seats.getSession(id))!.seats)).toHaveLength(1);
  });

  it('refuses an unknown session and a conflicting re-creation, with reasons', async () => {
    await expect(seats.book('no-such-session', 'application/P1/a')).rejects.toThrow(/does not exist/);
    const id = `dup-${Date.now()}`;
    await seats.createSession(session(id, 3));
    await seats.createSession(session(id, 3));
    await expect(seats.createSession(session(id, 4))).rejects.toThrow(/already exists with other details/);
  });
});

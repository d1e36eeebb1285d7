import { ApplicationFailure } from '@temporalio/activity';
import type { Activities } from '../../activities/index.js';
import type { EmailRequestInput } from '../../schemas/effects.js';
import type { ApplicationEvent, DomainEvent } from '../../schemas/events.js';
import type { SeatBooking } from '../../schemas/exam.js';

/**
 * In-memory activities for the unit tier (time-skipping server): typed exactly as the real ones and
 * recording what the workflow asked for. The real ones are tested against real NATS and SMTP.
 */
export function fakeActivities(opts: { capacity?: number } = {}) {
  const emails: EmailRequestInput[] = [];
  const events: DomainEvent[] = [];
  const seats = new Map<string, Map<string, number>>();
  const released: string[] = [];
  const closedPositions: string[] = [];
  const handedOverPositions: string[] = [];
  const erased: string[] = [];
  const activeCandidates = new Set<string>();
  const capacity = opts.capacity ?? 20;
  const activities: Activities = {
    sendEmail(request) {
      const already = emails.some((e) => e.emailId === request.emailId);
      if (!already) emails.push(request);
      return Promise.resolve({ emailId: request.emailId, status: already ? 'already_sent' : 'sent' });
    },
    bookExamSeat({ sessionId, applicationId }) {
      if (sessionId === 'unknown') {
        throw ApplicationFailure.nonRetryable(
          `exam session '${sessionId}' does not exist`,
          'TransitionRefused',
        );
      }
      const session = seats.get(sessionId) ?? new Map<string, number>();
      seats.set(sessionId, session);
      let seat = session.get(applicationId);
      if (seat === undefined) {
        if (session.size >= capacity) {
          throw ApplicationFailure.nonRetryable(`exam session '${sessionId}' is full`, 'TransitionRefused');
        }
        seat = session.size + 1;
        session.set(applicationId, seat);
      }
      const booking: SeatBooking = {
        sessionId,
        dutyStation: 'SIN',
        startsAt: '2030-01-15T01:00:00.000Z',
        durationMinutes: 180,
        seat,
      };
      return Promise.resolve(booking);
    },
    releaseExamSeat({ sessionId, applicationId }) {
      seats.get(sessionId)?.delete(applicationId);
      released.push(`${sessionId}/${applicationId}`);
      return Promise.resolve();
    },
    eraseCandidateIfInactive({ candidateId }) {
      const active = activeCandidates.has(candidateId);
      if (!active) erased.push(candidateId);
      return Promise.resolve(active ? 'active' : 'erased');
    },
    closeApplicationsOfPosition({ positionId, reason }) {
      closedPositions.push(`${positionId}:${reason}`);
      return Promise.resolve(0);
    },
    handOverApplicationsOfPosition({ positionId, recruiterId }) {
      handedOverPositions.push(`${positionId}:${recruiterId}`);
      return Promise.resolve(0);
    },
    publishEvent(event) {
      const duplicate = events.some((e) => e.eventId === event.eventId);
      if (!duplicate) events.push(event);
      return Promise.resolve({ seq: events.length, duplicate });
    },
  };
  const eventsOf = (applicationId: string): ApplicationEvent[] =>
    events.filter((e): e is ApplicationEvent => 'applicationId' in e && e.applicationId === applicationId);
  return {
    activities,
    emails,
    events,
    eventsOf,
    seats,
    released,
    closedPositions,
    handedOverPositions,
    erased,
    activeCandidates,
  };
}

import { ApplicationFailure, heartbeat, log } from '@temporalio/activity';
import type { DomainEvent } from '../schemas/events.js';
import type { EmailRequestInput } from '../schemas/effects.js';
import type { SeatBooking } from '../schemas/exam.js';
import { UnknownRecipient } from './directory.js';
import type { EventPublisher } from './events.js';
import { ExamBookingRefused, type ExamSeats } from './exam-booking.js';
import type { Mailer } from './mailer.js';
import type { PositionApplications } from './position-applications.js';

export interface ActivityDeps {
  mailer: Mailer;
  examSeats: ExamSeats;
  events: EventPublisher;
  applications: PositionApplications;
  /** Erases a candidate's personal data unless an application is in progress. */
  retention: { eraseIfInactive(candidateId: string): Promise<'active' | 'erased'> };
}

/** Must match REFUSED in workflows/application-workflow.ts: a business refusal, never retried. */
const REFUSED = 'TransitionRefused';

/**
 * The side effects of the process. Built from their dependencies so tests can pass typed fakes
 * and the worker passes the real things; workflows see only the type.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    async sendEmail(
      request: EmailRequestInput,
    ): Promise<{ emailId: string; status: 'sent' | 'already_sent' }> {
      try {
        const result = await deps.mailer.send(request);
        log.info('email', { emailId: result.emailId, template: request.template, status: result.status });
        return result;
      } catch (err) {
        if (err instanceof UnknownRecipient) {
          throw ApplicationFailure.nonRetryable(err.message, 'UnknownRecipient');
        }
        throw err;
      }
    },

    async bookExamSeat(input: { sessionId: string; applicationId: string }): Promise<SeatBooking> {
      try {
        return await deps.examSeats.book(input.sessionId, input.applicationId);
      } catch (err) {
        if (err instanceof ExamBookingRefused) throw ApplicationFailure.nonRetryable(err.message, REFUSED);
        throw err;
      }
    },

    async releaseExamSeat(input: { sessionId: string; applicationId: string }): Promise<void> {
      await deps.examSeats.release(input.sessionId, input.applicationId);
    },

    async publishEvent(event: DomainEvent): Promise<{ seq: number; duplicate: boolean }> {
      return deps.events.publish(event);
    },

    async eraseCandidateIfInactive(input: { candidateId: string }): Promise<'active' | 'erased'> {
      const result = await deps.retention.eraseIfInactive(input.candidateId);
      log.info('retention period passed', { candidateId: input.candidateId, result });
      return result;
    },

    async closeApplicationsOfPosition(input: {
      positionId: string;
      reason: 'filled' | 'cancelled';
      note: string;
    }): Promise<number> {
      const closed = await deps.applications.closeAll(input.positionId, input.reason, input.note, (n) =>
        heartbeat(n),
      );
      log.info('applications closed', { positionId: input.positionId, reason: input.reason, closed });
      return closed;
    },
    async handOverApplicationsOfPosition(input: {
      positionId: string;
      recruiterId: string;
    }): Promise<number> {
      const handedOver = await deps.applications.handOverAll(input.positionId, input.recruiterId, (n) =>
        heartbeat(n),
      );
      log.info('applications handed over', { positionId: input.positionId, handedOver });
      return handedOver;
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

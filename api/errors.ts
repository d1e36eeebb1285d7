import { errors as natsErrors } from '@nats-io/transport-node';
import {
  isGrpcServiceError,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { DocumentRefused } from '../stores/documents.js';
import { CandidateNotFound, DocumentNotOnProfile, EmailTaken } from '../stores/candidates.js';
import { ExamBookingRefused } from '../activities/exam-booking.js';
import type { FieldProblem } from './eligibility.js';
import { PositionRefused } from './positions.js';

/** An error that already knows its HTTP answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: FieldProblem[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * gRPC's UNAVAILABLE (the Temporal server does not answer: down, restarting, unreachable) and
 * RESOURCE_EXHAUSTED (it answers that it is too busy, rate-limited): both pass with time.
 */
const GRPC_COME_BACK: ReadonlySet<number> = new Set([14, 8]);

/**
 * A server the API depends on does not answer: Temporal (the client gave up retrying) or NATS (a
 * request timed out, or the connection is closed while it reconnects). Nothing was decided: the
 * same request can be sent again.
 */
export function serverUnavailable(err: unknown): 'temporal' | 'nats' | undefined {
  const grpc = err instanceof ServiceError ? err.cause : err;
  if (isGrpcServiceError(grpc) && GRPC_COME_BACK.has(Number(grpc.code))) return 'temporal';
  if (
    err instanceof natsErrors.TimeoutError ||
    err instanceof natsErrors.ClosedConnectionError ||
    err instanceof natsErrors.ConnectionError ||
    (err instanceof Error && err.cause instanceof natsErrors.TimeoutError)
  )
    return 'nats';
  return undefined;
}

export interface ErrorBody {
  error: string;
  problems?: FieldProblem[];
  requestId?: string;
  [key: string]: unknown;
}

const zodProblems = (err: ZodError): FieldProblem[] =>
  err.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));

/**
 * One place that turns what went wrong into an answer: bad input 400 with field-by-field problems,
 * an unknown thing 404, a refused transition 409 with the workflow's own reason, a broken rule 422.
 * A 500 says only that something failed and which request it was; the details go to the log.
 */
export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  const send = (status: number, body: ErrorBody) => void reply.status(status).send(body);
  if (hasZodFastifySchemaValidationErrors(err)) {
    const problems = err.validation.map((v) => ({
      field: `${err.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
      message: v.message ?? 'invalid',
    }));
    return send(400, { error: 'invalid input', problems });
  }
  if (err instanceof ZodError) return send(400, { error: 'invalid input', problems: zodProblems(err) });
  if (err instanceof HttpError)
    return send(err.status, { error: err.message, problems: err.problems, ...err.extra });
  if (err instanceof WorkflowNotFoundError) return send(404, { error: 'not found' });
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    const message = cause instanceof ApplicationFailure ? cause.message : 'the change was refused';
    return send(409, { error: message });
  }
  if (err instanceof PositionRefused) {
    return send(409, {
      error: err.message,
      problems: err.field ? [{ field: err.field, message: err.message }] : [],
    });
  }
  if (err instanceof DocumentRefused)
    return send(422, { error: err.message, problems: [{ field: 'file', message: err.message }] });
  if (err instanceof EmailTaken)
    return send(409, { error: err.message, problems: [{ field: 'email', message: err.message }] });
  if (err instanceof ExamBookingRefused) return send(409, { error: err.message });
  if (err instanceof DocumentNotOnProfile) return send(404, { error: err.message });
  if (err instanceof CandidateNotFound)
    return send(404, { error: 'no such candidate, or their data has been erased' });
  const status = (err as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) return send(status, { error: err.message });
  const down = serverUnavailable(err);
  if (down) {
    // An operator sees it in the log and in GET /ready; the caller is told to come back.
    req.log.warn({ server: down, err: { name: err.name, message: err.message } }, 'server unavailable');
    void reply.header('retry-after', '5');
    return send(503, {
      error: `the ${down === 'temporal' ? 'workflow' : 'messaging'} server is not answering: send the same request again in a few seconds`,
      requestId: req.id,
    });
  }
  // Log the failure, never the request body: it may hold personal data.
  req.log.error({ err: { name: err.name, message: err.message, stack: err.stack } }, 'request failed');
  send(500, { error: 'internal error', requestId: req.id });
}

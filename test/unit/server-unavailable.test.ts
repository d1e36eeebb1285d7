/**
 * Which failures tell the caller to come back (503) rather than that the API failed (500). The
 * real outages are in test/faults (Temporal SIGKILLed, NATS stopped); these are the shapes the
 * clients throw, built as the clients build them, for the codes an outage test cannot provoke.
 */
import { errors as natsErrors } from '@nats-io/transport-node';
import { ServiceError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { serverUnavailable } from '../../api/errors.js';

/** A gRPC status error as @grpc/grpc-js makes it: a code, details and metadata. */
const grpc = (code: number, details: string) =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

describe('a server that does not answer', () => {
  it('is Temporal unavailable or too busy, or NATS timing out or closed; nothing else', () => {
    const query = (code: number, details: string) =>
      new ServiceError('Failed to query Workflow', { cause: grpc(code, details) });
    expect(serverUnavailable(query(14, 'No connection established'))).toBe('temporal');
    expect(serverUnavailable(query(8, 'namespace rate limit exceeded'))).toBe('temporal');
    expect(serverUnavailable(grpc(14, 'No connection established'))).toBe('temporal');
    expect(serverUnavailable(new natsErrors.TimeoutError())).toBe('nats');
    expect(serverUnavailable(new natsErrors.ClosedConnectionError())).toBe('nats');
    // A request Temporal refused, or any other failure, is not a reason to come back.
    expect(serverUnavailable(query(3, 'invalid query'))).toBeUndefined();
    expect(serverUnavailable(query(13, 'internal'))).toBeUndefined();
    expect(serverUnavailable(new Error('boom'))).toBeUndefined();
    expect(serverUnavailable(undefined)).toBeUndefined();
  });
});

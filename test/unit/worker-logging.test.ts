import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { jsonLine } from '../../workers/logging.js';

const at = 1_764_400_000_123_456_789n; // nanoseconds, as the SDK stamps entries

describe('the worker log line', () => {
  it('is one JSON object with pino level and millisecond time, without the task token', () => {
    const line = jsonLine({
      level: 'INFO',
      message: 'email',
      timestampNanos: at,
      meta: {
        sdkComponent: 'activity',
        activityType: 'sendEmail',
        taskToken: 'CiQwMWEyMjdkMi1iYTkx',
        emailId: 'application/P1/c1:3:acknowledgement:candidate',
      },
    });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      level: 30,
      time: 1_764_400_000_123,
      msg: 'email',
      sdkComponent: 'activity',
      activityType: 'sendEmail',
      emailId: 'application/P1/c1:3:acknowledgement:candidate',
    });
  });

  it("keeps an error's name, message and stack, and writes bigints as text", () => {
    const error = new TypeError('no contact');
    const parsed = JSON.parse(
      jsonLine({ level: 'ERROR', message: 'failed', timestampNanos: at, meta: { error, attempt: 3n } }),
    ) as { level: number; error: { name: string; message: string; stack: string }; attempt: string };
    expect(parsed.level).toBe(50);
    expect(parsed.error).toEqual({ name: 'TypeError', message: 'no contact', stack: error.stack });
    expect(parsed.attempt).toBe('3');
  });

  it('writes the fields and the cause of a Temporal failure', () => {
    const failure = ApplicationFailure.create({
      type: 'UnknownRecipient',
      message: 'no contact for candidate c1',
      nonRetryable: true,
      cause: new Error('gone'),
    });
    const { error } = JSON.parse(
      jsonLine({ level: 'WARN', message: 'Activity failed', timestampNanos: at, meta: { error: failure } }),
    ) as { error: Record<string, unknown> };
    expect(error).toMatchObject({
      name: 'ApplicationFailure',
      message: 'no contact for candidate c1',
      type: 'UnknownRecipient',
      nonRetryable: true,
      cause: { name: 'Error', message: 'gone' },
    });
  });

  it('never lets metadata overwrite the level, time or message', () => {
    const parsed = JSON.parse(
      jsonLine({ level: 'WARN', message: 'real', timestampNanos: at, meta: { msg: 'forged', level: 99 } }),
    ) as { level: number; msg: string };
    expect(parsed).toMatchObject({ level: 40, msg: 'real' });
  });

  it('still writes the message when the metadata cannot be serialised', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(
      JSON.parse(jsonLine({ level: 'INFO', message: 'kept', timestampNanos: at, meta: { cycle } })),
    ).toEqual({
      level: 30,
      time: 1_764_400_000_123,
      msg: 'kept',
      meta: '[unserialisable]',
    });
  });
});

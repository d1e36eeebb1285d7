import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';

/** pino's numbers, so the worker's lines read like the API's (fastify logs through pino). */
const LEVELS: Record<LogLevel, number> = { TRACE: 10, DEBUG: 20, INFO: 30, WARN: 40, ERROR: 50 };

/**
 * Metadata never written: an activity's task token completes or fails the activity for whoever
 * holds it, so it does not belong in a log file. The SDK adds it to every activity's log entries.
 */
const WITHHELD = new Set(['taskToken']);

/**
 * One JSON object per line for each SDK and application log entry of the worker: what log
 * shippers expect, and far cheaper than the SDK's default (a multi-line `util.inspect` of every
 * entry; about 650 bytes and 15 lines for each email the benchmark sends, against 330 bytes here).
 * Errors keep their name, message and stack; a value JSON cannot hold is written as a string.
 */
export function jsonLine(entry: LogEntry): string {
  const line: Record<string, unknown> = {
    level: LEVELS[entry.level],
    time: Number(entry.timestampNanos / 1_000_000n),
    msg: entry.message,
  };
  for (const [key, value] of Object.entries(entry.meta ?? {})) {
    if (!WITHHELD.has(key) && !(key in line)) line[key] = value;
  }
  try {
    return JSON.stringify(line, replacer);
  } catch {
    // A cycle: keep the message and say what could not be written.
    return JSON.stringify({ level: line.level, time: line.time, msg: line.msg, meta: '[unserialisable]' });
  }
}

function replacer(_key: string, value: unknown): unknown {
  // An error's own fields too (a Temporal failure's type, retryability, cause), which are not enumerable.
  if (value instanceof Error)
    return {
      ...value,
      name: value.name,
      message: value.message,
      stack: value.stack,
      ...(value.cause === undefined ? {} : { cause: value.cause }),
    };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/**
 * Installs the worker process's runtime: its logger (JSON lines on stdout from `level` up) and, with
 * an address, a Prometheus endpoint for the SDK's metrics. Call once, before the process makes its
 * first connection (the SDK's runtime is created then).
 */
export function installWorkerRuntime(level: LogLevel = 'INFO', metricsAddress?: string): void {
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => process.stdout.write(`${jsonLine(entry)}\n`)),
    ...(metricsAddress
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress } } } }
      : {}),
  });
}

import { z } from 'zod';
import { APPLICATION_TASK_QUEUE } from './application.js';

const port = z.coerce.number().int().min(1).max(65535);

/** Every setting the processes read, parsed once at start-up. Names are the environment variables. */
export const ConfigSchema = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[\w.-]+:\d+$/, 'host:port, e.g. 127.0.0.1:7233')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(APPLICATION_TASK_QUEUE),
  NATS_URL: z
    .string()
    .regex(/^nats:\/\/[\w.-]+:\d+$/, 'nats://host:port, e.g. nats://127.0.0.1:4222')
    .default('nats://127.0.0.1:4222'),
  DATA_DIR: z.string().min(1).default('.data'),
  /** Ports of the embedded servers that `npm start` runs. */
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  NATS_PORT: port.default(4222),
  API_PORT: port.default(3000),
  /** 127.0.0.1 on a workstation; 0.0.0.0 inside a container. */
  API_HOST: z.union([z.ipv4(), z.literal('localhost')]).default('127.0.0.1'),
  /** smtp://user:pass@host:port; unset: emails go to the file outbox under DATA_DIR/outbox. */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.email().default('recruitment@hiring.interpol.int'),
  HR_MAILBOX: z.email().default('hr@hiring.interpol.int'),
  /**
   * Workflows a worker keeps in memory between tasks. Uncapped, 10,000 open applications took a
   * worker to 3 GB and then crashed it; capped at 1,000, the cache alone held about 3.3 GiB (each
   * cached workflow carries its own copy of zod and our schemas: see README, Performance). An
   * evicted application is replayed from its history when it next moves, which for one waiting
   * weeks costs nothing; 250 is well above what a worker has in hand at once.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(250),
  /**
   * Where the worker serves its Prometheus metrics (`/metrics`: the SDK's workflow and activity
   * task latencies, schedule-to-start times, cache and poller figures), e.g. 0.0.0.0:9464; unset: none.
   */
  WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^[\w.-]+:\d+$/, 'host:port, e.g. 0.0.0.0:9464')
    .optional(),
  /**
   * Where the API serves its Prometheus metrics (`/metrics`: answers by route and status with
   * their latency, transitions by command, the read side's backlog), e.g. 0.0.0.0:9465; unset: none.
   * An address of its own: the public API does not show them.
   */
  API_METRICS_ADDRESS: z
    .string()
    .regex(/^[\w.-]+:\d+$/, 'host:port, e.g. 0.0.0.0:9465')
    .optional(),
  /** The least severe log entries the worker and the API write (JSON lines on stdout). */
  LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  /**
   * Requests a minute from one client address to the routes that make an account, send a code or
   * check one (a code is six digits: guessing is only slowed by this and by a code's five tries);
   * 0: no limit. Per API process, by the address the API sees.
   */
  API_RATE_LIMIT: z.coerce.number().int().min(0).max(100_000).default(20),
  /**
   * The reverse proxies in front of the API (TLS, a load balancer), whose X-Forwarded-For names the
   * client: their addresses or ranges, comma-separated. Unset: none, and the address a request came
   * from is the client's (behind a proxy, every client would share one).
   */
  API_TRUST_PROXY: z
    .string()
    .regex(/^[\d.:a-fA-F/]+(,[\d.:a-fA-F/]+)*$/, 'addresses or ranges, e.g. 10.0.0.5,10.0.1.0/24')
    .optional(),
  /** Days a candidate's personal data is kept after their last activity, then erased. */
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(730),
  /** Base64 of 32 bytes, wrapping every candidate's data key; unset: a key file under DATA_DIR. */
  MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'base64 of exactly 32 bytes')
    .optional(),
});
export type Config = z.infer<typeof ConfigSchema>;

/** An empty variable counts as unset (`SMTP_URL=` in a compose file means "no SMTP"). */
export function parseConfig(env: Record<string, string | undefined>) {
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  return ConfigSchema.safeParse(set);
}

/** Parses the environment; a bad value stops the process with one readable line naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = parseConfig(env);
  if (parsed.success) return parsed.data;
  const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  process.stderr.write(`configuration error: ${why}\n`);
  process.exit(1);
}

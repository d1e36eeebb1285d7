import type { KV } from '@nats-io/kv';
import { createHmac, hkdfSync } from 'node:crypto';
import { isCasConflict, kvToken } from './kv.js';

/**
 * How many requests one client made to one route in the current window. Kept in NATS, so every
 * API process counts against the same limit: with the count in each process's memory, N processes
 * behind a balancer let a client send N times the limit (and each restart forgot the count).
 */
export interface RequestCounter {
  /**
   * Counts one request of `client` to `route`; answers the count in this window, this one
   * included, and the milliseconds until the window ends. Once the count is over `max` it stops
   * growing (the request is refused either way): a flood costs reads, not writes.
   */
  count(
    route: string,
    client: string,
    windowMs: number,
    max: number,
  ): Promise<{ current: number; ttl: number }>;
}

/** How long a window's count is kept (the bucket's TTL): a window may be at most this long. */
export const COUNT_KEPT_MS = 10 * 60 * 1000;
/** Writers racing on one count: after this many lost compare-and-sets the request counts as over. */
const MAX_ATTEMPTS = 8;

/**
 * Counts in the `rate_limits` bucket, one key per route, client and window: windows are aligned on
 * the clock (a window of a minute is each calendar minute), so every process agrees on which one a
 * request falls in without asking the others. A client's address is personal data: the key holds a
 * keyed hash of it (the key derived from the master key, so every process computes the same one,
 * and a copy of the bucket gives nobody the addresses).
 *
 * `namespace` keeps apart counters that share the bucket (tests).
 */
export function kvRequestCounter(
  kv: KV,
  masterKey: Buffer,
  namespace = 'api',
  clock: () => number = Date.now,
): RequestCounter {
  const hashKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'rate-limit client', 32));
  const clientToken = (client: string) => createHmac('sha256', hashKey).update(client).digest('base64url');
  return {
    async count(route, client, windowMs, max) {
      if (windowMs > COUNT_KEPT_MS)
        throw new Error(
          `a rate-limit window of ${windowMs} ms is longer than counts are kept (${COUNT_KEPT_MS} ms)`,
        );
      const now = clock();
      const window = Math.floor(now / windowMs);
      const ttl = (window + 1) * windowMs - now;
      const key = `${kvToken(namespace)}.${kvToken(route)}.${clientToken(client)}.${window}`;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const entry = await kv.get(key);
        const seen = entry && entry.operation === 'PUT' ? Number(entry.string()) : 0;
        if (seen > max) return { current: seen, ttl };
        try {
          if (entry) await kv.update(key, String(seen + 1), entry.revision);
          else await kv.create(key, String(seen + 1));
          return { current: seen + 1, ttl };
        } catch (err) {
          if (!isCasConflict(err)) throw err;
        }
      }
      // So many requests of one client at once that they keep overwriting each other: a flood.
      return { current: max + 1, ttl };
    },
  };
}

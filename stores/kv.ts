/**
 * Two rules of NATS key-value buckets, kept in one place: which characters a key token may hold,
 * and how a lost compare-and-set (someone wrote the key first) shows itself.
 */

/** An id as one key token: anything but letters, digits, "_" and "-" becomes "_". */
export function kvToken(id: string): string {
  return id.replaceAll(/[^A-Za-z0-9_-]/g, '_');
}

/** True when an update or create lost a race on the key's revision: read again and retry. */
export function isCasConflict(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return /wrong last sequence|revision|exists/i.test(err.message) || code === 10071 || code === '10071';
}

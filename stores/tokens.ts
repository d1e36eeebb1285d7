import type { KV } from '@nats-io/kv';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { RoleSchema } from '../schemas/application.js';

export const PrincipalSchema = z.object({
  role: RoleSchema.exclude(['system']),
  /** The candidate id for candidates; the staff id for recruiters, HR and admins. */
  subject: z.string().min(1).max(64),
  issuedAt: z.string(),
  /** Tokens issued before tokens had a lifetime have none: they hold until revoked. */
  expiresAt: z.string().optional(),
});
export type Principal = z.infer<typeof PrincipalSchema>;

/**
 * How long a token holds unless given a lifetime: a candidate signs in again with a code by email
 * (POST /candidates/code); staff ask an admin, who may set another lifetime (POST /tokens).
 */
export const TOKEN_DAYS: Record<Principal['role'], number> = {
  candidate: 30,
  recruiter: 90,
  hr: 90,
  admin: 90,
};
const DAY_MS = 24 * 60 * 60 * 1000;

export interface TokenStore {
  /** A new token for the role and subject, holding `days` (TOKEN_DAYS by default). */
  issue(role: Principal['role'], subject: string, days?: number): Promise<string>;
  verify(token: string): Promise<Principal | undefined>;
  revoke(token: string): Promise<void>;
  /**
   * Every token issued to the subject (an erased candidate's, a departed recruiter's); how many
   * were revoked.
   */
  revokeSubject(subject: string): Promise<number>;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');
/** The subject's index: one key per token issued to it, named by the token's digest. */
const bySubject = (subject: string) => `subject.${createHash('sha256').update(subject).digest('hex')}`;

/**
 * Bearer tokens, stored only as their SHA-256: a copy of the bucket lets nobody in. Tokens are 256
 * random bits, so a plain hash (not a slow password hash) is the right tool.
 */
export function kvTokenStore(kv: KV, clock: () => Date = () => new Date()): TokenStore {
  /**
   * Tokens issued before the subject index have no index key, and some hold until revoked: without
   * one an erased candidate's old token still signed them in. Before the first revocation by
   * subject, each process gives every such token its key (a listing of the keys; a read only for a
   * token without one), so the index is whole from then on.
   */
  let backfilled: Promise<void> | undefined;
  const indexEarlierTokens = async (): Promise<void> => {
    const known = new Set<string>();
    for await (const k of await kv.keys('subject.*.*')) known.add(k.slice(k.lastIndexOf('.') + 1));
    const missing: string[] = [];
    for await (const k of await kv.keys('token.*')) {
      const d = k.slice('token.'.length);
      if (!known.has(d)) missing.push(d);
    }
    for (const d of missing) {
      const entry = await kv.get(`token.${d}`);
      if (entry?.operation !== 'PUT') continue;
      await kv.put(`${bySubject(PrincipalSchema.parse(entry.json()).subject)}.${d}`, '');
    }
  };
  return {
    async issue(role, subject, days = TOKEN_DAYS[role]) {
      const token = `hir_${randomBytes(32).toString('base64url')}`;
      const now = clock().getTime();
      const principal: Principal = {
        role,
        subject,
        issuedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + days * DAY_MS).toISOString(),
      };
      const d = digest(token);
      // The index first: an index key without its token (a crash between the two) revokes nothing.
      await kv.put(`${bySubject(subject)}.${d}`, '');
      await kv.create(`token.${d}`, JSON.stringify(PrincipalSchema.parse(principal)));
      return token;
    },
    async verify(token) {
      if (!/^hir_[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
      const entry = await kv.get(`token.${digest(token)}`);
      if (!entry || entry.operation !== 'PUT') return undefined;
      const principal = PrincipalSchema.parse(entry.json());
      if (principal.expiresAt && Date.parse(principal.expiresAt) <= clock().getTime()) return undefined;
      return principal;
    },
    async revoke(token) {
      const d = digest(token);
      const entry = await kv.get(`token.${d}`);
      await kv.purge(`token.${d}`);
      if (entry?.operation === 'PUT')
        await kv.purge(`${bySubject(PrincipalSchema.parse(entry.json()).subject)}.${d}`);
    },
    async revokeSubject(subject) {
      // A failed pass is tried again at the next revocation.
      backfilled ??= indexEarlierTokens().catch((err: unknown) => {
        backfilled = undefined;
        throw err;
      });
      await backfilled;
      const prefix = bySubject(subject);
      const indexed: string[] = [];
      for await (const k of await kv.keys(`${prefix}.*`)) indexed.push(k);
      for (const k of indexed) {
        await kv.purge(`token.${k.slice(prefix.length + 1)}`);
        await kv.purge(k);
      }
      return indexed.length;
    },
  };
}

import type { KV } from '@nats-io/kv';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { RoleSchema } from '../schemas/application.js';

export const PrincipalSchema = z.object({
  role: RoleSchema.exclude(['system']),
  /** The candidate id for candidates; the staff id for recruiters, HR and admins. */
  subject: z.string().min(1).max(64),
  issuedAt: z.string(),
});
export type Principal = z.infer<typeof PrincipalSchema>;

export interface TokenStore {
  issue(role: Principal['role'], subject: string): Promise<string>;
  verify(token: string): Promise<Principal | undefined>;
  revoke(token: string): Promise<void>;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Bearer tokens, stored only as their SHA-256: a copy of the bucket lets nobody in. Tokens are 256
 * random bits, so a plain hash (not a slow password hash) is the right tool.
 */
export function kvTokenStore(kv: KV, clock: () => Date = () => new Date()): TokenStore {
  return {
    async issue(role, subject) {
      const token = `hir_${randomBytes(32).toString('base64url')}`;
      const principal: Principal = { role, subject, issuedAt: clock().toISOString() };
      await kv.create(`token.${digest(token)}`, JSON.stringify(PrincipalSchema.parse(principal)));
      return token;
    },
    async verify(token) {
      if (!/^hir_[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
      const entry = await kv.get(`token.${digest(token)}`);
      if (!entry || entry.operation !== 'PUT') return undefined;
      return PrincipalSchema.parse(entry.json());
    },
    async revoke(token) {
      await kv.purge(`token.${digest(token)}`);
    },
  };
}

import type { KV } from '@nats-io/kv';
import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  AccountRequestSchema,
  ProfilePatchSchema,
  ProfileSchema,
  type AccountRequest,
  type Candidate,
  type DocumentRef,
  type ProfilePatch,
} from '../schemas/candidate.js';
import { open, seal } from './crypto.js';
import type { KeyStore } from './keys.js';
import { isCasConflict, kvToken } from './kv.js';

/** The stored record: identity and state in clear, everything personal sealed with the candidate's key. */
const RecordSchema = z.object({
  candidateId: z.string(),
  createdAt: z.string(),
  confirmed: z.boolean(),
  codeHash: z.string().optional(),
  codeExpiresAt: z.string().optional(),
  sealed: z.string(),
});
type StoredRecord = z.infer<typeof RecordSchema>;

export class EmailTaken extends Error {
  override readonly name = 'EmailTaken';
}
export class CandidateNotFound extends Error {
  override readonly name = 'CandidateNotFound';
}

export interface CandidateStore {
  /** A new account; the code goes to the candidate by email. `candidateId` only for imports and tests. */
  createAccount(
    request: AccountRequest,
    candidateId?: string,
  ): Promise<{ candidateId: string; code: string }>;
  confirm(candidateId: string, code: string): Promise<boolean>;
  get(candidateId: string): Promise<Candidate | undefined>;
  updateProfile(candidateId: string, patch: ProfilePatch): Promise<Candidate>;
  addDocument(candidateId: string, ref: DocumentRef): Promise<Candidate>;
  /** Erases the personal data: the key is destroyed, the index to the email removed. */
  erase(candidateId: string): Promise<void>;
}

const CODE_TTL_MS = 24 * 60 * 60 * 1000;
const hash = (s: string) => createHash('sha256').update(s).digest('hex');
const emailKey = (email: string) => `email.${hash(email.trim().toLowerCase())}`;
const recordKey = (id: string) => `candidate.${kvToken(id)}`;

/**
 * Candidates in a NATS key-value bucket: the same server the engine already runs, durable on disk,
 * with compare-and-set for the one thing that must be unique (the email address, through an index
 * key created atomically). Personal fields are sealed per candidate, so erasure is one key's deletion.
 */
export function kvCandidateStore(
  kv: KV,
  keys: KeyStore,
  clock: () => Date = () => new Date(),
): CandidateStore {
  async function read(candidateId: string): Promise<{ record: StoredRecord; revision: number } | undefined> {
    const entry = await kv.get(recordKey(candidateId));
    if (!entry || entry.operation !== 'PUT') return undefined;
    return { record: RecordSchema.parse(entry.json()), revision: entry.revision };
  }
  async function unseal(record: StoredRecord): Promise<Candidate | undefined> {
    const key = await keys.existing(record.candidateId);
    if (!key) return undefined;
    const profile = ProfileSchema.parse(
      JSON.parse(open(key, record.sealed, `profile:${record.candidateId}`).toString()),
    );
    return {
      candidateId: record.candidateId,
      createdAt: record.createdAt,
      confirmed: record.confirmed,
      profile,
    };
  }
  async function change(candidateId: string, fn: (c: Candidate) => Candidate): Promise<Candidate> {
    for (;;) {
      const current = await read(candidateId);
      const candidate = current && (await unseal(current.record));
      if (!current || !candidate) throw new CandidateNotFound(`no candidate ${candidateId}`);
      const next = fn(candidate);
      const key = await keys.keyFor(candidateId);
      const record: StoredRecord = {
        ...current.record,
        confirmed: next.confirmed,
        sealed: seal(key, JSON.stringify(next.profile), `profile:${candidateId}`),
      };
      try {
        await kv.update(recordKey(candidateId), JSON.stringify(record), current.revision);
        return next;
      } catch (err) {
        if (!isCasConflict(err)) throw err;
      }
    }
  }

  return {
    async createAccount(raw, candidateId = randomUUID()) {
      const request = AccountRequestSchema.parse(raw);
      try {
        await kv.create(emailKey(request.email), candidateId);
      } catch {
        throw new EmailTaken('an account with this email address already exists');
      }
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const key = await keys.keyFor(candidateId);
      const profile = { name: request.name, email: request.email.trim(), documents: [] };
      const record: StoredRecord = {
        candidateId,
        createdAt: clock().toISOString(),
        confirmed: false,
        codeHash: hash(`${candidateId}:${code}`),
        codeExpiresAt: new Date(clock().getTime() + CODE_TTL_MS).toISOString(),
        sealed: seal(key, JSON.stringify(profile), `profile:${candidateId}`),
      };
      await kv.create(recordKey(candidateId), JSON.stringify(record));
      return { candidateId, code };
    },

    async confirm(candidateId, code) {
      const current = await read(candidateId);
      if (!current?.record.codeHash || !current.record.codeExpiresAt)
        return current?.record.confirmed ?? false;
      if (Date.parse(current.record.codeExpiresAt) < clock().getTime()) return false;
      const given = Buffer.from(hash(`${candidateId}:${code}`));
      if (!timingSafeEqual(given, Buffer.from(current.record.codeHash))) return false;
      const { codeHash: _h, codeExpiresAt: _e, ...rest } = current.record;
      await kv.update(recordKey(candidateId), JSON.stringify({ ...rest, confirmed: true }), current.revision);
      return true;
    },

    async get(candidateId) {
      const current = await read(candidateId);
      return current ? unseal(current.record) : undefined;
    },

    updateProfile(candidateId, raw) {
      const patch = ProfilePatchSchema.parse(raw);
      return change(candidateId, (c) => ({ ...c, profile: { ...c.profile, ...patch } }));
    },

    addDocument(candidateId, ref) {
      return change(candidateId, (c) => ({
        ...c,
        profile: {
          ...c.profile,
          // The same file for the same purpose is kept once; a new CV stands beside the old.
          documents: [
            ...c.profile.documents.filter((d) => !(d.documentId === ref.documentId && d.kind === ref.kind)),
            ref,
          ],
        },
      }));
    },

    async erase(candidateId) {
      const candidate = await this.get(candidateId);
      if (candidate) await kv.purge(emailKey(candidate.profile.email));
      await keys.destroy(candidateId);
    },
  };
}

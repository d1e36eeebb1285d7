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
  // The code pending, if any: only its hash, until when it holds, when it was sent, how many wrong
  // codes were tried against it, and which code of the account it is (each is its own email).
  codeHash: z.string().optional(),
  codeExpiresAt: z.string().optional(),
  codeIssuedAt: z.string().optional(),
  codeAttempts: z.number().int().optional(),
  codeSerial: z.number().int().optional(),
  // The codes sent in the current day-long window, and when it began: at most CODES_PER_DAY.
  codeWindowStart: z.string().optional(),
  codeWindowCount: z.number().int().optional(),
  sealed: z.string(),
});
type StoredRecord = z.infer<typeof RecordSchema>;

export class EmailTaken extends Error {
  override readonly name = 'EmailTaken';
}
export class CandidateNotFound extends Error {
  override readonly name = 'CandidateNotFound';
}
export class DocumentNotOnProfile extends Error {
  override readonly name = 'DocumentNotOnProfile';
}

export interface CandidateStore {
  /** A new account; the code goes to the candidate by email. `candidateId` only for imports and tests. */
  createAccount(
    request: AccountRequest,
    candidateId?: string,
  ): Promise<{ candidateId: string; code: string }>;
  /**
   * Exchanges the pending code for proof that the person holds the address: true once, for the
   * right code in time. Without a pending code (never sent, used, expired or voided by wrong
   * tries) nothing confirms, not even for an account already confirmed.
   */
  confirm(candidateId: string, code: string): Promise<boolean>;
  /**
   * A new code for the account with this address (a returning candidate signing in, or one whose
   * first code expired or never arrived); it replaces the pending one. Undefined when no account
   * has the address, when a code went to it less than CODE_INTERVAL_MS ago, or when CODES_PER_DAY
   * went to it in the last day.
   */
  issueCode(email: string): Promise<{ candidateId: string; code: string; serial: number } | undefined>;
  /** The account that has this address, if any. */
  candidateIdFor(email: string): Promise<string | undefined>;
  get(candidateId: string): Promise<Candidate | undefined>;
  updateProfile(candidateId: string, patch: ProfilePatch): Promise<Candidate>;
  addDocument(candidateId: string, ref: DocumentRef): Promise<Candidate>;
  /** Takes the document off the profile (every kind it was added as); DocumentNotOnProfile if not there. */
  removeDocument(candidateId: string, documentId: string): Promise<Candidate>;
  /**
   * Erases the personal data: the key is destroyed, the index to the email removed. False when
   * there is no such candidate (or they are erased already): nothing is written then.
   */
  erase(candidateId: string): Promise<boolean>;
}

/** A new account's first code: the person may read their email tomorrow. */
const CODE_TTL_MS = 24 * 60 * 60 * 1000;
/** A code asked for to sign in: the person is at the screen. */
const SIGN_IN_CODE_TTL_MS = 30 * 60 * 1000;
/** At most one code a minute per account: nobody can flood a person's inbox with codes. */
export const CODE_INTERVAL_MS = 60 * 1000;
/** Wrong codes tried before the pending code is void: a six-digit code cannot be guessed. */
export const CODE_ATTEMPTS = 5;
/**
 * Codes sent to one address in a day (the account's first code included): one a minute would still
 * let someone mail a person 1,440 codes a day from many addresses the rate limit counts apart.
 */
export const CODES_PER_DAY = 10;
const DAY_MS = 24 * 60 * 60 * 1000;
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
  /**
   * The address is taken, unless a sign-up claimed it and died before writing its account (the two
   * writes of createAccount): then, a minute on, the address is free again instead of lost.
   */
  async function takeOverHalfMadeAccount(indexKey: string, candidateId: string): Promise<void> {
    const taken = new EmailTaken(
      'an account with this email address already exists: ask for a code to sign in (POST /candidates/code)',
    );
    const index = await kv.get(indexKey);
    if (!index || index.operation !== 'PUT') throw taken;
    if (clock().getTime() - index.created.getTime() < CODE_INTERVAL_MS) throw taken;
    if (await read(index.string())) throw taken;
    await kv.update(indexKey, candidateId, index.revision).catch(() => {
      throw taken;
    });
  }
  /** A fresh six-digit code and what the record keeps of it (its hash, never the code). */
  function newCode(candidateId: string, serial: number, ttlMs: number) {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const now = clock().getTime();
    return {
      code,
      fields: {
        codeHash: hash(`${candidateId}:${code}`),
        codeExpiresAt: new Date(now + ttlMs).toISOString(),
        codeIssuedAt: new Date(now).toISOString(),
        codeSerial: serial,
      } satisfies Partial<StoredRecord>,
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
        await takeOverHalfMadeAccount(emailKey(request.email), candidateId);
      }
      const key = await keys.keyFor(candidateId);
      const profile = { name: request.name, email: request.email.trim(), documents: [] };
      const { code, fields } = newCode(candidateId, 1, CODE_TTL_MS);
      const record: StoredRecord = {
        candidateId,
        createdAt: clock().toISOString(),
        confirmed: false,
        ...fields,
        codeWindowStart: fields.codeIssuedAt,
        codeWindowCount: 1,
        sealed: seal(key, JSON.stringify(profile), `profile:${candidateId}`),
      };
      await kv.create(recordKey(candidateId), JSON.stringify(record));
      return { candidateId, code };
    },

    async confirm(candidateId, code) {
      for (;;) {
        const current = await read(candidateId);
        // No pending code: nothing to exchange. (This once answered "confirmed" for an account
        // confirmed before, so any six digits signed anyone in as a candidate whose id they knew.)
        if (!current?.record.codeHash || !current.record.codeExpiresAt) return false;
        if (Date.parse(current.record.codeExpiresAt) < clock().getTime()) return false;
        const given = Buffer.from(hash(`${candidateId}:${code}`));
        const right = timingSafeEqual(given, Buffer.from(current.record.codeHash));
        const attempts = (current.record.codeAttempts ?? 0) + 1;
        const { codeHash: _h, codeExpiresAt: _e, codeAttempts: _a, ...rest } = current.record;
        // A right code is used up; the last wrong try voids the code; other wrong tries are counted.
        const next: StoredRecord = right
          ? { ...rest, confirmed: true }
          : attempts >= CODE_ATTEMPTS
            ? rest
            : { ...current.record, codeAttempts: attempts };
        try {
          await kv.update(recordKey(candidateId), JSON.stringify(next), current.revision);
          return right;
        } catch (err) {
          // Two tries at once: each is counted, and a code is used once.
          if (!isCasConflict(err)) throw err;
        }
      }
    },

    async candidateIdFor(email) {
      const index = await kv.get(emailKey(email));
      return index?.operation === 'PUT' ? index.string() : undefined;
    },

    async issueCode(email) {
      const candidateId = await this.candidateIdFor(email);
      if (!candidateId) return undefined;
      for (;;) {
        const current = await read(candidateId);
        if (!current) return undefined;
        const issued = current.record.codeIssuedAt ? Date.parse(current.record.codeIssuedAt) : 0;
        const now = clock().getTime();
        if (now - issued < CODE_INTERVAL_MS) return undefined;
        // A window opened by the first code, day-long; a code after it opens the next one.
        const windowStart = Date.parse(current.record.codeWindowStart ?? '') || 0;
        const inWindow = now - windowStart < DAY_MS;
        const sentInWindow = inWindow ? (current.record.codeWindowCount ?? 0) : 0;
        if (sentInWindow >= CODES_PER_DAY) return undefined;
        const window = {
          codeWindowStart: new Date(inWindow ? windowStart : now).toISOString(),
          codeWindowCount: sentInWindow + 1,
        };
        const serial = (current.record.codeSerial ?? 1) + 1;
        const { code, fields } = newCode(candidateId, serial, SIGN_IN_CODE_TTL_MS);
        const { codeAttempts: _a, ...rest } = current.record;
        try {
          await kv.update(
            recordKey(candidateId),
            JSON.stringify({ ...rest, ...fields, ...window }),
            current.revision,
          );
          return { candidateId, code, serial };
        } catch (err) {
          if (!isCasConflict(err)) throw err;
        }
      }
    },

    async get(candidateId) {
      const current = await read(candidateId);
      return current ? unseal(current.record) : undefined;
    },

    updateProfile(candidateId, raw) {
      const patch = ProfilePatchSchema.parse(raw);
      return change(candidateId, (c) => ({ ...c, profile: { ...c.profile, ...patch } }));
    },

    removeDocument(candidateId, documentId) {
      return change(candidateId, (c) => {
        const kept = c.profile.documents.filter((d) => d.documentId !== documentId);
        if (kept.length === c.profile.documents.length)
          throw new DocumentNotOnProfile('no such document on your profile');
        return { ...c, profile: { ...c.profile, documents: kept } };
      });
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
      if (!candidate) return false;
      await kv.purge(emailKey(candidate.profile.email));
      await keys.destroy(candidateId);
      return true;
    },
  };
}

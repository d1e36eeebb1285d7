import type { KV } from '@nats-io/kv';
import { randomBytes } from 'node:crypto';
import { open, seal } from './crypto.js';
import { kvToken } from './kv.js';

/**
 * One data key per candidate, for crypto-shredding: personal data is sealed with the candidate's key
 * wherever it is stored (profile, documents, and later events and payloads). Destroying the key
 * erases the data everywhere at once, even in logs that cannot be rewritten (JetStream, histories).
 * Keys are stored wrapped by the master key, in a NATS key-value bucket with no history.
 */
export interface KeyStore {
  /** The candidate's key, created on first use. */
  keyFor(candidateId: string): Promise<Buffer>;
  /** The key if it exists; undefined once destroyed. */
  existing(candidateId: string): Promise<Buffer | undefined>;
  destroy(candidateId: string): Promise<void>;
}

export class KeyDestroyed extends Error {
  override readonly name = 'KeyDestroyed';
}

export function kvKeyStore(kv: KV, masterKey: Buffer): KeyStore {
  const cache = new Map<string, Buffer>();
  const existing = async (candidateId: string) => {
    const hit = cache.get(candidateId);
    if (hit) return hit;
    const entry = await kv.get(`key.${kvToken(candidateId)}`);
    if (!entry || entry.operation !== 'PUT') return undefined;
    const key = open(masterKey, entry.string(), `key:${candidateId}`);
    cache.set(candidateId, key);
    return key;
  };
  return {
    existing,
    async keyFor(candidateId) {
      const found = await existing(candidateId);
      if (found) return found;
      const key = randomBytes(32);
      try {
        await kv.create(`key.${kvToken(candidateId)}`, seal(masterKey, key, `key:${candidateId}`));
      } catch {
        // Someone created it first: use theirs.
        const theirs = await existing(candidateId);
        if (!theirs) throw new KeyDestroyed(`the key of candidate ${candidateId} was destroyed`);
        return theirs;
      }
      cache.set(candidateId, key);
      return key;
    },
    async destroy(candidateId) {
      cache.delete(candidateId);
      await kv.purge(`key.${kvToken(candidateId)}`);
    },
  };
}

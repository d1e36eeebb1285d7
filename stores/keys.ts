import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
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

/**
 * Keys in the `candidate_keys` bucket. Each process keeps the keys it has opened (the worker opens
 * a candidate's profile for every email it sends them; the API for every page of theirs), at most
 * `maxCached`, least recently used out first. Erasure usually happens in another process than the
 * one holding a key (the API erases, the worker sends), so the cache follows the bucket: a key
 * deleted anywhere leaves every cache as soon as its deletion is delivered, and while the process
 * cannot follow the bucket it keeps no key at all. Before this, a worker that had written to a
 * candidate went on opening their profile after the API had erased them.
 */
export function kvKeyStore(
  kv: KV,
  masterKey: Buffer,
  js: JetStreamClient,
  opts: { maxCached?: number; retryMs?: number } = {},
): KeyStore {
  const maxCached = opts.maxCached ?? 10_000;
  const retryMs = opts.retryMs ?? 10_000;
  /** Opened keys by token, in order of last use. */
  const cache = new Map<string, Buffer>();
  /** The stream sequence of the latest deletion seen per token: a read older than it is stale. */
  const deletedAt = new Map<string, number>();
  let following = false;

  const remember = (t: string, key: Buffer, revision: number) => {
    // A read that raced a deletion (delivered before the read returned) must not be kept.
    if (!following || (deletedAt.get(t) ?? 0) > revision) return;
    cache.delete(t);
    cache.set(t, key);
    if (cache.size > maxCached) cache.delete(cache.keys().next().value!);
  };

  // Every deletion after the status read is delivered, from the sequence the bucket had reached,
  // however late the consumer is created.
  const startFollowing = async () => {
    const status = await kv.status();
    const prefix = `$KV.${status.bucket}.key.`;
    const consumer = await js.consumers.get(status.streamInfo.config.name, {
      filter_subjects: [`${prefix}>`],
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: status.streamInfo.state.last_seq + 1,
      headers_only: true,
    });
    const messages = await consumer.consume();
    following = true;
    void (async () => {
      for await (const m of messages) {
        const op = m.headers?.get('KV-Operation');
        if (op !== 'DEL' && op !== 'PURGE') continue;
        const t = m.subject.slice(prefix.length);
        cache.delete(t);
        deletedAt.delete(t); // to the end: the oldest deletions go first when over the cap
        deletedAt.set(t, m.seq);
        if (deletedAt.size > maxCached) deletedAt.delete(deletedAt.keys().next().value!);
      }
    })()
      // An error ends the following as a closed connection does (and is no crash of the process).
      .catch(() => undefined)
      .finally(() => {
        // Keep nothing that could outlive a deletion this process would no longer hear of.
        following = false;
        cache.clear();
      });
  };
  /**
   * Follows the bucket; if it could not (NATS away when the process started, a lost connection),
   * tries again at the next read, at most every `retryMs`: reads go to the bucket meanwhile.
   */
  let attempt: Promise<void> | undefined;
  let lastTry = -Infinity;
  const ensureFollowing = (): Promise<void> => {
    if (following) return Promise.resolve();
    if (!attempt && Date.now() - lastTry >= retryMs) {
      lastTry = Date.now();
      attempt = startFollowing()
        .catch(() => undefined)
        .finally(() => {
          attempt = undefined;
        });
    }
    return attempt ?? Promise.resolve();
  };
  // From the start, before any key is read.
  void ensureFollowing();

  const existing = async (candidateId: string) => {
    await ensureFollowing();
    const t = kvToken(candidateId);
    const hit = cache.get(t);
    if (hit) {
      cache.delete(t);
      cache.set(t, hit);
      return hit;
    }
    const entry = await kv.get(`key.${t}`);
    if (!entry || entry.operation !== 'PUT') return undefined;
    const key = open(masterKey, entry.string(), `key:${candidateId}`);
    remember(t, key, entry.revision);
    return key;
  };
  return {
    existing,
    async keyFor(candidateId) {
      const found = await existing(candidateId);
      if (found) return found;
      const key = randomBytes(32);
      let revision: number;
      try {
        revision = await kv.create(`key.${kvToken(candidateId)}`, seal(masterKey, key, `key:${candidateId}`));
      } catch {
        // Someone created it first: use theirs.
        const theirs = await existing(candidateId);
        if (!theirs) throw new KeyDestroyed(`the key of candidate ${candidateId} was destroyed`);
        return theirs;
      }
      remember(kvToken(candidateId), key, revision);
      return key;
    },
    async destroy(candidateId) {
      cache.delete(kvToken(candidateId));
      await kv.purge(`key.${kvToken(candidateId)}`);
    },
  };
}

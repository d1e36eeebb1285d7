import {
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  StorageType,
  type JetStreamClient,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { EVENT_STREAM, EVENT_SUBJECT_PREFIX } from '../schemas/events.js';
import { COUNT_KEPT_MS } from '../stores/rate-limits.js';

/**
 * The NATS resources the engine uses, created idempotently at start-up: the event stream and the
 * key-value buckets. Uses the maintained nats.js v3 packages (@nats-io/*), not the superseded `nats` 2.x.
 */
export interface NatsResources {
  nc: NatsConnection;
  js: JetStreamClient;
  examSessions: KV;
  people: KV;
  sentEmails: KV;
  candidates: KV;
  candidateKeys: KV;
  submissions: KV;
  tokens: KV;
  /** Requests per client and route in the current window, shared by every API process (stores/rate-limits.ts). */
  rateLimits: KV;
  documents: ObjectStore;
  close(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Longer than the longest an activity keeps retrying a publish (6 days), so a late retry is deduplicated. */
export const DUPLICATE_WINDOW_MS = 7 * DAY_MS;

export async function connectNats(servers: string, name = 'hiring'): Promise<NatsResources> {
  const nc = await connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
  const jsm = await jetstreamManager(nc);
  const streamConfig = {
    name: EVENT_STREAM,
    subjects: [`${EVENT_SUBJECT_PREFIX}.>`],
    storage: StorageType.File,
    // Years of events: keep by age, not by count. 10 years, then the oldest are dropped.
    max_age: nanos(10 * 365 * DAY_MS),
    max_msgs: -1,
    max_bytes: -1,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  };
  try {
    await jsm.streams.info(EVENT_STREAM);
    await jsm.streams.update(EVENT_STREAM, streamConfig);
  } catch {
    await jsm.streams.add(streamConfig);
  }
  const js = jetstream(nc);
  const kvm = new Kvm(nc);
  const [examSessions, people, sentEmails, candidates, candidateKeys, submissions, tokens, rateLimits] =
    await Promise.all([
      kvm.create('exam_sessions', { history: 5, storage: StorageType.File }),
      kvm.create('people', { history: 1, storage: StorageType.File }),
      kvm.create('sent_emails', { history: 1, storage: StorageType.File, ttl: 30 * DAY_MS }),
      kvm.create('candidates', { history: 1, storage: StorageType.File }),
      // No history: a destroyed key must be gone, not kept as an older revision.
      kvm.create('candidate_keys', { history: 1, storage: StorageType.File }),
      kvm.create('submissions', { history: 1, storage: StorageType.File }),
      kvm.create('tokens', { history: 1, storage: StorageType.File }),
      // Counts of the last minutes only: in memory, gone with their window (or a NATS restart).
      kvm.create('rate_limits', { history: 1, storage: StorageType.Memory, ttl: COUNT_KEPT_MS }),
    ]);
  const documents = await new Objm(nc).create('documents', { storage: StorageType.File });
  return {
    nc,
    js,
    examSessions,
    people,
    sentEmails,
    candidates,
    candidateKeys,
    submissions,
    tokens,
    rateLimits,
    documents,
    close: () => nc.drain(),
  };
}

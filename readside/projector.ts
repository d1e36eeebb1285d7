import {
  AckPolicy,
  DeliverPolicy,
  jetstreamManager,
  type Consumer,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { nanos } from '@nats-io/transport-node';
import type { NatsResources } from '../activities/nats.js';
import { DomainEventSchema, EVENT_STREAM, type DomainEvent } from '../schemas/events.js';
import {
  applicationKey,
  applyApplicationEvent,
  applyPositionEvent,
  ApplicationRecordSchema,
  PositionRecordSchema,
  type ApplicationRecord,
  type PositionRecord,
} from './projection.js';
import { isCasConflict, kvToken } from '../stores/kv.js';
import { ApplicationIndex } from './application-index.js';

/**
 * A message on the event stream that this code cannot read: not JSON, or no event it knows (a
 * version or type from newer code during a rolling deploy, or something that is no event at all).
 * Retrying it cannot help this process; another process of newer code may read it.
 */
export class UnreadableEvent extends Error {
  override readonly name = 'UnreadableEvent';
}

/**
 * Deliveries of an unreadable event before the projector sets it aside: a few, a second apart, so a
 * newer process sharing the consumer may take it; then it is terminated (never delivered again),
 * logged and counted. The projector holds one message at a time, so each retry holds every event
 * behind it: before, such a message was retried up to the consumer's 50 deliveries.
 */
export const UNREADABLE_DELIVERIES = 3;

/** Whether this failed delivery is the one that sets the message aside for good (see above). */
export function setsAside(err: unknown, m: JsMsg): boolean {
  return err instanceof UnreadableEvent && m.info.deliveryCount >= UNREADABLE_DELIVERIES;
}

/** Projections in a NATS key-value bucket, one key per application and per position. */
export class ProjectionStore {
  constructor(
    readonly kv: KV,
    readonly js: JetStreamClient,
    readonly bucket: string,
  ) {}

  static async open(nats: NatsResources, bucket: string): Promise<ProjectionStore> {
    return new ProjectionStore(await new Kvm(nats.nc).create(bucket, { history: 1 }), nats.js, bucket);
  }

  async application(applicationId: string): Promise<ApplicationRecord | undefined> {
    const e = await this.kv.get(applicationKey(applicationId));
    return e && e.operation === 'PUT' ? ApplicationRecordSchema.parse(e.json()) : undefined;
  }

  async position(positionId: string): Promise<PositionRecord | undefined> {
    const e = await this.kv.get(`position.${kvToken(positionId)}`);
    return e && e.operation === 'PUT' ? PositionRecordSchema.parse(e.json()) : undefined;
  }

  /**
   * Every application's record, read in one ordered pass over the bucket's stream (the last value
   * of each key) rather than one request per key: the HR figures over 10,000 open applications
   * took seconds the other way (see README, Performance).
   */
  async applications(): Promise<ApplicationRecord[]> {
    const consumer = await this.applicationsConsumer();
    const out: ApplicationRecord[] = [];
    // An empty read side has nothing to deliver: the fetch ends when it expires.
    for (let done = false; !done;) {
      let got = 0;
      for await (const m of await consumer.fetch({ max_messages: 1000, expires: 1000 })) {
        got += 1;
        const { record } = this.entry(m);
        if (record) out.push(record);
        if (m.info.pending === 0) done = true;
      }
      if (got === 0) done = true;
    }
    return out;
  }

  /**
   * An ordered consumer of the bucket's application keys: the last value of each, then every
   * change, in stream order. Ordered, so a consumer the server loses is recreated from where it
   * was (the index test deletes it).
   */
  applicationsConsumer(): Promise<Consumer> {
    return this.js.consumers.get(`KV_${this.bucket}`, {
      filter_subjects: [`$KV.${this.bucket}.application.>`],
      deliver_policy: DeliverPolicy.LastPerSubject,
    });
  }

  /** A message of the bucket's stream: its key, and its record unless the key was deleted. */
  entry(m: JsMsg): { key: string; record?: ApplicationRecord } {
    const key = m.subject.slice(`$KV.${this.bucket}.`.length);
    // Deleted keys (an erased candidate's application) stay as markers without a value.
    if (m.headers?.get('KV-Operation') || m.data.length === 0) return { key };
    return { key, record: ApplicationRecordSchema.parse(m.json()) };
  }

  /** Applies one stored event; idempotent by stream sequence, safe with concurrent projectors (CAS). */
  async apply(data: Uint8Array, streamSeq: number): Promise<void> {
    const event = readEvent(data);
    for (;;) {
      const key =
        'applicationId' in event
          ? applicationKey(event.applicationId)
          : `position.${kvToken(event.positionId)}`;
      const entry = await this.kv.get(key);
      const exists = entry && entry.operation === 'PUT';
      const next =
        'applicationId' in event
          ? applyApplicationEvent(
              exists ? ApplicationRecordSchema.parse(entry.json()) : undefined,
              event,
              streamSeq,
            )
          : applyPositionEvent(
              exists ? PositionRecordSchema.parse(entry.json()) : undefined,
              event,
              streamSeq,
            );
      if (exists && next.lastStreamSeq === entry.json<{ lastStreamSeq: number }>().lastStreamSeq) return;
      try {
        if (exists) await this.kv.update(key, JSON.stringify(next), entry.revision);
        else await this.kv.create(key, JSON.stringify(next));
        return;
      } catch (err) {
        if (!isCasConflict(err)) throw err;
      }
    }
  }
}

export const PROJECTOR = 'projector';

/**
 * The durable consumer that keeps the projections up to date: explicit acks, redelivery on failure
 * (a crash before the ack means the message comes again, and applying it twice changes nothing).
 */
export async function runProjector(
  nats: NatsResources,
  store: ProjectionStore,
  opts: {
    durable?: string;
    onError?: (err: unknown, m: JsMsg) => void;
    beforeApply?: (m: JsMsg) => void;
  } = {},
): Promise<{ stop(): Promise<void> }> {
  const durable = opts.durable ?? PROJECTOR;
  const jsm = await jetstreamManager(nats.nc);
  await jsm.consumers
    .add(EVENT_STREAM, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(30_000),
      max_deliver: 50,
      // One message in flight: a failed one is redelivered before the next, so events apply in
      // stream order and "already applied" can be judged by the last sequence.
      max_ack_pending: 1,
    })
    .catch(async (err: unknown) => {
      // Already there from an earlier run: carry on where it left off.
      if (!(await jsm.consumers.info(EVENT_STREAM, durable).catch(() => undefined))) throw err;
    });
  const consumer = await nats.js.consumers.get(EVENT_STREAM, durable);
  const messages = await consumer.consume({ max_messages: 100 });
  const done = (async () => {
    for await (const m of messages) {
      try {
        opts.beforeApply?.(m);
        await store.apply(m.data, m.seq);
        m.ack();
      } catch (err) {
        opts.onError?.(err, m);
        if (setsAside(err, m)) m.term();
        else m.nak(err instanceof UnreadableEvent ? 1_000 : 500);
      }
    }
  })();
  return {
    async stop() {
      await messages.close();
      await done;
    },
  };
}

/** Replays the whole stream from the start into a fresh store; returns the last sequence applied. */
export async function rebuild(nats: NatsResources, store: ProjectionStore): Promise<number> {
  const jsm = await jetstreamManager(nats.nc);
  const last = (await jsm.streams.info(EVENT_STREAM)).state.last_seq;
  if (last === 0) return 0;
  const consumer = await nats.js.consumers.get(EVENT_STREAM, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume();
  let seq = 0;
  for await (const m of messages) {
    // What this code cannot read, the live projector set aside too: the rebuild equals it.
    await store.apply(m.data, m.seq).catch((err: unknown) => {
      if (!(err instanceof UnreadableEvent)) throw err;
    });
    seq = m.seq;
    if (m.seq >= last) break;
  }
  await messages.close();
  return seq;
}

export interface ReadSide {
  projections: ProjectionStore;
  index: ApplicationIndex;
  /** Events the projector has still to apply: not delivered yet, or delivered and not acknowledged. */
  pendingEvents(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The read side as an API process runs it: the projector keeping the bucket, and the index the
 * lists and figures are answered from, opened once it holds what the bucket held.
 */
export async function startReadSide(
  nats: NatsResources,
  opts: { bucket?: string; durable?: string; onError?: (err: unknown, m: JsMsg) => void } = {},
): Promise<ReadSide> {
  const durable = opts.durable ?? PROJECTOR;
  const projections = await ProjectionStore.open(nats, opts.bucket ?? 'projections');
  const projector = await runProjector(nats, projections, { durable, onError: opts.onError });
  const index = await ApplicationIndex.open(projections);
  const jsm = await jetstreamManager(nats.nc);
  return {
    projections,
    index,
    async pendingEvents() {
      const info = await jsm.consumers.info(EVENT_STREAM, durable);
      return info.num_pending + info.num_ack_pending;
    },
    async stop() {
      index.stop();
      await projector.stop();
    },
  };
}

/** The event a stream message holds, or UnreadableEvent naming why not (no payload in the message). */
export function readEvent(data: Uint8Array): DomainEvent {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(data));
  } catch {
    throw new UnreadableEvent('not JSON');
  }
  const parsed = DomainEventSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`);
    throw new UnreadableEvent(`not an event this code knows: ${issues.slice(0, 3).join('; ')}`);
  }
  return parsed.data;
}

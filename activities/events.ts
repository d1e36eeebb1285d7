import type { JetStreamClient } from '@nats-io/jetstream';
import { DomainEventSchema, eventSubject, type DomainEvent } from '../schemas/events.js';

export interface EventPublisher {
  publish(event: DomainEvent): Promise<{ seq: number; duplicate: boolean }>;
}

/**
 * Publishes a domain event on JetStream with its event id as the Nats-Msg-Id: a retried or replayed
 * publish inside the duplicate window is acknowledged as a duplicate and stored once.
 */
export function jetStreamPublisher(js: JetStreamClient): EventPublisher {
  return {
    async publish(event) {
      const valid = DomainEventSchema.parse(event);
      const ack = await js.publish(eventSubject(valid), JSON.stringify(valid), {
        msgID: valid.eventId,
        timeout: 5000,
      });
      return { seq: ack.seq, duplicate: ack.duplicate };
    },
  };
}

import { condition, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { Effect } from '../schemas/effects.js';

// Retried with backoff while transient. If NATS is down the publish keeps retrying while the
// workflow goes on; the stream's duplicate window (7 days) is longer than this, so a late retry is
// still stored once.
const { publishEvent } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '6 days',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const { sendEmail, releaseExamSeat } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '3 days',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
export const { closeApplicationsOfPosition } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * Side effects run in order, without holding up the process: one lane for events, one for emails
 * and the rest. If NATS is down, events wait and retry while recruiters go on working.
 */
export class EffectLane {
  private tail: Promise<void> = Promise.resolve();
  pending = 0;
  onFailure: (what: string) => void = () => undefined;

  constructor(private readonly name: string) {}

  push(effect: Effect): void {
    this.pending += 1;
    this.tail = this.tail
      .then(() => run(effect))
      .catch((err: unknown) => {
        // Retries are exhausted (days of outage, or a permanent refusal): keep the record.
        const message = err instanceof Error ? err.message : String(err);
        this.onFailure(`${this.name} ${describe(effect)} failed: ${message}`);
      })
      .finally(() => {
        this.pending -= 1;
      });
  }

  drained(): Promise<void> {
    return condition(() => this.pending === 0);
  }
}

async function run(effect: Effect): Promise<void> {
  switch (effect.kind) {
    case 'event':
      await publishEvent(effect.event);
      return;
    case 'email':
      await sendEmail(effect.email);
      return;
    case 'release_seat':
      await releaseExamSeat({ sessionId: effect.sessionId, applicationId: effect.applicationId });
      return;
  }
}

function describe(effect: Effect): string {
  switch (effect.kind) {
    case 'event':
      return effect.event.type;
    case 'email':
      return `${effect.email.template} email`;
    case 'release_seat':
      return `seat release in ${effect.sessionId}`;
  }
}

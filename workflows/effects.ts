import { ActivityFailure, condition, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { Effect } from '../schemas/effects.js';
import type { Generation } from './generation.js';

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
export const { closeApplicationsOfPosition, handOverApplicationsOfPosition } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * The lanes for the history's generation (generation.ts): settled ones (SettledEffectLanes) unless
 * it began under the first code; `chained` builds what such a history ran (ChainedEffectLanes,
 * EffectLane).
 */
export function effectLanes(gen: Generation, chained: () => Effects): Effects {
  if (gen === 'chained') return chained();
  const lanes = new SettledEffectLanes(gen);
  void lanes.run();
  return lanes;
}

/** Where a step's side effects go: events to JetStream, emails and seat releases to their systems. */
export interface Effects {
  push(effect: Effect): void;
  /** Effects queued or running. */
  readonly pending: number;
  /** Resolves once every pushed effect has run (or failed for good). */
  drained(): Promise<void>;
  /** Called when an effect failed for good (retries exhausted or refused): keep the record. */
  onFailure: (what: string) => void;
}

/**
 * Side effects run in order, without holding up the process: one lane for events, one for emails
 * and the rest; if NATS is down, events wait and retry while recruiters go on working. Each lane
 * runs one effect at a time, and the next one starts only at a settled point of the workflow task
 * (see `run`), never from the callback of the one before.
 *
 * Why: when a worker replays an application from the start (after a restart, a deploy or a cache
 * eviction), SDK core may hand the workflow an update together with the completion of an email
 * that an earlier task had already seen on its own (temporalio/sdk-rust#1606). A lane that started
 * its next activity from the previous one's callback then scheduled it later in that task than it
 * had the first time, and the application's next replay failed (TMPRL1100: "Activity machine does
 * not handle this event: WorkflowExecutionUpdateCompleted"). Starting effects only once every job of
 * the task has landed makes the commands the same however core groups the jobs.
 */
export class SettledEffectLanes implements Effects {
  private readonly queued: Record<Lane, Effect[]> = { event: [], message: [] };
  private readonly running: Record<Lane, boolean> = { event: false, message: false };
  onFailure: (what: string) => void = () => undefined;

  /** `settled`: the code of the histories recorded under EFFECTS_SETTLED_PATCH, kept as it ran. */
  constructor(private readonly gen: Exclude<Generation, 'chained'>) {}

  push(effect: Effect): void {
    this.queued[laneOf(effect)].push(effect);
  }

  get pending(): number {
    return LANES.reduce((n, lane) => n + this.queued[lane].length + (this.running[lane] ? 1 : 0), 0);
  }

  drained(): Promise<void> {
    return condition(() => this.pending === 0);
  }

  /** Runs for the life of the workflow, started once at its beginning. */
  async run(): Promise<never> {
    for (;;) {
      // A blocked condition is checked again only after every job of the task and everything
      // those jobs set off has run: here the lanes look the same whichever jobs came together.
      // It is always blocked here: every lane ready at the last pass was started in it.
      await condition(() => this.ready().length > 0);
      // The settled generation waited once more, on a condition that holds at once: a wait that
      // settled nothing (condition() checks its predicate eagerly). Kept for its histories.
      if (this.gen === 'settled') await condition(() => true);
      for (const lane of this.ready()) this.start(lane);
    }
  }

  private ready(): Lane[] {
    return LANES.filter((lane) => !this.running[lane] && this.queued[lane].length > 0);
  }

  private start(lane: Lane): void {
    const effect = this.queued[lane].shift()!;
    this.running[lane] = true;
    if (this.gen === 'settled') {
      // runEffect schedules the activity before it returns: the command is written here.
      runEffect(effect)
        .catch((err: unknown) => this.onFailure(failureText(lane, effect, err)))
        .finally(() => {
          this.running[lane] = false;
        });
      return;
    }
    // The same, with one promise of ours beside the activity's where the settled generation made
    // three: every promise a workflow makes costs the SDK a source-mapped stack trace (README,
    // Performance). The next effect starts at the dispatcher's next settled pass, so the order of
    // these callbacks is free.
    effectActivity(effect).then(
      () => {
        this.running[lane] = false;
      },
      (err: unknown) => {
        this.running[lane] = false;
        this.onFailure(failureText(lane, effect, err));
      },
    );
  }
}

/**
 * The lanes as they ran before EFFECTS_SETTLED_PATCH: the next effect starts from the previous
 * one's callback. Kept unchanged so that applications started under it replay as they ran.
 */
export class ChainedEffectLanes implements Effects {
  private readonly events = new EffectLane('event');
  private readonly messages = new EffectLane('message');

  set onFailure(f: (what: string) => void) {
    this.events.onFailure = f;
    this.messages.onFailure = f;
  }

  push(effect: Effect): void {
    (effect.kind === 'event' ? this.events : this.messages).push(effect);
  }

  get pending(): number {
    return this.events.pending + this.messages.pending;
  }

  drained(): Promise<void> {
    // The very promise the workflow awaited before, so not one microtask moves.
    return Promise.all([this.events.drained(), this.messages.drained()]) as Promise<unknown> as Promise<void>;
  }
}

type Lane = 'event' | 'message';
const LANES: readonly Lane[] = ['event', 'message'];
const laneOf = (effect: Effect): Lane => (effect.kind === 'event' ? 'event' : 'message');
/** What the timeline keeps of an effect whose retries are exhausted (or that was refused). */
function failureText(lane: string, effect: Effect, err: unknown): string {
  // An activity's failure says only "Activity task failed"; what went wrong is its cause ("no
  // contact for recruiter rec-7"), which is what the person reading the timeline can act on.
  const said = err instanceof ActivityFailure && err.cause ? err.cause : err;
  const message = said instanceof Error ? said.message : String(said);
  return `${lane} ${describe(effect)} failed: ${message}`;
}

export class EffectLane implements Effects {
  private tail: Promise<void> = Promise.resolve();
  pending = 0;
  onFailure: (what: string) => void = () => undefined;

  constructor(private readonly name: string) {}

  push(effect: Effect): void {
    this.pending += 1;
    this.tail = this.tail
      .then(() => runEffect(effect))
      // Retries are exhausted (days of outage, or a permanent refusal): keep the record.
      .catch((err: unknown) => this.onFailure(failureText(this.name, effect, err)))
      .finally(() => {
        this.pending -= 1;
      });
  }

  drained(): Promise<void> {
    return condition(() => this.pending === 0);
  }
}

/** The older generations' wrapper around an effect's activity: its promise shape is part of their histories. */
async function runEffect(effect: Effect): Promise<void> {
  await effectActivity(effect);
}

/** Schedules the effect's activity (the command is written before this returns). */
function effectActivity(effect: Effect): Promise<unknown> {
  switch (effect.kind) {
    case 'event':
      return publishEvent(effect.event);
    case 'email':
      return sendEmail(effect.email);
    case 'release_seat':
      return releaseExamSeat({ sessionId: effect.sessionId, applicationId: effect.applicationId });
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

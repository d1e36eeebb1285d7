/**
 * One application, from submission to its outcome, weeks or months later.
 *
 * The process: the candidate submits; a recruiter screens, interviews, sets the written exam and
 * makes an offer; the candidate accepts or declines. At every step a clock runs: the candidate's
 * response window, the recruiter's reminder and escalation, and the six-month "no answer means no".
 * Whatever comes first, a message or a clock, decides the next step. The rules are in pipeline.ts;
 * this file wires them to Temporal's messages, timers and activities.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
  patched,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { z } from 'zod';
import type { Activities } from '../activities/index.js';
import {
  ApplicationInputSchema,
  TransitionRequestSchema,
  isFinal,
  type ApplicationInput,
  type ApplicationState,
  type ApplicationView,
  type TransitionRequest,
  type TransitionAnswer,
  type TransitionRequestInput,
} from '../schemas/application.js';
import { NextDeadlineAttribute, SlaStatusAttribute, StageAttribute } from '../schemas/search-attributes.js';
import { REFUSED, getApplicationQuery, transitionSignal, transitionUpdate } from './application-messages.js';
import { now } from './clock.js';
import { ChainedEffectLanes, effectLanes } from './effects.js';
import { generation, isAtLeast, upsertAttributes } from './generation.js';
import * as pipeline from './pipeline.js';

/**
 * Changes to this workflow that alter what it does at a point old histories have already passed
 * are made behind patched() with an id listed here (see README, "Changing the workflow safely").
 * Once no application started before a patch is still open, the patch becomes deprecatePatch()
 * and then goes away.
 */
export const HR_ONBOARDING_PATCH = 'hr-onboarding-email-2026-11';

// ---- Activities: a person waits for the seat booking; the other effects run on lanes (effects.ts).

const { bookExamSeat } = proxyActivities<Activities>({
  // A person is waiting for the answer: fail fast and say why.
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '1 minute',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 5, nonRetryableErrorTypes: [REFUSED] },
});

export async function applicationWorkflow(
  input: ApplicationInput,
  resumed?: ApplicationState,
): Promise<ApplicationView> {
  // Before anything else: which code this history began under (generation.ts), and so which kind
  // of effect lanes it runs (effects.ts).
  const gen = generation();
  const effects = effectLanes(gen, () => new ChainedEffectLanes());
  let state: ApplicationState;

  const commit = (outcome: pipeline.Outcome): void => {
    state = outcome.state;
    for (const effect of outcome.effects) effects.push(effect);
    // Since the quiet generation the lists come from the read side, which the step's events
    // update: no visibility write per step (generation.ts).
    if (!isAtLeast(gen, 'quiet')) upsertAttributes(gen, searchAttributesOf(state));
  };
  const fail = (what: string): void => commit(pipeline.recordEffectFailure(state, what, now()));
  const view = (s: ApplicationState): ApplicationView => ({
    ...s,
    upcomingDeadlines: pipeline.upcomingDeadlines(s),
    pendingEffects: effects.pending,
  });
  effects.onFailure = fail;

  if (resumed) {
    state = resumed;
  } else {
    const facts = ApplicationInputSchema.parse(input);
    const first = pipeline.start(facts, { remindsCandidate: isAtLeast(gen, 'reminding') });
    state = first.state;
    commit(first);
  }

  // ---- Transitions: one path for updates and signals.

  const parse = (raw: TransitionRequestInput): TransitionRequest => {
    const parsed = TransitionRequestSchema.safeParse(raw);
    if (!parsed.success) throw refused(describeIssues(parsed.error.issues));
    return parsed.data;
  };

  // The answer carries what this transition wrote, not the whole timeline (see TransitionAnswer).
  // Answers are not compared on replay, so their shape may change under applications in flight.
  const answer = (since: number): TransitionAnswer => {
    const { timeline, ...rest } = view(state);
    return { ...rest, added: timeline.filter((t) => t.seq > since) };
  };

  const transition = async (req: TransitionRequest): Promise<TransitionAnswer> => {
    const since = state.seq;
    const reason = pipeline.refusal(state, req, now());
    if (reason) throw refused(reason);
    if (req.command.type !== 'schedule_exam') {
      // patched() records a marker in new histories and answers false when replaying an old one,
      // so an application accepted under older code replays without the email it never sent.
      // The lean generation came after it: it always sends the email, and records no marker.
      const hrOnboarding =
        req.command.type === 'accept_offer' && (isAtLeast(gen, 'lean') || patched(HR_ONBOARDING_PATCH));
      commit(pipeline.apply(state, req, now(), undefined, { hrOnboarding }));
      return answer(since);
    }
    // The seat is booked first; the state moves only once it is ours.
    const booking = await bookExamSeat({
      sessionId: req.command.sessionId,
      applicationId: state.applicationId,
    }).catch((err: unknown) => {
      // A full or unknown session: the recruiter sees the booking system's own reason.
      if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure)
        throw refused(err.cause.message);
      throw err;
    });
    const late = pipeline.refusal(state, req, now());
    if (late) {
      // Something else moved the application while we booked (a withdrawal): give the seat back.
      effects.push({
        kind: 'release_seat',
        sessionId: booking.sessionId,
        applicationId: state.applicationId,
      });
      throw refused(late);
    }
    commit(pipeline.apply(state, req, now(), booking));
    return answer(since);
  };

  setHandler(transitionUpdate, (raw) => transition(parse(raw)), {
    // Runs before anything is written to history: a refused update leaves no trace.
    validator: (raw: TransitionRequestInput) => {
      const req = parse(raw);
      const reason = pipeline.refusal(state, req, now());
      if (reason) throw refused(reason);
    },
  });

  setHandler(transitionSignal, async (raw) => {
    const parsed = TransitionRequestSchema.safeParse(raw);
    const actor = parsed.success ? parsed.data.actor : { role: 'system' as const, id: 'unparsed-signal' };
    const command = parsed.success ? parsed.data.command.type : commandName(raw);
    try {
      if (!parsed.success) throw refused(describeIssues(parsed.error.issues));
      await transition(parsed.data);
    } catch (err) {
      const reason = err instanceof ApplicationFailure ? err.message : 'the transition could not be made';
      log.info('signal refused', { applicationId: state.applicationId, command, reason });
      commit(pipeline.recordRefusal(state, actor, command, reason, now()));
    }
  });

  setHandler(getApplicationQuery, () => view(state));

  // ---- The process: wait for a message or the next clock, whichever comes first.

  while (!isFinal(state.status)) {
    const seen = state.seq;
    const next = pipeline.nextTimer(state);
    const changed = next
      ? await condition(() => state.seq !== seen, Math.max(1, next.at - now()))
      : (await condition(() => state.seq !== seen), true);
    if (!changed && next) {
      // The clock ran out with nobody acting: expire, remind or escalate.
      commit(pipeline.clockRanOut(state, next, now()));
    }
    if (!isFinal(state.status) && historyTooLong(state)) {
      // Months of weekly reminders: start a fresh history, carrying the whole state.
      await effects.drained();
      await condition(allHandlersFinished);
      await continueAsNew<typeof applicationWorkflow>(input, state);
    }
  }

  // Every email sent and every event published before the application's history closes.
  await effects.drained();
  await condition(allHandlersFinished);
  return view(state);
}

// ---- Helpers

/**
 * What the dashboards of the older generations list and filter applications by, as the state has
 * it, in visibility. The quiet generation writes none of it: the read side lists from the events.
 */
function searchAttributesOf(state: ApplicationState): SearchAttributeUpdatePair[] {
  const { stage, nextDeadline, sla } = pipeline.listing(state);
  return [
    { key: StageAttribute, value: stage },
    { key: NextDeadlineAttribute, value: nextDeadline ? new Date(nextDeadline) : null },
    // Lets the dashboard list applications stuck past their service level without querying each.
    { key: SlaStatusAttribute, value: sla },
  ];
}

function historyTooLong(state: ApplicationState): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > state.policy.historyEventLimit;
}

function refused(reason: string): ApplicationFailure {
  return ApplicationFailure.create({ type: REFUSED, message: reason, nonRetryable: true });
}

/** Field-by-field reasons: "command.at: Invalid ISO datetime; actor.role: ...". */
function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.length ? i.path.join('.') : '(request)'}: ${i.message}`).join('; ');
}

function commandName(raw: unknown): string {
  const type = (raw as { command?: { type?: unknown } } | undefined)?.command?.type;
  return typeof type === 'string' ? type.slice(0, 64) : 'unknown';
}

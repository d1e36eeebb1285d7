/**
 * Which code a history began under. Applications run for months, so a workflow started today must
 * replay under every later deploy, and one started months ago must replay today: each change to
 * the commands a run writes is a generation, chosen once, first thing in the workflow, by patch
 * markers (README, "Changing the workflow safely"). Newest first:
 *
 * - `reminding`: the application reminds the candidate CANDIDATE_REMINDER_DAYS before their own
 *   deadlines (to confirm an interview, to answer an offer): one more point the workflow's single
 *   timer can be armed for, an email, an event. Older applications never did, and on replay a
 *   timer of theirs that fired must not turn into a reminder, so the behaviour is set at the start
 *   (`remindsCandidate` in the state). Otherwise as `quiet`.
 *
 * - `quiet`: the application workflow writes no search attribute at its steps. Lists and filters
 *   come from the read side (every event carries the application's listing: pipeline.listing),
 *   so the visibility write each step cost the server goes. Visibility keeps what never changes
 *   (position, candidate, duty station: set at the start) and the execution status. The position
 *   workflow runs as in `lean`.
 * - `lean`: one wait per effect dispatch instead of two, search attributes upserted only when
 *   their value changes, the HR onboarding email without a patch of its own. Each upsert is a
 *   visibility write on the server: about 8 ms of its CPU per application step on the embedded
 *   SQLite server, the largest cost we add to the bare engine (README, Performance).
 * - `settled`: effects start at settled points (effects.ts, SettledEffectLanes).
 * - `chained`: the first code: effects chained from each other's callbacks.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';

export const CANDIDATE_REMINDERS_PATCH = 'candidate-reminders-2026-11';
export const QUIET_STEPS_PATCH = 'quiet-steps-2026-11';
export const LEAN_STEPS_PATCH = 'lean-steps-2026-11';
/** The settled generation's marker (effects.ts, SettledEffectLanes), in the histories recorded under it. */
export const EFFECTS_SETTLED_PATCH = 'effects-start-when-settled-2026-11';

const GENERATIONS = ['chained', 'settled', 'lean', 'quiet', 'reminding'] as const;
export type Generation = (typeof GENERATIONS)[number];

/** True when `gen` is `since` or came after it: it keeps what `since` changed. */
export function isAtLeast(gen: Generation, since: Generation): boolean {
  return GENERATIONS.indexOf(gen) >= GENERATIONS.indexOf(since);
}

/**
 * Call once, first thing in the workflow, so the marker sits at the same point in every new
 * history. A new run records the newest marker only; a replay finds the marker its history has.
 */
export function generation(): Generation {
  if (patched(CANDIDATE_REMINDERS_PATCH)) return 'reminding';
  if (patched(QUIET_STEPS_PATCH)) return 'quiet';
  if (patched(LEAN_STEPS_PATCH)) return 'lean';
  return patched(EFFECTS_SETTLED_PATCH) ? 'settled' : 'chained';
}

/**
 * Upserts the attributes whose value differs from what the workflow already carries (set at start
 * by the caller, or by an earlier upsert); nothing when none does. Older generations upsert every
 * attribute at every step: they keep doing so, or their histories would not replay.
 */
export function upsertAttributes(gen: Generation, updates: SearchAttributeUpdatePair[]): void {
  if (!isAtLeast(gen, 'lean')) {
    upsertSearchAttributes(updates);
    return;
  }
  const current = workflowInfo().typedSearchAttributes;
  const changed = updates.filter(({ key, value }) => !sameValue(current.get(key), value));
  if (changed.length > 0) upsertSearchAttributes(changed);
}

/** Keywords and instants: the kinds of attribute the workflows keep. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  // A null update removes the attribute: the same as an attribute never set.
  return (a ?? null) === (b ?? null);
}

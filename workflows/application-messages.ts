/**
 * The application workflow's contract with the world: its messages and the type of its refusals.
 * A file of its own so that callers (the API, the position activities, the CLI's tests) take
 * the contract without the workflow: the activity took it from application-workflow.ts, which
 * imports the activities' types, a loop between the layers.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApplicationView, TransitionAnswer, TransitionRequestInput } from '../schemas/application.js';

/** A person at a screen: answers with the new state, or refuses with the reason and changes nothing. */
export const transitionUpdate = defineUpdate<TransitionAnswer, [TransitionRequestInput]>('transition');
/** Bulk tools and other systems: the same transition, fire-and-forget; a refusal goes on the timeline. */
export const transitionSignal = defineSignal<[TransitionRequestInput]>('transition');
export const getApplicationQuery = defineQuery<ApplicationView>('getApplication');

/** Error type of a refused transition: non-retryable, its message is the business reason. */
export const REFUSED = 'TransitionRefused';

/**
 * How long a candidate's personal data is kept: a retention period after their last activity
 * (account creation, a submission). When it passes with no application in progress, the data is
 * erased by crypto-shredding; while one is in progress, the clock starts again.
 */
import {
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

/** Sent on every activity of the candidate: the retention period starts again. */
export const candidateActivitySignal = defineSignal('candidateActivity');

const { eraseCandidateIfInactive } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
});

export function retentionWorkflowId(candidateId: string): string {
  return `retention/${candidateId}`;
}

export async function candidateRetentionWorkflow(input: {
  candidateId: string;
  retentionDays: number;
}): Promise<'erased'> {
  let activity = 0;
  setHandler(candidateActivitySignal, () => {
    activity += 1;
  });
  for (;;) {
    const seen = activity;
    const renewed = await condition(() => activity !== seen, input.retentionDays * 24 * 60 * 60 * 1000);
    if (!renewed) {
      // The period passed in silence: erase, unless an application is still in progress.
      if ((await eraseCandidateIfInactive({ candidateId: input.candidateId })) === 'erased') return 'erased';
    }
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof candidateRetentionWorkflow>(input);
  }
}

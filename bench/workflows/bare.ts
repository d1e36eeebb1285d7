/**
 * The engine's own limit, for the benchmark's baseline: a bare workflow that takes the same
 * updates and runs the same number of (no-op) activities, in the same shape, as an application
 * does, with none of our rules, encryption, emails or events. Deterministic like any workflow.
 */
import { condition, defineQuery, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export interface BareActivities {
  noop(step: number): Promise<void>;
}
const { noop } = proxyActivities<BareActivities>({ startToCloseTimeout: '1 minute' });

/** For each step (0 = start, then one per update): activities awaited inside it, and run behind it. */
export interface BarePlan {
  steps: { inline: number; events: number; emails: number }[];
}

export const stepUpdate = defineUpdate<{ step: number }, [{ command: string }]>('step');
export const stepQuery = defineQuery<{ step: number }>('step');

export async function bareWorkflow(plan: BarePlan): Promise<{ step: number }> {
  let step = 0;
  let pending = 0;
  // Two lanes in order, like the application's EffectLane: events, and emails.
  const lanes = [Promise.resolve(), Promise.resolve()];
  const behind = (lane: 0 | 1, n: number) => {
    for (let i = 0; i < n; i++) {
      pending += 1;
      lanes[lane] = lanes[lane]!.then(() => noop(step)).finally(() => {
        pending -= 1;
      });
    }
  };
  const run = async (s: number) => {
    const shape = plan.steps[s] ?? { inline: 0, events: 0, emails: 0 };
    for (let i = 0; i < shape.inline; i++) await noop(s);
    behind(0, shape.events);
    behind(1, shape.emails);
  };
  setHandler(stepQuery, () => ({ step }));
  setHandler(stepUpdate, async () => {
    step += 1;
    await run(step);
    return { step };
  });
  await run(0);
  await condition(() => step >= plan.steps.length - 1);
  await condition(() => pending === 0);
  return { step };
}

/** The retention clock under the time-skipping server: two years of silence, then erasure. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { candidateActivitySignal, candidateRetentionWorkflow } from '../../workflows/retention-workflow.js';
import { fakeWorker } from '../helpers/application-harness.js';
import { DAYS } from '../helpers/fixtures.js';
import { timeSkippingEnv } from '../helpers/temporal.js';

let env: TestWorkflowEnvironment;
let w: Awaited<ReturnType<typeof fakeWorker>>;

beforeAll(async () => {
  env = await timeSkippingEnv();
  w = await fakeWorker(env, 'retention');
});
afterAll(async () => {
  await w?.stop();
  await env?.teardown();
});

it('erases after the retention period from the last activity, and waits while an application is open', async () => {
  const start = await env.currentTimeMs();
  const handle = await env.client.workflow.start(candidateRetentionWorkflow, {
    taskQueue: w.taskQueue,
    workflowId: 'retention/cand-r',
    args: [{ candidateId: 'cand-r', retentionDays: 730 }],
  });
  // Activity at day 300 starts the clock again; an application is still open when it first runs out.
  await env.sleep(DAYS(300));
  await handle.signal(candidateActivitySignal);
  w.fake.activeCandidates.add('cand-r');
  await env.sleep(DAYS(730) + 60_000);
  expect(w.fake.erased).toEqual([]);
  w.fake.activeCandidates.delete('cand-r');
  expect(await handle.result()).toBe('erased');
  const days = ((await env.currentTimeMs()) - start) / DAYS(1);
  expect(w.fake.erased).toEqual(['cand-r']);
  // Not at 730 days (the activity at 300 renewed it), nor at 1030 (an application was open).
  expect(days).toBeGreaterThanOrEqual(300 + 730 + 730);
});

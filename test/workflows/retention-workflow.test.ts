/** The retention clock under the time-skipping server: two years of silence, then erasure. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { candidateActivitySignal, candidateRetentionWorkflow } from '../../workflows/retention-workflow.js';
import { fakeActivities } from '../helpers/fake-activities.js';
import { DAYS } from '../helpers/fixtures.js';
import { timeSkippingEnv, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const fake = fakeActivities();
const taskQueue = uniqueTaskQueue('retention');

beforeAll(async () => {
  env = await timeSkippingEnv();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: fake.activities,
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

it('erases after the retention period from the last activity, and waits while an application is open', async () => {
  const start = await env.currentTimeMs();
  const handle = await env.client.workflow.start(candidateRetentionWorkflow, {
    taskQueue,
    workflowId: 'retention/cand-r',
    args: [{ candidateId: 'cand-r', retentionDays: 730 }],
  });
  // Activity at day 300 starts the clock again; an application is still open when it first runs out.
  await env.sleep(DAYS(300));
  await handle.signal(candidateActivitySignal);
  fake.activeCandidates.add('cand-r');
  await env.sleep(DAYS(730) + 60_000);
  expect(fake.erased).toEqual([]);
  fake.activeCandidates.delete('cand-r');
  expect(await handle.result()).toBe('erased');
  const days = ((await env.currentTimeMs()) - start) / DAYS(1);
  expect(fake.erased).toEqual(['cand-r']);
  // Not at 730 days (the activity at 300 renewed it), nor at 1030 (an application was open).
  expect(days).toBeGreaterThanOrEqual(300 + 730 + 730);
});

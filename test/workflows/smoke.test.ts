import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import {
  applicationWorkflow,
  getApplicationQuery,
  transitionUpdate,
} from '../../workflows/application-workflow.js';
import { fakeActivities } from '../helpers/fake-activities.js';
import { applicationInput, recruiter } from '../helpers/fixtures.js';
import { timeSkippingEnv, workflowBundle } from '../helpers/temporal.js';

describe('smoke', () => {
  it('runs', async () => {
    const env = await timeSkippingEnv();
    const fake = fakeActivities();
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'tq',
      workflowBundle: await workflowBundle(),
      activities: fake.activities,
    });
    await worker.runUntil(async () => {
      const now = Date.now();
      const input = applicationInput(now);
      const h = await env.client.workflow.start(applicationWorkflow, {
        taskQueue: 'tq',
        workflowId: input.applicationId,
        args: [input],
      });
      const v = await h.executeUpdate(transitionUpdate, {
        args: [recruiter({ type: 'screen', decision: 'shortlist' })],
      });
      expect(v.status).toBe('screened');
      const q = await h.query(getApplicationQuery);
      console.log(JSON.stringify(q, null, 1).slice(0, 2000));
    });
    await env.teardown();
  });
});

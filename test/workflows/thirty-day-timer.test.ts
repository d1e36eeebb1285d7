/** The time-skipping server at work: a 30-day wait costs milliseconds, not a month. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { applicationHarness } from '../helpers/application-harness.js';
import { applicationInput, DAYS, recruiter } from '../helpers/fixtures.js';
import { timeSkippingEnv } from '../helpers/temporal.js';

let env: TestWorkflowEnvironment;
let h: Awaited<ReturnType<typeof applicationHarness>>;
beforeAll(async () => {
  env = await timeSkippingEnv();
  h = await applicationHarness(env);
});
afterAll(async () => {
  await h?.stop();
  await env?.teardown();
});

it('runs a 30-day confirmation timer to its end in well under the wall time of a day', async () => {
  const now = await env.currentTimeMs();
  const input = applicationInput(now, { policy: { interviewConfirmationDays: 30 } });
  const handle = await h.submit(input);
  await h.act(handle, recruiter({ type: 'screen', decision: 'shortlist' }));
  const invited = await h.act(
    handle,
    recruiter({
      type: 'schedule_interview',
      at: new Date(now + DAYS(40)).toISOString(),
      mode: { kind: 'video', link: 'https://video.interpol.int/r/2' },
      contactedBy: 'email',
    }),
  );
  const wallStart = performance.now();
  const final = await handle.result();
  const wallMs = performance.now() - wallStart;
  const serverMs = Date.parse(final.outcome!.at) - Date.parse(invited.interview!.invitedAt);
  console.info(
    `30-day timer: ${(serverMs / DAYS(1)).toFixed(2)} days of workflow time in ${wallMs.toFixed(0)} ms`,
  );
  expect(final.outcome?.deadline).toBe('interview_confirmation');
  expect(serverMs).toBeGreaterThanOrEqual(DAYS(30));
  // Not a benchmark: a bound a month-long wait could never meet without time skipping.
  expect(wallMs).toBeLessThan(10_000);
});

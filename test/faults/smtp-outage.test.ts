/**
 * The SMTP server stopped while applications move: the workflow goes on, the email activity retries
 * with backoff, and when the server is back on the same address each email arrives once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getApplication, startApplication, transition } from '../../api/applications.js';
import { eventually } from '../helpers/application-harness.js';
import { applicationInput, recruiter } from '../helpers/fixtures.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { realStack } from '../helpers/stack.js';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let stack: Awaited<ReturnType<typeof realStack>>;

beforeAll(async () => {
  smtp = await startSmtpServer();
  stack = await realStack({ smtpUrl: smtp.url });
  await stack.directory.putStaff('rec-1', { name: 'Jean Martin', email: 'jean.martin@example.org' });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await smtp?.stop();
});

describe('SMTP outage', () => {
  it('retries while the mail server is down, and delivers each email once when it is back', async () => {
    const apps = [];
    for (let i = 0; i < 3; i++) {
      const input = applicationInput(Date.now());
      await stack.addCandidate(input.candidateId, `Outage ${i}`, `outage.${input.candidateId}@example.org`);
      const handle = await startApplication(stack.client, stack.taskQueue, input);
      apps.push({ input, handle });
    }
    for (const { handle } of apps)
      await eventually(
        () => getApplication(handle),
        (v) => v.pendingEffects === 0,
        30_000,
      );
    const port = Number(new URL(smtp.url).port);
    const before = smtp.received;
    await smtp.stop();

    // Recruiters go on working while mail is down: the answer does not wait for the email.
    for (const { handle } of apps) {
      const view = await transition(handle, recruiter({ type: 'screen', decision: 'shortlist' }));
      expect(view.status).toBe('screened');
    }
    await new Promise((r) => setTimeout(r, 4000));
    for (const { handle } of apps) expect((await getApplication(handle)).pendingEffects).toBeGreaterThan(0);

    smtp = await startSmtpServer(port);
    for (const { handle } of apps)
      await eventually(
        () => getApplication(handle),
        (v) => v.pendingEffects === 0,
        90_000,
      );
    // A little longer, so a late duplicate would have time to arrive.
    await new Promise((r) => setTimeout(r, 2000));
    for (const { input } of apps) {
      const mine = (list: typeof before) =>
        list.filter((m) => m.raw.includes(input.applicationId)).map((m) => m.header('X-Hiring-Template'));
      expect(mine(before)).toEqual(['acknowledgement']);
      expect(mine(smtp.received)).toEqual(['shortlisted']);
    }
  }, 180_000);
});

/**
 * A worker that lost its cache (a restart, a deploy, an eviction) rebuilds each application by
 * replaying its history from the start, and SDK core then groups the history's workflow tasks in
 * a way a later replay does not: a task that produced no command (say, an email activity finished)
 * followed at once by a recruiter's update is handed to the workflow as one activation
 * (temporalio/sdk-rust#1606). Code whose commands depend on that grouping records a history its
 * own next replay refuses (TMPRL1100), and the application stops.
 *
 * Here every workflow task is a fresh replay (a worker with no cache) while recruiters act as
 * fast as they can, so the grouping happens again and again; the applications must all reach
 * acceptance and their histories must replay.
 */
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getApplication, startApplication, transition } from '../../api/applications.js';
import { kvExamSeats } from '../../activities/exam-booking.js';
import { loadMasterKey } from '../../stores/master-key.js';
import { encryptionCodec } from '../../stores/payload-codec.js';
import { applicationInput, DAYS, stepsToAcceptance } from '../helpers/fixtures.js';
import { eventually, within } from '../helpers/application-harness.js';
import { realStack } from '../helpers/stack.js';
import { workflowBundle } from '../helpers/temporal.js';

const APPLICATIONS = 6;
let stack: Awaited<ReturnType<typeof realStack>>;

beforeAll(async () => {
  stack = await realStack({ config: { WORKER_MAX_CACHED_WORKFLOWS: '0' } });
  await stack.directory.putStaff('rec-1', { name: 'Jean Martin', email: 'jean.martin@example.org' });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

describe('a worker without a workflow cache', () => {
  it('takes applications to acceptance while recruiters act at once, and every history replays', async () => {
    const sessionId = `FRESH-${process.pid}-${Date.now()}`;
    await kvExamSeats(stack.nats.examSessions).createSession({
      sessionId,
      dutyStation: 'LYO',
      startsAt: new Date(Date.now() + DAYS(20)).toISOString(),
      capacity: APPLICATIONS,
    });
    const at = new Date(Date.now() + DAYS(4)).toISOString();
    const handles = await Promise.all(
      Array.from({ length: APPLICATIONS }, async (_, i) => {
        const input = applicationInput(Date.now() + i);
        await stack.addCandidate(input.candidateId, `Fresh ${i}`, `${input.candidateId}@example.org`);
        const handle = await startApplication(stack.client, stack.taskQueue, input);
        // One after the other, each as soon as the previous step's emails and events are out:
        // the task that saw the last of them finish produced no command, and the recruiter's next
        // update follows it at once (the grouping described above).
        for (const [k, step] of stepsToAcceptance(input.candidateId, sessionId, at).entries()) {
          await eventually(
            () => getApplication(handle),
            (v) => v.pendingEffects === 0,
            60_000,
          );
          await within(60_000, transition(handle, step), `${handle.workflowId} step ${k + 1}`);
        }
        return handle;
      }),
    );
    const histories = [];
    for (const handle of handles) {
      expect((await within(120_000, handle.result(), handle.workflowId)).status).toBe('accepted');
      const history = await handle.fetchHistory();
      // Not one workflow task failed on the way (a failed replay shows as a failed task).
      expect(
        history.events?.filter((e) => e.workflowTaskFailedEventAttributes).length,
        handle.workflowId,
      ).toBe(0);
      histories.push({ workflowId: handle.workflowId, history });
    }
    const failures: string[] = [];
    const dataConverter = { payloadCodecs: [encryptionCodec(loadMasterKey(stack.config))] };
    for await (const r of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(), dataConverter },
      histories,
    ))
      if (r.error) failures.push(`${r.workflowId}: ${String(r.error)}`);
    expect(failures).toEqual([]);
  }, 300_000);
});

/**
 * Records the histories of real runs of the application workflow, one per path through the
 * pipeline, into test/replay/histories/. `npm run record-histories`; commit the files.
 *
 * Record new histories when the workflow gains a path; never re-record old ones to make a change
 * pass: they stand for applications already in flight, which the new code must still replay.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import './../helpers/quiet-runtime.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applicationHarness, type ApplicationHandle } from '../helpers/application-harness.js';
import { applicationInput, candidateSays, DAYS, publishedPosition, recruiter } from '../helpers/fixtures.js';
import { runHandle, timeSkippingEnv } from '../helpers/temporal.js';
import { DUTY_STATIONS, type ContractType, type DutyStation } from '../../schemas/reference.js';
import { instantToZoned } from '../../schemas/time.js';
import { positionUpdate, positionWorkflow } from '../../workflows/position-workflow.js';
import { candidateActivitySignal, candidateRetentionWorkflow } from '../../workflows/retention-workflow.js';

const outDir = join(dirname(fileURLToPath(import.meta.url)), 'histories');
mkdirSync(outDir, { recursive: true });

const env: TestWorkflowEnvironment = await timeSkippingEnv();
const h = await applicationHarness(env, { capacity: 1 });

/**
 * The workflow code's current generation: each path is recorded once per generation that changed
 * the commands a run writes (a patch), as `<path>.<generation>.json`. The first generation's files
 * have no suffix.
 */
const GENERATION = 'candidate-reminders';

async function save(
  name: string,
  handle: Pick<ApplicationHandle, 'fetchHistory'>,
  { generations = true, since = 'first' }: { generations?: boolean; since?: 'first' | 'now' } = {},
): Promise<void> {
  let history: Awaited<ReturnType<typeof handle.fetchHistory>> | undefined;
  // A path that exists only since this generation has no first-generation file to stand for.
  const files = !generations
    ? [name]
    : since === 'now'
      ? [`${name}.${GENERATION}`]
      : [name, `${name}.${GENERATION}`];
  for (const file of files) {
    const path = join(outDir, `${file}.json`);
    // An existing history stands for applications in flight under older code: it is never replaced.
    if (existsSync(path)) {
      process.stdout.write(`kept ${file} (already recorded)\n`);
      continue;
    }
    history ??= await handle.fetchHistory();
    writeFileSync(path, historyToJSON(history) + '\n');
    process.stdout.write(`recorded ${file}: ${history.events?.length ?? 0} events\n`);
  }
}

/** A position opened now at the station, closing in ten days. */
async function startPosition(positionId: string, dutyStation: DutyStation, contractType: ContractType) {
  const position = publishedPosition(await env.currentTimeMs(), {
    positionId,
    reference: `VN-${positionId.replace('REC-POS-', 'REC-')}`,
    dutyStation,
    contractType,
  });
  return env.client.workflow.start(positionWorkflow, {
    taskQueue: h.taskQueue,
    workflowId: `position/${positionId}`,
    args: [position],
  });
}

async function fresh(policy = {}) {
  const now = await env.currentTimeMs();
  const input = applicationInput(now, { policy });
  const handle = await h.submit(input);
  await h.settled(handle);
  return { now, input, handle, c: input.candidateId };
}

const video = { kind: 'video' as const, link: 'https://video.interpol.int/room/7' };
const at = (now: number, days: number) => new Date(now + DAYS(days)).toISOString();

async function toWrittenExam(a: Awaited<ReturnType<typeof fresh>>) {
  await h.act(a.handle, recruiter({ type: 'screen', decision: 'shortlist' }));
  await h.act(
    a.handle,
    recruiter({ type: 'schedule_interview', at: at(a.now, 4), mode: video, contactedBy: 'email' }),
  );
  await h.act(a.handle, candidateSays(a.c, { type: 'confirm_interview' }));
  await h.act(a.handle, recruiter({ type: 'record_interview', outcome: 'pass' }));
}

try {
  {
    const a = await fresh();
    await h.act(a.handle, recruiter({ type: 'screen', decision: 'shortlist' }));
    await h.act(
      a.handle,
      recruiter({ type: 'schedule_interview', at: at(a.now, 4), mode: video, contactedBy: 'phone' }),
    );
    await h.act(a.handle, recruiter({ type: 'reschedule_interview', at: at(a.now, 6), reason: 'panel' }));
    await h.act(a.handle, candidateSays(a.c, { type: 'confirm_interview' }));
    await h.act(a.handle, recruiter({ type: 'record_interview', outcome: 'pass' }));
    await h.act(a.handle, recruiter({ type: 'schedule_exam', sessionId: 'REC-ACCEPTED' }));
    await h.act(a.handle, recruiter({ type: 'record_exam_result', score: 77, passed: true }));
    await h.act(a.handle, recruiter({ type: 'make_offer', terms: 'P3' }));
    await h.act(a.handle, candidateSays(a.c, { type: 'accept_offer' }));
    await a.handle.result();
    // 'accepted' was recorded before the HR onboarding patch; this run has its marker.
    await save('accepted', a.handle, { generations: false });
    await save('accepted-with-hr-onboarding', a.handle);
  }
  {
    const a = await fresh();
    await h.act(a.handle, recruiter({ type: 'screen', decision: 'reject', notes: 'profile' }));
    await a.handle.result();
    await save('rejected-at-screening', a.handle);
  }
  {
    const a = await fresh();
    await toWrittenExam(a);
    await h.act(a.handle, recruiter({ type: 'schedule_exam', sessionId: 'REC-FAILED' }));
    await h.act(a.handle, recruiter({ type: 'record_exam_result', score: 31, passed: false }));
    await a.handle.result();
    await save('rejected-exam-failed', a.handle);
  }
  {
    const a = await fresh();
    await toWrittenExam(a);
    await h.act(a.handle, recruiter({ type: 'schedule_exam', sessionId: 'REC-WITHDRAWN' }));
    await h.act(a.handle, candidateSays(a.c, { type: 'withdraw', reason: 'other offer' }));
    await a.handle.result();
    await save('withdrawn-seat-released', a.handle);
  }
  {
    // The one seat of the session is taken: the booking activity refuses, the update fails.
    const a = await fresh();
    await toWrittenExam(a);
    await h
      .act(a.handle, recruiter({ type: 'schedule_exam', sessionId: 'REC-WITHDRAWN-FULL' }))
      .catch(() => 0);
    const b = await fresh();
    await toWrittenExam(b);
    await h
      .act(b.handle, recruiter({ type: 'schedule_exam', sessionId: 'REC-WITHDRAWN-FULL' }))
      .catch(() => 0);
    await h.act(b.handle, recruiter({ type: 'reject', reason: 'no seat' }));
    await b.handle.result();
    await save('exam-session-full-then-rejected', b.handle);
    await h.act(a.handle, recruiter({ type: 'reject', reason: 'closing' }));
  }
  {
    const a = await fresh();
    await toWrittenExam(a);
    await h.act(a.handle, recruiter({ type: 'schedule_exam', sessionId: 'REC-DECLINED' }));
    await h.act(a.handle, recruiter({ type: 'record_exam_result', score: 90, passed: true }));
    await h.act(a.handle, recruiter({ type: 'make_offer', terms: 'P2' }));
    await h.act(a.handle, candidateSays(a.c, { type: 'decline_offer', reason: 'salary' }));
    await a.handle.result();
    await save('declined', a.handle);
  }
  {
    const a = await fresh();
    await h.act(a.handle, recruiter({ type: 'screen', decision: 'shortlist' }));
    await h.act(
      a.handle,
      recruiter({ type: 'schedule_interview', at: at(a.now, 4), mode: video, contactedBy: 'email' }),
    );
    await a.handle.result();
    await save('expired-interview-confirmation', a.handle);
  }
  {
    const a = await fresh();
    await toWrittenExam(a);
    await h.act(a.handle, recruiter({ type: 'schedule_exam', sessionId: 'REC-OFFER-EXPIRED' }));
    await h.act(a.handle, recruiter({ type: 'record_exam_result', score: 66, passed: true }));
    const v = await h.act(a.handle, recruiter({ type: 'make_offer', terms: 'P4' }));
    const until = new Date(Date.parse(v.offer!.respondBy) + DAYS(7)).toISOString();
    await h.act(a.handle, recruiter({ type: 'extend_deadline', deadline: 'offer_response', until }));
    await a.handle.result();
    await save('expired-offer-after-extension', a.handle);
  }
  {
    const a = await fresh();
    await h.signal(a.handle, recruiter({ type: 'make_offer', terms: 'too early' }));
    await h.signal(a.handle, recruiter({ type: 'screen', decision: 'shortlist' }));
    await a.handle.result();
    await save('expired-max-wait-with-reminders-and-refused-signal', a.handle);
  }
  {
    const a = await fresh({ historyEventLimit: 200, recruiterReminderDays: 2 });
    const first = await a.handle.describe();
    await a.handle.result();
    await save('continued-as-new-first-run', runHandle(env, a.handle.workflowId, first.runId));
    await save('continued-as-new-last-run', a.handle);
  }
  {
    // A position: opened, closed by its deadline, then filled; its applications closed in bulk.
    const handle = await startPosition('REC-POS-1', 'BUE', 'short_term');
    await env.sleep(DAYS(11));
    await handle.executeUpdate(positionUpdate, {
      args: [{ actor: { role: 'recruiter', id: 'rec-1' }, command: { type: 'fill' } }],
    });
    await handle.result();
    await save('position-closed-by-deadline-then-filled', handle);

    const a = await fresh();
    await h.signal(a.handle, {
      actor: { role: 'system', id: 'position/REC-POS-1' },
      command: { type: 'position_closed', reason: 'filled' },
    });
    await a.handle.result();
    await save('rejected-position-filled', a.handle);
  }
  {
    // A position extended (its memo follows: DEADLINE_MEMO_PATCH), then cancelled.
    const now = await env.currentTimeMs();
    const zone = DUTY_STATIONS.SIN.timeZone;
    const handle = await startPosition('REC-POS-2', 'SIN', 'fixed_term');
    await env.sleep(DAYS(2));
    await handle.executeUpdate(positionUpdate, {
      args: [
        {
          actor: { role: 'recruiter', id: 'rec-1' },
          command: { type: 'extend_deadline', deadlineLocal: instantToZoned(new Date(now + DAYS(20)), zone) },
        },
      ],
    });
    await handle.executeUpdate(positionUpdate, {
      args: [{ actor: { role: 'recruiter', id: 'rec-1' }, command: { type: 'cancel', reason: 'budget' } }],
    });
    await handle.result();
    await save('position-extended-then-cancelled', handle, { since: 'now' });
  }
  {
    // Handed over by its recruiter, then by its position (a signal from the system), then rejected
    // by the recruiter now in charge.
    const a = await fresh();
    await h.act(a.handle, recruiter({ type: 'hand_over', recruiterId: 'rec-2', notes: 'away in May' }));
    await h.signal(a.handle, {
      actor: { role: 'system', id: 'position/REC-POS-3' },
      command: { type: 'hand_over', recruiterId: 'rec-3' },
    });
    await h.settled(a.handle);
    await h.act(a.handle, {
      actor: { role: 'recruiter', id: 'rec-3' },
      command: { type: 'reject', reason: 'the post needs Spanish' },
    });
    await a.handle.result();
    await save('handed-over-then-rejected', a.handle, { since: 'now' });
  }
  {
    // A position handed over (its applications with it), then filled.
    const handle = await startPosition('REC-POS-3', 'NBO', 'fixed_term');
    await env.sleep(DAYS(1));
    await handle.executeUpdate(positionUpdate, {
      args: [{ actor: { role: 'hr', id: 'hr-1' }, command: { type: 'hand_over', recruiterId: 'rec-2' } }],
    });
    await handle.executeUpdate(positionUpdate, {
      args: [{ actor: { role: 'recruiter', id: 'rec-2' }, command: { type: 'fill' } }],
    });
    await handle.result();
    await save('position-handed-over-then-filled', handle, { since: 'now' });
  }
  {
    // The retention clock: renewed once, then erasure.
    const handle = await env.client.workflow.start(candidateRetentionWorkflow, {
      taskQueue: h.taskQueue,
      workflowId: 'retention/REC-CAND',
      args: [{ candidateId: 'REC-CAND', retentionDays: 730 }],
    });
    await env.sleep(DAYS(100));
    await handle.signal(candidateActivitySignal);
    await handle.result();
    // No effect lanes in this workflow: the generations do not change its history.
    await save('retention-renewed-then-erased', handle, { generations: false });
  }
} finally {
  await h.stop();
  await env.teardown();
}

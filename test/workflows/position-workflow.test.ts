/** The position workflow under the time-skipping server: its deadline closes it, by its own timer. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantToZoned } from '../../schemas/time.js';
import { getPositionQuery, positionUpdate, positionWorkflow } from '../../workflows/position-workflow.js';
import { eventually, fakeWorker, refusalOf } from '../helpers/application-harness.js';
import { DAYS, publishedPosition } from '../helpers/fixtures.js';
import { timeSkippingEnv } from '../helpers/temporal.js';

let env: TestWorkflowEnvironment;
let w: Awaited<ReturnType<typeof fakeWorker>>;

beforeAll(async () => {
  env = await timeSkippingEnv();
  w = await fakeWorker(env, 'positions');
});
afterAll(async () => {
  await w?.stop();
  await env?.teardown();
});

let n = 0;
async function open(daysAhead: number) {
  const now = await env.currentTimeMs();
  n += 1;
  const position = publishedPosition(
    now,
    {
      positionId: `P-${process.pid}-${n}`,
      reference: `VN-${n}`,
      title: 'Cybercrime Analyst',
      description: 'Analyse cybercrime trends.',
      dutyStation: 'SIN',
    },
    daysAhead,
  );
  const handle = await env.client.workflow.start(positionWorkflow, {
    taskQueue: w.taskQueue,
    workflowId: `position/${position.positionId}`,
    args: [position],
  });
  return { handle, position };
}
const recruiter = { role: 'recruiter' as const, id: 'rec-1' };

describe('position workflow', () => {
  it('closes itself at its deadline, and a later extension reopens it with the timer following', async () => {
    const { handle, position } = await open(10);
    expect((await handle.query(getPositionQuery)).status).toBe('open');
    await env.sleep(DAYS(10) + 60_000);
    const closed = await eventually(
      () => handle.query(getPositionQuery),
      (v) => v.status === 'closed',
    );
    expect(closed.history.map((h) => h.what)).toContain('closed: the deadline passed');

    const later = instantToZoned(new Date((await env.currentTimeMs()) + DAYS(5)), position.timeZone);
    const reopened = await handle.executeUpdate(positionUpdate, {
      args: [{ actor: recruiter, command: { type: 'extend_deadline', deadlineLocal: later } }],
    });
    expect(reopened.status).toBe('open');
    // The local closing time moves with the instant, and the memo the vacancy lists read follows.
    expect(reopened.position.deadlineLocal).toBe(later);
    expect((await handle.describe()).memo).toMatchObject({
      deadlineLocal: later,
      deadline: reopened.position.deadline,
    });
    await env.sleep(DAYS(4));
    expect((await handle.query(getPositionQuery)).status).toBe('open');
    await env.sleep(DAYS(1) + 120_000);
    await eventually(
      () => handle.query(getPositionQuery),
      (v) => v.status === 'closed',
    );
  });

  it('is changed by recruiters only, and not after it is filled', async () => {
    const { handle } = await open(30);
    expect(
      await refusalOf(
        handle.executeUpdate(positionUpdate, {
          args: [{ actor: { role: 'candidate', id: 'c' }, command: { type: 'cancel', reason: 'x' } }],
        }),
      ),
    ).toMatch(/for recruiters, not candidate/);
    await handle.executeUpdate(positionUpdate, { args: [{ actor: recruiter, command: { type: 'fill' } }] });
    const final = await handle.result();
    expect(final.status).toBe('filled');
    expect(w.fake.closedPositions).toContain(`${final.position.positionId}:filled`);
    expect(
      w.fake.events.filter((e) => e.positionId === final.position.positionId).map((e) => e.type),
    ).toEqual(['position.opened', 'position.filled']);
  });

  it('is handed over with its applications in progress, each hand-over in order, before it closes them', async () => {
    const { handle, position } = await open(30);
    const handOver = (actor: { role: 'recruiter' | 'hr' | 'candidate'; id: string }, recruiterId: string) =>
      handle.executeUpdate(positionUpdate, {
        args: [{ actor, command: { type: 'hand_over', recruiterId } }],
      });
    expect(await refusalOf(handOver({ role: 'candidate', id: 'c' }, 'rec-2'))).toMatch(
      /a hand-over is for recruiters, HR and admins, not candidate/,
    );
    expect(await refusalOf(handOver(recruiter, 'rec-1'))).toMatch(/rec-1 is already in charge/);
    const handed = await handOver({ role: 'hr', id: 'hr-1' }, 'rec-2');
    expect(handed.position.recruiterId).toBe('rec-2');
    await handOver(recruiter, 'rec-3');
    // Their own vacancy list finds it by the recruiter attribute.
    const attrs = (await handle.describe()).typedSearchAttributes;
    expect(attrs.getAll().find((p) => p.key.name === 'RecruiterId')?.value).toBe('rec-3');
    await handle.executeUpdate(positionUpdate, { args: [{ actor: recruiter, command: { type: 'fill' } }] });
    const final = await handle.result();
    expect(final.position.recruiterId).toBe('rec-3');
    expect(w.fake.handedOverPositions.filter((h) => h.startsWith(`${position.positionId}:`))).toEqual([
      `${position.positionId}:rec-2`,
      `${position.positionId}:rec-3`,
    ]);
    expect(w.fake.events.filter((e) => e.positionId === position.positionId).map((e) => e.type)).toEqual([
      'position.opened',
      'position.handed_over',
      'position.handed_over',
      'position.filled',
    ]);
    // The applications went to rec-2, then to rec-3, and only then were they closed.
    const scheduled = ((await handle.fetchHistory()).events ?? []).flatMap((e) => {
      const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
      return name && name !== 'publishEvent' ? [name] : [];
    });
    expect(scheduled).toEqual([
      'handOverApplicationsOfPosition',
      'handOverApplicationsOfPosition',
      'closeApplicationsOfPosition',
    ]);
    expect(final.history.map((h) => h.what).slice(1, 3)).toEqual([
      'handed over from rec-1 to rec-2',
      'handed over from rec-2 to rec-3',
    ]);
  });
});

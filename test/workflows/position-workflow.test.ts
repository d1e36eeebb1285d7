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
});

/**
 * The API process killed (SIGKILL) under a recruiter's request, at moments from "before it reached
 * the workflow" to "after the answer was written", then started again: the client's retry with the
 * same Idempotency-Key gives one outcome, the first one, and the application moved once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitForPort } from '../../scripts/servers.js';
import { eventually } from '../helpers/application-harness.js';
import { realStack } from '../helpers/stack.js';
import type { ApplicationView } from '../../schemas/application.js';

let stack: Awaited<ReturnType<typeof realStack>>;
let api: ChildProcess | undefined;
let port: number;
let token: string;
const run = `${process.pid}${Date.now() % 100000}`;
const positionId = `RST${run}`;

async function startApi(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: stack.config.TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      NATS_URL: stack.config.NATS_URL,
      DATA_DIR: stack.dataDir,
      MASTER_KEY: stack.config.MASTER_KEY,
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
    },
    stdio: 'ignore',
  });
  api = child;
  await waitForPort(port, 60_000, child);
}

function killApi(): Promise<void> {
  const child = api!;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  return exited;
}

const screen = (candidateId: string, key: string) =>
  fetch(`http://127.0.0.1:${port}/applications/${positionId}/${candidateId}/transitions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ type: 'screen', decision: 'shortlist', notes: 'strong analytical profile' }),
    // A request the API never answers fails here, named, instead of waiting out the test's timeout.
    signal: AbortSignal.timeout(30_000),
  });

beforeAll(async () => {
  stack = await realStack();
  port = await freePort();
  token = await stack.api.tokens.issue('recruiter', 'rec-1');
  await stack.directory.putStaff('rec-1', { name: 'Jean Martin', email: 'jean.martin@example.org' });
  await stack.openPosition(
    {
      positionId,
      title: 'Cybercrime analyst',
      description: 'Analysis for member countries.',
      dutyStation: 'SIN',
      contractType: 'fixed_term',
    },
    5,
  );
  await startApi();
}, 120_000);
afterAll(async () => {
  if (api) await killApi();
  await stack?.stop();
});

describe('API restart mid-request', () => {
  it('answers the retry with the first outcome, and the application moves once', async () => {
    // Milliseconds after sending, or 'answered': killed after the answer came back unread.
    const moments = [0, 15, 40, 80, 150, 'answered'] as const;
    let landedBeforeRetry = 0;
    for (const [i, moment] of moments.entries()) {
      const candidateId = `rst${run}${i}`;
      await stack.candidateWithCv(candidateId);
      const handle = await stack.submit(candidateId, positionId);
      const key = `screen-${candidateId}-1`;
      const first = screen(candidateId, key).catch((err: unknown) => err);
      if (moment === 'answered') await first;
      else await new Promise((r) => setTimeout(r, moment));
      await killApi();
      await first;
      const before = await handle.query<ApplicationView>('getApplication');
      if (before.status === 'screened') landedBeforeRetry += 1;

      await startApi();
      const retried = await screen(candidateId, key);
      expect(retried.status, await retried.clone().text()).toBe(200);
      expect(((await retried.json()) as ApplicationView).status).toBe('screened');
      // And once more, for good measure: still the same outcome, not a refusal.
      const again = await screen(candidateId, key);
      expect(again.status).toBe(200);

      const view = await handle.query<ApplicationView>('getApplication');
      expect(view.timeline.filter((t) => t.kind === 'transition' && t.to === 'screened')).toHaveLength(1);
      expect(view.timeline.filter((t) => t.kind === 'refused')).toHaveLength(0);
      // A new key is a new action: refused, since the application is already screened.
      const other = await screen(candidateId, `screen-${candidateId}-2`);
      expect(other.status).toBe(409);
      await eventually(
        () => handle.query<ApplicationView>('getApplication'),
        (v) => v.pendingEffects === 0,
        30_000,
      );
    }
    // The case that matters most happened: the first request changed the application, and only
    // its answer was lost.
    expect(landedBeforeRetry).toBeGreaterThanOrEqual(1);
    console.info(
      `api restart: ${moments.length} kills under a request, ${landedBeforeRetry} after the transition landed; one outcome each`,
    );
  }, 240_000);
});

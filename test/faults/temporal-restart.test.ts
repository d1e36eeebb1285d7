/**
 * The Temporal dev server killed (SIGKILL) while applications wait on their timers, then started
 * again on the same SQLite file: every application is still there, the worker (never restarted)
 * reconnects, and every pending timer fires, once.
 */
import { readiness } from '../../api/readiness.js';
import { buildApp } from '../../api/server.js';
import { apiTemporalConnection } from '../../api/deps.js';
import { Client } from '@temporalio/client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getApplication,
  startApplication,
  transition,
  type ApplicationHandle,
} from '../../api/applications.js';
import { freePort, startTemporalDevServer, type ServerHandle } from '../../scripts/servers.js';
import { eventually } from '../helpers/application-harness.js';
import { applicationInput, DAYS, recruiter } from '../helpers/fixtures.js';
import { realStack } from '../helpers/stack.js';

const dir = mkdtempSync(join(tmpdir(), 'hiring-temporal-restart-'));
const dbFile = join(dir, 'temporal.sqlite');
let port: number;
let server: ServerHandle;
let stack: Awaited<ReturnType<typeof realStack>>;

const startServer = async () => {
  server = await startTemporalDevServer({ port, dbFile, namespace: 'default', logDir: join(dir, 'logs') });
};

beforeAll(async () => {
  port = await freePort();
  await startServer();
  // The whole stack in-process (worker, client, stores), on this test's own server.
  stack = await realStack({ temporalAddress: `127.0.0.1:${port}` });
  await stack.directory.putStaff('rec-1', { name: 'Jean Martin', email: 'jean.martin@example.org' });
  for (let i = 0; i < 4; i++)
    await stack.addCandidate(
      `restart-${process.pid}-${i}`,
      `Restart ${i}`,
      `restart.${process.pid}.${i}@example.org`,
    );
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await server?.stop();
});

describe('Temporal server restart', () => {
  it('keeps every application and fires every pending timer after a SIGKILL and a restart', async () => {
    // The candidate has 40 seconds to confirm the interview; nobody does, so each expires.
    const windowDays = 40 / 86_400;
    const handles: ApplicationHandle[] = [];
    for (let i = 0; i < 4; i++) {
      const input = applicationInput(Date.now(), {
        candidateId: `restart-${process.pid}-${i}`,
        policy: { interviewConfirmationDays: windowDays },
      });
      const handle = await startApplication(stack.client, stack.taskQueue, input);
      await transition(handle, recruiter({ type: 'screen', decision: 'shortlist' }));
      await transition(
        handle,
        recruiter({
          type: 'schedule_interview',
          at: new Date(Date.now() + DAYS(4)).toISOString(),
          mode: { kind: 'in_person', dutyStation: 'LYO' },
          contactedBy: 'phone',
        }),
      );
      handles.push(handle);
    }

    // The API process's connection, made while the server is up, as the API's was.
    const apiConnection = await apiTemporalConnection(`127.0.0.1:${port}`);
    process.kill(-server.process.pid!, 'SIGKILL');
    await new Promise<void>((r) =>
      server.process.exitCode !== null ? r() : server.process.once('exit', () => r()),
    );
    await new Promise((r) => setTimeout(r, 2000));
    // An API on this server says it is not ready while it is gone, and which server is missing.
    expect(await readiness(stack, 500)).toEqual({ ready: false, temporal: 'down', nats: 'up' });
    // A request that needs it is told to come back (503, Retry-After), not that the API failed:
    // an API with its own connection, made as the API process makes it (fewer retries than the SDK's).
    const { app } = await buildApp({
      ...stack.api,
      client: new Client({ connection: apiConnection, dataConverter: stack.client.options.dataConverter }),
    });
    try {
      const staff = await stack.api.tokens.issue('recruiter', 'rec-1');
      const candidate = await stack.api.tokens.issue('candidate', `restart-${process.pid}-1`);
      const asked = Date.now();
      // A recruiter opening an application; a candidate applying (the position is read first).
      const [opened, applied] = await Promise.all([
        app.inject({
          method: 'GET',
          url: `/applications/${handles[0]!.workflowId.split('/')[1]!}/restart-${process.pid}-0`,
          headers: { authorization: `Bearer ${staff}` },
        }),
        app.inject({
          method: 'POST',
          url: '/applications',
          headers: {
            authorization: `Bearer ${candidate}`,
            'idempotency-key': `restart-apply-${process.pid}`,
          },
          payload: { positionId: 'P-WHILE-DOWN' },
        }),
      ]);
      console.info(`503 after ${Date.now() - asked} ms with the Temporal server down`);
      // Before, both said the thing did not exist: "no such application", "no such position".
      for (const res of [opened, applied]) {
        expect(res.statusCode, res.body).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.json<{ error: string }>().error).toMatch(/workflow server is not answering/);
      }
    } finally {
      await app.close();
      await apiConnection.close();
    }
    await startServer();
    await eventually(
      () => readiness(stack, 500),
      (r) => r.ready,
      60_000,
    );

    // A query needs the worker, which reconnects on its own: ask until it answers.
    const ask = (handle: ApplicationHandle) => getApplication(handle).catch(() => undefined);
    for (const handle of handles) {
      // Still there, still waiting, with its deadline as it was.
      const view = (await eventually(
        () => ask(handle),
        (v) => v !== undefined,
        60_000,
      ))!;
      expect(view.status).toBe('interview');
      expect(view.upcomingDeadlines.map((d) => d.kind)).toContain('interview_confirmation');
    }
    for (const handle of handles) {
      const final = (await eventually(
        () => ask(handle),
        (v) => v?.status === 'expired' && v.pendingEffects === 0,
        120_000,
      ))!;
      expect(final.outcome?.deadline).toBe('interview_confirmation');
      expect(final.timeline.filter((t) => t.kind === 'deadline')).toHaveLength(1);
    }
  }, 300_000);
});

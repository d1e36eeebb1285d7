/**
 * `npm start` as a user runs it: the system comes up on its embedded default, the Web UI answers,
 * Ctrl-C (even pressed twice) stops every child, and a second start finds the same data.
 */
import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { getApplication, startApplication } from '../../api/applications.js';
import { freePort, portIsFree } from '../../scripts/servers.js';
import { ConfigSchema } from '../../schemas/config.js';
import { loadMasterKey } from '../../stores/master-key.js';
import { encryptionCodec } from '../../stores/payload-codec.js';
import { applicationInput } from '../helpers/fixtures.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hiring-start-'));
// Every `npm start` this file began: one still running after a failed assertion is stopped as
// Ctrl-C would stop it (its servers with it), so a failing run leaves no process behind.
const started = new Set<ChildProcess>();
afterAll(async () => {
  await Promise.all([...started].filter((c) => c.exitCode === null).map((c) => stop(c)));
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

async function start(ports: Record<string, number>): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      MASTER_KEY: inject('masterKey'),
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      WORKER_METRICS_ADDRESS: `127.0.0.1:${ports.WORKER_METRICS_PORT}`,
      API_METRICS_ADDRESS: `127.0.0.1:${ports.API_METRICS_PORT}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const until = Date.now() + 90_000;
  while (!out.includes('Press Ctrl-C to stop.')) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${out}`);
    if (Date.now() > until) throw new Error(`npm start did not come up:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => out };
}

/**
 * Starts on ports free a moment ago. The dev server opens ports of its own, and the other test files
 * run beside this one: if one of ours was taken in between, try new ones (the second start too: the
 * first start's ports are free again once it stops, for anyone to take).
 */
async function startOnFreePorts(): Promise<{
  ports: Record<string, number>;
  run: Awaited<ReturnType<typeof start>>;
}> {
  for (let attempt = 1; ; attempt++) {
    const ports = {
      TEMPORAL_PORT: await freePort(),
      TEMPORAL_UI_PORT: await freePort(),
      NATS_PORT: await freePort(),
      API_PORT: await freePort(),
      WORKER_METRICS_PORT: await freePort(),
      API_METRICS_PORT: await freePort(),
    };
    try {
      return { ports, run: await start(ports) };
    } catch (err) {
      if (attempt >= 3 || !(err instanceof Error && /already in use/.test(err.message))) throw err;
    }
  }
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Ctrl-C pressed twice in a row must still stop everything.
  child.kill('SIGINT');
  child.kill('SIGINT');
  return exited;
}

describe('npm start', () => {
  it('runs the whole system, stops cleanly, and keeps the data for the next start', async () => {
    const { ports, run: first } = await startOnFreePorts();
    expect(first.output()).toContain(`Temporal Web UI   http://127.0.0.1:${ports.TEMPORAL_UI_PORT}`);
    const ui = await fetch(`http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/`);
    expect(ui.status).toBe(200);
    const api = await fetch(`http://127.0.0.1:${ports.API_PORT}/health`);
    expect(await api.json()).toEqual({ ok: true });
    const ready = await fetch(`http://127.0.0.1:${ports.API_PORT}/ready`);
    expect(await ready.json()).toEqual({ ready: true, temporal: 'up', nats: 'up' });

    // A candidate signs up and fills in a profile: their personal data must reach no log.
    const base = `http://127.0.0.1:${ports.API_PORT}`;
    const outbox = join(dataDir, 'outbox');
    const signUp = async (person: { name: string; email: string }) => {
      const signup = await fetch(`${base}/candidates`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(person),
      });
      expect(signup.status).toBe(201);
      const { candidateId } = (await signup.json()) as { candidateId: string };
      const mail = readdirSync(outbox)
        .map((f) => readFileSync(join(outbox, f), 'utf8'))
        .find((m) => m.includes(`account:${candidateId}:confirm`))!;
      const code = /confirmation code is (\d{6})/.exec(mail)![1]!;
      const confirmed = await fetch(`${base}/candidates/${candidateId}/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
      const { token } = (await confirmed.json()) as { token: string };
      return { candidateId, code, token };
    };
    const person = { name: 'Zinedine Logcheck', email: `logcheck.${process.pid}@example.org` };
    const { candidateId, code, token } = await signUp(person);
    const profile = await fetch(`${base}/me`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ dateOfBirth: '1987-06-05', nationality: 'DZ' }),
    });
    expect(profile.status).toBe(200);

    const address = `127.0.0.1:${ports.TEMPORAL_PORT}`;
    let connection = await Connection.connect({ address });
    // The worker encrypts payloads with a key derived from the master key under DATA_DIR.
    const dataConverter = {
      payloadCodecs: [
        encryptionCodec(
          loadMasterKey(ConfigSchema.parse({ DATA_DIR: dataDir, MASTER_KEY: inject('masterKey') })),
        ),
      ],
    };
    // The candidate who signed up applies: the worker looks their address up to acknowledge it.
    const input = applicationInput(Date.now(), { candidateId });
    await startApplication(new Client({ connection, dataConverter }), 'hiring-applications', input);
    await connection.close();
    // The worker has sent the acknowledgement (and logged it) before Ctrl-C.
    const acknowledged = () =>
      readdirSync(outbox).some((f) => {
        const m = readFileSync(join(outbox, f), 'utf8');
        return m.includes('X-Hiring-Template: acknowledgement') && m.includes(input.applicationId);
      });
    for (const until = Date.now() + 30_000; !acknowledged() && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 200));
    expect(acknowledged(), 'acknowledgement in the outbox').toBe(true);
    // The worker's Prometheus endpoint counts what it has done.
    expect(first.output()).toContain(
      `Worker metrics    http://127.0.0.1:${ports.WORKER_METRICS_PORT}/metrics`,
    );
    const metrics = await (await fetch(`http://127.0.0.1:${ports.WORKER_METRICS_PORT}/metrics`)).text();
    expect(metrics).toMatch(/^temporal_workflow_task_execution_latency\w*\{/m);
    expect(metrics).toMatch(/^temporal_activity_execution_latency\w*\{[^}]*activity_type="sendEmail"/m);
    // The API's: the sign-up by its route template and status, and the read side's backlog.
    expect(first.output()).toContain(`API metrics       http://127.0.0.1:${ports.API_METRICS_PORT}/metrics`);
    const apiMetrics = await (await fetch(`http://127.0.0.1:${ports.API_METRICS_PORT}/metrics`)).text();
    expect(apiMetrics).toMatch(
      /^hiring_api_requests_total\{method="POST",route="\/candidates",status="201"\} 1$/m,
    );
    expect(apiMetrics).toMatch(/^hiring_readside_pending_events \d+$/m);
    expect(apiMetrics).toMatch(/^hiring_api_request_duration_seconds_bucket\{[^}]*route="\/me"/m);

    // Someone closes their account: the log keeps the fact and the id (to erase them again after a
    // restore from an older backup: README, Deploying), never who they were.
    const leaving = { name: 'Ottilie Goodbye', email: `goodbye.${process.pid}@example.org` };
    const gone = await signUp(leaving);
    const closed = await fetch(`${base}/me`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${gone.token}` },
    });
    expect(closed.status).toBe(204);
    // The API's lines reach npm start's output through its pipe a moment after the answer.
    const erasureLine = () =>
      first
        .output()
        .split('\n')
        .find((l) => l.startsWith('{') && l.includes('"msg":"candidate erased"'));
    for (const until = Date.now() + 10_000; !erasureLine() && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 100));
    const erasedLine = erasureLine();
    expect(erasedLine, 'the erasure logged as a JSON line').toBeDefined();
    expect(JSON.parse(erasedLine!)).toMatchObject({ candidateId: gone.candidateId, by: 'candidate' });

    expect(await stop(first.child)).toBe(0);
    for (const port of Object.values(ports))
      expect(await portIsFree(port), `port ${port} still held`).toBe(true);
    // Everything the processes printed, and every log file the servers wrote.
    const logs = [
      first.output(),
      apiMetrics,
      ...readdirSync(join(dataDir, 'logs')).map((f) => readFileSync(join(dataDir, 'logs', f), 'utf8')),
    ].join('\n');
    expect(logs).toContain('/candidates'); // the requests were logged...
    for (const secret of [
      person.name,
      'Logcheck',
      person.email,
      '1987-06-05',
      token,
      code,
      leaving.name,
      leaving.email,
      gone.token,
    ])
      expect(logs, `'${secret}' in the logs`).not.toContain(secret); // ...the people were not
    // The worker writes one JSON object per line, and never an activity's task token.
    const emailLine = first
      .output()
      .split('\n')
      .find((l) => l.startsWith('{') && l.includes('"msg":"email"') && l.includes(input.applicationId));
    expect(emailLine, 'the worker logged the acknowledgement as a JSON line').toBeDefined();
    expect(JSON.parse(emailLine!)).toMatchObject({
      level: 30,
      msg: 'email',
      activityType: 'sendEmail',
      template: 'acknowledgement',
      status: 'sent',
    });
    expect(logs).not.toContain('taskToken');

    const { ports: secondPorts, run: second } = await startOnFreePorts();
    connection = await Connection.connect({ address: `127.0.0.1:${secondPorts.TEMPORAL_PORT}` });
    const view = await getApplication(
      new Client({ connection, dataConverter }).workflow.getHandle(input.applicationId),
    );
    expect(view.status).toBe('submitted');
    await connection.close();
    expect(await stop(second.child)).toBe(0);
    for (const port of Object.values(secondPorts)) expect(await portIsFree(port)).toBe(true);
  }, 240_000);

  it('refuses to start on a port that is taken, naming it', async () => {
    const busy = createServer();
    const port = await freePort();
    await new Promise<void>((r) => busy.listen(port, '127.0.0.1', r));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
        env: {
          ...process.env,
          DATA_DIR: dataDir,
          API_PORT: String(await freePort()),
          NATS_PORT: String(port),
          TEMPORAL_PORT: String(await freePort()),
          TEMPORAL_UI_PORT: String(await freePort()),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(out).toContain(`port ${port} for NATS (NATS_PORT) is already in use`);
    } finally {
      busy.close();
    }
  }, 120_000);
});

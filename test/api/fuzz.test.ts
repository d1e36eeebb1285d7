/**
 * Bad input, generated (fast-check, fixed seeds so a failure replays): every API route gets
 * thousands of malformed params, queries and bodies, and every transition update and signal gets
 * malformed commands. Each is answered with a 4xx naming what was wrong, never a 5xx, and nothing
 * changes: not one write to any NATS stream or bucket (this test has a NATS server of its own), not
 * one event in any workflow history.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RouteInfo } from '../../api/server.js';
import { transitionSignal, transitionUpdate } from '../../workflows/application-messages.js';
import type { ApplicationView } from '../../schemas/application.js';
import { freePort, startNatsServer, type ServerHandle } from '../../scripts/servers.js';
import { eventually } from '../helpers/application-harness.js';
import { realStack } from '../helpers/stack.js';

let natsServer: ServerHandle;
let stack: Awaited<ReturnType<typeof realStack>>;
let app: FastifyInstance;
let routes: RouteInfo[];
const tokens: Record<string, string> = {};
const run = `${process.pid}${Date.now() % 100000}`;
const positionId = `FZ${run}`;
const candidateId = `fz${run}`;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hiring-fuzz-'));
  const port = await freePort();
  natsServer = await startNatsServer({ port, storeDir: join(dir, 'nats'), logDir: dir });
  stack = await realStack({ natsUrl: `nats://127.0.0.1:${port}` });
  ({ app, routes } = await buildApp(stack.api));
  for (const role of ['recruiter', 'hr', 'admin'] as const)
    tokens[role] = await stack.api.tokens.issue(role, role === 'recruiter' ? 'rec-1' : `${role}-1`);
  await stack.directory.putStaff('rec-1', { name: 'Jean Martin', email: 'jean.martin@example.org' });
  await stack.openPosition(
    {
      positionId,
      title: 'Forensic analyst',
      description: 'Fingerprints and DNA for member countries.',
      dutyStation: 'BUE',
      contractType: 'fixed_term',
    },
    9,
  );
  await stack.candidateWithCv(candidateId);
  const handle = await stack.submit(candidateId, positionId);
  tokens.candidate = await stack.api.tokens.issue('candidate', candidateId);
  // Start from a settled application: its acknowledgement sent, its event published.
  await eventually(
    () => handle.query<ApplicationView>('getApplication'),
    (v) => v.pendingEffects === 0,
    30_000,
  );
}, 120_000);
afterAll(async () => {
  await app?.close();
  await stack?.stop();
  await natsServer?.stop();
});

/** Every write anywhere: each stream's last sequence, and each of our workflows' history length. */
async function snapshot(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const jsm = await jetstreamManager(stack.nats.nc);
  for (const info of await jsm.streams.list().next()) out[`stream ${info.config.name}`] = info.state.last_seq;
  for await (const wf of stack.client.workflow.list({ query: `TaskQueue = '${stack.taskQueue}'` })) {
    const history = await stack.client.workflow.getHandle(wf.workflowId).fetchHistory();
    out[`workflow ${wf.workflowId}`] = history.events?.length ?? 0;
  }
  return out;
}

// Junk of every kind: wrong types, unicode, control characters, very long strings, deep objects.
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '../../etc/passwd', '%00', '<script>', "' OR 1=1 --", 'x'.repeat(5000)),
);
const junk = fc.oneof(
  { depthSize: 'small' },
  fc.jsonValue({ maxDepth: 3 }),
  text,
  fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
);

const skipped: Record<string, string> = {
  'GET /events': 'a never-ending stream; it takes no input',
  'DELETE /me': 'takes no input at all: any call is a valid erasure request',
  'DELETE /session': 'takes no input but the token: any call signs it out (api.test.ts)',
  'DELETE /tokens/:subject':
    "almost any subject (1 to 64 characters) is a valid request: it signs that subject out, the fuzz's own admin among them (api.test.ts)",
};

describe('generated bad input', () => {
  it('gets a 4xx with a reason from every route, never a 5xx, and changes nothing', async () => {
    const before = await snapshot();
    let cases = 0;
    const failures: string[] = [];
    for (const route of routes) {
      const name = `${route.method} ${route.url}`;
      if (skipped[name]) continue;
      const role = route.access === 'public' ? undefined : route.access[0];
      const token = role ? tokens[role] : undefined;
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            params: fc.array(fc.oneof(text, fc.constantFrom(positionId, candidateId)), {
              minLength: 3,
              maxLength: 3,
            }),
            query: fc.dictionary(
              fc.oneof(fc.constantFrom('stage', 'positionId', 'limit', 'q', 'dutyStation', 'sla'), text),
              text,
              { maxKeys: 4 },
            ),
            body: junk,
            key: fc.oneof(fc.constant('fuzz-key-0001'), text),
          }),
          async ({ params, query, body, key }) => {
            cases += 1;
            let i = 0;
            // A real id now and then, so validation past the params is reached too.
            const url = route.url.replaceAll(/:[A-Za-z]+/g, () => encodeURIComponent(params[i++] ?? ''));
            const qs = new URLSearchParams(query).toString();
            const res = await app.inject({
              method: route.method as 'POST',
              url: qs ? `${url}?${qs}` : url,
              headers: {
                ...(token ? { authorization: `Bearer ${token}` } : {}),
                'idempotency-key': encodeURIComponent(key),
                'content-type': 'application/json',
              },
              ...(route.method === 'GET' ? {} : { payload: JSON.stringify(body) }),
            });
            // GET reads; OPTIONS is the codec endpoint's CORS preflight, which reads nothing either.
            const isGet = route.method === 'GET' || route.method === 'OPTIONS';
            const ok =
              res.statusCode < 500 &&
              // A write with a malformed body is never accepted; a read may find nothing or something.
              (isGet || (res.statusCode >= 400 && /"error"/.test(res.body)));
            if (!ok && failures.length < 10)
              failures.push(
                `${name} ${`${url}?${qs}`.slice(0, 100)} ${JSON.stringify(body).slice(0, 100)} -> ${res.statusCode} ${res.body.slice(0, 200)}`,
              );
            return true;
          },
        ),
        { seed: 20261129, numRuns: 120 },
      );
    }
    expect(failures).toEqual([]);
    expect(cases).toBeGreaterThan(2000);
    expect(await snapshot()).toEqual(before);
    console.info(`fuzz: ${cases} generated requests to ${routes.length - 2} routes; no 5xx, nothing changed`);
  }, 240_000);

  it('refuses malformed transition updates with a reason, and records malformed signals as refused', async () => {
    const handle = stack.client.workflow.getHandle(`application/${positionId}/${candidateId}`);
    const view = await handle.query<ApplicationView>('getApplication');
    const history = (await handle.fetchHistory()).events?.length;
    const command = fc.oneof(
      junk,
      fc.record({
        type: fc.constantFrom('screen', 'schedule_interview', 'make_offer', 'accept_offer'),
        x: junk,
      }),
      fc.record({ type: fc.constant('screen'), decision: text, notes: junk }),
    );
    const request = fc.oneof(
      junk,
      fc.record({ actor: junk, command }),
      fc.record({ actor: fc.record({ role: fc.constant('recruiter'), id: fc.constant('rec-1') }), command }),
    );
    let updates = 0;
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        updates += 1;
        const refusal = await handle.executeUpdate(transitionUpdate, { args: [req as never] }).then(
          () => 'accepted',
          (err: unknown) => String((err as { cause?: Error }).cause?.message ?? err),
        );
        // A clear reason: which field, what rule.
        expect(refusal).not.toBe('accepted');
        expect(refusal.length).toBeGreaterThan(10);
      }),
      { seed: 29112026, numRuns: 300 },
    );
    // Refused in the validator: not one event added to the history.
    expect((await handle.fetchHistory()).events?.length).toBe(history);

    let signals = 0;
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        signals += 1;
        await handle.signal(transitionSignal, req as never);
      }),
      { seed: 11292026, numRuns: 40 },
    );
    const after = await eventually(
      () => handle.query<ApplicationView>('getApplication'),
      (v) => v.timeline.filter((t) => t.kind === 'refused').length >= signals,
      30_000,
    );
    // Each signal is on the timeline as refused, with its reason; nothing else moved.
    expect(after.status).toBe(view.status);
    expect(after.timeline.filter((t) => t.kind === 'refused')).toHaveLength(signals);
    expect(after.timeline.filter((t) => t.kind !== 'refused')).toEqual(view.timeline);
    console.info(
      `fuzz: ${updates} malformed updates refused, ${signals} malformed signals recorded as refused`,
    );
  }, 240_000);

  it('names a misspelt profile field instead of dropping it, and does not erase nobody', async () => {
    const typo = await app.inject({
      method: 'PATCH',
      url: '/me',
      headers: { authorization: `Bearer ${tokens.candidate}` },
      payload: { nationalty: 'FR' },
    });
    expect(typo.statusCode).toBe(400);
    expect(typo.body).toContain('nationalty');
    const empty = await app.inject({
      method: 'PATCH',
      url: '/me',
      headers: { authorization: `Bearer ${tokens.candidate}` },
      payload: {},
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toMatch(/nothing to change/);
    const nobody = await app.inject({
      method: 'DELETE',
      url: '/candidates/nobody-by-that-id',
      headers: { authorization: `Bearer ${tokens.admin}` },
    });
    expect(nobody.statusCode).toBe(404);
    expect(nobody.body).toMatch(/no candidate 'nobody-by-that-id'/);
  });

  it('keeps names in any script exactly, and refuses a name too long with the field and the rule', async () => {
    const names = [
      'Ngũgĩ wa Thiong’o',
      '王小明',
      'محمد بن سلمان',
      'Zoë Ñúñez-Łukasiewicz',
      'Þórunn Ýr Ásgeirsdóttir',
      'O’Brien-Smith 👮‍♀️',
    ];
    for (const [i, name] of names.entries()) {
      const res = await app.inject({
        method: 'POST',
        url: '/candidates',
        payload: { name, email: `unicode.${run}.${i}@example.org` },
      });
      expect(res.statusCode, res.body).toBe(201);
      const { candidateId } = res.json<{ candidateId: string }>();
      expect((await stack.candidates.get(candidateId))?.profile.name).toBe(name);
    }
    const long = await app.inject({
      method: 'POST',
      url: '/candidates',
      payload: { name: 'Ä'.repeat(201), email: `long.${run}@example.org` },
    });
    expect(long.statusCode).toBe(400);
    const problems = long.json<{ problems: { field: string; message: string }[] }>().problems;
    expect(problems.map((p) => p.field)).toEqual(['body.name']);
    expect(problems[0]?.message).toMatch(/200/);
  });

  it('keeps tokens at rest only as their SHA-256', async () => {
    const stored: string[] = [];
    for await (const key of await stack.nats.tokens.keys())
      stored.push(key, (await stack.nats.tokens.get(key))?.string() ?? '');
    expect(Object.keys(tokens)).toEqual(['recruiter', 'hr', 'admin', 'candidate']);
    for (const token of Object.values(tokens)) {
      expect(stored.join('\n')).not.toContain(token);
      expect(stored).toContain(`token.${createHash('sha256').update(token).digest('hex')}`);
    }
  });
});

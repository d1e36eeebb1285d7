/**
 * The HTTP API in-process (fastify's inject: no port) on the real Temporal dev server, NATS and an
 * SMTP server: the candidate's way in, the recruiter's transitions, error answers, and every route
 * walked with every role.
 */
import type { FastifyInstance } from 'fastify';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachment, buildApp, type RouteInfo } from '../../api/server.js';
import { listForCandidate } from '../../stores/candidate-applications.js';
import type { ApplicationView, CandidateApplicationView } from '../../schemas/application.js';
import { instantToZoned } from '../../schemas/time.js';
import { retentionWorkflowId } from '../../workflows/retention-workflow.js';
import { kvRequestCounter } from '../../stores/rate-limits.js';
import { createApiMetrics, serveMetrics } from '../../api/metrics.js';
import { kvTokenStore } from '../../stores/tokens.js';
import {
  CODE_ATTEMPTS,
  CODE_INTERVAL_MS,
  CODES_PER_DAY,
  EmailTaken,
  kvCandidateStore,
} from '../../stores/candidates.js';
import { eventually } from '../helpers/application-harness.js';
import { DAYS } from '../helpers/fixtures.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { realStack } from '../helpers/stack.js';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let stack: Awaited<ReturnType<typeof realStack>>;
let app: FastifyInstance;
let routes: RouteInfo[];
const tokens: Record<string, string> = {};
const run = `${process.pid}${Date.now() % 100000}`;

beforeAll(async () => {
  smtp = await startSmtpServer();
  stack = await realStack({ smtpUrl: smtp.url });
  const deps = stack.api;
  ({ app, routes } = await buildApp(deps));
  for (const role of ['recruiter', 'hr', 'admin'] as const)
    tokens[role] = await deps.tokens.issue(role, `${role}-1`);
  await stack.directory.putStaff('recruiter-1', { name: 'Jean Martin', email: 'jean.martin@example.org' });
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
  await smtp?.stop();
});

const auth = (token?: string) => (token ? { authorization: `Bearer ${token}` } : {});
const pdf = Buffer.from('%PDF-1.7\nA real CV\n%%EOF');

async function candidate(name: string): Promise<{ id: string; token: string; email: string }> {
  const email = `${name.toLowerCase().replaceAll(' ', '.')}.${run}@example.org`;
  const created = await app.inject({ method: 'POST', url: '/candidates', payload: { name, email } });
  expect(created.statusCode).toBe(201);
  const { candidateId } = created.json<{ candidateId: string }>();
  // The code arrives by email, as it would for a person.
  const mail = await eventually(
    () => Promise.resolve(smtp.received.find((m) => m.to.includes(email))),
    (m) => m !== undefined,
  );
  const code = /confirmation code is (\d{6})/.exec(mail!.raw)![1]!;
  const wrong = await app.inject({
    method: 'POST',
    url: `/candidates/${candidateId}/confirm`,
    payload: { code: code === '000000' ? '111111' : '000000' },
  });
  expect(wrong.statusCode).toBe(422);
  const confirmed = await app.inject({
    method: 'POST',
    url: `/candidates/${candidateId}/confirm`,
    payload: { code },
  });
  expect(confirmed.statusCode).toBe(200);
  const token = confirmed.json<{ token: string }>().token;
  const patched = await app.inject({
    method: 'PATCH',
    url: '/me',
    headers: auth(token),
    payload: { nationality: 'BR', dateOfBirth: '1991-09-09' },
  });
  expect(patched.statusCode).toBe(200);
  const upload = await app.inject({
    method: 'POST',
    url: '/me/documents?kind=cv&filename=cv.pdf',
    headers: { ...auth(token), 'content-type': 'application/pdf' },
    payload: pdf,
  });
  expect(upload.statusCode).toBe(201);
  return { id: candidateId, token, email };
}

/** The candidate applies to the position, once. */
async function apply(who: { id: string; token: string }, positionId: string): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: '/applications',
    headers: { ...auth(who.token), 'idempotency-key': `apply-${positionId}-${who.id}` },
    payload: { positionId },
  });
  expect(res.statusCode, res.body).toBe(201);
}

/** The document the candidate put on their profile first (candidate() uploads a CV). */
async function firstDocumentId(who: { token: string }): Promise<string> {
  const me = await app.inject({ method: 'GET', url: '/me', headers: auth(who.token) });
  return me.json<{ profile: { documents: { documentId: string }[] } }>().profile.documents[0]!.documentId;
}

let positionSeq = 0;
/** Opens a position as the recruiter whose token is given (the test's usual recruiter unless given). */
async function position(
  title = 'Digital Forensics Specialist',
  recruiter = tokens.recruiter!,
): Promise<string> {
  positionSeq += 1;
  const positionId = `API${run}-${positionSeq}`;
  const res = await app.inject({
    method: 'POST',
    url: '/positions',
    headers: auth(recruiter),
    payload: {
      positionId,
      reference: `VN-${positionId}`,
      title,
      description: 'Digital forensics for member countries.',
      dutyStation: 'BUE',
      contractType: 'fixed_term',
      deadlineLocal: instantToZoned(new Date(Date.now() + DAYS(15)), 'America/Argentina/Buenos_Aires'),
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return positionId;
}

describe('a candidate and a recruiter through the API', () => {
  it('answers a readiness probe with the state of its servers', async () => {
    const res = await app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ready: true, temporal: 'up', nats: 'up' });
  });

  it('publishes the OpenAPI document generated from the schemas', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/positions',
        '/applications',
        '/applications/{positionId}/{candidateId}/transitions',
      ]),
    );
  });

  it('applies once per idempotency key, moves by transitions, and answers errors clearly', async () => {
    const positionId = await position();
    const ana = await candidate('Ana Souza');
    const submit = (key: string) =>
      app.inject({
        method: 'POST',
        url: '/applications',
        headers: { ...auth(ana.token), 'idempotency-key': key },
        payload: { positionId },
      });
    const first = await submit('first-click-1');
    expect(first.statusCode, first.body).toBe(201);
    expect((await submit('first-click-1')).statusCode).toBe(200);
    const second = await submit('another-submission');
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ applicationId: `application/${positionId}/${ana.id}` });

    const url = `/applications/${positionId}/${ana.id}`;
    const act = (token: string | undefined, command: object) =>
      app.inject({ method: 'POST', url: `${url}/transitions`, headers: auth(token), payload: command });

    const screened = (
      await act(tokens.recruiter, { type: 'screen', decision: 'shortlist', notes: 'internal: fluent Arabic' })
    ).json<ApplicationView>();
    expect(screened.status).toBe('screened');
    // A person at a screen gets the whole application back, timeline included.
    expect(screened.timeline.map((t) => t.to).filter(Boolean)).toEqual(['submitted', 'screened']);
    expect(JSON.stringify(screened.timeline)).toContain('internal: fluent Arabic');
    const refused = await act(tokens.recruiter, { type: 'make_offer', terms: 'P3' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toEqual({
      error: "the application is in stage 'screened'; 'make_offer' needs stage 'written_exam'",
    });
    const bad = await act(tokens.recruiter, {
      type: 'schedule_interview',
      at: 'tomorrow',
      mode: { kind: 'video', link: 'x' },
      contactedBy: 'fax',
    });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json<{ problems: { field: string }[] }>().problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['body.at', 'body.mode.link', 'body.contactedBy']));
    expect((await act(ana.token, { type: 'screen', decision: 'shortlist' })).statusCode).toBe(403);
    expect((await act(undefined, { type: 'withdraw' })).statusCode).toBe(401);

    // The candidate sees their own application and its steps; another candidate cannot find it.
    const mine = await app.inject({ method: 'GET', url, headers: auth(ana.token) });
    expect(mine.statusCode).toBe(200);
    const seen = mine.json<CandidateApplicationView & { submission: { documents: unknown[] } }>();
    expect(seen.submission.documents).toHaveLength(1);
    // Their side of it: the steps, not the recruiter's notes, refusals or clocks.
    expect(seen.steps.map((t) => t.to)).toEqual(['submitted', 'screened']);
    expect(mine.body).not.toContain('internal: fluent Arabic');
    for (const internal of ['timeline', 'recruiterId', 'policy', 'remindersInStage', 'pendingEffects'])
      expect(seen).not.toHaveProperty(internal);
    expect(seen.upcomingDeadlines.map((d) => d.kind)).not.toContain('recruiter_reminder');
    // The staff view of the same moment has the recruiter's reminder ahead.
    const staffView = (
      await app.inject({ method: 'GET', url, headers: auth(tokens.recruiter) })
    ).json<ApplicationView>();
    expect(staffView.upcomingDeadlines.map((d) => d.kind)).toContain('recruiter_reminder');
    const bruno = await candidate('Bruno Lima');
    expect((await app.inject({ method: 'GET', url, headers: auth(bruno.token) })).statusCode).toBe(404);
    expect((await act(bruno.token, { type: 'withdraw' })).statusCode).toBe(404);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: `/applications/${positionId}/nobody`,
          headers: auth(tokens.recruiter),
        })
      ).statusCode,
    ).toBe(404);

    // Lists: the recruiter filters by position; the candidate sees only their own.
    const listed = await eventually(
      async () =>
        (
          await app.inject({
            method: 'GET',
            url: `/applications?positionId=${positionId}&stage=screened`,
            headers: auth(tokens.recruiter),
          })
        ).json<{ items: { applicationId: string }[] }>(),
      (r) => r.items.length === 1,
    );
    expect(listed.items[0]!.applicationId).toBe(`application/${positionId}/${ana.id}`);
    const own = await app.inject({ method: 'GET', url: '/applications', headers: auth(bruno.token) });
    expect(own.json<{ items: unknown[] }>().items).toEqual([]);

    const withdrawn = await act(ana.token, { type: 'withdraw', reason: 'moving abroad' });
    expect(withdrawn.json<ApplicationView>().status).toBe('withdrawn');
  });

  it('pages the list: each application once, pages of the size asked, and no cursor after the last', async () => {
    const positionId = await position();
    const ids = ['pg1', 'pg2', 'pg3', 'pg4', 'pg5'].map((c) => `${c}-${run}`);
    for (const id of ids) {
      await stack.candidateWithCv(id);
      await stack.submit(id, positionId);
    }
    type Page = { items: { applicationId: string }[]; nextCursor: string | null };
    const list = async (query: string) =>
      (
        await app.inject({
          method: 'GET',
          url: `/applications?positionId=${positionId}&${query}`,
          headers: auth(tokens.recruiter),
        })
      ).json<Page>();
    await eventually(
      () => list('limit=200'),
      (p) => p.items.length === ids.length,
    );
    const pages: Page[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(page);
      cursor = page.nextCursor;
    }
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    const listed = pages.flatMap((p) => p.items.map((i) => i.applicationId));
    expect(new Set(listed)).toEqual(new Set(ids.map((id) => `application/${positionId}/${id}`)));
    // Exactly a page's worth left: the last full page says there is nothing after it.
    const four = await list('limit=4&cursor=1');
    expect([four.items.length, four.nextCursor]).toEqual([4, null]);
  });

  it('shows staff who applied (name, address, nationality), never the date of birth; nothing once erased', async () => {
    const positionId = await position();
    const cand = await candidate('Amara Okafor');
    await apply(cand, positionId);
    const url = `/applications/${positionId}/${cand.id}`;
    const read = async (token: string) => {
      const res = await app.inject({ method: 'GET', url, headers: auth(token) });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ applicant: unknown }>();
    };
    for (const role of ['recruiter', 'hr', 'admin'] as const) {
      const view = await read(tokens[role]!);
      expect(view.applicant).toEqual({
        name: 'Amara Okafor',
        email: cand.email,
        nationality: 'BR',
        lawEnforcement: null,
      });
      expect(JSON.stringify(view)).not.toContain('1991-09-09');
    }
    // The candidate has all of it in their profile: the application does not repeat it.
    expect((await read(cand.token)).applicant).toBeNull();
    // The board's names: of applications the read side lists, never of an id that is none.
    const appId = `application/${positionId}/${cand.id}`;
    const names = () =>
      app.inject({
        method: 'POST',
        url: '/applications/applicants',
        headers: auth(tokens.recruiter),
        payload: { applicationIds: [appId, `application/NOPE/${cand.id}`, appId] },
      });
    const listed = await eventually(
      async () => (await names()).json<{ applicants: Record<string, { name: string }> }>().applicants,
      (a) => a[appId] !== undefined,
    );
    expect(listed).toEqual({ [appId]: { name: 'Amara Okafor' } });
    // Erased (after withdrawing: nothing may be in progress), the application names nobody.
    const withdrawn = await app.inject({
      method: 'POST',
      url: `${url}/transitions`,
      headers: auth(cand.token),
      payload: { type: 'withdraw' },
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    const erased = await eventually(
      async () => (await app.inject({ method: 'DELETE', url: '/me', headers: auth(cand.token) })).statusCode,
      (status) => status === 204,
    );
    expect(erased).toBe(204);
    expect((await read(tokens.recruiter!)).applicant).toBeNull();
    expect((await names()).json()).toEqual({ applicants: {} });
  });

  it('serves the documents an application was submitted with, to staff and to their owner only', async () => {
    const positionId = await position();
    const owner = await candidate('Leilani Kahale');
    const other = await candidate('Tomasz Nowak');
    await apply(owner, positionId);
    const url = `/applications/${positionId}/${owner.id}`;
    const view = (await app.inject({ method: 'GET', url, headers: auth(tokens.recruiter) })).json<{
      submission: { documents: { documentId: string; filename: string }[] };
    }>();
    const [cv] = view.submission.documents;
    expect(cv?.filename).toBe('cv.pdf');
    const download = (token: string | undefined, path = `${url}/documents/${cv!.documentId}`) =>
      app.inject({ method: 'GET', url: path, headers: auth(token) });

    for (const token of [tokens.recruiter, tokens.hr, owner.token]) {
      const res = await download(token);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.rawPayload.equals(pdf)).toBe(true);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="cv.pdf"; filename*=UTF-8''cv.pdf`,
      );
      expect(res.headers['cache-control']).toBe('private, no-store');
    }
    // Another candidate: the application does not exist for them.
    expect((await download(other.token)).statusCode).toBe(404);
    // The owner's own copy from the profile; an id this application does not hold; a malformed id.
    const mine = await download(owner.token, `/me/documents/${cv!.documentId}`);
    expect(mine.statusCode).toBe(200);
    expect(mine.rawPayload.equals(pdf)).toBe(true);
    expect((await download(tokens.recruiter, `${url}/documents/${'0'.repeat(64)}`)).statusCode).toBe(404);
    expect((await download(owner.token, `/me/documents/${'0'.repeat(64)}`)).statusCode).toBe(404);
    const bad = await download(tokens.recruiter, `${url}/documents/cv.pdf`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ problems: { field: string }[] }>().problems[0]?.field).toBe('params.documentId');
  });

  it('refuses to close an account, and keeps the CV, right after applying', async () => {
    const positionId = await position();
    const owner = await candidate('Kofi Mensah'); // uploads cv.pdf
    const sentCv = await firstDocumentId(owner);
    await apply(owner, positionId);
    const applicationId = `application/${positionId}/${owner.id}`;
    // At once, no waiting: the account cannot be closed while the application is open...
    const closing = await app.inject({ method: 'DELETE', url: '/me', headers: auth(owner.token) });
    expect(closing.statusCode, closing.body).toBe(409);
    expect(closing.json()).toMatchObject({ applications: [applicationId] });
    // ...and the CV it was sent with stays for the recruiters.
    const removed = await app.inject({
      method: 'DELETE',
      url: `/me/documents/${sentCv}`,
      headers: auth(owner.token),
    });
    expect(removed.json()).toEqual({ removed: sentCv, keptFor: [applicationId] });
    expect(await stack.documents.get(owner.id, sentCv)).toBeDefined();
  });

  it("tells a candidate rejected at screening a plain reason, never the recruiter's notes", async () => {
    const positionId = await position();
    const who = await candidate('Olga Ivanova');
    await apply(who, positionId);
    const url = `/applications/${positionId}/${who.id}`;
    const rejected = await app.inject({
      method: 'POST',
      url: `${url}/transitions`,
      headers: auth(tokens.recruiter),
      payload: { type: 'screen', decision: 'reject', notes: 'internal: spoke badly of former chief' },
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    const mail = await eventually(
      () =>
        Promise.resolve(
          smtp.received.find(
            (m) => m.to.includes(who.email) && m.raw.includes('X-Hiring-Template: rejection'),
          ),
        ),
      (m) => m !== undefined,
    );
    // Soft line breaks of the quoted-printable body joined, then read as the candidate would.
    const body = mail!.raw.replaceAll('=\r\n', '').replaceAll('=\n', '');
    expect(body).not.toContain('former chief');
    expect(body).toContain('not shortlisted at screening');
    const mine = await app.inject({ method: 'GET', url, headers: auth(who.token) });
    expect(mine.json<CandidateApplicationView>().outcome?.reason).toBe('not shortlisted at screening');
    // The notes are kept, for staff.
    const staff = await app.inject({ method: 'GET', url, headers: auth(tokens.recruiter) });
    expect(JSON.stringify(staff.json<ApplicationView>().timeline)).toContain('former chief');
  });

  it("keeps a note for staff on the timeline, out of the candidate's sight, without moving anything", async () => {
    const positionId = await position();
    const who = await candidate('Kenji Watanabe');
    await apply(who, positionId);
    const url = `/applications/${positionId}/${who.id}`;
    const note = (token: string | undefined, notes: string) =>
      app.inject({
        method: 'POST',
        url: `${url}/transitions`,
        headers: auth(token),
        payload: { type: 'add_note', notes },
      });
    const hr = await note(tokens.hr, 'called him: available from March, needs a visa');
    expect(hr.statusCode, hr.body).toBe(200);
    const staff = (
      await app.inject({ method: 'GET', url, headers: auth(tokens.hr) })
    ).json<ApplicationView>();
    expect(staff.status).toBe('submitted');
    expect(staff.timeline.at(-1)).toMatchObject({
      kind: 'note',
      actor: { role: 'hr', id: 'hr-1' },
      detail: 'called him: available from March, needs a visa',
    });
    // The candidate sees nothing of it, and cannot write one.
    const mine = await app.inject({ method: 'GET', url, headers: auth(who.token) });
    expect(mine.body).not.toContain('visa');
    expect((await note(who.token, 'please hurry')).statusCode).toBe(403);
    // An empty note is refused by name, and changes nothing.
    const empty = await note(tokens.recruiter, '   ');
    expect(empty.statusCode).toBe(400);
    expect(empty.json<{ problems: { field: string }[] }>().problems[0]?.field).toBe('body.notes');
  });

  it("lists a recruiter's own vacancies and applications, and anyone's for HR", async () => {
    const other = `rec-other-${run}`;
    const otherToken = await stack.api.tokens.issue('recruiter', other);
    const usual = await position();
    const theirs = await position('Crime Analyst', otherToken);
    const positions = async (token: string | undefined, query: string) => {
      const res = await app.inject({
        method: 'GET',
        url: `/positions?${query}`,
        ...(token ? { headers: auth(token) } : {}),
      });
      expect(res.statusCode, res.body).toBe(200);
      const ids = res.json<{ positions: { positionId: string }[] }>().positions.map((p) => p.positionId);
      return ids.filter((id) => id === usual || id === theirs).sort();
    };
    // Visibility lists a new position a moment after it opens.
    expect(
      await eventually(
        () => positions(otherToken, 'mine=true'),
        (l) => l.length > 0,
      ),
    ).toEqual([theirs]);
    expect(await positions(tokens.hr, `recruiterId=${other}&includeClosed=true`)).toEqual([theirs]);
    expect(await positions(tokens.recruiter, 'mine=true')).toEqual([usual]);
    // Whose a vacancy is stays with staff: a visitor's filter is ignored.
    expect(await positions(undefined, `recruiterId=${other}`)).toEqual([usual, theirs].sort());
    const applicant = await candidate('Ines Duarte');
    await apply(applicant, usual);
    await apply(applicant, theirs);
    type Page = { items: { applicationId: string; positionId: string }[] };
    const list = async (token: string, query: string) => {
      const res = await app.inject({ method: 'GET', url: `/applications?${query}`, headers: auth(token) });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<Page>().items.map((i) => i.positionId);
    };
    // The read side lists both a moment after they are sent; the other recruiter's board has theirs.
    expect(
      await eventually(
        () => list(otherToken, 'mine=true'),
        (l) => l.length > 0,
      ),
    ).toEqual([theirs]);
    expect(await list(tokens.recruiter!, `mine=true&positionId=${usual}`)).toEqual([usual]);
    expect(await list(tokens.recruiter!, `mine=true&positionId=${theirs}`)).toEqual([]);
    // HR looks at one recruiter's load.
    expect(await list(tokens.hr!, `recruiterId=${other}`)).toEqual([theirs]);
    // A candidate's list is their own whatever they ask for.
    expect(new Set(await list(applicant.token, `recruiterId=${other}`))).toEqual(new Set([usual, theirs]));
    // The export follows the same filter.
    const csv = await app.inject({
      method: 'GET',
      url: '/applications/export.csv?mine=true',
      headers: auth(otherToken),
    });
    expect(csv.body.trim().split('\r\n').slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^application/${theirs}/${applicant.id},`)),
    ]);
  });

  it("exports the board's list as CSV for HR, by filter, without names, and no cell runs as a formula", async () => {
    const positionId = await position('=HYPERLINK("http://evil.example","Analyst, senior")');
    const first = await candidate('Ngozi Eze');
    const second = await candidate('Mateus Rocha');
    await apply(first, positionId);
    await apply(second, positionId);
    const exported = () =>
      app.inject({
        method: 'GET',
        url: `/applications/export.csv?positionId=${positionId}&contractType=fixed_term`,
        headers: auth(tokens.hr),
      });
    // The read side lists them a moment after they are sent.
    const res = await eventually(exported, (r) => r.body.trim().split('\r\n').length === 3);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="applications-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const [header, ...rows] = res.body.trim().split('\r\n');
    expect(header).toBe(
      'application,position,reference,title,contract_type,duty_station,stage,submitted_at,in_stage_since,days_in_stage,next_deadline,service_level',
    );
    for (const who of [first, second]) {
      const row = rows.find((r) => r.startsWith(`application/${positionId}/${who.id},`));
      expect(row, who.id).toBeDefined();
      // The title as text (quoted, its quotes doubled, a leading apostrophe): never a formula.
      expect(row).toContain(
        `,"'=HYPERLINK(""http://evil.example"",""Analyst, senior"")",fixed_term,BUE,submitted,`,
      );
      expect(row).toMatch(/,0,\d{4}-\d{2}-\d{2}T[^,]+,ok$/);
    }
    expect(res.body).not.toContain('Ngozi');
    expect(res.body).not.toContain(first.email);
    // A closed application has no days in a stage (its days since closing are not a wait).
    const withdrawn = await app.inject({
      method: 'POST',
      url: `/applications/${positionId}/${second.id}/transitions`,
      headers: auth(second.token),
      payload: { type: 'withdraw', reason: 'another post' },
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    const after = await eventually(
      exported,
      (r) => r.body.includes(`${second.id},`) && r.body.includes(',withdrawn,'),
    );
    const closedRow = after.body
      .split('\r\n')
      .find((r) => r.startsWith(`application/${positionId}/${second.id},`));
    expect(closedRow).toMatch(/,withdrawn,[^,]+,[^,]+,,/);
    // Another contract type: none of these. A candidate: not theirs to read.
    const other = await app.inject({
      method: 'GET',
      url: `/applications/export.csv?positionId=${positionId}&contractType=internship`,
      headers: auth(tokens.hr),
    });
    expect(other.body.trim().split('\r\n')).toHaveLength(1);
    const refused = await app.inject({
      method: 'GET',
      url: '/applications/export.csv',
      headers: auth(first.token),
    });
    expect(refused.statusCode).toBe(403);
  });

  it('counts an application whose workflow is still starting as in progress', async () => {
    // The API stored a submission and is about to start its workflow (or stopped just before):
    // visibility knows nothing of it yet, the candidate's own list does.
    const positionId = await position();
    const owner = await candidate('Nadia Haddad');
    const applicationId = `application/${positionId}/${owner.id}`;
    await listForCandidate(stack.nats.submissions, owner.id, applicationId, new Date().toISOString());
    const closing = await app.inject({ method: 'DELETE', url: '/me', headers: auth(owner.token) });
    expect(closing.statusCode, closing.body).toBe(409);
    expect(closing.json()).toMatchObject({ applications: [applicationId] });
    // One that never got its workflow (an hour old) holds nothing up.
    const stale = await candidate('Ivan Petrov');
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    await listForCandidate(
      stack.nats.submissions,
      stale.id,
      `application/${positionId}/${stale.id}`,
      hourAgo,
    );
    expect((await app.inject({ method: 'DELETE', url: '/me', headers: auth(stale.token) })).statusCode).toBe(
      204,
    );
  });

  it('takes a document off the profile, and deletes its file unless an application was sent with it', async () => {
    const positionId = await position();
    const owner = await candidate('Priya Raman'); // uploads cv.pdf
    const sentCv = await firstDocumentId(owner);
    await apply(owner, positionId);
    // A newer CV, never sent anywhere.
    const newer = await app.inject({
      method: 'POST',
      url: '/me/documents?kind=cv&filename=cv-2027.pdf',
      headers: { ...auth(owner.token), 'content-type': 'application/pdf' },
      payload: Buffer.from(`%PDF-1.7 newer CV of ${owner.id}`),
    });
    const newerId = newer.json<{ documentId: string }>().documentId;
    await eventually(
      async () => (await stack.client.workflow.count(`CandidateId = '${owner.id}'`)).count,
      (n) => n === 1,
    );
    const remove = (id: string) =>
      app.inject({ method: 'DELETE', url: `/me/documents/${id}`, headers: auth(owner.token) });

    const gone = await remove(newerId);
    expect(gone.statusCode, gone.body).toBe(200);
    expect(gone.json()).toEqual({ removed: newerId, keptFor: [] });
    expect(await stack.documents.get(owner.id, newerId)).toBeUndefined();

    const kept = await remove(sentCv);
    expect(kept.json()).toEqual({ removed: sentCv, keptFor: [`application/${positionId}/${owner.id}`] });
    const profile = (await app.inject({ method: 'GET', url: '/me', headers: auth(owner.token) })).json<{
      profile: { documents: unknown[] };
    }>().profile;
    expect(profile.documents).toEqual([]);
    // The recruiter screening the application still reads the CV it was sent with.
    const screening = await app.inject({
      method: 'GET',
      url: `/applications/${positionId}/${owner.id}/documents/${sentCv}`,
      headers: auth(tokens.recruiter),
    });
    expect(screening.statusCode).toBe(200);
    expect(screening.rawPayload.equals(pdf)).toBe(true);
    expect((await remove(sentCv)).statusCode).toBe(404);
  });

  it('names a download in any script', () => {
    expect(attachment("Lebenslauf (Müller) 'final'.pdf")).toBe(
      `attachment; filename="Lebenslauf (M_ller) 'final'.pdf"; filename*=UTF-8''Lebenslauf%20%28M%C3%BCller%29%20%27final%27.pdf`,
    );
    expect(attachment('简历"x".docx')).toBe(
      `attachment; filename="___x_.docx"; filename*=UTF-8''%E7%AE%80%E5%8E%86%22x%22.docx`,
    );
  });

  it('opens exam sessions only ahead of time', async () => {
    const body = (startsAt: Date) => ({
      sessionId: `EX${run}`,
      dutyStation: 'LYO',
      startsAt: startsAt.toISOString(),
      capacity: 30,
    });
    const past = await app.inject({
      method: 'POST',
      url: '/exam-sessions',
      headers: auth(tokens.recruiter),
      payload: body(new Date(Date.now() - 60_000)),
    });
    expect(past.statusCode).toBe(422);
    expect(past.json<{ problems: { field: string }[] }>().problems.map((p) => p.field)).toEqual(['startsAt']);
    expect(await stack.api.examSeats.getSession(`EX${run}`)).toBeUndefined();
    const ahead = await app.inject({
      method: 'POST',
      url: '/exam-sessions',
      headers: auth(tokens.recruiter),
      payload: body(new Date(Date.now() + DAYS(14))),
    });
    expect(ahead.statusCode, ahead.body).toBe(201);
  });

  it('lists exam sessions by start with the seats left, never who holds them; past ones only when asked', async () => {
    const seats = stack.api.examSeats;
    const at = (days: number) => new Date(Date.now() + DAYS(days)).toISOString();
    await seats.createSession({
      sessionId: `LS${run}-late`,
      dutyStation: 'SIN',
      startsAt: at(30),
      capacity: 2,
    });
    await seats.createSession({
      sessionId: `LS${run}-soon`,
      dutyStation: 'SIN',
      startsAt: at(10),
      capacity: 5,
    });
    await seats.createSession({
      sessionId: `LS${run}-lyon`,
      dutyStation: 'LYO',
      startsAt: at(20),
      capacity: 5,
    });
    await seats.createSession({
      sessionId: `LS${run}-past`,
      dutyStation: 'SIN',
      startsAt: at(-1),
      capacity: 5,
    });
    await seats.book(`LS${run}-late`, `application/LS${run}/cand-1`);
    const list = async (query: string) => {
      const res = await app.inject({
        method: 'GET',
        url: `/exam-sessions${query}`,
        headers: auth(tokens.recruiter),
      });
      expect(res.statusCode, res.body).toBe(200);
      return res
        .json<{ sessions: Record<string, unknown>[] }>()
        .sessions.filter((x) => String(x.sessionId).startsWith(`LS${run}-`));
    };
    const singapore = await list('?dutyStation=SIN');
    expect(singapore.map((x) => x.sessionId)).toEqual([`LS${run}-soon`, `LS${run}-late`]);
    expect(singapore[1]).toMatchObject({ capacity: 2, seatsTaken: 1, seatsLeft: 1 });
    expect(JSON.stringify(singapore)).not.toContain('cand-1');
    expect((await list('')).map((x) => x.sessionId)).toEqual([
      `LS${run}-soon`,
      `LS${run}-lyon`,
      `LS${run}-late`,
    ]);
    expect((await list('?dutyStation=SIN&includePast=true')).map((x) => x.sessionId)[0]).toBe(
      `LS${run}-past`,
    );
    const bad = await app.inject({
      method: 'GET',
      url: '/exam-sessions?dutyStation=PARIS',
      headers: auth(tokens.recruiter),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ problems: { field: string }[] }>().problems[0]!.field).toContain('dutyStation');
  });

  it("lists the member countries a candidate's nationality is picked from, by name, for anyone", async () => {
    const res = await app.inject({ method: 'GET', url: '/member-countries' });
    expect(res.statusCode).toBe(200);
    const { countries } = res.json<{ countries: { code: string; name: string }[] }>();
    // data/member-countries.tsv: INTERPOL's 196 member countries.
    expect(countries).toHaveLength(196);
    expect(countries).toContainEqual({ code: 'FR', name: 'France' });
    const names = countries.map((c) => c.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
    expect(new Set(countries.map((c) => c.code)).size).toBe(196);
  });

  it('keeps the live feed going past a message on the stream that is no event it knows', async () => {
    const { app: served } = await buildApp(stack.api);
    await served.listen({ host: '127.0.0.1', port: 0 });
    const aborted = new AbortController();
    try {
      const res = await fetch(`http://127.0.0.1:${(served.server.address() as AddressInfo).port}/events`, {
        headers: { authorization: `Bearer ${tokens.hr!}` },
        signal: aborted.signal,
      });
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      const reader = res.body!.getReader();
      let text = '';
      const readUntil = async (wanted: string) => {
        const until = Date.now() + 15_000;
        while (!text.includes(wanted)) {
          if (Date.now() > until)
            throw new Error(`the feed did not bring ${wanted}; it had: ${text.slice(-500)}`);
          const chunk = await Promise.race([
            reader.read(),
            new Promise<undefined>((r) => setTimeout(() => r(undefined), 500)),
          ]);
          if (chunk?.done) throw new Error(`the feed ended; it had: ${text.slice(-500)}`);
          if (chunk?.value) text += new TextDecoder().decode(chunk.value);
        }
      };
      await readUntil(': connected');
      // Something that is no event (not even JSON), with a line of its own that would be an SSE field,
      // then an event.
      await stack.nats.js.publish(`hiring.application.feed-${run}.junk`, 'not json\nevent: forged');
      const positionId = `FEED${run}`;
      await stack.nats.js.publish(
        `hiring.position.${positionId}.opened`,
        JSON.stringify({
          version: 1,
          eventId: `feed-${run}`,
          occurredAt: new Date().toISOString(),
          actor: { role: 'recruiter', id: 'rec-1' },
          positionId,
          dutyStation: 'LYO',
          type: 'position.opened',
          payload: { deadline: '2027-01-01T00:00:00.000Z' },
        }),
      );
      await readUntil(`"eventId":"feed-${run}"`);
      expect(text).not.toContain('forged');
    } finally {
      aborted.abort();
      await served.close();
    }
  });

  it('never shows internals on a 500', async () => {
    const deps = stack.api;
    const broken = {
      ...deps,
      client: {
        ...stack.client,
        workflow: {
          ...stack.client.workflow,
          list: () => {
            throw new Error('secret internal detail at db.go:42');
          },
        },
      } as unknown as typeof stack.client,
    };
    const { app: brokenApp } = await buildApp(broken);
    // The positions list asks visibility (applications are listed from the read side).
    const res = await brokenApp.inject({ method: 'GET', url: '/positions', headers: auth(tokens.hr) });
    await brokenApp.close();
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret');
    expect(res.json()).toEqual({ error: 'internal error', requestId: expect.any(String) as string });
  });
});

describe('signing in with a code by email', () => {
  const mailsTo = (email: string, pattern: RegExp) =>
    smtp.received.filter((m) => m.to.includes(email) && pattern.test(m.raw));

  it('signs a returning candidate in with a new code, once per code; a used or guessed code signs nobody in', async () => {
    // A candidate who signed up a while ago (the store's clock set back: a new code waits a minute
    // after the one before) and confirmed their address then.
    const earlier = kvCandidateStore(
      stack.nats.candidates,
      stack.keys,
      () => new Date(Date.now() - 2 * CODE_INTERVAL_MS),
    );
    const cand = { email: `amara.okafor.${run}@example.org`, id: '' };
    const signedUp = await earlier.createAccount({ name: 'Amara Okafor', email: cand.email });
    cand.id = signedUp.candidateId;
    const first = await app.inject({
      method: 'POST',
      url: `/candidates/${cand.id}/confirm`,
      payload: { code: signedUp.code },
    });
    expect(first.statusCode, first.body).toBe(200);
    // The account is confirmed and its code used: no six digits sign anyone in by its id any more
    // (they did: an account without a pending code answered "confirmed" to any code).
    for (const code of ['123456', '000000']) {
      const res = await app.inject({
        method: 'POST',
        url: `/candidates/${cand.id}/confirm`,
        payload: { code },
      });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json<{ problems: { field: string }[] }>().problems[0]?.field).toBe('code');
    }

    const asked = await app.inject({
      method: 'POST',
      url: '/candidates/code',
      payload: { email: cand.email },
    });
    expect(asked.statusCode).toBe(202);
    const mail = await eventually(
      () => Promise.resolve(mailsTo(cand.email, /sign-in code is \d{6}/)),
      (m) => m.length === 1,
    );
    const code = /sign-in code is (\d{6})/.exec(mail[0]!.raw)![1]!;
    // A second ask within the minute sends nothing more; the answer is the same.
    const again = await app.inject({
      method: 'POST',
      url: '/candidates/code',
      payload: { email: cand.email },
    });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(asked.json());
    // An address nobody has gets the same answer, and no mail goes anywhere.
    const nobody = `nobody.${run}@example.org`;
    const unknown = await app.inject({ method: 'POST', url: '/candidates/code', payload: { email: nobody } });
    expect(unknown.statusCode).toBe(202);
    expect(unknown.json()).toEqual(asked.json());

    const wrong = await app.inject({
      method: 'POST',
      url: '/candidates/sign-in',
      payload: { email: cand.email, code: code === '999999' ? '888888' : '999999' },
    });
    expect(wrong.statusCode).toBe(422);
    const signedIn = await app.inject({
      method: 'POST',
      url: '/candidates/sign-in',
      payload: { email: cand.email.toUpperCase(), code },
    });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    const session = signedIn.json<{ candidateId: string; token: string }>();
    expect(session.candidateId).toBe(cand.id);
    const me = await app.inject({ method: 'GET', url: '/me', headers: auth(session.token) });
    expect(me.json<{ profile: { name: string } }>().profile.name).toBe('Amara Okafor');
    const reused = await app.inject({
      method: 'POST',
      url: '/candidates/sign-in',
      payload: { email: cand.email, code },
    });
    expect(reused.statusCode).toBe(422);
    expect(mailsTo(cand.email, /sign-in code/)).toHaveLength(1);
    // Confirming and signing in are activity: each starts the retention clock of the candidate's
    // data again (the account was made by the store, so the confirmation started it).
    const retention = await stack.client.workflow.getHandle(retentionWorkflowId(cand.id)).fetchHistory();
    expect(retention.events?.filter((e) => e.workflowExecutionSignaledEventAttributes)).toHaveLength(2);
    // Signing out ends that token, and only that one.
    const out = await app.inject({ method: 'DELETE', url: '/session', headers: auth(session.token) });
    expect(out.statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/me', headers: auth(session.token) })).statusCode).toBe(
      401,
    );
    const firstToken = first.json<{ token: string }>().token;
    expect((await app.inject({ method: 'GET', url: '/me', headers: auth(firstToken) })).statusCode).toBe(200);
    expect(smtp.received.filter((m) => m.to.includes(nobody))).toHaveLength(0);
    // Bad input names the field and the rule.
    const bad = await app.inject({
      method: 'POST',
      url: '/candidates/sign-in',
      payload: { email: 'x', code: '12' },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json<{ problems: { field: string }[] }>()
        .problems.map((p) => p.field)
        .sort(),
    ).toEqual(['body.code', 'body.email']);
  });

  it('sends one address at most ten codes a day, the first included, then again the next day', async () => {
    let now = Date.now();
    const store = kvCandidateStore(stack.nats.candidates, stack.keys, () => new Date(now));
    const email = `daily.${run}@example.org`;
    const { candidateId } = await store.createAccount({ name: 'Tupac Quispe', email });
    const start = now;
    const serials: number[] = [];
    for (let i = 0; i < CODES_PER_DAY; i++) {
      now += CODE_INTERVAL_MS + 1;
      const issued = await store.issueCode(email);
      if (issued) serials.push(issued.serial);
    }
    // The account's first code and nine sign-in codes: the tenth request of the day is refused.
    expect(serials).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    now = start + 23 * 60 * 60 * 1000;
    expect(await store.issueCode(email)).toBeUndefined();
    // A day after the first code, a new day's codes.
    now = start + 24 * 60 * 60 * 1000 + 1;
    expect(await store.issueCode(email)).toMatchObject({ candidateId, serial: 11 });
    now += CODE_INTERVAL_MS + 1;
    expect(await store.issueCode(email)).toMatchObject({ serial: 12 });
    // Over the API the answer stays the same, so it tells nobody whether the address has an account.
    const asked = await app.inject({ method: 'POST', url: '/candidates/code', payload: { email } });
    expect(asked.statusCode).toBe(202);
  });

  it('voids a code after five wrong tries, sends at most one code a minute, and frees an address a dead sign-up held', async () => {
    let now = Date.now();
    const store = kvCandidateStore(stack.nats.candidates, stack.keys, () => new Date(now));
    const email = `codes.${run}@example.org`;
    const { candidateId, code } = await store.createAccount({ name: 'Lena Virtanen', email });
    const wrongCode = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < CODE_ATTEMPTS; i++) expect(await store.confirm(candidateId, wrongCode)).toBe(false);
    // The right code, too late: five wrong tries voided it.
    expect(await store.confirm(candidateId, code)).toBe(false);
    // A new one, but not twice in a minute.
    expect(await store.issueCode(email)).toBeUndefined();
    now += CODE_INTERVAL_MS + 1;
    const second = (await store.issueCode(email))!;
    expect(second).toMatchObject({ candidateId, serial: 2 });
    expect(await store.issueCode(email)).toBeUndefined();
    expect(await store.confirm(candidateId, second.code)).toBe(true);
    expect(await store.confirm(candidateId, second.code)).toBe(false);
    // A sign-in code lasts half an hour.
    now += CODE_INTERVAL_MS + 1;
    const third = (await store.issueCode(email))!;
    now += 31 * 60 * 1000;
    expect(await store.confirm(candidateId, third.code)).toBe(false);
    expect(await store.issueCode(`nobody.${run}@example.org`)).toBeUndefined();

    // A sign-up that claimed its address and died before writing the account: the address is
    // held for a minute (another sign-up may be half-way), then free.
    const held = `held.${run}@example.org`;
    const indexKey = `email.${createHash('sha256').update(held).digest('hex')}`;
    await stack.nats.candidates.create(indexKey, `dead-${run}`);
    now = Date.now();
    await expect(store.createAccount({ name: 'Kofi Mensah', email: held })).rejects.toBeInstanceOf(
      EmailTaken,
    );
    now = Date.now() + CODE_INTERVAL_MS + 1000;
    const made = await store.createAccount({ name: 'Kofi Mensah', email: held });
    expect(await store.candidateIdFor(held)).toBe(made.candidateId);
    expect(await store.confirm(made.candidateId, made.code)).toBe(true);
    // A real account's address stays taken.
    await expect(store.createAccount({ name: 'Someone Else', email: held })).rejects.toThrow(
      /POST \/candidates\/code/,
    );
  });
});

describe('the metrics', () => {
  it('count answers by route template and transitions by command, with no id or person in a label', async () => {
    const metrics = createApiMetrics({
      pendingEvents: () => stack.readSide.pendingEvents(),
      indexedApplications: () => stack.readSide.index.size,
    });
    const metered = (await buildApp({ ...stack.api, metrics })).app;
    const server = await serveMetrics(metrics.registry, '127.0.0.1:0');
    try {
      const positionId = await position();
      const owner = await candidate('Lucia Ferreira');
      await apply(owner, positionId);
      const url = `/applications/${positionId}/${owner.id}/transitions`;
      const screen = (payload: object) =>
        metered.inject({ method: 'POST', url, headers: auth(tokens.recruiter), payload });
      const done = await screen({ type: 'screen', decision: 'shortlist', notes: 'fine' });
      expect(done.statusCode, done.body).toBe(200);
      expect((await screen({ type: 'screen', decision: 'shortlist' })).statusCode).toBe(409);
      expect((await screen({ type: `drop table ${owner.id}` })).statusCode).toBe(400);
      expect((await metered.inject({ method: 'GET', url: `/nowhere/${owner.id}` })).statusCode).toBe(404);

      const { port } = server.address() as AddressInfo;
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const route = '/applications/:positionId/:candidateId/transitions';
      expect(text).toContain(`hiring_api_requests_total{method="POST",route="${route}",status="200"} 1`);
      expect(text).toContain(`hiring_api_requests_total{method="POST",route="${route}",status="409"} 1`);
      expect(text).toContain('hiring_transitions_total{command="screen",status="200"} 1');
      expect(text).toContain('hiring_transitions_total{command="screen",status="409"} 1');
      expect(text).toContain('hiring_transitions_total{command="invalid",status="400"} 1');
      expect(text).toMatch(/^hiring_api_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
      expect(text).toMatch(/^hiring_readside_applications [1-9]\d*$/m);
      expect(text).toMatch(/^hiring_readside_pending_events \d+$/m);
      expect(text).toMatch(/^process_cpu_seconds_total /m);
      for (const secret of [owner.id, owner.email, 'Lucia', positionId, 'drop table'])
        expect(text, `'${secret}' in the metrics`).not.toContain(secret);
    } finally {
      server.close();
      await metered.close();
    }
  });
});

describe('the sign-up and code routes', () => {
  // Counts live in NATS in windows aligned on the clock: each test counts in its own namespace, at
  // a fixed moment in the middle of a minute, so no window ends under it.
  let minute = Date.parse('2026-12-01T10:00:30Z');
  const counter = (name: string) =>
    kvRequestCounter(stack.nats.rateLimits, randomBytes(32), `${name}-${run}`, () => minute);

  it('take a limited number of requests a minute from one address, and say so', async () => {
    const { app: limitedApp } = await buildApp({
      ...stack.api,
      rateLimitPerMinute: 3,
      requestCounter: counter('limit'),
    });
    try {
      const ask = (email: string) =>
        limitedApp.inject({ method: 'POST', url: '/candidates/code', payload: { email } });
      for (let i = 0; i < 3; i++) expect((await ask(`limit${i}.${run}@example.org`)).statusCode).toBe(202);
      const over = await ask(`limit3.${run}@example.org`);
      expect(over.statusCode).toBe(429);
      expect(over.json<{ error: string }>().error).toMatch(
        /at most 3 a minute; try again in \d+ (seconds?|minutes?)/,
      );
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      // Each route counts on its own, and the rest of the API is not limited.
      const signIn = await limitedApp.inject({
        method: 'POST',
        url: '/candidates/sign-in',
        payload: { email: `limit0.${run}@example.org`, code: '123456' },
      });
      expect(signIn.statusCode).toBe(422);
      for (let i = 0; i < 5; i++)
        expect((await limitedApp.inject({ method: 'GET', url: '/positions' })).statusCode).toBe(200);
    } finally {
      await limitedApp.close();
    }
  });

  it('count each client behind a trusted proxy apart, and only behind a trusted one', async () => {
    const ask = (target: FastifyInstance, client: string) =>
      target.inject({
        method: 'POST',
        url: '/candidates/code',
        remoteAddress: '10.0.0.5',
        headers: { 'x-forwarded-for': client },
        payload: { email: `proxied.${run}@example.org` },
      });
    const requestCounter = counter('proxy');
    const behind = (
      await buildApp({ ...stack.api, rateLimitPerMinute: 1, trustProxy: '10.0.0.5', requestCounter })
    ).app;
    const open = (await buildApp({ ...stack.api, rateLimitPerMinute: 1, requestCounter })).app;
    try {
      expect((await ask(behind, '198.51.100.7')).statusCode).toBe(202);
      expect((await ask(behind, '203.0.113.9')).statusCode).toBe(202);
      expect((await ask(behind, '198.51.100.7')).statusCode).toBe(429);
      // Without trusting it, the header is anyone's to write: the proxy's address counts.
      expect((await ask(open, '198.51.100.7')).statusCode).toBe(202);
      expect((await ask(open, '203.0.113.9')).statusCode).toBe(429);
    } finally {
      await behind.close();
      await open.close();
    }
  });

  it('count against one limit across API processes, every request once, and keep no address', async () => {
    // Two API processes behind one balancer: each builds its own counter over the same bucket.
    const secret = randomBytes(32);
    const shared = () => kvRequestCounter(stack.nats.rateLimits, secret, `shared-${run}`, () => minute);
    const first = (await buildApp({ ...stack.api, rateLimitPerMinute: 3, requestCounter: shared() })).app;
    const second = (await buildApp({ ...stack.api, rateLimitPerMinute: 3, requestCounter: shared() })).app;
    const ask = (target: FastifyInstance, client: string, i: number) =>
      target.inject({
        method: 'POST',
        url: '/candidates/code',
        remoteAddress: client,
        payload: { email: `shared${i}.${run}@example.org` },
      });
    try {
      const one = '198.51.100.23';
      expect((await ask(first, one, 0)).statusCode).toBe(202);
      expect((await ask(second, one, 1)).statusCode).toBe(202);
      expect((await ask(first, one, 2)).statusCode).toBe(202);
      expect((await ask(second, one, 3)).statusCode).toBe(429);

      // Many at once through both processes: the count is compared-and-set, so exactly three pass.
      const burst = await Promise.all(
        Array.from({ length: 10 }, (_, i) => ask(i % 2 ? first : second, '198.51.100.24', 10 + i)),
      );
      expect(burst.map((r) => r.statusCode).sort()).toEqual([
        ...Array<number>(3).fill(202),
        ...Array<number>(7).fill(429),
      ]);

      // The next minute is a new window.
      minute += 60_000;
      expect((await ask(second, one, 20)).statusCode).toBe(202);

      // The bucket holds a keyed hash of each address, never the address in any spelling. Only
      // what follows the namespace is read, for the address's digits in order: the namespace is
      // made of this run's pid and clock digits, which can spell '198' on their own.
      const keys: string[] = [];
      for await (const key of await stack.nats.rateLimits.keys(`shared-${run}.>`)) keys.push(key);
      expect(keys.length).toBe(3);
      const written = keys.map((k) => k.slice(`shared-${run}.`.length)).join(' ');
      expect(written).not.toMatch(/198\D{0,3}51\D{0,3}100/);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('staff', () => {
  it('are kept by admins, with where their emails go: a recruiter added through the API gets theirs', async () => {
    const subject = `rec-api-${run}`;
    const email = `lucia.fernandez.${run}@interpol.example`;
    const put = (token: string | undefined, id: string, body: unknown) =>
      app.inject({ method: 'PUT', url: `/staff/${id}`, headers: auth(token), payload: body as object });
    const listed = async () =>
      (await app.inject({ method: 'GET', url: '/staff', headers: auth(tokens.admin) })).json<{
        staff: { subject: string; name: string; email: string }[];
      }>().staff;
    // Admins keep the list; every staff member reads it (whom to hand work to), nobody else.
    expect((await put(tokens.recruiter, subject, { name: 'Lucía', email })).statusCode).toBe(403);
    expect((await put(tokens.hr, subject, { name: 'Lucía', email })).statusCode).toBe(403);
    const read = (token?: string) => app.inject({ method: 'GET', url: '/staff', headers: auth(token) });
    expect((await read(tokens.hr)).statusCode).toBe(200);
    expect((await read()).statusCode).toBe(401);
    // Bad input names the field and the rule, and writes nothing.
    const bad = await put(tokens.admin, subject, { name: '  ', email: 'not an address' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ problems: { field: string; message: string }[] }>().problems).toEqual([
      { field: 'body.name', message: 'required' },
      { field: 'body.email', message: 'a valid email address' },
    ]);
    const badId = await put(tokens.admin, 'x'.repeat(65), { name: 'Lucía', email });
    expect(badId.statusCode).toBe(400);
    expect(badId.json<{ problems: { field: string }[] }>().problems[0]?.field).toBe('params.subject');
    expect((await listed()).map((c) => c.subject)).not.toContain(subject);

    const saved = await put(tokens.admin, subject, { name: ' Lucía Fernández ', email });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({ subject, name: 'Lucía Fernández', email });
    expect(await listed()).toContainEqual({ subject, name: 'Lucía Fernández', email });
    const issued = await app.inject({
      method: 'POST',
      url: '/tokens',
      headers: auth(tokens.admin),
      payload: { role: 'recruiter', subject },
    });
    const token = issued.json<{ token: string }>().token;
    // Who a token names: the dashboard's sign-in asks it.
    const session = (t?: string) => app.inject({ method: 'GET', url: '/session', headers: auth(t) });
    expect((await session(token)).json()).toMatchObject({
      role: 'recruiter',
      subject,
      contact: { name: 'Lucía Fernández', email },
    });
    expect((await session()).statusCode).toBe(401);

    // A candidate applies to a vacancy and withdraws: its recruiter is told, at the address kept here.
    const applyAndWithdraw = async (recruiterToken: string, who: { id: string; token: string }) => {
      const positionId = await position('Criminal Intelligence Officer', recruiterToken);
      await apply(who, positionId);
      const withdrawn = await app.inject({
        method: 'POST',
        url: `/applications/${positionId}/${who.id}/transitions`,
        headers: auth(who.token),
        payload: { type: 'withdraw', reason: 'another offer' },
      });
      expect(withdrawn.statusCode, withdrawn.body).toBe(200);
      return positionId;
    };
    // Without a contact, the recruiter's email fails for good, and the timeline says why.
    const unknown = await stack.api.tokens.issue('recruiter', `rec-unknown-${run}`);
    expect((await session(unknown)).json()).toMatchObject({ subject: `rec-unknown-${run}`, contact: null });
    const ines = await candidate('Ines Moreau');
    const theirs = await applyAndWithdraw(unknown, ines);
    const failed = await eventually(
      async () =>
        (
          await app.inject({
            method: 'GET',
            url: `/applications/${theirs}/${ines.id}`,
            headers: auth(tokens.hr),
          })
        ).json<{ timeline: { kind: string; detail: string }[] }>().timeline,
      (t) => t.some((e) => e.kind === 'effect_failed'),
    );
    expect(failed.filter((e) => e.kind === 'effect_failed').map((e) => e.detail)).toEqual([
      `message withdrawal_confirmed email failed: no contact for recruiter rec-unknown-${run}`,
    ]);

    const rui = await candidate('Rui Costa');
    // A candidate's: no contact (their address is in their sealed profile, GET /me).
    const candidateSession = (await session(rui.token)).json<Record<string, unknown>>();
    expect(Object.keys(candidateSession).sort()).toEqual(['expiresAt', 'role', 'subject']);
    expect(candidateSession).toMatchObject({ role: 'candidate', subject: rui.id });
    const positionId = await applyAndWithdraw(token, rui);
    const told = await eventually(
      () => Promise.resolve(smtp.received.find((m) => m.to.includes(email))),
      (m) => m !== undefined,
    );
    expect(told!.header('X-Hiring-Template')).toBe('withdrawal_confirmed');
    expect(told!.raw).toContain(`application/${positionId}/${rui.id}`);
  });
});

describe('handing work over', () => {
  it('hands a vacancy over with its applications in progress; new ones follow; a stranger is refused', async () => {
    const from = `rec-from-${run}`;
    const to = `rec-to-${run}`;
    const toEmail = `malik.haddad.${run}@interpol.example`;
    await stack.directory.putStaff(from, { name: 'Ana Lima', email: `ana.lima.${run}@interpol.example` });
    await stack.directory.putStaff(to, { name: 'Malik Haddad', email: toEmail });
    const fromToken = await stack.api.tokens.issue('recruiter', from);
    const toToken = await stack.api.tokens.issue('recruiter', to);
    const positionId = await position('Cybercrime Analyst', fromToken);
    const [kim, lea] = [await candidate('Kim Park'), await candidate('Lea Roux')];
    await apply(kim, positionId);
    await apply(lea, positionId);
    // One of them moves on first: a hand-over keeps every stage as it is.
    const screened = await app.inject({
      method: 'POST',
      url: `/applications/${positionId}/${kim.id}/transitions`,
      headers: auth(fromToken),
      payload: { type: 'screen', decision: 'shortlist' },
    });
    expect(screened.statusCode, screened.body).toBe(200);

    const handOver = (token: string | undefined, recruiterId: string) =>
      app.inject({
        method: 'POST',
        url: `/positions/${positionId}/changes`,
        headers: auth(token),
        payload: { type: 'hand_over', recruiterId },
      });
    // Someone the staff list does not have: refused, naming the field; nothing moves.
    const stranger = await handOver(tokens.hr, `nobody-${run}`);
    expect(stranger.statusCode).toBe(422);
    expect(stranger.json<{ problems: { field: string }[] }>().problems[0]?.field).toBe('recruiterId');
    // A candidate may not; HR may (someone is leaving).
    expect((await handOver(kim.token, to)).statusCode).toBe(403);
    const handed = await handOver(tokens.hr, to);
    expect(handed.statusCode, handed.body).toBe(200);
    expect(handed.json()).toMatchObject({ positionId, recruiterId: to });
    expect((await handOver(tokens.hr, to)).statusCode).toBe(409);

    // Each application in progress is theirs now, stage unchanged, and they were told of each.
    const view = (who: { id: string }) =>
      app.inject({ method: 'GET', url: `/applications/${positionId}/${who.id}`, headers: auth(tokens.hr) });
    const kimView = await eventually(
      async () => (await view(kim)).json<ApplicationView>(),
      (v) => v.recruiterId === to,
    );
    expect(kimView.status).toBe('screened');
    expect(kimView.timeline.at(-1)).toMatchObject({
      actor: { role: 'system', id: `position/${positionId}` },
      detail: `handed over from ${from} to ${to}`,
    });
    await eventually(
      async () => (await view(lea)).json<ApplicationView>(),
      (v) => v.recruiterId === to && v.status === 'submitted',
    );
    const told = await eventually(
      () =>
        Promise.resolve(
          smtp.received.filter(
            (m) => m.to.includes(toEmail) && m.header('X-Hiring-Template') === 'handed_over',
          ),
        ),
      (ms) => ms.length === 2,
    );
    expect(told.map((m) => m.raw.includes(`application/${positionId}/${kim.id}`)).sort()).toEqual([
      false,
      true,
    ]);
    // Their board and vacancy list have it; the one before them has it no more.
    const mine = async (token: string, url: string) =>
      (await app.inject({ method: 'GET', url, headers: auth(token) })).json<{
        items?: { applicationId: string }[];
        positions?: { positionId: string }[];
      }>();
    await eventually(
      () => mine(toToken, `/applications?mine=true&positionId=${positionId}`),
      (r) => r.items?.length === 2,
    );
    expect((await mine(fromToken, `/applications?mine=true&positionId=${positionId}`)).items).toEqual([]);
    await eventually(
      () => mine(toToken, '/positions?mine=true'),
      (r) => r.positions?.some((p) => p.positionId === positionId) === true,
    );
    expect((await mine(fromToken, '/positions?mine=true')).positions?.map((p) => p.positionId)).not.toContain(
      positionId,
    );
    // Staff see who is in charge of a vacancy; a candidate or a visitor sees the vacancy only.
    const listed = async (token?: string) =>
      (await app.inject({ method: 'GET', url: `/positions?words=Cybercrime`, headers: auth(token) })).json<{
        positions: { positionId: string; recruiterId?: string }[];
      }>().positions;
    expect((await listed(tokens.hr)).find((p) => p.positionId === positionId)).toMatchObject({
      recruiterId: to,
    });
    for (const who of [kim.token, undefined]) {
      const seen = (await listed(who)).find((p) => p.positionId === positionId);
      expect(seen).toMatchObject({ positionId, title: 'Cybercrime Analyst' });
      expect(seen).not.toHaveProperty('recruiterId');
      const one = await app.inject({ method: 'GET', url: `/positions/${positionId}`, headers: auth(who) });
      expect(one.json()).not.toHaveProperty('recruiterId');
    }
    const oneForStaff = await app.inject({
      method: 'GET',
      url: `/positions/${positionId}`,
      headers: auth(tokens.hr),
    });
    expect(oneForStaff.json()).toMatchObject({ recruiterId: to });
    // An application sent after the hand-over is theirs from the start.
    const max = await candidate('Max Weber');
    await apply(max, positionId);
    expect((await view(max)).json<ApplicationView>().recruiterId).toBe(to);

    // One application alone goes back to the first recruiter (say, the candidate they know).
    const back = await app.inject({
      method: 'POST',
      url: `/applications/${positionId}/${lea.id}/transitions`,
      headers: auth(toToken),
      payload: { type: 'hand_over', recruiterId: from, notes: 'she interviewed Lea before' },
    });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json<ApplicationView>()).toMatchObject({ recruiterId: from, status: 'submitted' });
    expect(back.json<ApplicationView>().timeline.at(-1)?.detail).toBe(
      `handed over from ${to} to ${from}: she interviewed Lea before`,
    );

    // Taking someone off the staff list: refused while work is in their charge, and by admins only.
    const remove = (token: string | undefined, subject: string) =>
      app.inject({ method: 'DELETE', url: `/staff/${subject}`, headers: auth(token) });
    expect((await remove(tokens.hr, from)).statusCode).toBe(403);
    const stillInCharge = await eventually(
      () => remove(tokens.admin, from),
      (r) => r.json<{ applications?: number }>().applications === 1,
    );
    expect(stillInCharge.statusCode).toBe(409);
    expect(stillInCharge.json()).toMatchObject({ vacancies: 0, applications: 1 });
    expect(await stack.directory.lookup({ kind: 'recruiter', id: from })).toMatchObject({ name: 'Ana Lima' });
    await app.inject({
      method: 'POST',
      url: `/applications/${positionId}/${lea.id}/transitions`,
      headers: auth(tokens.hr),
      payload: { type: 'hand_over', recruiterId: to },
    });
    // Once the read side has the hand-over: gone from the list, and signed out everywhere.
    const removed = await eventually(
      () => remove(tokens.admin, from),
      (r) => r.statusCode !== 409,
    );
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toEqual({ subject: from, revoked: 1 });
    expect((await app.inject({ method: 'GET', url: '/figures', headers: auth(fromToken) })).statusCode).toBe(
      401,
    );
    await expect(stack.directory.lookup({ kind: 'recruiter', id: from })).rejects.toThrow(/no contact/);
    // The one in charge of the vacancy cannot go before it is handed over; nobody is not there.
    expect((await remove(tokens.admin, to)).json()).toMatchObject({ vacancies: 1 });
    expect((await remove(tokens.admin, `nobody-${run}`)).statusCode).toBe(404);
  });
});

describe('tokens', () => {
  it('are all revoked at once by an admin for someone who leaves, in every process', async () => {
    const departed = `departed-${run}`;
    const laptop = await stack.api.tokens.issue('recruiter', departed);
    const phone = await stack.api.tokens.issue('recruiter', departed, 7);
    const figures = (token?: string) => app.inject({ method: 'GET', url: '/figures', headers: auth(token) });
    expect((await figures(laptop)).statusCode).toBe(200);
    const revoke = (token?: string) =>
      app.inject({ method: 'DELETE', url: `/tokens/${departed}`, headers: auth(token) });
    // Only an admin may.
    expect((await revoke(tokens.recruiter)).statusCode).toBe(403);
    const revoked = await revoke(tokens.admin);
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toEqual({ revoked: 2 });
    expect((await figures(laptop)).statusCode).toBe(401);
    expect((await figures(phone)).statusCode).toBe(401);
    // Another process, with its own store over the same bucket, agrees.
    expect(await kvTokenStore(stack.nats.tokens).verify(laptop)).toBeUndefined();
    expect((await figures(tokens.recruiter)).statusCode).toBe(200);
  });

  it("hold for their lifetime: a candidate's 30 days, staff 90 unless an admin says otherwise", async () => {
    let now = Date.now();
    const store = kvTokenStore(stack.nats.tokens, () => new Date(now));
    const candidateToken = await store.issue('candidate', `lifetime-${run}`);
    const staffToken = await store.issue('recruiter', `lifetime-${run}`);
    const weekToken = await store.issue('hr', `lifetime-${run}`, 7);
    now += 7 * DAYS(1) + 1;
    expect(await store.verify(weekToken)).toBeUndefined();
    expect(await store.verify(candidateToken)).toMatchObject({ role: 'candidate' });
    now += 23 * DAYS(1);
    expect(await store.verify(candidateToken)).toBeUndefined();
    expect(await store.verify(staffToken)).toMatchObject({ role: 'recruiter' });
    now += 60 * DAYS(1);
    expect(await store.verify(staffToken)).toBeUndefined();
    // Through the API: the lifetime an admin sets, within a year.
    const issue = (days: number) =>
      app.inject({
        method: 'POST',
        url: '/tokens',
        headers: auth(tokens.admin),
        payload: { role: 'hr', subject: `hr-${run}`, days },
      });
    const issued = await issue(7);
    expect(issued.statusCode).toBe(201);
    const principal = await stack.api.tokens.verify(issued.json<{ token: string }>().token);
    expect(Date.parse(principal!.expiresAt!) - Date.parse(principal!.issuedAt)).toBe(7 * DAYS(1));
    const tooLong = await issue(400);
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json<{ problems: { field: string }[] }>().problems[0]?.field).toBe('body.days');
  });

  it('are all revoked with their subject, those issued before the subject index too', async () => {
    // A token as the store wrote them before the index: its record, no index key, no lifetime.
    const subject = `cand-early-${run}`;
    const early = `hir_${randomBytes(32).toString('base64url')}`;
    await stack.nats.tokens.create(
      `token.${createHash('sha256').update(early).digest('hex')}`,
      JSON.stringify({ role: 'candidate', subject, issuedAt: '2026-11-01T09:00:00.000Z' }),
    );
    const store = kvTokenStore(stack.nats.tokens);
    const later = await store.issue('candidate', subject);
    const other = await store.issue('candidate', `cand-other-${run}`);
    expect(await store.verify(early)).toMatchObject({ subject });
    expect(await store.revokeSubject(subject)).toBe(2);
    expect(await store.verify(early)).toBeUndefined();
    expect(await store.verify(later)).toBeUndefined();
    expect(await store.verify(other)).toMatchObject({ subject: `cand-other-${run}` });
  });
});

describe('the codec endpoint for the Temporal Web UI', () => {
  it('decodes the encrypted payloads of a real history for staff, and for nobody else', async () => {
    const positionId = await position();
    const { getPositionQuery } = await import('../../workflows/position-workflow.js');
    const handle = stack.client.workflow.getHandle(`position/${positionId}`);
    await handle.query(getPositionQuery);
    // The server stores ciphertext: the first payload of the history is encrypted.
    const history = await handle.fetchHistory();
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(Buffer.from(input.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(Buffer.from(input.data!).toString()).not.toContain(positionId);
    const body = {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(input.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(input.data!).toString('base64'),
        },
      ],
    };
    const decoded = await app.inject({
      method: 'POST',
      url: '/codec/decode',
      headers: { ...auth(tokens.hr), origin: 'http://127.0.0.1:8233' },
      payload: body,
    });
    expect(decoded.statusCode).toBe(200);
    expect(decoded.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8233');
    const plain = decoded.json<{ payloads: { data: string }[] }>().payloads[0]!;
    expect(Buffer.from(plain.data, 'base64').toString()).toContain(positionId);
    expect((await app.inject({ method: 'POST', url: '/codec/decode', payload: body })).statusCode).toBe(401);
  });
});

describe('the role matrix', () => {
  it('answers every route for every role: 401 without a token, 403 for the wrong role, never a 5xx', async () => {
    const cand = await candidate('Chen Jing');
    const who: Record<string, string | undefined> = { none: undefined, candidate: cand.token, ...tokens };
    const fill = (url: string) => url.replace(':positionId', 'NOPE').replace(':candidateId', 'nobody');
    const results: string[] = [];
    // DELETE /me erases the candidate, which revokes their tokens: walked last.
    const erasing = (r: RouteInfo) => r.method === 'DELETE' && r.url === '/me';
    for (const route of [...routes.filter((r) => !erasing(r)), ...routes.filter(erasing)]) {
      if (route.url === '/events') continue; // a stream: checked for 401/403 below
      if (route.url === '/session') continue; // signs the token out: checked below
      for (const [role, token] of Object.entries(who)) {
        const res = await app.inject({
          method: route.method as 'GET',
          url: fill(route.url),
          headers: { ...auth(token), 'idempotency-key': 'matrix-key-1' },
          payload: route.method === 'GET' ? undefined : {},
        });
        const allowed =
          route.access === 'public' || (role !== 'none' && route.access.includes(role as never));
        const expected = allowed ? 'allowed' : role === 'none' ? '401' : '403';
        const got =
          res.statusCode === 401
            ? '401'
            : res.statusCode === 403
              ? '403'
              : res.statusCode >= 500
                ? `5xx ${res.body}`
                : 'allowed';
        if (got !== expected)
          results.push(
            `${route.method} ${route.url} as ${role}: expected ${expected}, got ${res.statusCode} ${res.body.slice(0, 200)}`,
          );
      }
    }
    expect(results).toEqual([]);
    expect(routes.length).toBeGreaterThan(15);
    expect((await app.inject({ method: 'GET', url: '/events' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'DELETE', url: '/session' })).statusCode).toBe(401);
    // The walk erased `cand` (DELETE /me): another candidate's token.
    const other = await stack.api.tokens.issue('candidate', `matrix-${run}`);
    expect((await app.inject({ method: 'GET', url: '/events', headers: auth(other) })).statusCode).toBe(403);
  });
});

/**
 * The HR dashboard in headless Chromium (Debian's package, driven by playwright-core; never a
 * browser download): load the board, filter, open an application, act on it, see a refusal, see a
 * transition made from the CLI arrive live, and keep a screenshot as a test artifact.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/server.js';
import { instantToZoned } from '../../schemas/time.js';
import { kvCandidateStore } from '../../stores/candidates.js';
import { eventually } from '../helpers/application-harness.js';
import { realStack } from '../helpers/stack.js';

let stack: Awaited<ReturnType<typeof realStack>>;
let app: FastifyInstance;
let browser: Browser;
let base: string;
let token: string;
const run = `${process.pid}${Date.now() % 100000}`;
const positionId = `WEB${run}`;
const ids = [`web${run}a`, `web${run}b`];

beforeAll(async () => {
  if (!existsSync('dashboard/dist/index.html'))
    throw new Error('the dashboard is not built: run `npm run build:dashboard`');
  stack = await realStack();
  ({ app } = await buildApp(stack.api));
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  token = await stack.api.tokens.issue('recruiter', 'rec-1');
  await stack.directory.putStaff('rec-1', { name: 'Jean Martin', email: 'jean.martin@example.org' });
  await stack.openPosition(
    {
      positionId,
      title: 'Counter-terrorism analyst',
      description: 'Analysis for member countries.',
      dutyStation: 'ABJ',
      contractType: 'temporary',
    },
    5,
  );
  for (const id of ids) {
    await stack.candidateWithCv(id);
    await stack.submit(id, positionId);
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await stack?.stop();
});

function cli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['bin/hiring.mjs', ...args],
      { env: { ...process.env, HIRING_API: base, HIRING_TOKEN: token } },
      (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout)),
    ),
  );
}

describe('HR dashboard', () => {
  it('shows the board, filters, opens an application, acts, refuses, and updates live', async () => {
    // Visibility is eventually consistent: both applications are listed before the page opens.
    await eventually(
      async () =>
        (
          await stack.client.workflow.count(
            `PositionId = '${positionId}' AND WorkflowType = 'applicationWorkflow'`,
          )
        ).count,
      (n) => n === 2,
    );
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(base);
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Position').selectOption(positionId);
    await expect.poll(() => page.getByTestId('count-submitted').textContent(), { timeout: 15_000 }).toBe('2');
    await page.getByLabel('Duty station').selectOption('LYO');
    await expect.poll(() => page.getByTestId('count-submitted').textContent(), { timeout: 15_000 }).toBe('0');
    await page.getByLabel('Duty station').selectOption('ABJ');
    await expect.poll(() => page.getByTestId('count-submitted').textContent(), { timeout: 15_000 }).toBe('2');
    // rec-1 is in charge of this vacancy's applications: their own board still has both (the API
    // test checks that another recruiter's are left out).
    const mine = page.getByLabel('Only the applications I am in charge of');
    await mine.check();
    await expect.poll(() => page.getByTestId('count-submitted').textContent(), { timeout: 15_000 }).toBe('2');
    await mine.uncheck();
    // The list as HR takes it away: the board's filters, one row per application.
    const [sheet] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download as CSV' }).click(),
    ]);
    expect(sheet.suggestedFilename()).toMatch(/^applications-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = readFileSync(await sheet.path())
      .toString()
      .trim()
      .split('\r\n');
    expect(rows).toHaveLength(3);
    for (const id of ids)
      expect(rows.some((r) => r.startsWith(`application/${positionId}/${id},`))).toBe(true);
    // The deadlines coming due name who applied and for what, as the cards do, and follow the filters.
    await expect
      .poll(() => page.getByTestId('due').textContent(), { timeout: 15_000 })
      .toContain(`Candidate ${ids[0]} · Counter-terrorism analyst`);
    const dueIds = await page
      .getByTestId('due')
      .locator('a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('title') ?? ''));
    expect(dueIds.length).toBeGreaterThan(0);
    for (const id of dueIds) expect(id).toContain(`/${positionId}/`);

    // Open the first application, found by its applicant's name, and shortlist it.
    const card = page.locator(
      `.column[data-stage="submitted"] .card[data-application="application/${positionId}/${ids[0]}"]`,
    );
    await expect.poll(() => card.textContent()).toContain(`Candidate ${ids[0]}`);
    await card.click();
    // What the candidate sent: their CV, downloaded as a recruiter screening it would.
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download cv.pdf' }).click(),
    ]);
    expect(file.suggestedFilename()).toBe('cv.pdf');
    expect(readFileSync(await file.path()).toString()).toBe(`%PDF-1.7 CV of ${ids[0]}`);
    mkdirSync('.artifacts', { recursive: true });
    await page.screenshot({ path: '.artifacts/application.png', fullPage: true });
    await page.getByRole('button', { name: 'Shortlist' }).click();
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 15_000 }).toBe('screened');
    // The timeline says when (the month in words: no 08/12 to read two ways), who, and the move.
    const moved = page.locator('[data-testid="timeline"] tr[data-kind="transition"]').last();
    await expect
      .poll(() => moved.locator('td').allTextContents(), { timeout: 15_000 })
      .toEqual([
        expect.stringMatching(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/),
        'recruiter rec-1',
        'submitted → screened',
        'shortlisted',
      ]);
    // A refusal from the workflow is shown, and announced, as an alert: an interview in the past.
    await page.getByLabel('Schedule interview at').fill('2020-01-01T10:00');
    await page.getByRole('button', { name: 'Schedule interview' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 })
      .toMatch(/must be in the future/);

    // Back on the board, a transition made from the CLI appears without a reload.
    await page.goto(`${base}/#/`);
    await page.getByLabel('Position').selectOption(positionId);
    await expect.poll(() => page.getByTestId('count-screened').textContent(), { timeout: 15_000 }).toBe('1');
    // Visibility trails the workflow: hold the board's list at what it was before the command
    // (as a lagging visibility store would serve it), so only the event feed can move the card.
    const stale = await fetch(`${base}/applications?limit=200&positionId=${positionId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const staleBody = await stale.text();
    await page.route(
      (url) => url.pathname === '/applications' && url.searchParams.get('positionId') === positionId,
      (route) => route.fulfill({ status: 200, contentType: 'application/json', body: staleBody }),
    );
    const before = Date.now();
    await cli(['screen', `application/${positionId}/${ids[1]}`, '--shortlist']);
    await expect.poll(() => page.getByTestId('count-screened').textContent(), { timeout: 15_000 }).toBe('2');
    console.info(`live update seen ${Date.now() - before} ms after the CLI command returned`);
    expect(await page.getByTestId('live').textContent()).toMatch(/live: [1-9]\d* event/);
    await page.unroute(() => true);

    mkdirSync('.artifacts', { recursive: true });
    await page.screenshot({ path: '.artifacts/dashboard.png', fullPage: true });
    expect(existsSync('.artifacts/dashboard.png')).toBe(true);
  });

  it('lets a recruiter publish, extend and cancel a vacancy, open an exam session and book a seat from it', async () => {
    const deskId = `DESK${run}`;
    const page = await browser.newPage({ viewport: { width: 1400, height: 1200 } });
    await page.goto(base);
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Positions', exact: true }).click();

    // Publishing: a closing time in the past is refused by field; then the vacancy is out.
    const inDays = (days: number, time: string) =>
      `${instantToZoned(new Date(Date.now() + days * 86_400_000), 'America/Argentina/Buenos_Aires').slice(0, 10)}T${time}`;
    await page.getByLabel('Position id').fill(deskId);
    await page.getByLabel('Reference').fill(`VN-${deskId}`);
    await page.getByLabel('Title').fill('Financial crime analyst');
    await page.getByLabel('Description').fill('Money-laundering cases across the Americas.');
    await page.getByLabel('Requirements').fill('Five years of financial investigation\nSpanish and English');
    await page.getByLabel('Duty station').selectOption('BUE');
    await page.getByLabel('Contract type').selectOption('fixed_term');
    await page.getByLabel('Closes at').fill('2020-01-31T23:59');
    await page.getByLabel('Questions').fill('Which cases have you led?\nAnything else? (optional)');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').locator('[data-field="deadlineLocal"]').count()).toBe(1);
    expect(
      (await fetch(`${base}/positions/${deskId}`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(404);
    await page.getByLabel('Closes at').fill(inDays(20, '17:00'));
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('is published');
    const position = async () =>
      (await (await fetch(`${base}/positions/${deskId}`)).json()) as {
        deadlineLocal: string;
        questions: unknown[];
        requirements: string[];
        requiredDocuments: string[];
        status: string;
      };
    expect(await position()).toMatchObject({
      deadlineLocal: inDays(20, '17:00'),
      requirements: ['Five years of financial investigation', 'Spanish and English'],
      requiredDocuments: ['cv'],
      questions: [
        { id: 'q1', text: 'Which cases have you led?', required: true },
        { id: 'q2', text: 'Anything else?', required: false },
      ],
      status: 'open',
    });
    const row = page.locator(`[data-testid="positions"] tr[data-position="${deskId}"]`);
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    // A colleague's vacancy is listed too, until the recruiter asks for their own only.
    const colleagues = `DESK${run}-B`;
    await stack.openPosition(
      {
        positionId: colleagues,
        title: 'Cybercrime analyst',
        description: 'Ransomware cases.',
        dutyStation: 'SIN',
        contractType: 'short_term',
        recruiterId: 'rec-2',
      },
      20,
    );
    const theirRow = page.locator(`[data-testid="positions"] tr[data-position="${colleagues}"]`);
    await page.getByLabel('Only my vacancies').check();
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    expect(await theirRow.count()).toBe(0);
    await page.getByLabel('Only my vacancies').uncheck();
    await expect.poll(() => theirRow.count(), { timeout: 15_000 }).toBe(1);

    // The same post at another station: the form starts from this one; id, reference and date are new.
    await page.getByRole('button', { name: `Publish one like ${deskId}`, exact: true }).click();
    await expect.poll(() => page.getByLabel('Title').inputValue()).toBe('Financial crime analyst');
    expect(await page.getByLabel('Questions').inputValue()).toBe(
      'Which cases have you led?\nAnything else? (optional)',
    );
    expect(await page.getByLabel('Position id').inputValue()).toBe('');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('new-position-id');
    await page.getByLabel('Position id').fill(`${deskId}S`);
    await page.getByLabel('Reference').fill(`VN-${deskId}S`);
    await page.getByLabel('Duty station').selectOption('SIN');
    await page.getByLabel('Closes at').fill(inDays(25, '17:00'));
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain(`(VN-${deskId}S) is published`);
    expect(await (await fetch(`${base}/positions/${deskId}S`)).json()).toMatchObject({
      title: 'Financial crime analyst',
      dutyStation: 'SIN',
      requirements: ['Five years of financial investigation', 'Spanish and English'],
      questions: [
        { id: 'q1', text: 'Which cases have you led?', required: true },
        { id: 'q2', text: 'Anything else?', required: false },
      ],
    });

    // Extending: the new closing time, in the duty station's time.
    await row.getByRole('button', { name: `Manage ${deskId}` }).click();
    await page.getByLabel(`New closing time of ${deskId}`).fill(inDays(30, '12:00'));
    await page.getByRole('button', { name: 'Extend' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('now closes at');
    expect((await position()).deadlineLocal).toBe(inDays(30, '12:00'));

    // An exam session at the vacancy's duty station, typed in that station's time.
    await page.getByRole('link', { name: 'Exam sessions' }).click();
    const sessionId = `${deskId}-S1`;
    await page.getByLabel('Session id').fill(sessionId);
    await page.getByLabel('Duty station').selectOption('BUE');
    await page.getByLabel('Starts at').fill(inDays(40, '09:30'));
    await page.getByLabel('Seats').fill('2');
    await page.getByRole('button', { name: 'Open the session' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain(`Session ${sessionId} is open`);
    const sessionRow = page.locator(`[data-testid="exam-sessions"] tr[data-session="${sessionId}"]`);
    await expect.poll(() => sessionRow.textContent()).toContain('2 of 2');
    const session = await stack.api.examSeats.getSession(sessionId);
    expect(instantToZoned(session!.startsAt, 'America/Argentina/Buenos_Aires')).toBe(inDays(40, '09:30'));

    // A candidate at the written exam: the recruiter picks the session from the list to book a seat.
    const cand = `desk${run}`;
    await stack.candidateWithCv(cand);
    await stack.submit(cand, deskId, { q1: 'The Lavado case' });
    const move = async (who: string, command: Record<string, unknown>) => {
      const res = await fetch(`${base}/applications/${deskId}/${cand}/transitions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json' },
        body: JSON.stringify(command),
      });
      expect(res.status, await res.clone().text()).toBe(200);
    };
    const candidateToken = await stack.api.tokens.issue('candidate', cand);
    await move(token, { type: 'screen', decision: 'shortlist' });
    await move(token, {
      type: 'schedule_interview',
      at: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      mode: { kind: 'in_person', dutyStation: 'BUE' },
      contactedBy: 'email',
    });
    await move(candidateToken, { type: 'confirm_interview' });
    await move(token, { type: 'record_interview', outcome: 'pass' });
    await page.goto(`${base}/#/application/${encodeURIComponent(`application/${deskId}/${cand}`)}`);
    // Who applied, to address them; the answer under the question the recruiter wrote (stored as q1).
    await expect
      .poll(() => page.getByTestId('applicant').textContent())
      .toBe(`Candidate ${cand} · ${cand}@example.org · nationality FR`);
    await expect
      .poll(() => page.locator('.panels').textContent())
      .toContain('Which cases have you led? The Lavado case');
    await page.getByLabel('Book exam seat session').selectOption(sessionId);
    await page.getByRole('button', { name: 'Book exam seat' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Book exam seat: done');
    expect(await page.locator('.panels').textContent()).toContain(`Exam: session ${sessionId}, seat 1`);
    await page.getByRole('link', { name: 'Exam sessions' }).click();
    await expect.poll(() => sessionRow.textContent()).toContain('1 of 2');

    // Handing the vacancy over: its application in progress goes with it, at the stage it is in.
    await stack.directory.putStaff(`deskmate${run}`, { name: 'Sara Lund', email: `sara.${run}@example.org` });
    await page.getByRole('link', { name: 'Positions', exact: true }).click();
    await row.getByRole('button', { name: `Manage ${deskId}` }).click();
    await expect
      .poll(() => page.getByLabel(`Who takes ${deskId} over`).locator('option').allTextContents())
      .toContain(`Sara Lund (deskmate${run})`);
    await page.getByLabel(`Who takes ${deskId} over`).selectOption(`deskmate${run}`);
    await page.getByRole('button', { name: 'Hand over' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toContain(`in the charge of deskmate${run}`);
    await expect.poll(() => row.getByTestId('position-recruiter').textContent()).toBe(`deskmate${run}`);
    await expect
      .poll(
        async () =>
          await stack.client.workflow
            .getHandle(`application/${deskId}/${cand}`)
            .query<{ status: string; recruiterId: string }>('getApplication'),
        { timeout: 20_000 },
      )
      .toMatchObject({ status: 'written_exam', recruiterId: `deskmate${run}` });

    // Cancelling the vacancy closes its applications.
    await row.getByRole('button', { name: `Manage ${deskId}` }).click();
    await page.getByLabel(`Why ${deskId} is cancelled`).fill('budget withdrawn');
    await page.getByRole('button', { name: 'Cancel the vacancy' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('is cancelled');
    expect((await position()).status).toBe('cancelled');
    await expect
      .poll(
        async () =>
          (
            await stack.client.workflow
              .getHandle(`application/${deskId}/${cand}`)
              .query<{ status: string }>('getApplication')
          ).status,
        { timeout: 20_000 },
      )
      .toBe('rejected');
    await page.screenshot({ path: '.artifacts/positions-desk.png', fullPage: true });
  });

  it('lets an admin add a recruiter with their contact and hand over a token; nobody is refused on the way', async () => {
    const admin = await stack.api.tokens.issue('admin', `admin${run}`);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // Every answer the dashboard gets, from signing in on: none may be a refusal (the sign-in
    // used to probe GET /me, a candidate's route, and read the 403 as "staff").
    const refused: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) refused.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });
    await page.goto(base);
    await page.getByLabel('Access token').fill(admin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByTestId('who').textContent(), { timeout: 15_000 })
      .toBe(`admin${run} (admin)`);
    // No contact is kept for this admin yet: the page says so, and where to add one.
    expect(await page.getByRole('alert').textContent()).toContain(
      `No email address is on file for you (admin${run})`,
    );
    await page.getByRole('link', { name: 'Staff' }).click();
    const subject = `amina${run}`;
    await page.getByLabel('Staff id').fill(subject);
    await page.getByLabel('Name').fill('Amina Diallo');
    await page.getByLabel('Email').fill(`amina.${run}@interpol.example`);
    await page.getByLabel('Token', { exact: true }).selectOption('recruiter');
    await page.getByRole('button', { name: 'Save' }).click();
    const issued = (await page.getByTestId('issued-token').textContent({ timeout: 15_000 }))!;
    await expect
      .poll(() => page.locator(`tr[data-subject="${subject}"]`).textContent(), { timeout: 15_000 })
      .toBe(`${subject}Amina Diallo${`amina.${run}@interpol.example`}Sign out everywhere Remove`);
    expect(await stack.directory.lookup({ kind: 'recruiter', id: subject })).toEqual({
      name: 'Amina Diallo',
      email: `amina.${run}@interpol.example`,
    });
    expect(refused).toEqual([]);

    // The token works, as a recruiter's: no Staff page for her.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Access token').fill(issued);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByTestId('who').textContent(), { timeout: 15_000 })
      .toBe('Amina Diallo (recruiter)');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Staff' }).count()).toBe(0);
    // Signing out, and in as someone else, asked nothing that was refused either.
    expect(refused).toEqual([]);
    await page.close();
  });

  it('lets a recruiter hand an application over to a colleague on the staff list', async () => {
    const cand = `handed${run}`;
    await stack.candidateWithCv(cand);
    await stack.submit(cand, positionId);
    await stack.directory.putStaff(`colleague${run}`, { name: 'Chen Wei', email: `chen.${run}@example.org` });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(base);
    await page.evaluate((t) => localStorage.setItem('hiring-token', t), token);
    await page.goto(`${base}/#/application/${encodeURIComponent(`application/${positionId}/${cand}`)}`);
    await page.reload();
    await expect.poll(() => page.getByTestId('in-charge').textContent(), { timeout: 15_000 }).toBe('rec-1');
    // The colleagues are offered by name; the recruiter in charge is not.
    const to = page.getByLabel('Hand over to');
    await expect
      .poll(() => to.locator('option').allTextContents(), { timeout: 15_000 })
      .toContain(`Chen Wei (colleague${run})`);
    expect(await to.locator('option[value="rec-1"]').count()).toBe(0);
    await to.selectOption(`colleague${run}`);
    await page.getByLabel('Hand over notes').fill('Chen covers Abidjan from Monday');
    await page.getByRole('button', { name: 'Hand over' }).click();
    await expect
      .poll(() => page.getByTestId('in-charge').textContent(), { timeout: 15_000 })
      .toBe(`colleague${run}`);
    expect(await page.getByTestId('status').textContent()).toBe('submitted');
    await expect
      .poll(() => page.locator('[data-testid="timeline"] tr').last().textContent())
      .toContain(`handed over from rec-1 to colleague${run}: Chen covers Abidjan from Monday`);
    await page.close();
  });

  it('lets a recruiter give a candidate more time to confirm, and reschedule the interview', async () => {
    const cand = `more${run}`;
    await stack.candidateWithCv(cand);
    const handle = await stack.submit(cand, positionId);
    const move = async (command: Record<string, unknown>) => {
      const res = await fetch(`${base}/applications/${positionId}/${cand}/transitions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(command),
      });
      expect(res.status, await res.clone().text()).toBe(200);
    };
    await move({ type: 'screen', decision: 'shortlist' });
    await move({
      type: 'schedule_interview',
      at: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      mode: { kind: 'video', link: 'https://video.interpol.int/room/9' },
      contactedBy: 'email',
    });
    const view = () =>
      handle.query<{
        upcomingDeadlines: { kind: string; at: string }[];
        interview: { at: string; reschedules: number };
      }>('getApplication');
    const confirmBy = (await view()).upcomingDeadlines.find((d) => d.kind === 'interview_confirmation')!.at;

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(base);
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${base}/#/application/${encodeURIComponent(`application/${positionId}/${cand}`)}`);
    // Typed in the reader's own time (the browser's zone), as the field shows it.
    const local = (ms: number) => {
      const d = new Date(ms);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    };
    const until = Date.parse(confirmBy) + 3 * 86_400_000;
    await page.getByLabel('More time to confirm until').fill(local(until));
    await page.getByRole('button', { name: 'More time to confirm' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('More time to confirm: done');
    const extended = (await view()).upcomingDeadlines.find((d) => d.kind === 'interview_confirmation')!.at;
    expect(Math.abs(Date.parse(extended) - until)).toBeLessThan(60_000);

    const newTime = Date.now() + 9 * 86_400_000;
    await page.getByLabel('Reschedule interview at').fill(local(newTime));
    // The form says who reads the reason; the candidate does, in the email that moves the interview.
    const reasonField = page.locator('form', { has: page.getByLabel('Reschedule interview reason') });
    expect(await reasonField.textContent()).toContain('reason (sent to the candidate)');
    await page.getByLabel('Reschedule interview reason').fill('panel member travelling');
    await page.getByRole('button', { name: 'Reschedule interview' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Reschedule interview: done');
    const rescheduled = (await view()).interview;
    expect(rescheduled.reschedules).toBe(1);
    expect(Math.abs(Date.parse(rescheduled.at) - newTime)).toBeLessThan(60_000);
    const told = await eventually(
      () =>
        Promise.resolve(
          readdirSync(join(stack.dataDir, 'outbox'))
            .map((f) => readFileSync(join(stack.dataDir, 'outbox', f), 'utf8'))
            .find((m) => m.includes('X-Hiring-Template: interview_rescheduled') && m.includes(cand)),
        ),
      (m) => m !== undefined,
    );
    expect(told).toContain('panel member travelling');

    // A note for the next person on the file: on the timeline, the stage where it was.
    await page.getByLabel('Add note notes').fill('candidate asked for a morning slot');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toContain('Add note: done, now interview');
    await expect
      .poll(() => page.locator('table').last().textContent())
      .toContain('candidate asked for a morning slot');
  });

  it('lets a candidate download their data, and delete their account once nothing is in progress', async () => {
    const cand = `rights${run}`;
    await stack.candidateWithCv(cand);
    await stack.submit(cand, positionId);
    const candidateToken = await stack.api.tokens.issue('candidate', cand);
    const page = await browser.newPage();
    await page.goto(base);
    await page.getByLabel('Access token').fill(candidateToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'My profile' }).click();
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download my data' }).click(),
    ]);
    expect(file.suggestedFilename()).toBe('my-data.json');
    const exported = readFileSync(await file.path(), 'utf8');
    expect(exported).toContain(`Candidate ${cand}`);
    expect(exported).toContain(`application/${positionId}/${cand}`);

    // Refused while the application is in progress, with the reason; nothing is erased.
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByRole('button', { name: 'Yes, delete my account for good' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('withdraw the applications in progress');
    expect(await stack.candidates.get(cand)).toBeDefined();

    const withdrawn = await fetch(`${base}/applications/${positionId}/${cand}/transitions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${candidateToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'withdraw' }),
    });
    expect(withdrawn.status).toBe(200);
    // Visibility learns that the application closed a moment later: ask until the erasure goes through.
    await expect
      .poll(
        async () => {
          const again = page.getByRole('button', { name: 'Delete my account' });
          if ((await page.getByRole('status').count()) === 0 && (await again.count()) === 1) {
            await again.click();
            await page.getByRole('button', { name: 'Yes, delete my account for good' }).click();
          }
          return page.getByRole('status').count();
        },
        { timeout: 20_000, interval: 1_000 },
      )
      .toBe(1);
    expect(await page.getByRole('status').textContent()).toBe(
      'Your account and your personal data have been deleted.',
    );
    expect(await stack.candidates.get(cand)).toBeUndefined();
    expect(await page.evaluate(() => localStorage.getItem('hiring-token'))).toBe('');
  });

  it('shows a candidate their applications in plain language', async () => {
    const candidateToken = await stack.api.tokens.issue('candidate', ids[0]!);
    const page = await browser.newPage();
    await page.goto(base);
    await page.getByLabel('Access token').fill(candidateToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('tbody').textContent()).toContain('Shortlisted');
    expect(await page.locator('tbody').textContent()).toContain('You will be invited to an interview.');
    await page.screenshot({ path: '.artifacts/candidate-view.png' });

    // Withdrawing asks once more, and "Keep it" keeps it; the reason goes with the withdrawal.
    // The position by its title, as the candidate knows it.
    await page.getByRole('link', { name: `Counter-terrorism analyst (VN-${positionId})` }).click();
    await expect
      .poll(() => page.getByTestId('status').textContent(), { timeout: 15_000 })
      .toBe('Shortlisted');
    await page.getByRole('button', { name: 'Withdraw my application' }).click();
    await page.getByRole('button', { name: 'Keep it' }).click();
    expect(await page.getByRole('button', { name: 'Confirm withdrawal' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Withdraw my application' }).click();
    await page.getByLabel('Reason').fill('I have accepted another post');
    await page.getByRole('button', { name: 'Confirm withdrawal' }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('Withdrawn');
    const view = await stack.client.workflow
      .getHandle(`application/${positionId}/${ids[0]}`)
      .query<{ status: string; outcome?: { reason: string } }>('getApplication');
    expect(view).toMatchObject({ status: 'withdrawn', outcome: { reason: 'I have accepted another post' } });
    expect(await page.getByRole('button', { name: 'Withdraw my application' }).count()).toBe(0);
  });

  it('takes a candidate from a vacancy to an accepted offer: account, profile, CV, application, answers', async () => {
    const openingId = `WEBAPPLY${run}`;
    await stack.openPosition(
      {
        positionId: openingId,
        title: 'Digital forensics analyst',
        description: `Forensic analysis of seized devices for member countries (campaign ${run}).`,
        requirements: ['A degree in computer science or a related field'],
        dutyStation: 'SIN',
        contractType: 'internship',
        requiredDocuments: ['cv'],
        questions: [{ id: 'motivation', text: 'Why do you want to join INTERPOL?', required: true }],
      },
      10,
    );
    const outbox = join(stack.dataDir, 'outbox');
    const mailTo = (address: string, pattern: RegExp) =>
      eventually(
        () =>
          Promise.resolve(
            readdirSync(outbox)
              .map((f) => readFileSync(join(outbox, f), 'utf8'))
              .find((m) => m.includes(address) && pattern.test(m)),
          ),
        (m) => m !== undefined,
      );
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    const row = page.locator(`[data-testid="vacancies"] tr[data-position="${openingId}"]`);

    // Browsing, signed out: the vacancy is found by station, contract type and words, and only then.
    await page.goto(base);
    await page.getByLabel('Words in the title or description').fill(run);
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    await page.getByLabel('Contract type').selectOption('secondment');
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);
    await page.getByLabel('Contract type').selectOption('internship');
    await page.getByLabel('Duty station').selectOption('SIN');
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    await page.getByLabel('Duty station').selectOption('LYO');
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);
    await page.getByLabel('Duty station').selectOption('SIN');
    await row.getByRole('link', { name: 'Digital forensics analyst' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'To apply, sign in' }).count()).toBe(1);
    expect(await page.locator('article').textContent()).toContain('in Singapore');

    // An account: name and address, then the code from the email; back on the vacancy, signed in.
    const email = `web.apply.${run}@example.org`;
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Your name').fill('Aroha Ngata');
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Create my account' }).click();
    const code = /confirmation code is (\d{6})/.exec((await mailTo(email, /confirmation code is/))!)![1]!;
    await page.getByLabel('Code from the email').fill(code);
    await page.getByRole('button', { name: 'Confirm code' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Send my application' }).count()).toBe(1);
    const candidateToken = (await page.evaluate(() => localStorage.getItem('hiring-token')))!;
    const me = (await (
      await fetch(`${base}/me`, { headers: { authorization: `Bearer ${candidateToken}` } })
    ).json()) as { candidateId: string };

    // Applying too early: the form names every missing piece, and nothing is created.
    await page.getByRole('button', { name: 'Send my application' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.locator('[data-field="answers.motivation"]').count()).toBe(1);
    expect(await alert.locator('[data-field="documents.cv"]').count()).toBe(1);
    expect(await alert.locator('[data-field="profile.nationality"]').count()).toBe(1);
    const applicationId = `application/${openingId}/${me.candidateId}`;
    await expect(stack.client.workflow.getHandle(applicationId).describe()).rejects.toThrow();

    // The profile: nationality and date of birth, then a CV (a file that is not a PDF is refused).
    await page.getByRole('link', { name: 'add it to your profile' }).click();
    await page.getByLabel('Nationality').selectOption('NZ');
    await page.getByLabel('Date of birth').fill('1994-03-12');
    await page.getByRole('button', { name: 'Save my profile' }).click();
    await expect.poll(() => page.getByText('Your profile is saved.').count()).toBe(1);
    await page.getByLabel('File to upload').setInputFiles({
      name: 'cv.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('GIF89a, not a PDF at all'),
    });
    await page.getByRole('button', { name: 'Upload to my profile' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/file/);
    await page.getByLabel('File to upload').setInputFiles({
      name: 'cv.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from(`%PDF-1.7 CV of Aroha Ngata ${run}`),
    });
    await page.getByRole('button', { name: 'Upload to my profile' }).click();
    await expect.poll(() => page.getByTestId('documents').textContent()).toContain('cv.pdf');
    const profile = (await (
      await fetch(`${base}/me`, { headers: { authorization: `Bearer ${candidateToken}` } })
    ).json()) as { profile: { nationality: string; dateOfBirth: string; documents: unknown[] } };
    expect(profile.profile).toMatchObject({ nationality: 'NZ', dateOfBirth: '1994-03-12' });
    expect(profile.profile.documents).toHaveLength(1);

    // Applying: the answer and the CV from the profile; a second click sends nothing new.
    await page.goto(`${base}/#/position/${openingId}`);
    await page.getByLabel('Why do you want to join INTERPOL?').fill('To protect people across borders.');
    await page.getByRole('button', { name: 'Send my application' }).dblclick();
    await expect
      .poll(() => page.getByRole('status').textContent(), { timeout: 15_000 })
      .toContain('Your application has been sent');
    await page.getByRole('link', { name: 'Follow it here' }).click();
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 15_000 }).toBe('Received');
    // The answer under its question, as it was asked.
    await expect
      .poll(() => page.locator('article').textContent())
      .toContain('Why do you want to join INTERPOL? To protect people across borders.');
    await page.screenshot({ path: '.artifacts/candidate-application.png', fullPage: true });

    // The recruiter moves it on; the candidate confirms the interview and accepts the offer.
    const recruit = async (command: Record<string, unknown>) => {
      const res = await fetch(`${base}/applications/${openingId}/${me.candidateId}/transitions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(command),
      });
      expect(res.status, await res.clone().text()).toBe(200);
    };
    await recruit({ type: 'screen', decision: 'shortlist', notes: 'internal: strong profile' });
    await recruit({
      type: 'schedule_interview',
      at: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      mode: { kind: 'video', link: 'https://video.interpol.int/room/7' },
      contactedBy: 'email',
    });
    await page.reload();
    await page.getByRole('button', { name: 'Confirm the interview' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('You have confirmed the interview.');
    expect(await page.locator('article').textContent()).toContain('You confirmed it on');
    await recruit({ type: 'record_interview', outcome: 'pass' });
    const sessionId = `WEBAPPLY${run}-S1`;
    const session = await fetch(`${base}/exam-sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        sessionId,
        dutyStation: 'SIN',
        startsAt: new Date(Date.now() + 20 * 86_400_000).toISOString(),
        capacity: 10,
      }),
    });
    expect(session.status).toBe(201);
    await recruit({ type: 'schedule_exam', sessionId });
    await recruit({ type: 'record_exam_result', score: 81, passed: true });
    await recruit({ type: 'make_offer', terms: 'Internship, six months, Singapore' });
    await page.reload();
    expect(await page.locator('article').textContent()).toContain('seat 1');
    await page.getByRole('button', { name: 'Accept the offer' }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('Accepted');
    expect(await page.getByTestId('steps').textContent()).toContain('Offer');
    // The recruiter's screening note is theirs: the candidate's page lists the steps, not the notes.
    expect(await page.locator('article').textContent()).not.toContain('internal: strong profile');
    // The double click made one application.
    const listed = (await (
      await fetch(`${base}/applications`, { headers: { authorization: `Bearer ${candidateToken}` } })
    ).json()) as { items: unknown[] };
    expect(listed.items).toHaveLength(1);
    await page.screenshot({ path: '.artifacts/candidate-accepted.png', fullPage: true });
  });

  it('signs a candidate in with a code sent to their email, and out again', async () => {
    // An account made two minutes ago (a new code waits a minute after the one before).
    const email = `web.signin.${run}@example.org`;
    const earlier = kvCandidateStore(stack.nats.candidates, stack.keys, () => new Date(Date.now() - 120_000));
    const account = await earlier.createAccount({ name: 'Sione Folau', email });
    expect(await earlier.confirm(account.candidateId, account.code)).toBe(true);

    const page = await browser.newPage();
    await page.goto(base);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await expect.poll(() => page.getByText('Check your email').count(), { timeout: 10_000 }).toBe(1);
    await page.screenshot({ path: '.artifacts/sign-in.png' });
    // The code, as the candidate reads it in their mailbox (the outbox).
    const outbox = join(stack.dataDir, 'outbox');
    const mail = await eventually(
      () =>
        Promise.resolve(
          readdirSync(outbox)
            .map((f) => readFileSync(join(outbox, f), 'utf8'))
            .find((m) => m.includes(`account:${account.candidateId}:code:2`)),
        ),
      (m) => m !== undefined,
    );
    const code = /sign-in code is (\d{6})/.exec(mail!)![1]!;
    await page.getByLabel('Code from the email').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Confirm code' }).click();
    // An alert: a screen reader says it as it appears.
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('the code is wrong');
    await page.getByLabel('Code from the email').fill(code);
    await page.getByRole('button', { name: 'Confirm code' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'My applications' }).count()).toBe(1);
    const signedIn = await page.evaluate(() => localStorage.getItem('hiring-token'));
    expect((await fetch(`${base}/me`, { headers: { authorization: `Bearer ${signedIn}` } })).status).toBe(
      200,
    );

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Send me a code' }).count()).toBe(1);
    await expect
      .poll(
        async () => (await fetch(`${base}/me`, { headers: { authorization: `Bearer ${signedIn}` } })).status,
      )
      .toBe(401);
  });
});

describe('accessibility', () => {
  /** Controls in Chromium's own accessibility tree that a screen reader would announce without a name. */
  async function controls(page: Page): Promise<{ named: number; unnamed: string[] }> {
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: {
        ignored: boolean;
        role?: { value?: string };
        name?: { value?: string };
        backendDOMNodeId?: number;
      }[];
    };
    const out: string[] = [];
    let named = 0;
    for (const n of nodes) {
      if (n.ignored || !CONTROLS.has(n.role?.value ?? '')) continue;
      if ((n.name?.value ?? '').trim()) {
        named += 1;
        continue;
      }
      const { outerHTML } = await cdp.send('DOM.getOuterHTML', { backendNodeId: n.backendDOMNodeId });
      out.push(`${n.role?.value}: ${outerHTML.slice(0, 160)}`);
    }
    await cdp.detach();
    return { named, unnamed: out };
  }
  const CONTROLS = new Set([
    'button',
    'checkbox',
    'combobox',
    'link',
    'listbox',
    'radio',
    'searchbox',
    'slider',
    'spinbutton',
    'switch',
    'textbox',
  ]);

  it('names every control on every page, for staff, candidates and visitors', async () => {
    const candidateToken = await stack.api.tokens.issue('candidate', ids[1]!);
    const application = encodeURIComponent(`application/${positionId}/${ids[1]}`);
    const pages: [who: string, token: string, hash: string][] = [
      ['visitor', '', '#/'],
      ['visitor', '', `#/position/${encodeURIComponent(positionId)}`],
      ['visitor', '', '#/sign-up'],
      ['staff', token, '#/'],
      ['staff', token, `#/application/${application}`],
      ['staff', token, '#/positions'],
      ['staff', token, '#/exam-sessions'],
      ['admin', await stack.api.tokens.issue('admin', `a11y${run}`), '#/staff'],
      ['candidate', candidateToken, '#/'],
      ['candidate', candidateToken, '#/profile'],
      ['candidate', candidateToken, `#/application/${application}`],
    ];
    const found: string[] = [];
    const seen: Record<string, number> = {};
    for (const [who, as, hash] of pages) {
      const page = await browser.newPage();
      await page.goto(base);
      await page.evaluate((t) => localStorage.setItem('hiring-token', t), as);
      await page.goto(`${base}/${hash}`);
      await page.reload();
      // Each page has its heading once its data is in; then the forms are drawn.
      await expect.poll(() => page.getByRole('heading').count(), { timeout: 15_000 }).toBeGreaterThan(0);
      await page.waitForTimeout(500);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      const { named, unnamed } = await controls(page);
      seen[`${who} ${hash}`] = named;
      for (const control of unnamed) found.push(`${who} ${hash}: ${control}`);
      if (hash === '#/sign-up') {
        // The check itself: a field without a label is found.
        await page.evaluate(() => document.querySelector('form')?.append(document.createElement('input')));
        expect((await controls(page)).unnamed).toEqual([expect.stringMatching(/^textbox: <input>/)]);
      }
      await page.close();
    }
    expect(found).toEqual([]);

    // What appears after an action is announced: a refused token at once, as an alert.
    const page = await browser.newPage();
    await page.goto(base);
    await page.getByLabel('Access token').fill('not-a-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 })
      .toContain('That token was not accepted');
    await page.close();
    // Every page was drawn with its controls (forms, filters, links), not a blank or an error.
    for (const [where, named] of Object.entries(seen)) expect(named, where).toBeGreaterThan(2);
  });
});

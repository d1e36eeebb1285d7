/** The `hiring` command, run as a subprocess against a running API on the real stack. */
import { execFile } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPosition } from '../../api/positions.js';
import { buildApp } from '../../api/server.js';
import { instantToZoned } from '../../schemas/time.js';
import { eventually } from '../helpers/application-harness.js';
import { DAYS } from '../helpers/fixtures.js';
import { realStack } from '../helpers/stack.js';

let stack: Awaited<ReturnType<typeof realStack>>;
let app: FastifyInstance;
let api: string;
let token: string;
const run = `${process.pid}${Date.now() % 100000}`;
const positionId = `CLI${run}`;
const candidates = [0, 1, 2, 3].map((i) => `cli${run}c${i}`);

beforeAll(async () => {
  stack = await realStack();
  ({ app } = await buildApp(stack.api));
  await app.listen({ host: '127.0.0.1', port: 0 });
  api = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  token = await stack.api.tokens.issue('recruiter', 'rec-1');
  await stack.directory.putStaff('rec-1', { name: 'Jean Martin', email: 'jean.martin@example.org' });
  await openPosition(stack.client, stack.taskQueue, {
    positionId,
    reference: `VN-${positionId}`,
    title: `Financial crime analyst ${run}`,
    description: 'Follows the money.',
    dutyStation: 'NBO',
    contractType: 'short_term',
    deadlineLocal: instantToZoned(new Date(Date.now() + DAYS(9)), 'Africa/Nairobi'),
    recruiterId: 'rec-1',
  });
  for (const id of candidates) {
    await stack.candidateWithCv(id);
    await stack.submit(id, positionId);
  }
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

function hiring(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/hiring.mjs', ...args],
      { env: { ...process.env, HIRING_API: api, HIRING_TOKEN: token, ...env }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const app0 = () => `application/${positionId}/${candidates[0]}`;

describe('hiring CLI', () => {
  it('lists positions and applications, as text and as JSON', async () => {
    const text = await hiring(['positions', 'list', '--station', 'NBO', '--words', run]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(positionId);
    const json = await eventually(
      async () =>
        JSON.parse((await hiring(['applications', 'list', '--position', positionId, '--json'])).stdout) as {
          items: unknown[];
        },
      (r) => r.items.length === 4,
    );
    expect(json.items).toHaveLength(4);
    // The same list for a spreadsheet, to stdout: a header and one row per application.
    const sheet = await hiring(['applications', 'export', '--position', positionId, '--stage', 'submitted']);
    expect(sheet.code).toBe(0);
    const rows = sheet.stdout.trimEnd().split('\r\n');
    expect(rows[0]).toMatch(/^application,position,reference,title,/);
    expect(rows.slice(1).filter((r) => r.startsWith(`application/${positionId}/`))).toHaveLength(4);
    // The applications a recruiter is in charge of: rec-1's; none of another recruiter's.
    const count = async (args: string[], env: Record<string, string> = {}) =>
      (
        JSON.parse(
          (await hiring(['applications', 'list', '--position', positionId, ...args, '--json'], env)).stdout,
        ) as {
          items: unknown[];
        }
      ).items.length;
    const other = { HIRING_TOKEN: await stack.api.tokens.issue('recruiter', `rec-cli-${run}`) };
    expect(await count(['--mine'])).toBe(4);
    expect(await count(['--mine'], other)).toBe(0);
    expect(await count(['--recruiter', 'rec-1'], other)).toBe(4);
    // And the vacancies: rec-1's, not the other recruiter's.
    expect((await hiring(['positions', 'list', '--words', run, '--mine'])).stdout).toContain(positionId);
    expect((await hiring(['positions', 'list', '--words', run, '--mine'], other)).stdout).toContain(
      '0 position(s)',
    );
  });

  it('makes a transition, and says why one is refused in one line with a non-zero exit', async () => {
    const ok = await hiring(['screen', app0(), '--shortlist', '--notes', 'good profile']);
    expect(ok).toMatchObject({ code: 0, stdout: `${app0()}: screened\n` });
    const again = await hiring(['screen', app0(), '--shortlist']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `hiring: 409 the application is in stage 'screened'; 'screen' needs stage 'submitted'\n`,
    );
    // A reason is what a rejected candidate is told: given to a shortlisting, it is a mistake.
    const misplaced = await hiring(['screen', app0(), '--shortlist', '--reason', 'strong profile']);
    expect(misplaced).toMatchObject({ code: 2 });
    expect(misplaced.stderr).toMatch(/--reason is what a rejected candidate is told: use --notes/);
    const bad = await hiring(['record-exam', app0(), '--score', 'lots', '--pass']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const show = await hiring(['applications', 'show', app0()]);
    expect(show.stdout).toMatch(/screened/);
    expect(show.stdout).toMatch(/recruiter\s+transition\s+shortlisted: good profile/);
  });

  it('rejects everyone still in submitted, in bulk, with a progress bar and a summary', async () => {
    await eventually(
      async () =>
        JSON.parse(
          (await hiring(['applications', 'list', '--position', positionId, '--stage', 'submitted', '--json']))
            .stdout,
        ) as { items: unknown[] },
      (r) => r.items.length === 3,
    );
    const bulk = await hiring([
      'bulk',
      'reject',
      '--position',
      positionId,
      '--stage',
      'submitted',
      '--reason',
      'the position has been filled',
    ]);
    expect(bulk.code).toBe(0);
    expect(bulk.stdout).toContain('rejected 3 of 3; 0 failed');
    expect(bulk.stderr).toContain('[##############################] 3/3');
  });

  it('hands an application, and a vacancy, over to another recruiter on the staff list only', async () => {
    await stack.directory.putStaff(`cli-rec2-${run}`, { name: 'Omar Said', email: 'omar.said@example.org' });
    const stranger = await hiring(['positions', 'hand-over', positionId, '--to', `nobody-${run}`]);
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toBe(
      `hiring: 422 no staff member 'nobody-${run}': an admin adds them first (Staff page) (recruiterId: no staff member 'nobody-${run}')\n`,
    );
    const one = await hiring([
      'hand-over',
      app0(),
      '--to',
      `cli-rec2-${run}`,
      '--notes',
      'Omar speaks Swahili',
    ]);
    expect(one).toMatchObject({ code: 0, stdout: `${app0()}: screened\n` });
    const show = await hiring(['applications', 'show', app0(), '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ recruiterId: `cli-rec2-${run}` });
    const all = await hiring(['positions', 'hand-over', positionId, '--to', `cli-rec2-${run}`]);
    expect(all).toMatchObject({ code: 0, stdout: `${positionId}: open\n` });
  });

  it("lets an admin keep someone's contact, issue their token and sign them out everywhere", async () => {
    const admin = { HIRING_TOKEN: await stack.api.tokens.issue('admin', `admin-${run}`) };
    const subject = `cli-rec-${run}`;
    const refused = await hiring(['staff', 'add', subject, '--name', 'Amina Diallo', '--email', 'nowhere']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^hiring: 403 /);
    const bad = await hiring(
      ['staff', 'add', subject, '--name', 'Amina Diallo', '--email', 'nowhere'],
      admin,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/email: a valid email address/);
    const email = `amina.diallo.${run}@interpol.example`;
    const added = await hiring(
      [
        'staff',
        'add',
        subject,
        '--name',
        'Amina Diallo',
        '--email',
        email,
        '--role',
        'recruiter',
        '--days',
        '30',
      ],
      admin,
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain(`${subject}: Amina Diallo <${email}>`);
    const issued = /recruiter token, shown this once: (\S+)/.exec(added.stdout)![1]!;
    expect(await stack.api.tokens.verify(issued)).toMatchObject({ role: 'recruiter', subject });
    const listed = await hiring(['staff', 'list'], admin);
    expect(listed.stdout).toContain(`${subject}\tAmina Diallo\t${email}`);
    const revoked = await hiring(['staff', 'revoke', subject], admin);
    expect(revoked).toMatchObject({ code: 0, stdout: `${subject}: 1 token(s) revoked\n` });
    expect(await stack.api.tokens.verify(issued)).toBeUndefined();
    // Nothing in her charge: she can be taken off the list.
    const removed = await hiring(['staff', 'remove', subject], admin);
    expect(removed).toMatchObject({ code: 0, stdout: `${subject}: removed, 0 token(s) revoked\n` });
    expect((await hiring(['staff', 'list'], admin)).stdout).not.toContain(subject);
  });

  it('has --help on every command, and refuses without a token', async () => {
    const help = await hiring(['--help']);
    const commands = [...help.stdout.matchAll(/^ {2}(\S+(?: \S+)?)\s{2,}/gm)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThan(15);
    for (const c of commands) {
      const r = await hiring([...c.split(' '), '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toMatch(/^usage: hiring /);
    }
    const anonymous = await hiring(['figures'], { HIRING_TOKEN: '' });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/^hiring: 401 sign in/);
  });
});

/**
 * From a vacancy to a submitted application, on the real stack: positions found through visibility,
 * eligibility and deadline refusals, one application per candidate and position however many clicks,
 * a CV reused across applications, and a filled position closing the others' applications.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changePosition,
  getPosition,
  openPosition,
  positionHandle,
  searchPositions,
} from '../../api/positions.js';
import { readSubmission, submitApplication, type SubmissionDeps } from '../../api/submissions.js';
import { getApplication } from '../../api/applications.js';
import type { PositionDraftInput } from '../../schemas/position.js';
import { instantToZoned, zonedToInstant } from '../../schemas/time.js';
import { DocumentRefused } from '../../stores/documents.js';
import { eventually } from '../helpers/application-harness.js';
import { DAYS } from '../helpers/fixtures.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { realStack } from '../helpers/stack.js';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let stack: Awaited<ReturnType<typeof realStack>>;
let deps: SubmissionDeps;
const run = `${process.pid}${Date.now() % 100000}`;

beforeAll(async () => {
  smtp = await startSmtpServer();
  stack = await realStack({ smtpUrl: smtp.url });
  deps = stack.submissionDeps;
  await stack.directory.putStaff('rec-1', { name: 'Jean Martin', email: 'jean.martin@example.org' });
});
afterAll(async () => {
  await stack?.stop();
  await smtp?.stop();
});

let n = 0;
function draft(overrides: Partial<PositionDraftInput> = {}): PositionDraftInput {
  n += 1;
  return {
    positionId: `P${run}-${n}`,
    reference: `VN-${run}-${n}`,
    title: 'Criminal Intelligence Officer',
    description: 'Analyses transnational organised crime.',
    dutyStation: 'LYO',
    contractType: 'fixed_term',
    deadlineLocal: instantToZoned(new Date(Date.now() + DAYS(20)), 'Europe/Paris'),
    recruiterId: 'rec-1',
    ...overrides,
  };
}

const pdf = (text: string) => new Uint8Array(Buffer.from(`%PDF-1.7\n${text}\n%%EOF`));

const candidateWithCv = (id: string, profile = {}) => stack.candidateWithCv(id, profile);

describe('positions', () => {
  it('are found by duty station, contract type and words, and closed ones only by recruiters', async () => {
    const words = `cyber${run}`;
    await openPosition(
      stack.client,
      stack.taskQueue,
      draft({ dutyStation: 'SIN', contractType: 'internship', title: `Intern ${words}` }),
    );
    await openPosition(
      stack.client,
      stack.taskQueue,
      draft({ dutyStation: 'SIN', contractType: 'secondment', description: `Seconded ${words} officer` }),
    );
    const lyon = draft({ dutyStation: 'LYO', contractType: 'internship', title: `Intern ${words} Lyon` });
    await openPosition(stack.client, stack.taskQueue, lyon);
    const ids = async (search: Parameters<typeof searchPositions>[1]) =>
      (await searchPositions(stack.client, { words, ...search }))
        .map((p) => p.dutyStation + '/' + p.contractType)
        .sort();
    await eventually(
      () => ids({}),
      (r) => r.length === 3,
    );
    expect(await ids({ dutyStation: 'SIN' })).toEqual(['SIN/internship', 'SIN/secondment']);
    expect(await ids({ contractType: 'internship' })).toEqual(['LYO/internship', 'SIN/internship']);
    expect(await ids({ dutyStation: 'SIN', contractType: 'secondment' })).toEqual(['SIN/secondment']);

    await changePosition(stack.client, lyon.positionId, {
      actor: { role: 'recruiter', id: 'rec-1' },
      command: { type: 'cancel', reason: 'budget' },
    });
    await eventually(
      () => ids({}),
      (r) => r.length === 2,
    );
    expect(await ids({ includeClosed: true })).toHaveLength(3);
  });

  it('lists and shows the new closing time once a recruiter extends it', async () => {
    const words = `extended${run}`;
    const p = draft({ dutyStation: 'SIN', title: `Analyst ${words}` });
    await openPosition(stack.client, stack.taskQueue, p);
    const later = instantToZoned(new Date(Date.now() + DAYS(45)), 'Asia/Singapore').slice(0, 16);
    const changed = await changePosition(stack.client, p.positionId, {
      actor: { role: 'recruiter', id: 'rec-1' },
      command: { type: 'extend_deadline', deadlineLocal: later },
    });
    // The position itself: both forms of the closing time moved (the local one stayed behind before).
    expect(changed.position.deadlineLocal).toBe(later);
    expect((await getPosition(stack.client, p.positionId)).position.deadlineLocal).toBe(later);
    // The vacancy list, as candidates browse it (it showed the first closing time before).
    const listed = await eventually(
      async () => (await searchPositions(stack.client, { words })).find((x) => x.positionId === p.positionId),
      (x) => x !== undefined && x.deadlineLocal === later,
    );
    expect(listed!.deadline).toBe(changed.position.deadline);
    expect((await positionHandle(stack.client, p.positionId).describe()).memo).toMatchObject({
      deadline: changed.position.deadline,
      deadlineLocal: later,
    });
  });

  it('refuses a deadline in the past, one the clocks skip, and a duplicate id, naming the field', async () => {
    await expect(
      openPosition(stack.client, stack.taskQueue, draft({ deadlineLocal: '2020-01-01T12:00' })),
    ).rejects.toMatchObject({
      field: 'deadlineLocal',
    });
    // 02:30 on the night Lyon moves to summer time does not exist there.
    await expect(
      openPosition(stack.client, stack.taskQueue, draft({ deadlineLocal: '2027-03-28T02:30' })),
    ).rejects.toMatchObject({
      field: 'deadlineLocal',
      message: '2027-03-28T02:30 does not exist in Europe/Paris: the clocks skip it',
    });
    const d = draft();
    await openPosition(stack.client, stack.taskQueue, d);
    await expect(openPosition(stack.client, stack.taskQueue, d)).rejects.toThrow(/already exists/);
  });
});

describe('submitting', () => {
  it('accepts one second before the local deadline and refuses one second after, in Singapore', async () => {
    const deadlineLocal =
      instantToZoned(new Date(Date.now() + DAYS(2)), 'Asia/Singapore').slice(0, 11) + '23:59';
    const position = await openPosition(
      stack.client,
      stack.taskQueue,
      draft({ dutyStation: 'SIN', deadlineLocal }),
    );
    const deadline = zonedToInstant(deadlineLocal, 'Asia/Singapore').getTime();
    expect(new Date(deadline).toISOString().slice(11, 16)).toBe('15:59');
    await candidateWithCv(`early${run}`);
    await candidateWithCv(`late${run}`);
    const at = (ms: number) => ({ ...deps, clock: () => new Date(ms) });
    const before = await submitApplication(at(deadline - 1000), {
      candidateId: `early${run}`,
      positionId: position.positionId,
      submissionKey: 'key-early-1',
    });
    const after = await submitApplication(at(deadline + 1000), {
      candidateId: `late${run}`,
      positionId: position.positionId,
      submissionKey: 'key-late-01',
    });
    expect(before).toMatchObject({ ok: true });
    expect(after).toMatchObject({ ok: false, status: 422 });
    expect(JSON.stringify(after)).toContain(
      `applications closed on ${deadlineLocal} in Singapore (Asia/Singapore)`,
    );
  });

  it('refuses an ineligible candidate before anything is created, each with its reason', async () => {
    const position = await openPosition(stack.client, stack.taskQueue, draft({ contractType: 'secondment' }));
    const cases: [string, object, RegExp][] = [
      [`nonmember${run}`, { nationality: 'KP' }, /not one of them/],
      [
        `minor${run}`,
        { nationality: 'SG', dateOfBirth: new Date(Date.now() - DAYS(365 * 20)).toISOString().slice(0, 10) },
        /age of majority \(21/,
      ],
      [`civilian${run}`, { nationality: 'FR' }, /serving law enforcement officers/],
    ];
    for (const [id, profile, reason] of cases) {
      await candidateWithCv(id, profile);
      const r = await submitApplication(deps, {
        candidateId: id,
        positionId: position.positionId,
        submissionKey: `key-${id}`,
      });
      expect(r.ok, id).toBe(false);
      expect(JSON.stringify(r)).toMatch(reason);
      expect(
        await stack.client.workflow
          .getHandle(`application/${position.positionId}/${id}`)
          .describe()
          .catch(() => 'none'),
      ).toBe('none');
    }
    const officer = `officer${run}`;
    await candidateWithCv(officer, { nationality: 'KE', lawEnforcement: { serving: true, country: 'KE' } });
    expect(
      await submitApplication(deps, {
        candidateId: officer,
        positionId: position.positionId,
        submissionKey: 'key-officer',
      }),
    ).toMatchObject({ ok: true });
  });

  it('asks for missing mandatory answers and documents field by field', async () => {
    const position = await openPosition(
      stack.client,
      stack.taskQueue,
      draft({
        requiredDocuments: ['cv', 'motivation_letter'],
        questions: [{ id: 'languages', text: 'Which languages do you speak?', required: true }],
      }),
    );
    await candidateWithCv(`formless${run}`);
    const r = await submitApplication(deps, {
      candidateId: `formless${run}`,
      positionId: position.positionId,
      submissionKey: 'key-formless',
    });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems.map((p) => p.field).sort()).toEqual([
        'answers.languages',
        'documents.motivation_letter',
      ]);
  });

  it('makes exactly one application of 20 parallel submissions, and refuses a second one with its id', async () => {
    const position = await openPosition(stack.client, stack.taskQueue, draft());
    const id = `eager${run}`;
    await candidateWithCv(id);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        submitApplication(deps, {
          candidateId: id,
          positionId: position.positionId,
          submissionKey: 'double-click-1',
        }),
      ),
    );
    const appIds = new Set(results.map((r) => (r.ok ? r.applicationId : 'refused')));
    expect([...appIds]).toEqual([`application/${position.positionId}/${id}`]);
    expect(results.filter((r) => r.ok && !r.repeated)).toHaveLength(1);
    const again = await submitApplication(deps, {
      candidateId: id,
      positionId: position.positionId,
      submissionKey: 'a-new-submission',
    });
    expect(again).toMatchObject({
      ok: false,
      status: 409,
      applicationId: `application/${position.positionId}/${id}`,
    });
    const listed = await eventually(
      async () => {
        const found: string[] = [];
        for await (const wf of stack.client.workflow.list({
          query: `PositionId = '${position.positionId}' AND WorkflowType = 'applicationWorkflow'`,
        }))
          found.push(wf.runId);
        return found;
      },
      (f) => f.length >= 1,
    );
    expect(listed).toHaveLength(1);
    // One acknowledgement email, not twenty.
    await eventually(
      () => Promise.resolve(smtp.received.filter((m) => m.to.includes(`${id}@example.org`)).length),
      (c) => c === 1,
    );
  });

  it('reuses the CV on the profile for every application', async () => {
    const id = `reuse${run}`;
    const cv = await candidateWithCv(id);
    const positions = [
      await openPosition(stack.client, stack.taskQueue, draft()),
      await openPosition(stack.client, stack.taskQueue, draft()),
      await openPosition(stack.client, stack.taskQueue, draft()),
    ];
    for (const p of positions) {
      const r = await submitApplication(deps, {
        candidateId: id,
        positionId: p.positionId,
        submissionKey: `key-${p.positionId}`,
      });
      expect(r.ok).toBe(true);
      const stored = await readSubmission(deps, `application/${p.positionId}/${id}`, id);
      expect(stored?.documents.map((d) => d.documentId)).toEqual([cv.documentId]);
    }
    expect((await stack.candidates.get(id))?.profile.documents).toHaveLength(1);
    expect(Buffer.from((await stack.documents.get(id, cv.documentId))!).toString()).toContain(id);
  });

  it('refuses a wrong-type or oversized document with a reason', async () => {
    const id = `docs${run}`;
    await stack.addCandidate(id, 'Doc Tester', `${id}@example.org`);
    await expect(
      stack.documents.put(id, {
        kind: 'cv',
        filename: 'cv.exe',
        contentType: 'application/octet-stream',
        bytes: pdf('x'),
      }),
    ).rejects.toBeInstanceOf(DocumentRefused);
    await expect(
      stack.documents.put(id, {
        kind: 'cv',
        filename: 'cv.pdf',
        contentType: 'application/pdf',
        bytes: new Uint8Array(11 * 1024 * 1024),
      }),
    ).rejects.toThrow(/limit is 10 MB/);
  });

  it('closes the other applications when the position is filled, emailing each once', async () => {
    const position = await openPosition(stack.client, stack.taskQueue, draft());
    const ids = [0, 1, 2].map((i) => `fill${run}x${i}`);
    for (const id of ids) {
      await candidateWithCv(id);
      expect(
        (
          await submitApplication(deps, {
            candidateId: id,
            positionId: position.positionId,
            submissionKey: `k-${id}`,
          })
        ).ok,
      ).toBe(true);
    }
    await eventually(
      async () => {
        let count = 0;
        for await (const _ of stack.client.workflow.list({
          query: `PositionId = '${position.positionId}' AND WorkflowType = 'applicationWorkflow'`,
        }))
          count++;
        return count;
      },
      (c) => c === 3,
    );
    await changePosition(stack.client, position.positionId, {
      actor: { role: 'recruiter', id: 'rec-1' },
      command: { type: 'fill' },
    });
    const done = await positionHandle(stack.client, position.positionId).result();
    expect(done).toMatchObject({ status: 'filled', applicationsClosed: 3 });
    for (const id of ids) {
      const view = await getApplication(
        stack.client.workflow.getHandle(`application/${position.positionId}/${id}`),
      );
      expect(view.status).toBe('rejected');
      expect(view.outcome?.reason).toBe('the position has been filled');
    }
    await eventually(
      () =>
        Promise.resolve(
          ids.map(
            (id) =>
              smtp.received.filter(
                (m) =>
                  m.to.includes(`${id}@example.org`) && m.header('X-Hiring-Template') === 'position_closed',
              ).length,
          ),
        ),
      (counts) => counts.every((c) => c === 1),
    );
    expect((await getPosition(stack.client, position.positionId)).status).toBe('filled');
  });
});

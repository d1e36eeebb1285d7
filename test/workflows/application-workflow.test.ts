/**
 * The application workflow under the time-skipping test server, with fake activities: every
 * transition, every refusal, every clock. Months pass in milliseconds.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationView } from '../../schemas/application.js';
import { applicationHarness, eventually, refusalOf } from '../helpers/application-harness.js';
import {
  applicationInput,
  candidateSays,
  DAYS,
  position,
  recruiter,
  EVENTS_TO_ACCEPTANCE,
} from '../helpers/fixtures.js';
import { timeSkippingEnv } from '../helpers/temporal.js';
import { CANDIDATE_REMINDER_DAYS } from '../../workflows/pipeline.js';

let env: TestWorkflowEnvironment;
let h: Awaited<ReturnType<typeof applicationHarness>>;

beforeAll(async () => {
  env = await timeSkippingEnv();
  h = await applicationHarness(env, { capacity: 2 });
});
afterAll(async () => {
  await h?.stop();
  await env?.teardown();
});

/** Server time: the test server's clock, which jumps when time is skipped. */
async function serverNow(): Promise<number> {
  return env.currentTimeMs();
}

const future = (now: number, days: number) => new Date(now + DAYS(days)).toISOString();

/** Drives a new application up to the given stage. */
async function applicationAt(
  stage: 'submitted' | 'screened' | 'interview' | 'written_exam' | 'exam_booked' | 'offer',
) {
  const now = await serverNow();
  const input = applicationInput(now);
  const handle = await h.submit(input);
  await h.settled(handle);
  const steps: Parameters<typeof recruiter>[0][] = [];
  if (stage === 'submitted') return { handle, input };
  steps.push({ type: 'screen', decision: 'shortlist' });
  if (stage !== 'screened') {
    steps.push({
      type: 'schedule_interview',
      at: future(now, 3),
      mode: { kind: 'video', link: 'https://video.interpol.int/room/1' },
      contactedBy: 'email',
    });
  }
  for (const s of steps) await h.act(handle, recruiter(s));
  if (stage === 'screened' || stage === 'interview') return { handle, input };
  await h.act(handle, candidateSays(input.candidateId, { type: 'confirm_interview' }));
  await h.act(handle, recruiter({ type: 'record_interview', outcome: 'pass' }));
  if (stage === 'written_exam') return { handle, input };
  await h.act(handle, recruiter({ type: 'schedule_exam', sessionId: `S-${input.candidateId}` }));
  if (stage === 'exam_booked') return { handle, input };
  await h.act(handle, recruiter({ type: 'record_exam_result', score: 81, passed: true }));
  await h.act(handle, recruiter({ type: 'make_offer', terms: 'P3, step 1, two-year fixed-term contract' }));
  return { handle, input };
}

describe('the pipeline, step by step', () => {
  it('goes from submission to acceptance, with one email and one event per step', async () => {
    const now = await serverNow();
    const input = applicationInput(now);
    const handle = await h.submit(input);
    const c = input.candidateId;
    const steps: [Parameters<typeof h.act>[1], ApplicationView['status']][] = [
      [recruiter({ type: 'screen', decision: 'shortlist', notes: 'strong analyst profile' }), 'screened'],
      [
        recruiter({
          type: 'schedule_interview',
          at: future(now, 5),
          mode: { kind: 'in_person', dutyStation: 'LYO' },
          contactedBy: 'phone',
        }),
        'interview',
      ],
      [candidateSays(c, { type: 'confirm_interview' }), 'interview'],
      [recruiter({ type: 'record_interview', outcome: 'pass' }), 'written_exam'],
      [recruiter({ type: 'schedule_exam', sessionId: 'SIN-2030-01' }), 'written_exam'],
      [recruiter({ type: 'record_exam_result', score: 74, passed: true }), 'written_exam'],
      [recruiter({ type: 'make_offer', terms: 'P3 fixed-term, two years' }), 'offer'],
      [candidateSays(c, { type: 'accept_offer' }), 'accepted'],
    ];
    const added = [];
    for (const [req, status] of steps) {
      const answer = await h.act(handle, req);
      expect(answer.status, JSON.stringify(req.command)).toBe(status);
      // The answer carries the entries this transition wrote, never the whole timeline (it is
      // kept in history with every transition).
      expect(Object.keys(answer)).not.toContain('timeline');
      expect(answer.added.length, JSON.stringify(req.command)).toBeGreaterThan(0);
      added.push(...answer.added);
    }
    const final = await handle.result();
    expect(final.timeline).toEqual(expect.arrayContaining(added));
    expect(added.map((t) => t.command).filter((c, i, all) => all.indexOf(c) === i)).toEqual(
      steps.map(([req]) => req.command.type),
    );
    expect(final.status).toBe('accepted');
    expect(final.outcome).toMatchObject({ status: 'accepted' });
    expect(final.interview).toMatchObject({
      mode: { kind: 'in_person', dutyStation: 'LYO' },
      outcome: 'pass',
    });
    expect(final.exam).toMatchObject({ sessionId: 'SIN-2030-01', seat: 1 });
    expect(final.offer?.terms).toBe('P3 fixed-term, two years');
    expect(final.upcomingDeadlines).toEqual([]);

    const mine = h.fake.eventsOf(input.applicationId);
    expect(mine.map((e) => e.type)).toEqual(EVENTS_TO_ACCEPTANCE);
    expect(new Set(mine.map((e) => e.eventId)).size).toBe(mine.length);
    const emails = h.fake.emails.filter((e) => e.applicationId === input.applicationId);
    expect(emails.map((e) => `${e.template}->${e.to.kind}`)).toEqual([
      'acknowledgement->candidate',
      'shortlisted->candidate',
      'interview_invitation->candidate',
      'interview_confirmed->recruiter',
      'interview_passed->candidate',
      'exam_convocation->candidate',
      'exam_passed->candidate',
      'offer->candidate',
      'offer_accepted->candidate',
      'offer_accepted->recruiter',
      'onboarding_request->hr',
    ]);
    expect(emails.find((e) => e.template === 'interview_invitation')?.calendar).toBeDefined();
    expect(emails.find((e) => e.template === 'exam_convocation')?.calendar).toBeDefined();
    // The timeline names who did what, in order.
    expect(final.timeline.filter((t) => t.kind === 'transition').map((t) => t.actor.role)).toEqual([
      'candidate',
      'recruiter',
      'recruiter',
      'candidate',
      'recruiter',
      'recruiter',
      'recruiter',
      'recruiter',
      'candidate',
    ]);
  });

  it('rejects at screening, and at interview, with the reason told to the candidate', async () => {
    const a = await applicationAt('submitted');
    const v = await h.act(
      a.handle,
      recruiter({ type: 'screen', decision: 'reject', notes: 'missing language skills' }),
    );
    expect(v.status).toBe('rejected');
    expect(v.outcome?.reason).toBe('missing language skills');
    const b = await applicationAt('interview');
    const w = await h.act(b.handle, recruiter({ type: 'record_interview', outcome: 'fail' }));
    expect(w.status).toBe('rejected');
    expect(
      h.fake.emails.filter((e) => e.applicationId === b.input.applicationId && e.template === 'rejection'),
    ).toHaveLength(1);
  });

  it("tells a rejected candidate the reason, never the recruiter's notes, once a reason is given", async () => {
    const rejection = (applicationId: string) =>
      h.fake.emails.find((e) => e.applicationId === applicationId && e.template === 'rejection');
    const a = await applicationAt('submitted');
    const v = await h.act(
      a.handle,
      recruiter({
        type: 'screen',
        decision: 'reject',
        notes: 'weak references, odd manner',
        reason: 'the position asks for five years of investigative experience',
      }),
    );
    expect(v.outcome?.reason).toBe('the position asks for five years of investigative experience');
    expect(rejection(a.input.applicationId)?.detail).toBe(v.outcome?.reason);
    // The notes stay on the timeline, which only staff read.
    expect(v.added.map((t) => t.detail).join(' ')).toContain('weak references, odd manner');
    // An empty reason: a plain sentence, still not the notes.
    const b = await applicationAt('interview');
    const w = await h.act(
      b.handle,
      recruiter({ type: 'record_interview', outcome: 'fail', notes: 'nervous, vague answers', reason: '' }),
    );
    expect(w.outcome?.reason).toBe('not successful at interview');
    expect(rejection(b.input.applicationId)?.detail).toBe('not successful at interview');
    expect(JSON.stringify(rejection(b.input.applicationId))).not.toContain('nervous');
  });

  it('reschedules an interview: a new time, a new confirmation, a calendar update', async () => {
    const a = await applicationAt('interview');
    await h.act(a.handle, candidateSays(a.input.candidateId, { type: 'confirm_interview' }));
    const at = future(await serverNow(), 10);
    const v = await h.act(
      a.handle,
      recruiter({ type: 'reschedule_interview', at, reason: 'panel member ill' }),
    );
    expect(v.interview).toMatchObject({ at, reschedules: 1 });
    expect(v.interview?.confirmedAt).toBeUndefined();
    const update = h.fake.emails.find(
      (e) => e.applicationId === a.input.applicationId && e.template === 'interview_rescheduled',
    );
    expect(update?.calendar?.sequence).toBe(1);
    expect(update?.detail).toBe('panel member ill');
  });

  it('lets the candidate decline an offer, and withdraw at any stage, releasing an exam seat', async () => {
    const a = await applicationAt('offer');
    expect(
      (await h.act(a.handle, candidateSays(a.input.candidateId, { type: 'decline_offer' }))).status,
    ).toBe('declined');
    const b = await applicationAt('exam_booked');
    const v = await h.act(
      b.handle,
      candidateSays(b.input.candidateId, { type: 'withdraw', reason: 'took another job' }),
    );
    expect(v.status).toBe('withdrawn');
    await b.handle.result();
    expect(h.fake.released).toContain(`S-${b.input.candidateId}/${b.input.applicationId}`);
  });
});

describe('refusals leave the application as it was', () => {
  const cases: [
    string,
    Parameters<typeof applicationAt>[0],
    (c: string) => Parameters<typeof h.act>[1],
    RegExp,
  ][] = [
    [
      'wrong stage',
      'submitted',
      () => recruiter({ type: 'record_exam_result', score: 50, passed: true }),
      /stage 'submitted'.*'written_exam'/,
    ],
    [
      'wrong actor',
      'submitted',
      (c) => candidateSays(c, { type: 'screen', decision: 'shortlist' }),
      /for recruiter, not candidate/,
    ],
    [
      'another candidate',
      'offer',
      () => candidateSays('someone-else', { type: 'accept_offer' }),
      /their own application/,
    ],
    // @ts-expect-error: a payload the schema refuses, as a buggy client would send it
    ['bad payload', 'submitted', () => recruiter({ type: 'screen', decision: 'maybe' }), /command\.decision/],
    [
      'interview in the past',
      'screened',
      () =>
        recruiter({
          type: 'schedule_interview',
          at: '2001-01-01T10:00:00Z',
          mode: { kind: 'video', link: 'https://v.example/x' },
          contactedBy: 'email',
        }),
      /must be in the future/,
    ],
    [
      'offer without a passed exam',
      'written_exam',
      () => recruiter({ type: 'make_offer', terms: 'x' }),
      /passed written exam/,
    ],
  ];
  for (const [name, stage, req, reason] of cases) {
    it(`refuses: ${name}`, async () => {
      const { handle, input } = await applicationAt(stage);
      const before = await h.view(handle);
      const historyBefore = await h.historyLength(handle);
      expect(await refusalOf(h.act(handle, req(input.candidateId)))).toMatch(reason);
      expect(await h.view(handle)).toEqual(before);
      // A validator's refusal writes nothing about the update to history: no acceptance, no
      // activity, no timer. (The time-skipping server may persist the workflow task that ran the
      // validator, which the real server drops; those task events are all that may appear.)
      const added = await h.historyKindsAfter(handle, historyBefore);
      expect(added.filter((k) => !k.startsWith('workflowTask'))).toEqual([]);
    });
  }

  it('refuses a seat in a full session in the activity, and the state does not move', async () => {
    const sessionId = `FULL-${Date.now()}`;
    const apps = [
      await applicationAt('written_exam'),
      await applicationAt('written_exam'),
      await applicationAt('written_exam'),
    ];
    for (const a of apps.slice(0, 2)) await h.act(a.handle, recruiter({ type: 'schedule_exam', sessionId }));
    const third = apps[2]!;
    const before = await h.view(third.handle);
    expect(await refusalOf(h.act(third.handle, recruiter({ type: 'schedule_exam', sessionId })))).toMatch(
      /is full/,
    );
    expect(await h.view(third.handle)).toEqual(before);
  });

  it('records a refused signal on the timeline instead of dropping it', async () => {
    const { handle } = await applicationAt('submitted');
    await h.signal(handle, recruiter({ type: 'make_offer', terms: 'too early' }));
    const v = await eventually(
      () => h.view(handle),
      (v) => v.timeline.some((t) => t.kind === 'refused') && v.pendingEffects === 0,
    );
    expect(v.status).toBe('submitted');
    expect(v.timeline.at(-1)).toMatchObject({
      kind: 'refused',
      command: 'make_offer',
      actor: { role: 'recruiter' },
    });
    expect(h.fake.eventsOf(v.applicationId).some((e) => e.type === 'application.transition_refused')).toBe(
      true,
    );
    // An accepted signal goes through the same transition as an update.
    await h.signal(handle, recruiter({ type: 'screen', decision: 'shortlist' }));
    await eventually(
      () => h.view(handle),
      (v) => v.status === 'screened',
    );
  });
});

describe('clocks: nobody acts, the deadline decides', () => {
  it('expires an interview nobody confirmed, and tells both sides', async () => {
    const { handle, input } = await applicationAt('interview');
    const final = await handle.result();
    expect(final.status).toBe('expired');
    expect(final.outcome?.deadline).toBe('interview_confirmation');
    const gap = Date.parse(final.outcome!.at) - Date.parse(final.interview!.invitedAt);
    expect(gap).toBeGreaterThanOrEqual(DAYS(5));
    expect(gap).toBeLessThan(DAYS(5) + 60_000);
    const expiry = h.fake.emails.filter(
      (e) => e.applicationId === input.applicationId && e.template === 'expiry',
    );
    expect(expiry.map((e) => e.to.kind).sort()).toEqual(['candidate', 'recruiter']);
    // Two days before it ran out, the candidate was reminded of it, once.
    const deadline = Date.parse(final.interview!.invitedAt) + DAYS(5);
    const reminders = h.fake.emails.filter(
      (e) => e.applicationId === input.applicationId && e.template === 'candidate_reminder',
    );
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({ to: { kind: 'candidate' }, when: new Date(deadline).toISOString() });
    const reminded = final.timeline.find((t) => t.detail.startsWith('reminder to the candidate'))!;
    expect(Date.parse(reminded.at) - (deadline - DAYS(CANDIDATE_REMINDER_DAYS))).toBeLessThan(60_000);
    expect(Date.parse(reminded.at)).toBeGreaterThanOrEqual(deadline - DAYS(CANDIDATE_REMINDER_DAYS));
    const reminderKinds = h.fake.events.flatMap((e) =>
      e.type === 'application.reminder_sent' && e.applicationId === input.applicationId
        ? [e.payload.kind]
        : [],
    );
    expect(reminderKinds).toContain('candidate_reminder');
  });

  it('expires an offer not answered by its respond-by date', async () => {
    const { handle } = await applicationAt('offer');
    const offered = await h.view(handle);
    const final = await handle.result();
    expect(final.outcome).toMatchObject({ status: 'expired', deadline: 'offer_response' });
    expect(Date.parse(final.outcome!.at) - Date.parse(offered.offer!.respondBy)).toBeLessThan(60_000);
  });

  it('honours an extended deadline in the running timer', async () => {
    const { handle } = await applicationAt('offer');
    const offered = await h.view(handle);
    const until = new Date(Date.parse(offered.offer!.respondBy) + DAYS(16)).toISOString();
    const v = await h.act(handle, recruiter({ type: 'extend_deadline', deadline: 'offer_response', until }));
    expect(v.upcomingDeadlines.find((d) => d.kind === 'offer_response')?.at).toBe(until);
    // A moved deadline gets its own reminder, two days before it.
    expect(v.upcomingDeadlines.find((d) => d.kind === 'candidate_reminder')?.at).toBe(
      new Date(Date.parse(until) - DAYS(CANDIDATE_REMINDER_DAYS)).toISOString(),
    );
    expect(
      await refusalOf(
        h.act(
          handle,
          recruiter({ type: 'extend_deadline', deadline: 'offer_response', until: offered.offer!.respondBy }),
        ),
      ),
    ).toMatch(/later than the current one/);
    const final = await handle.result();
    expect(final.outcome?.deadline).toBe('offer_response');
    const firedAt = Date.parse(final.outcome!.at);
    expect(firedAt).toBeGreaterThanOrEqual(Date.parse(until));
    expect(firedAt - Date.parse(until)).toBeLessThan(60_000);
  });

  it('reminds the recruiter weekly, escalates once, and expires after the maximum wait; six months in seconds', async () => {
    const now = await serverNow();
    const input = applicationInput(now, { position: position(now, { deadline: future(now, 14) }) });
    const started = Date.now();
    const handle = await h.submit(input);
    const final = await handle.result();
    const wallMs = Date.now() - started;

    expect(final.outcome).toMatchObject({ status: 'expired', deadline: 'max_wait' });
    // 14 days to the position deadline, then 183 days: the candidate is told, not left guessing.
    const waited = Date.parse(final.outcome!.at) - Date.parse(input.submittedAt);
    expect(waited).toBeGreaterThanOrEqual(DAYS(14 + 183));
    expect(waited).toBeLessThan(DAYS(14 + 183) + 60_000);
    const reminders = final.timeline.filter((t) => t.kind === 'reminder');
    const escalations = final.timeline.filter((t) => t.kind === 'escalation');
    expect(reminders).toHaveLength(Math.floor((14 + 183) / 7));
    expect(escalations).toHaveLength(1);
    const after = (t: { at: string }) =>
      Math.round((Date.parse(t.at) - Date.parse(input.submittedAt)) / DAYS(1));
    expect(reminders.slice(0, 3).map(after)).toEqual([7, 14, 21]);
    expect(after(escalations[0]!)).toBe(21);
    const emails = h.fake.emails.filter((e) => e.applicationId === input.applicationId);
    expect(emails.filter((e) => e.template === 'recruiter_reminder')).toHaveLength(reminders.length);
    expect(emails.filter((e) => e.template === 'recruiter_escalation' && e.to.kind === 'hr')).toHaveLength(1);
    expect(emails.filter((e) => e.template === 'expiry' && e.to.kind === 'candidate')).toHaveLength(1);

    // History stays bounded: well under the server's 10,240-event warning for the whole run.
    const events = await h.historyLength(handle);
    console.info(`six-month run with weekly reminders: ${events} history events, ${wallMs} ms wall time`);
    expect(events).toBeLessThan(2_000);
    expect(wallMs).toBeLessThan(60_000);
  });

  it('continues as new when the history grows past the policy limit, carrying the whole state', async () => {
    const now = await serverNow();
    const input = applicationInput(now, { policy: { historyEventLimit: 200, recruiterReminderDays: 2 } });
    const handle = await h.submit(input);
    const first = await handle.describe();
    const final = await handle.result();
    expect(final.outcome?.deadline).toBe('max_wait');
    // Every reminder of every run is still on the one timeline.
    expect(final.timeline.filter((t) => t.kind === 'reminder').length).toBe(Math.floor((14 + 183) / 2));
    const firstRun = (await handle.fetchHistory()).events ?? [];
    const latest = await handle.describe();
    expect(latest.runId).not.toBe(first.runId);
    const firstHistory = await h.historyLength(
      // The first run's own history ended in continue-as-new.
      (await import('../helpers/temporal.js')).runHandle(env, handle.workflowId, first.runId),
    );
    expect(firstHistory).toBeLessThan(400);
    expect(firstRun.length).toBeGreaterThan(0);
  });
});

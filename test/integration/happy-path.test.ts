/**
 * The whole pipeline on the real stack: Temporal dev server, NATS JetStream and key-value, and a real
 * SMTP server. Exactly one message per step, calendar invitations where due, one event per transition.
 */
import { DeliverPolicy } from '@nats-io/jetstream';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getApplication, startApplication, transition } from '../../api/applications.js';
import { listing } from '../../workflows/pipeline.js';
import { kvExamSeats } from '../../activities/exam-booking.js';
import { createMailer } from '../../activities/mailer.js';
import { EVENT_STREAM, type DomainEvent } from '../../schemas/events.js';
import { eventually } from '../helpers/application-harness.js';
import {
  applicationInput,
  candidateSays,
  DAYS,
  recruiter,
  EVENTS_TO_ACCEPTANCE,
} from '../helpers/fixtures.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { realStack } from '../helpers/stack.js';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let stack: Awaited<ReturnType<typeof realStack>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
  stack = await realStack({ smtpUrl: smtp.url });
});
afterAll(async () => {
  await stack?.stop();
  await smtp?.stop();
});

async function eventsOf(applicationId: string, expected: number): Promise<DomainEvent[]> {
  const consumer = await stack.nats.js.consumers.get(EVENT_STREAM, {
    filter_subjects: [`hiring.application.${applicationId}.>`],
    deliver_policy: DeliverPolicy.All,
  });
  const out: DomainEvent[] = [];
  const batch = await consumer.fetch({ max_messages: expected + 10, expires: 1500 });
  for await (const m of batch) out.push(m.json<DomainEvent>());
  return out;
}

/** An acknowledgement email for a test position `P-<name>`, straight to the mailer. */
function acknowledgement(
  emailId: string,
  candidateId: string,
  name: string,
  dutyStation: 'LYO' | 'SIN',
  deadline: string,
) {
  return {
    emailId,
    template: 'acknowledgement' as const,
    to: { kind: 'candidate' as const, id: candidateId },
    applicationId: `application/P-${name}/${name}-cand`,
    position: {
      positionId: `P-${name}`,
      reference: `VN-${name.toUpperCase()}`,
      title: 'Analyst',
      dutyStation,
      deadline,
    },
  };
}

describe('happy path, end to end', () => {
  it('takes an application from submission to acceptance on real servers', async () => {
    const now = Date.now();
    const input = applicationInput(now, {});
    const c = input.candidateId;
    const sofia = `sofia.${now}@example.org`;
    await stack.addCandidate(c, 'Sofía Ramírez', sofia);
    await stack.directory.putStaff('rec-1', { name: 'Jean Martin', email: 'jean.martin@example.org' });
    const sessionId = `LYO-${now}`;
    await kvExamSeats(stack.nats.examSessions).createSession({
      sessionId,
      dutyStation: 'LYO',
      startsAt: new Date(now + DAYS(20)).toISOString(),
      capacity: 30,
    });

    const handle = await startApplication(stack.client, stack.taskQueue, input);
    const steps = [
      recruiter({ type: 'screen', decision: 'shortlist' }),
      recruiter({
        type: 'schedule_interview',
        at: new Date(now + DAYS(7)).toISOString(),
        mode: { kind: 'video', link: 'https://video.interpol.int/room/42' },
        contactedBy: 'email',
      }),
      candidateSays(c, { type: 'confirm_interview' }),
      recruiter({ type: 'record_interview', outcome: 'pass' }),
      recruiter({ type: 'schedule_exam', sessionId }),
      recruiter({ type: 'record_exam_result', score: 88, passed: true }),
      recruiter({ type: 'make_offer', terms: 'P3, two-year fixed-term contract' }),
      candidateSays(c, { type: 'accept_offer' }),
    ];
    // What the dashboard lists (stage, next deadline, service level) is what the state says, at
    // every step: the read side has it from the step's events. The workflow writes none of it to
    // visibility (the quiet generation, workflows/generation.ts): no upsert at any step.
    const listed = async () => {
      const expected = listing(await getApplication(handle));
      return eventually(
        () => {
          const a = stack.api.index.get(input.applicationId);
          return Promise.resolve(a && { stage: a.status, nextDeadline: a.nextDeadline, sla: a.sla });
        },
        (actual) => isDeepStrictEqual(actual, expected),
      );
    };
    const seen = [await listed()];
    for (const step of steps) {
      await transition(handle, step);
      seen.push(await listed());
    }
    // Every step moved the listing (so each check above was a new one).
    expect(new Set(seen.map((l) => JSON.stringify(l))).size).toBe(steps.length + 1);
    const final = await handle.result();
    const upserted = ((await handle.fetchHistory()).events ?? []).flatMap((e) =>
      Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}),
    );
    // The one the SDK writes with the generation's patch marker, and nothing else.
    expect(upserted).toEqual(['TemporalChangeVersion']);
    const visible = (await handle.describe()).typedSearchAttributes.getAll().map((p) => p.key.name);
    expect(visible).toEqual(expect.arrayContaining(['CandidateId', 'DutyStation', 'PositionId']));
    expect(visible.filter((name) => ['Stage', 'NextDeadline', 'SlaStatus'].includes(name))).toEqual([]);
    expect(final.status).toBe('accepted');
    expect(final.exam).toMatchObject({ sessionId, seat: 1, dutyStation: 'LYO' });

    // Exactly one message per step, to the right person.
    const mine = smtp.received.filter((m) => m.raw.includes(input.applicationId));
    const sent = mine.map((m) => `${m.header('X-Hiring-Template')}->${m.to.join(',')}`);
    expect(sent).toEqual([
      `acknowledgement->${sofia}`,
      `shortlisted->${sofia}`,
      `interview_invitation->${sofia}`,
      'interview_confirmed->jean.martin@example.org',
      `interview_passed->${sofia}`,
      `exam_convocation->${sofia}`,
      `exam_passed->${sofia}`,
      `offer->${sofia}`,
      `offer_accepted->${sofia}`,
      'offer_accepted->jean.martin@example.org',
      'onboarding_request->hr@hiring.interpol.int',
    ]);
    const withCalendar = mine.filter((m) => /Content-Type: text\/calendar/i.test(m.raw));
    expect(withCalendar.map((m) => m.header('X-Hiring-Template'))).toEqual([
      'interview_invitation',
      'exam_convocation',
    ]);
    // The deadline is told in the duty station's time, not as a UTC instant.
    expect(mine[0]!.raw).toMatch(/in Lyon \(Europe\/Paris\)/);

    // One event per transition on the stream, none doubled.
    const events = await eventsOf(input.applicationId, 9);
    expect(events.map((e) => e.type)).toEqual(EVENTS_TO_ACCEPTANCE);
    expect((await getApplication(handle)).pendingEffects).toBe(0);
  });

  it('writes an outbox message whole or not at all: a crash leftover is not a sent email', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hiring-outbox-'));
    const mailer = createMailer({
      delivery: { kind: 'outbox', dir },
      directory: stack.directory,
      ledger: stack.nats.sentEmails,
      from: 'recruitment@hiring.interpol.int',
    });
    const candidateId = `outbox-cand-${Date.now()}`;
    await stack.addCandidate(candidateId, 'Kari Nordmann', `kari.${Date.now()}@example.org`);
    const emailId = `outbox-test:${Date.now()}:acknowledgement:candidate`;
    // What a worker SIGKILLed between creating the file and writing it left behind (found by the
    // worker-kill fault test): an empty file under the message's final name.
    const digest = createHash('sha256').update(emailId).digest('hex').slice(0, 32);
    writeFileSync(join(dir, `${digest}.eml`), '');
    // And what one killed after writing the temporary file left (found by the 200-application run:
    // the leftover lay among the messages and was counted as a second email; temporary files now
    // live in a folder beside the outbox): a day-old
    // temporary file is swept, a fresh one (another worker's message in progress) is kept.
    mkdirSync(`${dir}.partial`);
    writeFileSync(join(`${dir}.partial`, 'stale.eml.1'), 'half');
    utimesSync(
      join(`${dir}.partial`, 'stale.eml.1'),
      new Date(Date.now() - DAYS(1)),
      new Date(Date.now() - DAYS(1)),
    );
    writeFileSync(join(`${dir}.partial`, 'in-progress.eml.2'), 'half');
    const request = acknowledgement(emailId, candidateId, 'outbox', 'LYO', '2027-01-31T22:59:00.000Z');
    const first = await mailer.send(request);
    const second = await mailer.send(request);
    mailer.close();
    expect([first.status, second.status]).toEqual(['sent', 'already_sent']);
    // The file's name is the outbox's ledger: the NATS ledger is neither read nor written for it.
    expect(await stack.nats.sentEmails.get(`email.${digest}`)).toBeNull();
    // One whole message beside nothing else; of the temporary files, only the fresh one left.
    expect(readdirSync(dir)).toEqual([`${digest}.eml`]);
    expect(readdirSync(`${dir}.partial`)).toEqual(['in-progress.eml.2']);
    expect(readFileSync(join(dir, `${digest}.eml`), 'utf8')).toMatch(/Dear Kari Nordmann/);
  });

  it('never sends the same email twice when the activity is retried', async () => {
    const mailer = createMailer({
      delivery: { kind: 'smtp', url: smtp.url },
      directory: stack.directory,
      ledger: stack.nats.sentEmails,
      from: 'recruitment@hiring.interpol.int',
    });
    const candidateId = `retry-cand-${Date.now()}`;
    await stack.addCandidate(candidateId, 'Ola Nordmann', `ola.${Date.now()}@example.org`);
    const request = acknowledgement(
      `retry-test:${Date.now()}:acknowledgement:candidate`,
      candidateId,
      'retry',
      'SIN',
      '2027-01-31T15:59:00.000Z',
    );
    const first = await mailer.send(request);
    const second = await mailer.send(request);
    mailer.close();
    expect([first.status, second.status]).toEqual(['sent', 'already_sent']);
    await eventually(
      () =>
        Promise.resolve(
          smtp.received.filter((m) => m.header('X-Hiring-Email-Id') === request.emailId).length,
        ),
      (n) => n === 1,
    );
    expect(smtp.received.find((m) => m.header('X-Hiring-Email-Id') === request.emailId)!.raw).toMatch(
      /23:59 in Singapore \(Asia\/Singapore\)/,
    );
  });
});

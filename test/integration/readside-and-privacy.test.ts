/**
 * The read side and data protection on the real stack: projections kept by a durable consumer that
 * survives failed deliveries without double counting, a rebuild from the stream equal to the live
 * projections, and a candidate's personal data: never in clear in histories, events or stores,
 * exported on request, and unreadable everywhere once erased.
 */
import { AckPolicy, DeliverPolicy, jetstreamManager } from '@nats-io/jetstream';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getApplication, transition } from '../../api/applications.js';
import { HttpError } from '../../api/errors.js';
import { eraseCandidate, exportCandidate } from '../../api/privacy.js';
import { readSubmission, submitApplication } from '../../api/submissions.js';
import { kvExamSeats } from '../../activities/exam-booking.js';
import { EVENT_STREAM, type DomainEvent } from '../../schemas/events.js';
import { seal } from '../../stores/crypto.js';
import { listForCandidate } from '../../stores/candidate-applications.js';
import { kvCandidateStore } from '../../stores/candidates.js';
import { kvKeyStore } from '../../stores/keys.js';
import {
  ProjectionStore,
  rebuild,
  runProjector,
  UNREADABLE_DELIVERIES,
  UnreadableEvent,
} from '../../readside/projector.js';
import { buildApp } from '../../api/server.js';
import { ApplicationIndex } from '../../readside/application-index.js';
import { applicationKey, figures, type ApplicationRecord } from '../../readside/projection.js';
import { listing } from '../../workflows/pipeline.js';
import { candidateRetentionWorkflow, retentionWorkflowId } from '../../workflows/retention-workflow.js';
import { eventually } from '../helpers/application-harness.js';
import { candidateSays, DAYS, recruiter } from '../helpers/fixtures.js';
import { realStack } from '../helpers/stack.js';

let stack: Awaited<ReturnType<typeof realStack>>;
const run = `${process.pid}${Date.now() % 100000}`;
const positionId = `RS${run}`;
const [hired, rejected, waiting] = [`rs${run}h`, `rs${run}r`, `rs${run}w`];

beforeAll(async () => {
  stack = await realStack();
  await stack.directory.putStaff('rec-1', { name: 'Jean Martin', email: 'jean.martin@example.org' });
  await stack.openPosition(
    {
      positionId,
      title: 'Data protection officer',
      description: 'Privacy by design.',
      dutyStation: 'BRU',
      contractType: 'fixed_term',
      questions: [{ id: 'motivation', text: 'Why us?', required: true }],
    },
    10,
  );
});
afterAll(async () => {
  await stack?.stop();
});

const deps = () => stack.submissionDeps;

async function apply(candidateId: string, name: string, cvText: string, motivation = 'Because it matters.') {
  await stack.addCandidate(candidateId, name, `${candidateId}@example.org`, { nationality: 'BE' });
  const cv = await stack.documents.put(candidateId, {
    kind: 'cv',
    filename: 'cv.pdf',
    contentType: 'application/pdf',
    bytes: new Uint8Array(Buffer.from(`%PDF-1.7 ${cvText}`)),
  });
  await stack.candidates.addDocument(candidateId, cv);
  const r = await submitApplication(deps(), {
    candidateId,
    positionId,
    answers: { motivation },
    submissionKey: `key-${candidateId}`,
  });
  expect(r.ok).toBe(true);
  return stack.client.workflow.getHandle(`application/${positionId}/${candidateId}`);
}

/** Every string and every byte array (decoded) inside a value: what a reader of raw data would see. */
function rawText(value: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown) => {
    if (v instanceof Uint8Array) parts.push(Buffer.from(v).toString('utf8'));
    else if (typeof v === 'string') parts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return parts.join('\n');
}

describe('read side', () => {
  it('keeps projections through failed deliveries, and a rebuild equals the live ones', async () => {
    const a = await apply(hired, 'Hired Candidate', 'cv of the hired one');
    const b = await apply(rejected, 'Rejected Candidate', 'cv of the rejected one');
    const sessionId = `BRU${run}`;
    await kvExamSeats(stack.nats.examSessions).createSession({
      sessionId,
      dutyStation: 'BRU',
      startsAt: new Date(Date.now() + DAYS(20)).toISOString(),
      capacity: 5,
    });
    for (const cmd of [
      recruiter({ type: 'screen', decision: 'shortlist' }),
      recruiter({
        type: 'schedule_interview',
        at: new Date(Date.now() + DAYS(3)).toISOString(),
        mode: { kind: 'in_person', dutyStation: 'BRU' },
        contactedBy: 'phone',
      }),
      candidateSays(hired, { type: 'confirm_interview' }),
      recruiter({ type: 'record_interview', outcome: 'pass' }),
      recruiter({ type: 'schedule_exam', sessionId }),
      recruiter({ type: 'record_exam_result', score: 91, passed: true }),
      recruiter({ type: 'make_offer', terms: 'P4' }),
      candidateSays(hired, { type: 'accept_offer' }),
    ]) {
      await transition(a, cmd);
    }
    await transition(b, recruiter({ type: 'screen', decision: 'reject', notes: 'profile' }));
    await Promise.all([a.result(), b.result()]);
    // One left waiting on its clocks: the lists must show its next deadline.
    const c = await apply(waiting, 'Waiting Candidate', 'cv of the waiting one');
    await transition(c, recruiter({ type: 'screen', decision: 'shortlist' }));

    // A projector that fails on the first delivery of every third message, as a crash before the ack would.
    const live = await ProjectionStore.open(stack.nats, `proj_live_${run}`);
    let failures = 0;
    const projector = await runProjector(stack.nats, live, {
      durable: `projector_${run}`,
      beforeApply: (m) => {
        if (m.seq % 3 === 0 && m.info.deliveryCount === 1) {
          failures += 1;
          throw new Error('simulated crash before the ack');
        }
      },
    });
    const ids = [a.workflowId, b.workflowId];
    await eventually(
      async () => Promise.all([...ids, c.workflowId].map((id) => live.application(id))),
      (records) =>
        records[0]?.status === 'accepted' &&
        records[1]?.status === 'rejected' &&
        records[2]?.status === 'screened',
      30_000,
    );
    await projector.stop();
    expect(failures).toBeGreaterThan(0);

    const [liveHired, liveRejected] = await Promise.all(ids.map((id) => live.application(id)));
    // One timeline entry per event on the stream: nothing doubled by redelivery, nothing lost.
    const consumer = await stack.nats.js.consumers.get(EVENT_STREAM, {
      filter_subjects: [`hiring.application.${a.workflowId}.>`],
      deliver_policy: DeliverPolicy.All,
    });
    const onStream = (await consumer.info(true)).num_pending;
    expect(liveHired!.timeline).toHaveLength(onStream);
    expect(new Set(liveHired!.timeline.map((t) => t.seq)).size).toBe(onStream);
    expect(liveHired!.timeInStageMs.submitted).toBeGreaterThanOrEqual(0);
    expect(liveRejected!.closedAt).toBeDefined();

    // The API serves the timelines from the read side.
    // The API's read side on these projections: the bucket, and the index its lists come from.
    const index = await ApplicationIndex.open(live);
    const { app } = await buildApp({ ...stack.api, projections: live, index });
    const token = await stack.api.tokens.issue('hr', 'hr-1');
    const get = (url: string) =>
      app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    const res = await get(`/applications/${positionId}/${hired}/events`);
    expect(res.json<{ timeline: unknown[] }>().timeline).toHaveLength(onStream);
    const pos = await get(`/positions/${positionId}/events`);
    expect(pos.json<{ timeline: { type: string }[] }>().timeline[0]?.type).toBe('position.opened');

    // HR figures come from the index: the same records as the bucket holds, key by key.
    const all = await live.applications();
    const byKey = [];
    for await (const key of await live.kv.keys('application.>')) {
      const e = await live.kv.get(key);
      if (e?.operation === 'PUT') byKey.push(e.json<{ applicationId: string }>().applicationId);
    }
    expect(all.map((r) => r.applicationId).sort()).toEqual(byKey.sort());
    expect(all.find((r) => r.applicationId === a.workflowId)?.status).toBe('accepted');
    const fig = await get('/figures');
    expect(fig.statusCode).toBe(200);
    const answered = fig.json<{ source: string; byStage: Record<string, number> }>();
    expect(answered.source).toBe('read-side');
    expect(answered).toEqual({ source: 'read-side', ...figures(all) });
    expect(answered.byStage.accepted).toBeGreaterThanOrEqual(1);

    // The list says what each workflow's state says: stage, next deadline, service level.
    const page = (await get(`/applications?positionId=${positionId}`)).json<{
      source: string;
      items: { applicationId: string; stage: string; nextDeadline: string | null; sla: string }[];
    }>();
    expect(page.source).toBe('read-side');
    for (const handle of [a, b, c]) {
      const item = page.items.find((i) => i.applicationId === handle.workflowId);
      expect({ stage: item?.stage, nextDeadline: item?.nextDeadline, sla: item?.sla }).toEqual(
        listing(await getApplication(handle)),
      );
    }
    expect(page.items.find((i) => i.applicationId === c.workflowId)?.nextDeadline).toEqual(
      expect.any(String),
    );
    index.stop();
    await app.close();

    const fresh = await ProjectionStore.open(stack.nats, `proj_rebuild_${run}`);
    await rebuild(stack.nats, fresh);
    expect(await Promise.all(ids.map((id) => fresh.application(id)))).toEqual([liveHired, liveRejected]);
    expect(await fresh.position(positionId)).toEqual(await live.position(positionId));

    const f = figures([liveHired!, liveRejected!]);
    expect(f.byStage).toEqual({ accepted: 1, rejected: 1 });
    expect(f.timeToHireDays[positionId]?.hires).toBe(1);
    expect(Object.keys(f.averageDaysInStage)).toEqual(
      expect.arrayContaining(['submitted', 'screened', 'interview', 'written_exam', 'offer']),
    );
  });
});

describe('read side, with an event it cannot read', () => {
  it('tries it a few times, sets it aside, and goes on with the next', async () => {
    // A newer version of an event, as a newer worker may publish during a rolling deploy, then an
    // event this code knows.
    const positionId = `UNREAD${run}`;
    const known: DomainEvent = {
      version: 1,
      eventId: `known-${run}`,
      occurredAt: new Date().toISOString(),
      actor: { role: 'candidate', id: 'c-2' },
      applicationId: `application/${positionId}/c-2`,
      positionId,
      candidateId: 'c-2',
      status: 'submitted',
      dutyStation: 'LYO',
      type: 'application.submitted',
      payload: { deadline: '2027-01-01T00:00:00.000Z' },
    };
    const newer = {
      ...known,
      version: 2,
      eventId: `newer-${run}`,
      applicationId: `application/${positionId}/c-1`,
    };
    const first = await stack.nats.js.publish(
      `hiring.application.${positionId}-c-1.submitted`,
      JSON.stringify(newer),
    );
    await stack.nats.js.publish(`hiring.application.${positionId}-c-2.submitted`, JSON.stringify(known));

    // A projector of its own, from the first of the two (the stream holds every other test's events).
    const durable = `projector_unread_${run}`;
    await (
      await jetstreamManager(stack.nats.nc)
    ).consumers.add(EVENT_STREAM, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: first.seq,
      max_ack_pending: 1,
      max_deliver: 50,
    });
    const store = await ProjectionStore.open(stack.nats, `proj_unread_${run}`);
    const failed: { seq: number; err: unknown }[] = [];
    const projector = await runProjector(stack.nats, store, {
      durable,
      onError: (err, m) => failed.push({ seq: m.seq, err }),
    });
    expect(
      await eventually(
        () => store.application(known.applicationId),
        (r) => r !== undefined,
      ),
    ).toMatchObject({ status: 'submitted', positionId });
    await projector.stop();
    // Tried as often as UNREADABLE_DELIVERIES says, then set aside (before: the consumer's 50
    // deliveries, each holding every event behind it), and never applied.
    expect(failed.map((f) => f.seq)).toEqual(Array<number>(UNREADABLE_DELIVERIES).fill(first.seq));
    expect(failed.every((f) => f.err instanceof UnreadableEvent)).toBe(true);
    expect(String(failed[0]?.err)).toMatch(/not an event this code knows: version/);
    expect(await store.application(newer.applicationId)).toBeUndefined();
    const info = await (await jetstreamManager(stack.nats.nc)).consumers.info(EVENT_STREAM, durable);
    expect(info.num_ack_pending).toBe(0);
    // A rebuild sets it aside too.
    const rebuilt = await ProjectionStore.open(stack.nats, `proj_unread_rebuild_${run}`);
    await rebuild(stack.nats, rebuilt);
    expect(await rebuilt.application(known.applicationId)).toEqual(
      await store.application(known.applicationId),
    );
    await Promise.all([store.kv.destroy(), rebuilt.kv.destroy()]);
  }, 60_000);
});

describe('application index', () => {
  const record = (id: string, at: string, extra: Partial<ApplicationRecord> = {}): ApplicationRecord => ({
    applicationId: `application/IX${run}/${id}`,
    positionId: `IX${run}`,
    candidateId: id,
    dutyStation: 'BRU',
    status: 'submitted',
    submittedAt: at,
    stageSince: at,
    timeInStageMs: {},
    timeline: [],
    lastStreamSeq: 1,
    ...extra,
  });
  const ids = (page: { items: { candidateId: string }[] }) => page.items.map((i) => i.candidateId);

  it('lists the bucket newest first, filters like visibility, pages, and follows every change', async () => {
    const store = await ProjectionStore.open(stack.nats, `proj_index_${run}`);
    const put = (r: ApplicationRecord) => store.kv.put(applicationKey(r.applicationId), JSON.stringify(r));
    // An empty bucket opens at once.
    const early = await ApplicationIndex.open(store);
    expect(early.size).toBe(0);
    await put(
      record('a', '2027-01-01T00:00:00.000Z', {
        nextDeadline: '2027-02-01T00:00:00.000Z',
        sla: 'ok',
        recruiterId: 'rec-ana',
      }),
    );
    await put(
      record('b', '2027-01-02T00:00:00.000Z', {
        nextDeadline: '2027-03-01T00:00:00.000Z',
        sla: 'escalated',
        recruiterId: 'rec-ana',
      }),
    );
    // The same submission time as b: ties go by id, so pages never swap them.
    await put(
      record('c', '2027-01-02T00:00:00.000Z', {
        status: 'rejected',
        nextDeadline: null,
        recruiterId: 'rec-bo',
      }),
    );
    // Written before events carried the listing: no known deadline, service level read as 'ok'.
    await put(record('d', '2026-12-01T00:00:00.000Z', { status: 'screened' }));
    await store.kv.put(`position.IX${run}`, JSON.stringify({ positionId: `IX${run}` }));

    // Opened on a filled bucket, it holds every record before it answers.
    const index = await ApplicationIndex.open(store);
    expect(index.size).toBe(4);
    const all = { positionId: `IX${run}` };
    expect(ids(index.list(all, 0, 10))).toEqual(['b', 'c', 'a', 'd']);
    expect(index.list(all, 0, 10).items[3]).toMatchObject({
      nextDeadline: null,
      sla: 'ok',
      stage: 'screened',
    });
    expect(ids(index.list({ ...all, stage: 'screened' }, 0, 10))).toEqual(['d']);
    expect(ids(index.list({ ...all, running: true }, 0, 10))).toEqual(['b', 'a', 'd']);
    expect(ids(index.list({ ...all, sla: 'escalated' }, 0, 10))).toEqual(['b']);
    expect(ids(index.list({ ...all, sla: 'ok' }, 0, 10))).toEqual(['c', 'a', 'd']);
    expect(ids(index.list({ ...all, deadlineBefore: '2027-02-01T00:00:00.000Z' }, 0, 10))).toEqual(['a']);
    expect(ids(index.list({ ...all, candidateId: 'c' }, 0, 10))).toEqual(['c']);
    // A recruiter's own board; d's events came before they named the recruiter: listed under nobody.
    expect(ids(index.list({ ...all, recruiterId: 'rec-ana' }, 0, 10))).toEqual(['b', 'a']);
    expect(ids(index.list({ ...all, recruiterId: 'rec-bo' }, 0, 10))).toEqual(['c']);
    expect(ids(index.list({ ...all, dutyStation: 'LYO' }, 0, 10))).toEqual([]);
    const first = index.list(all, 0, 3);
    const second = index.list(all, 3, 3);
    expect([ids(first), first.more, ids(second), second.more]).toEqual([['b', 'c', 'a'], true, ['d'], false]);
    // An exact last page says no more.
    expect(index.list(all, 2, 2).more).toBe(false);

    // Changes arrive as the projector writes them: a new stage, a new record, an erasure.
    await put(record('a', '2027-01-01T00:00:00.000Z', { status: 'screened', lastStreamSeq: 2 }));
    await put(record('e', '2027-01-05T00:00:00.000Z'));
    await store.kv.delete(applicationKey(record('b', '').applicationId));
    for (const ix of [index, early]) {
      await eventually(
        () => Promise.resolve(ids(ix.list(all, 0, 10))),
        (listed) => listed.join() === 'e,c,a,d',
      );
      expect(ix.get(record('a', '').applicationId)?.status).toBe('screened');
    }
    // The server loses the consumers the indexes read by (an operator deleted them): they are
    // recreated, and the next change arrives.
    const jsm = await jetstreamManager(stack.nats.nc);
    for await (const c of jsm.consumers.list(`KV_${store.bucket}`)) {
      await jsm.consumers.delete(`KV_${store.bucket}`, c.name);
    }
    await put(record('f', '2027-01-06T00:00:00.000Z'));
    for (const ix of [index, early]) {
      await eventually(
        () => Promise.resolve(ids(ix.list(all, 0, 10))),
        (listed) => listed.join() === 'f,e,c,a,d',
        60_000,
      );
    }
    index.stop();
    early.stop();
    await store.kv.destroy();
    // A lost consumer is noticed by its missed heartbeats: about 40 s with the client's defaults.
  }, 120_000);
});

describe('personal data', () => {
  it('is never in clear in histories, events or stores; is exported on request; is unreadable after erasure', async () => {
    const id = `pd${run}`;
    const name = `Zanele Mbeki-Quintero ${run}`;
    const email = `${id}@example.org`;
    const cvText = `CV-SECRET-${run}`;
    const motivation = `MOTIVATION-SECRET-${run}`;
    const handle = await apply(id, name, cvText, motivation);
    await transition(handle, recruiter({ type: 'screen', decision: 'shortlist' }));
    const secrets = [name, email, cvText, motivation];

    // Workflow history as the server stores it: payloads encrypted by the codec, bytes decoded as text.
    const history = rawText(await handle.fetchHistory());
    expect(history).toContain('binary/encrypted');
    // Events on the stream.
    const consumer = await stack.nats.js.consumers.get(EVENT_STREAM, {
      filter_subjects: [`hiring.application.${handle.workflowId}.>`],
      deliver_policy: DeliverPolicy.All,
    });
    const events: string[] = [];
    for await (const m of await consumer.fetch({ max_messages: 100, expires: 1000 })) events.push(m.string());
    expect(events.length).toBeGreaterThanOrEqual(2);
    // The stores, read raw.
    const stores: string[] = [];
    for (const kv of [stack.nats.candidates, stack.nats.submissions, stack.nats.people]) {
      for await (const key of await kv.keys()) stores.push((await kv.get(key))?.string() ?? '');
    }
    const docs = await stack.nats.documents.list();
    for (const d of docs)
      stores.push(Buffer.from((await stack.nats.documents.getBlob(d.name)) ?? []).toString());
    for (const secret of secrets) {
      expect(history, `history holds ${secret}`).not.toContain(secret);
      expect(events.join('\n'), `events hold ${secret}`).not.toContain(secret);
      expect(stores.join('\n'), `stores hold ${secret}`).not.toContain(secret);
    }

    // A subject access request returns it all, in one file.
    const exported = JSON.stringify(
      await exportCandidate(
        { ...deps(), nats: stack.nats, documents: stack.documents, tokens: stack.api.tokens },
        id,
      ),
    );
    for (const secret of [name, email, motivation]) expect(exported).toContain(secret);
    const sar = JSON.parse(exported) as {
      candidate: { profile: { documents: { contentBase64: string }[] } };
      applications: { events: unknown[] }[];
    };
    expect(Buffer.from(sar.candidate.profile.documents[0]!.contentBase64, 'base64').toString()).toContain(
      cvText,
    );
    expect(sar.applications[0]!.events.length).toBe(events.length);

    const documentId = (await stack.candidates.get(id))!.profile.documents[0]!.documentId;
    // Erasure waits for the applications in progress to be withdrawn...
    const privacy = {
      client: stack.client,
      nats: stack.nats,
      candidates: stack.candidates,
      documents: stack.documents,
      keys: stack.keys,
      tokens: stack.api.tokens,
    };
    // Signed in on two devices; someone else signed in too.
    const sessions = [
      await stack.api.tokens.issue('candidate', id),
      await stack.api.tokens.issue('candidate', id),
    ];
    const someoneElse = await stack.api.tokens.issue('candidate', `${id}-other`);
    await expect(eraseCandidate(privacy, id)).rejects.toBeInstanceOf(HttpError);
    expect(await stack.api.tokens.verify(sessions[0]!)).toBeDefined();
    await transition(handle, candidateSays(id, { type: 'withdraw', reason: 'please erase my data' }));
    await handle.result();
    await eventually(
      async () =>
        (await stack.client.workflow.count(`CandidateId = '${id}' AND ExecutionStatus = 'Running'`)).count,
      (n) => n === 0,
    );
    await eraseCandidate(privacy, id);

    // ...then nothing of the candidate can be read, anywhere, and nobody is signed in as them.
    expect(await stack.candidates.get(id)).toBeUndefined();
    for (const token of sessions) expect(await stack.api.tokens.verify(token)).toBeUndefined();
    expect(await stack.api.tokens.verify(someoneElse)).toMatchObject({ subject: `${id}-other` });
    expect(await stack.documents.get(id, documentId)).toBeUndefined();
    expect(
      await readSubmission({ keys: stack.keys, submissions: stack.nats.submissions }, handle.workflowId, id),
    ).toBeUndefined();
    await expect(
      exportCandidate(
        { ...deps(), nats: stack.nats, documents: stack.documents, tokens: stack.api.tokens },
        id,
      ),
    ).rejects.toThrow(/erased/);
    await expect(stack.directory.lookup({ kind: 'candidate', id })).rejects.toThrow(/no contact/);
    // The application's history and figures stay: the record of what happened, without the person.
    expect((await getApplication(handle)).status).toBe('withdrawn');
    // The same email address can make a new account.
    await expect(stack.candidates.createAccount({ name: 'New person', email })).resolves.toMatchObject({
      candidateId: expect.any(String) as string,
    });
  });

  it('is erased by the real worker when the retention period runs out, and signed out everywhere', async () => {
    const id = `ret${run}`;
    await stack.addCandidate(id, 'Nandi Dlamini', `nandi.${run}@example.org`);
    const token = await stack.api.tokens.issue('candidate', id);
    // A period of two seconds: the workflow, its timer and the worker's erasure are the real ones.
    const handle = await stack.client.workflow.start(candidateRetentionWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: retentionWorkflowId(id),
      args: [{ candidateId: id, retentionDays: 2 / 86_400 }],
    });
    expect(await handle.result()).toBe('erased');
    expect(await stack.candidates.get(id)).toBeUndefined();
    expect(await stack.api.tokens.verify(token)).toBeUndefined();
  });

  it('is kept by the retention clock while an application of theirs is still starting', async () => {
    // The API has listed a submission and is starting its workflow: visibility knows nothing of it.
    const id = `retstart${run}`;
    await stack.addCandidate(id, 'Tomas Herrera', `tomas.${run}@example.org`);
    const applicationId = `application/P-RET-${run}/${id}`;
    await listForCandidate(stack.nats.submissions, id, applicationId, new Date().toISOString());
    const handle = await stack.client.workflow.start(candidateRetentionWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: retentionWorkflowId(id),
      args: [{ candidateId: id, retentionDays: 2 / 86_400 }],
    });
    try {
      // The real worker's erasure ran and found the application in progress.
      await eventually(
        async () =>
          ((await handle.fetchHistory()).events ?? []).filter((e) => e.activityTaskCompletedEventAttributes),
        (completed) => completed.length > 0,
      );
      expect((await handle.describe()).status.name).toBe('RUNNING');
      expect((await stack.candidates.get(id))?.profile.name).toBe('Tomas Herrera');
    } finally {
      await handle.terminate('test over');
    }
  });

  it('is unreadable in every process once erased, not only in the one that erased it', async () => {
    // Two processes' stores on the same buckets: the API, which erases, and a worker, which had
    // opened the candidate's profile to address an email (and so holds their key).
    const masterKey = randomBytes(32);
    const apiKeys = kvKeyStore(stack.nats.candidateKeys, masterKey, stack.nats.js);
    const workerKeys = kvKeyStore(stack.nats.candidateKeys, masterKey, stack.nats.js);
    const api = kvCandidateStore(stack.nats.candidates, apiKeys);
    const worker = kvCandidateStore(stack.nats.candidates, workerKeys);
    const { candidateId } = await api.createAccount({
      name: 'Ines Kaltenbrunner',
      email: `ik${run}@example.org`,
    });
    expect((await worker.get(candidateId))?.profile.name).toBe('Ines Kaltenbrunner');
    const erasedKey = (await workerKeys.existing(candidateId))!;

    await api.erase(candidateId);
    // Before the worker's keys followed the bucket, it went on opening the profile for good.
    await eventually(
      () => worker.get(candidateId).then((c) => c?.profile.name ?? 'erased'),
      (name) => name === 'erased',
    );
    expect(await workerKeys.existing(candidateId)).toBeUndefined();
    // A key made again under the id is the new one everywhere, never the erased one.
    const again = await apiKeys.keyFor(candidateId);
    expect(again.equals(erasedKey)).toBe(false);
    expect((await workerKeys.existing(candidateId))?.equals(again)).toBe(true);
  });

  it('keeps keys again once it can follow the bucket, when it could not at first', async () => {
    // NATS refuses the first consumer (away while the process started); key reads are counted.
    let refusals = 1;
    const js = new Proxy(stack.nats.js, {
      get: (target, prop, receiver) =>
        prop === 'consumers'
          ? new Proxy(target.consumers, {
              get: (c, p, r) =>
                p === 'get' && refusals-- > 0
                  ? () => Promise.reject(new Error('no responders'))
                  : (Reflect.get(c, p, r) as unknown),
            })
          : (Reflect.get(target, prop, receiver) as unknown),
    });
    let reads = 0;
    const kv = new Proxy(stack.nats.candidateKeys, {
      get: (target, prop, receiver) => {
        if (prop === 'get') reads += 1;
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const keys = kvKeyStore(kv, randomBytes(32), js, { retryMs: 0 });
    const id = `follow-${run}`;
    const key = await keys.keyFor(id);
    const before = reads;
    expect((await keys.existing(id))?.equals(key)).toBe(true);
    expect((await keys.existing(id))?.equals(key)).toBe(true);
    expect((await keys.existing(id))?.equals(key)).toBe(true);
    // Following again from the first read after the refusal, the key is read from the bucket once.
    expect(reads - before).toBeLessThanOrEqual(1);
    expect(refusals).toBeLessThan(0);
  });

  it('stores a document as its sealed bytes, and still opens one stored as base64 text', async () => {
    const id = `docs-${Date.now()}`;
    await stack.addCandidate(id, 'Document Owner', `${id}@example.org`);
    const pdf = new Uint8Array(Buffer.from(`%PDF-1.7 ${'x'.repeat(3000)}`));
    const stored = await stack.documents.put(id, {
      kind: 'cv',
      filename: 'cv.pdf',
      contentType: 'application/pdf',
      bytes: pdf,
    });
    const objectName = `${id}/${stored.documentId}`;
    // nonce (12) + tag (16) + ciphertext as long as the file: no base64 third on top.
    expect((await stack.nats.documents.getBlob(objectName))!.byteLength).toBe(pdf.byteLength + 28);
    expect(Buffer.from((await stack.documents.get(id, stored.documentId))!)).toEqual(Buffer.from(pdf));

    // A document stored before, exactly as it was written then.
    const older = new Uint8Array(Buffer.from('%PDF-1.4 stored as base64'));
    const olderName = `${id}/older`;
    const key = await stack.keys.keyFor(id);
    await stack.nats.documents.putBlob(
      { name: olderName },
      Buffer.from(seal(key, Buffer.from(older), `document:${olderName}`)),
    );
    expect(Buffer.from((await stack.documents.get(id, 'older'))!)).toEqual(Buffer.from(older));
  });
});

/**
 * The stack, proven end to end on real servers: a workflow started through @temporalio/client on
 * the Temporal dev server, moved by an update, its event published to a JetStream stream by an
 * activity, its state answered by a query, listed through visibility and the read side.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getApplication, startApplication, transition } from '../../api/applications.js';
import { jetStreamPublisher } from '../../activities/events.js';
import { EVENT_STREAM, eventSubject, type DomainEvent } from '../../schemas/events.js';
import { eventually } from '../helpers/application-harness.js';
import { applicationInput, recruiter } from '../helpers/fixtures.js';
import { realStack } from '../helpers/stack.js';

let stack: Awaited<ReturnType<typeof realStack>>;
beforeAll(async () => {
  stack = await realStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('vertical slice on the real dev server and NATS', () => {
  it('starts, updates, publishes, answers a query and shows up in the lists', async () => {
    const input = applicationInput(Date.now());
    await stack.addCandidate(input.candidateId, 'Amina Diallo', `amina.${Date.now()}@example.org`);
    await stack.directory.putStaff('rec-1', { name: 'Jean Martin', email: 'jean.martin@example.org' });

    const handle = await startApplication(stack.client, stack.taskQueue, input);
    const view = await transition(handle, recruiter({ type: 'screen', decision: 'shortlist' }));
    expect(view.status).toBe('screened');

    // The event is on the stream, stored under its deterministic id.
    const jsm = await jetstreamManager(stack.nats.nc);
    const subject = `hiring.application.${input.applicationId}.screened`;
    const stored = await eventually(
      () => jsm.streams.getMessage(EVENT_STREAM, { last_by_subj: subject }).catch(() => null),
      (m) => m !== null,
    );
    const event = stored!.json<DomainEvent>();
    expect(event).toMatchObject({
      type: 'application.screened',
      applicationId: input.applicationId,
      status: 'screened',
    });
    expect(stored!.header.get('Nats-Msg-Id')).toBe(event.eventId);
    expect(eventSubject(event)).toBe(subject);

    // Publishing the same event again (a retried activity) is acknowledged as a duplicate.
    const again = await jetStreamPublisher(stack.nats.js).publish(event);
    expect(again).toMatchObject({ duplicate: true, seq: stored!.seq });

    const queried = await eventually(
      () => getApplication(handle),
      (v) => v.pendingEffects === 0,
    );
    expect(queried.status).toBe('screened');
    expect(queried.timeline.map((t) => t.to).filter(Boolean)).toEqual(['submitted', 'screened']);

    // The acknowledgement and the shortlist emails are in the outbox.
    const outbox = await readdir(join(stack.dataDir, 'outbox'));
    expect(outbox).toHaveLength(2);

    // Visibility (eventually consistent) lists it by position, which never changes; the read side
    // (built from the events, as eventually) lists it by stage and position.
    const query = `PositionId = "${input.position.positionId}" AND ExecutionStatus = "Running"`;
    const visible = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const wf of stack.client.workflow.list({ query })) ids.push(wf.workflowId);
        return ids;
      },
      (ids) => ids.length === 1,
    );
    expect(visible).toEqual([input.applicationId]);
    const listed = await eventually(
      () =>
        Promise.resolve(
          stack.api.index.list({ stage: 'screened', positionId: input.position.positionId }, 0, 10),
        ),
      (page) => page.items.length === 1,
    );
    expect(listed.items.map((i) => i.applicationId)).toEqual([input.applicationId]);
  });

  it('gives back the same application for a doubled submission', async () => {
    const input = applicationInput(Date.now());
    await stack.addCandidate(input.candidateId, 'Li Wei', `li.wei.${Date.now()}@example.org`);
    const [a, b] = await Promise.all([
      startApplication(stack.client, stack.taskQueue, input),
      startApplication(stack.client, stack.taskQueue, input),
    ]);
    expect(a.firstExecutionRunId).toBe(b.firstExecutionRunId);
  });
});

/**
 * Data protection: a candidate's subject access request (everything held about them, as one file)
 * and erasure. Personal data lives only in the candidate's sealed profile, documents and
 * submissions; events, projections and workflow histories carry ids. Erasure destroys the
 * candidate's data key, so what was sealed with it can never be read again (crypto-shredding).
 */
import { DeliverPolicy } from '@nats-io/jetstream';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { NatsResources } from '../activities/nats.js';
import { EVENT_STREAM, type DomainEvent } from '../schemas/events.js';
import type { CandidateStore } from '../stores/candidates.js';
import type { DocumentStore } from '../stores/documents.js';
import type { TokenStore } from '../stores/tokens.js';
import type { KeyStore } from '../stores/keys.js';
import { getApplication } from './applications.js';
import { HttpError } from './errors.js';
import { readSubmission, submittedBy } from './submissions.js';
import {
  candidateActivitySignal,
  candidateRetentionWorkflow,
  retentionWorkflowId,
} from '../workflows/retention-workflow.js';
import { applicationsQuery } from '../schemas/search-attributes.js';

export interface PrivacyDeps {
  client: Client;
  nats: NatsResources;
  candidates: CandidateStore;
  documents: DocumentStore;
  keys: KeyStore;
  tokens: TokenStore;
}

/**
 * The candidate's applications (those still open, with `onlyRunning`). Visibility lists them a
 * moment after they start; the candidate's own list in the submissions bucket (submittedBy) has
 * them at once, and is asked too, so that nothing decided here misses an application just sent.
 */
export async function applicationIdsOf(
  deps: Pick<PrivacyDeps, 'client' | 'nats'>,
  candidateId: string,
  onlyRunning = false,
): Promise<string[]> {
  // One visibility list gives every listed application with its status; only those it does not
  // list yet are asked of their workflow.
  const status = new Map<string, string | undefined>();
  for await (const wf of deps.client.workflow.list({ query: applicationsQuery({ candidateId }) }))
    status.set(wf.workflowId, wf.status.name);
  const ids: string[] = [];
  for (const { applicationId, submittedAt } of await submittedBy(deps.nats.submissions, candidateId)) {
    if (status.has(applicationId)) continue;
    const described = await deps.client.workflow
      .getHandle(applicationId)
      .describe()
      .then((d) => d.status.name)
      .catch((err: unknown) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        return undefined;
      });
    // Not started yet: the submission is being made now (its workflow starts within the same
    // request), or it never got one (a crash before the start, a lost race) if it is older.
    if (described === undefined && Date.now() - Date.parse(submittedAt) < 60_000) ids.push(applicationId);
    else status.set(applicationId, described);
  }
  for (const [id, s] of status) if (s !== undefined && (!onlyRunning || s === 'RUNNING')) ids.push(id);
  return ids;
}

async function eventsOf(nats: NatsResources, applicationId: string): Promise<DomainEvent[]> {
  const consumer = await nats.js.consumers.get(EVENT_STREAM, {
    filter_subjects: [`hiring.application.${applicationId.replaceAll('.', '_')}.>`],
    deliver_policy: DeliverPolicy.All,
  });
  const out: DomainEvent[] = [];
  const pending = (await consumer.info(true)).num_pending;
  if (pending === 0) return out;
  for await (const m of await consumer.consume()) {
    out.push(m.json<DomainEvent>());
    if (m.info.pending === 0) break;
  }
  return out;
}

export async function exportCandidate(deps: PrivacyDeps, candidateId: string) {
  const candidate = await deps.candidates.get(candidateId);
  if (!candidate) throw new HttpError(404, 'no such candidate, or their data has been erased');
  const documents = await Promise.all(
    candidate.profile.documents.map(async (ref) => ({
      ...ref,
      contentBase64: Buffer.from((await deps.documents.get(candidateId, ref.documentId)) ?? []).toString(
        'base64',
      ),
    })),
  );
  const applications = [];
  for (const applicationId of await applicationIdsOf(deps, candidateId)) {
    applications.push({
      applicationId,
      // null for an application whose workflow is starting in this very moment (applicationIdsOf).
      state: await getApplication(deps.client.workflow.getHandle(applicationId)).catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return null;
        throw err;
      }),
      submission:
        (await readSubmission(
          { keys: deps.keys, submissions: deps.nats.submissions },
          applicationId,
          candidateId,
        )) ?? null,
      events: await eventsOf(deps.nats, applicationId),
    });
  }
  return {
    exportedAt: new Date().toISOString(),
    candidate: { ...candidate, profile: { ...candidate.profile, documents } },
    applications,
  };
}

export async function eraseCandidate(deps: PrivacyDeps, candidateId: string): Promise<void> {
  // A mistyped id must not look like a done erasure (nor write a tombstone for nobody).
  if (!(await deps.candidates.get(candidateId)))
    throw new HttpError(404, `no candidate '${candidateId}' (or already erased)`);
  const running = await applicationIdsOf(deps, candidateId, true);
  if (running.length) {
    throw new HttpError(
      409,
      `withdraw the applications in progress first (${running.length} still open)`,
      [],
      { applications: running },
    );
  }
  await deps.candidates.erase(candidateId);
  // Nobody signs in as someone who is no longer there.
  await deps.tokens.revokeSubject(candidateId);
}

/**
 * Starts the candidate's retention clock, or starts it again: on account creation and on every
 * submission. One workflow per candidate (signal-with-start), whatever the number of calls.
 */
export async function touchRetention(
  client: Client,
  taskQueue: string,
  candidateId: string,
  retentionDays: number,
): Promise<void> {
  await client.workflow.signalWithStart(candidateRetentionWorkflow, {
    workflowId: retentionWorkflowId(candidateId),
    taskQueue,
    args: [{ candidateId, retentionDays }],
    signal: candidateActivitySignal,
  });
}

/**
 * Data protection: a candidate's subject access request (everything held about them, as one file)
 * and erasure. Personal data lives only in the candidate's sealed profile, documents and
 * submissions; events, projections and workflow histories carry ids. Erasure destroys the
 * candidate's data key, so what was sealed with it can never be read again (crypto-shredding).
 */
import { DeliverPolicy } from '@nats-io/jetstream';
import type { Client } from '@temporalio/client';
import { applicationIdsOf, eraseUnlessInProgress } from '../activities/erasure.js';
import type { NatsResources } from '../activities/nats.js';
import { EVENT_STREAM, type DomainEvent } from '../schemas/events.js';
import type { CandidateStore } from '../stores/candidates.js';
import type { DocumentStore } from '../stores/documents.js';
import type { TokenStore } from '../stores/tokens.js';
import type { KeyStore } from '../stores/keys.js';
import { getApplication, unlessNotFound } from './applications.js';
import { HttpError } from './errors.js';
import { readSubmission } from './submissions.js';
import {
  candidateActivitySignal,
  candidateRetentionWorkflow,
  retentionWorkflowId,
} from '../workflows/retention-workflow.js';

export interface PrivacyDeps {
  client: Client;
  nats: NatsResources;
  candidates: CandidateStore;
  documents: DocumentStore;
  keys: KeyStore;
  tokens: TokenStore;
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
  for (const applicationId of await applicationIdsOf(
    { client: deps.client, submissions: deps.nats.submissions },
    candidateId,
  )) {
    applications.push({
      applicationId,
      // null for an application whose workflow is starting in this very moment (applicationIdsOf).
      state: (await unlessNotFound(getApplication(deps.client.workflow.getHandle(applicationId)))) ?? null,
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
  const outcome = await eraseUnlessInProgress({ ...deps, submissions: deps.nats.submissions }, candidateId);
  if (outcome.erased) return;
  if (outcome.reason === 'unknown')
    throw new HttpError(404, `no candidate '${candidateId}' (or already erased)`);
  throw new HttpError(
    409,
    `withdraw the applications in progress first (${outcome.applications.length} still open)`,
    [],
    { applications: outcome.applications },
  );
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

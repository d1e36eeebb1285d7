/**
 * Erasing a candidate once nothing of theirs is in progress: one decision for the candidate's own
 * request and an admin's (api/privacy.ts) and for the retention clock (workers/worker.ts), so none
 * of them erases an account under an application just sent.
 */
import type { KV } from '@nats-io/kv';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { applicationsQuery } from '../schemas/search-attributes.js';
import { submittedBy } from '../stores/candidate-applications.js';
import type { CandidateStore } from '../stores/candidates.js';
import type { TokenStore } from '../stores/tokens.js';

export interface ErasureDeps {
  client: Client;
  /** The submissions bucket, which holds each candidate's own list of applications. */
  submissions: KV;
  candidates: CandidateStore;
  tokens: TokenStore;
}

/** How long an application listed by its candidate but without a workflow counts as starting. */
const STARTING_MS = 60_000;

/**
 * The candidate's applications (those still open, with `onlyRunning`). Visibility lists them a
 * moment after they start; the candidate's own list (stores/candidate-applications.ts) has them
 * at once, and is asked too, so that nothing decided here misses an application just sent.
 */
export async function applicationIdsOf(
  deps: Pick<ErasureDeps, 'client' | 'submissions'>,
  candidateId: string,
  onlyRunning = false,
  now: () => number = Date.now,
): Promise<string[]> {
  // One visibility list gives every listed application with its status; only those it does not
  // list yet are asked of their workflow.
  const status = new Map<string, string | undefined>();
  for await (const wf of deps.client.workflow.list({ query: applicationsQuery({ candidateId }) }))
    status.set(wf.workflowId, wf.status.name);
  const ids: string[] = [];
  for (const { applicationId, submittedAt } of await submittedBy(deps.submissions, candidateId)) {
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
    if (described === undefined && now() - Date.parse(submittedAt) < STARTING_MS) ids.push(applicationId);
    else status.set(applicationId, described);
  }
  for (const [id, s] of status) if (s !== undefined && (!onlyRunning || s === 'RUNNING')) ids.push(id);
  return ids;
}

export type ErasureOutcome =
  | { erased: true }
  | { erased: false; reason: 'unknown' }
  | { erased: false; reason: 'in_progress'; applications: string[] };

/**
 * Erases the candidate (their key destroyed, so all they sealed is unreadable; signed out
 * everywhere) unless an application of theirs is in progress or there is no such candidate.
 */
export async function eraseUnlessInProgress(deps: ErasureDeps, candidateId: string): Promise<ErasureOutcome> {
  const running = await applicationIdsOf(deps, candidateId, true);
  if (running.length) return { erased: false, reason: 'in_progress', applications: running };
  // A mistyped id must not look like a done erasure (nor write a tombstone for nobody).
  if (!(await deps.candidates.erase(candidateId))) return { erased: false, reason: 'unknown' };
  // Nobody signs in as someone who is no longer there.
  await deps.tokens.revokeSubject(candidateId);
  return { erased: true };
}

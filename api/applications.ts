/**
 * Starting and driving application workflows from outside: what the HTTP API, the CLI and the
 * tests call. The workflow id is deterministic, so a retried or doubled submission finds the same
 * application instead of starting a second one.
 */
import {
  ServiceError,
  WorkflowNotFoundError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import {
  ApplicationInputSchema,
  applicationWorkflowId,
  type ApplicationInput,
  type ApplicationView,
  type TransitionAnswer,
  type TransitionRequestInput,
} from '../schemas/application.js';
import {
  CandidateIdAttribute,
  DutyStationAttribute,
  PositionIdAttribute,
} from '../schemas/search-attributes.js';
import { getApplicationQuery, transitionUpdate } from '../workflows/application-messages.js';
import type { applicationWorkflow } from '../workflows/application-workflow.js';

export type ApplicationHandle = WorkflowHandle<typeof applicationWorkflow>;

export async function startApplication(
  client: Client,
  taskQueue: string,
  raw: ApplicationInput,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof applicationWorkflow>> {
  const input = ApplicationInputSchema.parse(raw);
  const workflowId = applicationWorkflowId(input.position.positionId, input.candidateId);
  if (input.applicationId !== workflowId) {
    throw new Error(`applicationId must be '${workflowId}' (got '${input.applicationId}')`);
  }
  // By name, typed by the workflow: the API takes the workflow's type, never its code.
  return client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
    taskQueue,
    workflowId,
    args: [input],
    // One application per candidate and position, ever; a retry of the same start finds it.
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: new TypedSearchAttributes([
      { key: PositionIdAttribute, value: input.position.positionId },
      // A random id, not personal data: lets a candidate list their own applications.
      { key: CandidateIdAttribute, value: input.candidateId },
      { key: DutyStationAttribute, value: input.position.dutyStation },
      // Nothing that changes: stage, next deadline and service level are listed by the read side
      // from the events (readside/application-index.ts). A worker still on the lean generation
      // writes them at its first step (workflows/generation.ts).
    ]),
  });
}

/**
 * One transition. Every call carries an update id, deterministic when the caller gives an
 * idempotency key: a retry of a request whose answer was lost (a restart, a timeout) is answered by
 * the server with the first outcome instead of being made, or refused, a second time.
 *
 * While a worker is down, the application's workflow task can be "in failed state" (the task the
 * dead worker held timed out) and the server turns updates away; that passes as soon as a worker
 * picks the task up again, so the transition is retried, with the same id, for up to about a minute.
 */
export async function transition(
  handle: ApplicationHandle,
  req: TransitionRequestInput,
  idempotencyKey?: string,
): Promise<TransitionAnswer> {
  const updateId = `transition:${req.actor.role}:${req.actor.id}:${idempotencyKey ?? randomUUID()}`;
  for (let attempt = 1; ; attempt++) {
    try {
      return await handle.executeUpdate(transitionUpdate, { args: [req], updateId });
    } catch (err) {
      if (attempt >= 15 || !workflowTaskFailing(err)) throw err;
      await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 5000)));
    }
  }
}

/** The server's answer while the workflow's task is failing (FAILED_PRECONDITION). */
function workflowTaskFailing(err: unknown): boolean {
  if (!(err instanceof ServiceError)) return false;
  const cause = err.cause as { code?: number; details?: string } | undefined;
  return cause?.code === 9 && /Workflow Task in failed state/i.test(cause.details ?? '');
}

export function getApplication(handle: ApplicationHandle): Promise<ApplicationView> {
  return handle.query(getApplicationQuery);
}

/**
 * A workflow's answer, or undefined when there is no such workflow. Any other failure is thrown:
 * a Temporal server that does not answer is not "no such thing" (api/errors.ts answers it 503).
 */
export async function unlessNotFound<T>(pending: Promise<T>): Promise<T | undefined> {
  try {
    return await pending;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

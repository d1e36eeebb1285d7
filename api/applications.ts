/**
 * Starting and driving application workflows from outside: what the HTTP API, the CLI and the
 * tests call. The workflow id is deterministic, so a retried or doubled submission finds the same
 * application instead of starting a second one.
 */
import {
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import {
  ApplicationInputSchema,
  applicationWorkflowId,
  type ApplicationInput,
  type ApplicationView,
  type TransitionRequestInput,
} from '../schemas/application.js';
import {
  CandidateIdAttribute,
  DutyStationAttribute,
  NextDeadlineAttribute,
  PositionIdAttribute,
  StageAttribute,
} from '../schemas/search-attributes.js';
import {
  applicationWorkflow,
  getApplicationQuery,
  transitionUpdate,
} from '../workflows/application-workflow.js';

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
  return client.workflow.start(applicationWorkflow, {
    taskQueue,
    workflowId,
    args: [input],
    // One application per candidate and position, ever; a retry of the same start finds it.
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: new TypedSearchAttributes([
      { key: StageAttribute, value: 'submitted' },
      { key: PositionIdAttribute, value: input.position.positionId },
      // A random id, not personal data: lets a candidate list their own applications.
      { key: CandidateIdAttribute, value: input.candidateId },
      { key: DutyStationAttribute, value: input.position.dutyStation },
      { key: NextDeadlineAttribute, value: new Date(input.submittedAt) },
    ]),
  });
}

/**
 * One transition. With an idempotency key the update carries a deterministic id: a retry of a
 * request whose answer was lost (a restart, a timeout) is answered by the server with the first
 * outcome instead of being made, or refused, a second time.
 */
export function transition(
  handle: ApplicationHandle,
  req: TransitionRequestInput,
  idempotencyKey?: string,
): Promise<ApplicationView> {
  return handle.executeUpdate(transitionUpdate, {
    args: [req],
    ...(idempotencyKey ? { updateId: `transition:${req.actor.role}:${req.actor.id}:${idempotencyKey}` } : {}),
  });
}

export function getApplication(handle: ApplicationHandle): Promise<ApplicationView> {
  return handle.query(getApplicationQuery);
}

/**
 * Publishing and finding vacancies. Each position is a workflow (`position/<id>`); lists come from
 * Temporal visibility (search attributes and memo), never from querying every workflow.
 */
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { z } from 'zod';
import {
  PositionDraftSchema,
  PositionStatusSchema,
  positionWorkflowId,
  type Position,
  type PositionDraftInput,
  type PositionRequestInput,
  type PositionSummary,
  type PositionView,
} from '../schemas/position.js';
import { ContractTypeSchema, DUTY_STATIONS, DutyStationSchema } from '../schemas/reference.js';
import {
  ContractTypeAttribute,
  DutyStationAttribute,
  NextDeadlineAttribute,
  PositionIdAttribute,
  PositionStatusAttribute,
  RecruiterIdAttribute,
} from '../schemas/search-attributes.js';
import { instantToZoned, localTimeProblem, zonedToInstant } from '../schemas/time.js';
import { getPositionQuery, positionUpdate, positionWorkflow } from '../workflows/position-workflow.js';

export class PositionRefused extends Error {
  override readonly name = 'PositionRefused';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export async function openPosition(
  client: Client,
  taskQueue: string,
  raw: PositionDraftInput,
  now = new Date(),
): Promise<Position> {
  const draft = PositionDraftSchema.parse(raw);
  const timeZone = DUTY_STATIONS[draft.dutyStation].timeZone;
  const skipped = localTimeProblem(draft.deadlineLocal, timeZone);
  if (skipped) throw new PositionRefused(skipped, 'deadlineLocal');
  const deadline = zonedToInstant(draft.deadlineLocal, timeZone);
  if (deadline.getTime() <= now.getTime()) {
    throw new PositionRefused(
      `the deadline ${draft.deadlineLocal} in ${DUTY_STATIONS[draft.dutyStation].city} has already passed`,
      'deadlineLocal',
    );
  }
  const position: Position = {
    ...draft,
    timeZone,
    deadline: deadline.toISOString(),
    openedAt: now.toISOString(),
  };
  try {
    await client.workflow.start(positionWorkflow, {
      taskQueue,
      workflowId: positionWorkflowId(position.positionId),
      args: [position],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: new TypedSearchAttributes([
        { key: PositionIdAttribute, value: position.positionId },
        { key: DutyStationAttribute, value: position.dutyStation },
        { key: ContractTypeAttribute, value: position.contractType },
        { key: PositionStatusAttribute, value: 'open' },
        { key: NextDeadlineAttribute, value: deadline },
        { key: RecruiterIdAttribute, value: position.recruiterId },
      ]),
      // What a list shows and what words are searched in, without querying the workflow.
      memo: {
        reference: position.reference,
        title: position.title,
        description: position.description.slice(0, 4000),
        deadline: position.deadline,
        deadlineLocal: position.deadlineLocal,
        timeZone,
      },
    });
  } catch (err) {
    if (err instanceof Error && err.name === 'WorkflowExecutionAlreadyStartedError') {
      throw new PositionRefused(`a position with id '${position.positionId}' already exists`, 'positionId');
    }
    throw err;
  }
  return position;
}

export const PositionSearchSchema = z.object({
  dutyStation: DutyStationSchema.optional(),
  contractType: ContractTypeSchema.optional(),
  /** Words that must all appear in the title or description (case-insensitive). */
  words: z.string().trim().max(200).optional(),
  /** Recruiters see closed, filled and cancelled positions too. */
  includeClosed: z.boolean().default(false),
  /** Staff: the positions of one recruiter (their own vacancies). */
  recruiterId: z.string().min(1).max(64).optional(),
});
export type PositionSearch = z.input<typeof PositionSearchSchema>;

export async function searchPositions(client: Client, raw: PositionSearch): Promise<PositionSummary[]> {
  const search = PositionSearchSchema.parse(raw);
  // Values come from closed enums, so they are safe inside the query string.
  const clauses = [`WorkflowType = 'positionWorkflow'`];
  if (!search.includeClosed) clauses.push(`PositionStatus = 'open'`);
  if (search.dutyStation) clauses.push(`DutyStation = '${search.dutyStation}'`);
  if (search.contractType) clauses.push(`ContractType = '${search.contractType}'`);
  // An id, not an enum: quoted with its quotes stripped, so it cannot break out of the query.
  if (search.recruiterId)
    clauses.push(`${RecruiterIdAttribute.name} = '${search.recruiterId.replaceAll("'", '')}'`);
  const words = (search.words ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const out: PositionSummary[] = [];
  for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
    const memo = (wf.memo ?? {}) as Record<string, string>;
    const text = `${memo.title ?? ''} ${memo.description ?? ''}`.toLowerCase();
    if (!words.every((w) => text.includes(w))) continue;
    const attrs = wf.typedSearchAttributes;
    out.push({
      positionId: attrs.get(PositionIdAttribute) ?? '',
      reference: memo.reference ?? '',
      title: memo.title ?? '',
      dutyStation: attrs.get(DutyStationAttribute) ?? '',
      contractType: attrs.get(ContractTypeAttribute) ?? '',
      status: PositionStatusSchema.catch('open').parse(attrs.get(PositionStatusAttribute)),
      ...closingTime(memo, attrs.get(NextDeadlineAttribute)),
      timeZone: memo.timeZone ?? '',
      ...(attrs.get(RecruiterIdAttribute) ? { recruiterId: attrs.get(RecruiterIdAttribute) } : {}),
    });
  }
  return out.sort((a, b) => a.deadline.localeCompare(b.deadline));
}

/**
 * When a listed position closes. An open position's next deadline (a search attribute every
 * extension moves) is the current one, also for positions extended before the memo followed
 * extensions (position-workflow.ts, DEADLINE_MEMO_PATCH); otherwise the memo.
 */
function closingTime(memo: Record<string, string>, next: Date | undefined) {
  if (next && memo.timeZone)
    return { deadline: next.toISOString(), deadlineLocal: instantToZoned(next, memo.timeZone) };
  return { deadline: memo.deadline ?? '', deadlineLocal: memo.deadlineLocal ?? '' };
}

export function positionHandle(client: Client, positionId: string) {
  return client.workflow.getHandle<typeof positionWorkflow>(positionWorkflowId(positionId));
}

export function getPosition(client: Client, positionId: string): Promise<PositionView> {
  return positionHandle(client, positionId).query(getPositionQuery);
}

export function changePosition(
  client: Client,
  positionId: string,
  req: PositionRequestInput,
): Promise<PositionView> {
  return positionHandle(client, positionId).executeUpdate(positionUpdate, { args: [req] });
}

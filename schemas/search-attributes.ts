import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes: what dashboards list and count by, through Temporal visibility, without querying
 * every workflow. Values are stored in clear on the server, so none of them is personal data.
 * Every key must be registered with the server before a workflow writes it (see workers/servers.ts).
 */
export const StageAttribute = defineSearchAttributeKey('Stage', SearchAttributeType.KEYWORD);
export const PositionIdAttribute = defineSearchAttributeKey('PositionId', SearchAttributeType.KEYWORD);
export const DutyStationAttribute = defineSearchAttributeKey('DutyStation', SearchAttributeType.KEYWORD);
export const NextDeadlineAttribute = defineSearchAttributeKey('NextDeadline', SearchAttributeType.DATETIME);

export const CandidateIdAttribute = defineSearchAttributeKey('CandidateId', SearchAttributeType.KEYWORD);
/** 'ok', 'reminded' (the recruiter was reminded in this stage) or 'escalated' (HR was told). */
export const SlaStatusAttribute = defineSearchAttributeKey('SlaStatus', SearchAttributeType.KEYWORD);
export const ContractTypeAttribute = defineSearchAttributeKey('ContractType', SearchAttributeType.KEYWORD);
export const PositionStatusAttribute = defineSearchAttributeKey(
  'PositionStatus',
  SearchAttributeType.KEYWORD,
);

export const SEARCH_ATTRIBUTES = [
  StageAttribute,
  PositionIdAttribute,
  DutyStationAttribute,
  NextDeadlineAttribute,
  ContractTypeAttribute,
  PositionStatusAttribute,
  CandidateIdAttribute,
  SlaStatusAttribute,
];

export interface ApplicationFilter {
  candidateId?: string;
  positionId?: string;
  stage?: string;
  dutyStation?: string;
  /** An instant: applications whose next deadline falls at or before it. */
  deadlineBefore?: string;
  sla?: string;
  /** Only applications still in progress. */
  running?: boolean;
}

/**
 * The visibility query for applications, built in one place: every value is quoted here, with
 * quotes stripped, so no caller can break out of the query whatever id it passes.
 */
export function applicationsQuery(f: ApplicationFilter = {}): string {
  const q = (v: string) => `'${v.replaceAll("'", '')}'`;
  const clauses = [`WorkflowType = 'applicationWorkflow'`];
  if (f.candidateId) clauses.push(`${CandidateIdAttribute.name} = ${q(f.candidateId)}`);
  if (f.positionId) clauses.push(`${PositionIdAttribute.name} = ${q(f.positionId)}`);
  if (f.stage) clauses.push(`${StageAttribute.name} = ${q(f.stage)}`);
  if (f.dutyStation) clauses.push(`${DutyStationAttribute.name} = ${q(f.dutyStation)}`);
  if (f.deadlineBefore)
    clauses.push(`${NextDeadlineAttribute.name} <= ${q(new Date(f.deadlineBefore).toISOString())}`);
  if (f.sla) clauses.push(`${SlaStatusAttribute.name} = ${q(f.sla)}`);
  if (f.running) clauses.push(`ExecutionStatus = 'Running'`);
  return clauses.join(' AND ');
}

import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes: what Temporal visibility finds workflows by, without querying each one. Values
 * are stored in clear on the server, so none of them is personal data. Every key must be registered
 * with the server before a workflow writes it (see workers/servers.ts).
 *
 * Applications carry the ones that never change (position, candidate, duty station), set at the
 * start; the workflow's steps write none since the quiet generation (workflows/generation.ts), and
 * the lists by stage, deadline and service level come from the read side. Stage, NextDeadline and
 * SlaStatus stay registered: applications of the older generations still write them.
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
/**
 * The recruiter a position belongs to (a staff id, not personal data), set at its start so a
 * recruiter can list their own vacancies. Positions opened before 30 November 2026 have none.
 */
export const RecruiterIdAttribute = defineSearchAttributeKey('RecruiterId', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [
  StageAttribute,
  PositionIdAttribute,
  DutyStationAttribute,
  NextDeadlineAttribute,
  ContractTypeAttribute,
  PositionStatusAttribute,
  CandidateIdAttribute,
  SlaStatusAttribute,
  RecruiterIdAttribute,
];

/**
 * What visibility can find applications by, truthfully for every generation: the attributes that
 * never change, and whether the run is still open. The lists by stage, deadline or service level
 * come from the read side (readside/application-index.ts, ApplicationFilter).
 */
export interface VisibilityFilter {
  candidateId?: string;
  positionId?: string;
  dutyStation?: string;
  /** Only applications still in progress. */
  running?: boolean;
}

/**
 * The visibility query for applications, built in one place: every value is quoted here, with
 * quotes stripped, so no caller can break out of the query whatever id it passes.
 */
export function applicationsQuery(f: VisibilityFilter = {}): string {
  const q = (v: string) => `'${v.replaceAll("'", '')}'`;
  const clauses = [`WorkflowType = 'applicationWorkflow'`];
  if (f.candidateId) clauses.push(`${CandidateIdAttribute.name} = ${q(f.candidateId)}`);
  if (f.positionId) clauses.push(`${PositionIdAttribute.name} = ${q(f.positionId)}`);
  if (f.dutyStation) clauses.push(`${DutyStationAttribute.name} = ${q(f.dutyStation)}`);
  if (f.running) clauses.push(`ExecutionStatus = 'Running'`);
  return clauses.join(' AND ');
}

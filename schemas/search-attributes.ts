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

/**
 * The workflows as the bundle held them before workflows/sandbox-setup.ts (zod with its JIT), for
 * `bench/replay-cost.ts --against` to measure that setting against: the same modules, without the
 * entry's first import.
 */
export { applicationWorkflow } from '../../workflows/application-workflow.js';
export { positionWorkflow } from '../../workflows/position-workflow.js';
export { candidateRetentionWorkflow } from '../../workflows/retention-workflow.js';

// The workflows a worker hosts. Bundled by the SDK into a deterministic sandbox.
export { applicationWorkflow } from './application-workflow.js';
export { positionWorkflow } from './position-workflow.js';
export { candidateRetentionWorkflow } from './retention-workflow.js';

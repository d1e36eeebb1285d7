// The workflows a worker hosts. Bundled by the SDK into a deterministic sandbox.
// First: the sandbox's settings hold before any module below builds a schema.
import './sandbox-setup.js';

export { applicationWorkflow } from './application-workflow.js';
export { positionWorkflow } from './position-workflow.js';
export { candidateRetentionWorkflow } from './retention-workflow.js';

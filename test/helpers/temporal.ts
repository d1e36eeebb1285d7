import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { binaryPath } from '../../scripts/binaries.mjs';
import { SEARCH_ATTRIBUTES } from '../../schemas/search-attributes.js';
import { WORKFLOWS_PATH } from '../../workers/worker.js';

let bundle: Promise<WorkflowBundle> | undefined;

/** The workflow code, bundled once per test process and shared by its workers. */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  return bundle;
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (msg: string) => console.error(msg),
};

/** A time-skipping test server from the project's pinned binary: never a download. */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: binaryPath('temporalTestServer') } },
  });
  const types = proto.temporal.api.enums.v1.IndexedValueType;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      SEARCH_ATTRIBUTES.map((a) => [
        a.name,
        a.type === 'DATETIME' ? types.INDEXED_VALUE_TYPE_DATETIME : types.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
  return env;
}

let queueCounter = 0;
/** A task queue of its own per test, so workers of parallel test files never take each other's tasks. */
export function uniqueTaskQueue(name: string): string {
  queueCounter += 1;
  return `${name}-${process.pid}-${queueCounter}`;
}

/** A handle on one specific run of a workflow (for instance the first run before a continue-as-new). */
export function runHandle(env: { client: Client }, workflowId: string, runId: string) {
  return env.client.workflow.getHandle(workflowId, runId);
}

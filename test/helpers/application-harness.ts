import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type {
  ApplicationInput,
  ApplicationView,
  TransitionAnswer,
  TransitionRequestInput,
} from '../../schemas/application.js';
import {
  getApplicationQuery,
  transitionSignal,
  transitionUpdate,
} from '../../workflows/application-messages.js';
import { applicationWorkflow } from '../../workflows/application-workflow.js';
import { fakeActivities } from './fake-activities.js';
import { uniqueTaskQueue, workflowBundle } from './temporal.js';

export type ApplicationHandle = WorkflowHandle<typeof applicationWorkflow>;

/** A worker on fake activities, running for the whole test file, and small verbs for the tests. */
export async function applicationHarness(env: TestWorkflowEnvironment, opts: { capacity?: number } = {}) {
  const { fake, taskQueue, stop } = await fakeWorker(env, 'applications', opts);
  const settled = (handle: ApplicationHandle) =>
    eventually(
      () => handle.query(getApplicationQuery),
      (v) => v.pendingEffects === 0,
    );

  return {
    fake,
    taskQueue,
    async submit(input: ApplicationInput): Promise<ApplicationHandle> {
      return env.client.workflow.start(applicationWorkflow, {
        taskQueue,
        workflowId: input.applicationId,
        args: [input],
      });
    },
    /** An update, then waits until its emails and events are out, so tests see a settled history. */
    async act(handle: ApplicationHandle, req: TransitionRequestInput): Promise<TransitionAnswer> {
      const view = await handle.executeUpdate(transitionUpdate, { args: [req] });
      await settled(handle);
      return view;
    },
    settled,
    async signal(handle: ApplicationHandle, req: TransitionRequestInput): Promise<void> {
      await handle.signal(transitionSignal, req);
    },
    view(handle: ApplicationHandle): Promise<ApplicationView> {
      return handle.query(getApplicationQuery);
    },
    async historyLength(handle: ApplicationHandle): Promise<number> {
      return (await handle.fetchHistory()).events?.length ?? 0;
    },
    /** Kinds of the history events after the first `from` ones ('workflowTaskCompleted', ...). */
    async historyKindsAfter(handle: ApplicationHandle, from: number): Promise<string[]> {
      const events = (await handle.fetchHistory()).events ?? [];
      return events.slice(from).map((e) => Object.keys(e).find((k) => k.endsWith('Attributes')) ?? 'unknown');
    },
    stop,
  };
}

/** The reason a refused update gives, or a failure if it was not refused. */
export async function refusalOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      return err.cause?.message ?? err.message;
    }
    throw err;
  }
  throw new Error('expected the update to be refused, and it was accepted');
}

/** `work`, or a failure naming `what` once `ms` have passed without an answer. */
export function within<T>(ms: number, work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish in ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Polls a query until the predicate holds: visibility and timers land asynchronously. */
export async function eventually<T>(
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > until)
      // JSON.stringify(undefined) is undefined: say so rather than fail on the message itself.
      throw new Error(
        `condition not met within ${timeoutMs} ms: ${(JSON.stringify(v) ?? String(v)).slice(0, 500)}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A worker on fake activities for a time-skipping test file; `stop` shuts it down. */
export async function fakeWorker(
  env: TestWorkflowEnvironment,
  name: string,
  opts: { capacity?: number } = {},
) {
  const fake = fakeActivities(opts);
  const taskQueue = uniqueTaskQueue(name);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: fake.activities,
  });
  const running = worker.run();
  return {
    fake,
    taskQueue,
    stop: async (): Promise<void> => {
      worker.shutdown();
      await running;
    },
  };
}

import type { Client } from '@temporalio/client';
import type { TransitionRequestInput } from '../schemas/application.js';
import { transitionSignal } from '../workflows/application-messages.js';
import { applicationsQuery } from '../schemas/search-attributes.js';

export interface ApplicationCloser {
  /** Closes every application still in progress for a position; returns how many it signalled. */
  closeAll(
    positionId: string,
    reason: 'filled' | 'cancelled',
    note: string,
    heartbeat: (done: number) => void,
  ): Promise<number>;
}

/**
 * Finds the running applications of a position through visibility (never by querying every
 * workflow) and sends each the `position_closed` transition as a signal. Visibility is eventually
 * consistent, so it lists again until a pass finds nothing new; a signal to an application that
 * already closed is refused by the workflow and written on its timeline, never applied twice.
 */
export function temporalApplicationCloser(client: Client, passes = 5): ApplicationCloser {
  return {
    async closeAll(positionId, reason, note, heartbeat) {
      const signalled = new Set<string>();
      const request: TransitionRequestInput = {
        actor: { role: 'system', id: `position/${positionId}` },
        command: { type: 'position_closed', reason, note },
      };
      for (let pass = 0; pass < passes; pass++) {
        let found = 0;
        for await (const wf of client.workflow.list({
          query: applicationsQuery({ positionId, running: true }),
        })) {
          if (signalled.has(wf.workflowId)) continue;
          found += 1;
          try {
            await client.workflow.getHandle(wf.workflowId).signal(transitionSignal, request);
          } catch (err) {
            // It finished between the listing and the signal: nothing left to close.
            if (!(err instanceof Error && /not found|already completed/i.test(err.message))) throw err;
          }
          signalled.add(wf.workflowId);
          heartbeat(signalled.size);
        }
        if (found === 0 && pass > 0) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      return signalled.size;
    },
  };
}

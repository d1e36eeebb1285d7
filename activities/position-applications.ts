import type { Client } from '@temporalio/client';
import type { CommandInput, TransitionRequestInput } from '../schemas/application.js';
import { transitionSignal } from '../workflows/application-messages.js';
import { applicationsQuery } from '../schemas/search-attributes.js';

/** What a position does to its applications still in progress, in bulk; each returns how many it signalled. */
export interface PositionApplications {
  /** Filled or cancelled: every application still in progress closes courteously. */
  closeAll(
    positionId: string,
    reason: 'filled' | 'cancelled',
    note: string,
    heartbeat: (done: number) => void,
  ): Promise<number>;
  /** Handed over: every application still in progress goes to the position's new recruiter. */
  handOverAll(positionId: string, recruiterId: string, heartbeat: (done: number) => void): Promise<number>;
}

/**
 * Finds the running applications of a position through visibility (never by querying every
 * workflow) and sends each the position's transition as a signal. Visibility is eventually
 * consistent, so it lists again until a pass finds nothing new; a signal to an application that
 * already closed (or is already in the new recruiter's charge) is refused by the workflow and
 * written on its timeline, never applied twice.
 */
export function temporalPositionApplications(client: Client, passes = 5): PositionApplications {
  async function signalAll(
    positionId: string,
    command: CommandInput,
    heartbeat: (done: number) => void,
  ): Promise<number> {
    const signalled = new Set<string>();
    const request: TransitionRequestInput = {
      actor: { role: 'system', id: `position/${positionId}` },
      command,
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
          // It finished between the listing and the signal: nothing left to do to it.
          if (!(err instanceof Error && /not found|already completed/i.test(err.message))) throw err;
        }
        signalled.add(wf.workflowId);
        heartbeat(signalled.size);
      }
      if (found === 0 && pass > 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    return signalled.size;
  }
  return {
    closeAll: (positionId, reason, note, heartbeat) =>
      signalAll(positionId, { type: 'position_closed', reason, note }, heartbeat),
    handOverAll: (positionId, recruiterId, heartbeat) =>
      signalAll(positionId, { type: 'hand_over', recruiterId }, heartbeat),
  };
}

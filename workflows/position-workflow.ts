/**
 * One vacancy, from publication to filled or cancelled.
 *
 * Open until its deadline (a local time at the duty station, held as an instant), then closed to
 * new applications by its own timer. A recruiter may extend the deadline (the timer follows, and a
 * closed position reopens), cancel it, or mark it filled; then the applications still in progress
 * are closed in bulk, each with a courteous email, without anyone clicking through them. Handed over
 * to another recruiter, it hands them its applications in progress too, in bulk.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  defineQuery,
  defineUpdate,
  patched,
  setHandler,
  upsertMemo,
} from '@temporalio/workflow';
import type { Actor } from '../schemas/application.js';
import type { DomainEvent } from '../schemas/events.js';
import {
  PositionRequestSchema,
  PositionSchema,
  type Position,
  type PositionRequestInput,
  type PositionStatus,
  type PositionView,
} from '../schemas/position.js';
import { DUTY_STATIONS } from '../schemas/reference.js';
import {
  NextDeadlineAttribute,
  PositionStatusAttribute,
  RecruiterIdAttribute,
} from '../schemas/search-attributes.js';
import { localTimeProblem, zonedToInstant } from '../schemas/time.js';
import { now } from './clock.js';
import {
  EffectLane,
  closeApplicationsOfPosition,
  effectLanes,
  handOverApplicationsOfPosition,
} from './effects.js';
import { generation, upsertAttributes } from './generation.js';

export const positionUpdate = defineUpdate<PositionView, [PositionRequestInput]>('position');
export const getPositionQuery = defineQuery<PositionView>('getPosition');

export const POSITION_REFUSED = 'PositionRequestRefused';

/**
 * An extended deadline is written to the memo too, where the vacancy lists read it (api/positions.ts):
 * before, the lists kept showing the first closing time. Behind a patch: positions extended before
 * it replay without the memo write they never made.
 */
export const DEADLINE_MEMO_PATCH = 'position-deadline-in-memo-2026-11';

export async function positionWorkflow(input: Position): Promise<PositionView> {
  // Before anything else: which code this history began under (generation.ts), and so which kind
  // of effect lane it runs (effects.ts).
  const gen = generation();
  const lane = effectLanes(gen, () => new EffectLane('position'));
  const position = PositionSchema.parse(input);
  let status: PositionStatus = 'open';
  let deadline = Date.parse(position.deadline);
  // The closing time as the duty station reads it, kept with the instant when a recruiter extends it.
  let deadlineLocal = position.deadlineLocal;
  // Who is in charge: the one who opened it, until it is handed over.
  let recruiterId = position.recruiterId;
  // Hand-overs of the applications in progress, one after the other, in the order they were asked;
  // undefined until the first (a position never handed over runs exactly as before them).
  let handingOver: Promise<unknown> | undefined;
  let applicationsClosed = 0;
  let closing: { reason: 'filled' | 'cancelled'; note: string } | undefined;
  let seq = 0;
  const history: PositionView['history'] = [];

  const view = (): PositionView => ({
    position: { ...position, recruiterId, deadline: new Date(deadline).toISOString(), deadlineLocal },
    status,
    applicationsClosed,
    history: [...history],
    seq,
    pendingEffects: lane.pending,
  });

  const record = (
    actor: Actor,
    what: string,
    event?: Omit<DomainEvent, 'eventId' | 'version' | 'occurredAt' | 'actor' | 'positionId' | 'dutyStation'>,
  ): void => {
    seq += 1;
    history.push({ at: new Date(now()).toISOString(), actor, what });
    if (event) {
      lane.push({
        kind: 'event',
        event: {
          ...event,
          version: 1,
          eventId: `position/${position.positionId}:${seq}:${event.type}`,
          occurredAt: new Date(now()).toISOString(),
          actor,
          positionId: position.positionId,
          dutyStation: position.dutyStation,
        } as DomainEvent,
      });
    }
    upsertAttributes(gen, [
      { key: PositionStatusAttribute, value: status },
      { key: NextDeadlineAttribute, value: status === 'open' ? new Date(deadline) : null },
    ]);
  };

  const refused = (message: string) =>
    ApplicationFailure.create({ type: POSITION_REFUSED, message, nonRetryable: true });

  const refusal = (raw: PositionRequestInput): string | undefined => {
    const parsed = PositionRequestSchema.safeParse(raw);
    if (!parsed.success) {
      return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    }
    const { actor, command } = parsed.data;
    // HR hands over the work of someone who left or is away; the rest is the recruiters'.
    if (command.type === 'hand_over') {
      if (!['recruiter', 'hr', 'admin'].includes(actor.role))
        return `a hand-over is for recruiters, HR and admins, not ${actor.role}`;
    } else if (!['recruiter', 'admin'].includes(actor.role))
      return `position changes are for recruiters, not ${actor.role}`;
    if (status === 'filled' || status === 'cancelled')
      return `the position is ${status}; nothing more can change`;
    if (command.type === 'hand_over' && command.recruiterId === recruiterId)
      return `${recruiterId} is already in charge of this position`;
    if (command.type === 'extend_deadline') {
      const skipped = localTimeProblem(command.deadlineLocal, position.timeZone);
      if (skipped) return skipped;
      const until = zonedToInstant(command.deadlineLocal, position.timeZone).getTime();
      if (until <= deadline) return `the new deadline must be later than the current one`;
      if (until <= now()) return 'the new deadline must be in the future';
    }
    return undefined;
  };

  setHandler(
    positionUpdate,
    (raw) => {
      const { actor, command } = PositionRequestSchema.parse(raw);
      switch (command.type) {
        case 'extend_deadline': {
          deadline = zonedToInstant(command.deadlineLocal, position.timeZone).getTime();
          deadlineLocal = command.deadlineLocal;
          if (patched(DEADLINE_MEMO_PATCH))
            upsertMemo({ deadline: new Date(deadline).toISOString(), deadlineLocal });
          const reopened = status === 'closed';
          status = 'open';
          record(
            actor,
            `deadline extended to ${command.deadlineLocal} in ${DUTY_STATIONS[position.dutyStation].city}${reopened ? ' (reopened)' : ''}`,
            {
              type: 'position.deadline_extended',
              payload: { until: new Date(deadline).toISOString() },
            },
          );
          break;
        }
        case 'cancel':
          status = 'cancelled';
          record(actor, `cancelled: ${command.reason}`, {
            type: 'position.cancelled',
            payload: { reason: command.reason },
          });
          closing = { reason: 'cancelled', note: command.reason };
          break;
        case 'fill':
          status = 'filled';
          record(actor, `filled${command.applicationId ? ` by ${command.applicationId}` : ''}`, {
            type: 'position.filled',
            payload: {},
          });
          closing = { reason: 'filled', note: '' };
          break;
        case 'hand_over': {
          const from = recruiterId;
          recruiterId = command.recruiterId;
          // Their own vacancy list ("mine") finds it by this attribute.
          upsertAttributes(gen, [{ key: RecruiterIdAttribute, value: recruiterId }]);
          record(actor, `handed over from ${from} to ${recruiterId}`, {
            type: 'position.handed_over',
            payload: { from, to: recruiterId },
          });
          // New applications take the position's recruiter as they start (api/submissions.ts);
          // those already in progress are handed over here, after any hand-over asked before.
          const to = recruiterId;
          const handOver = () =>
            handOverApplicationsOfPosition({ positionId: position.positionId, recruiterId: to });
          handingOver = handingOver ? handingOver.then(handOver) : handOver();
          break;
        }
      }
      return Promise.resolve(view());
    },
    {
      validator: (raw: PositionRequestInput) => {
        const reason = refusal(raw);
        if (reason) throw refused(reason);
      },
    },
  );
  setHandler(getPositionQuery, view);

  const recruiterActor: Actor = { role: 'recruiter', id: position.recruiterId };
  record(
    recruiterActor,
    `opened until ${position.deadlineLocal} in ${DUTY_STATIONS[position.dutyStation].city}`,
    {
      type: 'position.opened',
      payload: { deadline: position.deadline },
    },
  );

  // Open until the deadline, then closed to new applications until filled or cancelled.
  while (status === 'open' || status === 'closed') {
    const seen = seq;
    if (status === 'open') {
      const changed = await condition(() => seq !== seen, Math.max(1, deadline - now()));
      if (!changed && status === 'open' && now() >= deadline) {
        status = 'closed';
        record({ role: 'system', id: 'workflow-clock' }, 'closed: the deadline passed', {
          type: 'position.closed',
          payload: {},
        });
      }
    } else {
      await condition(() => seq !== seen);
    }
  }

  // Every hand-over asked for has reached the applications before they are closed. Awaited only if
  // there was one: an await moves what follows by a microtask, and so its commands, in the
  // histories of positions closed before hand-overs existed.
  if (handingOver) await handingOver;
  // Filled or cancelled: close every application still in progress, courteously and in bulk.
  if (closing) {
    applicationsClosed = await closeApplicationsOfPosition({ positionId: position.positionId, ...closing });
    record({ role: 'system', id: 'workflow' }, `${applicationsClosed} applications in progress closed`);
  }
  await lane.drained();
  await condition(allHandlersFinished);
  return view();
}

/** The read side's record of a position, from its events alone. */
import { describe, expect, it } from 'vitest';
import { applyPositionEvent, type PositionRecord } from '../../readside/projection.js';
import type { DomainEvent } from '../../schemas/events.js';

type PositionEvent = Extract<DomainEvent, { type: `position.${string}` }>;
const base = {
  version: 1 as const,
  occurredAt: '2026-12-08T09:00:00.000Z',
  actor: { role: 'hr' as const, id: 'hr-1' },
  positionId: 'P-1',
  dutyStation: 'LYO' as const,
};
const event = (seq: number, e: Pick<PositionEvent, 'type' | 'payload'>) =>
  ({ ...base, eventId: `position/P-1:${seq}:${e.type}`, ...e }) as PositionEvent;

describe('a position on the read side', () => {
  it('stays closed when it is handed over after its deadline (a hand-over is not a reopening)', () => {
    let record: PositionRecord | undefined;
    const events = [
      event(1, { type: 'position.opened', payload: { deadline: '2026-12-20T10:00:00.000Z' } }),
      event(2, { type: 'position.closed', payload: {} }),
      event(3, { type: 'position.handed_over', payload: { from: 'rec-1', to: 'rec-2' } }),
    ];
    events.forEach((e, i) => (record = applyPositionEvent(record, e, i + 1)));
    expect(record).toMatchObject({ status: 'closed', lastStreamSeq: 3 });
    expect(record!.timeline.map((t) => t.type)).toEqual([
      'position.opened',
      'position.closed',
      'position.handed_over',
    ]);
    // And an open one stays open.
    const open = applyPositionEvent(
      applyPositionEvent(undefined, events[0]!, 1),
      { ...events[2]!, eventId: 'x' },
      2,
    );
    expect(open.status).toBe('open');
  });
});

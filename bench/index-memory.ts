/**
 * What the read side's index costs an API process in memory: 10,000 application records, parsed as
 * the index parses them (timeline left out), kept in its map by bucket key with their listing order.
 *
 *   node --expose-gc --import tsx bench/index-memory.ts
 */
import { applicationKey, ApplicationRecordSchema } from '../readside/projection.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc --import tsx bench/index-memory.ts');

const N = 10_000;
const DAY = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString();
const T0 = Date.parse('2027-01-01T00:00:00Z');
// Records as the projector writes them: ids of the lengths the system uses, eight timeline entries.
const texts = Array.from({ length: N }, (_, i) =>
  JSON.stringify({
    applicationId: `application/VN-2027-${i % 50}/cand-${i}-8f3a2c`,
    positionId: `VN-2027-${i % 50}`,
    candidateId: `cand-${i}-8f3a2c`,
    dutyStation: 'SIN',
    status: 'interview',
    submittedAt: at(T0 + i * 1000),
    stageSince: at(T0 + DAY + i * 1000),
    nextDeadline: at(T0 + 9 * DAY + i * 1000),
    sla: 'ok',
    timeInStageMs: { submitted: DAY + i, screened: 3_600_000 + i },
    timeline: Array.from({ length: 8 }, (_, k) => ({
      seq: k + 1,
      at: at(T0 + k * 1000),
      type: 'application.screened',
      actor: 'recruiter',
      status: 'screened',
    })),
    lastStreamSeq: i + 1,
  }),
);

// zod builds its parsers on first use: not part of the index's cost.
for (const t of texts.slice(0, 100)) ApplicationRecordSchema.parse(JSON.parse(t));
const heap = () => {
  for (let k = 0; k < 3; k++) gc();
  return process.memoryUsage().heapUsed;
};
const before = heap();
const byKey = new Map<string, unknown>();
const order: string[] = [];
for (const t of texts) {
  const { timeline: _, ...rest } = ApplicationRecordSchema.parse(JSON.parse(t));
  // The key as the bucket's stream names it: a string of its own, as the index receives it.
  const key = `${applicationKey(rest.applicationId)}`;
  byKey.set(key, rest);
  order.push(key);
}
const after = heap();
if (byKey.size !== N || order.length !== N || texts.length !== N) throw new Error('records lost');
console.log(
  `${N} records: ${((after - before) / 1024 / 1024).toFixed(1)} MiB of heap, ${Math.round((after - before) / N)} bytes each`,
);

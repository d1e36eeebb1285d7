/**
 * In what order the sides of a comparison run on the shared server. The bare engine measured
 * against itself, one run after the other, read 0.85 of its own throughput and 1.17 times its own
 * update p99 in the second run (README, Performance: the same code, run second, on a server whose
 * cost per application grows as it fills). So no side runs all its applications before another:
 * each runs applications [0, n) in blocks, and the sides take turns block by block, in order for
 * even blocks and in reverse for odd ones (A B, B A, A B, ...). With an even number of blocks the
 * sides' mean position in the run is the same, so a cost that grows steadily with time weighs on
 * each alike.
 */
export interface Turn {
  /** Index of the side taking this turn. */
  side: number;
  /** The side's applications from..from + count - 1. */
  from: number;
  count: number;
}

export function turns(sides: number, n: number, block: number): Turn[] {
  for (const [name, v] of Object.entries({ sides, n, block }))
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`turns: ${name} must be a positive integer (got ${v})`);
  const order = Array.from({ length: sides }, (_, i) => i);
  const out: Turn[] = [];
  for (let from = 0, k = 0; from < n; from += block, k++) {
    const count = Math.min(block, n - from);
    for (const side of k % 2 ? [...order].reverse() : order) out.push({ side, from, count });
  }
  return out;
}

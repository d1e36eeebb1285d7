import { describe, expect, it } from 'vitest';
import { turns } from '../../bench/turns.js';

describe('the order in which the benchmark sides share the server', () => {
  it('runs every application of every side once, in blocks, taking turns A B, B A', () => {
    const plan = turns(2, 1000, 200);
    expect(plan.map((t) => t.side).join('')).toBe('0110011001');
    for (const side of [0, 1]) {
      const mine = plan.filter((t) => t.side === side);
      expect(mine.map((t) => t.from)).toEqual([0, 200, 400, 600, 800]);
      expect(mine.reduce((n, t) => n + t.count, 0)).toBe(1000);
    }
  });

  it('gives the last block what is left', () => {
    expect(turns(2, 5, 2)).toEqual([
      { side: 0, from: 0, count: 2 },
      { side: 1, from: 0, count: 2 },
      { side: 1, from: 2, count: 2 },
      { side: 0, from: 2, count: 2 },
      { side: 0, from: 4, count: 1 },
      { side: 1, from: 4, count: 1 },
    ]);
  });

  it('with an even number of blocks, puts every side at the same mean position: a steady drift weighs alike', () => {
    for (const sides of [2, 3]) {
      const plan = turns(sides, 2000, 200);
      const meanPosition = (side: number) => {
        const at = plan.flatMap((t, i) => (t.side === side ? [i] : []));
        return at.reduce((a, b) => a + b, 0) / at.length;
      };
      const first = meanPosition(0);
      for (let s = 1; s < sides; s++) expect(meanPosition(s)).toBe(first);
    }
    // One after the other (one block each) puts the second side later: the bias the turns remove.
    const oneRunEach = turns(2, 2000, 2000);
    expect(oneRunEach.map((t) => t.side)).toEqual([0, 1]);
  });

  it('refuses sizes that are not positive whole numbers, naming the one', () => {
    expect(() => turns(2, 100, 0)).toThrow(/block must be a positive integer \(got 0\)/);
    expect(() => turns(2, 1.5, 10)).toThrow(/n must be a positive integer/);
  });
});

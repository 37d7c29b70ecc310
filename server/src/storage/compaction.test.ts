import { describe, expect, it } from 'vitest';
import { planCompaction } from './compaction.ts';
import type { StoredUpdate } from './DocStore.ts';

const row = (seq: number, authorId: string, at: number, bytes = 10): StoredUpdate => ({
  seq,
  authorId,
  firstAt: at,
  lastAt: at,
  count: 1,
  update: new Uint8Array(bytes),
});

describe('planCompaction', () => {
  const options = { before: 1_000_000, burstGapMs: 1000, maxRowBytes: 100 };

  it('groups consecutive rows of one author within the burst gap', () => {
    const groups = planCompaction(
      [row(1, 'a', 0), row(2, 'a', 500), row(3, 'b', 600), row(4, 'b', 900)],
      options,
    );
    expect(groups.map((g) => g.map((r) => r.seq))).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('never merges across a named version', () => {
    const rows = [row(1, 'a', 0), row(2, 'a', 100), row(3, 'a', 200), row(4, 'a', 300)];
    const groups = planCompaction(rows, options, new Set([2]));
    expect(groups.map((g) => g.map((r) => r.seq))).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('splits at a long pause, at the size cap, and leaves recent rows alone', () => {
    const rows = [
      row(1, 'a', 0),
      row(2, 'a', 5000),
      row(3, 'a', 5100, 95),
      row(4, 'a', 999_999),
      row(5, 'a', 1_000_001),
    ];
    expect(planCompaction(rows, options).map((g) => g.map((r) => r.seq))).toEqual([]);
    const more = [row(1, 'a', 0), row(2, 'a', 100), row(3, 'a', 200, 95)];
    expect(planCompaction(more, options).map((g) => g.map((r) => r.seq))).toEqual([[1, 2]]);
  });
});

import * as Y from 'yjs';
import type { CompactOptions, StoredUpdate } from './DocStore.ts';

/**
 * Groups rows the way history reads them (a named version's seq always ends a group): consecutive rows of one author, each starting within
 * `burstGapMs` of the previous one's end, all older than `before`, never past `maxRowBytes`.
 * Groups of one row are left out (nothing to merge).
 */
export function planCompaction(
  rows: readonly StoredUpdate[],
  { before, burstGapMs, maxRowBytes }: CompactOptions,
  /** Seqs that must stay the end of a row (named versions point at them). */
  boundaries: ReadonlySet<number> = new Set(),
  /** Seqs of rows that are never merged with another (marked restores and reverts, HIST-8). */
  alone: ReadonlySet<number> = new Set(),
): StoredUpdate[][] {
  const groups: StoredUpdate[][] = [];
  let current: StoredUpdate[] = [];
  let bytes = 0;
  const flush = () => {
    if (current.length > 1) groups.push(current);
    current = [];
    bytes = 0;
  };
  for (const row of rows) {
    if (row.lastAt >= before) {
      flush();
      continue;
    }
    const last = current[current.length - 1];
    const joins =
      last !== undefined &&
      last.authorId === row.authorId &&
      !boundaries.has(last.seq) &&
      !alone.has(last.seq) &&
      !alone.has(row.seq) &&
      row.firstAt - last.lastAt <= burstGapMs &&
      bytes + row.update.byteLength <= maxRowBytes;
    if (!joins) flush();
    current.push(row);
    bytes += row.update.byteLength;
  }
  flush();
  return groups;
}

/**
 * One row standing for a group: the group's last seq (so the state "after seq N" that named
 * versions and history entries point at stays exact), same author, the time span and the merged
 * update.
 */
export function mergeGroup(group: readonly StoredUpdate[]): StoredUpdate {
  const first = group[0]!;
  const last = group[group.length - 1]!;
  return {
    seq: last.seq,
    authorId: first.authorId,
    firstAt: first.firstAt,
    lastAt: last.lastAt,
    count: group.reduce((n, row) => n + row.count, 0),
    update: Y.mergeUpdates(group.map((row) => row.update)),
  };
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NewUpdate } from '../storage/DocStore.ts';
import { SqliteStore } from '../storage/SqliteStore.ts';
import { CommitBatcher } from './CommitBatcher.ts';

const row = (room: string, byte: number): NewUpdate => ({
  room,
  authorId: 'm1',
  at: 1,
  update: new Uint8Array([byte]),
});

/** A SqliteStore in memory that records the rooms of every appendUpdates call. */
function recordingStore() {
  const store = new SqliteStore(':memory:');
  const calls: string[][] = [];
  const append = store.appendUpdates.bind(store);
  store.appendUpdates = async (batch) => {
    calls.push(batch.map((r) => r.room));
    return append(batch);
  };
  return { store, calls };
}

describe('CommitBatcher', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('UPD-6 commits what several rooms hand over in one turn in one transaction, each room its own seqs in order', async () => {
    const { store, calls } = recordingStore();
    const batcher = new CommitBatcher(store);
    const [a, b, a2] = await Promise.all([
      batcher.append([row('ws/a', 1), row('ws/a', 2)]),
      batcher.append([row('ws/b', 3)]),
      batcher.append([row('ws/a', 4)]),
    ]);
    expect(calls).toEqual([['ws/a', 'ws/a', 'ws/b', 'ws/a']]);
    expect(a).toEqual([1, 2]);
    expect(b).toEqual([1]);
    expect(a2).toEqual([3]);
    const stored = await store.loadUpdates('ws/a');
    expect(stored.map((r) => [r.seq, r.update[0]])).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
    ]);
  });

  it('UPD-6 hand-overs of different turns are committed apart', async () => {
    const { store, calls } = recordingStore();
    const batcher = new CommitBatcher(store);
    expect(await batcher.append([row('ws/a', 1)])).toEqual([1]);
    expect(await batcher.append([row('ws/b', 2)])).toEqual([1]);
    expect(calls).toEqual([['ws/a'], ['ws/b']]);
  });

  it('UPD-6 when the shared transaction fails, each room is tried alone and only the one whose rows fail sees the error', async () => {
    const { store, calls } = recordingStore();
    const batcher = new CommitBatcher(store);
    // SQLite refuses this row (author_id is NOT NULL) after the row of ws/a is inserted.
    const bad = { ...row('ws/bad', 2), authorId: null as unknown as string };
    const results = await Promise.allSettled([
      batcher.append([row('ws/a', 1)]),
      batcher.append([bad]),
      batcher.append([row('ws/b', 3)]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(calls).toEqual([['ws/a', 'ws/bad', 'ws/b'], ['ws/a'], ['ws/bad'], ['ws/b']]);
    // The shared transaction was rolled back: each good room stored its row once, as seq 1.
    expect((await store.loadUpdates('ws/a')).map((r) => r.seq)).toEqual([1]);
    expect((await store.loadUpdates('ws/b')).map((r) => r.seq)).toEqual([1]);
    expect(await store.loadUpdates('ws/bad')).toEqual([]);
  });

  it('UPD-6 with an interval, a commit starts at most once per interval and what arrives meanwhile joins the next', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'Date'] });
    const { store, calls } = recordingStore();
    const batcher = new CommitBatcher(store, { intervalMs: 10, now: () => Date.now() });
    // Nothing committed lately: the first commit goes at once (next turn).
    const first = batcher.append([row('ws/a', 1)]);
    await vi.advanceTimersByTimeAsync(0);
    expect(await first).toEqual([1]);
    expect(calls).toEqual([['ws/a']]);

    await vi.advanceTimersByTimeAsync(2);
    let isDone = false;
    const later = Promise.all([
      batcher.append([row('ws/b', 2)]),
      batcher.append([row('ws/a', 3)]),
    ]).then((seqs) => {
      isDone = true;
      return seqs;
    });
    await vi.advanceTimersByTimeAsync(7);
    expect(isDone).toBe(false);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await later).toEqual([[1], [2]]);
    expect(calls).toEqual([['ws/a'], ['ws/b', 'ws/a']]);
  });
});

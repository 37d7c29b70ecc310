import type { DocStore, NewUpdate } from '../storage/DocStore.ts';

type Waiting = {
  rows: readonly NewUpdate[];
  resolve: (seqs: number[]) => void;
  reject: (error: unknown) => void;
};

/** Options of CommitBatcher. */
export type CommitBatcherOptions = {
  /**
   * A commit starts at most this long after the previous one started, ms; rows handed over in
   * between wait and join it. 0: one commit per turn of the event loop. Default 0.
   */
  intervalMs?: number;
  /** Monotonic clock, ms. Default `performance.now`. */
  now?: () => number;
  /** Called after each transaction that committed, with its number of rows. */
  onCommitted?: (rows: number) => void;
};

/**
 * Commits the rows every room hands over in one turn of the event loop (or, with `intervalMs`,
 * in one interval) in one storage transaction. Each room already batches its own writes per
 * turn; with many small rooms that still meant one commit per room, and a commit is dear:
 * SQLite at `synchronous = FULL` fsyncs its WAL on every commit (0.2–0.4 ms of CPU and 0.7–1.5 ms
 * of a blocked event loop on a small VM).
 *
 * Rows are appended in the order rooms handed them over, so each room's seqs stay in its own
 * order (STORE-1). When the shared transaction fails, each room's rows are tried again on their
 * own, so one room's trouble is not the others': a room sees the error only when its own rows
 * could not be stored, and retries as before.
 */
export class CommitBatcher {
  private waiting: Waiting[] = [];
  private isScheduled = false;
  private lastCommitAt = Number.NEGATIVE_INFINITY;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly onCommitted: (rows: number) => void;

  constructor(
    private readonly store: Pick<DocStore, 'appendUpdates'>,
    options: CommitBatcherOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 0;
    this.now = options.now ?? (() => performance.now());
    this.onCommitted = options.onCommitted ?? (() => {});
  }

  /** Resolves with the seq of each row once the transaction it joined has committed. */
  append(rows: readonly NewUpdate[]): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ rows, resolve, reject });
      if (this.isScheduled) return;
      this.isScheduled = true;
      const wait = this.lastCommitAt + this.intervalMs - this.now();
      // At the earliest after every room whose flush runs in this turn has handed its rows over.
      if (wait <= 0) setImmediate(() => void this.commit());
      else setTimeout(() => void this.commit(), wait);
    });
  }

  private async commit(): Promise<void> {
    this.isScheduled = false;
    this.lastCommitAt = this.now();
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 1) {
      const [only] = batch as [Waiting];
      return this.appendAlone(only);
    }
    let seqs: number[];
    try {
      seqs = await this.store.appendUpdates(batch.flatMap((w) => w.rows));
    } catch {
      for (const w of batch) void this.appendAlone(w);
      return;
    }
    this.onCommitted(seqs.length);
    let at = 0;
    for (const w of batch) {
      w.resolve(seqs.slice(at, at + w.rows.length));
      at += w.rows.length;
    }
  }

  private async appendAlone(w: Waiting): Promise<void> {
    let seqs: number[];
    try {
      seqs = await this.store.appendUpdates(w.rows);
    } catch (error) {
      w.reject(error);
      return;
    }
    this.onCommitted(seqs.length);
    w.resolve(seqs);
  }
}

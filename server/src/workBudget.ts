import { TokenBucket } from './relay/Connection.ts';

/**
 * WORK-1: each member's share of the relay's main thread for work whose cost a request decides
 * (rebuilding a room's history, checking a comments write against a large comments doc). Time
 * spent is charged after the work, in full; a member in debt is refused (HTTP 429, a closed
 * connection) until it is paid back, so no one member keeps the event loop busy for everyone
 * else. `rate`: ms of work a second, sustained; `burst`: ms at once.
 */
export class WorkBudget {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** How long, ms, until the member may start more work (0: now). */
  waitFor(memberId: string): number {
    return Math.ceil(this.buckets.get(memberId)?.waitMs() ?? 0);
  }

  /** Charges `ms` of work to the member. */
  charge(memberId: string, ms: number): void {
    if (!(ms > 0)) return;
    let bucket = this.buckets.get(memberId);
    if (!bucket) {
      bucket = new TokenBucket(this.rate, this.burst, this.now);
      this.buckets.set(memberId, bucket);
    }
    bucket.charge(ms);
    // Members with a whole burst again are forgotten (they start full anyway).
    if (this.buckets.size > 10_000) {
      for (const [id, b] of this.buckets) if (b.isFull()) this.buckets.delete(id);
    }
  }

  /** Runs `work` for the member and charges its time (also when it throws). */
  run<T>(memberId: string, work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      this.charge(memberId, performance.now() - start);
    }
  }

  /**
   * `run` for work that yields as it goes (a `Pacer`): only the time it worked is charged, not
   * the time others' work took while it waited.
   */
  async runPaced<T>(memberId: string, work: (pacer: Pacer) => Promise<T>): Promise<T> {
    const pacer = new Pacer();
    try {
      return await work(pacer);
    } finally {
      this.charge(memberId, pacer.workedMs());
    }
  }

  /** `run` for work that awaits: the time until it settles is charged. */
  async runAsync<T>(memberId: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.charge(memberId, performance.now() - start);
    }
  }
}

/** How long long work runs before it lets the relay serve others (WORK-2), ms. */
export const WORK_SLICE_MS = 20;

/**
 * WORK-2: long work (a history rebuilt, a page of it described) runs in slices and lets the
 * event loop serve everyone else between them, so one request never holds the relay for longer
 * than a slice; it counts only the time it worked, for the member's budget (WORK-1).
 */
export class Pacer {
  private worked = 0;
  private since = performance.now();

  constructor(private readonly sliceMs = WORK_SLICE_MS) {}

  /** Lets others run when this slice is used up. */
  async pause(): Promise<void> {
    const now = performance.now();
    if (now - this.since < this.sliceMs) return;
    this.worked += now - this.since;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.since = performance.now();
  }

  /** The time worked so far, ms, the current slice included. */
  workedMs(): number {
    return this.worked + (performance.now() - this.since);
  }
}

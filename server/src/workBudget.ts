/**
 * WORK-1: each member's share of the relay's main thread for work whose cost a request decides
 * (rebuilding a room's history, checking a comments write against a large comments doc). Time
 * spent is charged after the work, in full; a member in debt is refused (HTTP 429, a closed
 * connection) until it is paid back, so no one member keeps the event loop busy for everyone
 * else. `rate`: ms of work a second, sustained; `burst`: ms at once.
 */
export class WorkBudget {
  /** Per member: ms of work left (negative: owed) as of `at`. */
  private readonly members = new Map<string, { left: number; at: number }>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  private left(memberId: string): { left: number; at: number } {
    const t = this.now();
    const m = this.members.get(memberId) ?? { left: this.burst, at: t };
    m.left = Math.min(this.burst, m.left + ((t - m.at) / 1000) * this.rate);
    m.at = t;
    return m;
  }

  /** How long, ms, until the member may start more work (0: now). */
  waitFor(memberId: string): number {
    if (!this.members.has(memberId)) return 0;
    const m = this.left(memberId);
    return m.left >= 0 ? 0 : Math.ceil((-m.left / this.rate) * 1000);
  }

  /** Charges `ms` of work to the member. */
  charge(memberId: string, ms: number): void {
    if (!(ms > 0)) return;
    const m = this.left(memberId);
    m.left -= ms;
    this.members.set(memberId, m);
    if (this.members.size > 10_000) this.forgetPaid();
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

  /** Members with a full budget again are forgotten (they start full anyway). */
  private forgetPaid(): void {
    for (const id of [...this.members.keys()]) {
      if (this.left(id).left >= this.burst) this.members.delete(id);
    }
  }
}

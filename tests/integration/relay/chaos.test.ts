import { describe, expect, it } from 'vitest';
import { runCrashLoop } from '../../chaos/crashLoop.ts';

describe('the relay under SIGKILL (short crash loop; `pnpm chaos` runs the long one)', () => {
  it('keeps every acknowledged and every relayed update through kills during writes, unloads and compactions', async () => {
    const report = await runCrashLoop({ rounds: 5, seed: 20_261, timeLimitMs: 40_000 });
    expect(report.rounds).toBeGreaterThanOrEqual(4);
    expect(report.acked).toBeGreaterThan(100);
    expect(report.relayed).toBeGreaterThan(100);
    expect(report.compactions).toBeGreaterThan(0);
    expect(report.lost).toEqual([]);
    expect(report.unsettled).toBe(0);
  });
});

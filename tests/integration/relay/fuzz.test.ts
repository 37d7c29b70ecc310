import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/fuzzer.ts';
import { formatReport } from '../../fuzz/report.ts';

/**
 * A short run of the relay fuzzer (tests/fuzz; `corepack pnpm fuzz` runs the long one) with a
 * fixed seed: a real server process, editors and viewers in several rooms, every kind of frame
 * (server/src/relay/SPEC.md for the rule ids). A failure prints the fuzzer's summary, with the
 * command that replays it.
 */
describe('the relay under a fuzzed barrage', () => {
  it('UPD-2 AW-1 AW-4: never crashes, stores only rows that load, leaves an earlier doc byte-identical and gives its memory back', async () => {
    const frames = 2500;
    const report = await runFuzz({
      frames,
      seed: 20_261_201,
      conns: 12,
      isolateCrash: false,
      timeLimitMs: 35_000,
      memorySettleMs: 8_000,
    });
    const summary = formatReport(report);
    expect(
      report.crashes.map((c) => c.stderr.slice(-1500)),
      summary,
    ).toEqual([]);
    expect(report.isAlive, summary).toBe(true);
    expect(report.stored.bad, summary).toEqual([]);
    expect(report.stored.rows, summary).toBeGreaterThan(10);
    expect(report.preserved, summary).toMatchObject({
      isRowsIdentical: true,
      isSyncIdentical: true,
    });
    expect(report.memory, summary).toMatchObject({
      connectionsLeft: 0,
      roomsLeft: 0,
      isReturned: true,
    });
    // Under heavy load the time limit may cut the barrage short; most of it must still go out.
    expect(report.framesSent, summary).toBeGreaterThan(frames / 2);
    expect(report.failures, summary).toEqual([]);
  }, 60_000);
});

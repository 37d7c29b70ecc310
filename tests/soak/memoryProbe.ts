/**
 * Preloaded into the relay process by the soak (`node --import tsx --import <this file> …`):
 * writes `process.memoryUsage()` (and V8's malloc figures) as one JSON line to stderr every
 * SOAK_PROBE_MS (default 5000), and on SIGUSR2 after a full GC when the process runs with
 * `--expose-gc`. The relay itself knows nothing about it.
 */
import { getHeapStatistics } from 'node:v8';

/** Marks the probe's lines among the relay's own output. */
export const PROBE_TAG = 'soak-memory-probe';

export type ProbeSample = {
  probe: typeof PROBE_TAG;
  /** Epoch ms. */
  at: number;
  /** True for the sample taken right after a forced full GC. */
  afterGc: boolean;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Memory V8 itself allocated with malloc (outside the JS heap), bytes. */
  mallocedMemory: number;
};

const sample = (afterGc: boolean): void => {
  const usage = process.memoryUsage();
  const heap = getHeapStatistics();
  const line: ProbeSample = {
    probe: PROBE_TAG,
    at: Date.now(),
    afterGc,
    rss: usage.rss,
    heapTotal: usage.heapTotal,
    heapUsed: usage.heapUsed,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    mallocedMemory: heap.malloced_memory,
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
};

// Only when preloaded into a process that asked for it, never when a test imports the types.
if (process.env.SOAK_PROBE_MS) {
  const everyMs = Number(process.env.SOAK_PROBE_MS) || 5000;
  setInterval(() => sample(false), everyMs).unref();
  process.on('SIGUSR2', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    sample(gc !== undefined);
  });
}

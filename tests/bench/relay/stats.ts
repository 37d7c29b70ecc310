/** Percentiles of a latency sample, ms. */
export type LatencySummary = {
  samples: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
};

/** Nearest-rank percentiles (and mean, max) of `values`; zeros for an empty sample. */
export function summarize(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { samples: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    samples: sorted.length,
    mean: sum / sorted.length,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: sorted[sorted.length - 1]!,
  };
}

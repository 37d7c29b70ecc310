/** What one shape of the relay benchmark hands back to be printed and written. */
export type ShapeReport = {
  /** File name under bench-results/. */
  file: string;
  /** Tables and notes, printed as they are. */
  lines: string[];
  /** Written to the file, with the run's date, Node version and load average added. */
  json: Record<string, unknown>;
  /** Things that make the run fail (exit code 1), e.g. connected clients that disagree. */
  failures: string[];
};

/** `value` with `digits` decimals. */
export const fixed = (value: number, digits: number): string => value.toFixed(digits);

/**
 * A plain-text table: the first `leftColumns` columns left-aligned (names), the rest
 * right-aligned (figures).
 */
export function textTable(header: string[], rows: string[][], leftColumns = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

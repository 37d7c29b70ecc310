import { execFileSync } from 'node:child_process';

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

/**
 * A Markdown table, padded so it also reads as plain text: the first `leftColumns` columns
 * left-aligned (names), the rest right-aligned (figures).
 */
export function markdownTable(header: string[], rows: string[][], leftColumns = 1): string {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((row) => row[i]!.length)));
  const pad = (c: string, i: number) =>
    i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!);
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = widths.map((w, i) => (i < leftColumns ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`));
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** The commit measured, and whether server/ or shared/ differ from it in the working tree. */
export function codeState(repoRoot: string): { commit: string; uncommittedRelayChanges: string[] } {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
    const status = git('status', '--porcelain', '--', 'server', 'shared');
    return {
      commit: git('rev-parse', '--short', 'HEAD'),
      uncommittedRelayChanges: status ? status.split('\n') : [],
    };
  } catch {
    return { commit: 'unknown', uncommittedRelayChanges: [] };
  }
}

import { beijingParts, type WorkspaceData } from '../model/domain.ts';

/**
 * The years a workspace has records in (meetings held, feedback received, docs listed), up to
 * this year, newest first; and the one to show first: the latest with a record, else this year.
 */
export function recordYears(data: WorkspaceData, now: number): { years: number[]; latest: number } {
  const thisYear = beijingParts(now).year;
  const seen = new Set<number>();
  const add = (at: number | null) => {
    if (at === null || at > now) return;
    seen.add(beijingParts(at).year);
  };
  for (const m of data.minutes) add(m.data.startsAt);
  for (const f of data.feedback) for (const e of f.data.entries) add(e.receivedAt);
  for (const d of data.index.docs) add(d.createdAt);
  const latest = seen.size ? Math.max(...seen) : thisYear;
  const first = seen.size ? Math.min(...seen) : thisYear;
  const years: number[] = [];
  for (let y = thisYear; y >= first; y--) years.push(y);
  return { years, latest };
}

/** The first days of a month in which its report is being compiled for the month before. */
export const REPORT_COMPILING_DAYS = 10;

/**
 * LEDGER-7: the month and quarter a report opens on. In the first ten days of a month the month
 * before (a report is compiled and inspected after its month ends: on 5 December, November's),
 * and in the first ten days of a quarter the quarter before; otherwise the current ones.
 */
export function reportOpening(today: { year: number; month: number; day: number }): {
  month: { year: number; month: number };
  quarter: { year: number; quarter: number };
} {
  const isCompiling = today.day <= REPORT_COMPILING_DAYS;
  const monthIndex = today.year * 12 + today.month - 1 - (isCompiling ? 1 : 0);
  const thisQuarter = Math.ceil(today.month / 3);
  const startsQuarter = today.month === thisQuarter * 3 - 2;
  const quarterIndex = today.year * 4 + thisQuarter - 1 - (isCompiling && startsQuarter ? 1 : 0);
  return {
    month: { year: Math.floor(monthIndex / 12), month: (monthIndex % 12) + 1 },
    quarter: { year: Math.floor(quarterIndex / 4), quarter: (quarterIndex % 4) + 1 },
  };
}

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

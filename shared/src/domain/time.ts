/**
 * Beijing time arithmetic.
 *
 * Storage convention (TIME-1): an *instant* is stored as epoch milliseconds (UTC, an integer);
 * a *calendar day* (a task's due date, a plan's period) is stored as a `YYYY-MM-DD` string that
 * names a day in Beijing time. Periods (week, month, quarter) are computed in Beijing time,
 * which is UTC+8 all year (China has no daylight saving), so a fixed offset is exact and no
 * Intl time-zone data is needed. Weeks start on Monday (ISO 8601).
 */

/** Beijing time (Asia/Shanghai) is UTC+8 with no daylight saving. */
export const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;
export const HOUR_MS = 60 * 60 * 1000;

export type PeriodUnit = 'week' | 'month' | 'quarter' | 'year';

/** A half-open interval of instants `[start, end)` plus a readable key (`2025-W03`, `2025-01`, `2025-Q1`, `2025`). */
export type Period = { unit: PeriodUnit; key: string; start: number; end: number };

/** Wall-clock fields of an instant as read on a clock in Beijing. */
export type BeijingParts = {
  year: number;
  /** 1-12 */
  month: number;
  /** 1-31 */
  day: number;
  hour: number;
  minute: number;
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
};

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Reads an instant on a Beijing clock. */
export function beijingParts(at: number): BeijingParts {
  const d = new Date(at + BEIJING_OFFSET_MS);
  const dow = d.getUTCDay();
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    weekday: dow === 0 ? 7 : dow,
  };
}

/** The instant at which a Beijing wall-clock time occurs. Month is 1-12; fields may overflow (Date.UTC rules). */
export function beijingInstant(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
): number {
  return Date.UTC(year, month - 1, day, hour, minute) - BEIJING_OFFSET_MS;
}

/** The Beijing calendar day (`YYYY-MM-DD`) of an instant: 2025-01-31T23:30Z is `2025-02-01`. */
export function beijingDate(at: number): string {
  const p = beijingParts(at);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** The Beijing calendar day of an instant as a day count (days since 1970-01-01, Beijing). */
export function beijingDayNumber(at: number): number {
  return Math.floor((at + BEIJING_OFFSET_MS) / DAY_MS);
}

/** `YYYY-MM-DD HH:mm` on a Beijing clock, for text that a person reads. */
export function formatBeijing(at: number): string {
  const p = beijingParts(at);
  return `${beijingDate(at)} ${pad(p.hour)}:${pad(p.minute)}`;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `s` is a real calendar day written `YYYY-MM-DD`. */
export function isCalendarDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** The instant a Beijing calendar day starts (00:00 Beijing = 16:00 UTC the day before). */
export function startOfBeijingDate(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m || !isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  return beijingInstant(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** The instant a Beijing calendar day ends (exclusive): a task due `2025-03-01` is late from this instant. */
export function endOfBeijingDate(date: string): number {
  return startOfBeijingDate(date) + DAY_MS;
}

/**
 * The last instant of a Beijing calendar day: a due day set by hand (a feedback entry's 办理时限)
 * reads as that day and is overdue from the next day's first instant (AGE-1).
 */
export function lastInstantOfBeijingDate(date: string): number {
  return endOfBeijingDate(date) - 1;
}

/**
 * The instant to record for something received on Beijing calendar day `date`, as judged at
 * `now`, at the Beijing `time` ("HH:MM") when the person gave one (TIME-1). Without a time,
 * today is `now` itself, so a morning entry is never stamped in the future (ledgers count only
 * what has happened by their "as of" time), and another day is its noon, the middle of the day
 * the person chose. A time later than `now` is stamped `now`. (A feedback entry refuses a day
 * still to come: `receivedAtOfDay`.)
 */
export function receivedInstantOf(date: string, now: number, time = ''): number {
  const start = startOfBeijingDate(date);
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (m) return Math.min(start + Number(m[1]) * HOUR_MS + Number(m[2]) * 60_000, now);
  if (now >= start && now < start + DAY_MS) return now;
  return start + DAY_MS / 2;
}

/** Adds whole days to a calendar day. */
export function addDays(date: string, days: number): string {
  return beijingDate(startOfBeijingDate(date) + days * DAY_MS);
}

/** The Monday-start week, the month, the quarter or the year (Beijing time) that contains an instant. */
export function periodOf(unit: PeriodUnit, at: number): Period {
  const p = beijingParts(at);
  if (unit === 'year') {
    return {
      unit,
      key: pad(p.year, 4),
      start: beijingInstant(p.year, 1, 1),
      end: beijingInstant(p.year + 1, 1, 1),
    };
  }
  if (unit === 'week') {
    const start = beijingInstant(p.year, p.month, p.day - (p.weekday - 1));
    const { year, week } = isoWeek(start);
    return { unit, key: `${year}-W${pad(week)}`, start, end: start + 7 * DAY_MS };
  }
  if (unit === 'month') {
    return {
      unit,
      key: `${p.year}-${pad(p.month)}`,
      start: beijingInstant(p.year, p.month, 1),
      end: beijingInstant(p.year, p.month + 1, 1),
    };
  }
  const q = Math.floor((p.month - 1) / 3);
  return {
    unit,
    key: `${p.year}-Q${q + 1}`,
    start: beijingInstant(p.year, q * 3 + 1, 1),
    end: beijingInstant(p.year, q * 3 + 4, 1),
  };
}

/** ISO week-numbering year and week of the Beijing day containing `at`. */
function isoWeek(at: number): { year: number; week: number } {
  const p = beijingParts(at);
  // The ISO week belongs to the year of its Thursday.
  const thursday = new Date(Date.UTC(p.year, p.month - 1, p.day + (4 - p.weekday)));
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / DAY_MS / 7) + 1;
  return { year, week };
}

/** The period that follows `period`. */
export function nextPeriod(period: Period): Period {
  return periodOf(period.unit, period.end);
}

/** Every period of `unit` that overlaps `[from, to)`, in order. */
export function periodsBetween(unit: PeriodUnit, from: number, to: number): Period[] {
  const out: Period[] = [];
  if (to <= from) return out;
  for (let p = periodOf(unit, from); p.start < to; p = nextPeriod(p)) out.push(p);
  return out;
}

/** The Beijing month `YYYY-MM` (month 1-12) as a period. */
export function monthPeriod(year: number, month: number): Period {
  return periodOf('month', beijingInstant(year, month, 1));
}

/** The Beijing quarter `YYYY-Qn` (quarter 1-4) as a period. */
export function quarterPeriod(year: number, quarter: number): Period {
  return periodOf('quarter', beijingInstant(year, (quarter - 1) * 3 + 1, 1));
}

/** The Beijing year as a period. */
export function yearPeriod(year: number): Period {
  return periodOf('year', beijingInstant(year, 1, 1));
}

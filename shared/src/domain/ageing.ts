/**
 * Feedback ageing and the monthly ledger report (台账) for the township. Pure functions over
 * `FeedbackEntry` plain data; months are cut at Beijing midnight.
 *
 * Rules (SPEC.md):
 * - AGE-1 an entry's due instant is its explicit `dueAt`, else `receivedAt` plus the urgency's
 *   allowance: urgent 1 day, normal 7 days, low 30 days.
 * - AGE-2 flags: `overdue-unresolved` when not yet resolved at or after the due instant;
 *   `not-answered-back` when resolved but not answered back within the grace period (default
 *   3 days) after it was resolved. Flagged entries are listed most overdue first.
 * - AGE-3 an entry's resolution time is when it last became resolved (or answered back) and
 *   stayed so: a reopened entry's clock restarts.
 * - AGE-4 the monthly summary counts entries received in the Beijing month by category and by
 *   their status at the month's end, the entries resolved in the month with the median days from
 *   receipt to resolution, and all entries still open (or overdue) at the month's end,
 *   including those carried over from earlier months.
 * - AGE-5 `feedbackSummary` counts the same figures for any period (a quarter for a 季报): the
 *   median is taken over the period's resolutions, not averaged over months.
 * - AGE-6 an entry resolved after its due instant was resolved late (逾期办结), by the time from
 *   the due instant to its resolution (AGE-3); the summaries count the period's late
 *   resolutions among its resolutions.
 */
import { statusAt } from './feedback.ts';
import {
  type AgeingFlag,
  FEEDBACK_CATEGORIES,
  FEEDBACK_STATUSES,
  type FeedbackCategory,
  type FeedbackEntry,
  type FeedbackStatus,
  type Urgency,
} from './schema.ts';
import { DAY_MS, monthPeriod, type Period } from './time.ts';

/** How long each urgency allows before an entry is overdue (AGE-1). */
export const URGENCY_ALLOWANCE_MS: Readonly<Record<Urgency, number>> = {
  urgent: DAY_MS,
  normal: 7 * DAY_MS,
  low: 30 * DAY_MS,
};

/** Default time allowed between resolving an entry and answering back (AGE-2). */
export const ANSWER_BACK_GRACE_MS = 3 * DAY_MS;

const RESOLVED_RANK = FEEDBACK_STATUSES.indexOf('resolved');
const isClosed = (s: FeedbackStatus | null) =>
  s !== null && FEEDBACK_STATUSES.indexOf(s) >= RESOLVED_RANK;

/** The entry's due instant (AGE-1). */
export function dueAtOf(entry: Pick<FeedbackEntry, 'dueAt' | 'receivedAt' | 'urgency'>): number {
  return entry.dueAt ?? entry.receivedAt + URGENCY_ALLOWANCE_MS[entry.urgency];
}

/**
 * When the entry became resolved and stayed so, as of `asOf` (AGE-3); null if it is not
 * resolved (or answered back) at `asOf`.
 */
export function resolvedAtOf(
  entry: FeedbackEntry,
  asOf: number = Number.POSITIVE_INFINITY,
): number | null {
  if (!isClosed(statusAt(entry, asOf))) return null;
  const instants = [
    ...new Set(entry.transitions.filter((t) => t.at <= asOf).map((t) => t.at)),
  ].sort((a, b) => a - b);
  let since: number | null = null;
  for (const at of instants) {
    const closed = isClosed(statusAt(entry, at));
    if (closed && since === null) since = at;
    else if (!closed) since = null;
  }
  return since;
}

/**
 * How late the entry was resolved, in ms, as of `asOf` (AGE-6): from its due instant to its
 * resolution (AGE-3); null when it is not resolved then or was resolved by its due instant.
 */
export function resolvedLateMsOf(
  entry: FeedbackEntry,
  asOf: number = Number.POSITIVE_INFINITY,
): number | null {
  const resolvedAt = resolvedAtOf(entry, asOf);
  if (resolvedAt === null) return null;
  const late = resolvedAt - dueAtOf(entry);
  return late > 0 ? late : null;
}

export type AgeingItem = {
  entryId: string;
  flag: AgeingFlag;
  status: FeedbackStatus;
  /** The due instant (overdue-unresolved) or the answer-back deadline (not-answered-back). */
  deadline: number;
  /** How far past the deadline, in ms. */
  overdueMs: number;
};

/** Entries that need a reviewer's eye at `now` (AGE-2), most overdue first. */
export function ageFeedback(
  entries: readonly FeedbackEntry[],
  now: number,
  options: {
    /** Grace period for answering back; default `ANSWER_BACK_GRACE_MS`. */
    answerBackGraceMs?: number;
  } = {},
): AgeingItem[] {
  const grace = options.answerBackGraceMs ?? ANSWER_BACK_GRACE_MS;
  const out: AgeingItem[] = [];
  for (const e of entries) {
    const status = statusAt(e, now);
    if (status === null) continue;
    if (!isClosed(status)) {
      const due = dueAtOf(e);
      if (now >= due) {
        out.push({
          entryId: e.id,
          flag: 'overdue-unresolved',
          status,
          deadline: due,
          overdueMs: now - due,
        });
      }
    } else if (status === 'resolved') {
      const resolvedAt = resolvedAtOf(e, now) ?? now;
      const deadline = resolvedAt + grace;
      if (now >= deadline) {
        out.push({
          entryId: e.id,
          flag: 'not-answered-back',
          status,
          deadline,
          overdueMs: now - deadline,
        });
      }
    }
  }
  return out.sort((a, b) => b.overdueMs - a.overdueMs || (a.entryId < b.entryId ? -1 : 1));
}

export type MonthlySummary = {
  /** `YYYY-MM`, Beijing time. */
  month: string;
  period: Period;
  /** Entries received in the month. */
  received: number;
  byCategory: Record<FeedbackCategory, number>;
  /** Entries received in the month, by their status at the month's end. */
  byStatus: Record<FeedbackStatus, number>;
  /** Entries (received any time) that became resolved during the month. */
  resolvedInMonth: number;
  /** Of those, how many were resolved after their due instant (AGE-6). */
  resolvedLateInMonth: number;
  /** Median days from receipt to resolution of those, to one decimal; null when none. */
  medianDaysToResolve: number | null;
  /** Entries received up to the month's end and still not resolved then (carried over included). */
  openAtMonthEnd: number;
  /** Of those, how many were past their due instant at the month's end. */
  overdueAtMonthEnd: number;
};

function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The monthly report for the township (AGE-4); `month` is 1-12. */
export function monthlySummary(
  entries: readonly FeedbackEntry[],
  year: number,
  month: number,
): MonthlySummary {
  const period = monthPeriod(year, month);
  const s = feedbackSummary(entries, period);
  return {
    month: period.key,
    period,
    received: s.received,
    byCategory: s.byCategory,
    byStatus: s.byStatus,
    resolvedInMonth: s.resolvedInPeriod,
    resolvedLateInMonth: s.resolvedLateInPeriod,
    medianDaysToResolve: s.medianDaysToResolve,
    openAtMonthEnd: s.openAtEnd,
    overdueAtMonthEnd: s.overdueAtEnd,
  };
}

/** The AGE-4 figures for any period (AGE-5). */
export type FeedbackSummary = {
  period: Period;
  /** Entries received in the period. */
  received: number;
  byCategory: Record<FeedbackCategory, number>;
  /** Entries received in the period, by their status at its end. */
  byStatus: Record<FeedbackStatus, number>;
  /** Entries (received any time) that became resolved during the period. */
  resolvedInPeriod: number;
  /** Of those, how many were resolved after their due instant (AGE-6). */
  resolvedLateInPeriod: number;
  /** Median days from receipt to resolution of those, to one decimal; null when none. */
  medianDaysToResolve: number | null;
  /** Entries received up to the period's end and still not resolved then (carried over included). */
  openAtEnd: number;
  /** Of those, how many were past their due instant at the period's end. */
  overdueAtEnd: number;
};

/**
 * The feedback figures of a period: a month, a quarter (AGE-4, AGE-5). A period not over at
 * `asOf` (the report's now) is judged at `asOf`, not at its end: what is open and overdue now,
 * not what will be overdue by the end if nothing moves; one not begun by then has no figures.
 */
export function feedbackSummary(
  entries: readonly FeedbackEntry[],
  period: Period,
  asOf: number = period.end,
): FeedbackSummary {
  const cut = Math.min(asOf, period.end);
  const lastInstant = cut - 1;
  const byCategory = Object.fromEntries(FEEDBACK_CATEGORIES.map((c) => [c, 0])) as Record<
    FeedbackCategory,
    number
  >;
  const byStatus = Object.fromEntries(FEEDBACK_STATUSES.map((s) => [s, 0])) as Record<
    FeedbackStatus,
    number
  >;
  let received = 0;
  let openAtMonthEnd = 0;
  let overdueAtMonthEnd = 0;
  const resolveDays: number[] = [];
  let resolvedLate = 0;
  for (const e of entries) {
    if (e.receivedAt >= cut || cut <= period.start) continue;
    const endStatus = statusAt(e, lastInstant);
    if (e.receivedAt >= period.start) {
      received++;
      byCategory[e.category]++;
      if (endStatus) byStatus[endStatus]++;
    }
    if (!isClosed(endStatus)) {
      openAtMonthEnd++;
      if (dueAtOf(e) <= lastInstant) overdueAtMonthEnd++;
    } else {
      const resolvedAt = resolvedAtOf(e, lastInstant);
      if (resolvedAt !== null && resolvedAt >= period.start) {
        resolveDays.push((resolvedAt - e.receivedAt) / DAY_MS);
        if (resolvedAt > dueAtOf(e)) resolvedLate++;
      }
    }
  }
  const med = median(resolveDays);
  return {
    period,
    received,
    byCategory,
    byStatus,
    resolvedInPeriod: resolveDays.length,
    resolvedLateInPeriod: resolvedLate,
    medianDaysToResolve: med === null ? null : Math.round(med * 10) / 10,
    openAtEnd: openAtMonthEnd,
    overdueAtEnd: overdueAtMonthEnd,
  };
}

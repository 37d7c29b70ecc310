/**
 * The ledgers (台账) and the township report (月报 / 季报) as plain data: what screens, print and
 * spreadsheet exports show. Every figure in them is computed here from the documents, never in a
 * view, so a printed ledger and the screen always agree.
 *
 * Rules (SPEC.md):
 * - LEDGER-1 `meetingLedger` lists every required meeting period of the span by type (and by
 *   party group, CAD-6): the meetings held there with their 应到/实到/缺席, whether it was missed,
 *   whether it went above the rhythm; totals per type and group; the meetings without a rhythm;
 *   and, for a year, whether the secretary gave a 党课 (CAD-7).
 * - LEDGER-2 `feedbackLedger` lists every entry (received in the span when given) in the order
 *   received, with its status history, relays, responses, days open and overdue marks (AGE-1…3).
 * - LEDGER-3 `townshipReport` for a month or a quarter: the feedback figures (AGE-4, AGE-5), the
 *   三会一课 compliance of the period, plan progress per phase (PLAN-6), and every 四议两公开 case
 *   with its step trace (DEC-1…6).
 * - LEDGER-4 ledgers and reports are judged at an explicit `now` (default: the span's end) and are
 *   plain, serialisable data: the same documents and `now` give the same figures.
 */
import type * as Y from 'yjs';
import {
  ANSWER_BACK_GRACE_MS,
  ageFeedback,
  dueAtOf,
  feedbackSummary,
  resolvedAtOf,
  resolvedLateMsOf,
} from './ageing.ts';
import {
  cadenceReport,
  type HeldMeeting,
  heldMeetings,
  isCadenceMeetingType,
  type SecretaryLectures,
  secretaryLectures,
} from './cadence.ts';
import { type DecisionTrace, traceDecisionCase } from './decision.ts';
import { statusAt } from './feedback.ts';
import { kindInfo } from './kinds.ts';
import { planProgress, taskOverdueDays } from './plan.ts';
import { meetingAttendance, meetingQuorumMet } from './quorum.ts';
import { ROSTER_DOC_ID } from './roster.ts';
import {
  AGEING_FLAGS,
  type AgeingFlag,
  type CadenceMeetingType,
  type CadenceSetting,
  type CadenceState,
  FEEDBACK_STATUSES,
  type FeedbackCategory,
  type FeedbackEntry,
  type FeedbackLogData,
  type FeedbackStatus,
  type IndexData,
  type MeetingType,
  type MinutesData,
  type MinutesState,
  type PlanData,
  type RosterData,
} from './schema.ts';
import {
  beijingDate,
  beijingDayNumber,
  DAY_MS,
  monthPeriod,
  type Period,
  quarterPeriod,
  yearPeriod,
} from './time.ts';

/** A span a ledger or report covers: a year, a quarter (1-4) or a month (1-12), Beijing time. */
export type ReportSpan =
  | { year: number; quarter?: undefined; month?: undefined }
  | { year: number; quarter: number; month?: undefined }
  | { year: number; month: number; quarter?: undefined };

/** The period of a span. */
export function spanPeriod(span: ReportSpan): Period {
  if (span.month !== undefined) return monthPeriod(span.year, span.month);
  if (span.quarter !== undefined) return quarterPeriod(span.year, span.quarter);
  return yearPeriod(span.year);
}

type Record_ = { docId: string; data: MinutesData };

// ---------------------------------------------------------------------------------------------
// 三会一课 台账 (LEDGER-1)
// ---------------------------------------------------------------------------------------------

/** One meeting as a ledger lists it. */
export type LedgerMeeting = {
  docId: string;
  meetingType: MeetingType;
  title: string;
  startsAt: number;
  /** Beijing calendar day of the meeting. */
  date: string;
  place: string;
  state: MinutesState;
  groupId: string | null;
  chair: string | null;
  lecturer: string | null;
  /** 应到 / 实到 / 缺席 (MIN-10, MIN-11). */
  expected: number;
  present: number;
  absent: number;
  /** Votes held, and how many passed by the rules (VOTE-1…4). */
  votes: number;
  /**
   * False when a meeting with a quorum rule had fewer of its voting members present than the rule
   * asks (VOTE-8): listed, and marked; null when there is no rule or nothing to judge it by.
   */
  quorumMet: boolean | null;
};

export type MeetingLedgerRow = {
  meetingType: CadenceMeetingType;
  groupId: string | null;
  /** The party group's name (CAD-6); null for other rules. */
  groupName: string | null;
  period: Period;
  /** Meetings the rule requires in the period; null when it ended before the start (LEDGER-9). */
  required: number | null;
  held: LedgerMeeting[];
  state: CadenceState;
  /**
   * True when the period ended without the required meetings, after the workspace began
   * (`startedAt`).
   */
  missed: boolean;
  /**
   * True when the period ended short before the workspace began (开始使用前): the app holds no
   * record of that time, so it is not counted, neither as required nor as missed.
   */
  beforeStart: boolean;
  aboveMax: boolean;
};

export type MeetingLedgerTotal = {
  meetingType: CadenceMeetingType;
  groupId: string | null;
  groupName: string | null;
  /**
   * Required periods of the span (a week by its Thursday, LEDGER-5), those before the workspace
   * began and short of meetings left out (`beforeStart`).
   */
  periods: number;
  done: number;
  /** Held, but with records still in draft (CAD-9). */
  unconfirmed: number;
  missed: number;
  /** Periods under way or not begun at `now`. */
  open: number;
  /** Periods that ended short before the workspace began: not counted (开始使用前). */
  beforeStart: number;
  aboveMax: number;
  meetings: number;
};

export type MeetingLedger = {
  span: Period;
  now: number;
  /** When the workspace began, as given (`startedAt`); null when not given. */
  startedAt: number | null;
  rows: MeetingLedgerRow[];
  totals: MeetingLedgerTotal[];
  /** Meetings without a required rhythm held in the span (村民会议, 两委联席会议, other). */
  otherMeetings: LedgerMeeting[];
  /** For a year: did the branch secretary give a 党课 (CAD-7)? Null without a roster or for a shorter span. */
  secretaryLectures: SecretaryLectures | null;
};

function ledgerMeeting(r: Record_, roster: RosterData | null): LedgerMeeting {
  const { data } = r;
  const count = meetingAttendance(data, roster);
  return {
    docId: r.docId,
    meetingType: data.meetingType,
    title: data.title,
    startsAt: data.startsAt ?? 0,
    date: data.startsAt === null ? '' : beijingDate(data.startsAt),
    place: data.place,
    state: data.state,
    groupId: data.groupId,
    chair: data.chair?.name ?? null,
    lecturer: data.lecturer?.name ?? null,
    expected: count.expectedCount,
    present: count.presentCount,
    absent: count.absentCount,
    votes: data.votes.length,
    quorumMet: meetingQuorumMet(data, roster),
  };
}

/**
 * When a workspace began to be used, as far as its records say (LEDGER-9, CAD-5): the creation
 * of its first listed record (archived ones too); null when it lists none yet.
 */
export function workspaceStartedAt(index: Pick<IndexData, 'docs'>): number | null {
  const times = index.docs.map((d) => d.createdAt).filter((at) => at > 0);
  return times.length ? Math.min(...times) : null;
}

/**
 * The 三会一课 台账 of a year or a quarter (LEDGER-1): every required period by type and group,
 * held (with the records), missed, above the rhythm. `now` defaults to the span's end.
 */
export function meetingLedger(
  records: readonly Record_[],
  cadence: CadenceSetting,
  roster: RosterData | null,
  span: ReportSpan,
  options: {
    /** Judge at this instant; default the span's end. */
    now?: number;
    /** Count only finalised records (CAD-4); default false. */
    finalOnly?: boolean;
    /**
     * When the workspace began (`workspaceStartedAt`): a period that ended by then without its
     * meetings is `beforeStart`, not missed (LEDGER-9); default none, every period counts.
     */
    startedAt?: number;
  } = {},
): MeetingLedger {
  const period = spanPeriod(span);
  const now = options.now ?? period.end;
  const held: HeldMeeting[] = heldMeetings(records, { finalOnly: options.finalOnly });
  const byId = new Map(records.map((r) => [r.docId, r]));
  const groups = roster?.groups;
  const groupName = new Map((groups ?? []).map((g) => [g.id, g.name]));
  // LEDGER-5: a week that crosses the span's edge belongs to the span holding its Thursday (as
  // an ISO week belongs to a year), so no week and no meeting is in two years or two quarters.
  // Months, quarters and years never cross a span's edge: they are in it or hold it.
  const inSpan = (p: Period) =>
    p.unit !== 'week' ||
    (p.start + 3 * DAY_MS >= period.start && p.start + 3 * DAY_MS < period.end);
  const report = cadenceReport(
    cadence,
    held,
    { from: period.start, to: period.end, now },
    groups ? { groups } : {},
  ).filter((s) => inSpan(s.period));
  const startedAt = options.startedAt ?? Number.NEGATIVE_INFINITY;
  const rows: MeetingLedgerRow[] = report.map((s) => {
    const beforeStart = s.state === 'overdue' && s.period.end <= startedAt;
    return {
      meetingType: s.meetingType,
      groupId: s.groupId,
      groupName: s.groupId === null ? null : (groupName.get(s.groupId) ?? null),
      period: s.period,
      // Not required (LEDGER-9): the screen, the print and the Excel file say 0/—, not 0/1.
      required: beforeStart ? null : s.required,
      held: s.meetings.map((id) => ledgerMeeting(byId.get(id)!, roster)),
      state: s.state,
      missed: s.state === 'overdue' && !beforeStart,
      beforeStart,
      aboveMax: s.aboveMax,
    };
  });
  const totals = new Map<string, MeetingLedgerTotal>();
  for (const row of rows) {
    const key = `${row.meetingType}~${row.groupId ?? ''}`;
    const t = totals.get(key) ?? {
      meetingType: row.meetingType,
      groupId: row.groupId,
      groupName: row.groupName,
      periods: 0,
      done: 0,
      unconfirmed: 0,
      missed: 0,
      open: 0,
      beforeStart: 0,
      aboveMax: 0,
      meetings: 0,
    };
    if (row.beforeStart) t.beforeStart++;
    else {
      t.periods++;
      if (row.state === 'done') t.done++;
      else if (row.state === 'unconfirmed') t.unconfirmed++;
      else if (row.missed) t.missed++;
      else t.open++;
    }
    if (row.aboveMax) t.aboveMax++;
    t.meetings += row.held.length;
    totals.set(key, t);
  }
  const otherMeetings = held
    .filter(
      (m) =>
        !isCadenceMeetingType(m.meetingType) &&
        m.startsAt >= period.start &&
        m.startsAt < period.end,
    )
    .sort((a, b) => a.startsAt - b.startsAt || (a.docId < b.docId ? -1 : 1))
    .map((m) => ledgerMeeting(byId.get(m.docId)!, roster));
  const isYear = span.month === undefined && span.quarter === undefined;
  return {
    span: period,
    now,
    startedAt: options.startedAt ?? null,
    rows,
    totals: [...totals.values()],
    otherMeetings,
    secretaryLectures: isYear && roster ? secretaryLectures(held, roster, span.year) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// 民情日志 台账 (LEDGER-2)
// ---------------------------------------------------------------------------------------------

export type FeedbackLedgerFilters = {
  /** Judge statuses, days open and overdue marks at this instant. */
  now: number;
  /** Only entries received in this span (Beijing); default every entry received by `now`. */
  span?: ReportSpan;
  statuses?: readonly FeedbackStatus[];
  categories?: readonly FeedbackCategory[];
  /** Only entries with a mark: overdue now (AGE-2) or resolved late (AGE-6). */
  flaggedOnly?: boolean;
  /** Grace period for answering back (AGE-2); default `ANSWER_BACK_GRACE_MS`. */
  answerBackGraceMs?: number;
};

export type FeedbackLedgerRow = {
  /** 序号, in the order received. */
  no: number;
  entryId: string;
  receivedAt: number;
  receivedDate: string;
  source: string | null;
  channel: FeedbackEntry['channel'];
  category: FeedbackCategory;
  summary: string;
  urgency: FeedbackEntry['urgency'];
  recordedBy: string | null;
  /** Status at `now`. */
  status: FeedbackStatus;
  /** Every status change up to `now`, in time order (FB-2, FB-3). */
  statusHistory: { to: FeedbackStatus; at: number; by: string | null; note: string }[];
  relays: { to: string; at: number; by: string | null; note: string }[];
  responses: { at: number; by: string | null; text: string }[];
  /** The due instant (AGE-1). */
  dueAt: number;
  /** When it became resolved and stayed so (AGE-3), at `now`; null when open. */
  resolvedAt: number | null;
  /** Days from receipt to resolution, or to `now` when open (`ledgerDays`). */
  daysOpen: number;
  /** Overdue marks at `now` (AGE-2). */
  flags: AgeingFlag[];
  /** Days past the deadline of the first mark (`ledgerDays`); null when none. */
  overdueDays: number | null;
  /** Days from the due instant to the resolution when resolved late (AGE-6, `ledgerDays`), else null. */
  resolvedLateDays: number | null;
};

export type FeedbackLedger = {
  /** The span filtered on, or null for every entry. */
  span: Period | null;
  now: number;
  rows: FeedbackLedgerRow[];
  totals: {
    entries: number;
    byStatus: Record<FeedbackStatus, number>;
    /** Rows with an overdue mark now (AGE-2). */
    flagged: number;
    /** Rows by each overdue mark (AGE-2). */
    byFlag: Record<AgeingFlag, number>;
    /** Rows resolved late (AGE-6). */
    resolvedLate: number;
  };
};

/**
 * The days from `from` to a later `to` as the 台账 counts them (LEDGER-2), and every screen, print
 * and export with it (days overdue, late, open): Beijing calendar days, the day of `to` less the
 * day of `from`, whatever the hours (due 11-27, on 12-05 it is 8 days at any hour of 12-05), a
 * part of a day counted as one (不足一日按一日计): past `from` on its own day is 1 day, never 0.
 * 0 when `to` is not after `from`.
 */
export function ledgerDays(from: number, to: number): number {
  if (to <= from) return 0;
  return Math.max(1, beijingDayNumber(to) - beijingDayNumber(from));
}

/** The 民情日志 台账 (LEDGER-2): every entry with its history, in the order received. */
export function feedbackLedger(
  log: Pick<FeedbackLogData, 'entries'> | readonly FeedbackEntry[],
  filters: FeedbackLedgerFilters,
): FeedbackLedger {
  const all = Array.isArray(log)
    ? (log as readonly FeedbackEntry[])
    : (log as FeedbackLogData).entries;
  const { now } = filters;
  const span = filters.span ? spanPeriod(filters.span) : null;
  const flagsOf = new Map<string, { flag: AgeingFlag; deadline: number }[]>();
  for (const a of ageFeedback(all, now, {
    answerBackGraceMs: filters.answerBackGraceMs ?? ANSWER_BACK_GRACE_MS,
  })) {
    const list = flagsOf.get(a.entryId) ?? [];
    list.push({ flag: a.flag, deadline: a.deadline });
    flagsOf.set(a.entryId, list);
  }
  const byStatus = Object.fromEntries(FEEDBACK_STATUSES.map((s) => [s, 0])) as Record<
    FeedbackStatus,
    number
  >;
  const entries = all
    .filter((e) => e.receivedAt <= now)
    .filter((e) => !span || (e.receivedAt >= span.start && e.receivedAt < span.end))
    .sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : 1));
  const rows: FeedbackLedgerRow[] = [];
  for (const e of entries) {
    const status = statusAt(e, now) ?? 'received';
    const flags = flagsOf.get(e.id) ?? [];
    const lateMs = resolvedLateMsOf(e, now);
    if (filters.statuses && !filters.statuses.includes(status)) continue;
    if (filters.categories && !filters.categories.includes(e.category)) continue;
    if (filters.flaggedOnly && flags.length === 0 && lateMs === null) continue;
    const resolvedAt = resolvedAtOf(e, now);
    byStatus[status]++;
    rows.push({
      no: rows.length + 1,
      entryId: e.id,
      receivedAt: e.receivedAt,
      receivedDate: beijingDate(e.receivedAt),
      source: e.source,
      channel: e.channel,
      category: e.category,
      summary: e.summary,
      urgency: e.urgency,
      recordedBy: e.recordedBy?.name ?? null,
      status,
      statusHistory: e.transitions
        .filter((t) => t.at <= now)
        .map((t, i) => ({ t, i }))
        .sort((a, b) => a.t.at - b.t.at || a.i - b.i)
        .map(({ t }) => ({ to: t.to, at: t.at, by: t.by?.name ?? null, note: t.note })),
      relays: e.relays
        .filter((r) => r.at <= now)
        .map((r) => ({ to: r.to, at: r.at, by: r.by?.name ?? null, note: r.note })),
      responses: e.responses
        .filter((r) => r.at <= now)
        .map((r) => ({ at: r.at, by: r.by?.name ?? null, text: r.text })),
      dueAt: dueAtOf(e),
      resolvedAt,
      daysOpen: ledgerDays(e.receivedAt, resolvedAt ?? now),
      flags: flags.map((f) => f.flag),
      overdueDays: flags.length ? ledgerDays(flags[0]!.deadline, now) : null,
      resolvedLateDays:
        lateMs === null || resolvedAt === null ? null : ledgerDays(dueAtOf(e), resolvedAt),
    });
  }
  return {
    span,
    now,
    rows,
    totals: {
      entries: rows.length,
      byStatus,
      flagged: rows.filter((r) => r.flags.length > 0).length,
      byFlag: Object.fromEntries(
        AGEING_FLAGS.map((f) => [f, rows.filter((r) => r.flags.includes(f)).length]),
      ) as Record<AgeingFlag, number>,
      resolvedLate: rows.filter((r) => r.resolvedLateDays !== null).length,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The township report (LEDGER-3)
// ---------------------------------------------------------------------------------------------

/** Everything a report reads: the plain data of a workspace's docs. */
export type WorkspaceData = {
  index: IndexData;
  roster: RosterData | null;
  plans: { docId: string; data: PlanData }[];
  minutes: { docId: string; data: MinutesData }[];
  feedback: { docId: string; data: FeedbackLogData }[];
};

/**
 * Reads a workspace's docs by the kinds the index lists them under (KIND-1): archived docs are
 * left out, docs not at hand are skipped, the roster is found by its fixed id.
 */
export function readWorkspace(
  indexDoc: Y.Doc,
  docs: Iterable<{ id: string; doc: Y.Doc }>,
): WorkspaceData {
  const index = kindInfo('index').read(indexDoc);
  const byId = new Map<string, Y.Doc>();
  for (const d of docs) byId.set(d.id, d.doc);
  const out: WorkspaceData = { index, roster: null, plans: [], minutes: [], feedback: [] };
  for (const entry of index.docs) {
    const doc = byId.get(entry.id);
    if (!doc || entry.archived) continue;
    const docId = entry.id;
    switch (entry.kind) {
      case 'plan':
        out.plans.push({ docId, data: kindInfo('plan').read(doc) });
        break;
      case 'minutes':
        out.minutes.push({ docId, data: kindInfo('minutes').read(doc) });
        break;
      case 'feedback':
        out.feedback.push({ docId, data: kindInfo('feedback').read(doc) });
        break;
      case 'roster':
        // One roster per workspace; its fixed id wins over any other listed by mistake.
        if (out.roster === null || docId === ROSTER_DOC_ID)
          out.roster = kindInfo('roster').read(doc);
        break;
      default:
        unreachable(entry.kind);
    }
  }
  return out;
}

export type PlanReport = {
  docId: string;
  title: string;
  phases: {
    phaseId: string | null;
    title: string;
    total: number;
    done: number;
    ratio: number;
    /** Open tasks past their due day at `now`. */
    overdue: number;
  }[];
};

export type TownshipReport = {
  workspace: string;
  span: Period;
  now: number;
  feedback: {
    /** The span's figures (AGE-4, AGE-5). */
    summary: ReturnType<typeof feedbackSummary>;
    /** Each month of the span. */
    months: ReturnType<typeof feedbackSummary>[];
  };
  /** 三会一课 (and the rest of the rhythm) in the span: totals per type and group, and the rows. */
  meetings: Pick<MeetingLedger, 'rows' | 'totals' | 'otherMeetings'> & {
    required: number;
    done: number;
    /** Held, with records still in draft (CAD-9). */
    unconfirmed: number;
    missed: number;
    /** Periods still running or not begun at `now`: neither held on time nor missed yet. */
    open: number;
  };
  plans: PlanReport[];
  decisions: DecisionTrace[];
};

/**
 * The monthly or quarterly report to the township (LEDGER-3): feedback figures, meeting
 * compliance, plan progress per phase and the 四议两公开 cases with their step traces.
 */
export function townshipReport(
  workspace: WorkspaceData,
  span: ReportSpan,
  options: { now?: number } = {},
): TownshipReport {
  const period = spanPeriod(span);
  const now = options.now ?? period.end;
  const entries = workspace.feedback.flatMap((f) => f.data.entries);
  const months: Period[] = [];
  for (let p = monthPeriod(...yearMonth(period.start)); p.start < period.end; ) {
    months.push(p);
    p = monthPeriod(...yearMonth(p.end));
  }
  const ledger = meetingLedger(workspace.minutes, workspace.index.cadence, workspace.roster, span, {
    now,
    startedAt: workspaceStartedAt(workspace.index) ?? now,
  });
  const plans: PlanReport[] = workspace.plans.map(({ docId, data }) => {
    const progress = planProgress(data);
    return {
      docId,
      title: data.title,
      phases: progress.map((p) => {
        const phase = p.phaseId === null ? null : data.phases.find((x) => x.id === p.phaseId);
        const tasks = phase ? phase.tasks : data.unassigned;
        return {
          phaseId: p.phaseId,
          title: phase?.title ?? '',
          total: p.total,
          done: p.done,
          ratio: p.ratio,
          overdue: tasks.filter((t) => taskOverdueDays(t, now) > 0).length,
        };
      }),
    };
  });
  const decisions = workspace.index.cases
    .filter((c) => c.createdAt < period.end)
    .map((c) => traceDecisionCase(c, workspace.minutes, workspace.roster, now));
  return {
    workspace: workspace.index.name,
    span: period,
    now,
    feedback: {
      summary: feedbackSummary(entries, period, now),
      months: months.map((m) => feedbackSummary(entries, m, now)),
    },
    meetings: {
      rows: ledger.rows,
      totals: ledger.totals,
      otherMeetings: ledger.otherMeetings,
      required: ledger.rows.filter((r) => !r.beforeStart).length,
      done: ledger.rows.filter((r) => r.state === 'done').length,
      unconfirmed: ledger.rows.filter((r) => r.state === 'unconfirmed').length,
      missed: ledger.rows.filter((r) => r.missed).length,
      open: ledger.rows.filter(
        (r) => r.state !== 'done' && r.state !== 'unconfirmed' && !r.missed && !r.beforeStart,
      ).length,
    },
    plans,
    decisions,
  };
}

/** A kind added to `DOC_KINDS` without a case above fails to compile here (KIND-1). */
function unreachable(kind: never): never {
  throw new Error(`unhandled document kind ${String(kind)}`);
}

function yearMonth(at: number): [number, number] {
  const [y, m] = beijingDate(at).split('-');
  return [Number(y), Number(m)];
}

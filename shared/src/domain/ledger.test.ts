import { describe, expect, it } from 'vitest';
import { ageFeedback, dueAtOf, monthlySummary } from './ageing.ts';
import { cadencePreset } from './cadence.ts';
import { createDemoVillage } from './demo.ts';
import { createDoc } from './doc.ts';
import { addEntry, initFeedbackLog, readFeedbackLog } from './feedback.ts';
import { addDocEntry, archiveDoc, initIndex, readIndex } from './index-doc.ts';
import {
  feedbackLedger,
  ledgerDays,
  meetingLedger,
  readWorkspace,
  spanPeriod,
  townshipReport,
  workspaceStartedAt,
} from './ledger.ts';
import { finaliseMinutes, initMinutes, readMinutes } from './minutes.ts';
import { meetingAttendance, meetingQuorumMet } from './quorum.ts';
import { beijingDate, beijingInstant } from './time.ts';

const demo = createDemoVillage();
const ws = readWorkspace(demo.index, demo.docs);
const log = ws.feedback[0]!.data;

describe('三会一课 台账', () => {
  const ledger = meetingLedger(ws.minutes, ws.index.cadence, ws.roster, { year: 2025 });

  it('LEDGER-1 a year: every required period by type and group, held with records, or missed', () => {
    expect(ledger.span.key).toBe('2025');
    const groupRows = ledger.rows.filter((r) => r.meetingType === 'party-group');
    expect(groupRows).toHaveLength(36);
    expect(new Set(groupRows.map((r) => r.groupName))).toEqual(
      new Set(ws.roster!.groups.map((g) => g.name)),
    );
    const missed = ledger.rows.filter((r) => r.missed).map((r) => [r.meetingType, r.period.key]);
    expect(missed).toEqual([
      ['party-group', '2025-05'],
      ['theme-party-day', '2025-08'],
    ]);
    expect(ledger.rows.find((r) => r.missed && r.meetingType === 'party-group')!.groupName).toBe(
      '第三党小组（五组、六组）',
    );
    for (const type of ['organisational-life', 'member-appraisal'] as const) {
      expect(ledger.rows.filter((r) => r.meetingType === type).map((r) => r.state)).toEqual([
        'done',
      ]);
    }
    const byId = new Map(ws.minutes.map((m) => [m.docId, m.data]));
    for (const row of ledger.rows) {
      expect(row.state === 'done').toBe(row.held.length >= (row.required ?? 0));
      for (const h of row.held) {
        const data = byId.get(h.docId)!;
        const count = meetingAttendance(data, ws.roster);
        expect([h.expected, h.present, h.absent]).toEqual([
          count.expectedCount,
          count.presentCount,
          count.absentCount,
        ]);
        expect(h.startsAt >= row.period.start && h.startsAt < row.period.end).toBe(true);
      }
    }
  });

  it('LEDGER-1 totals per type and group, meetings without a rhythm, and the secretary’s 党课', () => {
    const total = (type: string, missedOnly = false) =>
      ledger.totals
        .filter((t) => t.meetingType === type)
        .reduce((n, t) => n + (missedOnly ? t.missed : t.periods), 0);
    expect(total('party-group')).toBe(36);
    expect(total('party-group', true)).toBe(1);
    expect(total('branch-committee')).toBe(12);
    expect(total('party-members')).toBe(4);
    expect(total('villager-representatives')).toBe(4);
    const reps = ledger.totals.find((t) => t.meetingType === 'villager-representatives')!;
    expect(reps.meetings).toBe(6);
    expect(new Set(ledger.otherMeetings.map((m) => m.meetingType))).toEqual(
      new Set(['villagers', 'joint-committees', 'other']),
    );
    expect(ledger.secretaryLectures?.met).toBe(true);
    expect(ledger.secretaryLectures?.secretaries.map((p) => p.name)).toEqual(['王建国']);
  });

  it('LEDGER-1 a quarter judged at its end: a yearly meeting still to come is due, not missed', () => {
    const q2 = meetingLedger(ws.minutes, ws.index.cadence, ws.roster, { year: 2025, quarter: 2 });
    expect(q2.span.key).toBe('2025-Q2');
    expect(q2.now).toBe(spanPeriod({ year: 2025, quarter: 2 }).end);
    const appraisal = q2.rows.find((r) => r.meetingType === 'member-appraisal')!;
    expect(appraisal).toMatchObject({ state: 'due', missed: false });
    expect(q2.rows.filter((r) => r.meetingType === 'branch-committee')).toHaveLength(3);
    expect(q2.secretaryLectures).toBeNull();
    expect(q2.otherMeetings.map((m) => m.meetingType)).toEqual(['joint-committees', 'villagers']);
  });

  it('LEDGER-1 above the rhythm, per group: counted against the group’s own rule', () => {
    const record = (docId: string, groupId: string, day: number) => {
      const doc = createDoc();
      initMinutes(doc, {
        title: '党小组会',
        meetingType: 'party-group',
        groupId,
        startsAt: beijingInstant(2025, 1, day, 20),
      });
      return { docId, data: readMinutes(doc) };
    };
    const roster = {
      ...ws.roster!,
      groups: [
        { id: 'g1', name: '一组', formed: null, dissolved: null },
        { id: 'g2', name: '二组', formed: null, dissolved: null },
      ],
    };
    const records = [record('a', 'g1', 6), record('b', 'g1', 7), record('c', 'g1', 8)];
    records.push(record('d', 'g2', 9));
    const seed = meetingLedger(records, cadencePreset('seed'), roster, { year: 2025, month: 1 });
    const week2 = seed.rows.filter(
      (r) => r.meetingType === 'party-group' && r.period.key === '2025-W02',
    );
    expect(week2.map((r) => [r.groupName, r.held.length, r.aboveMax])).toEqual([
      ['一组', 3, true],
      ['二组', 1, false],
    ]);
    expect(seed.totals.find((t) => t.groupId === 'g1')!.aboveMax).toBe(1);
  });
});

describe('三会一课 台账 at the edges of a span', () => {
  const record = (docId: string, meetingType: string, at: number, final = true) => {
    const doc = createDoc();
    initMinutes(doc, { title: '会议', meetingType: meetingType as 'party-group', startsAt: at });
    if (final) finaliseMinutes(doc, { name: '王书记' });
    return { docId, data: readMinutes(doc) };
  };
  const seed = cadencePreset('seed');

  it('LEDGER-5 a week across New Year is in one year’s ledger only, with its meeting', () => {
    const records = [record('dec30', 'party-group', beijingInstant(2024, 12, 30, 20))];
    const weeks = (span: Parameters<typeof meetingLedger>[3]) =>
      meetingLedger(records, seed, null, span).rows.filter((r) => r.meetingType === 'party-group');
    const y2025 = weeks({ year: 2025 });
    const y2024 = weeks({ year: 2024 });
    expect(y2025[0]).toMatchObject({ state: 'done' });
    expect(y2025[0]!.period.key).toBe('2025-W01');
    expect(y2025[0]!.held.map((m) => m.docId)).toEqual(['dec30']);
    expect(y2024.map((r) => r.period.key)).not.toContain('2025-W01');
    expect(y2024.flatMap((r) => r.held.map((m) => m.docId))).toEqual([]);
    // The quarters of a year hold its weeks between them, each once.
    const quarters = [1, 2, 3, 4].flatMap((quarter) =>
      weeks({ year: 2025, quarter }).map((r) => r.period.key),
    );
    expect(quarters).toEqual(y2025.map((r) => r.period.key));
    expect(new Set(quarters).size).toBe(52);
  });

  it('VOTE-8 a 党员大会 held below its quorum is listed as held and marked', () => {
    const q1 = meetingLedger(ws.minutes, ws.index.cadence, ws.roster, { year: 2025 });
    const held = q1.rows.flatMap((r) => r.held).filter((m) => m.meetingType === 'party-members');
    expect(held.length).toBeGreaterThan(0);
    for (const m of held) {
      const data = ws.minutes.find((x) => x.docId === m.docId)!.data;
      expect(m.quorumMet).toBe(meetingQuorumMet(data, ws.roster));
    }
    const few = createDoc();
    initMinutes(few, {
      title: '党员大会',
      meetingType: 'party-members',
      startsAt: beijingInstant(2025, 3, 10, 9),
    });
    const row = meetingLedger([{ docId: 'few', data: readMinutes(few) }], seed, ws.roster, {
      year: 2025,
      quarter: 1,
    }).rows.find((r) => r.meetingType === 'party-members')!;
    expect(row.held.map((m) => [m.docId, m.quorumMet])).toEqual([['few', false]]);
  });

  it('CAD-9 a period held only by a draft record is neither done nor missed, and says so', () => {
    const records = [
      record('draft', 'branch-committee', beijingInstant(2025, 3, 10, 9), false),
      record('final', 'branch-committee', beijingInstant(2025, 2, 10, 9)),
    ];
    const q1 = meetingLedger(records, seed, null, { year: 2025, quarter: 1 });
    const months = q1.rows.filter((r) => r.meetingType === 'branch-committee');
    expect(months.map((r) => [r.period.key, r.state, r.missed])).toEqual([
      ['2025-01', 'overdue', true],
      ['2025-02', 'done', false],
      ['2025-03', 'unconfirmed', false],
    ]);
    expect(months[2]!.held.map((m) => m.state)).toEqual(['draft']);
    expect(q1.totals.find((t) => t.meetingType === 'branch-committee')).toMatchObject({
      periods: 3,
      done: 1,
      unconfirmed: 1,
      missed: 1,
      open: 0,
    });
  });
});

/** Days between the Beijing days of two instants, at least 1 when `to` is later (LEDGER-2). */
function calendarDays(from: number, to: number): number {
  if (to <= from) return 0;
  const day = (at: number) => Date.parse(beijingDate(at));
  return Math.max(1, Math.round((day(to) - day(from)) / 86_400_000));
}

describe('民情日志 台账', () => {
  it('LEDGER-2 every entry in the order received, with its history, days open and overdue marks', () => {
    const ledger = feedbackLedger(log, { now: demo.now });
    expect(ledger.rows).toHaveLength(40);
    expect(ledger.rows.map((r) => r.no)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const received = ledger.rows.map((r) => r.receivedAt);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    const flags = ageFeedback(log.entries, demo.now);
    expect(ledger.totals.flagged).toBe(new Set(flags.map((f) => f.entryId)).size);
    // Each mark counted apart.
    expect(ledger.totals.byFlag).toEqual({
      'overdue-unresolved': flags.filter((f) => f.flag === 'overdue-unresolved').length,
      'not-answered-back': flags.filter((f) => f.flag === 'not-answered-back').length,
    });
    expect(ledger.totals.byFlag['not-answered-back']).toBeGreaterThan(0);
    for (const row of ledger.rows) {
      const entry = log.entries.find((e) => e.id === row.entryId)!;
      expect(row.status).toBe(entry.status);
      expect(row.statusHistory.map((h) => h.to)[0]).toBe('received');
      expect(row.statusHistory.at(-1)!.to).toBe(entry.status);
      expect(row.relays).toHaveLength(entry.relays.length);
      expect(row.responses).toHaveLength(entry.responses.length);
      const open = row.resolvedAt === null;
      // Beijing calendar days, a part of a day counted as one (不足一日按一日计).
      expect(row.daysOpen).toBe(calendarDays(row.receivedAt, open ? demo.now : row.resolvedAt!));
      expect(row.flags).toEqual(flags.filter((f) => f.entryId === row.entryId).map((f) => f.flag));
      // AGE-6: resolved after its due day, by the days between.
      const late = row.resolvedAt !== null && row.resolvedAt > row.dueAt;
      expect(row.resolvedLateDays).toBe(late ? calendarDays(row.dueAt, row.resolvedAt!) : null);
    }
    const overdue = ledger.rows.find((r) => r.flags.includes('overdue-unresolved'))!;
    expect(overdue.overdueDays).toBe(calendarDays(overdue.dueAt, demo.now));
    const lateRows = ledger.rows.filter((r) => r.resolvedLateDays !== null);
    expect(lateRows.length).toBeGreaterThan(0);
    expect(ledger.totals.resolvedLate).toBe(lateRows.length);
  });

  it('LEDGER-2 filters: a span, statuses, categories, marked only; judged at an earlier `now`', () => {
    const q2 = feedbackLedger(log, { now: demo.now, span: { year: 2025, quarter: 2 } });
    const period = spanPeriod({ year: 2025, quarter: 2 });
    expect(q2.rows.length).toBeGreaterThan(0);
    expect(q2.rows.every((r) => r.receivedAt >= period.start && r.receivedAt < period.end)).toBe(
      true,
    );
    // Marked only: overdue now, or resolved late.
    const all = feedbackLedger(log, { now: demo.now });
    const marked = (r: (typeof all.rows)[number]) =>
      r.flags.length > 0 || r.resolvedLateDays !== null;
    const flagged = feedbackLedger(log, { now: demo.now, flaggedOnly: true });
    expect(flagged.rows.map((r) => r.entryId)).toEqual(
      all.rows.filter(marked).map((r) => r.entryId),
    );
    expect(flagged.rows.some((r) => r.flags.length === 0)).toBe(true);
    const open = feedbackLedger(log, { now: demo.now, statuses: ['in-progress'] });
    expect(open.rows.every((r) => r.status === 'in-progress')).toBe(true);
    expect(open.totals.byStatus['in-progress']).toBe(open.rows.length);
    const disputes = feedbackLedger(log, { now: demo.now, categories: ['dispute'] });
    expect(disputes.rows.every((r) => r.category === 'dispute')).toBe(true);
    const midYear = beijingInstant(2025, 7, 1);
    const then = feedbackLedger(log, { now: midYear });
    expect(then.rows.every((r) => r.receivedAt <= midYear)).toBe(true);
    expect(then.rows.every((r) => r.statusHistory.every((h) => h.at <= midYear))).toBe(true);
    expect(then.rows.length).toBeLessThan(40);
  });
});

describe('township report', () => {
  it('LEDGER-3 a month: the monthly feedback summary, meetings, plan progress and case traces', () => {
    const report = townshipReport(ws, { year: 2025, month: 6 });
    expect(report.workspace).toBe(ws.index.name);
    expect(report.span.key).toBe('2025-06');
    const june = monthlySummary(log.entries, 2025, 6);
    expect(report.feedback.months).toHaveLength(1);
    expect(report.feedback.summary).toMatchObject({
      received: june.received,
      byStatus: june.byStatus,
      resolvedInPeriod: june.resolvedInMonth,
      openAtEnd: june.openAtMonthEnd,
      overdueAtEnd: june.overdueAtMonthEnd,
    });
    expect(report.meetings.required).toBe(report.meetings.rows.length);
    expect(report.meetings.done + report.meetings.missed).toBeLessThanOrEqual(
      report.meetings.required,
    );
    expect(report.plans).toHaveLength(1);
    expect(report.plans[0]!.phases.map((p) => p.title)[0]).toMatch(/第一季度/);
    expect(report.plans[0]!.phases.every((p) => p.done <= p.total)).toBe(true);
    expect(report.decisions).toHaveLength(1);
    expect(report.decisions[0]).toMatchObject({ passed: true, issues: [] });
  });

  it('LEDGER-3 a quarter: three months, totals over the quarter, the missed group meeting of May', () => {
    const report = townshipReport(ws, { year: 2025, quarter: 2 });
    expect(report.feedback.months.map((m) => m.period.key)).toEqual([
      '2025-04',
      '2025-05',
      '2025-06',
    ]);
    const sum = (k: 'received' | 'resolvedInPeriod') =>
      report.feedback.months.reduce((n, m) => n + m[k], 0);
    expect(report.feedback.summary.received).toBe(sum('received'));
    expect(report.feedback.summary.resolvedInPeriod).toBe(sum('resolvedInPeriod'));
    expect(report.feedback.summary.openAtEnd).toBe(report.feedback.months[2]!.openAtEnd);
    expect(report.meetings.missed).toBe(1);
    expect(report.meetings.rows.find((r) => r.missed)!.period.key).toBe('2025-05');
  });

  it('LEDGER-4 reports are plain data: the same docs and `now` give the same figures', () => {
    const a = townshipReport(ws, { year: 2025, quarter: 4 }, { now: demo.now });
    const again = townshipReport(
      readWorkspace(demo.index, demo.docs),
      { year: 2025, quarter: 4 },
      { now: demo.now },
    );
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    expect(again).toEqual(a);
  });

  it('LEDGER-3 readWorkspace reads the listed docs by kind and leaves archived ones out', () => {
    expect(ws.roster?.people.length).toBeGreaterThan(50);
    expect(ws.plans).toHaveLength(1);
    expect(ws.feedback).toHaveLength(1);
    const other = createDemoVillage({ docs: 8, entries: 5 });
    const minutes = other.docs.filter((d) => d.kind === 'minutes');
    archiveDoc(other.index, minutes[0]!.id);
    const read = readWorkspace(other.index, other.docs);
    expect(read.minutes.map((m) => m.docId)).toEqual(minutes.slice(1).map((d) => d.id));
    // Docs not at hand (not yet synced) are skipped.
    expect(readWorkspace(other.index, []).minutes).toEqual([]);
  });
});

describe('days overdue (LEDGER-2)', () => {
  /** Registered 2026-11-20 at 20:00 Beijing (12:00 UTC), normal: due 2026-11-27 at 20:00. */
  const logDoc = createDoc();
  initFeedbackLog(logDoc, { title: '2026年民情日志', createdAt: beijingInstant(2026, 1, 1) });
  const entryId = addEntry(logDoc, {
    receivedAt: Date.UTC(2026, 10, 20, 12, 0),
    channel: 'home-visit',
    category: 'infrastructure',
    summary: '三组路灯不亮',
  });
  const entries = readFeedbackLog(logDoc).entries;
  const entry = entries.find((e) => e.id === entryId)!;
  const due = dueAtOf(entry);
  const ledgerAt = (now: number) => feedbackLedger(entries, { now }).rows[0]!.overdueDays;

  it('LEDGER-2 days overdue are Beijing calendar days: the same on either side of noon UTC', () => {
    expect(beijingDate(due)).toBe('2026-11-27');
    // 2026-12-05 on a Beijing clock (19:56 and 20:01): 12-05 less 11-27.
    for (const now of [Date.UTC(2026, 11, 5, 11, 56), Date.UTC(2026, 11, 5, 12, 1)]) {
      expect(ledgerDays(due, now)).toBe(8);
      expect(ledgerAt(now)).toBe(8);
    }
  });

  it('LEDGER-2 days overdue turn at Beijing midnight, not at UTC midnight', () => {
    // 23:59 and 00:01 Beijing: 2026-12-05 then 2026-12-06.
    expect(ledgerDays(due, beijingInstant(2026, 12, 5, 23, 59))).toBe(8);
    expect(ledgerDays(due, beijingInstant(2026, 12, 6, 0, 1))).toBe(9);
    expect(ledgerAt(beijingInstant(2026, 12, 6, 0, 1))).toBe(9);
    // UTC midnight is 08:00 Beijing, in the middle of a Beijing day.
    expect(ledgerDays(due, Date.UTC(2026, 11, 5, 23, 59))).toBe(9);
    expect(ledgerDays(due, Date.UTC(2026, 11, 6, 0, 1))).toBe(9);
  });

  it('LEDGER-2 on the due day itself: not overdue before the due instant, 1 day after it', () => {
    expect(ledgerDays(due, due - 60_000)).toBe(0);
    expect(ledgerDays(due, due)).toBe(0);
    expect(ledgerAt(due - 60_000)).toBeNull();
    expect(ledgerDays(due, due + 60_000)).toBe(1);
    expect(ledgerAt(due + 60_000)).toBe(1);
    expect(ledgerDays(due, beijingInstant(2026, 11, 28, 0, 1))).toBe(1);
    expect(ledgerDays(due, beijingInstant(2026, 11, 29, 0, 1))).toBe(2);
  });
});

describe('三会一课 台账 of a workspace begun late in the year (LEDGER-9)', () => {
  // A new workspace on 2026-11-20 (Friday, week 47): its first record is a 党小组会 that day.
  const startedAt = beijingInstant(2026, 11, 20, 10, 0);
  const index = createDoc();
  initIndex(index, { name: '新村' });
  addDocEntry(index, { id: 'm1', kind: 'minutes', title: '党小组会', createdAt: startedAt });
  const minutes = createDoc();
  initMinutes(minutes, {
    title: '党小组会',
    meetingType: 'party-group',
    startsAt: startedAt,
    place: '村委会',
  });
  const records = [{ docId: 'm1', data: readMinutes(minutes) }];
  const cadence = cadencePreset('seed');
  const now = beijingInstant(2026, 12, 5, 12, 0);
  const ledger = meetingLedger(records, cadence, null, { year: 2026 }, { now, startedAt });
  const groupRows = ledger.rows.filter((r) => r.meetingType === 'party-group');

  it('LEDGER-9 the workspace began with its first listed record', () => {
    expect(workspaceStartedAt(readIndex(index))).toBe(startedAt);
    expect(workspaceStartedAt({ docs: [] })).toBeNull();
  });

  it('LEDGER-9 a period that ended before the workspace began is not missed, nor required', () => {
    // Weeks 1–46 ended before 2026-11-20; week 47 holds the start and its meeting.
    const before = groupRows.filter((r) => r.period.end <= startedAt);
    expect(before).toHaveLength(46);
    expect(before.every((r) => r.beforeStart && !r.missed && r.required === null)).toBe(true);
    const week47 = groupRows.find((r) => r.period.key === '2026-W47')!;
    // Held (its record still a draft, CAD-9).
    expect([week47.beforeStart, week47.state]).toEqual([false, 'unconfirmed']);
    // Week 48 (11-23…11-29) ended after the start without a meeting: missed.
    const week48 = groupRows.find((r) => r.period.key === '2026-W48')!;
    expect([week48.beforeStart, week48.missed]).toEqual([false, true]);
    const total = ledger.totals.find((x) => x.meetingType === 'party-group')!;
    expect(total).toMatchObject({ beforeStart: 46, missed: 1, unconfirmed: 1 });
    expect(total.periods).toBe(total.done + total.unconfirmed + total.missed + total.open);
    expect(ledger.startedAt).toBe(startedAt);
  });

  it('LEDGER-9 a period before the start that has its meetings is listed as held', () => {
    const early = createDoc();
    initMinutes(early, {
      title: '党小组会',
      meetingType: 'party-group',
      startsAt: beijingInstant(2026, 3, 4, 10, 0),
      place: '村委会',
    });
    const withEarly = meetingLedger(
      [...records, { docId: 'm0', data: readMinutes(early) }],
      cadence,
      null,
      { year: 2026 },
      { now, startedAt },
    );
    const week10 = withEarly.rows.find(
      (r) => r.meetingType === 'party-group' && r.period.key === '2026-W10',
    )!;
    expect([week10.state, week10.beforeStart, week10.missed]).toEqual([
      'unconfirmed',
      false,
      false,
    ]);
  });

  it('LEDGER-9 a period before the start short of a custom rule’s meetings says what was held, and requires nothing (1/—, never 1/0)', () => {
    const early = createDoc();
    initMinutes(early, {
      title: '党小组会',
      meetingType: 'party-group',
      startsAt: beijingInstant(2026, 3, 4, 10, 0),
      place: '村委会',
    });
    const twice = {
      ...cadence,
      preset: 'custom' as const,
      rules: cadence.rules.map((r) =>
        r.meetingType === 'party-group' ? { ...r, min: 2, max: 2 } : r,
      ),
    };
    const ledger = meetingLedger(
      [...records, { docId: 'm0', data: readMinutes(early) }],
      twice,
      null,
      { year: 2026 },
      { now, startedAt },
    );
    const week10 = ledger.rows.find(
      (r) => r.meetingType === 'party-group' && r.period.key === '2026-W10',
    )!;
    expect([week10.beforeStart, week10.missed, week10.required, week10.held.length]).toEqual([
      true,
      false,
      null,
      1,
    ]);
    // After the start the rule's figure stands.
    const week48 = ledger.rows.find(
      (r) => r.meetingType === 'party-group' && r.period.key === '2026-W48',
    )!;
    expect([week48.required, week48.missed]).toEqual([2, true]);
  });

  it('LEDGER-9 without a start every ended period short of meetings is missed, as before', () => {
    const all = meetingLedger(records, cadence, null, { year: 2026 }, { now });
    expect(all.rows.some((r) => r.beforeStart)).toBe(false);
    expect(all.totals.find((x) => x.meetingType === 'party-group')!.missed).toBe(47);
  });

  it('LEDGER-9 the township report counts from the workspace’s start too', () => {
    const report = townshipReport(
      {
        index: readIndex(index),
        minutes: records,
        plans: [],
        feedback: [],
        roster: null,
      },
      { year: 2026, quarter: 3 },
      { now },
    );
    // The quarter ended before the start: nothing missed; only the yearly rules, still running,
    // are required.
    expect(report.meetings.rows.filter((r) => r.beforeStart).length).toBeGreaterThan(0);
    expect(report.meetings.missed).toBe(0);
    const { required, done, unconfirmed, missed, open } = report.meetings;
    expect(required).toBe(done + unconfirmed + missed + open);
    expect(report.meetings.rows.filter((r) => !r.beforeStart).map((r) => r.period.unit)).toEqual(
      report.meetings.rows.filter((r) => !r.beforeStart).map(() => 'year'),
    );
  });
});

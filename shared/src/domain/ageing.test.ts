import { describe, expect, it } from 'vitest';
import {
  ageFeedback,
  dueAtOf,
  feedbackSummary,
  monthlySummary,
  resolvedAtOf,
  resolvedLateMsOf,
} from './ageing.ts';
import { createDoc } from './doc.ts';
import { addEntry, initFeedbackLog, moveStatus, readFeedbackLog } from './feedback.ts';
import type { FeedbackCategory, Urgency } from './schema.ts';
import { beijingInstant, DAY_MS, HOUR_MS, monthPeriod } from './time.ts';

const T = (month: number, day: number, hour = 10) => beijingInstant(2025, month, day, hour);

function log() {
  const doc = createDoc();
  initFeedbackLog(doc, { title: '民情日志' });
  return doc;
}

function entry(
  doc: ReturnType<typeof log>,
  id: string,
  receivedAt: number,
  opts: { urgency?: Urgency; category?: FeedbackCategory; dueAt?: number } = {},
) {
  addEntry(doc, {
    id,
    receivedAt,
    channel: 'home-visit',
    category: opts.category ?? 'livelihood',
    summary: id,
    urgency: opts.urgency ?? 'normal',
    dueAt: opts.dueAt ?? null,
  });
}

const byId = (doc: ReturnType<typeof log>, id: string) =>
  readFeedbackLog(doc).entries.find((e) => e.id === id)!;

describe('feedback ageing and monthly summary', () => {
  it('AGE-1 the due instant comes from urgency unless set explicitly', () => {
    const r = T(3, 1);
    expect(dueAtOf({ receivedAt: r, urgency: 'urgent', dueAt: null })).toBe(r + DAY_MS);
    expect(dueAtOf({ receivedAt: r, urgency: 'normal', dueAt: null })).toBe(r + 7 * DAY_MS);
    expect(dueAtOf({ receivedAt: r, urgency: 'low', dueAt: null })).toBe(r + 30 * DAY_MS);
    expect(dueAtOf({ receivedAt: r, urgency: 'low', dueAt: r + HOUR_MS })).toBe(r + HOUR_MS);
  });

  it('AGE-2 flags overdue unresolved and resolved-not-answered-back entries, most overdue first', () => {
    const doc = log();
    entry(doc, 'urgent-open', T(3, 1), { urgency: 'urgent' });
    entry(doc, 'normal-open', T(3, 5));
    entry(doc, 'low-open', T(3, 1), { urgency: 'low' });
    entry(doc, 'resolved-old', T(3, 1));
    moveStatus(doc, 'resolved-old', 'resolved', { at: T(3, 2) });
    entry(doc, 'resolved-new', T(3, 9));
    moveStatus(doc, 'resolved-new', 'resolved', { at: T(3, 9, 12) });
    entry(doc, 'closed', T(3, 1));
    moveStatus(doc, 'closed', 'resolved', { at: T(3, 2) });
    moveStatus(doc, 'closed', 'answered-back', { at: T(3, 3) });
    const now = T(3, 10);
    const items = ageFeedback(readFeedbackLog(doc).entries, now);
    expect(items.map((i) => [i.entryId, i.flag])).toEqual([
      ['urgent-open', 'overdue-unresolved'],
      ['resolved-old', 'not-answered-back'],
    ]);
    expect(items[0]!.overdueMs).toBe(now - (T(3, 1) + DAY_MS));
    expect(items[1]!.deadline).toBe(T(3, 5));
    // Two days later the normal entry is overdue too.
    expect(ageFeedback(readFeedbackLog(doc).entries, T(3, 12)).map((i) => i.entryId)).toContain(
      'normal-open',
    );
  });

  it('AGE-3 a reopened entry restarts its resolution clock', () => {
    const doc = log();
    entry(doc, 'e', T(3, 1));
    moveStatus(doc, 'e', 'resolved', { at: T(3, 2) });
    moveStatus(doc, 'e', 'in-progress', { at: T(3, 4), note: '问题复发' });
    moveStatus(doc, 'e', 'resolved', { at: T(3, 6) });
    const e = byId(doc, 'e');
    expect(resolvedAtOf(e)).toBe(T(3, 6));
    expect(resolvedAtOf(e, T(3, 3))).toBe(T(3, 2));
    expect(resolvedAtOf(e, T(3, 5))).toBeNull();
  });

  it('AGE-4 the monthly summary counts by category and month-end status in Beijing months', () => {
    const doc = log();
    // 2025-02-28 16:30 UTC is 1 March 00:30 in Beijing: a March entry.
    entry(doc, 'a', Date.UTC(2025, 1, 28, 16, 30), { category: 'infrastructure' });
    moveStatus(doc, 'a', 'resolved', { at: T(3, 3, 0) + 30 * 60_000 }); // 2 days after receipt
    entry(doc, 'b', T(3, 10), { category: 'employment' });
    moveStatus(doc, 'b', 'relayed', { at: T(3, 11) });
    moveStatus(doc, 'b', 'resolved', { at: T(4, 2) }); // resolved in April
    entry(doc, 'c', T(3, 20), { category: 'employment' });
    moveStatus(doc, 'c', 'resolved', { at: T(3, 24) }); // 4 days
    moveStatus(doc, 'c', 'answered-back', { at: T(3, 25) });
    // 2025-02-28 15:59 UTC is 28 Feb 23:59 in Beijing: carried over from February, still open.
    entry(doc, 'old', Date.UTC(2025, 1, 28, 15, 59), { urgency: 'urgent' });
    entry(doc, 'april', T(4, 1));
    const s = monthlySummary(readFeedbackLog(doc).entries, 2025, 3);
    expect(s.month).toBe('2025-03');
    expect(s.received).toBe(3);
    expect(s.byCategory).toMatchObject({ infrastructure: 1, employment: 2, livelihood: 0 });
    expect(s.byStatus).toEqual({
      received: 0,
      relayed: 1,
      'in-progress': 0,
      resolved: 1,
      'answered-back': 1,
    });
    expect(s.resolvedInMonth).toBe(2);
    expect(s.resolvedLateInMonth).toBe(0);
    expect(s.medianDaysToResolve).toBe(3);
    expect(s.openAtMonthEnd).toBe(2);
    expect(s.overdueAtMonthEnd).toBe(2);
    const april = monthlySummary(readFeedbackLog(doc).entries, 2025, 4);
    // 'b' was due 03-17 and resolved 04-02: a late resolution of April's.
    expect(april).toMatchObject({
      received: 1,
      resolvedInMonth: 1,
      resolvedLateInMonth: 1,
      openAtMonthEnd: 2,
    });
  });

  it('AGE-5 a month not over is judged now: an entry due tomorrow is not yet overdue; a month to come has no figures', () => {
    const doc = log();
    entry(doc, 'week-old', T(12, 1)); // due 12-08
    entry(doc, 'urgent', T(12, 3), { urgency: 'urgent' }); // due 12-04
    entry(doc, 'recent', T(12, 4)); // due 12-11
    const entries = readFeedbackLog(doc).entries;
    const now = T(12, 9);
    const december = feedbackSummary(entries, monthPeriod(2025, 12), now);
    expect([december.received, december.openAtEnd, december.overdueAtEnd]).toEqual([3, 3, 2]);
    const early = feedbackSummary(entries, monthPeriod(2025, 12), T(12, 3, 12));
    expect([early.received, early.openAtEnd, early.overdueAtEnd]).toEqual([2, 2, 0]);
    // At the month's end everything still open is overdue.
    const atEnd = feedbackSummary(entries, monthPeriod(2025, 12));
    expect(atEnd.overdueAtEnd).toBe(3);
    const future = feedbackSummary(entries, monthPeriod(2026, 1), now);
    expect([future.received, future.openAtEnd, future.overdueAtEnd]).toEqual([0, 0, 0]);
  });

  it('AGE-6 an entry resolved after its due instant was resolved late, by the time past due; a reopened one is judged on its last resolution', () => {
    const doc = log();
    entry(doc, 'on-time', T(3, 1)); // due 03-08 10:00
    moveStatus(doc, 'on-time', 'resolved', { at: T(3, 8) }); // at the due instant: on time
    entry(doc, 'late', T(3, 1), { urgency: 'urgent' }); // due 03-02 10:00
    moveStatus(doc, 'late', 'resolved', { at: T(3, 4, 22) });
    moveStatus(doc, 'late', 'answered-back', { at: T(3, 5) });
    entry(doc, 'set-by-hand', T(3, 1), { dueAt: T(3, 3) });
    moveStatus(doc, 'set-by-hand', 'resolved', { at: T(3, 6) });
    entry(doc, 'reopened', T(3, 1)); // due 03-08
    moveStatus(doc, 'reopened', 'resolved', { at: T(3, 2) });
    moveStatus(doc, 'reopened', 'in-progress', { at: T(3, 3), note: '村民说还没修好' });
    entry(doc, 'open', T(3, 1), { urgency: 'urgent' });
    expect(resolvedLateMsOf(byId(doc, 'on-time'))).toBeNull();
    expect(resolvedLateMsOf(byId(doc, 'late'))).toBe(2 * DAY_MS + 12 * HOUR_MS);
    expect(resolvedLateMsOf(byId(doc, 'set-by-hand'))).toBe(3 * DAY_MS);
    // Resolved on time, then reopened: not resolved now, so not late either.
    expect(resolvedLateMsOf(byId(doc, 'reopened'))).toBeNull();
    expect(resolvedLateMsOf(byId(doc, 'reopened'), T(3, 2, 12))).toBeNull();
    expect(resolvedLateMsOf(byId(doc, 'open'))).toBeNull();
    // Before its resolution, the late one was open, not resolved late.
    expect(resolvedLateMsOf(byId(doc, 'late'), T(3, 4))).toBeNull();
    // Resolved again after its due instant: late now.
    moveStatus(doc, 'reopened', 'resolved', { at: T(3, 10) });
    expect(resolvedLateMsOf(byId(doc, 'reopened'))).toBe(2 * DAY_MS);
    const march = feedbackSummary(readFeedbackLog(doc).entries, monthPeriod(2025, 3));
    expect([march.resolvedInPeriod, march.resolvedLateInPeriod]).toEqual([4, 3]);
  });
});

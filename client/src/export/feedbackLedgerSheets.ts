import { beijingDay, formatBeijingDateTime, formatBeijingShort } from '../i18n/time.ts';
import type { FeedbackLedger, FeedbackLedgerRow } from '../model/domain.ts';
import type { SheetContext } from './meetingLedgerSheets.ts';
import type { Sheet } from './sheets.ts';

type Line = { at: number; text: string };

/**
 * A ledger row's history as lines people read, "01-05 09:00 已交办（张伟）：说明": status changes,
 * relays and responses, each list in time order. `isTimeline` marks responses as such (for a
 * single list mixing all three).
 */
export function historyLines(
  row: FeedbackLedgerRow,
  ctx: Pick<SheetContext, 't' | 'label'>,
  isTimeline = false,
) {
  const { t, label } = ctx;
  const by = (name: string | null) => (name ? t('fbl.by', { name }) : '');
  const note = (text: string) => (text ? t('fbl.note', { text }) : '');
  const line = (at: number, text: string): Line => ({
    at,
    text: `${formatBeijingShort(at)} ${text}`,
  });
  return {
    statuses: row.statusHistory.map((s) =>
      line(s.at, `${label('feedbackStatus', s.to)}${by(s.by)}${note(s.note)}`),
    ),
    relays: row.relays.map((r) =>
      line(r.at, `${t('fbl.relayTo', { to: r.to })}${by(r.by)}${note(r.note)}`),
    ),
    responses: row.responses.map((r) =>
      line(r.at, `${isTimeline ? t('fbl.responseLine', { text: r.text }) : r.text}${by(r.by)}`),
    ),
  };
}

/** Every line of a row's history in one time order (for the screen). */
export function timeline(row: FeedbackLedgerRow, ctx: Pick<SheetContext, 't' | 'label'>): string[] {
  const h = historyLines(row, ctx, true);
  return [...h.statuses, ...h.relays, ...h.responses]
    .map((l, i) => ({ ...l, i }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((l) => l.text);
}

const joined = (lines: readonly Line[]) => lines.map((l) => l.text).join('\n');

/** The overdue marks of a row as words, with the days past due (AGE-2). */
export function flagsText(row: FeedbackLedgerRow, ctx: Pick<SheetContext, 't' | 'label'>): string {
  if (row.flags.length === 0) return '';
  const flags = row.flags.map((f) => ctx.label('ageingFlag', f)).join(ctx.t('common.semicolon'));
  return row.overdueDays === null
    ? flags
    : `${flags}${ctx.t('common.paren', { text: ctx.t('fbl.daysPast', { n: row.overdueDays }) })}`;
}

/**
 * The 民情日志 台账 as one sheet (LEDGER-2): every entry in the order received with its status
 * history, relays and responses, due day, resolution day, days open and overdue marks — the
 * ledger's own figures. The CSV export is this sheet.
 */
export function feedbackLedgerSheet(
  ledger: FeedbackLedger,
  ctx: SheetContext & { filters: string },
): Sheet {
  const { t, label } = ctx;
  return {
    name: t('fbl.sheet'),
    title: t('fbl.title', { village: ctx.village, span: ctx.spanText }),
    note: [t('ledger.asOf', { time: formatBeijingDateTime(ledger.now) }), ctx.filters]
      .filter(Boolean)
      .join('　'),
    columns: [
      { header: t('fbl.colNo'), width: 6 },
      { header: t('fb.receivedAt'), width: 12 },
      { header: t('fbl.colSource'), width: 12 },
      { header: t('fb.channel'), width: 10 },
      { header: t('fb.category'), width: 10 },
      { header: t('fb.summary'), width: 40 },
      { header: t('fb.urgency'), width: 8 },
      { header: t('common.status'), width: 10 },
      { header: t('fbl.colHistory'), width: 36 },
      { header: t('fbl.colRelays'), width: 30 },
      { header: t('fbl.colResponses'), width: 36 },
      { header: t('fbl.colDue'), width: 12 },
      { header: t('fbl.colResolved'), width: 12 },
      { header: t('fbl.colDaysOpen'), width: 10 },
      { header: t('fbl.colFlags'), width: 24 },
      { header: t('fbl.colRecordedBy'), width: 10 },
    ],
    rows: ledger.rows.map((row) => {
      const h = historyLines(row, ctx);
      return [
        row.no,
        row.receivedDate,
        row.source ?? '',
        label('feedbackChannel', row.channel),
        label('feedbackCategory', row.category),
        row.summary,
        label('urgency', row.urgency),
        label('feedbackStatus', row.status),
        joined(h.statuses),
        joined(h.relays),
        joined(h.responses),
        beijingDay(row.dueAt),
        row.resolvedAt === null ? '' : beijingDay(row.resolvedAt),
        row.daysOpen,
        flagsText(row, ctx),
        row.recordedBy ?? '',
      ];
    }),
  };
}

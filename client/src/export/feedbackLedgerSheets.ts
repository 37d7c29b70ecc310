import { beijingDay, formatBeijingDateTime, formatBeijingShort } from '../i18n/time.ts';
import {
  type FeedbackEvent,
  type FeedbackLedger,
  type FeedbackLedgerRow,
  feedbackEvents,
} from '../model/domain.ts';
import type { SheetContext } from './meetingLedgerSheets.ts';
import type { Sheet } from './sheets.ts';

type Line = { at: number; text: string; time: string };

/**
 * One thing that happened to a ledger row's entry as a line people read, "01-05 09:00 已交办（张伟）：
 * 说明". `isTimeline` marks a response as such (for one list mixing all three kinds).
 */
function eventLine(
  x: FeedbackEvent<string | null>,
  ctx: Pick<SheetContext, 't' | 'label'>,
  isTimeline: boolean,
): Line {
  const { t, label } = ctx;
  const by = x.by ? t('fbl.by', { name: x.by }) : '';
  const note = (text: string) => (text ? t('fbl.note', { text }) : '');
  const text =
    x.kind === 'status'
      ? `${label('feedbackStatus', x.to)}${by}${note(x.note)}`
      : x.kind === 'relay'
        ? `${t('fbl.relayTo', { to: x.to })}${by}${note(x.note)}`
        : `${isTimeline ? t('fbl.responseLine', { text: x.text }) : x.text}${by}`;
  return { at: x.at, text: `${formatBeijingShort(x.at)} ${text}`, time: formatBeijingShort(x.at) };
}

/** A ledger row's history in one time order: the order the log's timeline and the 办理单 use. */
const eventsOf = (row: FeedbackLedgerRow, foldRelays = true) =>
  feedbackEvents(
    { transitions: row.statusHistory, relays: row.relays, responses: row.responses },
    { foldRelays },
  );

/** A ledger row's status changes, relays and responses as lines, each list in time order. */
export function historyLines(row: FeedbackLedgerRow, ctx: Pick<SheetContext, 't' | 'label'>) {
  // Each kind in its own column: every status change, a relay's 已交办 included.
  const events = eventsOf(row, false);
  const of = (kind: FeedbackEvent['kind']) =>
    events.filter((x) => x.kind === kind).map((x) => eventLine(x, ctx, false));
  return { statuses: of('status'), relays: of('relay'), responses: of('response') };
}

/** Every line of a row's history in one time order (for the screen). */
export function timeline(row: FeedbackLedgerRow, ctx: Pick<SheetContext, 't' | 'label'>): string[] {
  // The time as a left-to-right run of its own: in a Uyghur line its date stays before its hour.
  return eventsOf(row).map((x) => {
    const line = eventLine(x, ctx, true);
    return `\u2066${line.time}\u2069${line.text.slice(line.time.length)}`;
  });
}

const joined = (lines: readonly Line[]) => lines.map((l) => l.text).join('\n');

/**
 * A row's marks as words: overdue now (AGE-2) with the days past due, and resolved late (AGE-6)
 * with the days it was late — "逾期办结（超期 2.5 天）；已办结未回访（超期 4 天）".
 */
export function flagsText(row: FeedbackLedgerRow, ctx: Pick<SheetContext, 't' | 'label'>): string {
  const { t, label } = ctx;
  const days = (n: number | null) =>
    n === null ? '' : t('common.paren', { text: t('fbl.daysPast', { n }) });
  const parts: string[] = [];
  if (row.resolvedLateDays !== null) {
    parts.push(`${t('fbl.resolvedLate')}${days(row.resolvedLateDays)}`);
  }
  if (row.flags.length > 0) {
    const flags = row.flags.map((f) => label('ageingFlag', f)).join(t('common.semicolon'));
    parts.push(`${flags}${days(row.overdueDays)}`);
  }
  return parts.join(t('common.semicolon'));
}

/**
 * The 民情日志 台账 as one sheet (LEDGER-2): every entry in the order received with its status
 * history, relays and responses, due day, resolution day, days open and overdue marks — the
 * ledger's own figures. The CSV export is this sheet.
 */
export function feedbackLedgerSheet(
  ledger: FeedbackLedger,
  ctx: SheetContext & {
    filters: string;
    /** The title of the log an entry is in: given when the ledger merges several logs. */
    logOf?: (entryId: string) => string;
  },
): Sheet {
  const { t, label, logOf } = ctx;
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
      ...(logOf ? [{ header: t('fbl.colLog'), width: 16 }] : []),
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
        ...(logOf ? [logOf(row.entryId)] : []),
      ];
    }),
  };
}

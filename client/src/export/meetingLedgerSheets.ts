import type { I18n } from '../i18n/I18nProvider.tsx';
import { asOfText, periodLabel } from '../i18n/period.ts';
import { beijingDay } from '../i18n/time.ts';
import type {
  LedgerMeeting,
  MeetingLedger,
  MeetingLedgerRow,
  MeetingType,
} from '../model/domain.ts';
import type { Sheet } from './sheets.ts';

export type SheetContext = {
  t: I18n['t'];
  label: I18n['label'];
  /** The workspace (village) name. */
  village: string;
  /** The span as people say it (2025年, 2025年第一季度…). */
  spanText: string;
};

/** The meetings a ledger lists, each once, in time order: held in required periods, then the rest. */
export function ledgerMeetings(ledger: MeetingLedger): LedgerMeeting[] {
  const seen = new Set<string>();
  const out: LedgerMeeting[] = [];
  for (const m of [...ledger.rows.flatMap((r) => r.held), ...ledger.otherMeetings]) {
    if (seen.has(m.docId)) continue;
    seen.add(m.docId);
    out.push(m);
  }
  return out.sort((a, b) => a.startsAt - b.startsAt || (a.docId < b.docId ? -1 : 1));
}

/** A period's state as the ledger says it, on screen, on paper and in the sheets alike. */
export function periodStateText(
  row: MeetingLedgerRow,
  { t, label }: Pick<SheetContext, 't' | 'label'>,
): string {
  if (row.beforeStart) return t('ledger.beforeStart');
  return row.missed ? t('ledger.missed') : label('cadenceState', row.state);
}

/**
 * What the ledger says of where its counting starts (LEDGER-9), when periods before the
 * workspace began are in its span; else null.
 */
export function startedNote(ledger: MeetingLedger, t: SheetContext['t']): string | null {
  if (ledger.startedAt === null || !ledger.rows.some((r) => r.beforeStart)) return null;
  return t('ledger.startedNote', { day: beijingDay(ledger.startedAt) });
}

/**
 * The 三会一课 台账 as sheets (LEDGER-1): totals per type and party group, every required period
 * (held, missed, above the rhythm) and every meeting with its 应到/实到/缺席. Figures are the
 * ledger's own.
 */
export function meetingLedgerSheets(ledger: MeetingLedger, ctx: SheetContext): Sheet[] {
  const { t, label } = ctx;
  const title = t('ledger.meetingsTitle', { village: ctx.village, span: ctx.spanText });
  const started = startedNote(ledger, t);
  const asOf = [asOfText(ledger.now, ledger.span.end, t), started].filter(Boolean).join('　');
  const type = (m: { meetingType: MeetingType }) => label('meetingType', m.meetingType);
  const lectures = ledger.secretaryLectures;
  // CAD-9: a record still in draft says so wherever the ledger lists it.
  const draftMark = (m: LedgerMeeting) =>
    m.state === 'final' ? '' : t('common.paren', { text: label('minutesState', m.state) });
  return [
    {
      name: t('ledger.sheetSummary'),
      title,
      note:
        lectures === null
          ? asOf
          : `${asOf}　${lectures.met ? t('ledger.secretaryMet', { n: lectures.lectures.filter((l) => l.bySecretary).length }) : t('ledger.secretaryMissed')}`,
      columns: [
        { header: t('ledger.colType'), width: 16 },
        { header: t('ledger.colGroup'), width: 18 },
        { header: t('ledger.colPeriods'), width: 10 },
        { header: t('ledger.colDone'), width: 10 },
        { header: t('ledger.colMissed'), width: 10 },
        { header: t('ledger.colUnconfirmed'), width: 12 },
        { header: t('ledger.colOpen'), width: 12 },
        { header: t('ledger.colBeforeStart'), width: 12 },
        { header: t('ledger.colAbove'), width: 10 },
        { header: t('ledger.colMeetings'), width: 10 },
      ],
      rows: ledger.totals.map((x) => [
        type(x),
        x.groupName ?? '',
        x.periods,
        x.done,
        x.missed,
        x.unconfirmed,
        x.open,
        x.beforeStart,
        x.aboveMax,
        x.meetings,
      ]),
    },
    {
      name: t('ledger.sheetPeriods'),
      title,
      note: asOf,
      columns: [
        { header: t('ledger.colType'), width: 16 },
        { header: t('ledger.colGroup'), width: 18 },
        { header: t('ledger.colPeriod'), width: 26 },
        { header: t('ledger.colFrom'), width: 12 },
        { header: t('ledger.colTo'), width: 12 },
        { header: t('ledger.colRequired'), width: 8 },
        { header: t('ledger.colHeld'), width: 8 },
        { header: t('ledger.colState'), width: 10 },
        { header: t('ledger.colAboveMark'), width: 10 },
        { header: t('ledger.colRecords'), width: 40 },
      ],
      rows: ledger.rows.map((r) => [
        type(r),
        r.groupName ?? '',
        periodLabel(r.period, t),
        beijingDay(r.period.start),
        beijingDay(r.period.end - 1),
        r.required ?? '—',
        r.held.length,
        periodStateText(r, ctx),
        r.aboveMax ? t('ledger.above') : '',
        r.held.map((m) => `${m.date} ${m.title}${draftMark(m)}`).join('\n'),
      ]),
    },
    {
      name: t('ledger.sheetMeetings'),
      title,
      note: asOf,
      columns: [
        { header: t('ledger.colDate'), width: 12 },
        { header: t('ledger.colType'), width: 16 },
        { header: t('ledger.colTitle'), width: 30 },
        { header: t('min.place'), width: 16 },
        { header: t('min.chair'), width: 10 },
        { header: t('min.lecturer'), width: 10 },
        { header: t('ledger.colExpected'), width: 8 },
        { header: t('ledger.colPresent'), width: 8 },
        { header: t('ledger.colAbsent'), width: 8 },
        { header: t('ledger.colVotes'), width: 8 },
        { header: t('ledger.colRecordState'), width: 10 },
        { header: t('ledger.colQuorumMet'), width: 12 },
      ],
      rows: ledgerMeetings(ledger).map((m) => [
        m.date,
        type(m),
        m.title,
        m.place,
        m.chair ?? '',
        m.lecturer ?? '',
        m.expected,
        m.present,
        m.absent,
        m.votes,
        label('minutesState', m.state),
        m.quorumMet === null ? '' : m.quorumMet ? t('common.yes') : t('common.no'),
      ]),
    },
  ];
}

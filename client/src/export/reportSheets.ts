import type { MessageKey } from '@grassroots/shared';
import { asOfText, periodLabel } from '../i18n/period.ts';
import { publicationPlace } from '../i18n/place.ts';
import { beijingDay } from '../i18n/time.ts';
import {
  FEEDBACK_CATEGORIES,
  FEEDBACK_STATUSES,
  type FeedbackSummary,
  type TownshipReport,
} from '../model/domain.ts';
import type { SheetContext } from './meetingLedgerSheets.ts';
import type { Cell, Sheet } from './sheets.ts';

/** A ratio as a whole percentage, as people read progress ("67%"). */
export const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;

/** The feedback figures of one period as cells, in the order of `feedbackColumns`. */
export function feedbackCells(s: FeedbackSummary): Cell[] {
  return [
    s.received,
    s.resolvedInPeriod,
    s.resolvedLateInPeriod,
    s.medianDaysToResolve,
    s.openAtEnd,
    s.overdueAtEnd,
    ...FEEDBACK_STATUSES.map((st) => s.byStatus[st]),
    ...FEEDBACK_CATEGORIES.map((c) => s.byCategory[c]),
  ];
}

/**
 * The report to the township (月报/季报, LEDGER-3) as sheets: feedback of the span and of each
 * month, meeting compliance per type and group, plan progress per phase, and the 四议两公开 cases
 * step by step. Every figure is the report's own.
 */
export function reportSheets(
  report: TownshipReport,
  ctx: SheetContext & { kind: string },
): Sheet[] {
  const { t, label } = ctx;
  const title = t('report.title', { village: ctx.village, span: ctx.spanText, kind: ctx.kind });
  const note = asOfText(report.now, report.span.end, t);
  const feedbackColumns = [
    { header: t('report.colPeriod'), width: 16 },
    { header: t('report.received'), width: 8 },
    { header: t('report.resolved'), width: 8 },
    { header: t('report.resolvedLate'), width: 10 },
    { header: t('report.median'), width: 12 },
    { header: t('report.openAtEnd'), width: 10 },
    { header: t('report.overdueAtEnd'), width: 10 },
    ...FEEDBACK_STATUSES.map((s) => ({ header: label('feedbackStatus', s), width: 8 })),
    ...FEEDBACK_CATEGORIES.map((c) => ({ header: label('feedbackCategory', c), width: 8 })),
  ];
  return [
    {
      name: t('report.sheetFeedback'),
      title,
      note,
      columns: feedbackColumns,
      // A quarter's or a year's months, then the whole period as 合计; a month is one row (it
      // was its own month twice, and a column's sum doubled it).
      rows:
        report.feedback.months.length > 1
          ? [
              ...report.feedback.months.map((m) => [periodLabel(m.period, t), ...feedbackCells(m)]),
              [
                t('report.totalOf', { period: periodLabel(report.span, t) }),
                ...feedbackCells(report.feedback.summary),
              ],
            ]
          : [[periodLabel(report.span, t), ...feedbackCells(report.feedback.summary)]],
    },
    {
      name: t('report.sheetMeetings'),
      title,
      note: `${note}　${t('report.meetingsLine', {
        required: report.meetings.required,
        done: report.meetings.done,
        missed: report.meetings.missed,
        open: report.meetings.open,
      })}`,
      columns: [
        { header: t('ledger.colType'), width: 16 },
        { header: t('ledger.colGroup'), width: 18 },
        { header: t('ledger.colPeriods'), width: 10 },
        { header: t('ledger.colDone'), width: 10 },
        { header: t('ledger.colMissed'), width: 8 },
        { header: t('ledger.colOpen'), width: 12 },
        { header: t('ledger.colAbove'), width: 10 },
        { header: t('ledger.colMeetings'), width: 10 },
      ],
      rows: report.meetings.totals.map((x) => [
        label('meetingType', x.meetingType),
        x.groupName ?? '',
        x.periods,
        x.done,
        x.missed,
        x.open,
        x.aboveMax,
        x.meetings,
      ]),
    },
    {
      name: t('report.sheetPlans'),
      title,
      note,
      columns: [
        { header: t('report.colPlan'), width: 24 },
        { header: t('report.colPhase'), width: 24 },
        { header: t('report.colDone'), width: 8 },
        { header: t('report.colTotal'), width: 8 },
        { header: t('report.colRatio'), width: 8 },
        { header: t('report.colOverdue'), width: 10 },
      ],
      rows: report.plans.flatMap((p) =>
        p.phases.map((ph) => [
          p.title,
          ph.title || t('plan.unassigned'),
          ph.done,
          ph.total,
          percent(ph.ratio),
          ph.overdue,
        ]),
      ),
    },
    {
      name: t('report.sheetCases'),
      title,
      note,
      columns: [
        { header: t('report.colCase'), width: 24 },
        { header: t('report.colStep'), width: 12 },
        { header: t('report.colStepDone'), width: 8 },
        { header: t('report.colStepDate'), width: 12 },
        { header: t('report.colMeeting'), width: 16 },
        { header: t('report.colTally'), width: 24 },
        { header: t('report.colPassed'), width: 10 },
        { header: t('report.colWhere'), width: 16 },
        { header: t('report.colIssues'), width: 30 },
      ],
      rows: report.decisions.flatMap((c) =>
        c.steps.map((s) => [
          c.title,
          label('decisionStep', s.step),
          s.done ? t('common.yes') : t('common.no'),
          s.at === null ? '' : beijingDay(s.at),
          s.meetingType ? label('meetingType', s.meetingType) : '',
          s.tally ? t('min.tally', { ...s.tally }) : '',
          s.passed === null ? '' : s.passed ? t('case.passed') : t('case.rejected'),
          publicationPlace(s.where ?? '', t),
          c.issues
            .filter((i) => i.step === s.step)
            .map((i) =>
              t(`case.issue.${i.code}` as MessageKey, { step: label('decisionStep', i.step) }),
            )
            .join(t('common.semicolon')),
        ]),
      ),
    },
  ];
}

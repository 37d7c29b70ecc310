import type { MessageKey } from '@grassroots/shared';
import { localeMeta } from '@grassroots/shared';
import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import { CaseStateTag } from '../components/CaseStateTag.tsx';
import { Day } from '../components/Day.tsx';
import { ScrollRegion } from '../components/ScrollRegion.tsx';
import { Sentence } from '../components/Sentence.tsx';
import { percent, reportSheets } from '../export/reportSheets.ts';
import { fileNameOf } from '../export/sheets.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { asOfText, periodLabel } from '../i18n/period.ts';
import { publicationPlace } from '../i18n/place.ts';
import {
  beijingParts,
  FEEDBACK_CATEGORIES,
  FEEDBACK_STATUSES,
  type FeedbackStatus,
  type FeedbackSummary,
  feedbackSummary,
  monthPeriod,
  type ReportSpan,
  spanPeriod,
  townshipReport,
} from '../model/domain.ts';
import { PageFooter } from '../print/PrintParts.tsx';
import { createWorkspaceData } from '../projection/createWorkspaceData.ts';
import { hrefOf } from '../routing/routes.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import { PairedBars, StackedColumns } from './charts.tsx';
import { createExport } from './createExport.ts';
import { LedgerActions, LedgerIncomplete, LedgerNav } from './LedgerBar.tsx';
import { RuleName } from './RuleName.tsx';
import { recordYears, reportOpening } from './years.ts';

/** Colours of the feedback statuses in charts: from waiting (warm) to answered back (green). */
const STATUS_COLORS: Readonly<Record<FeedbackStatus, string>> = {
  received: '#b91c1c',
  relayed: '#ea580c',
  'in-progress': '#ca8a04',
  resolved: '#2563eb',
  'answered-back': '#047857',
};

type Kind = 'month' | 'quarter';

/**
 * The report to the township (月报 / 季报, LEDGER-3), from the shared townshipReport: feedback of
 * the span and its months (with a chart by status), 三会一课 compliance (held against required, a
 * chart), plan progress per phase, and the 四议两公开 cases with their step trace. Printable and
 * exported as XLSX; every figure is the model's.
 */
export default function ReportView(): JSX.Element {
  const { t, label, locale } = useI18n();
  const sheetDir = () => ({ rightToLeft: localeMeta(locale()).dir === 'rtl' });
  const ws = useWorkspace();
  const workspace = createWorkspaceData(ws.sync, ws.index);
  const now = Date.now();
  const today = beijingParts(now);
  const years = createMemo(() => recordYears(workspace().data, now));
  const [kind, setKind] = createSignal<Kind>('month');
  const [year, setYear] = createSignal<number | null>(null);
  const [month, setMonth] = createSignal<number | null>(null);
  const [quarter, setQuarter] = createSignal<number | null>(null);
  // LEDGER-7: the month (quarter) whose report is due; the last one of an earlier year with records.
  const opening = reportOpening(today);
  const openingYear = () => (kind() === 'month' ? opening.month.year : opening.quarter.year);
  const shownYear = () => year() ?? Math.min(openingYear(), years().latest);
  const shownMonth = () =>
    month() ?? (shownYear() === opening.month.year ? opening.month.month : 12);
  const shownQuarter = () =>
    quarter() ?? (shownYear() === opening.quarter.year ? opening.quarter.quarter : 4);
  const span = (): ReportSpan =>
    kind() === 'month'
      ? { year: shownYear(), month: shownMonth() }
      : { year: shownYear(), quarter: shownQuarter() };
  const report = createMemo(() => {
    const period = spanPeriod(span());
    return townshipReport(workspace().data, span(), { now: Math.min(now, period.end) });
  });
  const spanText = () => periodLabel(report().span, t);
  const kindText = () => (kind() === 'month' ? t('report.monthly') : t('report.quarterly'));
  const village = () => ws.index.name || ws.entry.name;
  const exporter = createExport();
  const exportXlsx = () =>
    exporter.run(
      async () => {
        const { toXlsx } = await import('../export/xlsx.ts');
        return toXlsx(
          reportSheets(report(), {
            t,
            label,
            village: village(),
            spanText: spanText(),
            kind: kindText(),
          }),
          sheetDir(),
        );
      },
      fileNameOf([village(), kindText(), report().span.key], 'xlsx'),
    );
  const summary = () => report().feedback.summary;
  /**
   * The months the feedback chart shows: a quarter's three; for a month, it and the five before
   * (each month's figures from the shared feedbackSummary, like the report's own).
   */
  const trend = createMemo(() => {
    if (kind() === 'quarter') return report().feedback.months;
    const entries = workspace().data.feedback.flatMap((f) => f.data.entries);
    const out: FeedbackSummary[] = [];
    for (let back = 5; back >= 1; back--) {
      const index = shownYear() * 12 + (shownMonth() - 1) - back;
      out.push(feedbackSummary(entries, monthPeriod(Math.floor(index / 12), (index % 12) + 1)));
    }
    return [...out, ...report().feedback.months];
  });
  const docHref = (docId: string) => hrefOf({ name: 'doc', workspaceId: ws.entry.id, docId });
  type Figure = { key: MessageKey; value: number | string | null; name: string };
  /** A figure's card; `part` (其中…) is a share of it and sits in the same card at any width. */
  const figure = (whole: Figure, part?: Figure) => (
    <div class="report-figure" data-figure={whole.name}>
      <span class="report-figure-value">{whole.value ?? '—'}</span>
      <span class="report-figure-label small muted">{t(whole.key)}</span>
      <Show when={part}>
        {(p) => (
          <span class="report-figure-part" data-figure={p().name}>
            <span class="report-figure-label small muted">{t(p().key)}</span>{' '}
            <span class="report-figure-value">{p().value ?? '—'}</span>
          </span>
        )}
      </Show>
    </div>
  );
  return (
    <>
      <LedgerNav active="report" />
      <PageFooter
        title={t('report.title', { village: village(), span: spanText(), kind: kindText() })}
      />
      <header class="ledger-head">
        <h1 class="ledger-title">
          <Sentence
            template={t('report.title')}
            params={{ village: village(), span: spanText(), kind: kindText() }}
          />
        </h1>
        <p class="small muted ledger-asof">{asOfText(report().now, report().span.end, t)}</p>
      </header>
      <div class="ledger-controls no-print">
        <label class="field">
          <span>{t('report.kind')}</span>
          <select
            name="reportKind"
            value={kind()}
            onChange={(e) => setKind(e.currentTarget.value as Kind)}
          >
            <option value="month" selected={kind() === 'month'}>
              {t('report.monthly')}
            </option>
            <option value="quarter" selected={kind() === 'quarter'}>
              {t('report.quarterly')}
            </option>
          </select>
        </label>
        <label class="field">
          <span>{t('ledger.year')}</span>
          <select
            name="reportYear"
            value={String(shownYear())}
            onChange={(e) => setYear(Number(e.currentTarget.value))}
          >
            <For each={years().years}>
              {(y) => (
                <option value={y} selected={y === shownYear()}>
                  {t('period.year', { year: y })}
                </option>
              )}
            </For>
          </select>
        </label>
        <Show
          when={kind() === 'month'}
          fallback={
            <label class="field">
              <span>{t('ledger.quarter')}</span>
              <select
                name="reportQuarter"
                value={String(shownQuarter())}
                onChange={(e) => setQuarter(Number(e.currentTarget.value))}
              >
                <For each={[1, 2, 3, 4]}>
                  {(q) => (
                    <option value={q} selected={q === shownQuarter()}>
                      {t('ledger.quarterN', { quarter: q })}
                    </option>
                  )}
                </For>
              </select>
            </label>
          }
        >
          <label class="field">
            <span>{t('report.month')}</span>
            <select
              name="reportMonth"
              value={String(shownMonth())}
              onChange={(e) => setMonth(Number(e.currentTarget.value))}
            >
              <For each={[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]}>
                {(m) => (
                  <option value={m} selected={m === shownMonth()}>
                    {t('report.monthN', { month: m })}
                  </option>
                )}
              </For>
            </select>
          </label>
        </Show>
        <LedgerActions
          onPrint={() => window.print()}
          exports={[{ label: t('ledger.exportXlsx'), run: exportXlsx }]}
          isBusy={exporter.isBusy()}
          error={exporter.error()}
          isDisabled={
            workspace().isLoading || workspace().minutesNotHere + workspace().feedbackNotHere > 0
          }
        />
      </div>
      <Show when={workspace().isLoading}>
        <p class="small muted" role="status">
          {t('dash.loading')}
        </p>
      </Show>
      <LedgerIncomplete notHere={workspace().minutesNotHere + workspace().feedbackNotHere} />

      <section class="panel ledger-section report-feedback" aria-labelledby="report-feedback">
        <h2 id="report-feedback">{t('report.feedback')}</h2>
        <div class="report-figures">
          {figure({ key: 'report.received', value: summary().received, name: 'received' })}
          {figure(
            { key: 'report.resolved', value: summary().resolvedInPeriod, name: 'resolved' },
            {
              key: 'report.resolvedLate',
              value: summary().resolvedLateInPeriod,
              name: 'resolved-late',
            },
          )}
          {figure({ key: 'report.median', value: summary().medianDaysToResolve, name: 'median' })}
          {figure(
            { key: 'report.openAtEnd', value: summary().openAtEnd, name: 'open' },
            { key: 'report.overdueAtEnd', value: summary().overdueAtEnd, name: 'overdue' },
          )}
        </div>
        <StackedColumns
          title={kind() === 'month' ? t('report.chartFeedbackTrend') : t('report.chartFeedback')}
          bars={trend().map((m) => ({
            key: m.period.key,
            label: t('report.monthAxis', { month: Number(m.period.key.slice(5)) }),
            segments: FEEDBACK_STATUSES.map((s) => ({ key: s, value: m.byStatus[s] })),
          }))}
          keys={FEEDBACK_STATUSES.map((s) => ({
            key: s,
            label: label('feedbackStatus', s),
            color: STATUS_COLORS[s],
          }))}
        />
        <p class="small muted">{t('report.chartFeedbackHint')}</p>
        {/* One row per category (category, entries, share of the period's): it fits a phone's
            width in every language, where one column per category had to scroll sideways. */}
        <table class="ledger-table report-categories">
          <thead>
            <tr>
              <th scope="col">{t('fb.category')}</th>
              <th scope="col" class="num">
                {t('report.colEntries')}
              </th>
              <th scope="col" class="num">
                {t('report.colShare')}
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={FEEDBACK_CATEGORIES}>
              {(c) => (
                <tr data-category={c}>
                  <th scope="row">{label('feedbackCategory', c)}</th>
                  <td class="num">{summary().byCategory[c]}</td>
                  <td class="num">
                    {summary().received > 0
                      ? percent(summary().byCategory[c] / summary().received)
                      : '—'}
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </section>

      <section class="panel ledger-section report-meetings" aria-labelledby="report-meetings">
        <h2 id="report-meetings">{t('report.meetings')}</h2>
        <p
          class="report-meetings-line"
          data-required={report().meetings.required}
          data-done={report().meetings.done}
          data-missed={report().meetings.missed}
          data-unconfirmed={report().meetings.unconfirmed}
          data-open={report().meetings.open}
        >
          {t('report.meetingsLine', {
            required: report().meetings.required,
            done: report().meetings.done,
            unconfirmed: report().meetings.unconfirmed,
            missed: report().meetings.missed,
            open: report().meetings.open,
          })}
        </p>
        <PairedBars
          title={t('report.chartMeetings')}
          aLabel={t('ledger.colPeriods')}
          bLabel={t('ledger.colDone')}
          rows={report().meetings.totals.map((x) => ({
            key: `${x.meetingType}~${x.groupId ?? ''}`,
            label: <RuleName meetingType={x.meetingType} groupName={x.groupName ?? null} />,
            a: x.periods,
            b: x.done,
          }))}
        />
        <Show when={report().meetings.rows.some((r) => r.missed)}>
          <p class="small warning report-missed">
            <Sentence
              template={t('report.missedList')}
              params={{
                list: {
                  element: (
                    <For each={report().meetings.rows.filter((r) => r.missed)}>
                      {(r, i) => (
                        <>
                          {i() > 0 ? t('min.listSeparator') : ''}
                          <span class="report-missed-item">
                            {label('meetingType', r.meetingType)}
                            {/* The group's name in its brackets and the month stay on one line. */}
                            {r.groupName ? (/^\s*/.exec(t('common.paren'))?.[0] ?? '') : ' '}
                            <span class="whole">
                              <Show when={r.groupName}>
                                {(name) => (
                                  <>
                                    <Sentence
                                      template={t('common.paren').trimStart()}
                                      params={{ text: name() }}
                                    />{' '}
                                  </>
                                )}
                              </Show>
                              <span class="report-missed-period">{periodLabel(r.period, t)}</span>
                            </span>
                          </span>
                        </>
                      )}
                    </For>
                  ),
                },
              }}
            />
          </p>
        </Show>
      </section>

      <section class="panel ledger-section report-plans" aria-labelledby="report-plans">
        <h2 id="report-plans">{t('report.plans')}</h2>
        <Show when={report().plans.length > 0} fallback={<p class="empty">{t('dash.noPlans')}</p>}>
          <For each={report().plans}>
            {(p) => (
              <div class="report-plan" data-plan={p.docId}>
                <h3>
                  <a href={docHref(p.docId)} dir="auto">
                    {p.title || t('docs.untitled')}
                  </a>
                </h3>
                <ScrollRegion label={p.title || t('docs.untitled')}>
                  <table class="ledger-table ledger-cards report-plan-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('report.colPhase')}</th>
                        <th scope="col">{t('report.colProgress')}</th>
                        <th scope="col">{t('report.colRatio')}</th>
                        <th scope="col">{t('report.colOverdue')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={p.phases}>
                        {(ph) => (
                          <tr data-phase={ph.phaseId ?? ''}>
                            <th scope="row">
                              <bdi>{ph.title || t('plan.unassigned')}</bdi>
                            </th>
                            <td class="cell-wide" data-label={t('report.colProgress')}>
                              <div class="report-progress">
                                <div class="progress">
                                  <span style={{ width: percent(ph.ratio) }} />
                                </div>
                                <span class="small muted">
                                  {t('dash.phaseProgress', { done: ph.done, total: ph.total })}
                                </span>
                              </div>
                            </td>
                            <td class="num" data-label={t('report.colRatio')}>
                              {percent(ph.ratio)}
                            </td>
                            <td
                              class="num"
                              classList={{ 'bad-text': ph.overdue > 0 }}
                              data-label={t('report.colOverdue')}
                            >
                              {ph.overdue}
                            </td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </ScrollRegion>
              </div>
            )}
          </For>
        </Show>
      </section>

      <section class="panel ledger-section report-cases" aria-labelledby="report-cases">
        <h2 id="report-cases">{t('case.title')}</h2>
        <Show when={report().decisions.length > 0} fallback={<p class="empty">{t('case.none')}</p>}>
          <For each={report().decisions}>
            {(c) => (
              <div class="report-case" data-case={c.caseId}>
                <h3>
                  <bdi>{c.title}</bdi> <CaseStateTag trace={c} />
                </h3>
                <ol class="report-steps">
                  <For each={c.steps}>
                    {(s) => (
                      <li data-step={s.step} data-done={s.done ? 'true' : 'false'}>
                        <strong>{label('decisionStep', s.step)}</strong>{' '}
                        <Show
                          when={s.done}
                          fallback={<span class="muted">{t('case.stepNotDone')}</span>}
                        >
                          <span>
                            <Show when={s.at !== null}>
                              <Day at={s.at ?? 0} />
                            </Show>
                            {(() => {
                              const rest = [
                                s.meetingType ? label('meetingType', s.meetingType) : '',
                                s.tally ? t('min.tally', { ...s.tally }) : '',
                                s.passed === null
                                  ? ''
                                  : s.passed
                                    ? t('case.passed')
                                    : t('case.rejected'),
                                publicationPlace(s.where ?? '', t),
                              ]
                                .filter(Boolean)
                                .join(' · ');
                              return s.at !== null && rest !== '' ? ` · ${rest}` : rest;
                            })()}
                          </span>
                        </Show>
                      </li>
                    )}
                  </For>
                </ol>
                <Show when={c.issues.length > 0}>
                  <ul class="small warning">
                    <For each={c.issues}>
                      {(issue) => (
                        <li data-issue={issue.code}>
                          {t(`case.issue.${issue.code}` as MessageKey, {
                            step: label('decisionStep', issue.step),
                          })}
                        </li>
                      )}
                    </For>
                  </ul>
                </Show>
              </div>
            )}
          </For>
        </Show>
      </section>
    </>
  );
}

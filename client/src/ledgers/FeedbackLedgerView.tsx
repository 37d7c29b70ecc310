import { localeMeta } from '@grassroots/shared';
import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import { ScrollRegion } from '../components/ScrollRegion.tsx';
import { Sentence } from '../components/Sentence.tsx';
import { TextWithNames } from '../components/TextWithNames.tsx';
import { feedbackLedgerSheet, flagsText, timeline } from '../export/feedbackLedgerSheets.ts';
import { fileNameOf } from '../export/sheets.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { periodLabel } from '../i18n/period.ts';
import { beijingDay, formatBeijingDateTime } from '../i18n/time.ts';
import {
  AGEING_FLAGS,
  FEEDBACK_STATUSES,
  type FeedbackStatus,
  feedbackLedger,
  monthPeriod,
  type ReportSpan,
} from '../model/domain.ts';
import { PageFooter } from '../print/PrintParts.tsx';
import { createWorkspaceData } from '../projection/createWorkspaceData.ts';
import { hrefOf } from '../routing/routes.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import { createExport } from './createExport.ts';
import { LedgerActions, LedgerIncomplete, LedgerNav } from './LedgerBar.tsx';

/**
 * The 民情日志 台账 (LEDGER-2): every entry of the workspace's feedback logs in the order received,
 * with its status history, relays and responses, days open and overdue marks, judged now;
 * filtered by the month received and the status. Printable; exported as XLSX and CSV.
 */
export default function FeedbackLedgerView(): JSX.Element {
  const { docTitle, t, label, locale } = useI18n();
  const sheetDir = () => ({ rightToLeft: localeMeta(locale()).dir === 'rtl' });
  const ws = useWorkspace();
  const workspace = createWorkspaceData(ws.sync, ws.index);
  const now = Date.now();
  const [month, setMonth] = createSignal('');
  const [status, setStatus] = createSignal<FeedbackStatus | ''>('');
  const [flaggedOnly, setFlaggedOnly] = createSignal(false);
  /** Every entry of every listed log, with the log it is in. */
  const entries = createMemo(() =>
    workspace().data.feedback.flatMap((f) => f.data.entries.map((e) => ({ ...e, logId: f.docId }))),
  );
  const logOf = createMemo(() => new Map(entries().map((e) => [e.id, e.logId])));
  /** The listed logs with the title each is shown by. */
  const logs = createMemo(() =>
    workspace().data.feedback.map((f) => ({
      id: f.docId,
      title: docTitle(f.data.title),
    })),
  );
  /** With several logs the ledger says which one each entry is in, and picks one. */
  const hasManyLogs = () => logs().length > 1;
  const logTitle = (docId: string | undefined) => logs().find((l) => l.id === docId)?.title ?? '';
  const [chosenLog, setChosenLog] = createSignal('');
  /** The log picked, while it is still listed. */
  const logId = () => (logs().some((l) => l.id === chosenLog()) ? chosenLog() : '');
  /** Months with entries received, newest first (`YYYY-MM`). */
  const months = createMemo(() => {
    const seen = new Set<string>();
    for (const e of entries())
      if (e.receivedAt <= now) seen.add(beijingDay(e.receivedAt).slice(0, 7));
    return [...seen].sort().reverse();
  });
  const span = (): ReportSpan | undefined => {
    const m = month();
    if (!m) return undefined;
    const [y, mm] = m.split('-');
    return { year: Number(y), month: Number(mm) };
  };
  const ledger = createMemo(() =>
    feedbackLedger(logId() ? entries().filter((e) => e.logId === logId()) : entries(), {
      now,
      span: span(),
      statuses: status() ? [status() as FeedbackStatus] : undefined,
      flaggedOnly: flaggedOnly(),
    }),
  );
  const spanText = () => (ledger().span ? periodLabel(ledger().span!, t) : t('fbl.allMonths'));
  const filtersText = () =>
    [
      logId() ? t('fbl.filterLog', { log: logTitle(logId()) }) : '',
      status()
        ? t('fbl.filterStatus', { status: label('feedbackStatus', status() as FeedbackStatus) })
        : '',
      flaggedOnly() ? t('fbl.flaggedOnly') : '',
    ]
      .filter(Boolean)
      .join(t('common.comma'));
  const village = () => ws.index.name || ws.entry.name;
  const sheet = () =>
    feedbackLedgerSheet(ledger(), {
      t,
      label,
      village: village(),
      spanText: spanText(),
      filters: filtersText(),
      logOf: hasManyLogs() ? (entryId) => logTitle(logOf().get(entryId)) : undefined,
    });
  const fileParts = () => [
    village(),
    t('fbl.file'),
    logId() ? logTitle(logId()) : '',
    month() || t('fbl.allMonthsFile'),
    status() ? label('feedbackStatus', status() as FeedbackStatus) : '',
  ];
  const exporter = createExport();
  const exportXlsx = () =>
    exporter.run(
      async () => {
        const { toXlsx } = await import('../export/xlsx.ts');
        return toXlsx([sheet()], sheetDir());
      },
      fileNameOf(fileParts(), 'xlsx'),
    );
  const exportCsv = () =>
    exporter.run(
      async () => {
        const { toCsv } = await import('../export/csv.ts');
        return toCsv(sheet());
      },
      fileNameOf(fileParts(), 'csv'),
    );
  const docHref = (entryId: string) => {
    const docId = logOf().get(entryId);
    return docId
      ? hrefOf({ name: 'doc', workspaceId: ws.entry.id, docId, entry: entryId })
      : undefined;
  };
  const monthText = (m: string) => {
    const [y, mm] = m.split('-');
    return periodLabel(monthPeriod(Number(y), Number(mm)), t);
  };
  return (
    <div class="ledger-page-wide">
      <LedgerNav active="feedback-ledger" />
      <PageFooter title={t('fbl.title', { village: village(), span: spanText() })} />
      <header class="ledger-head">
        <h1 class="ledger-title">
          <Sentence template={t('fbl.title')} params={{ village: village(), span: spanText() }} />
        </h1>
        <p class="small muted ledger-asof">
          {t('ledger.asOf', { time: formatBeijingDateTime(now) })}
          <Show when={filtersText()}>{(f) => <> · {f()}</>}</Show>
        </p>
      </header>
      <div class="ledger-controls no-print">
        <label class="field">
          <span>{t('fbl.month')}</span>
          <select name="fblMonth" value={month()} onChange={(e) => setMonth(e.currentTarget.value)}>
            <option value="" selected={month() === ''}>
              {t('fbl.allMonths')}
            </option>
            <For each={months()}>
              {(m) => (
                <option value={m} selected={m === month()}>
                  {monthText(m)}
                </option>
              )}
            </For>
          </select>
        </label>
        <Show when={hasManyLogs()}>
          <label class="field">
            <span>{t('fbl.log')}</span>
            <select
              name="fblLog"
              value={logId()}
              onChange={(e) => setChosenLog(e.currentTarget.value)}
            >
              <option value="" selected={logId() === ''}>
                {t('fbl.allLogs')}
              </option>
              <For each={logs()}>
                {(l) => (
                  <option value={l.id} selected={l.id === logId()}>
                    {l.title}
                  </option>
                )}
              </For>
            </select>
          </label>
        </Show>
        <label class="field">
          <span>{t('common.status')}</span>
          <select
            name="fblStatus"
            value={status()}
            onChange={(e) => setStatus(e.currentTarget.value as FeedbackStatus | '')}
          >
            <option value="" selected={status() === ''}>
              {t('common.all')}
            </option>
            <For each={FEEDBACK_STATUSES}>
              {(s) => (
                <option value={s} selected={s === status()}>
                  {label('feedbackStatus', s)}
                </option>
              )}
            </For>
          </select>
        </label>
        <label class="check">
          <input
            type="checkbox"
            name="fblFlagged"
            checked={flaggedOnly()}
            onChange={(e) => setFlaggedOnly(e.currentTarget.checked)}
          />
          {t('fbl.flaggedOnly')}
        </label>
        <LedgerActions
          onPrint={() => window.print()}
          exports={[
            { label: t('ledger.exportXlsx'), run: exportXlsx },
            { label: t('ledger.exportCsv'), run: exportCsv },
          ]}
          isBusy={exporter.isBusy()}
          error={exporter.error()}
          isDisabled={workspace().isLoading || workspace().feedbackNotHere > 0}
        />
      </div>
      <Show when={workspace().isLoading}>
        <p class="small muted" role="status">
          {t('dash.loading')}
        </p>
      </Show>
      <LedgerIncomplete notHere={workspace().feedbackNotHere} />
      <p class="fbl-totals" data-entries={ledger().totals.entries}>
        <span>{t('fbl.total', { n: ledger().totals.entries })}</span>
        <For each={FEEDBACK_STATUSES}>
          {(s) => (
            <span class="fbl-total" data-status={s}>
              {label('feedbackStatus', s)} {ledger().totals.byStatus[s]}
            </span>
          )}
        </For>
        {/* Each mark of the 逾期情况 column counted apart: "overdue" alone read as one figure
            that also held the resolved ones not yet answered back. */}
        <span class="fbl-flag-totals" data-flagged-total={ledger().totals.flagged}>
          <For each={AGEING_FLAGS}>
            {(flag) => (
              <span
                class={ledger().totals.byFlag[flag] > 0 ? 'bad-text' : ''}
                data-flag-total={flag}
              >
                {t('fbl.flagTotal', {
                  flag: label('ageingFlag', flag),
                  n: ledger().totals.byFlag[flag],
                })}
              </span>
            )}
          </For>
        </span>
        <Show when={ledger().totals.resolvedLate > 0}>
          <span class="warn-text" data-resolved-late-total={ledger().totals.resolvedLate}>
            {t('fbl.resolvedLateTotal', { n: ledger().totals.resolvedLate })}
          </span>
        </Show>
      </p>
      <Show when={ledger().rows.length > 0} fallback={<p class="empty">{t('fb.noEntries')}</p>}>
        <ScrollRegion label={t('fbl.title', { village: village(), span: spanText() })}>
          <table class="ledger-table fbl-table">
            <thead>
              <tr>
                <th scope="col">{t('fbl.colNo')}</th>
                <th scope="col">{t('fb.receivedAt')}</th>
                <th scope="col">{t('fb.summary')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col">{t('fbl.colHandling')}</th>
                <th scope="col">{t('fbl.colDaysOpen')}</th>
                <th scope="col">{t('fbl.colFlags')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={ledger().rows}>
                {(row) => {
                  return (
                    <tr
                      class="fbl-row"
                      data-entry-id={row.entryId}
                      data-flagged={row.flags.length > 0 ? 'true' : 'false'}
                      data-resolved-late={row.resolvedLateDays === null ? 'false' : 'true'}
                    >
                      <td class="num fbl-no">{row.no}</td>
                      <td class="fbl-date">{row.receivedDate}</td>
                      <td class="fbl-summary">
                        <a href={docHref(row.entryId)} dir="auto">
                          {row.summary}
                        </a>
                        <div class="small muted">
                          <Show when={hasManyLogs()}>
                            <bdi class="fbl-log">{logTitle(logOf().get(row.entryId))}</bdi>
                            {' · '}
                          </Show>
                          <Show when={row.source}>
                            <bdi>{row.source}</bdi>
                            {' · '}
                          </Show>
                          {[
                            label('feedbackChannel', row.channel),
                            label('feedbackCategory', row.category),
                            label('urgency', row.urgency),
                          ]
                            .filter(Boolean)
                            .join(' · ')}
                        </div>
                      </td>
                      <td class="fbl-status">
                        <span class="tag">{label('feedbackStatus', row.status)}</span>
                        <div class="small muted">
                          {t('fbl.due', { day: beijingDay(row.dueAt) })}
                        </div>
                        <Show when={row.resolvedAt}>
                          {(at) => (
                            <div class="small muted">
                              {t('fbl.resolvedOn', { day: beijingDay(at()) })}
                            </div>
                          )}
                        </Show>
                      </td>
                      <td class="fbl-history small">
                        <ol class="fbl-lines">
                          <For each={timeline(row, { t, label })}>
                            {(line) => (
                              <li>
                                <TextWithNames text={line} />
                              </li>
                            )}
                          </For>
                        </ol>
                      </td>
                      <td class="num fbl-days">
                        {row.daysOpen}
                        <span class="fbl-unit"> {t('fbl.daysUnit')}</span>
                      </td>
                      <td class="fbl-flags">
                        <Show when={row.flags.length > 0 || row.resolvedLateDays !== null}>
                          <span class={`small ${row.flags.length > 0 ? 'bad-text' : 'warn-text'}`}>
                            {flagsText(row, { t, label })}
                          </span>
                        </Show>
                      </td>
                    </tr>
                  );
                }}
              </For>
            </tbody>
          </table>
        </ScrollRegion>
      </Show>
    </div>
  );
}

import { localeMeta } from '@grassroots/shared';
import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import { ScrollRegion } from '../components/ScrollRegion.tsx';
import { Sentence } from '../components/Sentence.tsx';
import {
  ledgerMeetings,
  meetingLedgerSheets,
  periodStateText,
  startedNote,
} from '../export/meetingLedgerSheets.ts';
import { fileNameOf } from '../export/sheets.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { asOfText, periodLabel } from '../i18n/period.ts';
import {
  type MeetingLedgerRow,
  type MeetingType,
  meetingLedger,
  type ReportSpan,
  spanPeriod,
  workspaceStartedAt,
} from '../model/domain.ts';
import { PageFooter } from '../print/PrintParts.tsx';
import { createWorkspaceData } from '../projection/createWorkspaceData.ts';
import { hrefOf } from '../routing/routes.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import { createExport } from './createExport.ts';
import { LedgerActions, LedgerIncomplete, LedgerNav } from './LedgerBar.tsx';
import { RuleName, ruleNameText } from './RuleName.tsx';
import { recordYears } from './years.ts';

/**
 * The 三会一课 台账 of a year or a quarter (LEDGER-1): every required meeting period by type and
 * party group — held (with links to the records), missed, above the rhythm — with totals, the
 * meetings without a rhythm and, for a year, the secretary's 党课. Printable and exported as XLSX.
 */
export default function MeetingLedgerView(): JSX.Element {
  const { docTitle, t, label, locale } = useI18n();
  const sheetDir = () => ({ rightToLeft: localeMeta(locale()).dir === 'rtl' });
  const ws = useWorkspace();
  const workspace = createWorkspaceData(ws.sync, ws.index);
  const now = Date.now();
  const years = createMemo(() => recordYears(workspace().data, now));
  const [year, setYear] = createSignal<number | null>(null);
  const [quarter, setQuarter] = createSignal(0);
  const span = (): ReportSpan => {
    const y = year() ?? years().latest;
    return quarter() ? { year: y, quarter: quarter() } : { year: y };
  };
  const ledger = createMemo(() => {
    const { data } = workspace();
    const period = spanPeriod(span());
    // A span still running is judged now; a past one at its end (LEDGER-4).
    return meetingLedger(data.minutes, data.index.cadence, data.roster, span(), {
      now: Math.min(now, period.end),
      // LEDGER-9: periods that ended before the workspace began are not counted as missed.
      startedAt: workspaceStartedAt(data.index) ?? now,
    });
  });
  const spanText = () => periodLabel(ledger().span, t);
  /** The rows of each rule (type and party group), in the ledger's order. */
  const groups = createMemo(() => {
    const out: {
      key: string;
      title: string;
      meetingType: MeetingType;
      groupName: string | null;
      rows: MeetingLedgerRow[];
    }[] = [];
    for (const row of ledger().rows) {
      const key = `${row.meetingType}~${row.groupId ?? ''}`;
      let g = out.find((x) => x.key === key);
      if (!g) {
        g = {
          key,
          title: ruleNameText(row.meetingType, row.groupName, label),
          meetingType: row.meetingType,
          groupName: row.groupName ?? null,
          rows: [],
        };
        out.push(g);
      }
      g.rows.push(row);
    }
    return out;
  });
  const docHref = (docId: string) => hrefOf({ name: 'doc', workspaceId: ws.entry.id, docId });
  const exporter = createExport();
  const village = () => ws.index.name || ws.entry.name;
  const exportXlsx = () =>
    exporter.run(
      async () => {
        const { toXlsx } = await import('../export/xlsx.ts');
        return toXlsx(
          meetingLedgerSheets(ledger(), { t, label, village: village(), spanText: spanText() }),
          sheetDir(),
        );
      },
      fileNameOf([village(), t('ledger.meetingsFile'), ledger().span.key], 'xlsx'),
    );
  const stateTag = (row: MeetingLedgerRow) =>
    row.beforeStart
      ? 'muted'
      : row.missed
        ? 'bad'
        : row.state === 'done'
          ? 'ok'
          : row.state === 'due' || row.state === 'unconfirmed'
            ? 'warn'
            : '';
  const other = () => ledger().otherMeetings;
  return (
    <>
      <LedgerNav active="meetings-ledger" />
      <PageFooter title={t('ledger.meetingsTitle', { village: village(), span: spanText() })} />
      <header class="ledger-head">
        <h1 class="ledger-title">
          <Sentence
            template={t('ledger.meetingsTitle')}
            params={{ village: village(), span: spanText() }}
          />
        </h1>
        <p class="small muted ledger-asof">
          {asOfText(ledger().now, ledger().span.end, t)}
          {' · '}
          {t('ledger.rhythm', { preset: label('cadencePreset', ws.index.cadence.preset) })}
        </p>
        <Show when={startedNote(ledger(), t)}>
          {(note) => (
            <p class="small muted ledger-started" data-started-at={ledger().startedAt ?? ''}>
              {note()}
            </p>
          )}
        </Show>
      </header>
      <div class="ledger-controls no-print">
        <a
          class="btn"
          data-action="print-book"
          href={hrefOf({
            name: 'minutesBook',
            workspaceId: ws.entry.id,
            year: year() ?? years().latest,
          })}
        >
          {t('ledger.printBook')}
        </a>
        <label class="field">
          <span>{t('ledger.year')}</span>
          <select
            name="ledgerYear"
            value={String(year() ?? years().latest)}
            onChange={(e) => setYear(Number(e.currentTarget.value))}
          >
            <For each={years().years}>
              {(y) => (
                <option value={y} selected={y === (year() ?? years().latest)}>
                  {t('period.year', { year: y })}
                </option>
              )}
            </For>
          </select>
        </label>
        <label class="field">
          <span>{t('ledger.quarter')}</span>
          <select
            name="ledgerQuarter"
            value={String(quarter())}
            onChange={(e) => setQuarter(Number(e.currentTarget.value))}
          >
            <option value="0" selected={quarter() === 0}>
              {t('ledger.wholeYear')}
            </option>
            <For each={[1, 2, 3, 4]}>
              {(q) => (
                <option value={q} selected={q === quarter()}>
                  {t('ledger.quarterN', { quarter: q })}
                </option>
              )}
            </For>
          </select>
        </label>
        <LedgerActions
          onPrint={() => window.print()}
          exports={[{ label: t('ledger.exportXlsx'), run: exportXlsx }]}
          isBusy={exporter.isBusy()}
          error={exporter.error()}
          isDisabled={workspace().isLoading || workspace().minutesNotHere > 0}
        />
      </div>
      <Show when={workspace().isLoading}>
        <p class="small muted" role="status">
          {t('dash.loading')}
        </p>
      </Show>
      <LedgerIncomplete notHere={workspace().minutesNotHere} />

      <section class="panel ledger-section" aria-labelledby="ledger-totals">
        <h2 id="ledger-totals">{t('ledger.totals')}</h2>
        <Show when={ledger().secretaryLectures}>
          {(l) => (
            <p class={`small ${l().met ? '' : 'warning'}`} data-secretary-met={String(l().met)}>
              {l().met
                ? t('ledger.secretaryMet', {
                    n: l().lectures.filter((x) => x.bySecretary).length,
                  })
                : t('ledger.secretaryMissed')}
            </p>
          )}
        </Show>
        <ScrollRegion label={t('ledger.totals')}>
          <table class="ledger-table ledger-cards totals-table">
            <thead>
              <tr>
                <th scope="col">{t('ledger.colType')}</th>
                <th scope="col">{t('ledger.colPeriods')}</th>
                <th scope="col">{t('ledger.colDone')}</th>
                <th scope="col">{t('ledger.colMissed')}</th>
                <th scope="col">{t('ledger.colUnconfirmed')}</th>
                <th scope="col">{t('ledger.colOpen')}</th>
                <th scope="col">{t('ledger.colBeforeStart')}</th>
                <th scope="col">{t('ledger.colAbove')}</th>
                <th scope="col">{t('ledger.colMeetings')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={ledger().totals}>
                {(x) => (
                  <tr data-type={x.meetingType} data-group={x.groupId ?? ''}>
                    <th scope="row">
                      <RuleName meetingType={x.meetingType} groupName={x.groupName ?? null} />
                    </th>
                    <td class="num" data-label={t('ledger.colPeriods')}>
                      {x.periods}
                    </td>
                    <td class="num" data-label={t('ledger.colDone')}>
                      {x.done}
                    </td>
                    <td
                      class="num"
                      classList={{ 'bad-text': x.missed > 0 }}
                      data-label={t('ledger.colMissed')}
                    >
                      {x.missed}
                    </td>
                    <td
                      class="num"
                      classList={{ 'warn-text': x.unconfirmed > 0 }}
                      data-label={t('ledger.colUnconfirmed')}
                    >
                      {x.unconfirmed}
                    </td>
                    <td class="num" data-label={t('ledger.colOpen')}>
                      {x.open}
                    </td>
                    <td
                      class="num"
                      data-before-start={x.beforeStart}
                      data-label={t('ledger.colBeforeStart')}
                    >
                      {x.beforeStart}
                    </td>
                    <td class="num" data-label={t('ledger.colAbove')}>
                      {x.aboveMax}
                    </td>
                    <td class="num" data-label={t('ledger.colMeetings')}>
                      {x.meetings}
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </ScrollRegion>
      </section>

      {/* On a phone the ledger is 18–23 screens: each kind of meeting is a tap away. */}
      <Show when={groups().length > 1}>
        <nav class="ledger-jump no-print" aria-label={t('ledger.jumpTo')}>
          <span class="small muted">{t('ledger.jumpTo')}</span>
          <For each={groups()}>
            {(g) => (
              <button
                type="button"
                class="btn-link small"
                data-jump={g.key}
                onClick={() =>
                  document
                    .querySelector(`.ledger-rule[data-rule="${CSS.escape(g.key)}"]`)
                    ?.scrollIntoView({ block: 'start' })
                }
              >
                <RuleName meetingType={g.meetingType} groupName={g.groupName} />
              </button>
            )}
          </For>
        </nav>
      </Show>
      <For each={groups()}>
        {(g) => (
          <section class="panel ledger-section ledger-rule" data-rule={g.key}>
            <h2>
              <RuleName meetingType={g.meetingType} groupName={g.groupName} />
            </h2>
            <ScrollRegion label={g.title}>
              <table class="ledger-table ledger-cards periods-table">
                <thead>
                  <tr>
                    <th scope="col">{t('ledger.colPeriod')}</th>
                    <th scope="col">{t('ledger.colRequiredHeld')}</th>
                    <th scope="col">{t('ledger.colState')}</th>
                    <th scope="col">{t('ledger.colRecords')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={g.rows}>
                    {(row) => (
                      <tr
                        data-period={row.period.key}
                        data-state={
                          row.beforeStart ? 'before-start' : row.missed ? 'missed' : row.state
                        }
                        data-above={row.aboveMax ? 'true' : 'false'}
                      >
                        <th scope="row">{periodLabel(row.period, t)}</th>
                        <td class="num" data-label={t('ledger.colRequiredHeld')}>
                          {row.held.length}/{row.required ?? '—'}
                        </td>
                        <td class="cell-state" data-label={t('ledger.colState')}>
                          <span class={`tag ${stateTag(row)}`}>
                            {periodStateText(row, { t, label })}
                          </span>
                          <Show when={row.aboveMax}>
                            {' '}
                            <span class="tag">{t('ledger.above')}</span>
                          </Show>
                        </td>
                        <td class="cell-wide">
                          <ul class="held-list">
                            <For each={row.held}>
                              {(m) => (
                                <li>
                                  <a href={docHref(m.docId)}>
                                    {m.date} <bdi>{docTitle(m.title)}</bdi>
                                  </a>{' '}
                                  <Show when={m.state !== 'final'}>
                                    <span class="tag warn" data-record-state={m.state}>
                                      {label('minutesState', m.state)}
                                    </span>{' '}
                                  </Show>
                                  <Show when={m.quorumMet === false}>
                                    <span class="tag bad" data-quorum-met="false">
                                      {t('ledger.belowQuorum')}
                                    </span>{' '}
                                  </Show>
                                  <span class="small muted whole">
                                    {t('ledger.counts', {
                                      expected: m.expected,
                                      present: m.present,
                                    })}
                                  </span>
                                </li>
                              )}
                            </For>
                          </ul>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </ScrollRegion>
          </section>
        )}
      </For>

      <Show when={other().length > 0}>
        <section class="panel ledger-section" aria-labelledby="ledger-other">
          <h2 id="ledger-other">{t('ledger.otherMeetings')}</h2>
          <ul class="held-list">
            <For each={other()}>
              {(m) => (
                <li>
                  <a href={docHref(m.docId)}>
                    {m.date} {label('meetingType', m.meetingType)} · <bdi>{docTitle(m.title)}</bdi>
                  </a>{' '}
                  <span class="small muted whole">
                    {t('ledger.counts', { expected: m.expected, present: m.present })}
                  </span>
                </li>
              )}
            </For>
          </ul>
        </section>
      </Show>
      <p class="small muted ledger-count">
        {t('ledger.meetingCount', { n: ledgerMeetings(ledger()).length })}
      </p>
    </>
  );
}

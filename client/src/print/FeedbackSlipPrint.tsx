import { createMemo, For, type JSX, onCleanup, Show } from 'solid-js';
import { ScrollRegion } from '../components/ScrollRegion.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { beijingDay, formatBeijingDateTime } from '../i18n/time.ts';
import { isOverdue } from '../model/ageing.ts';
import {
  dueAtOf,
  type FeedbackEntry,
  type FeedbackEvent,
  feedbackEvents,
  ledgerDays,
  readFeedbackLog,
  resolvedAtOf,
  resolvedLateMsOf,
} from '../model/domain.ts';
import { createDocProjection } from '../projection/createDocProjection.ts';
import { hrefOf } from '../routing/routes.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import { PageFooter, PrintBar, PrintFoot } from './PrintParts.tsx';
import { footerTitle } from './pageFooter.ts';

/**
 * One feedback entry as a 民情办理单 for paper, to hand over with a request or to file: when and
 * how it came, its category, urgency and the day it is due (marked when it was missed), the
 * offices it was relayed to (交办单位) and the day it was resolved, who recorded it, the request
 * itself, every relay (交办), response and status change with who and when, and lines for the
 * cadre who handled it and the office it went to. The source is the household or group label only.
 */
export default function FeedbackSlipPrint(props: { docId: string; entryId: string }): JSX.Element {
  const { t, label } = useI18n();
  const ws = useWorkspace();
  const session = ws.sync.acquire(props.docId);
  onCleanup(() => session.release());
  const log = createDocProjection(session.synced.doc, readFeedbackLog);
  const entry = createMemo(() => log.entries.find((e) => e.id === props.entryId) ?? null);
  const village = () => ws.index.name || ws.entry.name;
  const printedAt = Date.now();
  const paragraphs = (text: string) => text.split('\n').filter((p) => p.trim() !== '');
  /** The offices it went to, each once, in the order it went (交办单位). */
  const relayedTo = (e: FeedbackEntry) => [...new Set(e.relays.map((r) => r.to.trim()))];
  /** Past its due day: overdue now, or resolved late by so many days (AGE-2, AGE-6). */
  const dueMark = (e: FeedbackEntry) => {
    const late = resolvedLateMsOf(e, printedAt);
    if (late !== null) {
      const days = t('fbl.daysPast', { n: ledgerDays(dueAtOf(e), dueAtOf(e) + late) });
      return `${t('fbl.resolvedLate')}${t('common.paren', { text: days })}`;
    }
    return isOverdue(e, printedAt) ? t('fb.isOverdue') : '';
  };
  return (
    <>
      <PrintBar
        back={hrefOf({
          name: 'doc',
          workspaceId: ws.entry.id,
          docId: props.docId,
          entry: props.entryId,
        })}
        hint={t('print.slipHint')}
      />
      <PageFooter title={footerTitle(village(), t('print.slipHeading'))} />
      <Show when={entry()} fallback={<p class="muted">{t('print.noEntry')}</p>}>
        {(e) => (
          <article class="print-doc feedback-slip" data-status={e().status}>
            <header class="print-head">
              <p class="print-village" dir="auto">
                {village()}
              </p>
              <h1>{t('print.slipHeading')}</h1>
            </header>
            <table class="print-fields">
              <tbody>
                <tr>
                  <th scope="row">{t('fb.receivedAt')}</th>
                  <td class="slip-received">
                    {t('print.beijingTime', { time: formatBeijingDateTime(e().receivedAt) })}
                  </td>
                  <th scope="row">{t('fb.channel')}</th>
                  <td>{label('feedbackChannel', e().channel)}</td>
                </tr>
                <tr>
                  <th scope="row">{t('print.slipSource')}</th>
                  <td>
                    <bdi>{e().source || '—'}</bdi>
                  </td>
                  <th scope="row">{t('fb.category')}</th>
                  <td>{label('feedbackCategory', e().category)}</td>
                </tr>
                <tr>
                  <th scope="row">{t('fb.urgency')}</th>
                  <td>{label('urgency', e().urgency)}</td>
                  <th scope="row">{t('print.slipDue')}</th>
                  <td class="slip-due">
                    {beijingDay(dueAtOf(e()))}
                    <Show when={dueMark(e())}>
                      {(mark) => <span class="slip-mark"> {mark()}</span>}
                    </Show>
                  </td>
                </tr>
                <tr>
                  <th scope="row">{t('print.slipRelayedTo')}</th>
                  <td class="slip-relayed-to">
                    <For each={relayedTo(e())}>
                      {(to, i) => (
                        <>
                          {i() > 0 ? t('common.listSep') : ''}
                          <bdi>{to}</bdi>
                        </>
                      )}
                    </For>
                  </td>
                  <th scope="row">{t('print.slipResolvedAt')}</th>
                  <td class="slip-resolved">
                    {(() => {
                      const at = resolvedAtOf(e(), printedAt);
                      return at === null ? '' : beijingDay(at);
                    })()}
                  </td>
                </tr>
                <tr>
                  <th scope="row">{t('print.slipRecordedBy')}</th>
                  <td>
                    <bdi>{e().recordedBy?.name ?? '—'}</bdi>
                  </td>
                  <th scope="row">{t('common.status')}</th>
                  <td class="slip-status">{label('feedbackStatus', e().status)}</td>
                </tr>
              </tbody>
            </table>

            <section class="print-section print-body slip-summary">
              <h2>{t('fb.summary')}</h2>
              <For each={paragraphs(e().summary)}>{(p) => <p dir="auto">{p}</p>}</For>
            </section>

            <section class="print-section">
              <h2>{t('fb.timeline')}</h2>
              <Show when={e().relays.length + e().responses.length + e().transitions.length > 0}>
                <ScrollRegion label={t('fb.timeline')}>
                  <table class="print-table slip-timeline">
                    <thead>
                      <tr>
                        <th scope="col" class="print-nowrap">
                          {t('print.time')}
                        </th>
                        <th scope="col">{t('print.slipWhat')}</th>
                        <th scope="col" class="print-nowrap">
                          {t('print.slipBy')}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={feedbackEvents(e())}>
                        {(x) => {
                          // Read in the language shown now (it follows a switch).
                          const row = () => timelineRow(x, t, label);
                          return (
                            <tr data-kind={x.kind}>
                              <td class="print-nowrap slip-time">
                                {/* Date before time in a right-to-left sheet too. */}
                                {/* On a phone the hour may go under the day; neither is split. */}
                                <bdi dir="ltr">
                                  <span class="slip-day">{beijingDay(x.at)}</span>{' '}
                                  <span class="slip-hour">
                                    {formatBeijingDateTime(x.at).slice(11)}
                                  </span>
                                </bdi>
                              </td>
                              <td>
                                <p>{row().what}</p>
                                <Show when={row().text}>
                                  <p dir="auto">{row().text}</p>
                                </Show>
                              </td>
                              <td class="print-nowrap">
                                <bdi>{x.by?.name ?? ''}</bdi>
                              </td>
                            </tr>
                          );
                        }}
                      </For>
                    </tbody>
                  </table>
                </ScrollRegion>
              </Show>
            </section>

            <section class="print-section slip-opinion">
              <h2>{t('print.slipOpinion')}</h2>
              <div class="slip-box" />
            </section>

            <PrintFoot
              lineClass="print-printed"
              line={t('print.printedAt', { time: formatBeijingDateTime(printedAt) })}
              signs={[t('print.handlerSigns'), t('print.unitSigns')]}
            />
          </article>
        )}
      </Show>
    </>
  );
}

/** One line of the slip's timeline: what happened, its text or note, and who. */
function timelineRow(
  x: FeedbackEvent,
  t: ReturnType<typeof useI18n>['t'],
  label: ReturnType<typeof useI18n>['label'],
): { what: string; text: string } {
  if (x.kind === 'status') {
    return { what: t('fb.statusTo', { status: label('feedbackStatus', x.to) }), text: x.note };
  }
  if (x.kind === 'relay') return { what: t('fb.relayedTo', { to: x.to }), text: x.note };
  return { what: t('print.slipResponse'), text: x.text };
}

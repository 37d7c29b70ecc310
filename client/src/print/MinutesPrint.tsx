import { createMemo, For, type JSX, onCleanup, Show } from 'solid-js';
import type * as Y from 'yjs';
import { ScrollRegion } from '../components/ScrollRegion.tsx';
import { Sentence } from '../components/Sentence.tsx';
import { VoteVerdict } from '../editors/minutesChecks.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { useNameOrder } from '../i18n/nameOrder.ts';
import { formatBeijingDateTime } from '../i18n/time.ts';
import {
  type AbsenceReason,
  MINUTES_BODY_FIELD,
  meetingAttendance,
  readMinutes,
  richBlocks,
  voteCheck,
} from '../model/domain.ts';
import { createDocProjection, createDocValue } from '../projection/createDocProjection.ts';
import { hrefOf } from '../routing/routes.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import { PageFooter, PrintBar, PrintFoot } from './PrintParts.tsx';
import { footerTitle } from './pageFooter.ts';
import { RichPrint } from './RichPrint.tsx';

/**
 * A minutes record as an official 会议记录 for paper: header (village, meeting type, time in
 * Beijing time, place, chair, recorder), 应到/实到/缺席 with reasons, a sign-in sheet with a line
 * per person expected, agenda, body, decisions with their tallies and quorum, action items and
 * the finalisation line. On screen a bar above it prints or goes back; the print stylesheet
 * leaves out everything of the app around it.
 */
export default function MinutesPrint(props: { docId: string }): JSX.Element {
  const { t } = useI18n();
  const ws = useWorkspace();
  const session = ws.sync.acquire(props.docId);
  onCleanup(() => session.release());
  return (
    <>
      <PrintBar
        back={hrefOf({ name: 'doc', workspaceId: ws.entry.id, docId: props.docId })}
        hint={t('print.hint')}
      />
      <MinutesSheet doc={session.synced.doc} />
    </>
  );
}

/** One minutes record as its sheet of paper (the 会议记录 alone, no bar around it). */
export function MinutesSheet(props: {
  doc: Y.Doc;
  /** False where the sheet is one of many on the paper (the year's book has its own foot). */
  pageFooter?: boolean;
}): JSX.Element {
  const { docTitle, t, label } = useI18n();
  const names = useNameOrder();
  const ws = useWorkspace();
  const m = createDocProjection(props.doc, readMinutes);
  const count = createMemo(() => meetingAttendance(m, ws.roster()));
  const village = () => ws.index.name || ws.entry.name;
  const groupName = () =>
    m.meetingType === 'party-group'
      ? (ws.roster()?.groups.find((g) => g.id === m.groupId)?.name ?? null)
      : null;
  /** Who signs in: 应到 from the roster (or the record's snapshot), else the people listed. */
  const signIn = createMemo(() => {
    if (count().source === 'villager-counts') return [];
    // Someone marked absent has the reason in their signature box, so it is not left blank for
    // anyone to sign; someone not marked has a blank box (the sheet may be printed to be signed).
    const reasons = new Map(
      count()
        .absent.filter((a) => a.reason !== null)
        .map((a) => [a.key, label('absenceReason', a.reason!)]),
    );
    return names
      .sort(count().expected, (x) => x.name)
      .map((x) => ({ name: x.name, absent: reasons.get(x.key) ?? null }));
  });
  const absent = createMemo(() => names.sort(count().absent, (a) => a.name));
  const guests = createMemo(() => names.sort(count().guests, (g) => g.person.name));
  const body = createDocValue(props.doc, (d) => richBlocks(d.getXmlFragment(MINUTES_BODY_FIELD)));
  const votesWithoutDecision = () =>
    m.votes.filter((v) => !m.decisions.some((d) => d.voteId === v.id));
  const reason = (r: AbsenceReason | null) => (r ? label('absenceReason', r) : t('min.notMarked'));
  return (
    <article class="print-doc minutes-print" data-state={m.state}>
      <Show when={props.pageFooter !== false}>
        <PageFooter
          title={footerTitle(
            village(),
            m.title.trim()
              ? docTitle(m.title)
              : t('print.minutesHeading', { type: label('meetingType', m.meetingType) }),
          )}
        />
      </Show>
      <header class="print-head">
        <p class="print-village" dir="auto">
          {village()}
        </p>
        <h1>{t('print.minutesHeading', { type: label('meetingType', m.meetingType) })}</h1>
        <Show when={m.state !== 'final'}>
          <p class="print-draft">{t('print.draftMark')}</p>
        </Show>
      </header>
      <table class="print-fields">
        <tbody>
          <tr>
            <th scope="row">{t('min.title')}</th>
            <td colSpan={3}>
              <bdi>{docTitle(m.title)}</bdi>
            </td>
          </tr>
          <tr>
            <th scope="row">{t('min.type')}</th>
            <td>
              {label('meetingType', m.meetingType)}
              <Show when={groupName()}>
                {(g) => (
                  <>
                    {' · '}
                    <bdi>{g()}</bdi>
                  </>
                )}
              </Show>
            </td>
            <th scope="row">{t('print.time')}</th>
            <td>
              {m.startsAt === null
                ? '—'
                : t('print.beijingTime', { time: formatBeijingDateTime(m.startsAt) })}
            </td>
          </tr>
          <tr>
            <th scope="row">{t('min.place')}</th>
            <td colSpan={3}>
              <bdi>{m.place || '—'}</bdi>
            </td>
          </tr>
          <tr>
            <th scope="row">{t('min.chair')}</th>
            <td>
              <bdi>{m.chair?.name ?? '—'}</bdi>
            </td>
            <th scope="row">{t('min.recorder')}</th>
            <td>
              <bdi>{m.recorder?.name ?? '—'}</bdi>
            </td>
          </tr>
          <Show when={m.lecturer}>
            {(l) => (
              <tr>
                <th scope="row">{t('min.lecturer')}</th>
                <td colSpan={3}>
                  <bdi>{l().name}</bdi>
                </td>
              </tr>
            )}
          </Show>
          <tr>
            <th scope="row">{t('print.attendance')}</th>
            <td colSpan={3} class="print-counts">
              {t('min.countLine', {
                expected: count().expectedCount,
                present: count().presentCount,
                absent: count().absentCount,
              })}
            </td>
          </tr>
          <Show when={count().absent.length > 0}>
            <tr>
              <th scope="row">{t('print.absentees')}</th>
              <td colSpan={3}>
                <For each={absent()}>
                  {(a, i) => (
                    <>
                      <Show when={i() > 0}>{t('min.listSeparator')}</Show>
                      <span class="absent-item">
                        <Sentence
                          template={t('min.absentName')}
                          params={{ name: a.name, reason: reason(a.reason) }}
                        />
                      </span>
                    </>
                  )}
                </For>
              </td>
            </tr>
          </Show>
          <Show when={count().guests.length > 0}>
            <tr>
              <th scope="row">{t('print.guests')}</th>
              <td colSpan={3}>
                <For each={guests()}>
                  {(g, i) => (
                    <>
                      <Show when={i() > 0}>{t('min.listSeparator')}</Show>
                      <bdi>{g.person.name}</bdi>
                    </>
                  )}
                </For>
              </td>
            </tr>
          </Show>
        </tbody>
      </table>

      <Show when={signIn().length > 0}>
        <section class="print-section print-signin">
          <h2>{t('print.signIn')}</h2>
          <ScrollRegion label={t('print.signIn')} hint={t('common.scrollSideways')}>
            <table class="signin-table">
              <thead>
                <tr>
                  <th scope="col">{t('print.no')}</th>
                  <th scope="col">{t('print.name')}</th>
                  <th scope="col">{t('print.signature')}</th>
                  <th scope="col">{t('print.no')}</th>
                  <th scope="col">{t('print.name')}</th>
                  <th scope="col">{t('print.signature')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={pairs(signIn())}>
                  {([left, right], i) => (
                    <tr>
                      <td class="signin-no">{i() * 2 + 1}</td>
                      <td class="signin-name">
                        <bdi>{left.name}</bdi>
                      </td>
                      <SignInLine absent={left.absent} />
                      <td class="signin-no">{right === undefined ? '' : i() * 2 + 2}</td>
                      <td class="signin-name">
                        <bdi>{right?.name ?? ''}</bdi>
                      </td>
                      <SignInLine absent={right?.absent ?? null} />
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </ScrollRegion>
        </section>
      </Show>

      <section class="print-section">
        <h2>{t('min.agenda')}</h2>
        <Show when={m.agenda.length > 0} fallback={<p>—</p>}>
          <ol class="print-agenda">
            <For each={m.agenda}>{(item) => <li dir="auto">{item.title}</li>}</For>
          </ol>
        </Show>
      </section>

      <section class="print-section print-body">
        <h2>{t('min.body')}</h2>
        <Show when={body().length > 0} fallback={<p>—</p>}>
          <RichPrint blocks={body()} />
        </Show>
      </section>

      <section class="print-section">
        <h2>{t('print.decisions')}</h2>
        <Show
          when={m.decisions.length > 0 || m.votes.length > 0}
          fallback={<p>{t('print.noDecisions')}</p>}
        >
          <ol class="print-decisions">
            <For each={m.decisions}>
              {(d) => {
                const vote = () => m.votes.find((v) => v.id === d.voteId);
                return (
                  <li>
                    <p>
                      <bdi>{d.text}</bdi>
                      <Show when={d.step}>
                        {(s) => t('common.paren', { text: label('decisionStep', s()) })}
                      </Show>
                    </p>
                    <Show when={vote()}>
                      {(v) => (
                        <div class="print-vote">
                          <p>
                            <Sentence
                              template={t('print.voteOn')}
                              params={{ motion: v().motion }}
                            />
                            {t('min.tally', { ...v().tally })}
                            <Show when={v().outcome}>
                              {(o) => (
                                <>
                                  {t('common.semicolon')}
                                  {t('print.declared', { outcome: label('voteOutcome', o()) })}
                                </>
                              )}
                            </Show>
                          </p>
                          <VoteVerdict
                            check={voteCheck(m, v(), ws.roster())}
                            declared={v().outcome ?? null}
                            isPrint
                          />
                        </div>
                      )}
                    </Show>
                  </li>
                );
              }}
            </For>
            <For each={votesWithoutDecision()}>
              {(v) => (
                <li>
                  <div class="print-vote">
                    <p>
                      <Sentence template={t('print.voteOn')} params={{ motion: v.motion }} />
                      {t('min.tally', { ...v.tally })}
                      <Show when={v.outcome}>
                        {(o) => (
                          <>
                            {t('common.semicolon')}
                            {t('print.declared', { outcome: label('voteOutcome', o()) })}
                          </>
                        )}
                      </Show>
                    </p>
                    <VoteVerdict
                      check={voteCheck(m, v, ws.roster())}
                      declared={v.outcome ?? null}
                      isPrint
                    />
                  </div>
                </li>
              )}
            </For>
          </ol>
        </Show>
      </section>

      <section class="print-section">
        <h2>{t('min.actions')}</h2>
        <Show when={m.actionItems.length > 0} fallback={<p>—</p>}>
          {/* Number, owner and day are never broken ('王建/国', 'تەرتى/پ' on a phone); what is
              to be done takes the rest. */}
          <table class="print-table print-actions">
            <thead>
              <tr>
                <th scope="col" class="print-nowrap">
                  {t('print.no')}
                </th>
                <th scope="col">{t('min.actionWhat')}</th>
                <th scope="col" class="print-nowrap">
                  {t('common.owner')}
                </th>
                {/* Its heading may wrap between words: the day under it is as wide. */}
                <th scope="col">{t('common.due')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={m.actionItems}>
                {(a, i) => (
                  <tr>
                    <td class="print-nowrap">{i() + 1}</td>
                    <td>
                      <bdi>{a.what}</bdi>
                    </td>
                    <td class="print-nowrap">
                      <bdi>{a.owner?.name ?? ''}</bdi>
                    </td>
                    <td class="print-nowrap">{a.due ?? ''}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </section>

      <PrintFoot
        lineClass="print-final"
        line={
          <Show when={m.state === 'final' && m.finalisedAt !== null} fallback={t('print.notFinal')}>
            <Sentence
              template={t('print.finalLine')}
              params={{
                time: formatBeijingDateTime(m.finalisedAt ?? 0),
                by: m.finalisedBy?.name ?? '',
              }}
            />
          </Show>
        }
        signs={[t('print.chairSigns'), t('print.recorderSigns')]}
      />
    </article>
  );
}

/** A signature box of the sign-in sheet; an absence marked with its reason, in brackets. */
function SignInLine(props: { absent: string | null }): JSX.Element {
  const { t } = useI18n();
  return (
    <td class="signin-line" data-absent={props.absent === null ? undefined : 'true'}>
      <Show when={props.absent}>
        {(reason) => <span class="signin-absent">{t('common.paren', { text: reason() })}</span>}
      </Show>
    </td>
  );
}

/** [a, b], [c, d]…: two people per row of the sign-in sheet. */
function pairs<T>(xs: readonly T[]): [T, T | undefined][] {
  const out: [T, T | undefined][] = [];
  for (let i = 0; i < xs.length; i += 2) out.push([xs[i]!, xs[i + 1]]);
  return out;
}

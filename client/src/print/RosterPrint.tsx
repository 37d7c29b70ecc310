import { createMemo, For, type JSX, onCleanup, Show } from 'solid-js';
import { ScrollRegion } from '../components/ScrollRegion.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { useNameOrder } from '../i18n/nameOrder.ts';
import { beijingDay, formatBeijingDateTime } from '../i18n/time.ts';
import { bodyRoster, isMemberAt, type Membership, readRoster } from '../model/domain.ts';
import { createDocProjection } from '../projection/createDocProjection.ts';
import { hrefOf } from '../routing/routes.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import { PageFooter, PrintBar, PrintFoot } from './PrintParts.tsx';
import { footerTitle } from './pageFooter.ts';

/** The bodies the roster prints, in this order (each 党小组 shows as a column of the party list). */
const BODIES = [
  'party',
  'branch-committee',
  'village-committee',
  'villager-representatives',
] as const;

/**
 * The roster as a 村组织名册 for paper, as of the day it is printed: for the party, each member's
 * 正式 / 预备 status, 党小组, the day they joined and the day they became 正式; for the branch and
 * village committees, each member's office and the day they took it up; the villagers'
 * representatives and their day; counts for each body. Names only, nothing else about a person.
 * On screen a bar above it prints or goes back; the print stylesheet leaves out the app.
 */
export default function RosterPrint(props: { docId: string }): JSX.Element {
  const { t, label } = useI18n();
  const names = useNameOrder();
  const ws = useWorkspace();
  const session = ws.sync.acquire(props.docId);
  onCleanup(() => session.release());
  const roster = createDocProjection(session.synced.doc, readRoster);
  const at = Date.now();
  const village = () => ws.index.name || ws.entry.name;
  /** A person's running membership of a roster body at the printing instant. */
  const membership = (personId: string, body: Membership['body']) =>
    roster.memberships.find((m) => m.personId === personId && m.body === body && isMemberAt(m, at));
  const groupOf = (personId: string) => {
    const m = membership(personId, 'party-group');
    return m ? (roster.groups.find((g) => g.id === m.groupId)?.name ?? '') : '';
  };
  const members = createMemo(() =>
    BODIES.map((body) => ({
      body,
      people: names.sort(bodyRoster(roster, { body }, at), (p) => p.name),
    })),
  );

  return (
    <>
      <PrintBar
        back={hrefOf({ name: 'workspace', workspaceId: ws.entry.id, view: 'roster' })}
        hint={t('print.rosterHint')}
      />
      <PageFooter title={footerTitle(village(), roster.title || t('roster.defaultTitle'))} />
      <article class="print-doc roster-print">
        <header class="print-head">
          <p class="print-village" dir="auto">
            {village()}
          </p>
          <h1 dir="auto">{roster.title || t('roster.defaultTitle')}</h1>
        </header>
        <table class="print-fields">
          <tbody>
            <tr>
              <th scope="row">{t('print.asOf')}</th>
              <td class="roster-print-day">{beijingDay(at)}</td>
            </tr>
          </tbody>
        </table>

        <For each={members()}>
          {({ body, people }) => (
            <section class="print-section roster-print-body" data-body={body}>
              <h2>
                {label('body', body)}
                {t('common.paren', { text: t('roster.currentCount', { n: people.length }) })}
              </h2>
              <Show when={body === 'party' && people.length > 0}>
                <p class="roster-print-counts">
                  {t('print.partyCounts', {
                    full: people.filter((p) => p.status === 'full').length,
                    probationary: people.filter((p) => p.status === 'probationary').length,
                  })}
                </p>
              </Show>
              <Show when={people.length > 0} fallback={<p>{t('roster.noMembers')}</p>}>
                <ScrollRegion label={label('body', body)}>
                  <table class="print-table roster-print-table">
                    <thead>
                      <tr>
                        <th scope="col" class="print-nowrap">
                          {t('print.no')}
                        </th>
                        <th scope="col">{t('roster.personName')}</th>
                        <Show when={body === 'party'}>
                          <th scope="col">{t('roster.status')}</th>
                          <th scope="col">{t('roster.groups')}</th>
                        </Show>
                        <Show when={body === 'branch-committee' || body === 'village-committee'}>
                          <th scope="col">{t('roster.office')}</th>
                        </Show>
                        <th scope="col" class="print-nowrap">
                          {t('roster.joined')}
                        </th>
                        <Show when={body === 'party'}>
                          <th scope="col" class="print-nowrap">
                            {t('roster.confirmFull')}
                          </th>
                        </Show>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={people}>
                        {(p, i) => {
                          const m = membership(p.personId, body);
                          return (
                            <tr data-person-id={p.personId}>
                              <td class="signin-no">{i() + 1}</td>
                              <td class="print-nowrap">
                                <bdi>{p.name}</bdi>
                              </td>
                              <Show when={body === 'party'}>
                                <td class="print-nowrap">
                                  {p.status ? label('partyStatus', p.status) : ''}
                                </td>
                                <td class="roster-print-group">
                                  <bdi>{groupOf(p.personId)}</bdi>
                                </td>
                              </Show>
                              <Show
                                when={body === 'branch-committee' || body === 'village-committee'}
                              >
                                <td class="print-nowrap">
                                  {p.office ? label('office', p.office) : ''}
                                </td>
                              </Show>
                              <td class="print-nowrap">{m?.joined ?? ''}</td>
                              <Show when={body === 'party'}>
                                <td class="print-nowrap">{m?.fullFrom ?? ''}</td>
                              </Show>
                            </tr>
                          );
                        }}
                      </For>
                    </tbody>
                  </table>
                </ScrollRegion>
              </Show>
            </section>
          )}
        </For>

        <PrintFoot
          lineClass="print-printed"
          line={t('print.printedAt', { time: formatBeijingDateTime(at) })}
          signs={[t('print.fillerSigns'), t('print.approverSigns')]}
        />
      </article>
    </>
  );
}

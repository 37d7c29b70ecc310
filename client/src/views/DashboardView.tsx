import { createComputed, createMemo, For, type JSX, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { createUnresolvedCounts } from '../comments/createUnresolvedCounts.ts';
import { CadencePresetField } from '../components/CadencePresetField.tsx';
import { Sentence } from '../components/Sentence.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { periodLabel } from '../i18n/period.ts';
import { workspaceCadence } from '../model/attention.ts';
import {
  type AgeingItem,
  ageFeedback,
  type FeedbackEntry,
  ledgerDays,
  planProgress,
  taskOverdueDays,
} from '../model/domain.ts';
import { createWorkspaceData } from '../projection/createWorkspaceData.ts';
import { hrefOf } from '../routing/routes.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import { DecisionCasesPanel } from './DecisionCasesPanel.tsx';
import { openNewDoc } from './DocsView.tsx';

/** This period's 三会一课, plan progress and the feedback that has waited longest. */
export function DashboardView(): JSX.Element {
  const { docTitle, t, label } = useI18n();
  const ws = useWorkspace();
  // Every listed doc read through the kind registry; recomputed when any doc changes (coalesced).
  const workspace = createWorkspaceData(ws.sync, ws.index);
  const data = createMemo(() => {
    const { data: w, isLoading, minutesNotHere } = workspace();
    const now = Date.now();
    const plans = w.plans.map(({ docId, data: p }) => {
      const prog = planProgress(p);
      return {
        id: docId,
        title: p.title || (ws.index.docs.find((d) => d.id === docId)?.title ?? ''),
        done: prog.reduce((s, x) => s + x.done, 0),
        total: prog.reduce((s, x) => s + x.total, 0),
        // PLAN-9: the tasks past their due day, as the plan marks them.
        overdue: p.phases
          .flatMap((x) => x.tasks)
          .concat(p.unassigned)
          .filter((task) => taskOverdueDays(task, now) > 0).length,
      };
    });
    const attention: {
      id: string;
      docId: string;
      entry: FeedbackEntry;
      item: AgeingItem;
      /** Days past its deadline, as the log and the 台账 count them (LEDGER-2). */
      days: number;
    }[] = [];
    for (const { docId, data: log } of w.feedback) {
      for (const item of ageFeedback(log.entries, now)) {
        const entry = log.entries.find((e) => e.id === item.entryId);
        if (entry) {
          const days = ledgerDays(item.deadline, now);
          attention.push({ id: `${docId}~${entry.id}`, docId, entry, item, days });
        }
      }
    }
    const groups = w.roster?.groups;
    // The same periods the home screen counts for this workspace (HOME-1).
    const cadence = workspaceCadence(w, now);
    attention.sort((a, b) => b.item.overdueMs - a.item.overdueMs);
    // One line per rule (per party group, CAD-6): this period's state, plus how many earlier
    // periods were missed.
    const byRule = new Map<
      string,
      { current: (typeof cadence)[number]; missed: number; unconfirmed: number }
    >();
    for (const c of cadence) {
      const key = `${c.meetingType}~${c.groupId ?? ''}`;
      const seen = byRule.get(key);
      if (!seen) byRule.set(key, { current: c, missed: 0, unconfirmed: 0 });
      else {
        if (seen.current.state === 'overdue') seen.missed++;
        // CAD-9: held, but the records are still drafts.
        if (seen.current.state === 'unconfirmed') seen.unconfirmed++;
        seen.current = c;
      }
    }
    const groupName = new Map((groups ?? []).map((g) => [g.id, g.name]));
    return {
      cadence: [...byRule.entries()].map(([id, r]) => ({
        id,
        ...r,
        groupName: r.current.groupId === null ? null : (groupName.get(r.current.groupId) ?? null),
      })),
      plans,
      // The most overdue first, few enough to read on a phone; the rest are in the ledger.
      attention: attention.slice(0, 8),
      /** All of them: the home screen's figure (HOME-1) counts every one. */
      attentionTotal: attention.length,
      meetings: w.minutes,
      roster: w.roster,
      isLoading,
      minutesNotHere,
    };
  });
  // The lists the panels show, kept as the same rows from one recompute to the next (matched by
  // id, changed in place): a row is rebuilt only when it comes or goes, not on every sync tick
  // (twice a second while anyone types, and once per doc while a new device syncs).
  type Lists = Pick<ReturnType<typeof data>, 'cadence' | 'plans' | 'attention'>;
  const [lists, setLists] = createStore<Lists>({ cadence: [], plans: [], attention: [] });
  createComputed(() => {
    const { cadence, plans, attention } = data();
    setLists(reconcile({ cadence, plans, attention }, { key: 'id' }));
  });
  const docHref = (docId: string, entry?: string) =>
    hrefOf({ name: 'doc', workspaceId: ws.entry.id, docId, ...(entry ? { entry } : {}) });
  const counts = createUnresolvedCounts(ws.sync, ws.index);
  const commented = () =>
    ws.index.docs
      .filter((d) => !d.archived && (counts().byDoc.get(d.id) ?? 0) > 0)
      .map((d) => ({ id: d.id, title: d.title, n: counts().byDoc.get(d.id) ?? 0 }));
  return (
    <>
      <h1>{t('dash.title')}</h1>
      <Show when={data().isLoading}>
        <p class="small muted" role="status" data-testid="dash-loading">
          {t('dash.loading')}
        </p>
      </Show>
      <div class="grid grid-3">
        <section class="panel" aria-labelledby="dash-meetings">
          <h2 id="dash-meetings">{t('dash.meetings')}</h2>
          <p class="small muted">{t('dash.meetingsHint')}</p>
          <CadencePresetField />
          <Show
            when={data().minutesNotHere === 0}
            fallback={
              <p class="small muted" role="status" data-testid="minutes-not-here">
                {t('dash.minutesNotHere', { n: data().minutesNotHere })}
              </p>
            }
          >
            <Show
              when={lists.cadence.length > 0}
              fallback={<p class="empty">{t('dash.noCadence')}</p>}
            >
              <ul class="plain-list cadence-list">
                <For each={lists.cadence}>
                  {(rule) => (
                    <li
                      class="btn-row"
                      data-state={rule.current.state}
                      data-missed-before={rule.missed}
                    >
                      <span class={`tag ${rule.current.state === 'overdue' ? 'bad' : 'warn'}`}>
                        {label('cadenceState', rule.current.state)}
                      </span>
                      <span>
                        {label('meetingType', rule.current.meetingType)}
                        <Show when={rule.groupName}>
                          {(g) => (
                            <>
                              {' · '}
                              <bdi class="whole">{g()}</bdi>
                            </>
                          )}
                        </Show>{' '}
                        <span class="muted small">
                          {/* The period as the ledgers name it: 2025年5月, 2025年第2季度. */}
                          <bdi class="period whole">{periodLabel(rule.current.period, t)}</bdi>
                        </span>
                      </span>
                      {/* Held against required, in words: a bare "0/1" said neither (and a
                          right-to-left line drew it as "1/0"). */}
                      <span class="small muted" data-held={rule.current.held}>
                        {t('dash.heldOfRequired', {
                          held: rule.current.held,
                          required: rule.current.required,
                        })}
                      </span>
                      <Show when={rule.missed > 0}>
                        <span class="small warning">
                          {t('dash.missedBefore', { n: rule.missed })}
                        </span>
                      </Show>
                      <Show when={rule.unconfirmed > 0}>
                        <span class="small warning" data-unconfirmed-before={rule.unconfirmed}>
                          {t('dash.unconfirmedBefore', { n: rule.unconfirmed })}
                        </span>
                      </Show>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </Show>
        </section>
        <section class="panel" aria-labelledby="dash-plans">
          <h2 id="dash-plans">{t('dash.plans')}</h2>
          <Show
            when={lists.plans.length > 0}
            fallback={
              <>
                <p class="empty">{t('dash.noPlans')}</p>
                <Show when={ws.can('write')}>
                  <button
                    type="button"
                    class="btn primary"
                    data-testid="dash-new-plan"
                    onClick={() => openNewDoc(ws, t, 'plan')}
                  >
                    {t('docs.newPlan')}
                  </button>
                </Show>
              </>
            }
          >
            <ul class="plain-list">
              <For each={lists.plans}>
                {(p) => (
                  <li>
                    <a href={docHref(p.id)} dir="auto">
                      {docTitle(p.title)}
                    </a>
                    <div class="small muted">
                      {t('dash.phaseProgress', { done: p.done, total: p.total })}
                      <Show when={p.overdue > 0}>
                        {' '}
                        <span class="tag bad" data-overdue-tasks={p.overdue}>
                          {t('dash.overdueTasks', { n: p.overdue })}
                        </span>
                      </Show>
                    </div>
                    <div class="progress">
                      <span
                        style={{ width: `${p.total ? Math.round((100 * p.done) / p.total) : 0}%` }}
                      />
                    </div>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </section>
        <section class="panel" aria-labelledby="dash-feedback">
          <h2 id="dash-feedback">
            {t('dash.feedback')}{' '}
            <Show when={data().attentionTotal > 0}>
              <span class="badge count-badge" data-feedback-total={data().attentionTotal}>
                {data().attentionTotal}
              </span>
            </Show>
          </h2>
          <Show
            when={lists.attention.length > 0}
            fallback={<p class="empty">{t('dash.noFeedback')}</p>}
          >
            <ul class="plain-list">
              <For each={lists.attention}>
                {(a) => (
                  <li>
                    <a href={docHref(a.docId, a.entry.id)} dir="auto">
                      {a.entry.summary}
                    </a>
                    <div class="small muted">
                      {label('ageingFlag', a.item.flag)} ·{' '}
                      {/* The days past the deadline the flag is about: the answer-back's
                          for one resolved (it read 逾期 663 天, as if still unresolved). */}
                      {t(
                        a.item.flag === 'not-answered-back' ? 'dash.visitAgeDays' : 'dash.ageDays',
                        {
                          days: a.days,
                        },
                      )}
                    </div>
                  </li>
                )}
              </For>
            </ul>
            <Show when={data().attentionTotal > lists.attention.length}>
              <p
                class="small muted"
                data-more-feedback={data().attentionTotal - lists.attention.length}
              >
                <Sentence
                  template={t('dash.moreFeedback')}
                  params={{
                    n: data().attentionTotal - lists.attention.length,
                    ledger: {
                      element: (
                        <a
                          href={hrefOf({
                            name: 'workspace',
                            workspaceId: ws.entry.id,
                            view: 'feedback-ledger',
                          })}
                        >
                          {t('ledger.feedbackTab')}
                        </a>
                      ),
                    },
                  }}
                />
              </p>
            </Show>
          </Show>
        </section>
      </div>
      <section class="panel dash-comments" aria-labelledby="dash-comments">
        <h2 id="dash-comments">
          {t('cmt.dashTitle')}{' '}
          <Show when={counts().total > 0}>
            <span class="badge comments-count" data-unresolved={counts().total}>
              {counts().total}
            </span>
          </Show>
        </h2>
        <Show when={commented().length > 0} fallback={<p class="empty">{t('cmt.dashNone')}</p>}>
          <ul class="plain-list">
            <For each={commented()}>
              {(d) => (
                <li data-doc-id={d.id}>
                  <a href={docHref(d.id)}>
                    <bdi>{docTitle(d.title)}</bdi>
                  </a>{' '}
                  <span class="doc-comments-count small" data-unresolved={d.n}>
                    {t('cmt.docCount', { n: d.n })}
                  </span>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>
      <DecisionCasesPanel meetings={() => data().meetings} roster={() => data().roster} />
      <p>
        <a href={hrefOf({ name: 'workspace', workspaceId: ws.entry.id, view: 'docs' })}>
          {t('dash.recent')}
        </a>
      </p>
    </>
  );
}

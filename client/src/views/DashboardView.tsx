import { createMemo, createSignal, For, type JSX, onCleanup, Show } from 'solid-js';
import { CadencePresetField } from '../components/CadencePresetField.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import {
  type AgeingItem,
  ageFeedback,
  attentionFrom,
  cadenceAttention,
  type FeedbackEntry,
  heldMeetings,
  type MinutesData,
  planProgress,
  readFeedbackLog,
  readMinutes,
  readPlan,
} from '../model/domain.ts';
import { makeDocReadCache } from '../projection/docVersion.ts';
import { hrefOf } from '../routing/routes.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import { DecisionCasesPanel } from './DecisionCasesPanel.tsx';

const DAY = 24 * 60 * 60 * 1000;

function safe<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

// Read once per doc version: a change in one doc re-reads that doc only.
const minutesOf = makeDocReadCache((doc) => safe(() => readMinutes(doc)));
const planOf = makeDocReadCache((doc) => safe(() => readPlan(doc)));
const feedbackOf = makeDocReadCache((doc) => safe(() => readFeedbackLog(doc)));

/** This period's 三会一课, plan progress and the feedback that has waited longest. */
export function DashboardView(): JSX.Element {
  const { t, label } = useI18n();
  const ws = useWorkspace();
  // Recomputed when any doc changes (coalesced), not on every keystroke elsewhere.
  const [tick, setTick] = createSignal(0);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let wasLoading = ws.sync.isLoading;
  const off = ws.sync.onChange(() => {
    if (wasLoading && !ws.sync.isLoading) {
      // The last docs from the device are built: show the complete picture at once.
      wasLoading = false;
      setTick((n) => n + 1);
      return;
    }
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      setTick((n) => n + 1);
    }, 500);
  });
  onCleanup(() => {
    off();
    if (timer !== null) clearTimeout(timer);
  });
  const data = createMemo(() => {
    tick();
    const now = Date.now();
    const minutes: { docId: string; data: MinutesData }[] = [];
    const plans: { id: string; title: string; done: number; total: number }[] = [];
    const attention: { docId: string; entry: FeedbackEntry; item: AgeingItem }[] = [];
    for (const d of ws.index.docs) {
      if (d.archived) continue;
      const doc = ws.sync.docs.get(d.id)?.doc;
      if (!doc) continue;
      if (d.kind === 'minutes') {
        const m = minutesOf(doc);
        if (m) minutes.push({ docId: d.id, data: m });
      } else if (d.kind === 'plan') {
        const p = planOf(doc);
        if (!p) continue;
        const prog = planProgress(p);
        plans.push({
          id: d.id,
          title: p.title || d.title,
          done: prog.reduce((s, x) => s + x.done, 0),
          total: prog.reduce((s, x) => s + x.total, 0),
        });
      } else {
        const log = feedbackOf(doc);
        const entries = log?.entries ?? [];
        for (const item of ageFeedback(entries, now)) {
          const entry = entries.find((e) => e.id === item.entryId);
          if (entry) attention.push({ docId: d.id, entry, item });
        }
      }
    }
    const firstRecord = ws.index.docs.length
      ? Math.min(...ws.index.docs.map((d) => d.createdAt))
      : null;
    const cadence = cadenceAttention(
      ws.index.cadence,
      heldMeetings(minutes),
      attentionFrom(now, firstRecord),
      now,
    );
    attention.sort((a, b) => b.item.overdueMs - a.item.overdueMs);
    // One line per meeting type: this period's state, plus how many earlier periods were missed.
    const byType = new Map<string, { current: (typeof cadence)[number]; missed: number }>();
    for (const c of cadence) {
      const seen = byType.get(c.meetingType);
      if (!seen) byType.set(c.meetingType, { current: c, missed: 0 });
      else {
        if (seen.current.state === 'overdue') seen.missed++;
        seen.current = c;
      }
    }
    return {
      cadence: [...byType.values()],
      plans,
      attention: attention.slice(0, 20),
      meetings: minutes,
      isLoading: ws.sync.isLoading,
    };
  });
  const docHref = (docId: string) => hrefOf({ name: 'doc', workspaceId: ws.entry.id, docId });
  return (
    <>
      <h1>{t('dash.title')}</h1>
      <Show when={data().isLoading}>
        <p class="small muted" role="status">
          {t('dash.loading')}
        </p>
      </Show>
      <div class="grid grid-3">
        <section class="panel" aria-labelledby="dash-meetings">
          <h2 id="dash-meetings">{t('dash.meetings')}</h2>
          <p class="small muted">{t('dash.meetingsHint')}</p>
          <CadencePresetField />
          <Show
            when={data().cadence.length > 0}
            fallback={<p class="empty">{t('dash.noCadence')}</p>}
          >
            <ul class="plain-list">
              <For each={data().cadence}>
                {({ current: c, missed }) => (
                  <li class="btn-row">
                    <span class={`tag ${c.state === 'overdue' ? 'bad' : 'warn'}`}>
                      {label('cadenceState', c.state)}
                    </span>
                    <span>
                      {label('meetingType', c.meetingType)}{' '}
                      <span class="muted small">{c.period.key}</span>
                    </span>
                    <span class="small muted">
                      {c.held}/{c.required}
                    </span>
                    <Show when={missed > 0}>
                      <span class="small warning">{t('dash.missedBefore', { n: missed })}</span>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </section>
        <section class="panel" aria-labelledby="dash-plans">
          <h2 id="dash-plans">{t('dash.plans')}</h2>
          <Show when={data().plans.length > 0} fallback={<p class="empty">{t('dash.noPlans')}</p>}>
            <ul class="plain-list">
              <For each={data().plans}>
                {(p) => (
                  <li>
                    <a href={docHref(p.id)}>{p.title || t('docs.untitled')}</a>
                    <div class="small muted">
                      {t('dash.phaseProgress', { done: p.done, total: p.total })}
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
          <h2 id="dash-feedback">{t('dash.feedback')}</h2>
          <Show
            when={data().attention.length > 0}
            fallback={<p class="empty">{t('dash.noFeedback')}</p>}
          >
            <ul class="plain-list">
              <For each={data().attention}>
                {(a) => (
                  <li>
                    <a href={docHref(a.docId)}>{a.entry.summary}</a>
                    <div class="small muted">
                      {label('ageingFlag', a.item.flag)} ·{' '}
                      {t('dash.ageDays', { days: Math.floor(a.item.overdueMs / DAY) })}
                    </div>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </section>
      </div>
      <DecisionCasesPanel meetings={() => data().meetings} />
      <p>
        <a href={hrefOf({ name: 'workspace', workspaceId: ws.entry.id, view: 'docs' })}>
          {t('dash.recent')}
        </a>
      </p>
    </>
  );
}

import { createMemo, For, type JSX, Show } from 'solid-js';
import type { HistoryAuthor, HistoryEntryInfo, NamedVersionInfo } from '../api/relayApi.ts';
import { IsolatedText, Sentence } from '../components/Sentence.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { presenceColor } from '../sync/presenceColor.ts';
import { markLabel } from './entryLabels.ts';
import { formatAt, formatSpan } from './formatSpan.ts';

/** Change descriptions shown per entry before "+N more". */
const SHOWN_CHANGES = 3;

/** A member's name in their presence colour, with their role. */
export function AuthorName(props: { author: HistoryAuthor | null }): JSX.Element {
  const { t } = useI18n();
  return (
    <span
      class="history-author"
      style={{
        '--author-color': props.author
          ? presenceColor(props.author.id, props.author.colour)
          : '#6b7280',
      }}
    >
      <span class="history-author-dot" aria-hidden="true" />
      <span class="history-author-name">
        <bdi>{props.author?.displayName ?? t('history.unknownAuthor')}</bdi>
      </span>
      <Show when={props.author?.role}>
        {(role) => <span class="tag">{t(`role.${role()}`)}</span>}
      </Show>
    </span>
  );
}

/** A named version's badge ("定稿" ones marked automatic). */
export function NamedBadge(props: { named: NamedVersionInfo }): JSX.Element {
  const { t } = useI18n();
  return (
    <span class="history-named-badge" classList={{ automatic: props.named.isAutomatic }}>
      <span aria-hidden="true">◆ </span>
      <bdi>{props.named.name}</bdi>
      <Show when={props.named.isAutomatic}>
        <span class="small"> · {t('history.automatic')}</span>
      </Show>
    </span>
  );
}

/** The named versions of the doc as a row of buttons that select them. */
export function NamedVersionList(props: {
  named: NamedVersionInfo[];
  selectedSeq: number | null;
  onSelect: (named: NamedVersionInfo) => void;
}): JSX.Element {
  const { t, locale } = useI18n();
  return (
    <section class="history-named" aria-labelledby="history-named-heading">
      <h2 id="history-named-heading">{t('history.namedVersions')}</h2>
      <ul class="plain-list">
        <For each={props.named}>
          {(n) => (
            <li>
              <button
                type="button"
                class="history-named-item"
                aria-pressed={props.selectedSeq === n.seq}
                onClick={() => props.onSelect(n)}
              >
                <NamedBadge named={n} />
                <span class="small muted">
                  <Sentence
                    template={t('history.namedBy')}
                    params={{
                      name: n.author?.displayName ?? t('history.unknownAuthor'),
                      time: t('history.span', { span: formatAt(Date.parse(n.at), locale()) }),
                    }}
                  />
                </span>
              </button>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}

/**
 * HIST-C1: entries of two or more members taking turns in one sitting (each within
 * `TOGETHER_GAP_MS` of the next, none named or marked), at least `TOGETHER_MIN` of them, are shown
 * as one group, closed: two people minuting a meeting together made an entry of every few keys
 * (45 in two minutes), and the list was nothing else.
 */
const TOGETHER_GAP_MS = 5 * 60_000;
const TOGETHER_MIN = 4;

type EntryGroup =
  | { kind: 'one'; entry: HistoryEntryInfo }
  | { kind: 'together'; entries: HistoryEntryInfo[] };

/** The entries (newest first) with the runs of members taking turns gathered (HIST-C1). */
export function groupTogether(
  entries: readonly HistoryEntryInfo[],
  isNamed: (e: HistoryEntryInfo) => boolean,
): EntryGroup[] {
  const out: EntryGroup[] = [];
  let run: HistoryEntryInfo[] = [];
  const flush = () => {
    const authors = new Set(run.map((e) => e.author.id));
    if (run.length >= TOGETHER_MIN && authors.size >= 2)
      out.push({ kind: 'together', entries: run });
    else for (const entry of run) out.push({ kind: 'one', entry });
    run = [];
  };
  for (const e of entries) {
    const plain = e.mark === null && !isNamed(e);
    const last = run.at(-1);
    const follows =
      last !== undefined && Date.parse(last.firstAt) - Date.parse(e.lastAt) <= TOGETHER_GAP_MS;
    if (!plain) {
      flush();
      out.push({ kind: 'one', entry: e });
      continue;
    }
    if (!follows) flush();
    run.push(e);
  }
  flush();
  return out;
}

/** A group's identity across recomputations: the entries it holds, by their last seq. */
const groupKey = (g: EntryGroup) =>
  g.kind === 'one' ? `1:${g.entry.toSeq}` : `n:${g.entries.map((e) => e.toSeq).join(',')}`;

/** True when two groups hold the very same entry objects. */
const isSameGroup = (a: EntryGroup, b: EntryGroup) =>
  a.kind === 'one'
    ? b.kind === 'one' && a.entry === b.entry
    : b.kind === 'together' &&
      a.entries.length === b.entries.length &&
      a.entries.every((e, i) => e === b.entries[i]);

/** History entries, newest first: who, when (Beijing time), what, and named versions. */
export function HistoryEntryList(props: {
  entries: HistoryEntryInfo[];
  named: NamedVersionInfo[];
  selectedSeq: number | null;
  onSelect: (entry: HistoryEntryInfo) => void;
}): JSX.Element {
  const { t, locale } = useI18n();
  const namedOf = (e: HistoryEntryInfo) =>
    props.named.filter((n) => n.seq >= e.fromSeq && n.seq <= e.toSeq);
  // A group unchanged by a new page or a named version is the same object as before, so its
  // row (a group opened, the focus in it) stays as it was: `For` keeps rows by identity.
  let previous = new Map<string, EntryGroup>();
  const groups = createMemo(() => {
    const next = new Map<string, EntryGroup>();
    const out = groupTogether(props.entries, (e) => namedOf(e).length > 0).map((g) => {
      const key = groupKey(g);
      const old = previous.get(key);
      const kept = old !== undefined && isSameGroup(old, g) ? old : g;
      next.set(key, kept);
      return kept;
    });
    previous = next;
    return out;
  });
  /** Entries (by last seq) of the groups opened by hand: a group rebuilt larger stays open. */
  const opened = new Set<number>();
  const Entry = (p: { e: HistoryEntryInfo }) => {
    const e = p.e;
    const span = () =>
      t('history.span', {
        span: formatSpan(Date.parse(e.firstAt), Date.parse(e.lastAt), locale()),
      });
    const labels = () => e.changes.map((c) => c.label);
    return (
      <li class="history-entry" data-seq={e.toSeq}>
        <button
          type="button"
          class="history-entry-button"
          aria-pressed={props.selectedSeq === e.toSeq}
          onClick={() => props.onSelect(e)}
        >
          <span class="history-entry-head">
            <span class="history-entry-who">
              <span class="history-entry-number small">
                {t('history.entryNumber', { n: e.number })}
              </span>
              <AuthorName author={e.author} />
            </span>
            <time class="history-time small" datetime={e.lastAt}>
              {span()}
            </time>
          </span>
          <Show when={namedOf(e).length > 0}>
            <span class="history-entry-named">
              <For each={namedOf(e)}>{(n) => <NamedBadge named={n} />}</For>
            </span>
          </Show>
          <Show when={e.mark}>
            {(mark) => (
              <span class="history-entry-mark">
                <IsolatedText text={markLabel(mark(), t, locale())} />
              </span>
            )}
          </Show>
          <span class="history-changes">
            <Show
              when={labels().length > 0 || e.mark !== null}
              fallback={<span class="muted">{t('history.noLabel')}</span>}
            >
              <For each={labels().slice(0, SHOWN_CHANGES)}>
                {(label) => (
                  <span class="history-change">
                    <IsolatedText text={label} />
                  </span>
                )}
              </For>
              <Show when={labels().length > SHOWN_CHANGES}>
                <span class="history-change more muted">
                  {t('history.more', { n: labels().length - SHOWN_CHANGES })}
                </span>
              </Show>
            </Show>
          </span>
        </button>
      </li>
    );
  };
  const Together = (p: { entries: HistoryEntryInfo[] }) => {
    const newest = p.entries[0]!;
    const oldest = p.entries.at(-1)!;
    const authors = () => {
      const seen = new Map<string, HistoryAuthor>();
      for (const e of [...p.entries].reverse())
        if (!seen.has(e.author.id)) seen.set(e.author.id, e.author);
      return [...seen.values()];
    };
    const holdsSelected = () => p.entries.some((e) => e.toSeq === props.selectedSeq);
    return (
      <li class="history-together" data-from-seq={oldest.fromSeq} data-seq={newest.toSeq}>
        <details
          open={holdsSelected() || p.entries.some((e) => opened.has(e.toSeq))}
          onToggle={(event) => {
            const isOpen = event.currentTarget.open;
            for (const e of p.entries) {
              if (isOpen) opened.add(e.toSeq);
              else opened.delete(e.toSeq);
            }
          }}
        >
          <summary class="history-together-summary">
            <span class="history-entry-head">
              <span class="history-entry-who">
                <span class="history-entry-number small">
                  {t('history.entryNumbers', { from: oldest.number, to: newest.number })}
                </span>
                <For each={authors()}>{(a) => <AuthorName author={a} />}</For>
              </span>
              <time class="history-time small" datetime={newest.lastAt}>
                {t('history.span', {
                  span: formatSpan(Date.parse(oldest.firstAt), Date.parse(newest.lastAt), locale()),
                })}
              </time>
            </span>
            <span class="history-changes">
              <span class="history-change">
                {t('history.together', { people: authors().length, n: p.entries.length })}
              </span>
            </span>
          </summary>
          <ol class="history-list">
            <For each={p.entries}>{(e) => <Entry e={e} />}</For>
          </ol>
        </details>
      </li>
    );
  };
  return (
    <ol class="history-list">
      <For each={groups()}>
        {(g) => (g.kind === 'one' ? <Entry e={g.entry} /> : <Together entries={g.entries} />)}
      </For>
    </ol>
  );
}

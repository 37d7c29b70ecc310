import { For, type JSX, Show } from 'solid-js';
import type { HistoryAuthor, HistoryEntryInfo, NamedVersionInfo } from '../api/relayApi.ts';
import { Sentence } from '../components/Sentence.tsx';
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
  return (
    <ol class="history-list">
      <For each={props.entries}>
        {(e) => {
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
                    <span class="history-entry-mark">{markLabel(mark(), t, locale())}</span>
                  )}
                </Show>
                <span class="history-changes">
                  <Show
                    when={labels().length > 0 || e.mark !== null}
                    fallback={<span class="muted">{t('history.noLabel')}</span>}
                  >
                    <For each={labels().slice(0, SHOWN_CHANGES)}>
                      {(label) => <span class="history-change">{label}</span>}
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
        }}
      </For>
    </ol>
  );
}

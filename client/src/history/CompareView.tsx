import type { ChangeItem, ChangeValue, MessageKey, TextSegment } from '@grassroots/shared';
import { createResource, For, type JSX, Match, Show, Switch } from 'solid-js';
import { type Comparison, type DocAddress, historyApi } from '../api/relayApi.ts';
import { IsolatedText } from '../components/Sentence.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import type { Locale } from '../i18n/locale.ts';
import { presenceColor } from '../sync/presenceColor.ts';
import { labelShowsValues } from './entryLabels.ts';

/** Headings of the texts compared (rich-text roots, the title); any other shows its own name. */
const ROOT_LABELS: Record<string, MessageKey> = {
  body: 'min.body',
  notes: 'plan.notes',
  title: 'common.title',
  name: 'history.textName',
  place: 'min.place',
  village: 'plan.village',
};

/** Segments grouped into their blocks (paragraphs), in order. */
function blocksOf(segments: TextSegment[]): TextSegment[][] {
  const blocks: TextSegment[][] = [];
  let current: TextSegment[] | null = null;
  let index = Number.NaN;
  for (const s of segments) {
    if (current === null || s.block !== index) {
      current = [];
      blocks.push(current);
      index = s.block;
    }
    current.push(s);
  }
  return blocks;
}

const isChanged = (s: TextSegment) => s.change !== 'same';

/** Who inserted or deleted the text shown, in order of first appearance. */
function textAuthors(shown: readonly (readonly TextSegment[])[]): string[] {
  const ids: string[] = [];
  for (const segments of shown)
    for (const s of segments)
      if (isChanged(s) && s.authorId !== null && !ids.includes(s.authorId)) ids.push(s.authorId);
  return ids;
}

/** Version `from` against `to` (null: the current state): text runs and fields old → new. */
export function CompareView(props: {
  address: DocAddress;
  from: number;
  to: number | null;
  locale: Locale;
  /** "From … to …", already formatted. */
  heading: string;
}): JSX.Element {
  const { t, errorText } = useI18n();
  const [cmp] = createResource(
    () => ({ from: props.from, to: props.to, locale: props.locale }),
    (k) => historyApi.compare(props.address, k.from, k.to, k.locale),
  );
  const nameOf = (c: Comparison, id: string | null) =>
    (id !== null ? c.authors[id]?.displayName : undefined) ?? t('history.unknownAuthor');
  const colourOf = (c: Comparison, id: string | null) =>
    presenceColor(id ?? '', id !== null ? c.authors[id]?.colour : undefined);
  const value = (v: ChangeValue | undefined) =>
    v === undefined || v === null || v === ''
      ? '—'
      : typeof v === 'boolean'
        ? t(v ? 'common.yes' : 'common.no')
        : String(v);
  // Labels of value changes already read "a → b"; titles and the like only say "changed".
  const needsValues = (c: ChangeItem) =>
    c.op === 'changed' &&
    !labelShowsValues(c.label) &&
    (typeof c.before === 'string' || typeof c.after === 'string');
  return (
    <div class="history-compare">
      <h3 class="history-compare-heading">{props.heading}</h3>
      <Switch>
        <Match when={cmp.state === 'errored'}>
          <p class="error" role="alert">
            {t('history.loadFailed', { message: errorText(cmp.error) })}
          </p>
        </Match>
        <Match when={cmp.state === 'ready' && cmp()} keyed>
          {(c) => {
            // The texts of items (`phases/<id>/goals`) show in their field's line, below.
            const roots = Object.entries(c.text).filter(
              ([root, segs]) => !root.includes('/') && segs.some(isChanged),
            );
            const runsOf = (f: ChangeItem) =>
              f.path.includes('/') && c.text[f.path]?.some(isChanged) ? c.text[f.path] : undefined;
            // The legend names who changed the texts shown (not those of removed items).
            const authors = textAuthors([
              ...roots.map(([, segs]) => segs),
              ...c.fields.map((f) => runsOf(f) ?? []),
            ]);
            return (
              <Show
                when={roots.length > 0 || c.fields.length > 0}
                fallback={<p class="empty">{t('history.noDifference')}</p>}
              >
                <p class="history-legend">
                  <span class="muted">{t('history.legend')}</span>
                  <span class="history-legend-item">
                    <ins class="diff-ins">{t('history.inserted')}</ins>
                  </span>
                  <span class="history-legend-item">
                    <del class="diff-del">{t('history.deleted')}</del>
                  </span>
                  <For each={authors}>
                    {(id) => (
                      <span
                        class="history-legend-item history-author"
                        style={{ '--author-color': presenceColor(id, c.authors[id]?.colour) }}
                      >
                        <span class="history-author-dot" aria-hidden="true" />
                        <bdi>{nameOf(c, id)}</bdi>
                      </span>
                    )}
                  </For>
                </p>
                <For each={roots}>
                  {([root, segments]) => (
                    <section class="history-diff-text">
                      <h4>{ROOT_LABELS[root] ? t(ROOT_LABELS[root]) : root}</h4>
                      <div class="diff-body">
                        <For each={blocksOf(segments)}>
                          {(block) => (
                            <p class="diff-block" dir="auto">
                              <Segments
                                segments={block}
                                nameOf={(id) => nameOf(c, id)}
                                colourOf={(id) => colourOf(c, id)}
                              />
                            </p>
                          )}
                        </For>
                      </div>
                    </section>
                  )}
                </For>
                <section class="history-diff-fields">
                  <h4>{t('history.fields')}</h4>
                  <Show
                    when={c.fields.length > 0}
                    fallback={<p class="muted small">{t('history.noFieldChanges')}</p>}
                  >
                    <ul class="plain-list">
                      <For each={c.fields}>
                        {(f) => (
                          <li class="history-field" data-op={f.op} data-path={f.path}>
                            <span>
                              <IsolatedText text={f.label} />
                            </span>
                            <Show when={runsOf(f)}>
                              {(runs) => (
                                <div class="history-field-text diff-body" dir="auto">
                                  <Segments
                                    segments={runs()}
                                    nameOf={(id) => nameOf(c, id)}
                                    colourOf={(id) => colourOf(c, id)}
                                  />
                                </div>
                              )}
                            </Show>
                            <Show when={!runsOf(f) && needsValues(f)}>
                              <span class="history-field-values">
                                {t('common.colon')}
                                <del class="diff-del" dir="auto">
                                  {value(f.before)}
                                </del>{' '}
                                <span class="bidi-flip">→</span>{' '}
                                <ins class="diff-ins" dir="auto">
                                  {value(f.after)}
                                </ins>
                              </span>
                            </Show>
                          </li>
                        )}
                      </For>
                    </ul>
                  </Show>
                </section>
              </Show>
            );
          }}
        </Match>
        <Match when={true}>
          <p class="muted">{t('history.compareLoading')}</p>
        </Match>
      </Switch>
    </div>
  );
}

/** Runs of a compared text: what stayed, and what was inserted or deleted by whom. */
function Segments(props: {
  segments: readonly TextSegment[];
  nameOf: (authorId: string | null) => string;
  colourOf: (authorId: string | null) => string;
}): JSX.Element {
  const { t } = useI18n();
  return (
    <For each={props.segments}>
      {(s) => (
        <Switch fallback={<span>{s.text}</span>}>
          <Match when={s.change === 'inserted'}>
            <ins
              class="diff-ins"
              style={{ '--author-color': props.colourOf(s.authorId) }}
              title={t('history.insertedBy', { name: props.nameOf(s.authorId) })}
            >
              {s.text}
            </ins>
          </Match>
          <Match when={s.change === 'deleted'}>
            <del
              class="diff-del"
              style={{ '--author-color': props.colourOf(s.authorId) }}
              title={t('history.deletedBy', { name: props.nameOf(s.authorId) })}
            >
              {s.text}
            </del>
          </Match>
        </Switch>
      )}
    </For>
  );
}

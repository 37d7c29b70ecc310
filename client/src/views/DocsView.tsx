import type { MessageKey } from '@grassroots/shared';
import { createMemo, createResource, createSignal, For, type JSX, onCleanup, Show } from 'solid-js';
import { type DeletedDocInfo, docsApi } from '../api/docsApi.ts';
import { createUnresolvedCounts } from '../comments/createUnresolvedCounts.ts';
import { Day } from '../components/Day.tsx';
import { Sentence } from '../components/Sentence.tsx';
import { createIsOnline } from '../history/createIsOnline.ts';
import { type I18n, useI18n } from '../i18n/I18nProvider.tsx';
import { periodLabel } from '../i18n/period.ts';
import { beijingDay } from '../i18n/time.ts';
import {
  DOC_KINDS,
  type DocKind,
  type DocListItem,
  docList,
  isDocKind,
  kindInfo,
  monthPeriod,
  searchWords,
} from '../model/domain.ts';
import { createDocument, setDocArchived } from '../model/workspaceModel.ts';
import { createDocListDetails } from '../projection/createDocListDetails.ts';
import { hrefOf, navigate } from '../routing/routes.ts';
import { useWorkspace, type WorkspaceState } from '../WorkspaceContext.tsx';
import { RenameDocForm } from './RenameDocForm.tsx';

/**
 * The "new" button of each listed kind a workspace has many of, and the title a new doc starts
 * with. Typed by `DocKind`: a new kind fails to compile until it is given one (null: a kind a
 * workspace has one of, kept on its own screen).
 */
const NEW_DOC: { readonly [K in DocKind]: MessageKey | null } = {
  plan: 'docs.newPlan',
  minutes: 'docs.newMinutes',
  feedback: 'docs.newFeedback',
  roster: null,
};

/** A new doc's first title: its kind and when (a list of 新建会议记录 told nobody anything). */
const NEW_DOC_TITLE: { readonly [K in DocKind]: MessageKey | null } = {
  plan: 'docs.titleOfNewPlan',
  minutes: 'docs.titleOfNewMinutes',
  feedback: 'docs.titleOfNewFeedback',
  roster: null,
};

/** Makes a doc of the kind, titled by its kind and today, and opens it. */
export function openNewDoc(ws: WorkspaceState, t: I18n['t'], k: DocKind): void {
  const key = NEW_DOC_TITLE[k];
  if (key === null) return;
  const date = beijingDay(Date.now());
  // A title is stored text: without the isolates a right-to-left sentence puts around its values.
  const title = t(key, { year: date.slice(0, 4), date }).replace(/[\u2066-\u2069]/g, '');
  const docId = createDocument(ws.sync, k, title);
  navigate({ name: 'doc', workspaceId: ws.entry.id, docId });
}

/**
 * Every document of the workspace, from the index doc and the docs on the device (works
 * offline): search, a kind filter, plans / feedback logs / the roster first, minutes by month
 * (IDX-8), rename and archive in place, and for admins the deleted documents with 恢复.
 */
export function DocsView(): JSX.Element {
  const { docTitle, t, label } = useI18n();
  const ws = useWorkspace();
  const [text, setText] = createSignal('');
  const [kind, setKind] = createSignal<DocKind | 'all'>('all');
  const [showArchived, setShowArchived] = createSignal(false);
  const details = createDocListDetails(ws.sync, ws.index);
  const counts = createUnresolvedCounts(ws.sync, ws.index);
  const unresolved = (docId: string) => counts().byDoc.get(docId) ?? 0;
  const list = createMemo(() =>
    docList(ws.index.docs, { text: text(), kind: kind(), showArchived: showArchived() }, details()),
  );
  // As the list judges it (SEARCH-1): punctuation alone is no query.
  const isSearching = () => searchWords(text()).length > 0;
  const creatable = DOC_KINDS.filter((k) => kindInfo(k).fixedId === null);
  const create = (k: DocKind) => openNewDoc(ws, t, k);
  return (
    <>
      <h1>{t('docs.title')}</h1>
      <Show when={ws.can('write')}>
        <div class="btn-row new-doc">
          <For each={creatable}>
            {(k) => {
              const key = NEW_DOC[k];
              return (
                <Show when={key}>
                  {(msg) => (
                    <button type="button" class="btn primary" onClick={() => create(k)}>
                      {t(msg())}
                    </button>
                  )}
                </Show>
              );
            }}
          </For>
        </div>
      </Show>
      <search class="filters doc-filters">
        <label class="field doc-search">
          <span>{t('common.search')}</span>
          <input
            dir="auto"
            type="search"
            value={text()}
            placeholder={t('docs.searchPlaceholder')}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>{t('docs.kindFilter')}</span>
          <select
            value={kind()}
            onChange={(e) => {
              const v = e.currentTarget.value;
              setKind(isDocKind(v) ? v : 'all');
            }}
          >
            <option value="all">{t('docs.allKinds')}</option>
            <For each={DOC_KINDS}>{(k) => <option value={k}>{label('docKind', k)}</option>}</For>
          </select>
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={showArchived()}
            onChange={(e) => setShowArchived(e.currentTarget.checked)}
          />
          <span>{t('docs.showArchived')}</span>
        </label>
      </search>
      <Show when={isSearching()}>
        <p class="muted small doc-count" role="status">
          {t('docs.found', { count: list().shown })}
        </p>
      </Show>
      <Show
        when={list().shown > 0 || (!isSearching() && ws.index.unknownDocs.length > 0)}
        fallback={
          <p class="empty">
            {isSearching() || kind() !== 'all'
              ? t('docs.noMatch')
              : list().hiddenArchived > 0
                ? t('docs.onlyArchived', { count: list().hiddenArchived })
                : t('docs.empty')}
          </p>
        }
      >
        <Show when={list().pinned.length > 0}>
          <section class="doc-section" data-section="pinned">
            <h2>{t('docs.pinned')}</h2>
            <DocCards docs={list().pinned} query={text()} unresolved={unresolved} />
          </section>
        </Show>
        <For each={list().months}>
          {(group) => (
            <section class="doc-section" data-section={`month-${group.month}`}>
              <h2>
                {t('docs.minutesOfMonth', {
                  month: periodLabel(
                    monthPeriod(Number(group.month.slice(0, 4)), Number(group.month.slice(5))),
                    t,
                  ),
                })}
              </h2>
              <DocCards docs={group.docs} query={text()} showDay unresolved={unresolved} />
            </section>
          )}
        </For>
        <Show when={list().archived.length > 0}>
          <section class="doc-section" data-section="archived">
            <h2>{t('docs.archivedSection')}</h2>
            <DocCards docs={list().archived} query={text()} unresolved={unresolved} />
          </section>
        </Show>
        <Show when={!isSearching() && ws.index.unknownDocs.length > 0}>
          <ul class="card-list doc-list">
            <For each={ws.index.unknownDocs}>
              {(d) => (
                <li class="card" data-doc-id={d.id} data-kind={d.kind}>
                  <a
                    class="card-link"
                    href={hrefOf({ name: 'doc', workspaceId: ws.entry.id, docId: d.id })}
                  >
                    <strong>
                      <bdi>{docTitle(d.title)}</bdi>
                    </strong>
                    <span class="muted small">{t('docs.unknownKindShort')}</span>
                  </a>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
      <Show when={ws.can('deleteDoc') && !ws.entry.isLocalDemo}>
        <DeletedDocs />
      </Show>
    </>
  );
}

/** Cards of listed docs, each with rename and archive for those who may write. */
function DocCards(props: {
  docs: DocListItem[];
  /** The list's search text. */
  query: string;
  showDay?: boolean;
  /** Unresolved comment threads of a doc (CMT). */
  unresolved: (docId: string) => number;
}): JSX.Element {
  const { docTitle, t, label } = useI18n();
  const ws = useWorkspace();
  const [renaming, setRenaming] = createSignal<string | null>(null);
  return (
    <ul class="card-list doc-list">
      <For each={props.docs}>
        {(d) => (
          <li
            class="card doc-card"
            data-doc-id={d.id}
            data-kind={d.kind}
            data-archived={d.archived ? 'true' : undefined}
          >
            <Show
              when={renaming() === d.id}
              fallback={
                <>
                  <a
                    class="card-link"
                    href={hrefOf({
                      name: 'doc',
                      workspaceId: ws.entry.id,
                      docId: d.id,
                      // Found by its text, a doc opens showing where (SEARCH-5); a feedback log
                      // showing the entries found.
                      ...(d.snippet ? { find: props.query } : {}),
                    })}
                  >
                    <strong class="doc-title">
                      <bdi>{docTitle(d.title)}</bdi>
                    </strong>
                    {/* IDX-9: a reviewer tells a draft from a finalised record at a glance. */}
                    <Show when={d.isDraft}>
                      <span class="tag warn doc-draft" data-draft>
                        {label('minutesState', 'draft')}
                      </span>
                    </Show>
                    {/* SEARCH-4: where the query matched, in the text's own direction, aligned as the page. */}
                    <Show when={d.snippet}>
                      {(s) => (
                        <span class="doc-snippet small">
                          <bdi>
                            {s().before}
                            <mark>{s().match}</mark>
                            {s().after}
                          </bdi>
                        </span>
                      )}
                    </Show>
                    <span class="muted small">
                      {label('docKind', d.kind)} ·{' '}
                      {/* The day whole, left to right, never broken at its hyphens. */}
                      <Sentence
                        template={t(props.showDay ? 'docs.meetingDay' : 'docs.created')}
                        params={{
                          date: { element: <Day at={props.showDay ? d.at : d.createdAt} /> },
                        }}
                      />
                      {d.archived ? ` · ${t('docs.archivedMark')}` : ''}
                    </span>
                    <Show when={props.unresolved(d.id) > 0}>
                      <span
                        class="doc-comments-count small"
                        data-unresolved={props.unresolved(d.id)}
                      >
                        {t('cmt.docCount', { n: props.unresolved(d.id) })}
                      </span>
                    </Show>
                  </a>
                  <Show when={ws.can('write')}>
                    <div class="card-actions">
                      <button
                        type="button"
                        class="btn small"
                        data-action="rename"
                        onClick={() => setRenaming(d.id)}
                      >
                        {t('docs.rename')}
                      </button>
                      {/* A kind a workspace keeps one of (the roster) is never archived. */}
                      <Show when={kindInfo(d.kind).fixedId === null}>
                        <button
                          type="button"
                          class="btn small"
                          data-action={d.archived ? 'unarchive' : 'archive'}
                          onClick={() => setDocArchived(ws.sync, d.id, !d.archived)}
                        >
                          {d.archived ? t('docs.unarchive') : t('docs.archive')}
                        </button>
                      </Show>
                    </div>
                  </Show>
                </>
              }
            >
              <RenameDocForm entry={d} onDone={() => setRenaming(null)} />
            </Show>
          </li>
        )}
      </For>
    </ul>
  );
}

/** Admins: documents deleted from the list, each with 恢复 (needs the server). */
function DeletedDocs(): JSX.Element {
  const { docTitle, t, label, errorText } = useI18n();
  const ws = useWorkspace();
  const isOnline = createIsOnline();
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal<string | null>(null);
  // Asked again whenever the list changes (a deletion anywhere removes an entry).
  const [deleted, { refetch }] = createResource(
    () => (isOnline() ? ws.index.docs.length + 1 : false),
    () => docsApi.listDeleted(ws.entry).catch((): DeletedDocInfo[] => []),
  );
  let alive = true;
  onCleanup(() => {
    alive = false;
  });
  const restore = async (doc: DeletedDocInfo) => {
    setBusy(doc.id);
    setError(null);
    try {
      await docsApi.undelete(ws.entry, doc.id);
      if (alive) await refetch();
    } catch (e) {
      if (alive) setError(t('common.error', { message: errorText(e) }));
    } finally {
      if (alive) setBusy(null);
    }
  };
  return (
    <Show when={(deleted() ?? []).length > 0}>
      <section class="doc-section deleted-docs" data-section="deleted">
        <h2>{t('docs.deletedSection')}</h2>
        <p class="muted small">{t('docs.deletedHint')}</p>
        <ul class="card-list doc-list">
          <For each={deleted()}>
            {(d) => (
              <li class="card doc-card" data-doc-id={d.id} data-deleted="true">
                <div class="card-link">
                  <strong class="doc-title">
                    <bdi>{docTitle(d.title)}</bdi>
                  </strong>
                  <span class="muted small">
                    {isDocKind(d.kind) ? label('docKind', d.kind) : d.kind} ·{' '}
                    {t('docs.deletedBy', {
                      name: d.deletedBy?.displayName ?? '?',
                      date: beijingDay(Date.parse(d.deletedAt)),
                    })}
                  </span>
                </div>
                <div class="card-actions">
                  <button
                    type="button"
                    class="btn small"
                    data-action="undelete"
                    disabled={busy() !== null}
                    onClick={() => void restore(d)}
                  >
                    {t('docs.undelete')}
                  </button>
                </div>
              </li>
            )}
          </For>
        </ul>
        <Show when={error()}>
          <p class="error small" role="alert">
            {error()}
          </p>
        </Show>
      </section>
    </Show>
  );
}

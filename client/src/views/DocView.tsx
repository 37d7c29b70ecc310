import { type CommentThread, commentsDocId } from '@grassroots/shared';
import { createEffect, createSignal, type JSX, on, onCleanup, Show } from 'solid-js';
import { docsApi } from '../api/docsApi.ts';
import { relayApi } from '../api/relayApi.ts';
import { CommentsProvider, createComments } from '../comments/CommentsContext.tsx';
import { CommentsPanel } from '../comments/CommentsPanel.tsx';
import { showCommentTarget } from '../comments/showCommentTarget.ts';
import { Sentence } from '../components/Sentence.tsx';
import type { EditorProps } from '../editors/editorProps.ts';
import { KindEditor } from '../editors/KindEditor.tsx';
import { createRevealFind } from '../editors/revealFind.ts';
import { ConfirmDialog } from '../history/ConfirmDialog.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { kindInfo, renameDoc } from '../model/domain.ts';
import { setDocArchived } from '../model/workspaceModel.ts';
import { setPageTitle } from '../pageTitle.ts';
import { hrefOf, navigate } from '../routing/routes.ts';
import { presenceColor } from '../sync/presenceColor.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import { RenameDocForm } from './RenameDocForm.tsx';

/**
 * Opens one doc live (provider + presence) and shows the editor of its kind, under a header with
 * rename, archive and (admins) delete. A doc that leaves the list while open (deleted on another
 * device) stays readable here with a notice; nothing on the device is thrown away.
 */
export function DocView(props: { docId: string; find?: string; entry?: string }): JSX.Element {
  const { docTitle, t, errorText } = useI18n();
  const ws = useWorkspace();
  const session = ws.sync.acquire(props.docId);
  onCleanup(() => session.release());
  // LOCAL-6: a doc this device does not hold yet opens once the relay sent it. An editor shown
  // before then is an empty one: what someone typed into it would land among the text arriving.
  const [isHere, setHere] = createSignal(isHeld());
  function isHeld(): boolean {
    return (
      session.synced.doc.store.clients.size > 0 ||
      session.provider === null ||
      session.provider.synced
    );
  }
  if (!isHere()) {
    const look = () => {
      if (isHeld()) setHere(true);
    };
    session.synced.doc.on('update', look);
    session.provider?.on('sync', look);
    onCleanup(() => {
      session.synced.doc.off('update', look);
      session.provider?.off('sync', look);
    });
  }
  // Comments live in a doc of their own: writing one never changes the record (CMT-1).
  const commentsSession = ws.sync.acquire(commentsDocId(props.docId));
  onCleanup(() => commentsSession.release());
  // CMT-13: comments name their authors by the workspace's member list: the name a comment
  // carries is what its device wrote. Read when a comment names a member the list does not have
  // (there are comments; someone joined since), at most every 5 s, and again when the device is
  // back online; until then, the written names.
  const [memberNames, setMemberNames] = createSignal<ReadonlyMap<string, string>>(new Map());
  let lastAsked = Number.NEGATIVE_INFINITY;
  let isAsking = false;
  let later: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(later));
  const readMemberNames = () => {
    if (isAsking) return;
    const wait = lastAsked + 5_000 - performance.now();
    if (wait > 0) {
      later ??= setTimeout(() => {
        later = undefined;
        readMemberNames();
      }, wait);
      return;
    }
    isAsking = true;
    lastAsked = performance.now();
    relayApi
      .listMembers(ws.entry.serverOrigin, ws.entry.id, ws.entry.memberToken)
      .then((r) => setMemberNames(new Map(r.members.map((m) => [m.id, m.displayName] as const))))
      .catch(() => {
        // Offline or refused: asked again later.
      })
      .finally(() => {
        isAsking = false;
      });
  };
  const comments = createComments(
    commentsSession.synced.doc,
    { memberId: ws.entry.memberId, name: ws.entry.displayName },
    Date.now,
    memberNames,
  );
  createEffect(() => {
    const known = memberNames();
    const named = comments
      .threads()
      .flatMap((t) => [t.root, ...t.replies])
      .flatMap((c) => [c.authorId, c.resolvedBy ?? null]);
    if (named.some((id) => id !== null && !known.has(id))) readMemberNames();
  });
  const onOnline = () => {
    lastAsked = Number.NEGATIVE_INFINITY;
    if (comments.threads().length > 0) readMemberNames();
  };
  window.addEventListener('online', onOnline);
  onCleanup(() => window.removeEventListener('online', onOnline));
  const entry = () => ws.index.docs.find((d) => d.id === props.docId);
  createEffect(() => setPageTitle(docTitle(entry()?.title ?? '')));
  onCleanup(() => setPageTitle(null));
  // Remembered so a doc deleted elsewhere while open keeps showing what it holds.
  const [lastKind, setLastKind] = createSignal<string | null>(null);
  const [wasListed, setWasListed] = createSignal(false);
  createEffect(() => {
    const e = entry();
    if (!e) return;
    setWasListed(true);
    setLastKind(e.kind);
  });
  const isGone = () => wasListed() && !entry();
  // A listed doc of a kind this build does not know keeps its kind, so it is never shown as another.
  const kind = () =>
    entry()?.kind ??
    ws.index.unknownDocs.find((d) => d.id === props.docId)?.kind ??
    (isGone() ? lastKind() : null);
  const [isRenaming, setRenaming] = createSignal(false);
  const [isConfirming, setConfirming] = createSignal(false);
  const [isDeleting, setDeleting] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  // A kind a workspace keeps one of (the roster) is neither archived nor deleted.
  const isOneOfMany = () => {
    const e = entry();
    return e !== undefined && kindInfo(e.kind).fixedId === null;
  };
  const canDelete = () => isOneOfMany() && ws.can('deleteDoc') && !ws.entry.isLocalDemo;
  const deleteDoc = async () => {
    setDeleting(true);
    setError(null);
    try {
      await docsApi.deleteDoc(ws.entry, props.docId);
      setConfirming(false);
      navigate({ name: 'workspace', workspaceId: ws.entry.id, view: 'docs' });
    } catch (e) {
      setConfirming(false);
      setError(
        navigator.onLine
          ? t('common.error', { message: errorText(e) })
          : t('docs.deleteNeedsNetwork'),
      );
    } finally {
      setDeleting(false);
    }
  };
  let editorRoot: HTMLDivElement | undefined;
  // SEARCH-5: what was found, said to a screen reader (the mark is only seen).
  const [foundWords, setFoundWords] = createSignal<string | null>(null);
  // SEARCH-5: opened from a search of the list, the doc shows where the query matched (a feedback
  // log filters its entries by it instead).
  // The query leaves the address once shown, so going back to the doc later (from its history,
  // say) returns to where the reader was instead of to the word again. A new query for the same
  // doc (a pasted link) looks again.
  createEffect(
    on(
      () => props.find,
      (find) => {
        setFoundWords(null);
        createRevealFind({
          root: () => editorRoot,
          find,
          title: () => entry()?.title ?? '',
          isWanted: () => kind() !== 'feedback',
          onFound: (text) => {
            setFoundWords(text);
            history.replaceState(
              history.state,
              '',
              hrefOf({ name: 'doc', workspaceId: ws.entry.id, docId: props.docId }),
            );
          },
          onGone: () => setFoundWords(null),
        });
      },
    ),
  );
  // CMT-7: the comments panel leads to what a thread is about; one mark at a time.
  let targetMark: (() => void) | null = null;
  const showTarget = async (thread: CommentThread): Promise<boolean> => {
    targetMark?.();
    targetMark = editorRoot ? await showCommentTarget(editorRoot, thread) : null;
    return targetMark !== null;
  };
  onCleanup(() => targetMark?.());
  const editorProps: EditorProps = {
    docId: props.docId,
    get find() {
      return props.find;
    },
    get entry() {
      return props.entry;
    },
    session,
    get canEdit() {
      return ws.can('write') && !isGone();
    },
    user: {
      name: ws.entry.displayName,
      color: presenceColor(ws.entry.memberId, ws.entry.colour),
      memberId: ws.entry.memberId,
    },
    onTitle: (title) => {
      if (entry()) renameDoc(ws.sync.indexDoc, props.docId, title);
    },
    services: () => ws.index.services,
    plans: () =>
      ws.index.docs
        .filter((d) => d.kind === 'plan' && !d.archived)
        .map((d) => ({ id: d.id, title: d.title })),
  };
  return (
    <>
      <div class="doc-actions">
        <Show when={entry()?.archived}>
          <span class="badge doc-archived-badge">{t('docs.archivedMark')}</span>
        </Show>
        <Show when={ws.can('write') && entry()}>
          <button
            type="button"
            class="btn small"
            data-action="rename"
            onClick={() => setRenaming(true)}
          >
            {t('docs.rename')}
          </button>
          <Show when={isOneOfMany()}>
            <button
              type="button"
              class="btn small"
              data-action={entry()?.archived ? 'unarchive' : 'archive'}
              onClick={() => setDocArchived(ws.sync, props.docId, !entry()?.archived)}
            >
              {entry()?.archived ? t('docs.unarchive') : t('docs.archive')}
            </button>
          </Show>
        </Show>
        <Show when={kind() === 'minutes' || kind() === 'plan' || kind() === 'roster'}>
          <a
            class="btn small"
            href={hrefOf({ name: 'print', workspaceId: ws.entry.id, docId: props.docId })}
          >
            {t('docs.print')}
          </a>
        </Show>
        {/* A deleted doc's history is kept to admins (DEL-1). */}
        <Show when={!ws.entry.isLocalDemo && (!isGone() || ws.can('deleteDoc'))}>
          <a
            class="btn small"
            href={hrefOf({ name: 'history', workspaceId: ws.entry.id, docId: props.docId })}
          >
            {t('history.open')}
          </a>
        </Show>
        <Show when={canDelete()}>
          <button
            type="button"
            class="btn small danger"
            data-action="delete"
            onClick={() => setConfirming(true)}
          >
            {t('docs.delete')}
          </button>
        </Show>
      </div>
      <Show when={isRenaming() && entry()}>
        {(e) => (
          <div class="panel doc-rename">
            <RenameDocForm entry={e()} onDone={() => setRenaming(false)} />
          </div>
        )}
      </Show>
      <Show when={error()}>
        <p class="error small" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={isGone()}>
        <div class="panel doc-gone-notice" role="alert">
          <p class="doc-gone-text">{t('docs.goneNotice')}</p>
          <a
            class="btn small"
            href={hrefOf({ name: 'workspace', workspaceId: ws.entry.id, view: 'docs' })}
          >
            {t('docs.backToList')}
          </a>
        </div>
      </Show>
      <CommentsProvider value={comments}>
        <p class="sr-only" role="status">
          {foundWords() === null ? '' : t('docs.foundHere', { words: foundWords()! })}
        </p>
        <div class="doc-editor-root" ref={editorRoot}>
          <Show
            when={isHere()}
            fallback={
              <p class="empty" data-fetching>
                {ws.summary().connection === 'online' || ws.summary().connection === 'connecting'
                  ? t('docs.fetching')
                  : t('docs.notLoaded')}
              </p>
            }
          >
            <KindEditor kind={kind()} editor={editorProps} />
          </Show>
        </div>
        <Show when={kind() !== 'roster'}>
          <CommentsPanel
            comments={comments}
            canEditRecord={editorProps.canEdit}
            onShowTarget={showTarget}
          />
        </Show>
      </CommentsProvider>
      <ConfirmDialog
        isOpen={isConfirming()}
        title={t('docs.deleteTitle')}
        message={
          <Sentence
            template={t('docs.deleteMessage')}
            params={{ title: docTitle(entry()?.title ?? '') }}
          />
        }
        confirmLabel={t('docs.delete')}
        isBusy={isDeleting()}
        onConfirm={() => void deleteDoc()}
        onCancel={() => setConfirming(false)}
      />
    </>
  );
}

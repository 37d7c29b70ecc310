import { type Comment, type CommentThread, MAX_COMMENT_CHARS } from '@grassroots/shared';
import { type Accessor, createEffect, createSignal, For, type JSX, Show } from 'solid-js';
import { Sentence } from '../components/Sentence.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { formatBeijingDateTime } from '../i18n/time.ts';
import type { CommentsState } from './CommentsContext.tsx';

/**
 * A text box and a button that send a comment or a reply; empty text sends nothing. With
 * `initial`, it starts with that text (an edit), and `onCancel` adds a button that gives up.
 */
function CommentForm(props: {
  label: string;
  submitLabel: string;
  name: string;
  placeholder?: string;
  initial?: string;
  onSend: (text: string) => void;
  onCancel?: () => void;
  /** Told of every change of the text (to keep a draft above the form). */
  onDraft?: (text: string) => void;
  ref?: (el: HTMLTextAreaElement) => void;
}): JSX.Element {
  const { t } = useI18n();
  const [text, setText] = createSignal(props.initial ?? '');
  return (
    <form
      class="form comment-form"
      data-comment-form={props.name}
      onSubmit={(e) => {
        e.preventDefault();
        if (!text().trim()) return;
        props.onSend(text());
        setText('');
      }}
    >
      <label class="field">
        <span class="sr-only">{props.label}</span>
        <textarea
          ref={props.ref}
          dir="auto"
          rows={2}
          maxLength={MAX_COMMENT_CHARS}
          placeholder={props.placeholder}
          aria-label={props.label}
          value={text()}
          onInput={(e) => {
            setText(e.currentTarget.value);
            props.onDraft?.(e.currentTarget.value);
          }}
        />
      </label>
      <div class="btn-row">
        <button type="submit" class="btn small primary" disabled={!text().trim()}>
          {props.submitLabel}
        </button>
        <Show when={props.onCancel}>
          {(cancel) => (
            <button type="button" class="btn small" data-action="cancel" onClick={() => cancel()()}>
              {t('common.cancel')}
            </button>
          )}
        </Show>
      </div>
    </form>
  );
}

/** The comment being changed, and its text so far (kept above the thread's elements). */
type Editing = { id: string; draft: string };

/**
 * Who wrote it and when (Beijing time), then what they wrote, and when they last changed it.
 * Its author may change the text (CMT-8): in place, saved as one change. The draft lives in the
 * panel, so a thread drawn again (a reply arriving) keeps it.
 */
function CommentBody(props: {
  comment: Comment;
  comments: CommentsState;
  editing: Accessor<Editing | null>;
  setEditing: (editing: Editing | null) => void;
}): JSX.Element {
  const { t } = useI18n();
  const isMine = () => props.comment.authorId === props.comments.memberId;
  const isEditing = () => props.editing()?.id === props.comment.id;
  let place: HTMLParagraphElement | undefined;
  // Back to the edit link once the box goes (saved or given up), so the keyboard and a screen
  // reader stay where they were; after the frame that draws the link again.
  const stopEditing = () => {
    props.setEditing(null);
    const item = place?.closest('[data-comment-id]');
    requestAnimationFrame(() =>
      item?.querySelector<HTMLElement>(':scope > [data-action="edit"]')?.focus(),
    );
  };
  return (
    <>
      <p class="comment-meta small" ref={place}>
        <bdi class="comment-author">
          {props.comments.nameOf(props.comment.authorId, props.comment.authorName)}
        </bdi>{' '}
        <span class="muted">
          <bdi dir="ltr">{formatBeijingDateTime(props.comment.createdAt)}</bdi>
          {t('badge.timeZone')}
        </span>
        <Show when={props.comment.editedAt}>
          {(at) => (
            <span class="muted comment-edited" data-edited-at={at()}>
              {' '}
              <Sentence
                template={t('cmt.edited')}
                params={{ time: { element: <bdi dir="ltr">{formatBeijingDateTime(at())}</bdi> } }}
              />
            </span>
          )}
        </Show>
      </p>
      <Show
        when={isEditing()}
        fallback={
          <>
            <p class="comment-text" dir="auto">
              {props.comment.text}
            </p>
            <Show when={isMine()}>
              <button
                type="button"
                class="btn-link small comment-edit"
                data-action="edit"
                onClick={() =>
                  props.setEditing({ id: props.comment.id, draft: props.comment.text })
                }
              >
                {t('cmt.edit')}
              </button>
            </Show>
          </>
        }
      >
        <CommentForm
          name="edit"
          label={t('cmt.edit')}
          submitLabel={t('cmt.saveEdit')}
          initial={props.editing()?.draft ?? props.comment.text}
          ref={(el) => queueMicrotask(() => el.focus())}
          onDraft={(draft) => props.setEditing({ id: props.comment.id, draft })}
          onSend={(text) => {
            if (text.trim() !== props.comment.text) props.comments.edit(props.comment.id, text);
            stopEditing();
          }}
          onCancel={stopEditing}
        />
      </Show>
    </>
  );
}

/**
 * The comments of one document: a form for a new one (about the whole document, or the item or
 * passage chosen in the editor), then every thread with its replies, resolve and reopen. Every
 * member comments, viewers too; comments never change the record and are not printed.
 */
export function CommentsPanel(props: {
  comments: CommentsState;
  canEditRecord: boolean;
  /**
   * Brings what an open thread is about (a passage, an item) into view in the editor and marks
   * it; false when the editor does not show it now.
   */
  onShowTarget?: (thread: CommentThread) => boolean | Promise<boolean>;
}): JSX.Element {
  const { t } = useI18n();
  const c = props.comments;
  const [showResolved, setShowResolved] = createSignal(false);
  // The thread whose passage or item was asked for and is not on the page.
  const [notShown, setNotShown] = createSignal<string | null>(null);
  const [editing, setEditing] = createSignal<Editing | null>(null);
  const [replyingTo, setReplyingTo] = createSignal<string | null>(null);
  let box: HTMLTextAreaElement | undefined;
  let section: HTMLElement | undefined;
  c.onStart(() => {
    section?.scrollIntoView({ block: 'nearest' });
    box?.focus();
  });
  const open = () => c.threads().filter((th) => !th.root.resolved);
  const resolved = () => c.threads().filter((th) => th.root.resolved);
  const shown = () => (showResolved() ? c.threads() : open());
  const about = (th: CommentThread): JSX.Element => {
    const target = th.root.target;
    if (target.kind === 'item') {
      return (
        <Sentence
          template={t('cmt.aboutItem')}
          params={{ item: c.itemLabel(target.itemId) ?? t('cmt.someItem') }}
        />
      );
    }
    if (target.kind === 'passage') {
      return <Sentence template={t('cmt.aboutPassage')} params={{ quote: target.quote }} />;
    }
    return t('cmt.aboutDoc');
  };
  return (
    <section
      class="panel comments-panel no-print"
      aria-labelledby="comments-title"
      ref={section}
      data-comments
    >
      <h2 id="comments-title" class="comments-title">
        {t('cmt.title')}{' '}
        <Show when={open().length > 0}>
          <span class="badge comments-count" data-unresolved={open().length}>
            {t('cmt.unresolved', { n: open().length })}
          </span>
        </Show>
      </h2>
      <Show when={!props.canEditRecord}>
        <p class="muted small">{t('cmt.viewerHint')}</p>
      </Show>
      <p class="comment-about small">
        <Show
          when={c.focus()}
          fallback={<Sentence template={t('cmt.about')} params={{ what: t('cmt.aboutDoc') }} />}
        >
          {(f) => (
            <>
              <Sentence template={t('cmt.about')} params={{ what: f().label }} />{' '}
              <button type="button" class="btn-link small" onClick={() => c.clearFocus()}>
                {t('cmt.aboutDocInstead')}
              </button>
            </>
          )}
        </Show>
      </p>
      <CommentForm
        name="new"
        label={t('cmt.new')}
        submitLabel={t('cmt.send')}
        placeholder={t('cmt.placeholder')}
        ref={(el) => {
          box = el;
        }}
        onSend={(text) => {
          c.add(text, c.focus()?.target ?? { kind: 'doc' });
          c.clearFocus();
        }}
      />
      <Show when={c.threads().length === 0}>
        <p class="muted small">{t('cmt.empty')}</p>
      </Show>
      <ol class="comment-threads">
        <For each={shown()}>
          {(th) => (
            <li
              class="comment-thread"
              classList={{ 'is-resolved': th.root.resolved }}
              data-comment-id={th.root.id}
              data-resolved={th.root.resolved ? 'true' : 'false'}
            >
              <p class="comment-target small muted">
                {/* CMT-7: an open thread's passage or item is a tap away (a resolved passage is
                    no longer marked in the editor). */}
                <Show
                  when={th.root.target.kind !== 'doc' && !th.root.resolved && props.onShowTarget}
                  fallback={about(th)}
                >
                  {(show) => (
                    <>
                      <button
                        type="button"
                        class="btn-link small"
                        data-action="show-target"
                        onClick={async () => {
                          const isShown = await show()(th);
                          setNotShown(isShown ? null : th.root.id);
                        }}
                      >
                        {about(th)}
                      </button>{' '}
                      {/* Always there, so that a screen reader announces what comes into it. */}
                      <span class="comment-target-gone" role="status">
                        {notShown() !== th.root.id
                          ? ''
                          : th.root.target.kind === 'passage'
                            ? t('cmt.passageGone')
                            : t('cmt.itemNotShown')}
                      </span>
                    </>
                  )}
                </Show>
              </p>
              <CommentBody
                comment={th.root}
                comments={c}
                editing={editing}
                setEditing={setEditing}
              />
              <ol class="comment-replies">
                <For each={th.replies}>
                  {(r) => (
                    <li class="comment-reply" data-comment-id={r.id}>
                      <CommentBody
                        comment={r}
                        comments={c}
                        editing={editing}
                        setEditing={setEditing}
                      />
                    </li>
                  )}
                </For>
              </ol>
              <Show when={th.root.resolved && th.root.resolvedByName}>
                <p class="small muted comment-resolved-by">
                  <Sentence
                    template={t('cmt.resolvedBy')}
                    params={{
                      name: c.nameOf(th.root.resolvedBy, th.root.resolvedByName ?? ''),
                      time: {
                        element: (
                          <bdi dir="ltr">{formatBeijingDateTime(th.root.resolvedAt ?? 0)}</bdi>
                        ),
                      },
                    }}
                  />
                </p>
              </Show>
              <div class="btn-row">
                <button
                  type="button"
                  class="btn small"
                  data-action="reply"
                  aria-expanded={replyingTo() === th.root.id}
                  onClick={() => setReplyingTo((id) => (id === th.root.id ? null : th.root.id))}
                >
                  {t('cmt.reply')}
                </button>
                <button
                  type="button"
                  class="btn small"
                  data-action={th.root.resolved ? 'reopen' : 'resolve'}
                  onClick={() => c.setResolved(th.root.id, !th.root.resolved)}
                >
                  {th.root.resolved ? t('cmt.reopen') : t('cmt.resolve')}
                </button>
              </div>
              <Show when={replyingTo() === th.root.id}>
                <CommentForm
                  name="reply"
                  label={t('cmt.replyTo', { name: c.nameOf(th.root.authorId, th.root.authorName) })}
                  submitLabel={t('cmt.sendReply')}
                  onSend={(text) => {
                    c.add(text, th.root.target, th.root.id);
                    setReplyingTo(null);
                  }}
                />
              </Show>
            </li>
          )}
        </For>
      </ol>
      <Show when={resolved().length > 0}>
        <button
          type="button"
          class="btn-link small"
          data-action="toggle-resolved"
          aria-pressed={showResolved()}
          onClick={() => setShowResolved((v) => !v)}
        >
          {showResolved() ? t('cmt.hideResolved') : t('cmt.showResolved', { n: resolved().length })}
        </button>
      </Show>
    </section>
  );
}

/**
 * A small button on an item (task, vote, feedback entry) that points the comment form at it,
 * with the number of its unresolved threads. Nothing outside a document with comments.
 */
export function ItemCommentButton(props: {
  comments: CommentsState | null;
  itemId: string;
  label: string;
}): JSX.Element {
  const { t } = useI18n();
  return (
    <Show when={props.comments}>
      {(c) => {
        createEffect(() => c().registerItem(props.itemId, props.label));
        return (
          <button
            type="button"
            class="btn small comment-btn no-print"
            data-comment-item={props.itemId}
            aria-label={t('cmt.onItem', { item: props.label })}
            title={t('cmt.onItem', { item: props.label })}
            onClick={() =>
              c().startOn({
                target: { kind: 'item', itemId: props.itemId },
                label: t('cmt.aboutItem', { item: props.label }),
              })
            }
          >
            {t('cmt.itemButton')}
            <Show when={c().openOn(props.itemId) > 0}>
              {' '}
              <span class="comment-btn-count" data-unresolved={c().openOn(props.itemId)}>
                {c().openOn(props.itemId)}
              </span>
            </Show>
          </button>
        );
      }}
    </Show>
  );
}

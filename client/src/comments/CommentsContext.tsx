import {
  addComment,
  type CommentTarget,
  type CommentThread,
  commentThreads,
  editComment,
  newId,
  readComments,
  setCommentResolved,
} from '@grassroots/shared';
import {
  type Accessor,
  createContext,
  createMemo,
  createSignal,
  type JSX,
  useContext,
} from 'solid-js';
import type * as Y from 'yjs';
import { createDocProjection } from '../projection/createDocProjection.ts';

/** What the comment form is about, with the words that name it on screen. */
export type CommentFocus = { target: CommentTarget; label: string };

export type CommentsState = {
  /** Every thread, oldest first. */
  threads: Accessor<CommentThread[]>;
  /** Threads about one item that are not resolved (for its badge). */
  openOn: (itemId: string) => number;
  /** What a new comment is about (default the whole document). */
  focus: Accessor<CommentFocus | null>;
  /** Points the form at an item or a passage and brings it into view. */
  startOn: (focus: CommentFocus) => void;
  clearFocus: () => void;
  /** Names items have on screen, so a thread can say what it is about. */
  itemLabel: (itemId: string) => string | null;
  registerItem: (itemId: string, label: string) => void;
  add: (text: string, target: CommentTarget, parentId?: string | null) => void;
  setResolved: (commentId: string, isResolved: boolean) => void;
  /** The member writing: only the author of a comment changes its text (CMT-3, CMT-8). */
  memberId: string;
  /** Changes the text of one of the member's own comments (marked as changed, with when). */
  edit: (commentId: string, text: string) => void;
  /** Called once the form should take the keyboard (after `startOn`). */
  onStart: (listener: () => void) => void;
  /**
   * The name to show for a member: the workspace's member list when it has been read (a comment
   * carries the name its device wrote, which the relay does not check: it checks the id),
   * otherwise the name written.
   */
  nameOf: (memberId: string | null | undefined, written: string) => string;
};

const CommentsContext = createContext<CommentsState>();

/**
 * The comments of one document, read from its comments doc (a projection) and written through
 * the shared operations in the member's own name.
 */
export function createComments(
  doc: Y.Doc,
  me: { memberId: string; name: string },
  now: () => number = Date.now,
  memberNames: Accessor<ReadonlyMap<string, string>> = () => new Map(),
): CommentsState {
  const projection = createDocProjection(doc, (d) => ({ list: readComments(d) }));
  // A thread keeps its object while its comments are the same (the projection keeps each
  // comment's): the panel then keeps its elements, and what is being typed in them, when another
  // thread changes.
  let previous = new Map<string, CommentThread>();
  const threads = createMemo(() => {
    const kept = commentThreads(projection.list).map((t) => {
      const old = previous.get(t.root.id);
      const isSame =
        old !== undefined &&
        old.root === t.root &&
        old.replies.length === t.replies.length &&
        old.replies.every((r, i) => r === t.replies[i]);
      return isSame ? old : t;
    });
    previous = new Map(kept.map((t) => [t.root.id, t]));
    return kept;
  });
  const [focus, setFocus] = createSignal<CommentFocus | null>(null);
  const [labels, setLabels] = createSignal<ReadonlyMap<string, string>>(new Map());
  let startListener: (() => void) | null = null;
  return {
    threads,
    openOn: (itemId) =>
      threads().filter(
        (t) => !t.root.resolved && t.root.target.kind === 'item' && t.root.target.itemId === itemId,
      ).length,
    focus,
    startOn: (next) => {
      setFocus(next);
      startListener?.();
    },
    clearFocus: () => setFocus(null),
    itemLabel: (itemId) => labels().get(itemId) ?? null,
    registerItem: (itemId, label) => {
      if (labels().get(itemId) === label) return;
      setLabels((m) => new Map(m).set(itemId, label));
    },
    add: (text, target, parentId = null) => {
      addComment(doc, {
        id: newId(),
        authorId: me.memberId,
        authorName: me.name,
        text,
        target,
        parentId,
        at: now(),
      });
    },
    setResolved: (commentId, isResolved) =>
      setCommentResolved(doc, commentId, isResolved, {
        memberId: me.memberId,
        name: me.name,
        at: now(),
      }),
    memberId: me.memberId,
    edit: (commentId, text) => editComment(doc, commentId, text, now()),
    onStart: (listener) => {
      startListener = listener;
    },
    nameOf: (memberId, written) => (memberId && memberNames().get(memberId)) || written,
  };
}

export function CommentsProvider(props: {
  value: CommentsState;
  children: JSX.Element;
}): JSX.Element {
  return <CommentsContext.Provider value={props.value}>{props.children}</CommentsContext.Provider>;
}

/**
 * The comments of the document shown, or null outside one (an editor shown elsewhere, e.g. an
 * old version in history, has no comment buttons).
 */
export function useComments(): CommentsState | null {
  return useContext(CommentsContext) ?? null;
}

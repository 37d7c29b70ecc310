/**
 * Comments on a document, kept in a companion doc (`<docId>.comments`, see the protocol's
 * `commentsDocId`) so that a comment never changes the record, its history or its print.
 *
 * Layout: one root map `comments`, comment id → a Y.Map of plain fields (see `commentSchema`).
 * Only these fields ever change after creation: `text` and `editedAt` (its author), `resolved`,
 * `resolvedBy` and `resolvedAt` (any member). The relay holds every write to this shape
 * (`commentsWriteCheck`, rules CMT-1..6, 9, 10, 12 in server/src/relay/SPEC.md).
 *
 * A comment targets the whole document, one item of it (a task, a vote, a feedback entry: by the
 * item's id), or a passage of its rich text: two Yjs relative positions (base64 of
 * `Y.encodeRelativePosition`) against the record doc's XmlFragment, plus the words quoted when it
 * was made, so the anchor follows the words through edits and says what it was about if they go.
 */
import { encodeUtf8 } from 'lib0/string';
import * as Y from 'yjs';
import { z } from 'zod';
import { type OpOptions, Origins } from './origins.ts';

/** Root map of a comments doc: comment id → comment map. */
export const COMMENTS_ROOT = 'comments';

/** Longest comment, characters. */
export const MAX_COMMENT_CHARS = 2000;
/** Longest quoted passage kept with an anchor, characters. */
export const MAX_QUOTE_CHARS = 200;

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const commentTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('doc') }).strict(),
  z.object({ kind: z.literal('item'), itemId: id }).strict(),
  z
    .object({
      kind: z.literal('passage'),
      /** The fragment of the record doc the passage lives in (e.g. `body`). */
      field: z.string().min(1).max(64),
      /** Base64 of `Y.encodeRelativePosition` of the first and after-last character. */
      start: z.string().min(1).max(200),
      end: z.string().min(1).max(200),
      quote: z.string().max(MAX_QUOTE_CHARS),
    })
    .strict(),
]);
export type CommentTarget = z.infer<typeof commentTargetSchema>;

export const commentSchema = z
  .object({
    id,
    /** The member who wrote it (the relay checks it is the sender, CMT-2). */
    authorId: id,
    authorName: z.string().max(80),
    /** Instants, ms since the epoch. */
    createdAt: z.number().int().nonnegative(),
    text: z.string().min(1).max(MAX_COMMENT_CHARS),
    target: commentTargetSchema,
    /** The comment this one answers, or null for a thread's first. */
    parentId: id.nullable(),
    resolved: z.boolean(),
    resolvedBy: id.nullable().optional(),
    resolvedByName: z.string().max(80).nullable().optional(),
    resolvedAt: z.number().int().nonnegative().nullable().optional(),
    editedAt: z.number().int().nonnegative().nullable().optional(),
  })
  .strict();
export type Comment = z.infer<typeof commentSchema>;

/** Fields nobody changes once a comment exists. */
export const COMMENT_FIXED_FIELDS = [
  'id',
  'authorId',
  'authorName',
  'createdAt',
  'target',
  'parentId',
] as const;
/** Fields only the comment's author changes. */
export const COMMENT_AUTHOR_FIELDS = ['text', 'editedAt'] as const;
/** Fields any member changes (resolve and reopen). */
export const COMMENT_RESOLVE_FIELDS = [
  'resolved',
  'resolvedBy',
  'resolvedByName',
  'resolvedAt',
] as const;

const rootOf = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(COMMENTS_ROOT);

export type NewComment = {
  id: string;
  authorId: string;
  authorName: string;
  text: string;
  target: CommentTarget;
  parentId?: string | null;
  at: number;
};

/** Adds a comment (or a reply when `parentId` is set); returns its id. */
export function addComment(doc: Y.Doc, input: NewComment, opts?: OpOptions): string {
  const comment: Comment = commentSchema.parse({
    id: input.id,
    authorId: input.authorId,
    authorName: input.authorName,
    createdAt: input.at,
    text: input.text.trim(),
    target: input.target,
    parentId: input.parentId ?? null,
    resolved: false,
  });
  doc.transact(() => {
    const map = new Y.Map<unknown>();
    for (const [key, value] of Object.entries(comment)) map.set(key, value);
    rootOf(doc).set(comment.id, map);
  }, opts?.origin ?? Origins.local);
  return comment.id;
}

/** Changes a comment's text (its author only; the relay refuses anyone else, CMT-3). */
export function editComment(
  doc: Y.Doc,
  commentId: string,
  text: string,
  at: number,
  opts?: OpOptions,
): void {
  const map = rootOf(doc).get(commentId);
  if (!map) return;
  const checked = commentSchema.shape.text.parse(text.trim());
  doc.transact(() => {
    map.set('text', checked);
    map.set('editedAt', at);
  }, opts?.origin ?? Origins.local);
}

/** Resolves (or with `isResolved` false, reopens) a comment thread: any member may (CMT-4). */
export function setCommentResolved(
  doc: Y.Doc,
  commentId: string,
  isResolved: boolean,
  by: { memberId: string; name: string; at: number },
  opts?: OpOptions,
): void {
  const map = rootOf(doc).get(commentId);
  if (!map) return;
  doc.transact(() => {
    map.set('resolved', isResolved);
    map.set('resolvedBy', isResolved ? by.memberId : null);
    map.set('resolvedByName', isResolved ? by.name : null);
    map.set('resolvedAt', isResolved ? by.at : null);
  }, opts?.origin ?? Origins.local);
}

/** The plain data of one comment map, or null when it does not pass the schema. */
export function readCommentMap(value: unknown): Comment | null {
  if (!(value instanceof Y.Map)) return null;
  const parsed = commentSchema.safeParse(value.toJSON());
  return parsed.success ? parsed.data : null;
}

/** Every well-formed comment, oldest first (ties by id, so every device agrees). */
export function readComments(doc: Y.Doc): Comment[] {
  const list: Comment[] = [];
  for (const value of rootOf(doc).values()) {
    const comment = readCommentMap(value);
    if (comment) list.push(comment);
  }
  return list.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

export type CommentThread = { root: Comment; replies: Comment[] };

/** Comments grouped into threads (a reply to a missing comment is left out). */
export function commentThreads(comments: readonly Comment[]): CommentThread[] {
  const threads = new Map<string, CommentThread>();
  for (const c of comments) if (c.parentId === null) threads.set(c.id, { root: c, replies: [] });
  for (const c of comments) {
    if (c.parentId !== null) threads.get(c.parentId)?.replies.push(c);
  }
  return [...threads.values()];
}

/** Threads not resolved: what the badges count. */
export function unresolvedCount(doc: Y.Doc): number {
  return commentThreads(readComments(doc)).filter((t) => !t.root.resolved).length;
}

/** CMT-10: comments one document's comments room holds at most. */
export const MAX_COMMENTS_PER_DOC = 2_000;

/** Why a write to a comments doc is refused, or null (`commentsWriteCheck`). */
export function commentsWriteRefusal(
  before: Y.Doc,
  update: Uint8Array,
  memberId: string,
): string | null {
  return commentsWriteCheck(before, update, memberId).refusal;
}

/**
 * Bytes an item's content takes once stored; what reaches it is a plain value (JSON), a deleted
 * range or a comment map (`itemShapeRefusal` refused anything else).
 */
function contentBytes(content: Y.Item['content']): number {
  return content instanceof Y.ContentAny
    ? encodeUtf8(JSON.stringify(content.arr)).length
    : content.getLength();
}

export type CommentsWriteCheck = {
  /** Why the write is refused (CMT-1..6, 9, 10), or null. */
  refusal: string | null;
  /** CMT-12: bytes of content the write brings that the room does not hold yet. */
  newBytes: number;
};

/**
 * Checks a write to a comments doc: refused (CMT-1..6) unless it only adds comments of
 * `memberId` in the allowed shape, edits that member's own comments, or resolves and reopens.
 * `before` is the doc as stored; `update` is tried on a copy, never on it. An update that leaves
 * anything waiting for missing dependencies is refused too: its effect cannot be checked.
 */
export function commentsWriteCheck(
  before: Y.Doc,
  update: Uint8Array,
  memberId: string,
): CommentsWriteCheck {
  const refused = (refusal: string): CommentsWriteCheck => ({ refusal, newBytes: 0 });
  const scratch = new Y.Doc({ gc: false });
  Y.applyUpdate(scratch, Y.encodeStateAsUpdate(before));
  const oldRoot = before.getMap<unknown>(COMMENTS_ROOT);
  // Defined before the update applies, so its changes are recorded against this very type.
  const root = scratch.getMap<unknown>(COMMENTS_ROOT);
  const changed: Y.Transaction['changed'] = new Map();
  scratch.on('afterTransaction', (tr: Y.Transaction) => {
    for (const [type, keys] of tr.changed) {
      const seen = changed.get(type) ?? new Set();
      for (const key of keys) seen.add(key);
      changed.set(type, seen);
    }
  });
  try {
    Y.applyUpdate(scratch, update);
  } catch {
    return refused('comments: the update cannot be applied');
  }
  if (scratch.store.pendingStructs !== null || scratch.store.pendingDs !== null) {
    return refused('comments: the update depends on changes the server does not have');
  }
  // Said after the shape of every item is checked: a field of the wrong shape is the reason.
  let isMisnamed = false;
  for (const [type, keys] of changed) {
    if (type === (root as unknown)) {
      // CMT-10: a record's discussion, not a store: past the cap a write adding comments is
      // refused (every check of a write reads them all, and every device downloads them).
      if (oldRoot.size + keys.size > MAX_COMMENTS_PER_DOC)
        return refused('comments: this document holds as many comments as it may');
      for (const key of keys) {
        if (key === null || oldRoot.has(key))
          return refused('comments: a comment may not be removed');
        const value = root.get(key);
        if (value instanceof Y.Map && [...value.values()].some((v) => v instanceof Y.AbstractType))
          return refused('comments: a comment holds plain fields');
        const comment = readCommentMap(value);
        if (!comment || comment.id !== key) return refused('comments: not a comment');
        if (comment.authorId !== memberId)
          return refused('comments: a comment is written by its own author');
        // CMT-4: nor does it name a resolver (one named on an open comment stood once it was
        // resolved).
        if (
          comment.resolved ||
          (comment.resolvedBy ?? null) !== null ||
          (comment.resolvedByName ?? null) !== null ||
          (comment.resolvedAt ?? null) !== null
        )
          return refused('comments: a new comment is not resolved');
        if (comment.parentId !== null && !(root.get(comment.parentId) instanceof Y.Map))
          return refused('comments: a reply answers a comment');
      }
      continue;
    }
    const parent = type._item?.parent;
    const commentId = type._item?.parentSub;
    if (!(type instanceof Y.Map) || parent !== (root as unknown) || typeof commentId !== 'string')
      return refused('comments: only comments may be written here');
    const was = readCommentMap(oldRoot.get(commentId));
    const now = readCommentMap(type);
    if (!was || !now) return refused('comments: not a comment');
    for (const key of keys) {
      if (key === null) return refused('comments: not a comment');
      if ((COMMENT_RESOLVE_FIELDS as readonly string[]).includes(key)) continue;
      if ((COMMENT_AUTHOR_FIELDS as readonly string[]).includes(key)) {
        if (was.authorId !== memberId)
          return refused('comments: only its author changes a comment');
        continue;
      }
      return refused('comments: this field of a comment does not change');
    }
    // CMT-4: a write that resolves or reopens leaves the comment resolved by its sender, or open
    // with no resolver. Checking `resolvedBy` only when it changed let a resolver be named while
    // the comment was open and then left standing when it was resolved.
    const isResolveWrite = COMMENT_RESOLVE_FIELDS.some((field) => keys.has(field));
    if (
      isResolveWrite &&
      (now.resolved
        ? now.resolvedBy !== memberId
        : (now.resolvedBy ?? null) !== null || (now.resolvedByName ?? null) !== null)
    )
      isMisnamed = true;
  }
  // Every item the update brings, kept or overwritten by itself, is of the one shape: a comment
  // map directly under the root, or a plain value under a field's name in one (CMT-6, CMT-12).
  // Checking only what is left visible let a write set a Y type, a subdocument or a key of
  // megabytes and overwrite it in the same update: stored, and counted as nothing.
  const known = Y.decodeStateVector(Y.encodeStateVector(before));
  let hidden = 0;
  for (const struct of Y.decodeUpdate(update).structs) {
    if (!(struct instanceof Y.Item)) continue;
    if (struct.id.clock + struct.length <= (known.get(struct.id.client) ?? 0)) continue;
    let stored: Y.AbstractStruct;
    try {
      stored = Y.getItem(scratch.store, struct.id);
    } catch {
      continue;
    }
    if (!(stored instanceof Y.Item)) continue;
    const why = itemShapeRefusal(stored, root);
    if (why !== null) return refused(why);
    // A field holds one value: `Y.Map.set` writes one per item, and a map reads only an item's
    // last, so the values before it in a crafted item are stored and read by nobody (CMT-9).
    if (!stored.deleted && stored.parentSub !== null && stored.length > 1)
      return refused('comments: a field holds one value');
    // CMT-9: values the update sets and then overwrites itself are kept by the room (it keeps
    // what was deleted) but read by nobody: hidden bytes everyone would download. Only what is
    // new to the room counts, so an update that also carries comments the room already has
    // (another tab's, sent again) is not charged for them.
    if (stored.deleted) hidden += contentBytes(struct.content);
  }
  scratch.destroy();
  if (isMisnamed) return refused('comments: a comment is resolved in its resolver’s own name');
  if (hidden > COMMENT_HIDDEN_BYTES) {
    return refused('comments: the update holds values it overwrites itself');
  }
  // CMT-12: what the room will store of this write: the part of the update it does not hold.
  return { refusal: null, newBytes: Y.diffUpdate(update, Y.encodeStateVector(before)).byteLength };
}

const COMMENT_FIELDS: ReadonlySet<string> = new Set(Object.keys(commentSchema.shape));
const COMMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Why an item a comments write brings is not of the comments doc's shape, or null. */
function itemShapeRefusal(item: Y.Item, root: Y.Map<unknown>): string | null {
  const key = item.parentSub;
  if (item.parent === root) {
    if (key === null || !COMMENT_ID.test(key)) return 'comments: not a comment';
    const isMap = item.content instanceof Y.ContentType && item.content.type instanceof Y.Map;
    return isMap || item.content instanceof Y.ContentDeleted ? null : 'comments: not a comment';
  }
  const parent = item.parent;
  if (!(parent instanceof Y.Map) || parent._item?.parent !== root)
    return 'comments: only comments may be written here';
  if (key === null || !COMMENT_FIELDS.has(key)) return 'comments: not a comment';
  return item.content instanceof Y.ContentAny || item.content instanceof Y.ContentDeleted
    ? null
    : 'comments: a comment holds plain fields';
}

/**
 * Bytes of values one comments update may set and overwrite itself (CMT-9): a comment of full
 * length in Chinese or Uyghur changed about twenty times on a device offline.
 */
const COMMENT_HIDDEN_BYTES = 128 * 1024;

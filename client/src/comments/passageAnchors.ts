import { MAX_QUOTE_CHARS } from '@grassroots/shared';
import { Extension } from '@tiptap/core';
import { type EditorState, Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import {
  absolutePositionToRelativePosition,
  relativePositionToAbsolutePosition,
  ySyncPluginKey,
} from '@tiptap/y-tiptap';
import { fromBase64, toBase64 } from 'lib0/buffer';
import * as Y from 'yjs';

/** A passage comment's anchor, as the comments doc keeps it. */
export type PassageAnchor = { id: string; start: string; end: string };

type SyncState = {
  doc: Y.Doc;
  type: Y.XmlFragment;
  binding: { mapping: Parameters<typeof absolutePositionToRelativePosition>[2] } | null;
};

const syncStateOf = (state: EditorState): SyncState | null => {
  const s = ySyncPluginKey.getState(state) as SyncState | undefined;
  return s?.binding ? s : null;
};

/**
 * A selection as a passage anchor: Yjs relative positions of its first and after-last character
 * (base64), which follow those characters through everyone's edits, and the words it quoted.
 * Null when the editor is not bound yet or the selection is empty.
 */
export function anchorOfSelection(
  state: EditorState,
  from: number,
  to: number,
): { start: string; end: string; quote: string } | null {
  const sync = syncStateOf(state);
  if (!sync?.binding || from >= to) return null;
  const encode = (pos: number) =>
    toBase64(
      Y.encodeRelativePosition(
        absolutePositionToRelativePosition(pos, sync.type, sync.binding!.mapping),
      ),
    );
  const quote = state.doc.textBetween(from, to, ' ').trim().slice(0, MAX_QUOTE_CHARS);
  return { start: encode(from), end: encode(to), quote };
}

/** Where an anchor's passage is now in the editor, or null when its words are gone. */
export function rangeOfAnchor(
  state: EditorState,
  anchor: PassageAnchor,
): { from: number; to: number } | null {
  const sync = syncStateOf(state);
  if (!sync?.binding) return null;
  const decode = (s: string) => {
    try {
      return relativePositionToAbsolutePosition(
        sync.doc,
        sync.type,
        Y.decodeRelativePosition(fromBase64(s)),
        sync.binding!.mapping,
      );
    } catch {
      return null;
    }
  };
  const from = decode(anchor.start);
  const to = decode(anchor.end);
  const size = state.doc.content.size;
  if (from === null || to === null || from >= to || to > size) return null;
  return { from, to };
}

export const commentAnchorsKey = new PluginKey('commentAnchors');

/**
 * Marks the passages comments are anchored to (`.comment-anchor`, with the comment id), read
 * again on every change of the editor and whenever `anchors` changes (dispatch a transaction
 * with `commentAnchorsKey` meta).
 */
export const CommentAnchors = Extension.create<{ anchors: () => PassageAnchor[] }>({
  name: 'commentAnchors',
  addOptions() {
    return { anchors: () => [] };
  },
  addProseMirrorPlugins() {
    const anchors = this.options.anchors;
    return [
      new Plugin({
        key: commentAnchorsKey,
        props: {
          decorations: (state) => {
            const list = anchors();
            if (list.length === 0) return null;
            const decorations: Decoration[] = [];
            for (const anchor of list) {
              const range = rangeOfAnchor(state, anchor);
              if (!range) continue;
              decorations.push(
                Decoration.inline(range.from, range.to, {
                  class: 'comment-anchor',
                  'data-comment-anchor': anchor.id,
                }),
              );
            }
            return DecorationSet.create(state.doc, decorations);
          },
        },
      }),
    ];
  },
});

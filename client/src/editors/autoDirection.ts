import { Extension } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';

const AUTO = { dir: 'auto' };

/**
 * Whether a node is one line of text for the reader: a paragraph or heading on its own, or a
 * list item (whose paragraphs then follow it, so its marker sits on the side its text starts).
 * A `dir` on the paragraph inside an item would hide that text from the item's own direction.
 */
function isOwnLine(node: PMNode, parent: PMNode | null): boolean {
  if (node.type.name === 'listItem') return true;
  return node.isTextblock && parent?.type.name !== 'listItem';
}

/**
 * `dir="auto"` on every line of a rich text: each paragraph, heading and list item reads in
 * the direction of its first letters (Uyghur right to left, Chinese left to right), whatever the
 * UI's language.
 */
export function directionDecorations(doc: PMNode): DecorationSet {
  const decorations: Decoration[] = [];
  doc.descendants((node, pos, parent) => {
    if (isOwnLine(node, parent)) decorations.push(Decoration.node(pos, pos + node.nodeSize, AUTO));
    return !node.isTextblock;
  });
  return DecorationSet.create(doc, decorations);
}

const key = new PluginKey<DecorationSet>('autoDirection');

/**
 * Sets each line's direction from its own text, in the view only. Tiptap's `textDirection`
 * option would do it through a `dir` attribute on every node, which the collaboration binding
 * writes into the shared doc: every paragraph rewritten on its first edit, and written back and
 * forth with a client that does not know the attribute. Here nothing is stored.
 */
export const AutoDirection = Extension.create({
  name: 'autoDirection',
  addProseMirrorPlugins() {
    return [
      new Plugin<DecorationSet>({
        key,
        state: {
          init: (_, state) => directionDecorations(state.doc),
          apply: (tr, old) => (tr.docChanged ? directionDecorations(tr.doc) : old),
        },
        props: {
          decorations: (state) => key.getState(state),
        },
      }),
    ];
  },
});

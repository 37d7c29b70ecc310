import { TextSelection } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';
import {
  absolutePositionToRelativePosition,
  relativePositionToAbsolutePosition,
  ySyncPluginKey,
} from '@tiptap/y-tiptap';
import type * as Y from 'yjs';

/** The part of y-tiptap's binding (the sync plugin's state) read here. */
type Binding = {
  doc: Y.Doc;
  type: Y.XmlFragment;
  mapping: Parameters<typeof absolutePositionToRelativePosition>[2];
};

/**
 * Runs `apply`, which changes the editor's fragment (others' changes reaching the editor's copy),
 * and then puts a text caret or selection where Yjs places it: after the character it followed,
 * wherever the others' text went (TYPE-2).
 *
 * y-tiptap 3.0.9 restores the selection that way too, but then second-guesses it whenever the
 * text of the caret's block changed (`isMisresolvedAfterStructuralChange`), and in a block it can
 * tell apart by its attributes (a heading: level 3 is not the default) puts the caret back at its
 * old offset in the block. Text another person typed before the caret then leaves it short, and
 * each next key lands before the one typed before it: "（二楼）" came out as "）楼二（". Its second
 * guess is kept where it chose another block (blocks moved), and where Yjs cannot say.
 */
export function keepingSelection(view: EditorView, apply: () => void): void {
  const binding = ySyncPluginKey.getState(view.state)?.binding as Binding | undefined;
  const before = view.state.selection;
  if (!binding || !(before instanceof TextSelection)) {
    apply();
    return;
  }
  const anchor = absolutePositionToRelativePosition(before.anchor, binding.type, binding.mapping);
  const head = absolutePositionToRelativePosition(before.head, binding.type, binding.mapping);
  apply();
  const after = view.state.selection;
  if (!(after instanceof TextSelection)) return;
  const toAbsolute = (relative: unknown) =>
    relativePositionToAbsolutePosition(binding.doc, binding.type, relative, binding.mapping);
  const newAnchor = toAbsolute(anchor);
  const newHead = toAbsolute(head);
  if (newAnchor === null || newHead === null) return;
  if (newAnchor === after.anchor && newHead === after.head) return;
  const { doc } = view.state;
  if (newAnchor > doc.content.size || newHead > doc.content.size) return;
  const $anchor = doc.resolve(newAnchor);
  const $head = doc.resolve(newHead);
  // Only an offset inside the block y-tiptap chose is corrected.
  if (!$anchor.parent.isTextblock || !$head.parent.isTextblock) return;
  if ($head.start() !== after.$head.start() || $anchor.start() !== after.$anchor.start()) return;
  view.dispatch(
    view.state.tr
      .setSelection(TextSelection.create(doc, newAnchor, newHead))
      .setMeta('addToHistory', false),
  );
}

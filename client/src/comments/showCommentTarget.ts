import type { CommentThread } from '@grassroots/shared';
import { clearOnNextAct, showMark } from '../editors/revealFind.ts';

/**
 * CMT-7: brings what a thread is about into view in the editor under `root` and marks it until
 * the reader's next tap or keystroke: a passage's words (the marks the editor draws for it, as a
 * CSS highlight), an item's row (the one its comment button is in). Resolves with what takes the
 * mark away, or null when the editor does not show it now (a passage's words deleted; an item
 * deleted or filtered out). The rich-text body is fetched on first use: a passage is looked for
 * once it is drawn.
 */
export async function showCommentTarget(
  root: HTMLElement,
  thread: CommentThread,
): Promise<(() => void) | null> {
  const target = thread.root.target;
  if (target.kind === 'doc') return null;
  if (target.kind === 'passage') {
    for (let i = 0; i < 20 && root.querySelector('[data-rich-pending]'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const words = root.querySelectorAll(`[data-comment-anchor="${CSS.escape(thread.root.id)}"]`);
    const first = words[0];
    if (!first) return null;
    const range = document.createRange();
    range.setStartBefore(first);
    range.setEndAfter(words[words.length - 1]!);
    return clearOnNextAct(showMark(first, range));
  }
  const button = root.querySelector(`[data-comment-item="${CSS.escape(target.itemId)}"]`);
  const row = button?.closest('li, tr') ?? button?.parentElement;
  return row ? clearOnNextAct(showMark(row)) : null;
}

/**
 * Moves keyboard focus to what an action made or left behind (a new task's name, the next task
 * after a removed one), once it is on the page: the button pressed may be gone, and focus would
 * otherwise fall back to the top of the page. Tries each selector in turn, for a few frames while
 * the view catches up with the doc; an input's text is selected, so typing replaces a default
 * name. Does nothing if none shows up.
 */
export function focusWhenShown(selectors: readonly string[], framesLeft = 10): void {
  requestAnimationFrame(() => {
    for (const selector of selectors) {
      const el = document.querySelector<HTMLElement>(selector);
      if (!el) continue;
      el.focus();
      if (el instanceof HTMLInputElement) el.select();
      return;
    }
    if (framesLeft > 0) focusWhenShown(selectors, framesLeft - 1);
  });
}

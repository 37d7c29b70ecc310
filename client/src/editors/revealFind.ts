import {
  compileQuery,
  isEmptyQuery,
  matchInFields,
  type SearchQuery,
  searchKey,
} from '@grassroots/shared';
import { onCleanup } from 'solid-js';

/** The name of the CSS highlight that marks a found word in a rich-text body. */
export const FIND_HIGHLIGHT = 'grassroots-find';
/** The class that marks a text box holding a found word. */
export const FIND_MARK_CLASS = 'find-mark';

/** A place in an editor that holds text a search reads: a text box, or text of a rich-text body. */
type Spot = HTMLInputElement | HTMLTextAreaElement | Text;

const TEXT_INPUT_TYPES = new Set(['text', 'search']);

/**
 * The editor's fields in the page's order: its text boxes, the text nodes of its rich-text bodies
 * (ProseMirror) and the text of what it shows as text (marked `data-find`: a vote's motion, an
 * action item). Labels, buttons and headings are not fields: a word of a label never counts as
 * found. A word split across text nodes (half of it bold) is not found in either.
 */
function spotsOf(root: HTMLElement): Spot[] {
  const spots: Spot[] = [];
  const walker = root.ownerDocument.createTreeWalker(
    root,
    NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT,
  );
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    if (node instanceof HTMLInputElement) {
      if (TEXT_INPUT_TYPES.has(node.type)) spots.push(node);
    } else if (node instanceof HTMLTextAreaElement) {
      spots.push(node);
    } else if (node instanceof Text && node.parentElement?.closest('.ProseMirror, [data-find]')) {
      spots.push(node);
    }
  }
  return spots;
}

const textOf = (spot: Spot) => (spot instanceof Text ? spot.data : spot.value);
const elementOf = (spot: Spot) => (spot instanceof Text ? spot.parentElement : spot);

/** Opens the closed `<details>` a field sits in, so that it can be seen. */
function openAround(element: Element): void {
  for (let d = element.closest('details:not([open])'); d; d = d.closest('details:not([open])')) {
    (d as HTMLDetailsElement).open = true;
  }
}

/** What marks a found word, and takes the mark away. */
export type FoundMark = { element: Element; clear: () => void };

/**
 * SEARCH-5. Finds the query in the editor under `root` (the first field holding the first word
 * the title does not hold; text boxes and shown lines first, in the page's order, then the
 * rich-text bodies), scrolls it to the middle of the view and marks it: the word itself in text
 * (a CSS highlight, the DOM untouched), the whole box of a text box (which cannot mark part of
 * its value without taking the focus, and on a phone the focus opens the keyboard). Null when no
 * field holds a word.
 */
export function revealFind(root: HTMLElement, query: SearchQuery, titleKey = ''): FoundMark | null {
  // The fields before the rich-text bodies, as the doc's search text has them (`minutesSearchText`,
  // `planSearchText`): the place a doc opens at is the one its result in the list showed.
  const spots = spotsOf(root).filter((s) => textOf(s).trim() !== '');
  const isBody = (s: Spot) => s instanceof Text && s.parentElement?.closest('.ProseMirror') != null;
  spots.sort((a, b) => Number(isBody(a)) - Number(isBody(b)));
  const found = matchInFields(spots.map(textOf), query, titleKey);
  if (found === null) return null;
  const spot = spots[found.field]!;
  const element = elementOf(spot)!;
  openAround(element);
  element.scrollIntoView({ block: 'center' });
  if (!(spot instanceof Text)) {
    spot.classList.add(FIND_MARK_CLASS);
    return { element, clear: () => spot.classList.remove(FIND_MARK_CLASS) };
  }
  const highlights = (globalThis.CSS as { highlights?: Map<string, unknown> } | undefined)
    ?.highlights;
  if (!highlights || typeof Highlight === 'undefined') return { element, clear: () => {} };
  const range = root.ownerDocument.createRange();
  range.setStart(spot, found.start);
  range.setEnd(spot, found.end);
  highlights.set(FIND_HIGHLIGHT, new Highlight(range));
  return { element, clear: () => highlights.delete(FIND_HIGHLIGHT) };
}

/** How often, and how many times, to look while the doc loads and renders. */
const TRY_EVERY_MS = 200;
const TRIES = 50;
/** How many more times to keep a found place in view while the rest of the doc renders. */
const SETTLE_TRIES = 10;

/**
 * SEARCH-5 for an open doc: looks for `find` in the editor under `root` every TRY_EVERY_MS while
 * the doc loads from the device and renders (its fields fill in after the first paint), for at
 * most TRIES times, and reveals it once, keeping it in view for SETTLE_TRIES more while the rest
 * renders. It stops as soon as the reader scrolls, types or taps (nothing moves under their
 * hands); the mark goes at their next tap or keystroke.
 * `isWanted` false (a kind with a search of its own) looks for nothing.
 */
export function createRevealFind(options: {
  root: () => HTMLElement | undefined;
  find: string | undefined;
  title: () => string;
  isWanted: () => boolean;
}): void {
  if (!options.find) return;
  const query = compileQuery(options.find);
  if (isEmptyQuery(query)) return;
  let tries = 0;
  let foundAt = 0;
  let mark: FoundMark | null = null;
  // Scrolling stops the looking; a tap or a keystroke also takes the mark away.
  const looks = ['wheel', 'touchstart'] as const;
  const acts = ['pointerdown', 'keydown'] as const;
  const stopLooking = () => {
    clearInterval(timer);
    for (const type of looks) window.removeEventListener(type, stopLooking, true);
  };
  const onAct = () => {
    stopLooking();
    for (const type of acts) window.removeEventListener(type, onAct, true);
    mark?.clear();
    mark = null;
  };
  const attempt = () => {
    tries++;
    const root = options.root();
    if (tries > TRIES || !options.isWanted()) return stopLooking();
    if (!root) return;
    if (mark) {
      // Parts of the doc that render later (the body, the attendance) move it: back into view.
      const { top, bottom } = mark.element.getBoundingClientRect();
      if (top < 0 || bottom > window.innerHeight) mark.element.scrollIntoView({ block: 'center' });
      if (tries >= foundAt + SETTLE_TRIES) stopLooking();
      return;
    }
    mark = revealFind(root, query, searchKey(options.title()));
    foundAt = tries;
  };
  const timer = setInterval(attempt, TRY_EVERY_MS);
  const passive = { capture: true, passive: true };
  for (const type of looks) window.addEventListener(type, stopLooking, passive);
  for (const type of acts) window.addEventListener(type, onAct, passive);
  onCleanup(onAct);
  queueMicrotask(attempt);
}

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

/** Whether a text node is the doc's own text: in a rich-text body or a line marked `data-find`. */
function isDocText(node: Text): boolean {
  const parent = node.parentElement;
  const body = parent?.closest('.ProseMirror');
  if (body) {
    // Not what is drawn into the body without being its text (others' carets and their names).
    const drawn = parent!.closest('[contenteditable="false"]');
    return drawn === null || !body.contains(drawn) || drawn === body;
  }
  return parent?.closest('[data-find]') != null;
}

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
    } else if (node instanceof Text && isDocText(node)) {
      spots.push(node);
    }
  }
  return spots;
}

const textOf = (spot: Spot) => (spot instanceof Text ? spot.data : spot.value);
const isBody = (spot: Spot) =>
  spot instanceof Text && spot.parentElement?.closest('.ProseMirror') != null;

/** Opens the closed `<details>` an element sits in, so that it can be seen. */
function openAround(element: Element): void {
  for (let d = element.closest('details:not([open])'); d; d = d.closest('details:not([open])')) {
    (d as HTMLDetailsElement).open = true;
  }
}

/** Where a query is in an editor: a text box, or words of text; `text`, the words as written. */
type Place = { element: Element; range?: Range; text: string };

const isSamePlace = (a: Place, b: Place) =>
  a.element === b.element &&
  a.range?.startContainer === b.range?.startContainer &&
  a.range?.startOffset === b.range?.startOffset &&
  a.range?.endOffset === b.range?.endOffset;

/**
 * SEARCH-5. Where the query is in the editor under `root`: the first field holding the first word
 * the title does not hold; text boxes and shown lines first, in the page's order, then the
 * rich-text bodies, as the doc's search text has them (`minutesSearchText`, `planSearchText`), so
 * that the place a doc opens at is the one its result in the list showed. Null when no field
 * holds a word.
 */
export function locateFind(root: HTMLElement, query: SearchQuery, titleKey = ''): Place | null {
  const spots = spotsOf(root).filter((s) => textOf(s).trim() !== '');
  spots.sort((a, b) => Number(isBody(a)) - Number(isBody(b)));
  const found = matchInFields(spots.map(textOf), query, titleKey);
  if (found === null) return null;
  const spot = spots[found.field]!;
  const text = textOf(spot).slice(found.start, found.end);
  if (!(spot instanceof Text)) return { element: spot, text };
  const range = root.ownerDocument.createRange();
  range.setStart(spot, found.start);
  range.setEnd(spot, found.end);
  return { element: spot.parentElement!, range, text };
}

/** What marks a found place, and takes the mark away. */
export type FoundMark = { element: Element; clear: () => void };

/**
 * Brings `element` into the middle of the view (opening the `<details>` it sits in) and marks it:
 * `range` only when given, as a CSS highlight (the DOM untouched: ProseMirror owns it), else the
 * element's whole box (a text box cannot mark part of its value without taking the focus, and on
 * a phone the focus opens the keyboard). Where the browser has no CSS highlights, a range is only
 * brought into view.
 */
export function showMark(element: Element, range?: Range): FoundMark {
  openAround(element);
  element.scrollIntoView({ block: 'center' });
  if (!range) {
    element.classList.add(FIND_MARK_CLASS);
    return { element, clear: () => element.classList.remove(FIND_MARK_CLASS) };
  }
  if (!('highlights' in CSS) || typeof Highlight === 'undefined') {
    return { element, clear: () => {} };
  }
  const highlight = new Highlight(range);
  CSS.highlights.set(FIND_HIGHLIGHT, highlight);
  // A later mark replaces this one; clearing this one then leaves the later one alone.
  const clear = () => {
    if (CSS.highlights.get(FIND_HIGHLIGHT) === highlight) CSS.highlights.delete(FIND_HIGHLIGHT);
  };
  return { element, clear };
}

/** What takes a mark away: the reader's next tap (not a swipe) or keystroke. */
const ACTS = ['click', 'keydown'] as const;

/** Takes `mark` away at the reader's next tap or keystroke (after the one that made it). */
export function clearOnNextAct(mark: FoundMark): () => void {
  const clear = () => {
    for (const type of ACTS) window.removeEventListener(type, clear, true);
    mark.clear();
  };
  for (const type of ACTS) window.addEventListener(type, clear, { capture: true, passive: true });
  return clear;
}

/** How often, and at most how many times, to look while the doc loads and renders. */
const TRY_EVERY_MS = 200;
const TRIES = 50;
/**
 * Once the doc has rendered (no rich-text body still loading), how many more times to look: for
 * the body's text to be drawn, and to keep a found place in view while the rest settles.
 */
const SETTLE_TRIES = 5;

/**
 * SEARCH-5 for an open doc: looks for `find` in the editor under `root` every TRY_EVERY_MS while
 * the doc renders (its rich-text bodies are fetched on first use and drawn after its fields), for
 * at most TRIES times. It marks the place as soon as there is one, moves the mark while an earlier
 * place in the search text's order may still appear, and keeps it in view while the rest renders;
 * SETTLE_TRIES after the doc has rendered it stops, found or not. It stops as soon as the reader
 * scrolls, taps or types (nothing moves under their hands); the mark goes at their next tap or
 * keystroke. `onFound` is told once, at the first mark. `isWanted` false (a kind with a search of
 * its own) looks for nothing. Called in a reactive scope: cleaning it up stops it.
 */
export function createRevealFind(options: {
  root: () => HTMLElement | undefined;
  find: string | undefined;
  title: () => string;
  isWanted: () => boolean;
  /** Told once, at the first mark, with the words marked as written. */
  onFound?: (text: string) => void;
  /** Told when the mark goes (the reader's tap or keystroke, or the view going). */
  onGone?: () => void;
}): void {
  if (!options.find) return;
  const query = compileQuery(options.find);
  if (isEmptyQuery(query)) return;
  let tries = 0;
  let renderedAt: number | null = null;
  let place: Place | null = null;
  let mark: FoundMark | null = null;
  let isLooking = true;
  let timer: ReturnType<typeof setInterval> | undefined;
  // Scrolling stops the looking; a tap or a keystroke also takes the mark away.
  const looks = ['wheel', 'touchstart'] as const;
  const stopLooking = () => {
    isLooking = false;
    clearInterval(timer);
    for (const type of looks) window.removeEventListener(type, stopLooking, true);
  };
  const onAct = () => {
    stopLooking();
    for (const type of ACTS) window.removeEventListener(type, onAct, true);
    if (mark) options.onGone?.();
    mark?.clear();
    mark = null;
  };
  const attempt = () => {
    if (!isLooking) return;
    tries++;
    const root = options.root();
    if (tries > TRIES || !options.isWanted()) return stopLooking();
    if (!root) return;
    // A rich-text body still loading shows its placeholder (LazyRichText).
    if (renderedAt === null && root.querySelector('[data-rich-pending]') === null) {
      renderedAt = tries;
    }
    const now = locateFind(root, query, searchKey(options.title()));
    if (now && !(place && isSamePlace(place, now))) {
      const isFirst = mark === null;
      mark?.clear();
      mark = showMark(now.element, now.range);
      place = now;
      if (isFirst) options.onFound?.(now.text);
    } else if (mark) {
      // Parts of the doc that render later (the body, the attendance) move it: back into view.
      const { top, bottom } = mark.element.getBoundingClientRect();
      if (top < 0 || bottom > window.innerHeight) mark.element.scrollIntoView({ block: 'center' });
    }
    if (renderedAt !== null && tries >= renderedAt + SETTLE_TRIES) stopLooking();
  };
  const passive = { capture: true, passive: true };
  for (const type of looks) window.addEventListener(type, stopLooking, passive);
  for (const type of ACTS) window.addEventListener(type, onAct, passive);
  onCleanup(onAct);
  // The first look after the router's own scroll to the top of a page opened by a link (on the
  // next frame), so that the page does not jump to the place, back to the top and down again.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      if (!isLooking) return;
      attempt();
      timer = setInterval(attempt, TRY_EVERY_MS);
    }),
  );
}

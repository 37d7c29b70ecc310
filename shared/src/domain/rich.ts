/**
 * Rich text as a printed record shows it (RICH-1 in SPEC.md): a fragment in Tiptap's layout
 * (StarterKit's nodes and marks, as y-prosemirror stores them) read into plain blocks. Whatever
 * the fragment holds, reading never throws and never drops text: an element it does not know
 * shows its text as a paragraph, and nesting deeper than `RICH_MAX_DEPTH` is flattened.
 */
import * as Y from 'yjs';
import { deepText } from './doc.ts';

/** Marks a printed record keeps. Links print as their text. */
export const RICH_MARKS = ['bold', 'italic', 'underline', 'strike', 'code'] as const;
export type RichMark = (typeof RICH_MARKS)[number];

/** A piece of a line with its marks, or a line break inside a block (Shift+Enter). */
export type RichRun = { text: string; marks: RichMark[] } | { lineBreak: true };

export type RichBlock =
  | { kind: 'paragraph'; runs: RichRun[] }
  /** `level` 1–6, as the editor set it. */
  | { kind: 'heading'; level: number; runs: RichRun[] }
  /** Each item is the blocks it holds; an ordered list counts from `start`. */
  | { kind: 'list'; ordered: boolean; start: number; items: RichBlock[][] }
  | { kind: 'quote'; blocks: RichBlock[] }
  | { kind: 'code'; text: string }
  | { kind: 'rule' };

/** Lists inside lists (or quotes) deeper than this read as paragraphs of their text. */
export const RICH_MAX_DEPTH = 8;

const MARKS: ReadonlySet<string> = new Set(RICH_MARKS);

/** The blocks of a rich-text fragment, in order. Blank paragraphs are left out. */
export function richBlocks(fragment: Y.XmlFragment | Y.XmlElement): RichBlock[] {
  return blocksOf(fragment.toArray(), 0);
}

type Child = Y.XmlElement | Y.XmlText | Y.XmlHook;

function blocksOf(children: readonly Child[], depth: number): RichBlock[] {
  const out: RichBlock[] = [];
  for (const child of children) {
    if (child instanceof Y.XmlText) pushParagraph(out, runsOfText(child));
    else if (child instanceof Y.XmlElement) out.push(...blockOf(child, depth));
  }
  return out;
}

function pushParagraph(out: RichBlock[], runs: RichRun[]): void {
  if (runs.some((r) => 'text' in r && r.text.trim() !== '')) out.push({ kind: 'paragraph', runs });
}

function blockOf(el: Y.XmlElement, depth: number): RichBlock[] {
  if (depth >= RICH_MAX_DEPTH) return flattened(el);
  switch (el.nodeName) {
    case 'paragraph': {
      const out: RichBlock[] = [];
      pushParagraph(out, runsOf(el, depth));
      return out;
    }
    case 'heading':
      return [
        {
          kind: 'heading',
          level: intIn(el.getAttribute('level'), 1, 6, 3),
          runs: runsOf(el, depth),
        },
      ];
    case 'bulletList':
    case 'orderedList':
      return [
        {
          kind: 'list',
          ordered: el.nodeName === 'orderedList',
          start: intIn(el.getAttribute('start'), 0, 1_000_000, 1),
          items: el
            .toArray()
            .map((item) =>
              item instanceof Y.XmlElement && item.nodeName === 'listItem'
                ? blocksOf(item.toArray(), depth + 1)
                : blocksOf([item], depth + 1),
            ),
        },
      ];
    case 'blockquote':
      return [{ kind: 'quote', blocks: blocksOf(el.toArray(), depth + 1) }];
    case 'codeBlock': {
      const text = deepText(el);
      return text.trim() === '' ? [] : [{ kind: 'code', text }];
    }
    case 'horizontalRule':
      return [{ kind: 'rule' }];
    default: {
      // A node this reader does not know: its blocks if it holds blocks, else its text.
      const children = el.toArray();
      if (children.some((c) => c instanceof Y.XmlElement && c.nodeName !== 'hardBreak')) {
        return blocksOf(children, depth + 1);
      }
      const out: RichBlock[] = [];
      pushParagraph(out, runsOf(el, depth));
      return out;
    }
  }
}

/** An element's inline content: its text with marks and its line breaks. */
function runsOf(el: Y.XmlElement, depth: number): RichRun[] {
  const runs: RichRun[] = [];
  for (const c of el.toArray()) {
    if (c instanceof Y.XmlText) runs.push(...runsOfText(c));
    else if (c instanceof Y.XmlElement) {
      if (c.nodeName === 'hardBreak') {
        runs.push({ lineBreak: true });
        // An editor's line break is empty; whatever another client put inside it still shows.
        if (c.length > 0) runs.push(...runsOf(c, depth + 1));
      } else if (depth + 1 >= RICH_MAX_DEPTH) runs.push({ text: deepText(c), marks: [] });
      else runs.push(...runsOf(c, depth + 1));
    }
  }
  return runs;
}

function runsOfText(t: Y.XmlText): RichRun[] {
  const runs: RichRun[] = [];
  for (const op of t.toDelta() as { insert?: unknown; attributes?: unknown }[]) {
    if (typeof op.insert !== 'string' || op.insert === '') continue;
    runs.push({ text: op.insert, marks: marksOf(op.attributes) });
  }
  return runs;
}

/** y-prosemirror stores a mark as an attribute named after it (`name--hash` when it may repeat). */
function marksOf(attributes: unknown): RichMark[] {
  if (typeof attributes !== 'object' || attributes === null) return [];
  const marks: RichMark[] = [];
  for (const key of Object.keys(attributes)) {
    const name = key.split('--')[0]!;
    if (MARKS.has(name) && !marks.includes(name as RichMark)) marks.push(name as RichMark);
  }
  return marks.sort((a, b) => RICH_MARKS.indexOf(a) - RICH_MARKS.indexOf(b));
}

/** An element too deep to keep its structure: one paragraph per block of its text. */
function flattened(el: Y.XmlElement): RichBlock[] {
  const out: RichBlock[] = [];
  for (const line of deepText(el).split('\n')) pushParagraph(out, [{ text: line, marks: [] }]);
  return out;
}

function intIn(value: unknown, min: number, max: number, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

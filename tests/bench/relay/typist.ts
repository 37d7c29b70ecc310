import {
  createDemoVillage,
  type DemoDoc,
  fragmentText,
  MINUTES_BODY_FIELD,
  PLAN_NOTES_FIELD,
} from '@grassroots/shared';
import * as Y from 'yjs';

/**
 * The demo village's first minutes (built once): the starting point of the benchmark's documents,
 * and the text its typists type, taken from every minutes body and the plan's notes (Chinese).
 */
export type MinutesSeed = { update: Uint8Array; pool: string };

let seed: MinutesSeed | null = null;

/** The demo village's first minutes as one update, and a pool of realistic text to type. */
export function minutesSeed(): MinutesSeed {
  if (seed) return seed;
  const demo = createDemoVillage();
  const minutes = demo.docs.filter((d: DemoDoc) => d.kind === 'minutes');
  const texts = minutes.map((d) => fragmentText(d.doc.getXmlFragment(MINUTES_BODY_FIELD)));
  const plan = demo.docs.find((d) => d.kind === 'plan');
  if (plan) texts.push(fragmentText(plan.doc.getXmlFragment(PLAN_NOTES_FIELD)));
  // Typists type sentences, not line breaks: Enter is its own keystroke.
  const pool = texts.join('').replace(/\s+/g, '');
  seed = { update: Y.encodeStateAsUpdate(minutes[0]!.doc), pool };
  return seed;
}

/** The rich-text body every typist edits, as the app's minutes editor binds it. */
export const bodyOf = (doc: Y.Doc): Y.XmlFragment => doc.getXmlFragment(MINUTES_BODY_FIELD);

/** A cursor as Tiptap's collaboration caret puts it in awareness (y-tiptap: assoc -1). */
export type CaretJSON = { anchor: unknown; head: unknown };

/**
 * One person's caret in the minutes body (a paragraph's Y.XmlText and an offset, kept as a Yjs
 * relative position so it moves with everyone else's edits) and the edits a person makes there.
 * Each edit is one transaction, as one keystroke or one IME commit is in the editor.
 */
export class Typist {
  private caret: Y.RelativePosition | null = null;
  private poolAt: number;

  constructor(
    readonly doc: Y.Doc,
    private readonly pool: string,
    private readonly random: () => number,
  ) {
    this.poolAt = Math.floor(random() * pool.length);
  }

  private get body(): Y.XmlFragment {
    return bodyOf(this.doc);
  }

  /** Where the caret is now: a paragraph's text and an offset; re-placed if it was lost. */
  private where(): { text: Y.XmlText; index: number } {
    if (this.caret) {
      const abs = Y.createAbsolutePositionFromRelativePosition(this.caret, this.doc);
      if (abs && abs.type instanceof Y.XmlText) return { text: abs.type, index: abs.index };
    }
    return this.clickSomewhere();
  }

  private place(text: Y.XmlText, index: number): void {
    // Like y-tiptap's absolutePositionToRelativePosition: attached to the character before.
    this.caret = Y.createRelativePositionFromTypeIndex(text, index, -1);
  }

  /** The paragraphs of the body that hold a text (paragraphs with a Y.XmlText child). */
  private texts(): Y.XmlText[] {
    const texts: Y.XmlText[] = [];
    for (const node of this.body.toArray()) {
      if (!(node instanceof Y.XmlElement)) continue;
      const first = node.get(0);
      if (first instanceof Y.XmlText) texts.push(first);
    }
    return texts;
  }

  /** Puts the caret at a random place in a random paragraph (a click); makes one if none. */
  clickSomewhere(): { text: Y.XmlText; index: number } {
    const texts = this.texts();
    if (texts.length === 0) return this.newParagraph(this.body.length);
    const text = texts[Math.floor(this.random() * texts.length)]!;
    const index = Math.floor(this.random() * (text.length + 1));
    this.place(text, index);
    return { text, index };
  }

  /** Puts the caret at the end of a random paragraph. */
  clickParagraphEnd(): void {
    const texts = this.texts();
    if (texts.length === 0) return;
    const text = texts[Math.floor(this.random() * texts.length)]!;
    this.place(text, text.length);
  }

  private newParagraph(at: number): { text: Y.XmlText; index: number } {
    const paragraph = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    this.doc.transact(() => this.body.insert(at, [paragraph]));
    this.place(text, 0);
    return { text, index: 0 };
  }

  private nextChars(count: number): string {
    let s = '';
    for (let i = 0; i < count; i++) {
      s += this.pool[this.poolAt]!;
      this.poolAt = (this.poolAt + 1) % this.pool.length;
    }
    return s;
  }

  /** Types `count` characters of the pool at the caret (one transaction). */
  type(count = 1): void {
    const { text, index } = this.where();
    text.insert(index, this.nextChars(count));
    this.place(text, index + count);
  }

  /** Deletes up to `count` characters before the caret; false (and nothing sent) at a start. */
  backspace(count = 1): boolean {
    const { text, index } = this.where();
    const n = Math.min(count, index);
    if (n === 0) return false;
    text.delete(index - n, n);
    this.place(text, index - n);
    return true;
  }

  /** Enter at the caret: a new empty paragraph after the caret's paragraph, caret in it. */
  enter(): void {
    const { text } = this.where();
    const paragraph = text.parent;
    const at = paragraph ? this.body.toArray().indexOf(paragraph as Y.XmlElement) : -1;
    this.newParagraph(at < 0 ? this.body.length : at + 1);
  }

  /** Selects up to `count` characters somewhere and deletes them; false if nothing to delete. */
  deleteSelection(count: number): boolean {
    const { text } = this.clickSomewhere();
    if (text.length === 0) return false;
    const from = Math.floor(this.random() * text.length);
    const n = Math.min(count, text.length - from);
    text.delete(from, n);
    this.place(text, from);
    return true;
  }

  /** Makes up to `count` characters before the caret bold (a Tiptap mark); false if none. */
  bold(count: number): boolean {
    const { text, index } = this.where();
    const n = Math.min(count, index);
    if (n === 0) return false;
    text.format(index - n, n, { bold: {} });
    return true;
  }

  /** The caret as the collaboration caret publishes it: `{ anchor, head }` relative positions. */
  caretJSON(): CaretJSON {
    const { text, index } = this.where();
    const rel = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, index, -1));
    return { anchor: rel, head: rel };
  }
}

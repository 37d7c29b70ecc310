import * as Y from 'yjs';
import { seededRandom } from './clients.ts';
import { minutesSeed, Typist } from './typist.ts';

/** Options of writeLoadedDoc. */
export type LoadedDocOptions = {
  /** Edits in all, the seed included: each is one transaction, so one update on the wire. */
  edits: number;
  seed: number;
  /**
   * Called after each author's turn, before the next author starts: the caller waits there until
   * the others have the turn's edits (as people editing one after another would).
   */
  afterTurn: (author: Y.Doc) => Promise<void>;
};

/**
 * Builds a minutes document the way three people would over weeks: the demo village's first
 * minutes (one edit), then `edits - 1` small edits to its body in turns of 20–120 edits each by
 * one of three authors: IME commits of 1–3 characters at the caret, backspaces, new paragraphs,
 * clicks elsewhere, selections deleted and text made bold. Each edit is its own transaction on
 * the author's doc, so a provider sends each as one update. Deterministic for a seed.
 */
export async function writeLoadedDoc(
  authors: readonly Y.Doc[],
  options: LoadedDocOptions,
): Promise<void> {
  const random = seededRandom(options.seed);
  const { update, pool } = minutesSeed();
  const typists = authors.map((doc) => new Typist(doc, pool, random));
  // Count what actually went out: an edit that changes nothing (bold on bold text) sends nothing.
  let written = 0;
  const count = (_update: Uint8Array, _origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
    if (tr.local) written++;
  };
  try {
    // The seed, applied on its own, goes out as one update too.
    Y.applyUpdate(authors[0]!, update);
    written = 1;
    for (const doc of authors) doc.on('update', count);
    await options.afterTurn(authors[0]!);
    let author = 0;
    while (written < options.edits) {
      author = (author + 1 + Math.floor(random() * (authors.length - 1))) % authors.length;
      const typist = typists[author]!;
      typist.clickParagraphEnd();
      const target = Math.min(options.edits, written + 20 + Math.floor(random() * 101));
      // Bounded: nearly every step sends one update, a few send none.
      for (let step = 0; written < target && step < 1000; step++) {
        const roll = random();
        if (roll < 0.52) typist.type(2 + Math.floor(random() * 10));
        else if (roll < 0.64) typist.backspace(1 + Math.floor(random() * 2));
        else if (roll < 0.68) typist.enter();
        else if (roll < 0.73) typist.deleteSelection(2 + Math.floor(random() * 9));
        else if (roll < 0.97) {
          typist.clickSomewhere();
          typist.type(2 + Math.floor(random() * 10));
        } else typist.bold(2 + Math.floor(random() * 5));
      }
      await options.afterTurn(authors[author]!);
    }
  } finally {
    for (const doc of authors) doc.off('update', count);
  }
}

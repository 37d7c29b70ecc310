import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Origin } from '../sync/origins.ts';
import { makeEditorCopy } from './makeEditorCopy.ts';

const BODY = 'body';

/** A doc whose body holds one paragraph of text, laid out as the editor binding lays it out. */
function docWithParagraph(text: string): Y.Doc {
  const doc = new Y.Doc({ gc: false });
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(text)]);
  doc.getXmlFragment(BODY).insert(0, [paragraph]);
  return doc;
}

/** The first paragraph's text of a doc's body. */
function paragraphOf(doc: Y.Doc): Y.XmlText {
  const paragraph = doc.getXmlFragment(BODY).get(0) as Y.XmlElement;
  return paragraph.get(0) as Y.XmlText;
}

/** Another member's device, kept in step with `doc` as the relay would. */
function otherMember(doc: Y.Doc): { doc: Y.Doc } {
  const other = new Y.Doc({ gc: false });
  Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
  other.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'relay') Y.applyUpdate(doc, update, 'relay');
  });
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'relay') Y.applyUpdate(other, update, 'relay');
  });
  return { doc: other };
}

/** An editor's copy of `doc` whose composing state the test sets. */
function copyOf(doc: Y.Doc) {
  let isComposing = false;
  const copy = makeEditorCopy(doc.getXmlFragment(BODY), { isComposing: () => isComposing });
  const copyDoc = copy.fragment.doc as Y.Doc;
  return {
    copy,
    copyDoc,
    compose: () => {
      isComposing = true;
      copy.gate.noteComposing();
    },
    endComposition: () => {
      isComposing = false;
      copy.gate.settle();
    },
  };
}

describe('makeEditorCopy', () => {
  it('IME-1 without a composition, each side sees the other’s change at once', () => {
    const doc = docWithParagraph('议程：');
    const b = otherMember(doc);
    const { copy, copyDoc } = copyOf(doc);
    expect(paragraphOf(copyDoc).toString()).toBe('议程：');
    paragraphOf(b.doc).insert(3, 'AB');
    expect(paragraphOf(copyDoc).toString()).toBe('议程：AB');
    paragraphOf(copyDoc).insert(5, '村');
    expect(paragraphOf(doc).toString()).toBe('议程：AB村');
    expect(paragraphOf(b.doc).toString()).toBe('议程：AB村');
    // A field outside the body changed elsewhere reaches the copy too.
    doc.getMap('meta').set('title', '四月');
    expect(copyDoc.getMap('meta').get('title')).toBe('四月');
    copy.cleanup();
  });

  it('IME-1 the editor’s edits reach the doc as local changes, under a client id of the copy’s own', () => {
    const doc = docWithParagraph('议程：');
    const origins: unknown[] = [];
    doc.on('update', (_u: Uint8Array, origin: unknown) => origins.push(origin));
    const { copy, copyDoc } = copyOf(doc);
    paragraphOf(copyDoc).insert(3, '村');
    expect(origins).toEqual([Origin.local]);
    expect(copyDoc.clientID).not.toBe(doc.clientID);
    expect(Y.encodeStateVector(doc)).toEqual(Y.encodeStateVector(copyDoc));
    copy.cleanup();
  });

  it('IME-1 while composing, the others’ changes wait and then merge: nothing lost or doubled', () => {
    const doc = docWithParagraph('议程：');
    const b = otherMember(doc);
    const { copy, copyDoc, compose, endComposition } = copyOf(doc);
    const text = paragraphOf(copyDoc);
    // A composes at the end: pinyin, then candidates, each step replacing the last.
    compose();
    text.insert(3, 'cun');
    paragraphOf(b.doc).insert(3, 'XY'); // right before A's composition
    expect(paragraphOf(doc).toString()).toBe('议程：XYcun');
    expect(text.toString()).toBe('议程：cun');
    expect(copy.gate.waiting).toBe(1);
    compose();
    text.delete(3, 3);
    text.insert(3, '村w');
    paragraphOf(b.doc).insert(paragraphOf(b.doc).length, '路灯'); // right at A's caret
    compose();
    text.delete(4, 1);
    text.insert(4, '委');
    // The doc (and so storage and the relay) has had A's keystrokes all along.
    expect(paragraphOf(b.doc).toString()).toMatch(/村.*委/);
    text.insert(5, '会');
    expect(text.toString()).toBe('议程：村委会');
    endComposition();
    expect(copy.gate.waiting).toBe(0);
    const merged = paragraphOf(copyDoc).toString();
    expect(paragraphOf(doc).toString()).toBe(merged);
    expect(paragraphOf(b.doc).toString()).toBe(merged);
    expect([...merged].sort().join('')).toBe([...'议程：村委会XY路灯'].sort().join(''));
    expect(merged.replace(/[^村委会]/g, '')).toBe('村委会');
    expect(merged.startsWith('议程：XY')).toBe(true);
    copy.cleanup();
  });

  it('IME-1 cleanup stops both ways; what was held is in the doc already', () => {
    const doc = docWithParagraph('议程：');
    const b = otherMember(doc);
    const { copy, copyDoc, compose } = copyOf(doc);
    compose();
    paragraphOf(b.doc).insert(3, 'XY');
    copy.cleanup();
    expect(paragraphOf(doc).toString()).toBe('议程：XY');
    paragraphOf(b.doc).insert(0, 'Z');
    expect(paragraphOf(doc).toString()).toBe('Z议程：XY');
    expect(copyDoc.isDestroyed).toBe(true);
  });

  it('refuses a fragment that is not a root type of its doc', () => {
    const doc = docWithParagraph('议程：');
    const nested = new Y.XmlFragment();
    doc.getArray('list').insert(0, [nested]);
    expect(() => makeEditorCopy(nested, { isComposing: () => false })).toThrow(/root fragment/);
  });
});

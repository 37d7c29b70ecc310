import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createDemoVillage } from './demo.ts';
import { readIndex } from './index-doc.ts';
import { kindOfDoc, readDoc } from './open.ts';

/**
 * Values a device could write where a plain field belongs: an object whose `toString` is not a
 * function (`String()` of it throws), numbers, arrays, nulls, booleans.
 */
const hostile = (): unknown[] => [
  { toString: 1 },
  { valueOf: 1, toString: 1 },
  { valueOf: { a: 1 }, id: { toString: 1 } },
  null,
  42,
  -1,
  '',
  [],
  [null, { toString: 1 }],
  true,
];

/** Every key of every map (below the roots, two levels down) set to `value`, arrays given it. */
function poison(doc: Y.Doc, value: unknown): void {
  const visit = (type: unknown, depth: number) => {
    if (depth > 3) return;
    if (type instanceof Y.Map) {
      for (const [key, child] of [...type.entries()]) {
        if (child instanceof Y.AbstractType && depth < 3) visit(child, depth + 1);
        else type.set(key, value);
      }
      for (const key of ['id', 'kind', 'entryId', 'caseId', 'title', 'name', 'status'])
        if (!type.has(key)) type.set(key, value);
    } else if (type instanceof Y.Array) {
      const copies = type
        .toArray()
        .filter((v) => typeof v === 'object' && v !== null && !(v instanceof Y.AbstractType))
        .slice(0, 3)
        .map((v) => Object.fromEntries(Object.keys(v as object).map((k) => [k, value])));
      type.push([value, ...copies]);
      for (const child of type.toArray())
        if (child instanceof Y.AbstractType) visit(child, depth + 1);
    }
  };
  doc.transact(() => {
    // Roots read once before, so each has its type.
    for (const [name, root] of doc.share) if (name !== 'meta') visit(root, 1);
  });
}

describe('what a device wrote where a plain field belongs (READ-1)', () => {
  const demo = createDemoVillage({ seed: 5, start: '2026-01-05', docs: 8, entries: 20 });

  it('never makes reading the workspace index or a document throw', () => {
    const values = hostile();
    let read = 0;
    for (const value of values) {
      const index = new Y.Doc();
      Y.applyUpdate(index, Y.encodeStateAsUpdate(demo.index));
      readIndex(index);
      poison(index, value);
      expect(() => readIndex(index), `index with ${String(JSON.stringify(value))}`).not.toThrow();
      read++;
      for (const d of demo.docs) {
        const doc = new Y.Doc();
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(d.doc));
        const kind = kindOfDoc(doc)!;
        readDoc(kind, doc);
        poison(doc, value);
        expect(
          () => readDoc(kind, doc),
          `${kind} with ${String(JSON.stringify(value))}`,
        ).not.toThrow();
        read++;
      }
    }
    expect(read).toBeGreaterThan(values.length * 5);
  });
});

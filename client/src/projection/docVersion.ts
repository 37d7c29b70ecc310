import type * as Y from 'yjs';

const versions = new WeakMap<Y.Doc, { n: number }>();

/**
 * A number that changes with every update of the doc, for caching what is read from it. The first
 * call starts counting (an update listener that lives as long as the doc).
 */
export function docVersion(doc: Y.Doc): number {
  let v = versions.get(doc);
  if (!v) {
    const counter = { n: 0 };
    v = counter;
    versions.set(doc, counter);
    doc.on('update', () => {
      counter.n++;
    });
  }
  return v.n;
}

/**
 * Caches `read(doc)` per doc until the doc changes: a view that reads many docs on every change
 * of one re-reads only that one.
 */
export function makeDocReadCache<T>(read: (doc: Y.Doc) => T): (doc: Y.Doc) => T {
  const cache = new WeakMap<Y.Doc, { version: number; value: T }>();
  return (doc) => {
    const version = docVersion(doc);
    const hit = cache.get(doc);
    if (hit && hit.version === version) return hit.value;
    const value = read(doc);
    cache.set(doc, { version, value });
    return value;
  };
}

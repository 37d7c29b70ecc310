/** Helpers for tests that simulate devices editing apart and then syncing. Not exported from the package. */
import * as Y from 'yjs';
import { createDoc } from './doc.ts';

/** `n` docs with fixed client ids 1..n (so the concurrent winner is predictable in tests), all starting from `base`. */
export function replicas(base: Y.Doc, n: number): Y.Doc[] {
  const update = Y.encodeStateAsUpdate(base);
  return Array.from({ length: n }, (_, i) => {
    const d = createDoc({ clientID: i + 1 });
    Y.applyUpdate(d, update);
    return d;
  });
}

/** Every permutation of `items`. */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((x, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]),
  );
}

/**
 * Exchanges the offline edits of `docs` in every order: for each permutation, a fresh doc per
 * device receives the others' updates in that order. Returns the merged docs of every order.
 */
export function mergeInEveryOrder(base: Y.Doc, docs: readonly Y.Doc[]): Y.Doc[] {
  const baseVector = Y.encodeStateVector(base);
  const updates = docs.map((d) => Y.encodeStateAsUpdate(d, baseVector));
  const out: Y.Doc[] = [];
  for (const order of permutations(updates.map((_, i) => i))) {
    const merged = createDoc({ clientID: 999 });
    Y.applyUpdate(merged, Y.encodeStateAsUpdate(base));
    for (const i of order) Y.applyUpdate(merged, updates[i]!);
    out.push(merged);
  }
  // Also each device receiving the others' updates directly.
  for (const [i, d] of docs.entries()) {
    const copy = createDoc({ clientID: 900 + i });
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(d));
    for (const [j, u] of updates.entries()) if (j !== i) Y.applyUpdate(copy, u);
    out.push(copy);
  }
  return out;
}

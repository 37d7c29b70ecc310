import { type Accessor, createSignal, onCleanup } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type * as Y from 'yjs';

/**
 * Calls `react` after the doc's updates, at most once a microtask, until the owner is cleaned up.
 */
function onDocChange(doc: Y.Doc, react: () => void): void {
  let isScheduled = false;
  const onUpdate = () => {
    if (isScheduled) return;
    isScheduled = true;
    queueMicrotask(() => {
      isScheduled = false;
      react();
    });
  };
  doc.on('update', onUpdate);
  onCleanup(() => doc.off('update', onUpdate));
}

/**
 * A Solid store kept in step with a Y.Doc: `read(doc)` is re-run after every update (coalesced to
 * one per microtask) and reconciled, so components re-render only what changed. Components read
 * the projection and write through the shared model operations.
 */
export function createDocProjection<T extends object>(doc: Y.Doc, read: (doc: Y.Doc) => T): T {
  const [state, setState] = createStore<T>(read(doc));
  onDocChange(doc, () => setState(reconcile(read(doc), { key: 'id', merge: true })));
  return state;
}

/**
 * A value read from a Y.Doc, read again after its updates (at most once a microtask) and given
 * as a whole: for values that are drawn whole, such as a rich-text field's blocks on paper.
 */
export function createDocValue<T>(doc: Y.Doc, read: (doc: Y.Doc) => T): Accessor<T> {
  const [value, setValue] = createSignal<T>(read(doc));
  onDocChange(doc, () => setValue(() => read(doc)));
  return value;
}

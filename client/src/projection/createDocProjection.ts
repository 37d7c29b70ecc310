import { onCleanup } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type * as Y from 'yjs';

/**
 * A Solid store kept in step with a Y.Doc: `read(doc)` is re-run after every update (coalesced to
 * one per microtask) and reconciled, so components re-render only what changed. Components read
 * the projection and write through the shared model operations.
 */
export function createDocProjection<T extends object>(doc: Y.Doc, read: (doc: Y.Doc) => T): T {
  const [state, setState] = createStore<T>(read(doc));
  let isScheduled = false;
  const onUpdate = () => {
    if (isScheduled) return;
    isScheduled = true;
    queueMicrotask(() => {
      isScheduled = false;
      setState(reconcile(read(doc), { key: 'id', merge: true }));
    });
  };
  doc.on('update', onUpdate);
  onCleanup(() => doc.off('update', onUpdate));
  return state;
}

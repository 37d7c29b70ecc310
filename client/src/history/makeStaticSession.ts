import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { EditorSession } from '../editors/editorProps.ts';

/**
 * A session over a past version of a doc, for showing it read-only in the doc's own editor: a
 * fresh doc holding that version, presence that nobody joins, no provider and no local storage,
 * so nothing done to it reaches the live doc. Returns a cleanup.
 */
export function makeStaticSession(update: Uint8Array): {
  session: EditorSession;
  cleanup: () => void;
} {
  const doc = new Y.Doc({ gc: false });
  Y.applyUpdate(doc, update);
  const awareness = new Awareness(doc);
  // Nobody is "here": a past version has no presence, not even our own.
  awareness.setLocalState(null);
  return {
    session: { synced: { doc }, awareness },
    cleanup: () => {
      awareness.destroy();
      doc.destroy();
    },
  };
}

import * as Y from 'yjs';
import { Origin } from '../sync/origins.ts';
import { type HoldGate, type HoldGateOptions, makeHoldGate } from './holdGate.ts';

export type EditorCopy = {
  /** The fragment in the copy, for the editor to bind to. */
  fragment: Y.XmlFragment;
  /** Holds the doc's changes back from the copy while an input method composes. */
  gate: HoldGate<Uint8Array>;
  /** Stops both ways and destroys the copy; what the gate held is in the doc already. */
  cleanup: () => void;
};

/** The name a root fragment has in its doc. */
function rootName(doc: Y.Doc, fragment: Y.XmlFragment): string {
  for (const [name, type] of doc.share) if ((type as unknown) === fragment) return name;
  throw new Error('the editor binds to a root fragment of its doc');
}

/**
 * The rich-text editor's own copy of the doc holding `fragment` (IME-1). Edits made in the copy
 * reach the doc at once, as local changes; every other change of the doc (other members, other
 * fields, other tabs) reaches the copy at once too, except while an input method composes in the
 * editor: then it waits in the gate and reaches the copy once the composition ended. The doc
 * itself (storage, sync, presence) never waits. The copy has a client id of its own, since two
 * docs writing under one id would corrupt each other.
 */
export function makeEditorCopy(
  fragment: Y.XmlFragment,
  gateOptions: Omit<HoldGateOptions<Uint8Array>, 'deliver'>,
  /**
   * Wraps each application of the doc's changes to the copy (the editor keeps its caret where
   * Yjs puts it, `keepingSelection`); default none.
   */
  around: (apply: () => void) => void = (apply) => apply(),
): EditorCopy {
  const doc = fragment.doc;
  if (!doc) throw new Error('the editor binds to a fragment inside a doc');
  const copy = new Y.Doc({ gc: doc.gc });
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc), Origin.fromDoc);
  const gate = makeHoldGate<Uint8Array>({
    ...gateOptions,
    deliver: (updates) =>
      around(() =>
        Y.applyUpdate(
          copy,
          updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates),
          Origin.fromDoc,
        ),
      ),
  });
  // True while an edit of the copy is applied to the doc: the doc's update for it is not passed
  // back (the copy has it, and held it would only wait for nothing).
  let isForwarding = false;
  const onCopyUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === Origin.fromDoc) return;
    isForwarding = true;
    try {
      Y.applyUpdate(doc, update, Origin.local);
    } finally {
      isForwarding = false;
    }
  };
  const onDocUpdate = (update: Uint8Array) => {
    if (!isForwarding) gate.push(update);
  };
  copy.on('update', onCopyUpdate);
  doc.on('update', onDocUpdate);
  return {
    fragment: copy.getXmlFragment(rootName(doc, fragment)),
    gate,
    cleanup: () => {
      doc.off('update', onDocUpdate);
      copy.off('update', onCopyUpdate);
      gate.cleanup();
      copy.destroy();
    },
  };
}

import type * as Y from 'yjs';
import type { WorkspaceSync } from '../sync/WorkspaceSync.ts';
import {
  addDocEntry,
  createDoc,
  type DocKind,
  initDoc,
  kindInfo,
  newId,
  readIndex,
} from './domain.ts';

/** Doc ids listed in a workspace's index doc (for background sync). */
export function listDocIds(indexDoc: Y.Doc): string[] {
  try {
    return readIndex(indexDoc).docs.map((d) => d.id);
  } catch {
    // An index written by a newer or broken build: sync what the device already has.
    return [];
  }
}

/**
 * Creates a doc of a kind on this device, stores it and lists it in the index. Works offline:
 * both docs sync when the device is next online. A kind a workspace has one of (the roster) gets
 * its fixed id, so two devices creating it apart make one doc.
 */
export function createDocument(sync: WorkspaceSync, kind: DocKind, title: string): string {
  const docId = kindInfo(kind).fixedId ?? newId();
  const doc = createDoc();
  initDoc(kind, doc, { title });
  sync.adopt(docId, doc);
  addDocEntry(sync.indexDoc, { id: docId, kind, title });
  return docId;
}

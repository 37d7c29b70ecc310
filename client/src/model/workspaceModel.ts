import { commentsDocId } from '@grassroots/shared';
import type * as Y from 'yjs';
import type { WorkspaceSync } from '../sync/WorkspaceSync.ts';
import {
  addDocEntry,
  archiveDoc,
  createDoc,
  type DocKind,
  DomainError,
  initDoc,
  kindInfo,
  kindOfDoc,
  newId,
  readIndex,
  renameDoc,
  setLogTitle,
  setMinutesTitle,
  setPlanTitle,
  setRosterTitle,
} from './domain.ts';

/**
 * Doc ids listed in a workspace's index doc, each with its comments doc (for background sync, so
 * comments and their counts are on the device offline too).
 */
export function listDocIds(indexDoc: Y.Doc): string[] {
  try {
    return readIndex(indexDoc).docs.flatMap((d) =>
      d.kind === 'roster' ? [d.id] : [d.id, commentsDocId(d.id)],
    );
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

/**
 * Each listed kind's own title operation. Typed by `DocKind`: a kind added without one fails to
 * compile, so a rename never leaves a doc's own title behind its list title.
 */
const SET_TITLE: { readonly [K in DocKind]: (doc: Y.Doc, title: string) => void } = {
  plan: setPlanTitle,
  minutes: setMinutesTitle,
  feedback: setLogTitle,
  roster: setRosterTitle,
};

/** Why a rename did not happen. */
export type RenameRefusal = 'notOnDevice' | 'refused';

/**
 * Renames a document: its own title and its list title together (IDX-2). Refused, writing
 * nothing, when the doc is not on this device yet (its own title could not be set) or its model
 * refuses (finalised minutes, a title too long).
 */
export function renameDocument(
  sync: WorkspaceSync,
  entry: { id: string; kind: DocKind },
  title: string,
): RenameRefusal | null {
  // Opened for the change, so that once released it syncs in the background like a doc that
  // was edited and closed.
  const session = sync.acquire(entry.id);
  try {
    const doc = session.synced.doc;
    let kind: string | null;
    try {
      kind = kindOfDoc(doc);
    } catch {
      kind = null;
    }
    if (kind !== entry.kind) return 'notOnDevice';
    try {
      checkTitle(title);
      SET_TITLE[entry.kind](doc, title);
    } catch (error) {
      if (error instanceof DomainError) return 'refused';
      throw error;
    }
    renameDoc(sync.indexDoc, entry.id, title);
    return null;
  } finally {
    session.release();
  }
}

function checkTitle(title: string): void {
  if (title.trim() === '') throw new DomainError('invalid', 'a title cannot be empty');
}

/** Archives a document, or with `false` brings it back to the list (IDX-2). */
export function setDocArchived(sync: WorkspaceSync, docId: string, archived: boolean): void {
  archiveDoc(sync.indexDoc, docId, archived);
}

import type * as Y from 'yjs';
import type { WorkspaceSync } from '../sync/WorkspaceSync.ts';
import {
  addDocEntry,
  createDoc,
  type DocKind,
  initFeedbackLog,
  initMinutes,
  initPlan,
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
 * both docs sync when the device is next online.
 */
export function createDocument(sync: WorkspaceSync, kind: DocKind, title: string): string {
  const docId = newId();
  const doc = createDoc();
  if (kind === 'plan') initPlan(doc, { title });
  else if (kind === 'minutes')
    initMinutes(doc, { title, meetingType: 'party-group', startsAt: null });
  else initFeedbackLog(doc, { title });
  sync.adopt(docId, doc);
  addDocEntry(sync.indexDoc, { id: docId, kind, title });
  return docId;
}

import { type Accessor, createMemo } from 'solid-js';
import type * as Y from 'yjs';
import {
  type DocListDetail,
  feedbackSearchText,
  type IndexData,
  readFeedbackLog,
  readMinutes,
  searchKey,
} from '../model/domain.ts';
import type { WorkspaceSync } from '../sync/WorkspaceSync.ts';
import { createSyncTick } from './createSyncTick.ts';
import { makeDocReadCache } from './docVersion.ts';

function safe<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    // A doc of a newer version, or a damaged one: listed by its title alone.
    return null;
  }
}

/** A feedback log's searchable text and its search form, read again only after the log changed. */
const feedbackText = makeDocReadCache((doc: Y.Doc) => {
  const text = safe(() => feedbackSearchText(readFeedbackLog(doc))) ?? '';
  return { text, key: searchKey(text) };
});
/** When a meeting started, read again only after the minutes changed. */
const meetingStart = makeDocReadCache((doc: Y.Doc) => safe(() => readMinutes(doc).startsAt));

/**
 * What the document list knows of each doc beyond its index entry (IDX-8): a feedback log's
 * entries as search text and a meeting's start, read from the docs on this device (archived ones
 * too, so they stay searchable; offline too). Recomputed when a doc changes, at most twice a
 * second while people type, and at once when the device has finished building its docs.
 */
export function createDocListDetails(
  sync: WorkspaceSync,
  index: IndexData,
): Accessor<(docId: string) => DocListDetail | undefined> {
  const tick = createSyncTick(sync);
  return createMemo(() => {
    tick();
    const details = new Map<string, DocListDetail>();
    for (const entry of index.docs) {
      if (entry.kind !== 'feedback' && entry.kind !== 'minutes') continue;
      const doc = sync.docs.get(entry.id)?.doc;
      if (!doc) continue;
      details.set(
        entry.id,
        entry.kind === 'feedback'
          ? { ...feedbackText(doc), at: null }
          : { text: '', at: meetingStart(doc) },
      );
    }
    return (docId: string) => details.get(docId);
  });
}

import { type Accessor, createMemo } from 'solid-js';
import type * as Y from 'yjs';
import {
  type DocListDetail,
  feedbackSearchText,
  type IndexData,
  minutesSearchText,
  planSearchText,
  readFeedbackLog,
  readMinutes,
  readPlan,
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

/** Searchable text and its search form, when the meeting started; read again only after a change. */
const searchable = (text: string, at: number | null): DocListDetail => ({
  text,
  key: searchKey(text),
  at,
});
const feedbackDetail = makeDocReadCache((doc: Y.Doc) =>
  searchable(safe(() => feedbackSearchText(readFeedbackLog(doc))) ?? '', null),
);
const minutesDetail = makeDocReadCache((doc: Y.Doc): DocListDetail => {
  const minutes = safe(() => readMinutes(doc));
  const detail = searchable(minutes ? minutesSearchText(minutes) : '', minutes?.startsAt ?? null);
  return minutes?.state === 'draft' ? { ...detail, isDraft: true } : detail;
});
const planDetail = makeDocReadCache((doc: Y.Doc) =>
  searchable(safe(() => planSearchText(readPlan(doc))) ?? '', null),
);
const DETAIL_OF = { feedback: feedbackDetail, minutes: minutesDetail, plan: planDetail } as const;

/**
 * What the document list knows of each doc beyond its index entry (IDX-8): the text of a
 * feedback log's entries, of minutes and of a plan to search, and a meeting's start, read from the docs on this device (archived ones
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
      if (entry.kind !== 'feedback' && entry.kind !== 'minutes' && entry.kind !== 'plan') continue;
      const doc = sync.docs.get(entry.id)?.doc;
      if (doc) details.set(entry.id, DETAIL_OF[entry.kind](doc));
    }
    return (docId: string) => details.get(docId);
  });
}

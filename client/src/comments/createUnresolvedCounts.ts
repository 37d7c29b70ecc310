import { commentsDocId, unresolvedCount } from '@grassroots/shared';
import { type Accessor, createMemo } from 'solid-js';
import type * as Y from 'yjs';
import type { IndexData } from '../model/domain.ts';
import { createSyncTick } from '../projection/createSyncTick.ts';
import { makeDocReadCache } from '../projection/docVersion.ts';
import type { WorkspaceSync } from '../sync/WorkspaceSync.ts';

const countOf = makeDocReadCache((doc: Y.Doc) => {
  try {
    return unresolvedCount(doc);
  } catch {
    return 0;
  }
});

/**
 * Unresolved comment threads per listed doc, read from the comments docs on this device (so
 * offline too), recomputed when any doc changes (at most twice a second).
 */
export function createUnresolvedCounts(
  sync: WorkspaceSync,
  index: IndexData,
): Accessor<{ byDoc: ReadonlyMap<string, number>; total: number }> {
  const tick = createSyncTick(sync);
  return createMemo(() => {
    tick();
    const byDoc = new Map<string, number>();
    let total = 0;
    for (const entry of index.docs) {
      const doc = sync.docs.get(commentsDocId(entry.id))?.doc;
      const n = doc ? countOf(doc) : 0;
      if (n === 0) continue;
      byDoc.set(entry.id, n);
      if (!entry.archived) total += n;
    }
    return { byDoc, total };
  });
}

import { type Accessor, createMemo } from 'solid-js';
import type * as Y from 'yjs';
import {
  type DocKind,
  type IndexData,
  kindInfo,
  ROSTER_DOC_ID,
  type WorkspaceData,
} from '../model/domain.ts';
import type { WorkspaceSync } from '../sync/WorkspaceSync.ts';
import { createSyncTick } from './createSyncTick.ts';
import { makeDocReadCache } from './docVersion.ts';

function safe<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    // A doc of a newer version, or a damaged one: the view shows the rest.
    return null;
  }
}

/**
 * One cached reader per listed kind, through the kind registry (KIND-1): a kind added to
 * `DOC_KINDS` without a reader here fails to compile. Each doc is read again only after it changed.
 */
const READERS = {
  plan: makeDocReadCache((doc) => safe(() => kindInfo('plan').read(doc))),
  minutes: makeDocReadCache((doc) => safe(() => kindInfo('minutes').read(doc))),
  feedback: makeDocReadCache((doc) => safe(() => kindInfo('feedback').read(doc))),
  roster: makeDocReadCache((doc) => safe(() => kindInfo('roster').read(doc))),
} as const satisfies { readonly [K in DocKind]: (doc: Y.Doc) => unknown };

/**
 * The plain data of a workspace's listed docs, by kind, as the shared ledgers and reports take
 * it (`WorkspaceData`): archived docs are left out, docs not on the device yet are skipped, the
 * roster is the one with the fixed id when several are listed.
 */
export function readWorkspaceData(
  index: IndexData,
  docOf: (docId: string) => Y.Doc | undefined,
): WorkspaceData {
  const out: WorkspaceData = { index, roster: null, plans: [], minutes: [], feedback: [] };
  for (const entry of index.docs) {
    if (entry.archived) continue;
    const doc = docOf(entry.id);
    if (!doc) continue;
    const docId = entry.id;
    switch (entry.kind) {
      case 'plan': {
        const data = READERS.plan(doc);
        if (data) out.plans.push({ docId, data });
        break;
      }
      case 'minutes': {
        const data = READERS.minutes(doc);
        if (data) out.minutes.push({ docId, data });
        break;
      }
      case 'feedback': {
        const data = READERS.feedback(doc);
        if (data) out.feedback.push({ docId, data });
        break;
      }
      case 'roster': {
        const data = READERS.roster(doc);
        if (data && (out.roster === null || docId === ROSTER_DOC_ID)) out.roster = data;
        break;
      }
      default:
        unreachable(entry.kind);
    }
  }
  return out;
}

function unreachable(kind: never): never {
  throw new Error(`no reader for document kind ${String(kind)}`);
}

export type WorkspaceDataState = {
  data: WorkspaceData;
  /** True while docs read from the device are still being built. */
  isLoading: boolean;
  /**
   * Minutes the index lists that have not reached this device yet (never synced, nothing of
   * them here): until they have, whether a meeting was held cannot be told.
   */
  minutesNotHere: number;
  /** The same for feedback logs: until they are here, the feedback ledger is not whole. */
  feedbackNotHere: number;
};

/** What `minutesNotHere` needs to know of a doc on the device. */
export type DocPresence = { hasAck: boolean; doc: Y.Doc };

/**
 * How many listed, unarchived docs of a kind (minutes by default) are not on this device: never
 * acknowledged by the server and empty. A doc written here before its first sync holds its own
 * record and counts as here; one synced once counts as here even while offline.
 */
export function countMinutesNotHere(
  index: IndexData,
  docOf: (docId: string) => DocPresence | undefined,
  kind: 'minutes' | 'feedback' = 'minutes',
): number {
  let n = 0;
  for (const entry of index.docs) {
    if (entry.archived || entry.kind !== kind) continue;
    const synced = docOf(entry.id);
    if (!synced || (!synced.hasAck && synced.doc.store.clients.size === 0)) n++;
  }
  return n;
}

/**
 * The workspace's data (`readWorkspaceData`), recomputed when any doc changes — at most twice a
 * second while people type, and at once when the device has finished building its docs.
 */
export function createWorkspaceData(
  sync: WorkspaceSync,
  index: IndexData,
): Accessor<WorkspaceDataState> {
  const tick = createSyncTick(sync);
  return createMemo(() => {
    tick();
    return {
      data: readWorkspaceData(index, (id) => sync.docs.get(id)?.doc),
      isLoading: sync.isLoading,
      minutesNotHere: sync.isLocal ? 0 : countMinutesNotHere(index, (id) => sync.docs.get(id)),
      feedbackNotHere: sync.isLocal
        ? 0
        : countMinutesNotHere(index, (id) => sync.docs.get(id), 'feedback'),
    };
  });
}

import { type Action, can } from '@grassroots/shared';
import {
  type Accessor,
  createContext,
  createEffect,
  createMemo,
  createResource,
  createSignal,
  type JSX,
  onCleanup,
  onMount,
  Show,
  useContext,
} from 'solid-js';
import type * as Y from 'yjs';
import { useApp } from './AppContext.tsx';
import { createMembershipRefresh, type SignedOut } from './api/createMembershipRefresh.ts';
import type { RelayApiError } from './api/relayApi.ts';
import { IdbBlobCache } from './attachments/IdbBlobCache.ts';
import { type BlobService, makeBlobService } from './attachments/makeBlobService.ts';
import { forgetAttention } from './model/attention.ts';
import {
  type IndexData,
  ROSTER_DOC_ID,
  type RosterData,
  readIndex,
  readRoster,
} from './model/domain.ts';
import { listDocIds } from './model/workspaceModel.ts';
import { createDocProjection } from './projection/createDocProjection.ts';
import { makeDocReadCache } from './projection/docVersion.ts';
import { createSyncSummary } from './sync/createSyncSummary.ts';
import type { WorkspaceEntry } from './sync/LocalStore.ts';
import { presenceColor } from './sync/presenceColor.ts';
import { type SyncSummary, WorkspaceSync } from './sync/WorkspaceSync.ts';

export type WorkspaceState = {
  entry: WorkspaceEntry;
  sync: WorkspaceSync;
  summary: Accessor<SyncSummary>;
  /** The index doc (documents, services, cadence, cases) as a projection. */
  index: IndexData;
  /** What this member may do (viewers read only). */
  can: (action: Action) => boolean;
  /** The roster doc's id when the index lists one, else null (no roster kept yet). */
  rosterDocId: Accessor<string | null>;
  /** The workspace's standing roster as plain data; null until one is kept. */
  roster: Accessor<RosterData | null>;
  /** Attached files: kept on the device, uploaded in the background. */
  blobs: BlobService;
  /** Hashes of attached files waiting for upload (counted by the sync badge). */
  pendingUploads: Accessor<ReadonlySet<string>>;
  /** Waiting files the relay refused at their last try, with its answer (BLOB-C4). */
  uploadRefusals: Accessor<ReadonlyMap<string, RelayApiError>>;
  /** Set once the relay says it no longer knows this device (removed, or signed in elsewhere). */
  signedOut: Accessor<SignedOut | null>;
};

const WorkspaceContext = createContext<WorkspaceState>();

/** Opens one workspace from the device (then syncs it) for everything below it. */
export function WorkspaceProvider(props: {
  entry: WorkspaceEntry;
  children: JSX.Element;
  fallback: JSX.Element;
}): JSX.Element {
  const app = useApp();
  const [sync] = createResource(
    () => props.entry,
    async (entry) => {
      const s = new WorkspaceSync({
        entry,
        store: app.store,
        journal: app.journal,
        listDocIds,
        user: {
          name: entry.displayName,
          color: presenceColor(entry.memberId, entry.colour),
          memberId: entry.memberId,
        },
      });
      await s.open();
      app.reportProblems(s.problems.splice(0));
      return s;
    },
  );
  onCleanup(() => sync()?.destroy());
  return (
    <Show when={sync()} fallback={props.fallback} keyed>
      {(s) => <WorkspaceReady entry={props.entry} sync={s} children={props.children} />}
    </Show>
  );
}

function WorkspaceReady(props: {
  entry: WorkspaceEntry;
  sync: WorkspaceSync;
  children: JSX.Element;
}): JSX.Element {
  const summary = createSyncSummary(props.sync);
  // For the open-time budget (tests/bench/client.bench.ts): all docs loaded, first screen rendered.
  onMount(() => requestAnimationFrame(() => performance.mark('grassroots:workspace-ready')));
  const app = useApp();
  onCleanup(props.sync.onChange(() => app.reportProblems(props.sync.problems.splice(0))));
  // HOME-1: the device's copy changes while the workspace is open; its kept summary is stale.
  void forgetAttention(app.store, props.entry.id).catch(() => {});
  onCleanup(() => void forgetAttention(app.store, props.entry.id).catch(() => {}));
  const signedOut = createMembershipRefresh(
    props.entry,
    () => summary().connection,
    app.saveWorkspace,
  );
  const index = createDocProjection(props.sync.indexDoc, safeReadIndex);
  const { rosterDocId, roster } = createRoster(props.sync, index);
  const blobs = makeBlobService({
    cache: new IdbBlobCache(props.entry.id),
    serverOrigin: props.entry.isLocalDemo ? null : props.entry.serverOrigin,
    workspaceId: props.entry.id,
    token: props.entry.memberToken,
  });
  onCleanup(() => blobs.destroy());
  const [pendingUploads, setPendingUploads] = createSignal<ReadonlySet<string>>(new Set(), {
    equals: false,
  });
  const [uploadRefusals, setUploadRefusals] = createSignal<ReadonlyMap<string, RelayApiError>>(
    new Map(),
    { equals: false },
  );
  onCleanup(
    blobs.onChange(() => {
      setPendingUploads(blobs.pendingHashes());
      setUploadRefusals(blobs.refusals());
    }),
  );
  // Uploads go when the relay connection comes back, as the docs do.
  createEffect(() => {
    if (summary().connection === 'online') blobs.kick();
  });
  const state: WorkspaceState = {
    entry: props.entry,
    sync: props.sync,
    summary,
    index,
    can: (action) => can(props.entry.role, action),
    rosterDocId,
    roster,
    blobs,
    pendingUploads,
    uploadRefusals,
    signedOut,
  };
  return <WorkspaceContext.Provider value={state}>{props.children}</WorkspaceContext.Provider>;
}

const rosterOf = makeDocReadCache((doc) => {
  try {
    return readRoster(doc);
  } catch {
    // A roster from a newer version: counted as if none were kept, the roster screen says why.
    return null;
  }
});

/**
 * The roster listed in the index (the fixed id wins when several are), read again whenever its
 * doc changes, whether the change was typed here or came from the relay.
 */
function createRoster(
  sync: WorkspaceSync,
  index: IndexData,
): { rosterDocId: Accessor<string | null>; roster: Accessor<RosterData | null> } {
  const rosterDocId = createMemo(() => {
    const listed = index.docs.filter((d) => d.kind === 'roster' && !d.archived);
    return (listed.find((d) => d.id === ROSTER_DOC_ID) ?? listed[0])?.id ?? null;
  });
  const [version, setVersion] = createSignal(0);
  let watched: { doc: Y.Doc; onUpdate: () => void } | null = null;
  const unwatch = () => {
    watched?.doc.off('update', watched.onUpdate);
    watched = null;
  };
  onCleanup(unwatch);
  const roster = createMemo(() => {
    const id = rosterDocId();
    version();
    if (id === null) {
      unwatch();
      return null;
    }
    const doc = sync.doc(id).doc;
    const data = rosterOf(doc);
    if (watched?.doc !== doc) {
      unwatch();
      // After the update's own listeners (the read cache counts versions in one): one re-read per
      // burst of updates.
      let isScheduled = false;
      const onUpdate = () => {
        if (isScheduled) return;
        isScheduled = true;
        queueMicrotask(() => {
          isScheduled = false;
          setVersion((n) => n + 1);
        });
      };
      doc.on('update', onUpdate);
      watched = { doc, onUpdate };
    }
    return data;
  });
  return { rosterDocId, roster };
}

const EMPTY_INDEX: IndexData = {
  kind: 'index',
  meta: { schemaVersion: 0 },
  name: '',
  docs: [],
  unknownDocs: [],
  services: [],
  cadence: { preset: 'seed', rules: [] },
  cases: [],
};

/** The index doc read, or an empty index when it cannot be read (a doc of another kind). */
export function safeReadIndex(doc: Parameters<typeof readIndex>[0]): IndexData {
  try {
    return readIndex(doc);
  } catch {
    return EMPTY_INDEX;
  }
}

export function useWorkspace(): WorkspaceState {
  const ws = useContext(WorkspaceContext);
  if (!ws) throw new Error('useWorkspace: render inside <WorkspaceProvider entry={…}>');
  return ws;
}

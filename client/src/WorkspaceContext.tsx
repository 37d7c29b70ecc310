import { type Action, can } from '@grassroots/shared';
import {
  type Accessor,
  createContext,
  createResource,
  type JSX,
  onCleanup,
  onMount,
  Show,
  useContext,
} from 'solid-js';
import { useApp } from './AppContext.tsx';
import { type IndexData, readIndex } from './model/domain.ts';
import { listDocIds } from './model/workspaceModel.ts';
import { createDocProjection } from './projection/createDocProjection.ts';
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
        listDocIds,
        user: {
          name: entry.displayName,
          color: presenceColor(entry.memberId),
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
  const state: WorkspaceState = {
    entry: props.entry,
    sync: props.sync,
    summary,
    index: createDocProjection(props.sync.indexDoc, safeReadIndex),
    can: (action) => can(props.entry.role, action),
  };
  return <WorkspaceContext.Provider value={state}>{props.children}</WorkspaceContext.Provider>;
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

function safeReadIndex(doc: Parameters<typeof readIndex>[0]): IndexData {
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

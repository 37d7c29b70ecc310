import { type Accessor, createContext, createSignal, type ParentProps, useContext } from 'solid-js';
import type { LocalJournal } from './sync/LocalJournal.ts';
import type { LocalStore, StoreProblem, WorkspaceEntry } from './sync/LocalStore.ts';

export type AppState = {
  store: LocalStore;
  /** The write-ahead journal of local changes (LOCAL-4), or null when the browser has none. */
  journal: LocalJournal | null;
  workspaces: Accessor<WorkspaceEntry[]>;
  /** False until the device's workspace list has been read. */
  isReady: Accessor<boolean>;
  problems: Accessor<StoreProblem[]>;
  reportProblems: (problems: StoreProblem[]) => void;
  reloadWorkspaces: () => Promise<void>;
  saveWorkspace: (entry: WorkspaceEntry) => Promise<void>;
  removeWorkspace: (workspaceId: string) => Promise<void>;
  /** Whether the browser granted persistent storage (null: not asked or unknown). */
  isPersisted: Accessor<boolean | null>;
};

/** App-wide state: the local store and the workspaces this device has joined. */
export function createAppState(store: LocalStore, journal: LocalJournal | null = null): AppState {
  const [workspaces, setWorkspaces] = createSignal<WorkspaceEntry[]>([]);
  const [isReady, setReady] = createSignal(false);
  const [problems, setProblems] = createSignal<StoreProblem[]>([]);
  const [isPersisted, setPersisted] = createSignal<boolean | null>(null);
  const reportProblems = (more: StoreProblem[]) => {
    if (more.length > 0) setProblems((p) => [...p, ...more]);
  };
  const reloadWorkspaces = async () => {
    const result = await store.listWorkspaces();
    setWorkspaces(result.workspaces);
    reportProblems(result.problems);
    setReady(true);
  };
  // Ask once the person has data worth keeping: browsers grant it more readily then.
  const askPersist = async () => {
    try {
      if (!navigator.storage?.persist) return;
      const already = await navigator.storage.persisted();
      setPersisted(already || (await navigator.storage.persist()));
    } catch {
      setPersisted(null);
    }
  };
  void reloadWorkspaces().then(() => askPersist());
  return {
    store,
    journal,
    workspaces,
    isReady,
    problems,
    reportProblems,
    reloadWorkspaces,
    saveWorkspace: async (entry) => {
      await store.putWorkspace(entry);
      await reloadWorkspaces();
      void askPersist();
    },
    removeWorkspace: async (id) => {
      await store.removeWorkspace(id);
      journal?.clear(id);
      await reloadWorkspaces();
    },
    isPersisted,
  };
}

const AppContext = createContext<AppState>();

export function AppProvider(props: ParentProps<{ app: AppState }>) {
  return <AppContext.Provider value={props.app}>{props.children}</AppContext.Provider>;
}

export function useApp(): AppState {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp: wrap the app in <AppProvider app={createAppState(store)}>');
  return app;
}

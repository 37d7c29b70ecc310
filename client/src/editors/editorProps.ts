import type { Accessor } from 'solid-js';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { Service } from '../model/domain.ts';
import type { PresenceUser } from '../sync/WorkspaceSync.ts';

/**
 * What an editor uses of an open doc: the doc and its presence. A live `DocSession` is one; a past
 * version shown read-only from history is another (no provider, no local persistence).
 */
export type EditorSession = { synced: { readonly doc: Y.Doc }; awareness: Awareness };

/** What every doc editor receives from the doc view. */
export type EditorProps = {
  docId: string;
  /** What a search found the doc by: an editor with a search of its own starts with it. */
  find?: string;
  /** One entry to open and show (a feedback log's, from a ledger row or the dashboard). */
  entry?: string;
  session: EditorSession;
  /** False for viewers and for records that are read-only (finalised minutes are handled inside). */
  canEdit: boolean;
  user: PresenceUser;
  /** The workspace's 8+1 service list, retired services included (tasks linked to them show them). */
  services: Accessor<Service[]>;
  /** Keeps the index's label of the doc in step with its own title. */
  onTitle: (title: string) => void;
  /** Plans of the workspace (targets for action items). */
  plans: Accessor<Array<{ id: string; title: string }>>;
};

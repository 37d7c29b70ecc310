import type { Accessor } from 'solid-js';
import type { Service } from '../model/domain.ts';
import type { DocSession, PresenceUser } from '../sync/WorkspaceSync.ts';

/** What every doc editor receives from the doc view. */
export type EditorProps = {
  docId: string;
  session: DocSession;
  /** False for viewers and for records that are read-only (finalised minutes are handled inside). */
  canEdit: boolean;
  user: PresenceUser;
  /** The workspace's 8+1 service list. */
  services: Accessor<Service[]>;
  /** Keeps the index's label of the doc in step with its own title. */
  onTitle: (title: string) => void;
  /** Plans of the workspace (targets for action items). */
  plans: Accessor<Array<{ id: string; title: string }>>;
};

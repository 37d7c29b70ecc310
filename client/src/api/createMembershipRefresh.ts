import { displayNameSchema, roleSchema } from '@grassroots/shared';
import { type Accessor, createEffect, createMemo, on } from 'solid-js';
import type { WorkspaceEntry } from '../sync/LocalStore.ts';
import type { ConnectionState } from '../sync/WorkspaceSync.ts';
import { relayApi } from './relayApi.ts';

/**
 * Keeps this device's idea of its role in step with the relay. An admin changing a member's role
 * closes that member's connections (the relay refuses them as "denied" until the device knows),
 * and a device may have been offline when it happened: so when the workspace first comes online,
 * and whenever the relay denies it, the device asks who it is and saves a changed role or name,
 * which reopens the workspace with it. A removed member stays denied.
 */
export function createMembershipRefresh(
  entry: WorkspaceEntry,
  connection: Accessor<ConnectionState>,
  save: (entry: WorkspaceEntry) => Promise<void>,
): void {
  if (entry.isLocalDemo) return;
  let hasChecked = false;
  // Only a change of state counts: the summary it comes from changes with every edit.
  const state = createMemo(connection);
  createEffect(
    on(state, (now) => {
      if (now === 'online' && hasChecked) return;
      if (now !== 'online' && now !== 'denied') return;
      hasChecked = true;
      relayApi.getWorkspace(entry.serverOrigin, entry.id, entry.memberToken).then(
        ({ me }) => {
          const role = roleSchema.safeParse(me?.role);
          const displayName = displayNameSchema.safeParse(me?.displayName);
          if (!role.success || !displayName.success) return;
          if (role.data === entry.role && displayName.data === entry.displayName) return;
          void save({ ...entry, role: role.data, displayName: displayName.data });
        },
        () => {
          // Removed, offline again or an older relay: nothing to learn now.
        },
      );
    }),
  );
}

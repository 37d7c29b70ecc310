import { type Accessor, createEffect, on } from 'solid-js';
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
  createEffect(
    on(connection, (state) => {
      if (state === 'online' && hasChecked) return;
      if (state !== 'online' && state !== 'denied') return;
      hasChecked = true;
      relayApi.getWorkspace(entry.serverOrigin, entry.id, entry.memberToken).then(
        ({ me }) => {
          if (me.role === entry.role && me.displayName === entry.displayName) return;
          void save({ ...entry, role: me.role, displayName: me.displayName });
        },
        () => {
          // Removed, offline again or an older relay: nothing to learn now.
        },
      );
    }),
  );
}

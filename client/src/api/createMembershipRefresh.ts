import { displayNameSchema, roleSchema } from '@grassroots/shared';
import { type Accessor, createEffect, createMemo, createSignal, on } from 'solid-js';
import type { WorkspaceEntry } from '../sync/LocalStore.ts';
import { colourIndex } from '../sync/presenceColor.ts';
import type { ConnectionState } from '../sync/WorkspaceSync.ts';
import { RelayApiError, relayApi } from './relayApi.ts';

/**
 * Why the relay no longer knows this device: its member was removed ('removed'), or its token
 * was replaced, when the member signed in on a new phone with a link from an admin ('elsewhere').
 */
export type SignedOut = 'removed' | 'elsewhere';

/**
 * Keeps this device's idea of its role in step with the relay. An admin changing a member's role
 * closes that member's connections (the relay refuses them as "denied" until the device knows),
 * and a device may have been offline when it happened: so when the workspace first comes online,
 * and whenever the relay denies it, the device asks who it is and saves a changed role or name,
 * which reopens the workspace with it (a colour first learnt is kept without reopening, see
 * App.tsx). A removed member stays denied; so does a device whose
 * member signed in on another one. Returns why the device was signed out, or null.
 */
export function createMembershipRefresh(
  entry: WorkspaceEntry,
  connection: Accessor<ConnectionState>,
  save: (entry: WorkspaceEntry) => Promise<void>,
): Accessor<SignedOut | null> {
  const [signedOut, setSignedOut] = createSignal<SignedOut | null>(null);
  if (entry.isLocalDemo) return signedOut;
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
          setSignedOut(null);
          const role = roleSchema.safeParse(me?.role);
          const displayName = displayNameSchema.safeParse(me?.displayName);
          if (!role.success || !displayName.success) return;
          const colour = colourIndex(me?.colour) ?? entry.colour;
          if (
            role.data === entry.role &&
            displayName.data === entry.displayName &&
            colour === entry.colour
          ) {
            return;
          }
          void save({ ...entry, role: role.data, displayName: displayName.data, colour });
        },
        (error: unknown) => {
          // Offline again or an older relay: nothing to learn now.
          if (!(error instanceof RelayApiError) || error.status !== 401) return;
          if (error.reason === 'tokenRevoked') setSignedOut('removed');
          else if (error.reason === 'tokenUnknown') setSignedOut('elsewhere');
        },
      );
    }),
  );
  return signedOut;
}

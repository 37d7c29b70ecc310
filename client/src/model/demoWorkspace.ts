import type { LocalStore, WorkspaceEntry } from '../sync/LocalStore.ts';

export async function createLocalDemo(store: LocalStore, name: string): Promise<WorkspaceEntry> {
  const entry: WorkspaceEntry = {
    id: `demo-${Date.now().toString(36)}`,
    name,
    serverOrigin: '',
    memberId: 'demo',
    memberToken: '',
    role: 'admin',
    displayName: 'demo',
    joinedAt: Date.now(),
    isLocalDemo: true,
  };
  await store.putWorkspace(entry);
  return entry;
}

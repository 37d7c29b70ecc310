import * as Y from 'yjs';
import type { LocalStore, WorkspaceEntry } from '../sync/LocalStore.ts';
import { beijingDate, createDemoVillage, INDEX_DOC_ID, newId } from './domain.ts';

const DAY = 24 * 60 * 60 * 1000;

/**
 * The demo village from the shared generator: a year of records ending today, stored only on
 * this device and never synced (its entry is marked `isLocalDemo`, so no provider is ever made
 * for it).
 */
export async function createLocalDemo(store: LocalStore, name: string): Promise<WorkspaceEntry> {
  const demo = createDemoVillage({ start: beijingDate(Date.now() - 364 * DAY) });
  const entry: WorkspaceEntry = {
    id: `demo-${newId()}`,
    name,
    serverOrigin: '',
    memberId: 'demo',
    memberToken: '',
    role: 'admin',
    displayName: '驻村第一书记',
    joinedAt: Date.now(),
    colour: 0,
    isLocalDemo: true,
  };
  await store.appendUpdate(entry.id, INDEX_DOC_ID, Y.encodeStateAsUpdate(demo.index));
  for (const d of demo.docs) await store.appendUpdate(entry.id, d.id, Y.encodeStateAsUpdate(d.doc));
  await store.putWorkspace(entry);
  return entry;
}

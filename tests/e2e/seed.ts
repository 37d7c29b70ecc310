import type { RunningServer } from '@grassroots/server';
import {
  addDocEntry,
  beijingInstant,
  createDemoVillage,
  createDoc,
  INDEX_DOC_ID,
  initIndex,
  initMinutes,
  roomName,
} from '@grassroots/shared';
import type { Page } from 'playwright-core';
import * as Y from 'yjs';

/** A workspace stored on the relay before anyone opens it: its index and docs, as made in Node. */
export type SeededWorkspace = {
  workspaceId: string;
  /** The workspace's first admin: its member id and token (a device of its own). */
  admin: { id: string; token: string };
  /** An invite link of a role (each call makes a new one-use link). */
  invite: (role: 'admin' | 'editor' | 'viewer') => Promise<string>;
};

/** Stores an index doc and docs as a new workspace on the relay. */
export async function seedWorkspace(
  server: RunningServer,
  name: string,
  index: Y.Doc,
  docs: readonly { id: string; doc: Y.Doc }[],
): Promise<SeededWorkspace> {
  const created = await server.auth.createWorkspace(name);
  const workspaceId = created.workspace.id;
  await server.store.appendUpdates(
    [
      { room: roomName(workspaceId, INDEX_DOC_ID), update: Y.encodeStateAsUpdate(index) },
      ...docs.map((d) => ({
        room: roomName(workspaceId, d.id),
        update: Y.encodeStateAsUpdate(d.doc),
      })),
    ].map((r) => ({ ...r, authorId: created.admin.id, at: Date.now() })),
  );
  let isFirst = true;
  return {
    workspaceId,
    admin: { id: created.admin.id, token: created.adminToken },
    invite: async (role) => {
      if (isFirst && role === 'admin') {
        isFirst = false;
        return `${server.url}/#/join/${created.inviteToken}`;
      }
      const { token } = await server.auth.createInvite(workspaceId, null, { role });
      return `${server.url}/#/join/${token}`;
    },
  };
}

/** A workspace whose index lists the given docs (kind and title), stored on the relay. */
export async function seedDocs(
  server: RunningServer,
  name: string,
  docs: readonly { id: string; kind: 'plan' | 'minutes' | 'feedback' | 'roster'; doc: Y.Doc }[],
): Promise<SeededWorkspace & { index: Y.Doc }> {
  const index = createDoc();
  initIndex(index, { name });
  for (const d of docs) addDocEntry(index, { id: d.id, kind: d.kind, title: d.id });
  return { ...(await seedWorkspace(server, name, index, docs)), index };
}

/** The demo village stored on the relay (deterministic for the same options). */
export async function seedDemo(
  server: RunningServer,
  options: Parameters<typeof createDemoVillage>[0] = {},
): Promise<SeededWorkspace & { demo: ReturnType<typeof createDemoVillage> }> {
  const demo = createDemoVillage(options);
  return { ...(await seedWorkspace(server, demo.name, demo.index, demo.docs)), demo };
}

/** The id of the draft minutes `seedDemoWithDraft` adds. */
export const DRAFT_MINUTES_ID = 'minutes-draft';

/**
 * The demo village (whose minutes are all finalised, so read-only) plus one branch committee
 * meeting still in draft, stored on the relay: every editor has something to edit.
 */
export async function seedDemoWithDraft(
  server: RunningServer,
  options: Parameters<typeof createDemoVillage>[0] = {},
): Promise<SeededWorkspace & { demo: ReturnType<typeof createDemoVillage> }> {
  const demo = createDemoVillage(options);
  const title = '支部委员会：村道养护';
  const draft = createDoc();
  initMinutes(draft, {
    title,
    meetingType: 'branch-committee',
    startsAt: demo.now - 2 * 3600_000,
    place: '村委会议室',
  });
  addDocEntry(demo.index, { id: DRAFT_MINUTES_ID, kind: 'minutes', title });
  const docs = [...demo.docs, { id: DRAFT_MINUTES_ID, doc: draft }];
  return { ...(await seedWorkspace(server, demo.name, demo.index, docs)), demo };
}

/** A doc as the relay has stored it. */
export async function storedDoc(
  server: RunningServer,
  workspaceId: string,
  docId: string,
): Promise<Y.Doc> {
  const doc = new Y.Doc();
  for (const row of await server.store.loadUpdates(roomName(workspaceId, docId))) {
    Y.applyUpdate(doc, row.update);
  }
  return doc;
}

/**
 * Opens the app at a fixed clock, builds the local demo village in the browser (a year ending
 * "today", stored on the device only) and waits until the service worker serves the app's files,
 * so the device can go offline. The same village is `createDemoVillage({ start })` in Node.
 */
export async function openLocalDemo(page: Page, url: string, now: number): Promise<void> {
  await page.clock.setFixedTime(now);
  await page.goto(`${url}/`);
  await page.getByRole('button', { name: '试用示范村' }).click();
  await page.locator('#dash-meetings').waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
    timeout: 90_000,
  });
}

/** The demo village's last afternoon: with the browser's clock here, its year is 2025. */
export const DEMO_NOW = beijingInstant(2025, 12, 31, 17, 0);

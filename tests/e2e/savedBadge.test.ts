import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import {
  type DocStore,
  parseConfig,
  type RunningServer,
  SqliteStore,
  sqlitePath,
  startServer,
} from '@grassroots/server';
import { MINUTES_BODY_FIELD, roomName } from '@grassroots/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { clientDist, joinWorkspace, openBrowser, waitSaved } from './harness.ts';

/**
 * The relay's store, with a gate: while it is closed, each batch of writes waits until the test
 * lets it through, so a test can hold one write back while earlier ones commit.
 */
function gatedStore(inner: SqliteStore) {
  const held: Array<() => void> = [];
  const heldChanged = new Set<() => void>();
  let isClosed = false;
  const store: SqliteStore = Object.create(inner);
  store.appendUpdates = async (batch) => {
    if (isClosed) {
      await new Promise<void>((resolve) => {
        held.push(resolve);
        for (const l of heldChanged) l();
      });
    }
    return inner.appendUpdates(batch);
  };
  return {
    store,
    close: () => {
      isClosed = true;
    },
    /** Resolves once `n` batches are waiting at the gate. */
    waitHeld: (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (held.length >= n) {
            heldChanged.delete(check);
            resolve();
          }
        };
        heldChanged.add(check);
        check();
      }),
    /** Lets the oldest held batch through. */
    releaseOne: () => held.shift()?.(),
    open: () => {
      isClosed = false;
      for (const release of held.splice(0)) release();
    },
  };
}

let server: RunningServer;
let gate: ReturnType<typeof gatedStore>;
let dataDir: string;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  if (!existsSync(joinPath(clientDist, 'index.html'))) {
    throw new Error('client/dist is missing: run `corepack pnpm build` before the e2e tests');
  }
  dataDir = await mkdtemp(joinPath(tmpdir(), 'grassroots-e2e-data-'));
  gate = gatedStore(new SqliteStore(sqlitePath(dataDir)));
  server = await startServer(
    parseConfig({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      clientDir: clientDist,
      logLevel: 'warn',
      connectionsPerWindow: 10_000,
    }),
    { store: gate.store },
  );
});

afterAll(async () => {
  gate?.open();
  for (const close of closers.splice(0)) await close().catch(() => {});
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** The minutes body as the server has it on disk. */
async function storedBody(store: DocStore, workspaceId: string, docId: string): Promise<string> {
  const doc = new Y.Doc();
  for (const row of await store.loadUpdates(roomName(workspaceId, docId)))
    Y.applyUpdate(doc, row.update);
  const text = doc
    .getXmlFragment(MINUTES_BODY_FIELD)
    .toArray()
    .map((node) => (node instanceof Y.XmlElement ? node.toArray().join('') : ''))
    .join('\n');
  doc.destroy();
  return text;
}

/** Keys of a doc's update log and its meta, as this page's IndexedDB holds them. */
function localLog(
  page: import('playwright-core').Page,
  workspaceId: string,
  docId: string,
): Promise<{ updateKeys: string[]; hasAck: boolean }> {
  return page.evaluate(
    ([dbName, id]) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open(dbName);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('docs', 'readonly');
          const keys = tx.objectStore('docs').getAllKeys();
          const meta = tx.objectStore('docs').get(['m', id]);
          tx.oncomplete = () => {
            db.close();
            const updateKeys = (keys.result as unknown[][])
              .filter((k) => k[0] === 'u' && k[1] === id)
              .map((k) => JSON.stringify(k));
            resolve({ updateKeys, hasAck: typeof meta.result?.ackedAt === 'number' });
          };
        };
      }),
    [`grassroots-ws-${workspaceId}`, docId] as const,
  );
}

/** Selects the first two characters of the body (甲乙) through the DOM and deletes them. */
async function deleteFirstTwo(page: Page): Promise<void> {
  await page
    .locator('.ProseMirror p')
    .first()
    .evaluate((p) => {
      const range = document.createRange();
      range.setStart(p.firstChild as Text, 0);
      range.setEnd(p.firstChild as Text, 2);
      document.getSelection()?.removeAllRanges();
      document.getSelection()?.addRange(range);
    });
  await expect.poll(() => page.evaluate(() => document.getSelection()?.toString())).toBe('甲乙');
  await page.keyboard.press('Backspace');
}

describe('sync badge', () => {
  it('says saved after a deletion only once the server has stored the deletion', async () => {
    const created = await server.auth.createWorkspace('删改村');
    const workspaceId = created.workspace.id;
    const b = await openBrowser();
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, `${server.url}/#/join/${created.inviteToken}`, '李书记');
    await page.goto(`${server.url}/#/w/${workspaceId}/docs`);
    await page.getByRole('button', { name: '新建会议记录' }).click();
    await page.locator('.ProseMirror').waitFor();
    const docId = decodeURIComponent(page.url().split('/').pop() ?? '');
    await page.locator('.ProseMirror').click();
    await page.keyboard.type('甲乙丙丁');
    await waitSaved(page);
    await expect.poll(() => storedBody(gate.store, workspaceId, docId)).toBe('甲乙丙丁');

    // Record every state the badge shows from here on, with the time it showed it.
    await page.evaluate(`(() => {
      window.__badgeStates = [];
      const badge = document.querySelector('.sync-badge');
      const note = () => window.__badgeStates.push([badge.dataset.state, Date.now()]);
      note();
      new MutationObserver(note).observe(badge, { attributes: true, attributeFilter: ['data-state'] });
    })()`);

    gate.close();
    // An insertion, held at the gate; then a deletion, made while the insertion waits.
    await page.keyboard.press('End');
    await page.keyboard.type('戊');
    await gate.waitHeld(1);
    await deleteFirstTwo(page);
    await expect.poll(() => page.locator('.ProseMirror').textContent()).toBe('丙丁戊');

    // The insertion commits; its ack covers the state vector the deletion left unchanged.
    gate.releaseOne();
    await gate.waitHeld(1);
    // The ack has been handled once the insertion no longer counts as waiting.
    await page.locator('.sync-badge[data-pending="1"], .sync-badge[data-state="saved"]').waitFor();
    expect(await page.locator('.sync-badge').getAttribute('data-state')).not.toBe('saved');
    expect(await storedBody(gate.store, workspaceId, docId)).toBe('甲乙丙丁戊');

    const releasedAt = Date.now();
    gate.open();
    await waitSaved(page);
    expect(await storedBody(gate.store, workspaceId, docId)).toBe('丙丁戊');
    const states = (await page.evaluate('window.__badgeStates')) as Array<[string, number]>;
    const savedEarly = states.filter(
      ([state, at], i) => i > 0 && state === 'saved' && at < releasedAt,
    );
    expect(savedEarly).toEqual([]);
  });
  it('keeps a deletion made offline waiting across an offline reload until the server stores it', async () => {
    gate.open();
    const created = await server.auth.createWorkspace('离线删改村');
    const workspaceId = created.workspace.id;
    const b = await openBrowser();
    closers.push(b.close);
    const { page, context } = b;
    await joinWorkspace(page, `${server.url}/#/join/${created.inviteToken}`, '王主任');
    await page.goto(`${server.url}/#/w/${workspaceId}/docs`);
    await page.getByRole('button', { name: '新建会议记录' }).click();
    await page.locator('.ProseMirror').waitFor();
    const docId = decodeURIComponent(page.url().split('/').pop() ?? '');
    await page.locator('.ProseMirror').click();
    await page.keyboard.type('甲乙丙丁');
    await waitSaved(page);
    await expect.poll(() => storedBody(gate.store, workspaceId, docId)).toBe('甲乙丙丁');
    // The acknowledgement is on the device, so a reload knows what the server has.
    await expect.poll(async () => (await localLog(page, workspaceId, docId)).hasAck).toBe(true);

    await context.setOffline(true);
    await page.locator('.sync-badge[data-state="offline"]').waitFor();
    const before = (await localLog(page, workspaceId, docId)).updateKeys;
    await deleteFirstTwo(page);
    await expect.poll(() => page.locator('.ProseMirror').textContent()).toBe('丙丁');
    // The deletion is in the device's log before the page goes away.
    await expect
      .poll(async () => (await localLog(page, workspaceId, docId)).updateKeys.join())
      .not.toBe(before.join());

    await page.reload();
    await expect.poll(() => page.locator('.ProseMirror').textContent()).toBe('丙丁');
    // Once the device's data is read, the deletion still counts as waiting.
    await page.locator('.sync-badge[data-state="offline"]:not(:has-text("正在读取"))').waitFor();
    await expect.poll(() => page.locator('.sync-badge').textContent()).toContain('待同步');
    expect(Number(await page.locator('.sync-badge').getAttribute('data-pending'))).toBeGreaterThan(
      0,
    );

    await page.evaluate(`(() => {
      window.__badgeStates = [];
      const badge = document.querySelector('.sync-badge');
      const note = () => window.__badgeStates.push([badge.dataset.state, Date.now()]);
      note();
      new MutationObserver(note).observe(badge, { attributes: true, attributeFilter: ['data-state'] });
    })()`);

    // Back online with the server's writes held: nothing re-sent is stored yet.
    gate.close();
    await context.setOffline(false);
    await gate.waitHeld(1);
    expect(await page.locator('.sync-badge').getAttribute('data-state')).not.toBe('saved');
    expect(await storedBody(gate.store, workspaceId, docId)).toBe('甲乙丙丁');
    const releasedAt = Date.now();
    gate.open();
    await waitSaved(page);
    expect(await storedBody(gate.store, workspaceId, docId)).toBe('丙丁');
    const states = (await page.evaluate('window.__badgeStates')) as Array<[string, number]>;
    expect(states.filter(([state, at]) => state === 'saved' && at < releasedAt)).toEqual([]);
  });
});

import { existsSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientDist,
  createWorkspaceWithInvite,
  joinWorkspace,
  openBrowser,
  startRelay,
  waitSaved,
} from './harness.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  if (!existsSync(joinPath(clientDist, 'index.html'))) {
    throw new Error('client/dist is missing: run `corepack pnpm build` before the e2e tests');
  }
  relay = await startRelay();
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

/** Runs in the page: the keys of a workspace's IndexedDB store whose key parts match. */
const storeKeys = (workspaceId: string) =>
  `new Promise((resolve, reject) => {
    const open = indexedDB.open('grassroots-ws-${workspaceId}');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const req = open.result.transaction('docs', 'readonly').objectStore('docs').getAllKeys();
      req.onsuccess = () => { resolve(JSON.stringify(req.result)); open.result.close(); };
      req.onerror = () => reject(req.error);
    };
  })`;

describe('unreadable local data', () => {
  it('corrupt IndexedDB entries are reported and skipped, the doc still opens, nothing is overwritten', async () => {
    const { server } = relay;
    const { workspaceId, adminInviteUrl } = await createWorkspaceWithInvite(server, '测试村');
    const { page, context, close } = await openBrowser({ width: 1200, height: 900 });
    closers.push(close);
    await joinWorkspace(page, adminInviteUrl, '李书记');
    await page.goto(`${server.url}/#/w/${workspaceId}/docs`);
    await page.getByRole('button', { name: '新建会议记录' }).click();
    await page.locator('.ProseMirror').waitFor();
    const docId = decodeURIComponent(page.url().split('/d/')[1] ?? '');
    expect(docId).not.toBe('');
    await page.locator('.ProseMirror').click();
    await page.keyboard.type('会议决定修路。');
    await waitSaved(page);

    // Damage the device's copy: bytes Yjs cannot decode, and a value that is not bytes at all.
    await page.evaluate(
      ([ws, doc]) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open(`grassroots-ws-${ws}`);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction('docs', 'readwrite');
            const store = tx.objectStore('docs');
            store.put(new Uint8Array([5, 200, 200, 200, 7, 9, 255, 1]), ['u', doc, 1, 1, 1]);
            store.put('not an update', ['u', doc, 2, 2, 2]);
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
      [workspaceId, docId] as const,
    );

    // Reload with the network off: everything comes from the damaged store.
    await context.setOffline(true);
    await page.reload();
    await page.locator('.ProseMirror', { hasText: '会议决定修路。' }).waitFor();
    const notice = page.locator('.problem-banner');
    await notice.waitFor();
    await notice.locator('summary').click();
    await expect(notice.locator('li').count()).resolves.toBeGreaterThanOrEqual(2);
    if (process.env.SCREENSHOT_DIR) {
      await page.screenshot({
        path: joinPath(process.env.SCREENSHOT_DIR, 'storage-problems-1200.png'),
      });
    }

    // The app keeps working, and the damaged entries are left in place for recovery.
    await page.locator('.ProseMirror').click();
    await page.keyboard.press('End');
    await page.keyboard.type('资金自筹。');
    await page.locator('.ProseMirror', { hasText: '资金自筹。' }).waitFor();
    const keys = JSON.parse(await page.evaluate(storeKeys(workspaceId))) as unknown[][];
    expect(keys).toContainEqual(['u', docId, 1, 1, 1]);
    expect(keys).toContainEqual(['u', docId, 2, 2, 2]);

    // Back online, the good changes still reach the server.
    await context.setOffline(false);
    await waitSaved(page);
  });
});

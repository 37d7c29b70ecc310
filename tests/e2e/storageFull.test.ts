import { existsSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientDist,
  createWorkspaceWithInvite,
  joinWorkspace,
  minutesBodyOf,
  openBrowser,
  readDocLog,
  screenshot,
  startRelay,
  switchLanguage,
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

/**
 * Gives the origin a quota of `bytes` above what it uses now, through Chromium's own quota
 * manager (CDP). On a phone the quota follows the disk's free space, so this is the phone having
 * that much room left. Chromium's IndexedDB keeps the space it may use in a cache that is
 * refreshed only when a write does not fit it (or after 30 s): set it before the first write
 * that should feel it.
 */
async function setRoomLeft(cdp: CDPSession, origin: string, bytes: number): Promise<void> {
  const { usage } = await cdp.send('Storage.getUsageAndQuota', { origin });
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + bytes });
}

/**
 * Fills the room left with other data (incompressible random bytes in a database of its own),
 * as photos and other apps fill a phone, until IndexedDB refuses even the smallest write with a
 * real QuotaExceededError.
 */
async function fillStorage(page: Page): Promise<void> {
  const refused = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('filler');
      open.onupgradeneeded = () => open.result.createObjectStore('blobs');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const put = (size: number) =>
      new Promise<string>((resolve) => {
        const bytes = new Uint8Array(size);
        for (let at = 0; at < size; at += 65536)
          crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65536)));
        const tx = db.transaction('blobs', 'readwrite');
        tx.objectStore('blobs').put(bytes, crypto.randomUUID());
        tx.oncomplete = () => resolve('ok');
        tx.onabort = () => resolve(tx.error?.name ?? 'aborted');
      });
    let last = '';
    for (const size of [128 * 1024, 16 * 1024, 2 * 1024, 256, 16]) {
      do last = await put(size);
      while (last === 'ok');
    }
    db.close();
    return last;
  });
  expect(refused).toBe('QuotaExceededError');
}

async function typeAtEnd(page: Page, text: string): Promise<void> {
  await page.locator('.ProseMirror').click();
  await page.keyboard.press('End');
  await page.keyboard.type(text);
}

describe('the device runs out of storage while editing offline', () => {
  it('LOCAL-1 says so, keeps what is stored intact and the edits in the page, and stores them once space is freed', async () => {
    const { server } = relay;
    const { workspaceId, adminInviteUrl } = await createWorkspaceWithInvite(server, '满存村');
    const { page, context, close } = await openBrowser({ width: 1200, height: 900 });
    closers.push(close);
    const cdp = await (context as BrowserContext).newCDPSession(page);
    await setRoomLeft(cdp, server.url, 8 * 1024 * 1024);
    await joinWorkspace(page, adminInviteUrl, '李书记');
    await page.goto(`${server.url}/#/w/${workspaceId}/docs`);
    await page.getByRole('button', { name: '新建会议记录' }).click();
    await page.locator('.ProseMirror').waitFor();
    const docId = decodeURIComponent(page.url().split('/d/')[1] ?? '');
    await typeAtEnd(page, '会议决定修路。');
    await waitSaved(page);

    await context.setOffline(true);
    await page.locator('.sync-badge[data-state="offline"]').waitFor();
    const stored = await readDocLog(page, workspaceId, docId);
    expect(minutesBodyOf(stored.updates)).toBe('会议决定修路。');

    await fillStorage(page);
    await typeAtEnd(page, '甲乙丙');
    const notice = page.locator('.storage-notice[data-trouble="full"]');
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toContain('本机存储空间已满');
    // The page keeps the edits; the device keeps exactly what it had, readable.
    await expect(page.locator('.ProseMirror').textContent()).resolves.toBe('会议决定修路。甲乙丙');
    const whileFull = await readDocLog(page, workspaceId, docId);
    expect(whileFull.keys).toEqual(stored.keys);
    expect(minutesBodyOf(whileFull.updates)).toBe('会议决定修路。');

    await screenshot(page, 'storage-full-zh-1200');
    await page.setViewportSize({ width: 360, height: 740 });
    await screenshot(page, 'storage-full-zh-360');
    await switchLanguage(page, 'en');
    await expect(notice.textContent()).resolves.toContain('This device is out of storage');
    await screenshot(page, 'storage-full-en-360');
    await notice.locator('summary').click();
    await screenshot(page, 'storage-full-en-360-details');
    await page.setViewportSize({ width: 1200, height: 900 });
    await screenshot(page, 'storage-full-en-1200');
    await switchLanguage(page, 'zh-CN');

    // Space is freed; with no further edit, the retry timer writes what was held back.
    await setRoomLeft(cdp, server.url, 4 * 1024 * 1024);
    await notice.waitFor({ state: 'detached', timeout: 40_000 });
    expect(minutesBodyOf((await readDocLog(page, workspaceId, docId)).updates)).toBe(
      '会议决定修路。甲乙丙',
    );

    // Full again; this time the next edit after space comes back writes everything at once.
    await fillStorage(page);
    await typeAtEnd(page, '丁戊');
    await notice.waitFor();
    await setRoomLeft(cdp, server.url, 4 * 1024 * 1024);
    await typeAtEnd(page, '己');
    await notice.waitFor({ state: 'detached' });
    expect(minutesBodyOf((await readDocLog(page, workspaceId, docId)).updates)).toBe(
      '会议决定修路。甲乙丙丁戊己',
    );

    // Everything survives a reload, still counts as waiting, and reaches the server online.
    // A second CDP session on the page makes Chromium drop the offline emulation on reload.
    await cdp.detach();
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(false);
    await page.locator('.ProseMirror', { hasText: '会议决定修路。甲乙丙丁戊己' }).waitFor();
    await page.locator('.sync-badge[data-state="offline"]:not(:has-text("正在读取"))').waitFor();
    await expect(page.locator('.sync-badge').textContent()).resolves.toContain('待同步');
    await context.setOffline(false);
    await waitSaved(page);
  });
});

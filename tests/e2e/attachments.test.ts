import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import {
  createDemoVillage,
  createDoc,
  readAttachments,
  readIndex,
  roomName,
} from '@grassroots/shared';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  clientDist,
  joinWorkspace,
  openBrowser,
  screenshot,
  startRelay,
  switchLanguage,
  waitSaved,
  waitVisible,
} from './harness.ts';
import { seedWorkspace } from './seed.ts';

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

/** A 2400 × 1800 PNG with a picture in it, drawn by the browser (as a phone camera would give). */
async function bigPng(page: Page, seed = 1): Promise<Buffer> {
  const base64 = await page.evaluate(async (seed) => {
    const canvas = new OffscreenCanvas(2400, 1800);
    const ctx = canvas.getContext('2d')!;
    const gradient = ctx.createLinearGradient(0, 0, 2400, 1800);
    gradient.addColorStop(0, '#2f855a');
    gradient.addColorStop(1, '#f6e05e');
    ctx.fillStyle = gradient;
    ctx.fillRect(0, 0, 2400, 1800);
    ctx.fillStyle = '#1a202c';
    ctx.font = '200px sans-serif';
    ctx.fillText(`签到表 ${seed}`, 300, 900);
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    return btoa(text);
  }, seed);
  return Buffer.from(base64, 'base64');
}

/** The blob the device keeps for `hash`: its pixel size and whether it waits for upload. */
function storedOnDevice(page: Page, workspaceId: string, hash: string) {
  return page.evaluate(
    async ({ workspaceId, hash }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(`grassroots-blobs-${workspaceId}`);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const record = await new Promise<
        { bytes: Blob; isPending: boolean; type: string } | undefined
      >((resolve, reject) => {
        const req = db.transaction('blobs').objectStore('blobs').get(hash);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      db.close();
      if (!record) return null;
      const bitmap = await createImageBitmap(record.bytes);
      return {
        width: bitmap.width,
        height: bitmap.height,
        type: record.type,
        isPending: record.isPending,
      };
    },
    { workspaceId, hash },
  );
}

/** Gives the origin a quota of `bytes` above what it uses now (Chromium's quota manager, CDP). */
async function setRoomLeft(cdp: CDPSession, origin: string, bytes: number): Promise<void> {
  const { usage } = await cdp.send('Storage.getUsageAndQuota', { origin });
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + bytes });
}

/** Fills the room left with other data until IndexedDB refuses the smallest write. */
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

describe('photos and files attached to records', () => {
  it('BLOB-C1 is shrunk and shown at once, survives a reload as waiting, uploads when online and reaches another member', async () => {
    const { server } = relay;
    const demo = createDemoVillage({ seed: 5, start: '2025-01-01', docs: 3, entries: 6 });
    const seeded = await seedWorkspace(server, demo.name, demo.index, demo.docs);
    const ws = seeded.workspaceId;
    const feedbackId = readIndex(demo.index).docs.find((d) => d.kind === 'feedback')?.id;
    const docUrl = `${server.url}/#/w/${ws}/d/${feedbackId}`;

    const a = await openBrowser({ width: 1280, height: 900 });
    closers.push(a.close);
    const { page, context } = a;
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    const png = await bigPng(page);
    await page.goto(docUrl);
    await page.locator('.entry-row').first().waitFor();
    await waitSaved(page);
    const summary = (await page.locator('.entry-row .fb-summary .fb-open').first().textContent())!;

    await context.setOffline(true);
    await page.locator('.sync-badge[data-state="offline"]').waitFor();
    await page.locator('.entry-row .fb-summary .fb-open', { hasText: summary }).click();
    const details = page.locator('.entry-details');
    await details.locator('.attachments').waitFor();
    await details
      .locator('input[type="file"]:not([capture])')
      .setInputFiles({ name: '签到表.png', mimeType: 'image/png', buffer: png });

    // Shown at once, from the device, marked waiting; the badge counts it among the changes.
    const item = details.locator('.att-item');
    await item.locator('img').waitFor();
    await expect(item.locator('img').getAttribute('src')).resolves.toMatch(/^blob:/);
    await expect
      .poll(() => item.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBe(1600);
    await expect(item.getAttribute('data-waiting')).resolves.toBe('true');
    await expect(item.locator('.att-name').textContent()).resolves.toBe('签到表.jpg');
    const hash = (await item.getAttribute('data-hash'))!;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const onDevice = await storedOnDevice(page, ws, hash);
    expect(onDevice).toEqual({ width: 1600, height: 1200, type: 'image/jpeg', isPending: true });
    const badge = page.locator('.sync-badge');
    await expect.poll(() => badge.getAttribute('data-uploads')).toBe('1');
    await expect(badge.textContent()).resolves.toContain('待同步');
    await screenshot(page, 'attachments-offline-zh-1280');

    // Reloaded with no network: still there, still waiting and counted.
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(false);
    await page.locator('.entry-row .fb-summary .fb-open', { hasText: summary }).click();
    await item.locator('img').waitFor();
    await expect(item.getAttribute('data-waiting')).resolves.toBe('true');
    await expect.poll(() => badge.getAttribute('data-uploads')).toBe('1');
    await expect(badge.textContent()).resolves.toContain('待同步');
    expect(await server.blobs.info(ws, hash)).toBeNull();

    // Online: uploaded, checked by its hash on the relay, no longer waiting.
    await context.setOffline(false);
    await expect.poll(() => badge.getAttribute('data-uploads'), { timeout: 30_000 }).toBe('0');
    await waitSaved(page);
    await expect(item.getAttribute('data-waiting')).resolves.toBe('false');
    const onServer = await server.blobs.read(ws, hash);
    expect(onServer?.info).toEqual({ hash, type: 'image/jpeg', size: onServer?.bytes.byteLength });
    expect(createHash('sha256').update(onServer!.bytes).digest('hex')).toBe(hash);
    expect((await storedOnDevice(page, ws, hash))?.isPending).toBe(false);

    // Screens of the attachment list in both the default language and Uyghur, wide and narrow.
    await item.scrollIntoViewIfNeeded();
    await screenshot(page, 'attachments-zh-1280');
    await page.setViewportSize({ width: 360, height: 800 });
    await details.locator('.attachments').scrollIntoViewIfNeeded();
    await screenshot(page, 'attachments-zh-360');
    await switchLanguage(page, 'ug');
    await details.locator('.attachments').scrollIntoViewIfNeeded();
    await screenshot(page, 'attachments-ug-360');
    await page.setViewportSize({ width: 1280, height: 900 });
    await details.locator('.attachments').scrollIntoViewIfNeeded();
    await screenshot(page, 'attachments-ug-1280');
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBe(0);

    // A second member (a viewer, on another device) sees the photo, fetched from the relay.
    const { token } = await server.auth.createInvite(ws, null, { role: 'viewer' });
    const b = await openBrowser({ width: 1280, height: 900 });
    closers.push(b.close);
    await joinWorkspace(b.page, `${server.url}/#/join/${token}`, '乡镇审核员');
    await b.page.goto(docUrl);
    await b.page.locator('.entry-row .fb-summary .fb-open', { hasText: summary }).click();
    const seen = b.page.locator(`.entry-details .att-item[data-hash="${hash}"]`);
    await seen.locator('img').waitFor();
    await expect
      .poll(() => seen.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBe(1600);
    // A viewer reads but cannot attach or remove.
    await expect(b.page.locator('.entry-details input[type="file"]').count()).resolves.toBe(0);
    await expect(b.page.locator('.entry-details .att-remove').count()).resolves.toBe(0);
  });

  it('BLOB-C3 on a full device says so, keeps the record as it was and what the device held', async () => {
    const { server } = relay;
    const demo = createDemoVillage({ seed: 6, start: '2025-01-01', docs: 3, entries: 4 });
    const seeded = await seedWorkspace(server, demo.name, demo.index, demo.docs);
    const ws = seeded.workspaceId;
    const feedbackId = readIndex(demo.index).docs.find((d) => d.kind === 'feedback')?.id;
    const { page, context, close } = await openBrowser({ width: 360, height: 800 });
    closers.push(close);
    const cdp = await context.newCDPSession(page);
    await setRoomLeft(cdp, server.url, 8 * 1024 * 1024);
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    const png = await bigPng(page);
    await page.goto(`${server.url}/#/w/${ws}/d/${feedbackId}`);
    await page.locator('.entry-row').first().waitFor();
    await waitSaved(page);
    await context.setOffline(true);
    await page.locator('.entry-row .fb-summary .fb-open').first().click();
    const details = page.locator('.entry-details');
    await details.locator('.attachments').waitFor();

    await fillStorage(page);
    await details
      .locator('input[type="file"]:not([capture])')
      .setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: png });
    const problem = details.locator('.att-problem');
    await problem.waitFor();
    await expect(problem.textContent()).resolves.toContain('手机存储已满');
    // Not named by the record, not counted as waiting: nothing refers to bytes the device lacks.
    await expect(details.locator('.att-item').count()).resolves.toBe(0);
    await expect(page.locator('.sync-badge').getAttribute('data-uploads')).resolves.toBe('0');
    await problem.scrollIntoViewIfNeeded();
    await screenshot(page, 'attachments-device-full-zh-360');
    await switchLanguage(page, 'ug');
    await expect(problem.textContent()).resolves.toContain('ساقلاش بوشلۇقى توشۇپ');
    await screenshot(page, 'attachments-device-full-ug-360');
    await switchLanguage(page, 'zh-CN');

    // Room again: the same photo goes in.
    await setRoomLeft(cdp, server.url, 16 * 1024 * 1024);
    await details
      .locator('input[type="file"]:not([capture])')
      .setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: png });
    await details.locator('.att-item img').waitFor();
    await expect(problem.count()).resolves.toBe(0);
  });

  it("BLOB-C4 a file the relay refuses says why on the record, the admin sees the workspace's space, and it uploads once there is room", async () => {
    // A relay whose workspaces may keep 1 MiB of files, 1000 KiB of it taken already.
    const small = await startRelay({ workspaceBlobQuotaMb: 1 });
    closers.push(small.cleanup);
    const { server } = small;
    const demo = createDemoVillage({ seed: 8, start: '2025-01-01', docs: 3, entries: 4 });
    const seeded = await seedWorkspace(server, demo.name, demo.index, demo.docs);
    const ws = seeded.workspaceId;
    const filler = Uint8Array.from({ length: 1000 * 1024 }, (_, i) => (i * 7) % 256);
    filler.set([0xff, 0xd8, 0xff, 0xe0]);
    const fillerHash = createHash('sha256').update(filler).digest('hex');
    await server.blobs.write(
      ws,
      fillerHash,
      { type: 'image/jpeg', size: filler.length },
      0,
      filler,
    );
    const feedbackId = readIndex(demo.index).docs.find((d) => d.kind === 'feedback')?.id;

    const { page, close } = await openBrowser({ width: 360, height: 800 });
    closers.push(close);
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    const png = await bigPng(page);
    await page.goto(`${server.url}/#/w/${ws}/d/${feedbackId}`);
    await page.locator('.entry-row').first().waitFor();
    await waitSaved(page);
    await page.locator('.entry-row .fb-summary .fb-open').first().click();
    const details = page.locator('.entry-details');
    await details
      .locator('input[type="file"]:not([capture])')
      .setInputFiles({ name: '入户照片.png', mimeType: 'image/png', buffer: png });

    // Refused: the record names it, the device keeps it waiting, and the row says why.
    const item = details.locator('.att-item');
    const refusal = item.locator('.att-refusal');
    await refusal.waitFor({ timeout: 20_000 });
    await expect(refusal.textContent()).resolves.toContain('附件空间已满（已用 1 MB，上限 1 MB）');
    await expect(item.locator('.att-waiting').textContent()).resolves.toBe('服务器未接收');
    await expect(item.getAttribute('data-waiting')).resolves.toBe('true');
    const badge = page.locator('.sync-badge');
    await expect(badge.getAttribute('data-uploads')).resolves.toBe('1');
    await expect(badge.getAttribute('data-state')).resolves.toBe('refused');
    await expect(badge.textContent()).resolves.toBe('服务器未接收 1 个文件');
    const hash = (await item.getAttribute('data-hash'))!;
    expect(await server.blobs.info(ws, hash)).toBeNull();
    await item.scrollIntoViewIfNeeded();
    await screenshot(page, 'attachments-refused-zh-360');
    await page.setViewportSize({ width: 1280, height: 900 });
    await item.scrollIntoViewIfNeeded();
    await screenshot(page, 'attachments-refused-zh-1280');
    await page.setViewportSize({ width: 360, height: 800 });
    await switchLanguage(page, 'ug');
    await expect(refusal.textContent()).resolves.toContain('ھۆججەت بوشلۇقى توشتى');
    await screenshot(page, 'attachments-refused-ug-360');
    await page.setViewportSize({ width: 1280, height: 900 });
    await item.scrollIntoViewIfNeeded();
    await screenshot(page, 'attachments-refused-ug-1280');
    await switchLanguage(page, 'zh-CN');

    // The admin sees what the files take and that the space is nearly full.
    await page.goto(`${server.url}/#/w/${ws}/members`);
    const usage = page.locator('.file-usage');
    await usage.waitFor();
    await expect(usage.textContent()).resolves.toContain(
      '服务器上已用 1 MB，上限 1 MB（1 个文件）',
    );
    await expect(usage.locator('.warning').count()).resolves.toBe(1);
    await usage.scrollIntoViewIfNeeded();
    await screenshot(page, 'members-file-usage-zh-1280');
    await page.setViewportSize({ width: 360, height: 800 });
    await usage.scrollIntoViewIfNeeded();
    await screenshot(page, 'members-file-usage-zh-360');
    await switchLanguage(page, 'ug');
    await expect(usage.textContent()).resolves.toContain('ھۆججەت بوشلۇقى توشاي دەپ قالدى');
    await usage.scrollIntoViewIfNeeded();
    await screenshot(page, 'members-file-usage-ug-360');
    await switchLanguage(page, 'zh-CN');

    // Room again (the operator cleared the old file): the waiting photo goes up on its next try.
    const fillerDir = joinPath(server.config.dataDir, 'blobs', ws, fillerHash.slice(0, 2));
    await rm(joinPath(fillerDir, fillerHash));
    await rm(joinPath(fillerDir, `${fillerHash}.json`));
    await page.goto(`${server.url}/#/w/${ws}/d/${feedbackId}`);
    await expect
      .poll(() => page.locator('.sync-badge').getAttribute('data-uploads'), { timeout: 60_000 })
      .toBe('0');
    expect((await server.blobs.info(ws, hash))?.hash).toBe(hash);
    await page.locator('.entry-row .fb-summary .fb-open').first().click();
    await expect(details.locator('.att-item').getAttribute('data-waiting')).resolves.toBe('false');
    await expect(details.locator('.att-refusal').count()).resolves.toBe(0);
    await expect.poll(() => badge.getAttribute('data-state')).toBe('saved');

    // Full again: a second photo refused, then removed from the record by its author. It still
    // waits (its history names it) but the badge no longer reports a refusal nobody can see.
    await server.blobs.write(
      ws,
      fillerHash,
      { type: 'image/jpeg', size: filler.length },
      0,
      filler,
    );
    await details
      .locator('input[type="file"]:not([capture])')
      .setInputFiles({ name: '第二张.png', mimeType: 'image/png', buffer: await bigPng(page, 2) });
    const second = details.locator('.att-item', { hasText: '第二张' });
    await second.locator('.att-refusal').waitFor({ timeout: 20_000 });
    await expect.poll(() => badge.getAttribute('data-state')).toBe('refused');
    await second.locator('.att-remove').click();
    await expect.poll(() => badge.getAttribute('data-state')).toBe('syncing');
    await expect(badge.getAttribute('data-uploads')).resolves.toBe('1');
    await page.reload();
    await waitVisible(page, '.entry-row');
    await expect.poll(() => badge.getAttribute('data-uploads'), { timeout: 20_000 }).toBe('1');
    await page.waitForTimeout(3000);
    expect(await badge.getAttribute('data-state')).toBe('syncing');
  });

  it("ATT-3 minutes take attachments of the whole record and a plan's task its own, each stored under its target", async () => {
    const { server } = relay;
    const demo = createDemoVillage({ seed: 7, start: '2025-01-01', docs: 5, entries: 2 });
    const seeded = await seedWorkspace(server, demo.name, demo.index, demo.docs);
    const ws = seeded.workspaceId;
    const docs = readIndex(demo.index).docs;
    const planId = docs.find((d) => d.kind === 'plan')!.id;
    const { page, close } = await openBrowser({ width: 360, height: 800 });
    closers.push(close);
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    const png = await bigPng(page);
    const storedAttachments = async (docId: string) => {
      const doc = createDoc();
      for (const r of await server.store.loadUpdates(roomName(ws, docId)))
        Y.applyUpdate(doc, r.update);
      return readAttachments(doc);
    };

    // The demo's minutes are finalised (read-only): a new record, as a cadre starts one at a meeting.
    await page.goto(`${server.url}/#/w/${ws}/docs`);
    await page.getByRole('button', { name: '新建会议记录' }).click();
    await page.locator('.ProseMirror').waitFor();
    const minutesId = decodeURIComponent(page.url().split('/d/')[1] ?? '');
    const minutesFiles = page.locator('.minutes-editor .attachments');
    await minutesFiles.waitFor();
    await minutesFiles
      .locator('input[type="file"]:not([capture])')
      .setInputFiles({ name: '签到表.png', mimeType: 'image/png', buffer: png });
    await minutesFiles.locator('.att-item img').waitFor();
    await minutesFiles.scrollIntoViewIfNeeded();
    await screenshot(page, 'attachments-minutes-zh-360');

    await page.goto(`${server.url}/#/w/${ws}/d/${planId}`);
    const task = page.locator('li.task').first();
    await task.waitFor();
    const taskId = (await task.getAttribute('data-task-id'))!;
    await task.locator('details.task-attachments > summary').click();
    await task
      .locator('input[type="file"]:not([capture])')
      .setInputFiles({ name: '现场.png', mimeType: 'image/png', buffer: png });
    await task.locator('.att-item img').waitFor();
    await switchLanguage(page, 'ug');
    await task.scrollIntoViewIfNeeded();
    await screenshot(page, 'attachments-task-ug-360');
    await waitSaved(page);

    await expect
      .poll(async () => (await storedAttachments(minutesId)).map((a) => [a.target, a.name]))
      .toEqual([[null, '签到表.jpg']]);
    await expect
      .poll(async () => (await storedAttachments(planId)).map((a) => [a.target, a.name]))
      .toEqual([[taskId, '现场.jpg']]);
  });
});

import { existsSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientDist,
  createWorkspaceWithInvite,
  joinWorkspace,
  openBrowser,
  screenshot,
  startRelay,
  switchLanguage,
  waitSaved,
} from './harness.ts';

/** The relay takes messages up to this size; the paste below is larger. */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** About 117 kB of UTF-8, inserted as one change. */
const LARGE_TEXT = '村民代表会议决定修建村道。'.repeat(3000);
/**
 * y-websocket reconnects after at most 2.5 s (its `maxBackoffTime`), so a resend loop opens at
 * least two more connections in this window. Watching a window is the only way to see that
 * something does not happen.
 */
const LOOP_WINDOW_MS = 6_000;

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  if (!existsSync(joinPath(clientDist, 'index.html'))) {
    throw new Error('client/dist is missing: run `corepack pnpm build` before the e2e tests');
  }
  // The relay logs each refusal as a warning; these are expected here.
  relay = await startRelay({ maxMessageBytes: MAX_MESSAGE_BYTES, logLevel: 'error' });
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

/** Joins a fresh workspace, creates minutes with a short saved text; returns the doc id. */
async function minutesWithText(page: Page, villageName: string): Promise<string> {
  const { server } = relay;
  const { workspaceId, adminInviteUrl } = await createWorkspaceWithInvite(server, villageName);
  await joinWorkspace(page, adminInviteUrl, '李书记');
  await page.goto(`${server.url}/#/w/${workspaceId}/docs`);
  await page.getByRole('button', { name: '新建会议记录' }).click();
  await page.locator('.ProseMirror').waitFor();
  const docId = decodeURIComponent(page.url().split('/d/')[1] ?? '');
  expect(docId).not.toBe('');
  await page.locator('input').first().fill('村道修建会议');
  await page.locator('.ProseMirror').click();
  await page.keyboard.type('会议决定修路。');
  await waitSaved(page);
  return docId;
}

/** Counts the WebSocket connections the page opens to one doc's room. */
function countConnections(page: Page, docId: string): () => number {
  let count = 0;
  page.on('websocket', (ws) => {
    if (ws.url().includes(`/${docId}?`)) count++;
  });
  return () => count;
}

describe('a change the relay refuses', () => {
  it('REFUSE-1 too large (1009): the device says the server refused it, keeps it, and does not resend it in a loop', async () => {
    const { page, close } = await openBrowser({ width: 1200, height: 900 });
    closers.push(close);
    const docId = await minutesWithText(page, '拒收村');
    const connections = countConnections(page, docId);

    await page.locator('.ProseMirror').click();
    await page.keyboard.press('End');
    await page.keyboard.insertText(LARGE_TEXT);

    const banner = page.locator(`.refused-notice[data-doc="${docId}"]`);
    await banner.waitFor({ timeout: 20_000 });
    await expect(banner.textContent()).resolves.toContain('服务器拒绝了一项更改：内容太大。');
    await expect(banner.textContent()).resolves.toContain('村道修建会议');
    expect(await banner.getAttribute('data-code')).toBe('1009');
    const badge = page.locator('.sync-badge');
    expect(await badge.getAttribute('data-state')).toBe('refused');
    await expect(badge.textContent()).resolves.toContain('服务器拒绝了更改');

    // No resend loop: the refused doc stays disconnected; the message stays.
    const afterRefusal = connections();
    await page.waitForTimeout(LOOP_WINDOW_MS);
    expect(connections()).toBe(afterRefusal);
    await expect(banner.isVisible()).resolves.toBe(true);
    expect(await badge.getAttribute('data-state')).toBe('refused');

    await screenshot(page, 'refused-zh-1200');
    await page.setViewportSize({ width: 360, height: 740 });
    await screenshot(page, 'refused-zh-360');
    await switchLanguage(page, 'en');
    await expect(banner.textContent()).resolves.toContain(
      'The server refused a change: it is too large.',
    );
    await expect(badge.textContent()).resolves.toContain('The server refused a change');
    await screenshot(page, 'refused-en-360');
    await banner.locator('summary').click();
    await screenshot(page, 'refused-en-360-details');
    await page.setViewportSize({ width: 1200, height: 900 });
    await screenshot(page, 'refused-en-1200');

    // Asking to try again sends it once more, and the answer is the same.
    await banner.getByRole('button', { name: 'Try again now' }).click();
    await expect.poll(connections).toBe(afterRefusal + 1);
    await expect(banner.isVisible()).resolves.toBe(true);

    // The refused change is kept on the device: after a reload it is still in the doc.
    await switchLanguage(page, 'zh-CN');
    await page.reload();
    await page.locator('.ProseMirror', { hasText: '会议决定修路。村民代表会议' }).waitFor();
    expect((await page.locator('.ProseMirror').textContent())?.length).toBeGreaterThan(
      LARGE_TEXT.length,
    );
    await banner.waitFor({ timeout: 20_000 });
  });

  it('REFUSE-1 unreadable (4400): the device says the server could not read the change', async () => {
    const { page, close } = await openBrowser({ width: 1200, height: 900 });
    closers.push(close);
    // Stands between the page and the relay; the change carrying the marker reaches the relay
    // as bytes Yjs cannot decode, so the relay refuses it as it would any damaged update.
    const marker = Buffer.from('损坏标记');
    await page.routeWebSocket(/\/sync\//, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        if (typeof message !== 'string' && message.includes(marker)) {
          server.send(Buffer.from([0, 2, 8, 5, 200, 200, 200, 7, 9, 255, 1]));
        } else server.send(message);
      });
    });
    const docId = await minutesWithText(page, '损坏村');
    await page.locator('.ProseMirror').click();
    await page.keyboard.press('End');
    await page.keyboard.insertText('损坏标记');

    const banner = page.locator(`.refused-notice[data-doc="${docId}"]`);
    await banner.waitFor({ timeout: 20_000 });
    await expect(banner.textContent()).resolves.toContain('服务器拒绝了一项更改：数据无法识别。');
    expect(await banner.getAttribute('data-code')).toBe('4400');
    expect(await page.locator('.sync-badge').getAttribute('data-state')).toBe('refused');
    await screenshot(page, 'refused-malformed-zh-1200');
  });

  it('REFUSE-2 rate limited (4429) is no refusal: the device reconnects and its changes reach the server', async () => {
    // A relay that allows few messages: fast typing (an update and a cursor move per key) trips it.
    const strict = await startRelay({ messagesPerSecond: 4, messageBurst: 12, logLevel: 'error' });
    closers.push(strict.cleanup);
    const { workspaceId, adminInviteUrl } = await createWorkspaceWithInvite(
      strict.server,
      '限流村',
    );
    const { page, close } = await openBrowser({ width: 1200, height: 900 });
    closers.push(close);
    await joinWorkspace(page, adminInviteUrl, '李书记');
    await page.goto(`${strict.server.url}/#/w/${workspaceId}/docs`);
    await page.getByRole('button', { name: '新建会议记录' }).click();
    await page.locator('.ProseMirror').waitFor();
    await page.locator('.ProseMirror').click();
    await page.keyboard.type('会议决定修路，资金由村集体自筹，下月开工。');
    // The relay did close connections as rate limited…
    await expect
      .poll(async () => {
        const metrics = await (await fetch(`${strict.server.url}/metrics`)).text();
        const line = metrics.split('\n').find((l) => /messages_rejected_total\{.*"4429"/.test(l));
        return Number(line?.split(' ').pop() ?? 0);
      })
      .toBeGreaterThan(0);
    // …and the device came back and got everything stored.
    await page.locator('.sync-badge[data-state="saved"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('.refused-notice').count()).toBe(0);
  });
});

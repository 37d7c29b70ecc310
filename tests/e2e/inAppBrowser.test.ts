import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM_ARGS,
  clientDist,
  createWorkspaceWithInvite,
  joinWorkspace,
  openBrowser,
  startRelay,
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

/** What WeChat's built-in browser on an Android phone says it is. */
const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 12; V2036A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN';

describe('links opened inside WeChat', () => {
  it('say how to open the app in a real browser, and joining still works there', async () => {
    const { workspaceId, adminInviteUrl } = await createWorkspaceWithInvite(relay.server, '微信村');
    const profile = await mkdtemp(joinPath(tmpdir(), 'grassroots-e2e-profile-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 360, height: 760 },
      locale: 'zh-CN',
      userAgent: WECHAT_UA,
    });
    closers.push(async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await joinWorkspace(page, adminInviteUrl, '李书记');
    const notice = page.locator('.browser-notice');
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toContain('在浏览器打开');
    await page.locator('.brand-name', { hasText: '微信村' }).waitFor();
    expect(page.url()).toContain(`#/w/${workspaceId}`);
    if (process.env.SCREENSHOT_DIR) {
      await page.screenshot({ path: joinPath(process.env.SCREENSHOT_DIR, 'wechat-360.png') });
    }
    await notice.getByRole('button', { name: '知道了' }).click();
    await notice.waitFor({ state: 'detached' });
    await page.reload();
    await page.locator('.brand-name', { hasText: '微信村' }).waitFor();
    await expect(page.locator('.browser-notice').count()).resolves.toBe(0);
  });

  it('an ordinary browser sees no such notice', async () => {
    const { adminInviteUrl } = await createWorkspaceWithInvite(relay.server, '普通村');
    const { page, close } = await openBrowser({ width: 360, height: 760 });
    closers.push(close);
    await joinWorkspace(page, adminInviteUrl, '王会计');
    await page.locator('.brand-name', { hasText: '普通村' }).waitFor();
    await expect(page.locator('.browser-notice').count()).resolves.toBe(0);
  });
});

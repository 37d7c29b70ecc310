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

async function browser(width = 1200) {
  const b = await openBrowser({ width, height: 900 });
  closers.push(b.close);
  return b;
}

/** Runs in the page: how many update-log entries the device keeps for a doc. */
const storedEntries = (workspaceId: string, docId: string) =>
  `new Promise((resolve, reject) => {
    const open = indexedDB.open('grassroots-ws-${workspaceId}');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const names = open.result.objectStoreNames;
      if (!names.contains('docs')) { open.result.close(); resolve(0); return; }
      const req = open.result.transaction('docs', 'readonly').objectStore('docs').getAllKeys();
      req.onsuccess = () => {
        resolve(req.result.filter((k) => Array.isArray(k) && k[0] === 'u' && k[1] === ${JSON.stringify(docId)}).length);
        open.result.close();
      };
      req.onerror = () => reject(req.error);
    };
  })`;

describe('reaching the whole workspace', () => {
  it('an admin makes an editor invite link in the app and a second person joins with it', async () => {
    const { workspaceId, adminInviteUrl } = await createWorkspaceWithInvite(relay.server, '东风村');
    const admin = await browser();
    await joinWorkspace(admin.page, adminInviteUrl, '李书记');
    await admin.page.goto(`${relay.server.url}/#/w/${workspaceId}/members`);
    await admin.page.locator('select[name="role"]').selectOption('editor');
    await admin.page.getByRole('button', { name: '生成邀请链接' }).click();
    const link = await admin.page.locator('.invite-url').inputValue();
    expect(link).toMatch(/#\/join\/gri_/);

    const editor = await browser(360);
    await joinWorkspace(editor.page, link, '王会计');
    await editor.page.locator('.brand-name', { hasText: '东风村' }).waitFor();
    await editor.page.goto(`${relay.server.url}/#/w/${workspaceId}/docs`);
    await editor.page.getByRole('button', { name: '新建工作计划' }).waitFor();
    // The admin's member list shows the new editor with the role the link carried.
    await admin.page.reload();
    await admin.page.locator('text=王会计').first().waitFor();
    const members = await relay.server.auth.listMembers(workspaceId);
    expect(members.find((m) => m.displayName === '王会计')?.role).toBe('editor');
  });

  it('a doc nobody opened on a device is synced in the background and opens there offline', async () => {
    const { workspaceId, adminInviteUrl } = await createWorkspaceWithInvite(relay.server, '前进村');
    const { token } = await relay.server.auth.createInvite(workspaceId, null, { role: 'editor' });
    const secondInvite = `${relay.server.url}/#/join/${token}`;

    const a = await browser();
    await joinWorkspace(a.page, adminInviteUrl, '李书记');
    await a.page.goto(`${relay.server.url}/#/w/${workspaceId}/docs`);
    await a.page.getByRole('button', { name: '新建工作计划' }).click();
    await a.page.locator('.plan-editor').waitFor();
    const docId = decodeURIComponent(a.page.url().split('/d/')[1] ?? '');
    await a.page.getByRole('button', { name: '添加阶段' }).click();
    await a.page.locator('input[name="phaseTitle"]').first().fill('夏收阶段');
    await a.page.locator('input[name="phaseTitle"]').first().press('Tab');
    await waitSaved(a.page);

    // The second device joins and stays on the overview: it never opens the plan.
    const b = await browser(360);
    await joinWorkspace(b.page, secondInvite, '王会计');
    await expect
      .poll(() => b.page.evaluate(storedEntries(workspaceId, docId)), { timeout: 30_000 })
      .toBeGreaterThan(0);

    // The app shell (editor chunks included) is cached once the service worker is active and
    // controls the page; only then can a device open something it has not loaded yet offline.
    await expect
      .poll(
        () =>
          b.page.evaluate(async () => {
            await navigator.serviceWorker.ready;
            return navigator.serviceWorker.controller !== null;
          }),
        { timeout: 30_000 },
      )
      .toBe(true);
    await b.context.setOffline(true);
    await b.page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${encodeURIComponent(docId)}`);
    await expect
      .poll(() => b.page.locator('input[name="phaseTitle"]').first().inputValue(), {
        timeout: 15_000,
      })
      .toBe('夏收阶段');
    await expect(b.page.locator('.sync-badge').getAttribute('data-state')).resolves.toBe('offline');
  });
});

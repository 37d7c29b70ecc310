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

describe('三会一课 cadence setting', () => {
  it('switching to the national rhythm changes the rules for every member of the workspace', async () => {
    const { server } = relay;
    const { workspaceId, adminInviteUrl } = await createWorkspaceWithInvite(server, '节奏村');
    const a = await openBrowser({ width: 360, height: 800 });
    closers.push(a.close);
    await joinWorkspace(a.page, adminInviteUrl, '李书记');
    const rules = a.page.locator('.cadence-rules li');
    // A new workspace starts on the source text's rhythm: weekly party group meetings.
    await expect.poll(() => rules.first().textContent()).toMatch(/党小组会.*每周.*1–2 次/);
    await a.page.locator('select[name="cadencePreset"]').selectOption('national');
    await expect.poll(() => rules.first().textContent()).toMatch(/党小组会.*每月.*1 次/);
    await expect.poll(() => rules.nth(3).textContent()).toMatch(/党课.*每季度/);
    await waitSaved(a.page);

    const { token } = await server.auth.createInvite(workspaceId, null, { role: 'viewer' });
    const v = await openBrowser();
    closers.push(v.close);
    await joinWorkspace(v.page, `${server.url}/#/join/${token}`, '乡镇审阅');
    const select = v.page.locator('select[name="cadencePreset"]');
    await expect.poll(() => select.inputValue()).toBe('national');
    expect(await select.isDisabled()).toBe(true);
  });
});

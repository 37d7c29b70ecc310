import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig, type RunningServer, startServer } from '@grassroots/server';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const clientDist = joinPath(repoRoot, 'client/dist');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A relay on 127.0.0.1:0 serving the built client, with a fresh data folder. */
export async function startRelay(): Promise<{
  server: RunningServer;
  cleanup: () => Promise<void>;
}> {
  const dataDir = await mkdtemp(joinPath(tmpdir(), 'grassroots-e2e-data-'));
  const server = await startServer(
    parseConfig({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      clientDir: clientDist,
      logLevel: 'warn',
      connectionsPerWindow: 10_000,
    }),
  );
  return {
    server,
    cleanup: async () => {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium with a fresh profile (IndexedDB and service worker start empty). */
export async function openBrowser(
  viewport = { width: 1200, height: 900 },
): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
  const profile = await mkdtemp(joinPath(tmpdir(), 'grassroots-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    locale: 'zh-CN',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Creates a workspace on the relay and an invite link of a role. */
export async function createWorkspaceWithInvite(
  server: RunningServer,
  name: string,
): Promise<{ workspaceId: string; adminInviteUrl: string }> {
  const created = await server.auth.createWorkspace(name);
  return {
    workspaceId: created.workspace.id,
    adminInviteUrl: `${server.url}/#/join/${created.inviteToken}`,
  };
}

/** Opens an invite link, enters a name and waits for the workspace dashboard. */
export async function joinWorkspace(
  page: Page,
  inviteUrl: string,
  displayName: string,
): Promise<void> {
  await page.goto(inviteUrl);
  await page.locator('input[name="displayName"]').fill(displayName);
  await page.locator('button[type="submit"]').click();
  await page.locator('.sync-badge').waitFor();
}

/** Waits until the badge says every change is saved on the server. */
export async function waitSaved(page: Page): Promise<void> {
  await page.locator('.sync-badge[data-state="saved"]').waitFor({ timeout: 20_000 });
}

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ConfigInput, parseConfig, type RunningServer, startServer } from '@grassroots/server';
import { MINUTES_BODY_FIELD } from '@grassroots/shared';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import * as Y from 'yjs';

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

/**
 * A relay on 127.0.0.1:0 serving the built client, with a fresh data folder; `config` overrides
 * settings (e.g. a small `maxMessageBytes`).
 */
export async function startRelay(config: Partial<ConfigInput> = {}): Promise<{
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
      ...config,
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

/** Switches the app's language with the switch in the header (zh-CN ⇄ en). */
export async function switchLanguage(page: Page, to: 'zh-CN' | 'en'): Promise<void> {
  const current = await page.locator('html').getAttribute('lang');
  if (current !== to) await page.locator('.lang-switch').first().click();
  await page.locator(`html[lang="${to}"]`).waitFor();
}

/** Saves a screenshot under $SHOTS_DIR (default /tmp/shots) at the page's current size. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = process.env.SHOTS_DIR ?? joinPath(tmpdir(), 'shots');
  await mkdir(dir, { recursive: true });
  const path = joinPath(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** One doc's update log as this page's IndexedDB holds it: keys (as JSON) and update bytes. */
export async function readDocLog(
  page: Page,
  workspaceId: string,
  docId: string,
): Promise<{ keys: string[]; updates: Uint8Array[] }> {
  const entries = await page.evaluate(
    ([dbName, id]) =>
      new Promise<Array<[string, number[]]>>((resolve, reject) => {
        const open = indexedDB.open(dbName);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('docs', 'readonly');
          const keys = tx.objectStore('docs').getAllKeys();
          const values = tx.objectStore('docs').getAll();
          tx.oncomplete = () => {
            db.close();
            const out: Array<[string, number[]]> = [];
            (keys.result as unknown[][]).forEach((key, i) => {
              const value = values.result[i];
              if (key[0] === 'u' && key[1] === id && value instanceof Uint8Array)
                out.push([JSON.stringify(key), Array.from(value)]);
            });
            resolve(out);
          };
        };
      }),
    [`grassroots-ws-${workspaceId}`, docId] as const,
  );
  return {
    keys: entries.map(([key]) => key).sort(),
    updates: entries.map(([, bytes]) => new Uint8Array(bytes)),
  };
}

/** The minutes body (paragraphs joined by newlines) built from update bytes. */
export function minutesBodyOf(updates: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  const text = doc
    .getXmlFragment(MINUTES_BODY_FIELD)
    .toArray()
    .map((node) => (node instanceof Y.XmlElement ? node.toArray().join('') : ''))
    .join('\n');
  doc.destroy();
  return text;
}

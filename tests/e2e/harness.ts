import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ConfigInput, parseConfig, type RunningServer, startServer } from '@grassroots/server';
import { type Locale, MINUTES_BODY_FIELD } from '@grassroots/shared';
import axe from 'axe-core';
import {
  type BrowserContext,
  type CDPSession,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';
import * as Y from 'yjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const clientDist = joinPath(repoRoot, 'client/dist');

/**
 * Chromium features the tests start without. Chromium reads one `--disable-features` (the last
 * given), so the list repeats the ones playwright-core 1.65 turns off before ours.
 */
const DISABLED_FEATURES = [
  // playwright-core's own list
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  // The address bar's suggestion popups, which Chromium 150 preloads as web pages in a renderer
  // of their own even when headless, and keeps up to date on every navigation: about a fifth of
  // the browser's CPU in these tests (collaboration.test.ts: 65 s of CPU with them, 51 s without).
  'PreloadTopChromeWebUI',
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
  'WebUIOmniboxFullPopup',
  // Services a test never uses.
  'Translate',
  'GlobalMediaControls',
  'AutofillServerCommunication',
  'CertificateTransparencyComponentUpdater',
  'InterestFeedContentSuggestions',
  'DialMediaRouteProvider',
  'SafeBrowsing',
];

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  `--disable-features=${DISABLED_FEATURES.join(',')}`,
  '--disable-client-side-phishing-detection',
  '--disable-domain-reliability',
  '--disable-notifications',
  '--disable-speech-api',
  '--disable-logging',
  '--log-level=3',
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

/**
 * A value made on the first call and shared by the later ones: a device that several tests use in
 * turn, since a browser launch and a join cost more than most tests.
 */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | null = null;
  return () => {
    made ??= make();
    return made;
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
  // Going offline is only meaningful once the app can open offline, as on a device that has
  // opened it once: the service worker must have cached the app and control the page. On a
  // loaded machine precaching takes seconds, and a test that went offline earlier would fail
  // its reload for a reason no device meets.
  //
  // Chromium 150 also forgets the offline emulation for a document loaded while offline (a
  // reload served by the service worker): `navigator.onLine` reads true there although no request
  // gets out. A device that is offline says so to every page, so each page loaded while the
  // context is offline gets the emulation again over its own DevTools session.
  const setOffline = context.setOffline.bind(context);
  let isOffline = false;
  const sessions = new Set<CDPSession>();
  const emulate = (session: CDPSession, offline: boolean) =>
    session.send('Network.emulateNetworkConditions', {
      offline,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
  const reapply = async (p: Page) => {
    if (!isOffline) return;
    try {
      const session = await context.newCDPSession(p);
      sessions.add(session);
      await session.send('Network.enable');
      await emulate(session, true);
    } catch {
      // The page closed meanwhile.
    }
  };
  const watch = (p: Page) => {
    p.on('domcontentloaded', () => void reapply(p));
    recordConsole(p);
  };
  for (const p of context.pages()) watch(p);
  context.on('page', watch);
  context.setOffline = async (offline: boolean) => {
    if (offline) {
      for (const p of context.pages()) {
        if (p.url().startsWith('http')) await waitForOfflineShell(p);
      }
    }
    isOffline = offline;
    if (!offline) {
      for (const session of sessions) await emulate(session, false).catch(() => {});
      for (const session of sessions) await session.detach().catch(() => {});
      sessions.clear();
    }
    return setOffline(offline);
  };
  return {
    context,
    page,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The last messages a page's scripts logged or threw, for a failure to show (`explainPage`). */
const consoleOf = new WeakMap<Page, string[]>();

function recordConsole(page: Page): void {
  const lines: string[] = [];
  consoleOf.set(page, lines);
  const keep = (line: string) => {
    lines.push(line.slice(0, 300));
    if (lines.length > 20) lines.shift();
  };
  page.on('console', (m) => keep(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => keep(`uncaught: ${e.message}`));
  page.on('load', () => keep(`loaded ${page.url()}`));
}

/**
 * Waits for an element to be visible; if it never is, the error says what the page showed
 * instead: its address, the start of its text and the last messages of its scripts.
 */
export async function waitVisible(page: Page, selector: string, timeout = 30_000): Promise<void> {
  try {
    await page.locator(selector).first().waitFor({ timeout });
  } catch (err) {
    const text = await page
      .evaluate(() => document.body?.textContent ?? '(no body)')
      .catch((e: unknown) => `(unreadable: ${String(e)})`);
    throw new Error(
      [
        `${selector} not visible after ${timeout} ms at ${page.url()}`,
        `page text: ${text.replace(/\s+/g, ' ').slice(0, 400)}`,
        `console: ${(consoleOf.get(page) ?? []).join(' | ') || '(nothing)'}`,
      ].join('\n'),
      { cause: err },
    );
  }
}

/**
 * The texts of the elements `locator` finds that run over more than one line on screen (a name
 * or a day broken in two); empty when each is one line.
 */
export function splitOverLines(locator: Locator): Promise<(string | null)[]> {
  return locator.evaluateAll((elements) =>
    elements.flatMap((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      return lines.size > 1 ? [el.textContent] : [];
    }),
  );
}

/** Resolves once a service worker controls the page (the app shell is cached for offline use). */
export async function waitForOfflineShell(page: Page): Promise<void> {
  try {
    await page.waitForFunction(
      async () => {
        if (!('serviceWorker' in navigator)) return true;
        await navigator.serviceWorker.ready;
        return navigator.serviceWorker.controller !== null;
      },
      undefined,
      { timeout: 15_000, polling: 100 },
    );
  } catch {
    // A page the worker does not control (e.g. one still navigating): going offline is then
    // what the test asked for, and the test itself shows whether the page copes.
  }
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

/** Switches the app's language with the picker in the header. */
export async function switchLanguage(page: Page, to: Locale): Promise<void> {
  const current = await page.locator('html').getAttribute('lang');
  if (current !== to) await page.locator('.lang-switch').first().selectOption(to);
  await page.locator(`html[lang="${to}"]`).waitFor();
}

/**
 * Where screenshots go: $SHOTS_DIR, or nowhere when it is unset. A screenshot costs the browser
 * about 0.15 s of CPU; the test command (about 200 of them) has no one to look at them, so it
 * leaves them out. `SHOTS_DIR=/tmp/shots` takes them.
 */
export function shotsDir(): string | null {
  return process.env.SHOTS_DIR || null;
}

/** Saves a screenshot under $SHOTS_DIR at the page's current size (nothing when it is unset). */
export async function screenshot(page: Page, name: string): Promise<string | null> {
  const dir = shotsDir();
  if (!dir) return null;
  await mkdir(dir, { recursive: true });
  const path = joinPath(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/**
 * Runs axe-core (its WCAG 2 A/AA and best-practice rules) over the whole document of the page and
 * returns its serious and critical violations, one readable line each: screen, rule id, impact,
 * how many elements, what the rule asks, the selectors of the first few elements and what axe
 * found wrong with the first (e.g. its colours and contrast ratio). An empty list means the
 * screen passed; `screenName` only labels the lines, so a list gathered from many screens stays
 * readable in a failing test.
 */
export async function auditA11y(page: Page, screenName: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const { axe: inPage } = window as unknown as { axe: typeof axe };
    const result = await inPage.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? null,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
      /** What axe says of the first element, e.g. the two colours and their contrast ratio. */
      detail: [...(v.nodes[0]?.any ?? []), ...(v.nodes[0]?.all ?? []), ...(v.nodes[0]?.none ?? [])]
        .map((c) => c.message)
        .join(' ')
        .slice(0, 200),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${screenName}: ${v.rule} (${v.impact}, ${v.targets.length}×) ${v.help} — ` +
        `${v.targets.slice(0, 3).join(' | ')}${v.targets.length > 3 ? ' | …' : ''} — ${v.detail}`,
    );
}

/** One entry of the `docs` object store: its key, and its value (bytes as a Uint8Array). */
export type DocsStoreEntry = { key: unknown[]; value: unknown };

/** Every entry of the `docs` object store of a workspace in this page's IndexedDB. */
export async function readDocsStore(page: Page, workspaceId: string): Promise<DocsStoreEntry[]> {
  const entries = await page.evaluate(
    (dbName) =>
      new Promise<Array<{ key: unknown[]; bytes?: number[]; value?: unknown }>>(
        (resolve, reject) => {
          const open = indexedDB.open(dbName);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction('docs', 'readonly');
            const keys = tx.objectStore('docs').getAllKeys();
            const values = tx.objectStore('docs').getAll();
            tx.oncomplete = () => {
              db.close();
              resolve(
                (keys.result as unknown[][]).map((key, i) => {
                  const value: unknown = values.result[i];
                  return value instanceof Uint8Array
                    ? { key, bytes: Array.from(value) }
                    : { key, value };
                }),
              );
            };
          };
        },
      ),
    `grassroots-ws-${workspaceId}`,
  );
  return entries.map(({ key, bytes, value }) => ({
    key,
    value: bytes ? new Uint8Array(bytes) : value,
  }));
}

/** One doc's update log as this page's IndexedDB holds it: keys (as JSON) and update bytes. */
export async function readDocLog(
  page: Page,
  workspaceId: string,
  docId: string,
): Promise<{ keys: string[]; updates: Uint8Array[] }> {
  const log = (await readDocsStore(page, workspaceId))
    .filter(({ key, value }) => key[0] === 'u' && key[1] === docId && value instanceof Uint8Array)
    .map(({ key, value }) => ({ key: JSON.stringify(key), update: value as Uint8Array }));
  return { keys: log.map(({ key }) => key).sort(), updates: log.map(({ update }) => update) };
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

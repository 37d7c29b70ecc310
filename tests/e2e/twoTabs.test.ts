import { existsSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { MINUTES_BODY_FIELD } from '@grassroots/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  clientDist,
  createWorkspaceWithInvite,
  joinWorkspace,
  minutesBodyOf,
  openBrowser,
  readDocLog,
  startRelay,
  waitSaved,
} from './harness.ts';

/** Keystrokes per tab and doc: each is one update, so both tabs pass the compaction threshold. */
const KEYS = 40;

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

const count = (text: string | null, letter: string) => (text ?? '').split(letter).length - 1;

async function newMinutes(page: Page, base: string, workspaceId: string): Promise<string> {
  await page.goto(`${base}/#/w/${workspaceId}/docs`);
  await page.getByRole('button', { name: '新建会议记录' }).click();
  await page.locator('.ProseMirror').waitFor();
  const docId = decodeURIComponent(page.url().split('/d/')[1] ?? '');
  expect(docId).not.toBe('');
  return docId;
}

async function openDoc(page: Page, base: string, workspaceId: string, docId: string) {
  await page.goto(`${base}/#/w/${workspaceId}/d/${encodeURIComponent(docId)}`);
  await page.locator('.ProseMirror').waitFor();
}

/** Types one letter at a time at the end of the body: one update per keystroke. */
async function typeLetters(page: Page, letter: string, n: number): Promise<void> {
  await page.locator('.ProseMirror').click();
  await page.keyboard.press('End');
  for (let i = 0; i < n; i++) await page.keyboard.type(letter);
}

describe('two tabs of one workspace on one device', () => {
  it('LOCAL-3 both edit the same doc and different docs offline; each sees the other live, and after a reload every edit of both is there', async () => {
    const { server } = relay;
    const base = server.url;
    const { workspaceId, adminInviteUrl } = await createWorkspaceWithInvite(server, '双开村');
    const { page: a, context, close } = await openBrowser({ width: 1000, height: 800 });
    closers.push(close);
    await joinWorkspace(a, adminInviteUrl, '李书记');
    const shared = await newMinutes(a, base, workspaceId);
    const onlyA = await newMinutes(a, base, workspaceId);
    const onlyB = await newMinutes(a, base, workspaceId);
    await waitSaved(a);
    await openDoc(a, base, workspaceId, shared);
    const b = await context.newPage();
    await openDoc(b, base, workspaceId, shared);
    await waitSaved(b);
    // Both tabs reload offline below: the service worker must be serving the app by then.
    // On a busy machine the worker's first install (every file of the app) can fail or stall; a
    // reload registers it again, as a person's next visit would.
    for (const page of [a, b]) {
      const isControlled = () =>
        page
          .waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
            timeout: 45_000,
          })
          .then(
            () => true,
            () => false,
          );
      if (await isControlled()) continue;
      await page.reload();
      await page.locator('.ProseMirror').waitFor();
      expect(await isControlled()).toBe(true);
    }

    await context.setOffline(true);
    for (const page of [a, b]) await page.locator('.sync-badge[data-state="offline"]').waitFor();

    // Both type into the same doc at once; each tab's log passes the compaction threshold.
    await Promise.all([typeLetters(a, 'A', KEYS), typeLetters(b, 'B', KEYS)]);
    // Each tab sees the other's edits while offline, without a reload.
    for (const page of [a, b]) {
      await expect
        .poll(async () => {
          const text = await page.locator('.ProseMirror').textContent();
          return [count(text, 'A'), count(text, 'B')];
        })
        .toEqual([KEYS, KEYS]);
    }
    // A doc both open while offline: the other tab sees it live too.
    await openDoc(a, base, workspaceId, onlyA);
    await openDoc(b, base, workspaceId, onlyA);
    await typeLetters(a, 'c', KEYS);
    await expect
      .poll(async () => count(await b.locator('.ProseMirror').textContent(), 'c'))
      .toBe(KEYS);
    // And a doc only one tab has open.
    await openDoc(b, base, workspaceId, onlyB);
    await typeLetters(b, 'd', KEYS);

    // The shared doc's log was compacted (by both tabs), and holds every edit of both.
    await expect
      .poll(async () => {
        const log = await readDocLog(a, workspaceId, shared);
        const body = minutesBodyOf(log.updates);
        return [count(body, 'A'), count(body, 'B'), log.keys.length < KEYS * 2];
      })
      .toEqual([KEYS, KEYS, true]);

    // Reload both tabs, still offline: every edit of both is in every doc.
    await Promise.all([a.reload(), b.reload()]);
    const expected: Array<[string, string, number]> = [
      [shared, 'A', KEYS],
      [shared, 'B', KEYS],
      [onlyA, 'c', KEYS],
      [onlyB, 'd', KEYS],
    ];
    for (const page of [a, b]) {
      await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(false);
      for (const [docId, letter, n] of expected) {
        await openDoc(page, base, workspaceId, docId);
        await expect
          .poll(async () => count(await page.locator('.ProseMirror').textContent(), letter))
          .toBe(n);
        expect(
          count(minutesBodyOf((await readDocLog(page, workspaceId, docId)).updates), letter),
        ).toBe(n);
      }
    }

    // Back online, both tabs get everything to the server.
    await context.setOffline(false);
    await waitSaved(a);
    await waitSaved(b);
  });

  it('LOCAL-2 a compaction keeps the log entries another tab wrote after this tab read the log', async () => {
    const { server } = relay;
    const base = server.url;
    const { workspaceId, adminInviteUrl } = await createWorkspaceWithInvite(server, '压缩村');
    const { page, context, close } = await openBrowser({ width: 1000, height: 800 });
    closers.push(close);
    await joinWorkspace(page, adminInviteUrl, '李书记');
    const docId = await newMinutes(page, base, workspaceId);
    await typeLetters(page, 'A', 1);
    await waitSaved(page);
    // The reload below happens offline: the service worker must be serving the app by then.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
      timeout: 90_000,
    });
    await context.setOffline(true);
    await page.locator('.sync-badge[data-state="offline"]').waitFor();

    // Another tab's change, stored while this tab has not heard of it (its BroadcastChannel
    // message not yet handled, or a tab of an older version): written straight to the log.
    const doc = new Y.Doc();
    for (const update of (await readDocLog(page, workspaceId, docId)).updates)
      Y.applyUpdate(doc, update);
    const before = Y.encodeStateVector(doc);
    const paragraph = doc.getXmlFragment(MINUTES_BODY_FIELD).get(0) as Y.XmlElement;
    (paragraph.get(0) as Y.XmlText).insert(0, '乙页。');
    const foreign = Array.from(Y.encodeStateAsUpdate(doc, before));
    await page.evaluate(
      ([dbName, id, bytes]) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open(dbName);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction('docs', 'readwrite');
            tx.objectStore('docs').put(new Uint8Array(bytes), ['u', id, Date.now(), -1, 42]);
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
      [`grassroots-ws-${workspaceId}`, docId, foreign] as const,
    );

    // This tab keeps typing until it compacts its log.
    await typeLetters(page, 'B', 70);
    await expect
      .poll(async () => (await readDocLog(page, workspaceId, docId)).keys.length)
      .toBeLessThan(20);
    // The other tab's entry is still there, and so is its change after a reload.
    const log = await readDocLog(page, workspaceId, docId);
    expect(log.keys.filter((key) => key.endsWith(',-1,42]'))).toHaveLength(1);
    expect(minutesBodyOf(log.updates)).toContain('乙页。');
    await page.reload();
    await page.locator('.ProseMirror', { hasText: '乙页。' }).waitFor();
    expect(count(await page.locator('.ProseMirror').textContent(), 'B')).toBe(70);
  });
});

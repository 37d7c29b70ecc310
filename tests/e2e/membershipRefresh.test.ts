import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkspaceWithInvite,
  joinWorkspace,
  openBrowser,
  startRelay,
  waitSaved,
} from './harness.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  relay = await startRelay();
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

/** The colour this device keeps for its membership (null: none known). */
const keptColour = (page: import('playwright-core').Page) =>
  page.evaluate(
    () =>
      new Promise<unknown>((resolve, reject) => {
        const open = indexedDB.open('grassroots-device');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('kv').objectStore('kv').get('workspaces');
          get.onsuccess = () => {
            open.result.close();
            resolve((get.result as { colour?: unknown }[])[0]?.colour ?? null);
          };
          get.onerror = () => reject(get.error);
        };
      }),
  );

describe('membership refresh', () => {
  it('a colour first learnt (a device that joined before members had colours) is kept without reopening the workspace in use', async () => {
    const { workspaceId, adminInviteUrl } = await createWorkspaceWithInvite(relay.server, '颜色村');
    const b = await openBrowser({ width: 360, height: 800 });
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, adminInviteUrl, '李书记');
    await waitSaved(page);
    expect(await keptColour(page)).toBe(0);
    // The entry as a device kept it before colours were given.
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('grassroots-device');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction('kv', 'readwrite');
            const store = tx.objectStore('kv');
            const get = store.get('workspaces');
            get.onsuccess = () =>
              store.put(
                (get.result as object[]).map((e) => ({ ...e, colour: null })),
                'workspaces',
              );
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
    );
    // The relay's answer to "who am I" waits until the page in use is marked.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let asked = 0;
    await page.route(new RegExp(`/api/workspaces/${workspaceId}$`), async (route) => {
      asked++;
      await held;
      await route.continue();
    });
    await page.reload();
    await page.locator('.topbar .tabs').waitFor();
    expect(await keptColour(page)).toBeNull();
    await expect.poll(() => asked).toBeGreaterThan(0);
    await page.evaluate(() => {
      (window as { kept?: Element | null }).kept = document.querySelector('.topbar .tabs');
    });
    release();
    // The colour is learnt and kept…
    await expect.poll(() => keptColour(page)).toBe(0);
    await page.waitForTimeout(300);
    // …and the page is the one in use: the workspace was not torn down and opened again.
    expect(
      await page.evaluate(
        () =>
          (window as { kept?: Element | null }).kept === document.querySelector('.topbar .tabs'),
      ),
    ).toBe(true);
  });
});

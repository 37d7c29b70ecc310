/**
 * SYNC-1: a device that opens the app again brings up to date only the docs that changed on the
 * server since it last synced them (one request says which), instead of opening a WebSocket to
 * every doc of the workspace: on a weak network that is most of the time spent reconnecting.
 */
import {
  createDoc,
  finaliseMinutes,
  INDEX_DOC_ID,
  initMinutes,
  initPlan,
  readPlan,
  roomName,
  setPlanTitle,
} from '@grassroots/shared';
import type { Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  joinWorkspace,
  openBrowser,
  readDocLog,
  readDocsStore,
  screenshot,
  startRelay,
  waitSaved,
} from './harness.ts';
import { seedDocs, storedDoc } from './seed.ts';

const PLANS = ['p1', 'p2', 'p3', 'p4', 'p5'];

let relay: Awaited<ReturnType<typeof startRelay>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let workspaceId: string;

beforeAll(async () => {
  relay = await startRelay();
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await relay?.cleanup();
});

/** Doc ids of the sync WebSockets the page opens from now on. */
function watchSockets(page: Page): { opened: string[]; stop: () => void } {
  const opened: string[] = [];
  const onSocket = (ws: { url(): string }) => {
    const path = new URL(ws.url()).pathname;
    const docId = path.split('/').at(-1);
    if (path.startsWith('/sync/') && docId) opened.push(decodeURIComponent(docId));
  };
  page.on('websocket', onSocket);
  return { opened, stop: () => page.off('websocket', onSocket) };
}

/** The seq each doc's stored meta on the device names (SYNC-1), by doc id. */
async function ackedSeqs(page: Page): Promise<Record<string, number | null>> {
  const out: Record<string, number | null> = {};
  for (const { key, value } of await readDocsStore(page, workspaceId)) {
    if (key[0] !== 'm' || typeof key[1] !== 'string') continue;
    const acked = (value as { ackedSeq?: unknown } | undefined)?.ackedSeq;
    out[key[1]] = typeof acked === 'number' ? acked : null;
  }
  return out;
}

/** SYNC-3: the store each plan's kept seq is of, by doc id (plans with a kept seq only). */
async function ackedStoreIds(page: Page): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const { key, value } of await readDocsStore(page, workspaceId)) {
    if (key[0] !== 'm' || typeof key[1] !== 'string' || !PLANS.includes(key[1])) continue;
    const meta = value as { ackedSeq?: unknown; ackedStoreId?: unknown } | undefined;
    if (typeof meta?.ackedSeq !== 'number') continue;
    out[key[1]] = typeof meta.ackedStoreId === 'string' ? meta.ackedStoreId : null;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Opens the app again (as after closing it) and waits until its sweep asked for the seqs. */
async function reopen(page: Page): Promise<string[]> {
  const sockets = watchSockets(page);
  const asked = page.waitForResponse((r) => r.url().endsWith('/docs/seqs'), { timeout: 30_000 });
  await page.reload();
  await page.locator('.sync-badge').waitFor();
  expect((await asked).status()).toBe(200);
  await waitSaved(page);
  // Background syncs start right after the answer; give them time to open their sockets.
  await page.waitForTimeout(1500);
  sockets.stop();
  return sockets.opened;
}

describe('SYNC-1 opening the app again', () => {
  it('connects only to the docs that changed on the server since this device synced them', async () => {
    const { server } = relay;
    const seeded = await seedDocs(
      server,
      '同步村',
      PLANS.map((id) => {
        const doc = createDoc();
        initPlan(doc, { title: `${id} 计划` });
        return { id, kind: 'plan' as const, doc };
      }),
    );
    workspaceId = seeded.workspaceId;
    const { page } = browser;
    const first = watchSockets(page);
    await joinWorkspace(page, await seeded.invite('admin'), '王书记');
    await waitSaved(page);
    // Every doc was brought onto the device once, and its meta names the seq it was synced to.
    await expect
      .poll(
        async () => {
          const seqs = await ackedSeqs(page);
          return PLANS.filter((id) => typeof seqs[id] !== 'number');
        },
        { timeout: 30_000 },
      )
      .toEqual([]);
    first.stop();
    for (const id of PLANS) expect(first.opened).toContain(id);

    // Nothing changed: only the index connects; no plan is opened again.
    const unchanged = await reopen(page);
    expect(unchanged).toContain(INDEX_DOC_ID);
    expect(unchanged.filter((id) => PLANS.includes(id))).toEqual([]);

    // Another device renames p3 on the server: only p3 is brought up to date, and the device
    // holds the new title.
    const stored = await storedDoc(server, workspaceId, 'p3');
    const before = Y.encodeStateVector(stored);
    setPlanTitle(stored, 'p3 计划（已改）');
    const admin = (await server.auth.listMembers(workspaceId)).find((m) => m.role === 'admin')!;
    await server.relay.commit(
      roomName(workspaceId, 'p3'),
      Y.encodeStateAsUpdate(stored, before),
      admin.id,
    );
    const changed = await reopen(page);
    expect(changed.filter((id) => PLANS.includes(id))).toEqual(['p3']);
    await expect
      .poll(
        async () => {
          const log = await readDocLog(page, workspaceId, 'p3');
          const doc = createDoc();
          for (const u of log.updates) Y.applyUpdate(doc, u);
          return readPlan(doc).title;
        },
        { timeout: 20_000 },
      )
      .toBe('p3 计划（已改）');

    // SYNC-3: the server's rows are put back from elsewhere (a restore): its seqs say nothing of
    // what this device kept, so every doc is brought up to date once …
    const original = await server.store.storeId();
    expect(Object.values(await ackedStoreIds(page))).toEqual(PLANS.map(() => original));
    await server.store.renewStoreId();
    const renewed = await server.store.storeId();
    const afterRestore = await reopen(page);
    expect(afterRestore.filter((id) => PLANS.includes(id)).sort()).toEqual(PLANS);
    // Each doc's kept seq is now of the new store.
    await expect
      .poll(() => ackedStoreIds(page), { timeout: 30_000 })
      .toEqual(Object.fromEntries(PLANS.map((id) => [id, renewed])));
    // … and then compared again, as seqs of the new store.
    const settled = await reopen(page);
    expect(settled.filter((id) => PLANS.includes(id))).toEqual([]);
  }, 180_000);
});

/** The page is hidden, then shown again (a phone locked and unlocked, a tab left and back). */
async function hideAndShow(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const state of ['hidden', 'visible']) {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
      document.dispatchEvent(new Event('visibilitychange'));
    }
  });
}

describe('SYNC-4 a workspace left open', () => {
  it('brings in a record others finalised once the page is shown again, over that record’s own connection, not a reconnect', async () => {
    const { server } = relay;
    const minutes = createDoc();
    initMinutes(minutes, {
      title: '十二月党小组会：冬季防火',
      meetingType: 'other',
      startsAt: Date.now() - 3_600_000,
      place: '村委会',
    });
    const seeded = await seedDocs(server, '常开村', [{ id: 'm1', kind: 'minutes', doc: minutes }]);
    const b = await openBrowser({ width: 360, height: 780 });
    try {
      const { page } = b;
      await joinWorkspace(page, await seeded.invite('viewer'), '乡镇审核员');
      await waitSaved(page);
      await page.goto(`${server.url}/#/w/${seeded.workspaceId}/docs`);
      const draft = page.locator('.doc-draft');
      await expect.poll(() => draft.count(), { timeout: 20_000 }).toBe(1);
      // The secretary finalises it on another device.
      const stored = await storedDoc(server, seeded.workspaceId, 'm1');
      const before = Y.encodeStateVector(stored);
      finaliseMinutes(stored, { name: '李书记' });
      const admin = (await server.auth.listMembers(seeded.workspaceId)).find(
        (m) => m.role === 'admin',
      )!;
      await server.relay.commit(
        roomName(seeded.workspaceId, 'm1'),
        Y.encodeStateAsUpdate(stored, before),
        admin.id,
      );
      // A doc not open has no connection: nothing comes by itself (this list said 草稿 for
      // minutes after the record was final, until a reconnect)…
      await page.waitForTimeout(5_500);
      expect(await draft.count()).toBe(1);
      // … until the page is shown again, or the minute is out (RESWEEP_MS).
      const sockets = watchSockets(page);
      await hideAndShow(page);
      await expect.poll(() => draft.count(), { timeout: 15_000 }).toBe(0);
      sockets.stop();
      expect(sockets.opened).toEqual(['m1']);
      // Shown again at once: asked no more than once in five seconds.
      const asked: string[] = [];
      const onRequest = (r: { url(): string }) => {
        if (r.url().endsWith('/docs/seqs')) asked.push(r.url());
      };
      page.on('request', onRequest);
      await hideAndShow(page);
      await page.waitForTimeout(500);
      page.off('request', onRequest);
      expect(asked).toEqual([]);
    } finally {
      await b.close();
    }
  });
});

describe('LOCAL-6 a doc the device does not hold yet', () => {
  it('opens once the relay sent it, saying meanwhile that it is being fetched, never as an empty editor', async () => {
    const { server } = relay;
    const plan = createDoc();
    initPlan(plan, { title: '远处的计划' });
    const seeded = await seedDocs(server, '取回村', [{ id: 'far', kind: 'plan', doc: plan }]);
    const b = await openBrowser({ width: 360, height: 780 });
    try {
      const { page } = b;
      // The plan's room does not answer yet (a slow village network).
      const held: WebSocketRoute[] = [];
      let isHeld = true;
      await page.routeWebSocket(new RegExp(`/sync/${seeded.workspaceId}/far(\\?|$)`), (ws) => {
        if (isHeld) held.push(ws);
        else ws.connectToServer();
      });
      await joinWorkspace(page, await seeded.invite('admin'), '王书记');
      await page.goto(`${server.url}/#/w/${seeded.workspaceId}/d/far`);
      const notice = page.locator('[data-fetching]');
      await notice.waitFor();
      expect(await notice.textContent()).toBe('正在从服务器取回这份文档……');
      expect(await page.locator('.plan-editor').count()).toBe(0);
      // Nor does the badge say everything is saved while the doc is on its way.
      expect(await page.locator('.sync-badge').getAttribute('data-state')).toBe('syncing');
      await screenshot(page, 'doc-fetching-360-zh');
      // The room answers: the plan opens with what the relay holds, and the notice goes.
      isHeld = false;
      for (const ws of held) await ws.close();
      const title = page.locator('.plan-editor input[name="planTitle"]');
      await title.waitFor({ timeout: 20_000 });
      expect(await title.inputValue()).toBe('远处的计划');
      expect(await notice.count()).toBe(0);
      await waitSaved(page);
    } finally {
      await b.close();
    }
  }, 90_000);
});

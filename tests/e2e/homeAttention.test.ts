/**
 * HOME-1: a township reviewer's phone holds several villages' workspaces; the home screen says,
 * for each, what its dashboard flags, from the records on the device.
 */
import { existsSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { addEntry, createDemoVillage, roomName } from '@grassroots/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockClient } from '../support/clients.ts';
import {
  clientDist,
  joinWorkspace,
  openBrowser,
  screenshot,
  startRelay,
  switchLanguage,
  waitSaved,
} from './harness.ts';
import { seedWorkspace } from './seed.ts';

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

/** A village's workspace on the relay, from the demo builder: a year of records. */
async function village(seed: number, name: string, docs: number, entries: number) {
  const { server } = relay;
  const demo = createDemoVillage({ seed, start: '2026-01-05', docs, entries });
  const seeded = await seedWorkspace(server, name, demo.index, demo.docs);
  const ws = seeded.workspaceId;
  const inviteUrl = await seeded.invite('viewer');
  const feedbackId = demo.docs.find((d) => d.kind === 'feedback')!.id;
  /** A villager's request recorded on the secretary's device, due a month ago. */
  const recordOverdueRequest = async () => {
    const room = roomName(ws, feedbackId);
    const rowsBefore = (await server.store.loadUpdates(room)).length;
    const secretary = stockClient(
      `${server.url.replace('http', 'ws')}/sync`,
      room,
      seeded.admin.token,
    );
    try {
      await secretary.synced;
      addEntry(secretary.doc, {
        receivedAt: Date.now() - 40 * 86_400_000,
        dueAt: Date.now() - 30 * 86_400_000,
        channel: 'home-visit',
        category: 'infrastructure',
        summary: '村东路灯坏了',
        recordedBy: { name: '李书记', memberId: seeded.admin.id },
      });
      await expect
        .poll(async () => (await server.store.loadUpdates(room)).length)
        .toBeGreaterThan(rowsBefore);
    } finally {
      secretary.destroy();
    }
  };
  return { ws, inviteUrl, recordOverdueRequest };
}

/** What the workspace's dashboard shows: missed meeting periods and feedback to follow up. */
async function dashboardFigures(page: Page) {
  const meetings = page.locator('section[aria-labelledby="dash-meetings"]');
  // Every listed record on the device: the dashboard counts only then.
  await meetings.locator('li[data-state]').first().waitFor({ timeout: 30_000 });
  await expect.poll(() => page.locator('[data-testid="minutes-not-here"]').count()).toBe(0);
  await expect.poll(() => page.locator('[data-testid="dash-loading"]').count()).toBe(0);
  // Each period says how many meetings were held of how many required, in words (was "0/1").
  const counts = await meetings
    .locator('li[data-state] [data-held]')
    .evaluateAll((spans) => spans.map((s) => [s.getAttribute('data-held'), s.textContent]));
  expect(counts.length).toBeGreaterThan(0);
  for (const [held, text] of counts)
    expect(text).toMatch(new RegExp(`^已开 ${held} 次，应开 \\d+ 次$`));
  const missed = await page
    .locator('section[aria-labelledby="dash-meetings"] li[data-state]')
    .evaluateAll((rows) =>
      rows.reduce(
        (n, li) =>
          n +
          Number(li.getAttribute('data-missed-before')) +
          (li.getAttribute('data-state') === 'overdue' ? 1 : 0),
        0,
      ),
    );
  const feedbackSection = page.locator('section[aria-labelledby="dash-feedback"]');
  const more = feedbackSection.locator('[data-more-feedback]');
  const feedback =
    (await feedbackSection.locator('li').count()) +
    ((await more.count()) > 0 ? Number(await more.getAttribute('data-more-feedback')) : 0);
  return { missed, feedback };
}

describe('the home screen of a device with several workspaces', () => {
  it('HOME-1 shows for each village the missed meeting periods and the feedback to follow up that its dashboard shows', async () => {
    const villages = [await village(11, '阳光村', 60, 80), await village(12, '团结村', 6, 3)];
    const { page, close } = await openBrowser({ width: 360, height: 800 });
    closers.push(close);
    const expected = [];
    for (const v of villages) {
      await joinWorkspace(page, v.inviteUrl, '乡镇审核员');
      await waitSaved(page);
      expected.push(await dashboardFigures(page));
      const more = page.locator('[data-more-feedback]');
      if ((await more.count()) > 0) {
        await more.scrollIntoViewIfNeeded();
        await screenshot(page, 'dash-more-feedback-zh-360');
        await switchLanguage(page, 'ug');
        await screenshot(page, 'dash-more-feedback-ug-360');
        await switchLanguage(page, 'zh-CN');
        // The rest are a tap away: the feedback ledger.
        await more.getByRole('link', { name: '民情日志台账' }).click();
        await expect.poll(() => page.url()).toMatch(/\/feedback-ledger$/);
        await page.goBack();
        await more.waitFor();
      }
    }
    // The first village has more to follow up than its dashboard lists; it says how many more.
    expect(expected[0]!.feedback).toBeGreaterThan(20);
    expect(expected.some((e) => e.missed > 0)).toBe(true);
    expect(expected.some((e) => e.feedback > 0)).toBe(true);

    await page.goto(`${relay.server.url}/#/`);
    const cards = page.locator('.card');
    await expect.poll(() => page.locator('.home-attention').count()).toBe(2);
    for (const [i, v] of villages.entries()) {
      const line = page.locator(`.card:has(a[href*="${v.ws}"]) .home-attention`);
      await expect(line.getAttribute('data-missed')).resolves.toBe(String(expected[i]!.missed));
      await expect(line.getAttribute('data-feedback')).resolves.toBe(String(expected[i]!.feedback));
      if (expected[i]!.missed > 0) {
        await expect(line.textContent()).resolves.toContain(
          `应开会议：${expected[i]!.missed} 期未按时召开`,
        );
      }
    }
    await expect(cards.count()).resolves.toBeGreaterThanOrEqual(2);
    await screenshot(page, 'home-attention-zh-360');
    await switchLanguage(page, 'ug');
    await expect(page.locator('.home-attention').first().textContent()).resolves.toMatch(
      /[\u0600-\u06ff]/,
    );
    await screenshot(page, 'home-attention-ug-360');
    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(page, 'home-attention-ug-1280');
    await switchLanguage(page, 'en');
    await screenshot(page, 'home-attention-en-1280');
    await switchLanguage(page, 'zh-CN');
    await screenshot(page, 'home-attention-zh-1280');
    // A request recorded elsewhere reaches the device when the village is opened; back on the
    // home screen its figure has one more (the kept one was let go when the village opened).
    await villages[1]!.recordOverdueRequest();
    await page.goto(`${relay.server.url}/#/w/${villages[1]!.ws}/dashboard`);
    await expect
      .poll(async () => (await dashboardFigures(page)).feedback, { timeout: 20_000 })
      .toBe(expected[1]!.feedback + 1);
    await page.goto(`${relay.server.url}/#/`);
    const second = page.locator(`.card:has(a[href*="${villages[1]!.ws}"]) .home-attention`);
    await expect
      .poll(() => second.getAttribute('data-feedback'))
      .toBe(String(expected[1]!.feedback + 1));
    // Offline, from the device alone, the same figures.
    await page.context().setOffline(true);
    await page.reload();
    await expect.poll(() => page.locator('.home-attention').count()).toBe(2);
    const first = page.locator(`.card:has(a[href*="${villages[0]!.ws}"]) .home-attention`);
    await expect(first.getAttribute('data-missed')).resolves.toBe(String(expected[0]!.missed));
    await expect(second.getAttribute('data-feedback')).resolves.toBe(
      String(expected[1]!.feedback + 1),
    );
  });
});

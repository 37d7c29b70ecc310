import { existsSync, mkdirSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import type { RunningServer } from '@grassroots/server';
import {
  addPhase,
  addTask,
  createDoc,
  initPlan,
  roomName,
  setPlanTitle,
  translate,
} from '@grassroots/shared';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stockClient } from '../support/clients.ts';
import {
  clientDist,
  createWorkspaceWithInvite,
  joinWorkspace,
  openBrowser,
  startRelay,
  switchLanguage,
  waitSaved,
} from './harness.ts';
import { seedDocs } from './seed.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
let server: RunningServer;
const closers: Array<() => Promise<void>> = [];

/** Set SCREENSHOT_DIR to keep pictures of the history views at 360 px and 1200 px. */
const screenshotDir = process.env.SCREENSHOT_DIR;

beforeAll(async () => {
  if (!existsSync(joinPath(clientDist, 'index.html'))) {
    throw new Error('client/dist is missing: run `corepack pnpm build` before the e2e tests');
  }
  if (screenshotDir) mkdirSync(screenshotDir, { recursive: true });
  relay = await startRelay();
  server = relay.server;
});

// Browsers of one test are closed before the next starts: the machine has two cores.
afterEach(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
});

afterAll(async () => {
  await relay?.cleanup();
});

async function browser(width = 1200) {
  const b = await openBrowser({ width, height: 900 });
  closers.push(b.close);
  return b;
}

async function inviteUrl(workspaceId: string, role: 'editor' | 'viewer'): Promise<string> {
  const { token } = await server.auth.createInvite(workspaceId, null, { role });
  return `${server.url}/#/join/${token}`;
}

/** The editor's text without the carets of others drawn into it. */
function bodyText(page: Page, scope = ''): Promise<string> {
  return page.locator(`${scope} .ProseMirror`.trim()).evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    for (const c of copy.querySelectorAll('.collaboration-carets__caret')) c.remove();
    return copy.textContent ?? '';
  });
}

/** Full-page pictures at phone and laptop widths, when SCREENSHOT_DIR is set. */
async function shoot(page: Page, name: string) {
  if (!screenshotDir) return;
  const size = page.viewportSize() ?? { width: 1200, height: 900 };
  for (const width of [360, 1200]) {
    await page.setViewportSize({ width, height: 900 });
    // A full-page picture of a scrolled page draws the sticky header mid-page.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({
      path: joinPath(screenshotDir, `${name}-${width}.png`),
      fullPage: true,
    });
  }
  await page.setViewportSize(size);
}

/**
 * Minutes drafted by the admin (李书记), then edited by an editor (王会计) who rewrites the end of
 * the body and moves the meeting: two entries by two members.
 */
async function minutesByTwo() {
  const a = await browser();
  const { workspaceId, adminInviteUrl } = await createWorkspaceWithInvite(server, '历史村');
  await joinWorkspace(a.page, adminInviteUrl, '李书记');
  await a.page.goto(`${server.url}/#/w/${workspaceId}/docs`);
  await a.page.getByRole('button', { name: '新建会议记录' }).click();
  await a.page.locator('.editor .ProseMirror').waitFor();
  const docUrl = a.page.url();
  const docId = decodeURIComponent(docUrl.split('/d/')[1]!);
  await a.page.locator('.ProseMirror').click();
  await a.page.keyboard.type('会议讨论修路方案。');
  await a.page.locator('input[name="place"]').fill('村委会');
  await waitSaved(a.page);

  const b = await browser();
  await joinWorkspace(b.page, await inviteUrl(workspaceId, 'editor'), '王会计');
  await b.page.goto(docUrl);
  await b.page.locator('.ProseMirror', { hasText: '会议讨论修路方案。' }).waitFor();
  await b.page.locator('.ProseMirror').click();
  await b.page.keyboard.press('End');
  for (let i = 0; i < 3; i++) await b.page.keyboard.press('Backspace');
  await b.page.keyboard.type('规划。');
  await b.page.locator('input[name="place"]').fill('村文化室');
  await waitSaved(b.page);
  await expect.poll(() => bodyText(a.page)).toBe('会议讨论修路规划。');
  return { a, b, workspaceId, docId, docUrl };
}

describe('history in Chromium', () => {
  it('lists who changed what, shows a past version read-only, compares it and restores it live', async () => {
    const { a, b, workspaceId, docId, docUrl } = await minutesByTwo();
    const page = a.page;

    // History is opened on request from the document.
    await shoot(page, 'doc-with-history-button');
    await page.getByRole('link', { name: '历史记录' }).click();
    expect(page.url()).toBe(`${docUrl}/history`);
    const entries = page.locator('.history-entry');
    await expect.poll(() => entries.count()).toBe(2);
    // Newest first, with name, role and a labelled Beijing time span.
    await expect(entries.nth(0).textContent()).resolves.toContain('王会计');
    await expect(entries.nth(0).textContent()).resolves.toContain('编辑');
    await expect(entries.nth(0).textContent()).resolves.toMatch(
      /\d+月\d+日 \d\d:\d\d(–\d\d:\d\d)?（北京时间）/,
    );
    await expect(entries.nth(0).textContent()).resolves.toContain('村委会 → 村文化室');
    await expect(entries.nth(1).textContent()).resolves.toContain('李书记');
    await expect(entries.nth(1).textContent()).resolves.toContain('管理员');

    // An editor names the current state; the list marks it.
    await page.locator('input[name="versionName"]').fill('3月3日会议通过稿');
    await page.getByRole('button', { name: '命名', exact: true }).click();
    await entries.nth(0).locator('.history-named-badge', { hasText: '3月3日会议通过稿' }).waitFor();
    await shoot(page, 'history-list');

    // The admin's version: the same minutes editor, read-only, as it was then.
    await entries.nth(1).locator('button').click();
    const version = page.locator('.history-version');
    await version.locator('.minutes-editor .ProseMirror').waitFor();
    await expect.poll(() => bodyText(page, '.history-version')).toBe('会议讨论修路方案。');
    expect(await version.locator('.ProseMirror').getAttribute('contenteditable')).toBe('false');
    expect(await version.locator('[name="place"]').inputValue()).toBe('村委会');
    expect(await version.locator('[name="place"]').getAttribute('readonly')).not.toBeNull();
    expect(await version.locator('.rich-toolbar').count()).toBe(0);
    await shoot(page, 'history-version');

    // Compared with the current state: the editor's deletion and insertion, and the moved meeting.
    await page.getByRole('button', { name: '与当前版本比较' }).click();
    const compare = page.locator('.history-compare');
    await compare.locator('.diff-ins').first().waitFor();
    const body = compare
      .locator('.history-diff-text', { hasText: '会议内容' })
      .locator('.diff-body');
    await expect(body.locator('del').allTextContents()).resolves.toEqual(['方案。']);
    await expect(body.locator('ins').allTextContents()).resolves.toEqual(['规划。']);
    await expect(body.locator('ins').getAttribute('title')).resolves.toContain('王会计');
    // The place is text too (MIN-4): marked character by character, under its own label.
    const place = compare.locator('.history-diff-text', { hasText: '地点' }).locator('.diff-body');
    await expect(place.locator('del').allTextContents()).resolves.toEqual(['委会']);
    await expect(place.locator('ins').allTextContents()).resolves.toEqual(['文化室']);
    await expect(compare.locator('.history-legend').textContent()).resolves.toContain('王会计');
    await expect(compare.locator('.history-field').allTextContents()).resolves.toContainEqual(
      expect.stringContaining('村委会 → 村文化室'),
    );
    await shoot(page, 'history-compare');

    // Restore after a confirmation; it arrives live in the editor's open document.
    await page.getByRole('button', { name: '恢复到此版本' }).click();
    const dialog = page.getByRole('dialog', { name: '恢复到这个版本？' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: '恢复', exact: true }).click();
    await page.locator('.history-status', { hasText: '已恢复' }).waitFor();
    await expect.poll(() => bodyText(b.page), { timeout: 15_000 }).toBe('会议讨论修路方案。');
    await expect.poll(() => b.page.locator('input[name="place"]').inputValue()).toBe('村委会');
    // The restore is a new entry by the admin, on top.
    await expect.poll(() => entries.count()).toBe(3);
    await expect(entries.nth(0).textContent()).resolves.toContain('李书记');

    await page.locator('.history-status a', { hasText: '返回文档' }).click();
    await page.locator('.editor .ProseMirror').waitFor();
    await expect.poll(() => bodyText(page)).toBe('会议讨论修路方案。');
    await expect.poll(() => page.locator('input[name="place"]').inputValue()).toBe('村委会');

    // Export: the CSV arrives as a download named after the doc.
    await page.goto(`${server.url}/#/w/${workspaceId}/d/${docId}/history`);
    await entries.first().waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出 CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`history-${docId}.csv`);

    // Offline, the view says history needs the network instead of failing.
    await a.context.setOffline(true);
    await page.locator('.history-offline', { hasText: '需要联网' }).waitFor();
    expect(await entries.count()).toBe(0);
    await a.context.setOffline(false);
    await entries.first().waitFor();
  });

  it("a phase's goals changed by one word show that word marked in the compare, not the whole goals struck and retyped", async () => {
    const doc = createDoc();
    initPlan(doc, { title: '2026年工作计划', village: '示范村' });
    const phase = addPhase(doc, { title: '第一季度', goals: '完成入户走访\n修好村道' });
    addTask(doc, { title: '修建村道', phaseId: phase });
    const seeded = await seedDocs(server, '目标村', [{ id: 'plan', kind: 'plan', doc }]);
    const e = await browser(360);
    await joinWorkspace(e.page, await seeded.invite('editor'), '王会计');
    const docUrl = `${server.url}/#/w/${seeded.workspaceId}/d/plan`;
    await e.page.goto(docUrl);
    const goals = e.page.locator('[name="goals"]').first();
    await expect.poll(() => goals.inputValue()).toBe('完成入户走访\n修好村道');
    await goals.fill('完成入户走访\n修好水泥村道');
    await waitSaved(e.page);

    await e.page.goto(`${docUrl}/history`);
    const entries = e.page.locator('.history-entry');
    await expect.poll(() => entries.count()).toBe(2);
    await entries.nth(1).locator('button').click();
    await e.page.getByRole('button', { name: '与当前版本比较' }).click();
    const line = e.page.locator(
      `.history-compare .history-field[data-path="phases/${phase}/goals"]`,
    );
    await line.locator('ins').first().waitFor();
    await expect(line.locator('ins').allTextContents()).resolves.toEqual(['水泥']);
    await expect(line.locator('ins').getAttribute('title')).resolves.toContain('王会计');
    expect(await line.locator('del').count()).toBe(0);
    // The goals' other words stay, unmarked and in their lines; no "old → new" of the whole.
    const shown = line.locator('.history-field-text');
    await expect(shown.textContent()).resolves.toBe('完成入户走访\n修好水泥村道');
    await expect(shown.evaluate((el) => getComputedStyle(el).whiteSpace)).resolves.toBe('pre-wrap');
    expect(await line.textContent()).not.toContain('→');
    await shoot(e.page, 'history-compare-goals');
    // A version named: the line that says so follows a language switch, as the heading does.
    await e.page.locator('input[name="versionName"]').fill('初稿');
    await e.page.getByRole('button', { name: '命名', exact: true }).click();
    const said = e.page.locator('.history-status');
    await expect
      .poll(() => said.textContent())
      .toContain(translate('zh-CN', 'history.nameDone', { name: '初稿' }));
    // In Uyghur the Chinese goals keep their own direction in the box.
    await switchLanguage(e.page, 'ug');
    await expect
      .poll(() => said.textContent())
      .toContain(translate('ug', 'history.nameDone', { name: '初稿' }));
    expect(
      await line.locator('.history-field-text').evaluate((el) => el.matches(':dir(ltr)')),
    ).toBe(true);
    await expect.poll(() => line.locator('ins').allTextContents()).toEqual(['水泥']);
    // The picked version's time is said in Uyghur too, not left in the Chinese it was picked in.
    await expect(e.page.locator('#history-detail-heading').textContent()).resolves.not.toMatch(
      /\d+月/,
    );
    await shoot(e.page, 'history-compare-goals-ug');
  });

  it('HIST-C1 two members taking turns in one sitting are one closed group in the list, each entry inside it', async () => {
    const doc = createDoc();
    initPlan(doc, { title: '轮流村计划', village: '轮流村' });
    const seeded = await seedDocs(server, '轮流村', [{ id: 'plan', kind: 'plan', doc }]);
    const room = roomName(seeded.workspaceId, 'plan');
    const wsUrl = `${server.url.replace('http', 'ws')}/sync`;
    const editor = async (name: string) => {
      const { token } = await server.auth.createInvite(seeded.workspaceId, null, {
        role: 'editor',
      });
      const member = await server.auth.redeem(token, name);
      const client = stockClient(wsUrl, room, member.token);
      closers.push(async () => client.destroy());
      await client.synced;
      return client;
    };
    const a = await editor('王书记');
    const b = await editor('古丽娜尔');
    // Six turns, each its own entry: the authors alternate.
    for (let i = 0; i < 6; i++) {
      const before = (await server.store.roomStats(room)).lastSeq;
      setPlanTitle((i % 2 === 0 ? a : b).doc, `轮流村计划 ${i + 1}`);
      await expect
        .poll(async () => (await server.store.roomStats(room)).lastSeq)
        .toBeGreaterThan(before);
    }
    const v = await browser(360);
    await joinWorkspace(v.page, await seeded.invite('viewer'), '乡镇审核员');
    await v.page.goto(`${server.url}/#/w/${seeded.workspaceId}/d/plan/history`);
    const group = v.page.locator('.history-together');
    await group.waitFor();
    // One group, closed: the six turns and the seeded first entry (the same sitting).
    expect(await group.count()).toBe(1);
    expect(await group.locator('summary').textContent()).toContain('3 人轮流编辑，共 7 条记录');
    const names = await group.locator('summary .history-author-name').allTextContents();
    expect(names.slice(1)).toEqual(['王书记', '古丽娜尔']);
    expect(await group.locator('.history-entry').first().isVisible()).toBe(false);
    const alone = await v.page
      .locator('li.history-entry')
      .evaluateAll((els) => els.filter((el) => el.closest('details') === null).length);
    expect(alone).toBe(0);
    await shoot(v.page, 'history-together-closed');
    // Opened, each turn is an entry that shows its change as before.
    await group.locator('summary').click();
    const inside = group.locator('.history-entry');
    expect(await inside.count()).toBe(7);
    expect(await inside.first().isVisible()).toBe(true);
    // The list fetched again (here in another language) keeps the group the reader opened open.
    const summary = await group.locator('summary').textContent();
    await switchLanguage(v.page, 'ug');
    await expect.poll(() => group.locator('summary').textContent()).not.toBe(summary);
    expect(await group.locator('details').getAttribute('open')).not.toBeNull();
    expect(await inside.first().isVisible()).toBe(true);
    await switchLanguage(v.page, 'zh-CN');
    await expect.poll(() => group.locator('summary').textContent()).toBe(summary);
    expect(await inside.first().isVisible()).toBe(true);
    await inside.first().locator('button').click();
    await expect
      .poll(() => v.page.locator('.history-detail').textContent())
      .toContain('轮流村计划 6');
    await shoot(v.page, 'history-together-open');
  });

  it('a township viewer reads history, versions and comparisons but cannot name or restore', async () => {
    const { workspaceId, docUrl } = await minutesByTwo();
    const v = await browser(360);
    await joinWorkspace(v.page, await inviteUrl(workspaceId, 'viewer'), '乡镇审阅');
    await v.page.goto(`${docUrl}/history`);
    const entries = v.page.locator('.history-entry');
    await expect.poll(() => entries.count()).toBe(2);
    expect(await v.page.locator('input[name="versionName"]').count()).toBe(0);
    // The page does not offer what a viewer cannot do.
    expect(await v.page.locator('.history-intro').textContent()).not.toContain('恢复');
    await entries.nth(1).locator('button').click();
    await expect.poll(() => bodyText(v.page, '.history-version')).toBe('会议讨论修路方案。');
    await v.page.getByRole('button', { name: '与当前版本比较' }).click();
    await v.page.locator('.history-compare .diff-ins').first().waitFor();
    expect(await v.page.getByRole('button', { name: '恢复到此版本' }).count()).toBe(0);
  });
});

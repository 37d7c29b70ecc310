import {
  addDecision,
  addDocEntry,
  addEntry,
  addPhase,
  addResponse,
  addTask,
  beijingInstant,
  createDoc,
  initFeedbackLog,
  initIndex,
  initMinutes,
  initPlan,
  initRoster,
  MINUTES_BODY_FIELD,
  ROSTER_DOC_ID,
  readFeedbackLog,
  readIndex,
  readMinutes,
  readPlan,
  writeParagraphs,
} from '@grassroots/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  joinWorkspace,
  openBrowser,
  screenshot,
  startRelay,
  switchLanguage,
  waitSaved,
} from './harness.ts';
import { seedWorkspace, storedDoc } from './seed.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  relay = await startRelay();
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

/**
 * A village with a plan, a feedback log still called 新建民情日志 (with a street-light entry), the
 * roster and minutes of three months.
 */
async function seedVillage(name: string) {
  const index = createDoc();
  initIndex(index, { name });
  const docs: { id: string; doc: ReturnType<typeof createDoc> }[] = [];
  const list = (id: string, kind: 'plan' | 'minutes' | 'feedback' | 'roster', title: string) =>
    addDocEntry(index, { id, kind, title, createdAt: beijingInstant(2025, 1, 2, 9, 0) });

  const plan = createDoc();
  initPlan(plan, { title: '2025年驻村工作计划' });
  const spring = addPhase(plan, { title: '春耕备耕' });
  addTask(plan, { phaseId: spring, title: '维修三组水渠', owner: { name: '买买提' } });
  docs.push({ id: 'plan1', doc: plan });
  list('plan1', 'plan', '2025年驻村工作计划');

  const feedback = createDoc();
  initFeedbackLog(feedback, { title: '新建民情日志' });
  const entryId = addEntry(feedback, {
    receivedAt: beijingInstant(2025, 3, 5, 10, 0),
    channel: 'home-visit',
    category: 'infrastructure',
    summary: '三组村道路灯坏了三盏',
    urgency: 'normal',
  });
  addResponse(feedback, entryId, { at: beijingInstant(2025, 3, 6, 10, 0), text: '已请电工维修' });
  docs.push({ id: 'fb1', doc: feedback });
  list('fb1', 'feedback', '新建民情日志');

  const roster = createDoc();
  initRoster(roster, { title: '村组织名册' });
  docs.push({ id: ROSTER_DOC_ID, doc: roster });
  list(ROSTER_DOC_ID, 'roster', '村组织名册');

  const meetings = [
    ['m-jan', '一月支委会', 1],
    ['m-mar', '三月党员大会', 3],
    ['m-apr', '四月村民代表会议', 4],
  ] as const;
  for (const [id, title, month] of meetings) {
    const m = createDoc();
    initMinutes(m, {
      title,
      meetingType: 'party-members',
      startsAt: beijingInstant(2025, month, 10, 9, 30),
    });
    if (id === 'm-mar') {
      addDecision(m, { text: '同意从集体经济收入中列支三组自来水管道维修费' });
      writeParagraphs(
        m.getXmlFragment(MINUTES_BODY_FIELD),
        '会议由支部书记主持，首先传达了乡党委关于春耕生产的部署。\n大家讨论了三组自来水入户的进度，认为应在四月底前完成。',
      );
    }
    docs.push({ id, doc: m });
    list(id, 'minutes', title);
  }
  return seedWorkspace(relay.server, name, index, docs);
}

const card = (page: Page, docId: string) => page.locator(`li.doc-card[data-doc-id="${docId}"]`);
const sectionIds = (page: Page) =>
  page
    .locator('section.doc-section')
    .evaluateAll((els) =>
      els.map((el) => [
        el.getAttribute('data-section'),
        Array.from(el.querySelectorAll('li[data-doc-id]')).map((li) =>
          li.getAttribute('data-doc-id'),
        ),
      ]),
    );

async function storedIndexEntry(workspaceId: string, docId: string) {
  return readIndex(await storedDoc(relay.server, workspaceId, 'index')).docs.find(
    (d) => d.id === docId,
  );
}

describe('document lifecycle: list, search, rename, archive (IDX-2, IDX-8)', () => {
  it('IDX-8 the list pins the plan, the feedback log and the roster, groups minutes by month, searches entries and filters by kind', async () => {
    const seeded = await seedVillage('列表村');
    const b = await openBrowser({ width: 360, height: 800 });
    closers.push(b.close);
    const { page, context } = b;
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    await waitSaved(page);
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/docs`);
    await card(page, 'm-jan').waitFor();
    // Minutes' months come from their meeting day, newest first, after the pinned kinds.
    await expect
      .poll(() => sectionIds(page))
      .toEqual([
        ['pinned', ['plan1', 'fb1', ROSTER_DOC_ID]],
        ['month-2025-04', ['m-apr']],
        ['month-2025-03', ['m-mar']],
        ['month-2025-01', ['m-jan']],
      ]);
    expect(await page.locator('section[data-section="month-2025-04"] h2').textContent()).toBe(
      '2025年4月会议记录',
    );
    await screenshot(page, 'docs-list-360');

    // Search reaches a feedback log's entries (summary and response), not just titles.
    const search = page.getByRole('searchbox');
    await search.fill('路灯');
    await expect.poll(() => sectionIds(page)).toEqual([['pinned', ['fb1']]]);
    await search.fill('电工');
    await expect.poll(() => sectionIds(page)).toEqual([['pinned', ['fb1']]]);
    await search.fill('党员大会');
    await expect.poll(() => sectionIds(page)).toEqual([['month-2025-03', ['m-mar']]]);
    expect(await page.locator('.doc-count').textContent()).toBe('找到 1 份文档');
    await search.fill('路灯');
    await screenshot(page, 'docs-search-360');

    // Search reaches the minutes' decisions and body and the plan's tasks, and shows where the
    // word is in each (SEARCH-4); a card found by its title shows nothing more.
    const snippets = () =>
      page
        .locator('li.doc-card')
        .evaluateAll((cards) =>
          cards.map((c) => [
            c.getAttribute('data-doc-id'),
            c.querySelector('.doc-snippet')?.textContent ?? null,
            c.querySelector('.doc-snippet mark')?.textContent ?? null,
          ]),
        );
    await search.fill('自来水');
    await expect
      .poll(snippets)
      .toEqual([['m-mar', '同意从集体经济收入中列支三组自来水管道维修费', '自来水']]);
    await search.fill('春耕 党员大会');
    await expect
      .poll(snippets)
      .toEqual([['m-mar', '…部书记主持，首先传达了乡党委关于春耕生产的部署。', '春耕']]);
    await search.fill('水渠');
    await expect.poll(snippets).toEqual([['plan1', '维修三组水渠', '水渠']]);
    await search.fill('买买提');
    await expect.poll(() => sectionIds(page)).toEqual([['pinned', ['plan1']]]);
    await search.fill('党员大会');
    await expect.poll(snippets).toEqual([['m-mar', null, null]]);
    await search.fill('自来水');
    await page.locator('.doc-snippet mark').waitFor();
    await screenshot(page, 'docs-search-body-360');
    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(page, 'docs-search-body-1280');
    await page.setViewportSize({ width: 360, height: 800 });

    // Offline, the search works the same (it reads what the device keeps).
    await context.setOffline(true);
    await search.fill('三盏');
    await expect.poll(() => sectionIds(page)).toEqual([['pinned', ['fb1']]]);
    await context.setOffline(false);

    await search.fill('');
    await page.getByLabel('类型').selectOption('minutes');
    await expect
      .poll(() => sectionIds(page))
      .toEqual([
        ['month-2025-04', ['m-apr']],
        ['month-2025-03', ['m-mar']],
        ['month-2025-01', ['m-jan']],
      ]);
    await page.getByLabel('类型').selectOption('all');

    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(page, 'docs-list-1280');
    await switchLanguage(page, 'en');
    await expect
      .poll(() => page.locator('section[data-section="pinned"] h2').textContent())
      .toBe('Plans, feedback logs and roster');
    await screenshot(page, 'docs-list-en-1280');
    await page.setViewportSize({ width: 360, height: 800 });
    await screenshot(page, 'docs-list-en-360');
    await switchLanguage(page, 'zh-CN');
  });

  it('IDX-2 renames the feedback log from the list and the plan from its header: both titles change, for everyone', async () => {
    const seeded = await seedVillage('改名村');
    const b = await openBrowser({ width: 360, height: 800 });
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, await seeded.invite('editor'), '王队员');
    await waitSaved(page);
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/docs`);
    await card(page, 'fb1').getByRole('button', { name: '改名' }).click();
    const field = card(page, 'fb1').getByLabel('新名称');
    await expect.poll(() => field.inputValue()).toBe('新建民情日志');
    await field.fill('三组民情日志');
    await screenshot(page, 'docs-rename-360');
    await card(page, 'fb1').getByRole('button', { name: '保存' }).click();
    await expect
      .poll(() => card(page, 'fb1').locator('.doc-title').textContent())
      .toBe('三组民情日志');
    await waitSaved(page);
    await expect
      .poll(async () => (await storedIndexEntry(seeded.workspaceId, 'fb1'))?.title)
      .toBe('三组民情日志');
    await expect
      .poll(
        async () => readFeedbackLog(await storedDoc(relay.server, seeded.workspaceId, 'fb1')).title,
      )
      .toBe('三组民情日志');

    // From the editor's header.
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/d/plan1`);
    await page.locator('.doc-actions [data-action="rename"]').click();
    await page.getByLabel('新名称').fill('2025年驻村工作计划（修订）');
    await screenshot(page, 'doc-header-rename-360');
    await page.locator('.doc-rename').getByRole('button', { name: '保存' }).click();
    await page.locator('.doc-rename').waitFor({ state: 'detached' });
    await waitSaved(page);
    await expect
      .poll(async () => readPlan(await storedDoc(relay.server, seeded.workspaceId, 'plan1')).title)
      .toBe('2025年驻村工作计划（修订）');
    await expect
      .poll(async () => (await storedIndexEntry(seeded.workspaceId, 'plan1'))?.title)
      .toBe('2025年驻村工作计划（修订）');
    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(page, 'doc-header-1280');
  });

  it('IDX-2 an archived doc leaves the list, is still found by search, opens, keeps syncing and comes back when unarchived', async () => {
    const seeded = await seedVillage('归档村');
    const a = await openBrowser({ width: 360, height: 800 });
    closers.push(a.close);
    const { page } = a;
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    await waitSaved(page);
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/docs`);
    await card(page, 'm-jan').getByRole('button', { name: '归档' }).click();
    await card(page, 'm-jan').waitFor({ state: 'detached' });
    await waitSaved(page);
    expect((await storedIndexEntry(seeded.workspaceId, 'm-jan'))?.archived).toBe(true);

    await page.getByRole('searchbox').fill('一月');
    await expect.poll(() => sectionIds(page)).toEqual([['archived', ['m-jan']]]);
    await screenshot(page, 'docs-search-archived-360');
    await page.getByRole('searchbox').fill('');
    await page.getByLabel('显示已归档').check();
    await expect.poll(async () => (await sectionIds(page)).at(-1)).toEqual(['archived', ['m-jan']]);

    // Another device keeps syncing the archived doc: an edit there reaches this one.
    const other = await openBrowser({ width: 1280, height: 900 });
    closers.push(other.close);
    await joinWorkspace(other.page, await seeded.invite('editor'), '王队员');
    await other.page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/d/m-jan`);
    await other.page.locator('.doc-archived-badge').waitFor();
    await screenshot(other.page, 'doc-archived-1280');

    await card(page, 'm-jan').locator('a.card-link').click();
    await page.locator('.doc-archived-badge').waitFor();
    await screenshot(page, 'doc-archived-360');
    await other.page.locator('.doc-actions [data-action="rename"]').click();
    await other.page.getByLabel('新名称').fill('一月支委会（补记）');
    await other.page.locator('.doc-rename').getByRole('button', { name: '保存' }).click();
    await waitSaved(other.page);
    await expect
      .poll(() => page.locator('[name="minutesTitle"]').inputValue())
      .toBe('一月支委会（补记）');

    await page.locator('.doc-actions [data-action="unarchive"]').click();
    await page.locator('.doc-archived-badge').waitFor({ state: 'detached' });
    await waitSaved(page);
    expect((await storedIndexEntry(seeded.workspaceId, 'm-jan'))?.archived).toBe(false);
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/docs`);
    await expect
      .poll(async () => (await sectionIds(page)).find(([s]) => s === 'month-2025-01'))
      .toEqual(['month-2025-01', ['m-jan']]);
  });
});

describe('deleting a document (DEL-1, DEL-3, GONE-1)', () => {
  it('DEL-1 GONE-1 an admin deletes after confirming; an editor with it open is told and keeps what it shows; the admin restores it', async () => {
    const seeded = await seedVillage('删除村');
    const admin = await openBrowser({ width: 360, height: 800 });
    closers.push(admin.close);
    const editor = await openBrowser({ width: 1280, height: 900 });
    closers.push(editor.close);
    await joinWorkspace(admin.page, await seeded.invite('admin'), '李书记');
    await joinWorkspace(editor.page, await seeded.invite('editor'), '王队员');
    await waitSaved(admin.page);
    await waitSaved(editor.page);
    const docUrl = `${relay.server.url}/#/w/${seeded.workspaceId}/d/m-mar`;

    // Editors have no delete action.
    await editor.page.goto(docUrl);
    await editor.page.locator('.doc-actions [data-action="rename"]').waitFor();
    expect(await editor.page.locator('.doc-actions [data-action="delete"]').count()).toBe(0);
    const titleInput = editor.page.locator('[name="minutesTitle"]');
    await expect.poll(() => titleInput.inputValue()).toBe('三月党员大会');

    await admin.page.goto(docUrl);
    const del = admin.page.locator('.doc-actions [data-action="delete"]');
    await del.click();
    const dialog = admin.page.locator('dialog.confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.locator('.confirm-message').textContent()).toContain('“三月党员大会”');
    await screenshot(admin.page, 'doc-delete-confirm-360');
    // Cancelling deletes nothing.
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await storedIndexEntry(seeded.workspaceId, 'm-mar')).toBeDefined();

    await del.click();
    await dialog.getByRole('button', { name: '删除' }).click();
    // The admin lands on the list, where the deleted doc waits under 已删除 with 恢复.
    const deletedCard = admin.page.locator(
      'section[data-section="deleted"] li[data-doc-id="m-mar"]',
    );
    await deletedCard.waitFor();
    expect(await deletedCard.textContent()).toContain('李书记');
    expect(await card(admin.page, 'm-mar').count()).toBe(1); // only the deleted one
    await deletedCard.scrollIntoViewIfNeeded();
    await screenshot(admin.page, 'docs-deleted-section-360');
    expect(await storedIndexEntry(seeded.workspaceId, 'm-mar')).toBeUndefined();

    // The editor, with the doc open, is told; what it shows stays, read-only.
    const notice = editor.page.locator('.doc-gone-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('已被管理员删除');
    expect(await titleInput.inputValue()).toBe('三月党员大会');
    expect(await titleInput.isEditable()).toBe(false);
    // Nothing is left waiting to sync: the badge says saved, not syncing forever.
    await waitSaved(editor.page);
    expect(await editor.page.locator('.doc-actions a', { hasText: '历史记录' }).count()).toBe(0);
    await screenshot(editor.page, 'doc-deleted-notice-1280');
    await editor.page.setViewportSize({ width: 360, height: 800 });
    await screenshot(editor.page, 'doc-deleted-notice-360');
    // The editor's list (another tab) no longer has it, and shows no deleted section.
    const list = await editor.context.newPage();
    await list.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/docs`);
    await card(list, 'm-apr').waitFor();
    expect(await card(list, 'm-mar').count()).toBe(0);
    expect(await list.locator('section[data-section="deleted"]').count()).toBe(0);

    await admin.page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(admin.page, 'docs-deleted-section-1280');
    await deletedCard.getByRole('button', { name: '恢复' }).click();
    await deletedCard.waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await storedIndexEntry(seeded.workspaceId, 'm-mar'))?.title)
      .toBe('三月党员大会');
    await card(list, 'm-mar').waitFor();
    await card(admin.page, 'm-mar').waitFor();
    // The editor that kept it open is told no more and edits it again, saved on the server.
    await notice.waitFor({ state: 'detached' });
    await expect.poll(() => titleInput.isEditable()).toBe(true);
    await titleInput.fill('三月党员大会（恢复）');
    await waitSaved(editor.page);
    await expect
      .poll(
        async () => readMinutes(await storedDoc(relay.server, seeded.workspaceId, 'm-mar')).title,
      )
      .toBe('三月党员大会（恢复）');
  });
});

import { existsSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import type { RunningServer } from '@grassroots/server';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientDist,
  createWorkspaceWithInvite,
  joinWorkspace,
  openBrowser,
  screenshot,
  startRelay,
  waitSaved,
} from './harness.ts';
import { seedDemo } from './seed.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
let server: RunningServer;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  if (!existsSync(joinPath(clientDist, 'index.html'))) {
    throw new Error('client/dist is missing: run `corepack pnpm build` before the e2e tests');
  }
  relay = await startRelay();
  server = relay.server;
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
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

/** Admin joins a new workspace and creates a doc of a kind; returns the doc's URL. */
async function adminWithDoc(
  page: Page,
  kind: 'plan' | 'minutes' | 'feedback',
): Promise<{ workspaceId: string; docUrl: string }> {
  const { workspaceId, adminInviteUrl } = await createWorkspaceWithInvite(server, '测试村');
  await joinWorkspace(page, adminInviteUrl, '李书记');
  await page.goto(`${server.url}/#/w/${workspaceId}/docs`);
  const label = { plan: '新建工作计划', minutes: '新建会议记录', feedback: '新建民情日志' }[kind];
  await page.getByRole('button', { name: label }).click();
  await page.locator('.editor').waitFor();
  return { workspaceId, docUrl: page.url() };
}

/** The editor's text without the carets of others drawn into it. */
function bodyText(page: Page): Promise<string> {
  return page.locator('.ProseMirror').evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    for (const c of copy.querySelectorAll('.collaboration-carets__caret')) c.remove();
    return copy.textContent ?? '';
  });
}

describe('client in Chromium', () => {
  it('a fresh visitor with an invite link joins and sees the workspace', async () => {
    const { workspaceId, adminInviteUrl } = await createWorkspaceWithInvite(server, '红旗村');
    const { page } = await browser(360);
    await page.goto(adminInviteUrl);
    await expect(page.locator('h1').textContent()).resolves.toContain('加入工作区');
    await page.locator('input[name="displayName"]').fill('王会计');
    await page.locator('button[type="submit"]').click();
    await page.locator('.brand-name', { hasText: '红旗村' }).waitFor();
    expect(page.url()).toContain(`#/w/${workspaceId}`);
    expect(page.url()).not.toContain('join');
    await waitSaved(page);
    // The device remembers it: the home page lists it after a reload.
    await page.goto(`${server.url}/#/`);
    await page.locator('.card', { hasText: '红旗村' }).waitFor();
  });

  it('an invalid invite link says so instead of joining', async () => {
    const { page } = await browser();
    await page.goto(`${server.url}/#/join/gri_not-a-real-token-123`);
    // Said before anyone types a name, with no form to fill in.
    await page.locator('[role="alert"]').waitFor();
    await expect(page.locator('[role="alert"]').textContent()).resolves.toMatch(/无效|过期/);
    expect(await page.locator('input[name="displayName"]').count()).toBe(0);
  });

  it('two people co-draft minutes live and both see the same text and each other', async () => {
    const a = await browser();
    const { workspaceId, docUrl } = await adminWithDoc(a.page, 'minutes');
    const b = await browser();
    await joinWorkspace(b.page, await inviteUrl(workspaceId, 'editor'), '王会计');
    await b.page.goto(docUrl);
    await b.page.locator('.ProseMirror').waitFor();
    await a.page.locator('.ProseMirror').waitFor();
    // Both see each other in the presence bar.
    await a.page.locator('.presence-person', { hasText: '王会计' }).waitFor();
    await b.page.locator('.presence-person', { hasText: '李书记' }).waitFor();
    // Each in the colour of their place among the members (the first admin, then the editor):
    // never the same two, as a hash of their ids could give.
    const colourOf = (page: typeof a.page, name: string) =>
      page
        .locator('.presence-person', { hasText: name })
        .evaluate((el) => (el as HTMLElement).style.getPropertyValue('--person-color'));
    expect(await colourOf(a.page, '王会计')).toBe('#1d4ed8');
    expect(await colourOf(b.page, '李书记')).toBe('#b91c1c');
    await a.page.locator('.ProseMirror').click();
    await a.page.keyboard.type('会议决定修路。');
    await b.page.locator('.ProseMirror', { hasText: '会议决定修路。' }).waitFor();
    await b.page.locator('.ProseMirror').click();
    await b.page.keyboard.press('End');
    await b.page.keyboard.type('资金由村集体筹措。');
    await a.page.locator('.ProseMirror', { hasText: '资金由村集体筹措。' }).waitFor();
    // The other person's caret is drawn with their name.
    await a.page.locator('.collaboration-carets__label', { hasText: '王会计' }).waitFor();
    // A structured field edited on one side shows on the other.
    await b.page.locator('input[name="place"]').fill('村委会议室');
    await expect
      .poll(() => a.page.locator('input[name="place"]').inputValue(), { timeout: 10_000 })
      .toBe('村委会议室');
    const textA = await bodyText(a.page);
    const textB = await bodyText(b.page);
    expect(textA).toContain('会议决定修路。');
    expect(textA).toBe(textB);
    await waitSaved(a.page);
    await waitSaved(b.page);
  });

  it('edits made offline survive a reload and reach the other device on reconnect', async () => {
    const a = await browser();
    const { workspaceId, docUrl } = await adminWithDoc(a.page, 'plan');
    await waitSaved(a.page);
    const b = await browser();
    await joinWorkspace(b.page, await inviteUrl(workspaceId, 'editor'), '王会计');
    await b.page.goto(docUrl);
    await b.page.locator('.plan-editor').waitFor();

    await a.context.setOffline(true);
    await a.page.locator('.sync-badge[data-state="offline"]').waitFor();
    await a.page.getByRole('button', { name: '添加阶段' }).click();
    await a.page.locator('input[name="phaseTitle"]').first().fill('春耕阶段');
    await a.page.getByRole('button', { name: '添加任务' }).click();
    await a.page.locator('input[name="taskTitle"]').first().fill('修缮灌渠');
    // What waits is counted in documents, which a person can match to what they did (it counted
    // every key's change).
    await expect
      .poll(() => a.page.locator('.sync-badge').textContent())
      .toBe('离线 · 1 份文档待同步');
    expect(
      Number(await a.page.locator('.sync-badge').getAttribute('data-pending')),
    ).toBeGreaterThan(1);

    await a.page.reload();
    await a.page.locator('.plan-editor').waitFor();
    await expect
      .poll(() => a.page.locator('input[name="phaseTitle"]').first().inputValue())
      .toBe('春耕阶段');
    await expect(a.page.locator('input[name="taskTitle"]').first().inputValue()).resolves.toBe(
      '修缮灌渠',
    );
    await expect(a.page.locator('.sync-badge').textContent()).resolves.toMatch(/离线.*待同步/);
    // Nothing reached the other device while offline.
    expect(await b.page.locator('input[name="phaseTitle"]').count()).toBe(0);

    await a.context.setOffline(false);
    await b.page.locator('input[name="taskTitle"]').first().waitFor({ timeout: 20_000 });
    await expect
      .poll(() => b.page.locator('input[name="taskTitle"]').first().inputValue())
      .toBe('修缮灌渠');
    await expect(b.page.locator('input[name="phaseTitle"]').first().inputValue()).resolves.toBe(
      '春耕阶段',
    );
    await waitSaved(a.page);
  });

  it('a new feedback log says how it starts, not that a filter found nothing', async () => {
    const { page } = await browser(360);
    await adminWithDoc(page, 'feedback');
    const empty = page.locator('.editor p.empty');
    await expect
      .poll(() => empty.textContent())
      .toBe('还没有登记民情。群众反映的问题、提出的诉求，点上面的“登记民情”记下来。');
    expect(await empty.getAttribute('data-empty')).toBe('log');
  });

  it('PLAN-11 a task due outside its phase says so beside it, and stops once the day is inside', async () => {
    const { page } = await browser(360);
    await adminWithDoc(page, 'plan');
    await page.getByRole('button', { name: '添加阶段' }).click();
    await page.locator('input[name="phaseStart"]').fill('2027-01-01');
    await page.locator('input[name="phaseEnd"]').fill('2027-03-31');
    await page.getByRole('button', { name: '添加任务' }).click();
    const due = page.locator('input[name="due"]').first();
    await due.fill('2026-11-30');
    const outside = page.locator('.task [data-outside-phase]');
    await expect
      .poll(() => outside.textContent())
      .toBe('截止日期不在本阶段（2027-01-01 至 2027-03-31）内');
    await outside.scrollIntoViewIfNeeded();
    await screenshot(page, 'plan-due-outside-phase-zh-360');
    await due.fill('2027-02-15');
    await expect.poll(() => outside.count()).toBe(0);
  });

  it('a viewer sees documents but has no way to change them', async () => {
    const a = await browser();
    const { workspaceId, docUrl } = await adminWithDoc(a.page, 'plan');
    await a.page.getByRole('button', { name: '添加阶段' }).click();
    await a.page.locator('input[name="phaseTitle"]').first().fill('秋收阶段');
    await waitSaved(a.page);

    const v = await browser(360);
    await joinWorkspace(v.page, await inviteUrl(workspaceId, 'viewer'), '乡镇审阅');
    await v.page.locator('.readonly-banner').waitFor();
    await v.page.goto(`${server.url}/#/w/${workspaceId}/docs`);
    await v.page.locator('.doc-list .card').first().waitFor();
    expect(await v.page.getByRole('button', { name: '新建工作计划' }).count()).toBe(0);
    await v.page.goto(docUrl);
    await expect
      .poll(() => v.page.locator('[name="phaseTitle"]').first().inputValue())
      .toBe('秋收阶段');
    expect(await v.page.getByRole('button', { name: '添加阶段' }).count()).toBe(0);
    expect(await v.page.getByRole('button', { name: '添加任务' }).count()).toBe(0);
    expect(
      await v.page.locator('[name="phaseTitle"]').first().getAttribute('readonly'),
    ).not.toBeNull();
    await v.page.locator('.ProseMirror').waitFor();
    expect(await v.page.locator('.ProseMirror').getAttribute('contenteditable')).toBe('false');
    expect(await v.page.locator('.rich-toolbar').count()).toBe(0);
    // Typing into a read-only field changes nothing anywhere.
    await v.page.locator('[name="phaseTitle"]').first().press('End');
    await v.page.keyboard.type('改');
    expect(await v.page.locator('[name="phaseTitle"]').first().inputValue()).toBe('秋收阶段');
    // A viewer sees who the members are, with nothing to change (tests/e2e/members.test.ts).
    // By its address: a tap on the tab here once left the plan on screen for 30 s in CI (not
    // seen again in six runs here, three of them instrumented).
    await v.page.goto(`${server.url}/#/w/${workspaceId}/members`);
    await v.page.locator('.member-row').first().waitFor();
    expect(await v.page.locator('.member-row select, .member-row button').count()).toBe(0);
    expect(await v.page.getByRole('button', { name: '生成邀请链接' }).count()).toBe(0);
  });

  it('the overview keeps its rows when the data under them is recomputed (only rows that change are redrawn)', async () => {
    const seeded = await seedDemo(server, { seed: 7, start: '2025-01-01' });
    const b = await openBrowser();
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    await waitSaved(page);
    await page.locator('[data-testid="minutes-not-here"]').waitFor({ state: 'detached' });
    await page.locator('[aria-labelledby="dash-plans"] li').first().waitFor();
    await page.locator('[aria-labelledby="dash-feedback"] li').first().waitFor();
    const meetingRows = page.locator('[aria-labelledby="dash-meetings"] li');
    const rulesBefore = (await meetingRows.allTextContents()).join('\n');
    // The rows as they are now, kept to compare with after the recompute.
    await page.evaluate(() => {
      const w = window as unknown as Record<string, Element | null>;
      w.planRow = document.querySelector('[aria-labelledby="dash-plans"] li');
      w.feedbackRow = document.querySelector('[aria-labelledby="dash-feedback"] li');
    });
    // Another meeting cadence: the index changes, the overview recomputes, the meeting rules
    // differ; the plans and the feedback waiting are the same as before.
    const preset = page.locator('[aria-labelledby="dash-meetings"] select');
    await preset.selectOption((await preset.inputValue()) === 'national' ? 'seed' : 'national');
    await expect
      .poll(async () => (await meetingRows.allTextContents()).join('\n'))
      .not.toBe(rulesBefore);
    const kept = await page.evaluate(() => {
      const w = window as unknown as Record<string, Element | null>;
      return { plan: w.planRow?.isConnected, feedback: w.feedbackRow?.isConnected };
    });
    expect(kept).toEqual({ plan: true, feedback: true });
  });
});

import {
  addPhase,
  addTask,
  beijingInstant,
  createDoc,
  initMinutes,
  initPlan,
  readMinutes,
  readPlan,
} from '@grassroots/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinWorkspace, openBrowser, screenshot, startRelay, waitSaved } from './harness.ts';
import { seedDocs, storedDoc } from './seed.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  relay = await startRelay();
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

describe('removing votes and action items from minutes (MIN-13), tasks and phases from a plan', () => {
  it('asks first, removes the vote and the action item, and they stay removed after a reload', async () => {
    const minutes = createDoc();
    initMinutes(minutes, {
      title: '四月党员大会',
      meetingType: 'party-members',
      startsAt: beijingInstant(2025, 4, 10, 9, 30),
    });
    const plan = createDoc();
    initPlan(plan, { title: '2025年工作计划' });
    const phase = addPhase(plan, { title: '第一季度' });
    addTask(plan, { phaseId: phase, title: '入户走访' });
    addTask(plan, { phaseId: phase, title: '修路' });
    const seeded = await seedDocs(relay.server, '删除村', [
      { id: 'minutes1', kind: 'minutes', doc: minutes },
      { id: 'plan1', kind: 'plan', doc: plan },
    ]);
    const b = await openBrowser({ width: 360, height: 800 });
    closers.push(b.close);
    const { page } = b;
    const questions: string[] = [];
    let answer = false;
    page.on('dialog', (d) => {
      questions.push(d.message());
      void (answer ? d.accept() : d.dismiss());
    });
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    await waitSaved(page);
    const url = `${relay.server.url}/#/w/${seeded.workspaceId}/d/minutes1`;
    await page.goto(url);

    await page.getByLabel('表决事项').fill('村道硬化工程');
    await page.getByRole('button', { name: '添加表决' }).click();
    await page.getByLabel('表决事项').fill('修建文化室');
    await page.getByRole('button', { name: '添加表决' }).click();
    const votes = page.locator('li.vote');
    await expect.poll(() => votes.count()).toBe(2);
    await page.getByLabel('做什么').fill('联系施工队');
    await page.getByRole('button', { name: '添加任务' }).click();
    const actions = page.locator('li.action-item');
    await expect.poll(() => actions.count()).toBe(1);
    await waitSaved(page);

    const removeVote = page.getByRole('button', { name: '删除表决：村道硬化工程' });
    await removeVote.scrollIntoViewIfNeeded();
    await screenshot(page, 'minutes-votes-remove-360');

    // Saying no keeps the vote.
    await removeVote.click();
    expect(questions).toEqual(['删除表决“村道硬化工程”吗？指向它的决定会保留，但需要重新关联。']);
    expect(await votes.count()).toBe(2);

    answer = true;
    await removeVote.click();
    await expect.poll(() => votes.count()).toBe(1);
    expect(await votes.first().locator('strong').textContent()).toBe('修建文化室');
    await page.getByRole('button', { name: '删除会后任务：联系施工队' }).click();
    await expect.poll(() => actions.count()).toBe(0);
    await waitSaved(page);

    const stored = readMinutes(await storedDoc(relay.server, seeded.workspaceId, 'minutes1'));
    expect(stored.votes.map((v) => v.motion)).toEqual(['修建文化室']);
    expect(stored.actionItems).toEqual([]);

    await page.reload();
    await page.locator('li.vote').first().waitFor();
    expect(await page.locator('li.vote strong').allTextContents()).toEqual(['修建文化室']);
    expect(await page.locator('li.action-item').count()).toBe(0);

    // A plan's task and phase are asked about too (a tap on the small 删除 beside 评论 removed
    // the task at once).
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/d/plan1`);
    const tasks = page.locator('.task-row');
    await expect.poll(() => tasks.count()).toBe(2);
    answer = false;
    questions.length = 0;
    await page.getByRole('button', { name: '删除任务：修路' }).click();
    expect(questions).toEqual(['删除任务“修路”吗？']);
    expect(await tasks.count()).toBe(2);
    answer = true;
    await page.getByRole('button', { name: '删除任务：修路' }).click();
    await expect.poll(() => tasks.count()).toBe(1);
    // Focus goes on to the task left, not back to the top of the page.
    await expect
      .poll(() =>
        page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value ?? null),
      )
      .toBe('入户走访');
    answer = false;
    await page.getByRole('button', { name: '删除阶段' }).click();
    expect(questions.at(-1)).toBe(
      '删除阶段“第一季度”吗？其中的 1 项任务会移到“未归入阶段的任务”。',
    );
    answer = true;
    await page.getByRole('button', { name: '删除阶段' }).click();
    await waitSaved(page);
    await expect
      .poll(async () => {
        const stored = readPlan(await storedDoc(relay.server, seeded.workspaceId, 'plan1'));
        return [stored.phases.length, stored.unassigned.map((t) => t.title)];
      })
      .toEqual([0, ['入户走访']]);
  });
});

import { readMinutes, readPlan } from '@grassroots/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinWorkspace, openBrowser, startRelay } from './harness.ts';
import { DRAFT_MINUTES_ID, seedDemoWithDraft, storedDoc } from './seed.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;

beforeAll(async () => {
  relay = await startRelay();
  browser = await openBrowser({ width: 360, height: 740 });
});

afterAll(async () => {
  await browser?.close();
  await relay?.cleanup();
});

describe('an action item turned into a plan task', () => {
  it('reaches the relay at once, without anyone opening the plan', async () => {
    const seeded = await seedDemoWithDraft(relay.server, {
      seed: 5,
      start: '2025-01-01',
      docs: 3,
      entries: 4,
    });
    const planId = seeded.demo.docs.find((d) => d.kind === 'plan')!.id;
    const { page } = browser;
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/d/${DRAFT_MINUTES_ID}`);
    const what = '公示施工方案';
    await page.locator('input[name="newAction"]').fill(what);
    await page.locator('input[name="newAction"]').press('Enter');
    const item = page.locator('.action-item', { hasText: what });
    await item.getByRole('button', { name: '转为计划任务' }).click();
    await item.locator('.tag.ok').waitFor();
    // The button is gone: focus is on what replaced it, not at the top of the page.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.hasAttribute('data-in-plan')))
      .toBe(true);

    // The plan was never opened on this device: the task goes out in the background (it waited
    // for someone to open the plan, the save badge saying 1 change unconfirmed meanwhile).
    const tasksOnRelay = async () => {
      const plan = readPlan(await storedDoc(relay.server, seeded.workspaceId, planId));
      return [...plan.phases.flatMap((p) => p.tasks), ...plan.unassigned].map((t) => t.title);
    };
    await expect.poll(tasksOnRelay, { timeout: 15_000 }).toContain(what);
    const minutes = readMinutes(
      await storedDoc(relay.server, seeded.workspaceId, DRAFT_MINUTES_ID),
    );
    expect(minutes.actionItems.find((a) => a.what === what)?.planTask).toBeTruthy();
    await expect.poll(() => page.locator('.sync-badge').getAttribute('data-state')).toBe('saved');

    // "已转入计划" leads to the task in the plan: its phase open, its title focused.
    await item.locator('[data-in-plan]').click();
    await expect.poll(() => page.url()).toContain(`/d/${planId}?entry=`);
    await expect
      .poll(() =>
        page.evaluate(() =>
          document.activeElement?.getAttribute('name') === 'taskTitle'
            ? (document.activeElement as HTMLInputElement).value
            : null,
        ),
      )
      .toBe(what);
  });
});

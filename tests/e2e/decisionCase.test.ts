import type { RunningServer } from '@grassroots/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinWorkspace, openBrowser, startRelay, waitSaved } from './harness.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
let server: RunningServer;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  relay = await startRelay();
  server = relay.server;
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

describe('四议两公开 case', () => {
  it('is created on the overview and traces a decision linked to it from the minutes', async () => {
    const created = await server.auth.createWorkspace('议事村');
    const ws = created.workspace.id;
    const b = await openBrowser();
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, `${server.url}/#/join/${created.inviteToken}`, '李书记');

    // A case, opened on the overview.
    await page.locator('input[name="caseTitle"]').fill('村道硬化');
    await page.getByRole('button', { name: '新建事项' }).click();
    const caseBlock = page.locator('.case', { hasText: '村道硬化' });
    await caseBlock.waitFor();
    await expect.poll(() => caseBlock.locator('.case-step[data-done="true"]').count()).toBe(0);

    // A party members' meeting whose decision was recorded before the case was linked.
    await page.goto(`${server.url}/#/w/${ws}/docs`);
    await page.getByRole('button', { name: '新建会议记录' }).click();
    await page.locator('select[name="meetingType"]').selectOption('party-members');
    await page.locator('input[name="startsAt"]').fill('2025-03-05T09:30');
    await page.locator('input[name="startsAt"]').dispatchEvent('change');
    await page.getByLabel('决定内容').last().fill('同意硬化三组村道');
    await page.getByRole('button', { name: '添加决定' }).click();
    const decision = page.locator('li.decision').first();
    await decision.locator('select[name="decisionCase"]').selectOption({ label: '村道硬化' });
    // Linking picks the step this kind of meeting performs: 审议 for a party members' meeting.
    await expect
      .poll(() => decision.locator('select[name="decisionStep"]').inputValue())
      .toBe('review');
    await waitSaved(page);

    await page.goto(`${server.url}/#/w/${ws}`);
    const review = caseBlock.locator('.case-step[data-step="review"]');
    await expect.poll(() => review.getAttribute('data-done')).toBe('true');
    expect(await review.textContent()).toContain('2025-03-05');
    expect(await review.textContent()).toContain('党员大会');
    // No vote was recorded for the review: the trace says so, and names the next step.
    await caseBlock.locator('[data-issue="no-vote"]').waitFor();
    expect(await caseBlock.textContent()).toContain('下一步：提议');
    await caseBlock.locator('a', { hasText: '查看会议记录' }).click();
    await page.locator('select[name="decisionCase"]').waitFor();
  });
});

import type { RunningServer } from '@grassroots/server';
import { beijingParts } from '@grassroots/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  joinWorkspace,
  openBrowser,
  screenshot,
  startRelay,
  switchLanguage,
  waitSaved,
} from './harness.ts';

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
    // DEC-9: the record is still a draft, and the case says so beside the step.
    expect(await review.locator('[data-record-state="draft"]').textContent()).toBe('记录未定稿');
    // No vote was recorded for the review: the trace says so, and names the next step.
    await caseBlock.locator('[data-issue="no-vote"]').waitFor();
    expect(await caseBlock.textContent()).toContain('下一步：提议');
    await caseBlock.locator('a', { hasText: '查看会议记录' }).click();
    await page.locator('select[name="decisionCase"]').waitFor();
  });

  it('DEC-8 refuses a publication dated after today beside the date, and empties the form once one is saved', async () => {
    const created = await server.auth.createWorkspace('公开村');
    const b = await openBrowser({ width: 360, height: 800 });
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, `${server.url}/#/join/${created.inviteToken}`, '王主任');
    await page.locator('input[name="caseTitle"]').fill('修建文化广场');
    await page.getByRole('button', { name: '新建事项' }).click();
    const caseBlock = page.locator('.case', { hasText: '修建文化广场' });
    await caseBlock.waitFor();

    // PUB-8: nothing resolved yet, so the board's hint does not promise a 决议公开.
    await caseBlock.locator('details.case-board > summary').click();
    expect(await caseBlock.locator('.publish-to-board').textContent()).toContain(
      '决议尚未表决通过，发布时不登记“决议公开”。',
    );
    await caseBlock.locator('details.case-board > summary').click();

    const pad = (n: number) => String(n).padStart(2, '0');
    const dayOf = (at: number) => {
      const p = beijingParts(at);
      return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
    };
    const today = dayOf(Date.now());
    const tomorrow = dayOf(Date.now() + 86_400_000);
    await caseBlock.locator('details.case-publish > summary').click();
    const form = caseBlock.locator('details.case-publish form');
    await form.locator('input[name="publicAt"]').fill(tomorrow);
    await form.locator('input[name="publicWhere"]').fill('村务公开栏');
    await form.getByRole('button', { name: '登记公开' }).click();
    const error = form.locator('.field-with-error [role="alert"]');
    await error.waitFor();
    expect(await error.textContent()).toBe(
      `公开日期不能晚于今天（${today}）。尚未公开的，请在公开后再登记。`,
    );
    expect(await form.locator('input[name="publicAt"]').getAttribute('aria-describedby')).toBe(
      await error.getAttribute('id'),
    );
    await screenshot(page, 'case-publish-future-360-zh');
    expect(await caseBlock.locator('[data-publication-id]').count()).toBe(0);
    expect(
      await caseBlock
        .locator('.case-step[data-step="resolution-public"]')
        .getAttribute('data-done'),
    ).toBe('false');

    // Today is accepted; the form empties so the same publication is not registered twice.
    await form.locator('input[name="publicAt"]').fill(today);
    await expect.poll(() => error.count()).toBe(0);
    await form.locator('select[name="publicStep"]').selectOption('result-public');
    await form.getByRole('button', { name: '登记公开' }).click();
    await expect.poll(() => caseBlock.locator('[data-publication-id]').count()).toBe(1);
    expect(
      await caseBlock.locator('.case-step[data-step="result-public"]').getAttribute('data-done'),
    ).toBe('true');
    expect(await form.locator('input[name="publicAt"]').inputValue()).toBe('');
    expect(await form.locator('input[name="publicWhere"]').inputValue()).toBe('');
    expect(await form.locator('select[name="publicStep"]').inputValue()).toBe('resolution-public');

    await switchLanguage(page, 'ug');
    await form.locator('input[name="publicAt"]').fill(tomorrow);
    await form.locator('input[name="publicWhere"]').fill('تاختا');
    await form.locator('button[type="submit"]').click();
    await error.waitFor();
    await error.scrollIntoViewIfNeeded();
    await screenshot(page, 'case-publish-future-360-ug');
    // The date keeps its digits in order inside the right-to-left sentence.
    const drawn = await error.evaluate((el, day) => {
      const node = el.firstChild as Text;
      const at = node.data.indexOf(day);
      const left = (i: number) => {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        return range.getBoundingClientRect().left;
      };
      return { first: left(at), last: left(at + day.length - 1) };
    }, today);
    expect(drawn.first).toBeLessThan(drawn.last);
  });
});

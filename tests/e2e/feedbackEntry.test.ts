import { existsSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import {
  addEntry,
  beijingInstant,
  createDoc,
  dueAtOf,
  initFeedbackLog,
  lastInstantOfBeijingDate,
  ledgerDays,
  moveStatus,
  readFeedbackLog,
} from '@grassroots/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientDist,
  joinWorkspace,
  openBrowser,
  screenshot,
  startRelay,
  switchLanguage,
  waitSaved,
} from './harness.ts';
import { seedDocs, storedDoc } from './seed.ts';

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

/** The browser's clock: 2 December 2026, 09:00 in Beijing. */
const NOW = beijingInstant(2026, 12, 2, 9, 0);

describe('a feedback entry’s registration', () => {
  it('AGE-2 the dashboard’s 需要关注的民情 and the log’s 只看逾期 list the same entries; one resolved but never visited says 回访超期, not 逾期', async () => {
    const log = createDoc();
    initFeedbackLog(log, { title: '民情日志' });
    const entry = (id: string, summary: string, receivedAt: number) =>
      addEntry(log, {
        id,
        receivedAt,
        channel: 'phone',
        category: 'other',
        summary,
        urgency: 'normal',
      });
    // Due 11-08, still open: overdue.
    entry('late', '村道路灯不亮', beijingInstant(2026, 11, 1, 10, 0));
    // Resolved 11-05, never visited: its answer-back was due 11-08.
    entry('unvisited', '水渠堵了', beijingInstant(2026, 11, 1, 10, 0));
    moveStatus(log, 'unvisited', 'resolved', { at: beijingInstant(2026, 11, 5, 10, 0) });
    // Neither: due 12-08; resolved yesterday, its visit not due yet.
    entry('fresh', '新修的路有裂缝', beijingInstant(2026, 12, 1, 10, 0));
    entry('just-resolved', '低保名单公示', beijingInstant(2026, 11, 28, 10, 0));
    moveStatus(log, 'just-resolved', 'resolved', { at: beijingInstant(2026, 12, 1, 10, 0) });
    const ws = await seedDocs(relay.server, '回访村', [{ id: 'fb', kind: 'feedback', doc: log }]);
    const { page, close } = await openBrowser({ width: 360, height: 780 });
    closers.push(close);
    await page.clock.setFixedTime(NOW);
    await joinWorkspace(page, await ws.invite('editor'), '李秀英');
    const visitDays = ledgerDays(beijingInstant(2026, 11, 8, 10, 0), NOW);
    await page.goto(`${relay.server.url}/#/w/${ws.workspaceId}`);
    await expect
      .poll(() => page.locator('[data-feedback-total]').getAttribute('data-feedback-total'))
      .toBe('2');
    expect(await page.locator('li', { hasText: '水渠堵了' }).locator('.small').textContent()).toBe(
      `已办结未回访 · 回访超期 ${visitDays} 天`,
    );
    await screenshot(page, 'dash-visit-overdue-360');
    await page.goto(`${relay.server.url}/#/w/${ws.workspaceId}/d/fb`);
    await page.locator('.entry-row').first().waitFor();
    await page.getByLabel('只看逾期').check();
    await expect
      .poll(() =>
        page
          .locator('.entry-row')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-entry-id')).sort()),
      )
      .toEqual(['late', 'unvisited']);
    expect(
      await page
        .locator('.entry-row[data-entry-id="unvisited"] [data-visit-overdue-days]')
        .textContent(),
    ).toBe(`回访超期 ${visitDays} 天`);
    await screenshot(page, 'fb-visit-overdue-360');
  });

  it('FB-6 an empty 交办 department or an empty 回复 is said next to its form, which stays open', async () => {
    const log = createDoc();
    initFeedbackLog(log, { title: '民情日志' });
    addEntry(log, {
      id: 'e1',
      receivedAt: beijingInstant(2026, 11, 30, 10, 0),
      source: '三组 王家',
      channel: 'phone',
      category: 'infrastructure',
      summary: '村东头水渠堵了',
      urgency: 'normal',
    });
    const ws = await seedDocs(relay.server, '交办村', [{ id: 'fb', kind: 'feedback', doc: log }]);
    const { page, close } = await openBrowser({ width: 360, height: 780 });
    closers.push(close);
    await joinWorkspace(page, await ws.invite('editor'), '李秀英');
    await page.goto(`${relay.server.url}/#/w/${ws.workspaceId}/d/fb`);
    await page.locator('.fb-summary .fb-open').first().click();
    for (const [step, message] of [
      ['relay', '请填写交办的部门。'],
      ['respond', '请填写回复内容。'],
    ] as const) {
      await page.locator(`.entry-details button[name="step-${step}"]`).first().click();
      const form = page.locator(`form.fb-${step}`);
      await form.locator('button[type="submit"]').click();
      // Said (it did nothing at all), in view beside the form, which stays open to be filled.
      const error = page.locator('.op-error', { hasText: message });
      await expect.poll(() => error.count()).toBe(1);
      expect(await error.isVisible()).toBe(true);
      expect(await form.isVisible()).toBe(true);
      await screenshot(page, `fb-empty-${step}-360`);
    }
    // Nothing was recorded for either.
    const stored = readFeedbackLog(await storedDoc(relay.server, ws.workspaceId, 'fb'));
    expect(stored.entries[0]!.status).toBe('received');
    expect(stored.entries[0]!.responses).toEqual([]);
  });

  it('FB-8 takes a due day by hand, is corrected after it is saved (kept across a reload while typed), and the ledger follows', async () => {
    const log = createDoc();
    initFeedbackLog(log, { title: '民情日志' });
    addEntry(log, {
      id: 'e-old',
      receivedAt: beijingInstant(2026, 11, 20, 10, 0),
      source: '三组 王家',
      channel: 'phone',
      category: 'other',
      summary: '村道路灯不亮',
      urgency: 'normal',
    });
    addEntry(log, {
      id: 'e-long',
      receivedAt: beijingInstant(2026, 11, 18, 10, 0),
      channel: 'meeting',
      category: 'livelihood',
      summary: '六组村委会门前路面坑洼，雨天积水，'.repeat(10),
      urgency: 'low',
    });
    const ws = await seedDocs(relay.server, '幸福村', [{ id: 'fb', kind: 'feedback', doc: log }]);
    const { page, close } = await openBrowser({ width: 1280, height: 900 });
    closers.push(close);
    await page.clock.setFixedTime(NOW);
    await joinWorkspace(page, await ws.invite('editor'), '李秀英');
    await page.goto(`${relay.server.url}/#/w/${ws.workspaceId}/d/fb`);

    // A long request wraps in its own column: every day and category stays on one line.
    await page.locator('.entry-row[data-entry-id="e-long"]').waitFor();
    const linesOf = (selector: string) =>
      page.locator(selector).evaluateAll((cells) =>
        cells.map((cell) => {
          const range = document.createRange();
          range.selectNodeContents(cell);
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
        }),
      );
    expect(await linesOf('.entry-row .fb-date')).toEqual([1, 1]);
    expect(await linesOf('.entry-row .fb-category')).toEqual([1, 1]);

    // A new request with a 办理时限 agreed with the township: 5 December, not the urgency's 7 days.
    await page.locator('.fb-new-entry').click();
    const form = page.locator('form[aria-label="登记民情"]');
    // The hint is said after the field's name, not as part of it.
    const hintOf = async (name: string) => {
      const field = form.locator(`[name="${name}"]`);
      const id = (await field.getAttribute('aria-describedby'))!;
      return page.locator(`[id="${id}"]`).textContent();
    };
    expect(await hintOf('dueDay')).toBe('不填则按紧急程度：紧急 1 天，一般 7 天，较缓 30 天');
    expect(
      await form.locator('label', { has: page.locator('[name="dueDay"]') }).textContent(),
    ).toBe('办理时限（可不填）');
    // A day still to come cannot be picked (nothing was heard then), and nothing is saved.
    await form.locator('textarea[name="summary"]').fill('五组水渠堵塞，影响浇地');
    await form.locator('input[name="receivedAt"]').fill('2026-12-09');
    await form.locator('button[type="submit"]').click();
    expect(
      await form
        .locator('input[name="receivedAt"]')
        .evaluate((el) => (el as HTMLInputElement).validity.rangeOverflow),
    ).toBe(true);
    expect(await page.locator('.entry-row', { hasText: '五组水渠堵塞' }).count()).toBe(0);
    await form.locator('input[name="dueDay"]').fill('2026-12-05');
    // Heard yesterday afternoon, typed in this morning: the time as given, not a made-up noon.
    expect(await hintOf('receivedTime')).toBe('不填：当天按现在的时间，其他日期按中午 12:00 记');
    await form.locator('input[name="receivedAt"]').fill('2026-12-01');
    await form.locator('input[name="receivedTime"]').fill('16:40');
    await form.locator('button[type="submit"]').click();
    // Said where the form was: the new row may be out of sight.
    await expect
      .poll(() => page.locator('.fb-saved').textContent())
      .toBe('已登记：五组水渠堵塞，影响浇地');
    const row = page.locator('.entry-row', { hasText: '五组水渠堵塞' });
    await row.locator('.fb-open').click();
    await expect
      .poll(() => page.locator('.entry-details .entry-facts').textContent())
      .toContain('应办结：2026-12-05（手动设定）');
    await waitSaved(page);
    const stored = () => storedDoc(relay.server, ws.workspaceId, 'fb').then(readFeedbackLog);
    const added = (await stored()).entries.find((e) => e.summary === '五组水渠堵塞，影响浇地')!;
    expect(added.dueAt).toBe(lastInstantOfBeijingDate('2026-12-05'));
    expect(added.receivedAt).toBe(beijingInstant(2026, 12, 1, 16, 40));
    expect(await page.locator('.entry-details .timeline li').first().textContent()).toContain(
      '2026-12-01 16:40',
    );
    await row.locator('.fb-open').click();

    // The older entry: its category was wrong and its summary too short. Half typed, the
    // correction survives a reload.
    const old = page.locator('.entry-row', { hasText: '村道路灯不亮' });
    await old.locator('.fb-open').click();
    await page.locator('[data-action="correct-entry"]').click();
    const correct = page.locator('form.fb-correct');
    expect(await correct.locator('input[name="source"]').inputValue()).toBe('三组 王家');
    await correct.locator('select[name="category"]').selectOption('infrastructure');
    await correct.locator('select[name="urgency"]').selectOption('urgent');
    await correct.locator('textarea[name="summary"]').fill('村道路灯不亮，晚上出行不便');
    await correct.locator('input[name="dueDay"]').fill('2026-11-25');
    await page.setViewportSize({ width: 360, height: 800 });
    await screenshot(page, 'feedback-correct-zh-360');
    // Meanwhile another member corrects the channel, a field this correction left alone.
    const other = await openBrowser({ width: 1280, height: 900 });
    closers.push(other.close);
    await other.page.clock.setFixedTime(NOW);
    await joinWorkspace(other.page, await ws.invite('editor'), '陈明');
    await other.page.goto(`${relay.server.url}/#/w/${ws.workspaceId}/d/fb?entry=e-old`);
    await other.page.locator('[data-action="correct-entry"]').click();
    await other.page.locator('form.fb-correct select[name="channel"]').selectOption('phone');
    await other.page.locator('form.fb-correct button[type="submit"]').click();
    await waitSaved(other.page);
    await page.reload();
    await old.locator('.fb-open').click();
    await expect
      .poll(() => correct.locator('textarea[name="summary"]').inputValue())
      .toBe('村道路灯不亮，晚上出行不便');
    expect(await correct.locator('select[name="category"]').inputValue()).toBe('infrastructure');
    expect(await correct.locator('input[name="dueDay"]').inputValue()).toBe('2026-11-25');
    // The field left alone shows the other member's correction, and saving keeps it.
    await expect.poll(() => correct.locator('select[name="channel"]').inputValue()).toBe('phone');
    await correct.locator('button[type="submit"]').click();
    await correct.waitFor({ state: 'detached' });
    // Focus is back on the button that opened the form.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe(
      'correct-entry',
    );
    const facts = await page.locator('.entry-details .entry-facts').textContent();
    expect(facts).toContain('基础设施');
    expect(facts).toContain('紧急');
    expect(facts).toContain('应办结：2026-11-25（手动设定）');
    // Past its due day and still open: overdue, by the day set by hand.
    await old.locator('.tag.bad', { hasText: '逾期' }).waitFor();
    // By how many days, counted as the 台账 counts them (the whole days past the due day's end).
    const pageNow = await page.evaluate(() => Date.now());
    const late = Math.ceil((pageNow - lastInstantOfBeijingDate('2026-11-25')) / 86_400_000);
    expect(await old.locator('.tag.bad').textContent()).toBe(`逾期 ${late} 天`);
    await waitSaved(page);
    const corrected = (await stored()).entries.find((e) => e.id === 'e-old')!;
    expect(corrected).toMatchObject({
      category: 'infrastructure',
      urgency: 'urgent',
      summary: '村道路灯不亮，晚上出行不便',
      source: '三组 王家',
      channel: 'phone',
      status: 'received',
    });
    expect(dueAtOf(corrected)).toBe(lastInstantOfBeijingDate('2026-11-25'));
    // The status history is as it was.
    expect(corrected.transitions.map((t) => t.to)).toEqual(['received']);

    // Cleared, the urgency decides again (urgent: the day after it was received).
    await page.locator('[data-action="correct-entry"]').click();
    await correct.locator('input[name="dueDay"]').fill('');
    await correct.locator('button[type="submit"]').click();
    await expect
      .poll(() => page.locator('.entry-details .entry-facts').textContent())
      .toContain('应办结：2026-11-21');
    expect(await page.locator('.entry-details .entry-facts').textContent()).not.toContain(
      '手动设定',
    );

    // The ledger reads the corrected entry.
    await page.goto(`${relay.server.url}/#/w/${ws.workspaceId}/feedback-ledger`);
    const ledgerRow = page.locator('.fbl-row[data-entry-id="e-old"]');
    await expect
      .poll(() => ledgerRow.locator('.fbl-summary a').textContent())
      .toBe('村道路灯不亮，晚上出行不便');
    expect(await ledgerRow.locator('.fbl-status').textContent()).toContain('应办结 2026-11-21');
    expect(await ledgerRow.getAttribute('data-flagged')).toBe('true');

    // Resolved, its due day and urgency stay as they were judged (AGE-6); its text can change.
    await page.goto(`${relay.server.url}/#/w/${ws.workspaceId}/d/fb?entry=e-old`);
    const buttons = () => page.locator('.entry-details .fb-steps button').allTextContents();
    // FB-12: the next steps are one row of buttons; no form is open until one is chosen.
    expect(await buttons()).toEqual(['改为：办理中', '改为：已办结', '交办', '记录回复']);
    expect(await page.locator('.entry-details form.fb-step').count()).toBe(0);
    // Answering back (回访) is offered only once it is resolved (FB-5).
    await page.locator('.entry-details button', { hasText: '改为：已办结' }).click();
    await page.locator('.entry-row[data-entry-id="e-old"] [data-resolved-late]').waitFor();
    // 回访 is recorded with how it went, through its own form (FB-9), not a bare button; a case
    // resolved is not handed on again.
    expect(await buttons()).toEqual(['记为已回访', '记录回复', '退回']);
    const step = (name: string) => page.locator(`.entry-details button[name="step-${name}"]`);
    await step('answer-back').click();
    await page.locator('form.fb-answer-back').waitFor();
    // Its first field has the focus; choosing another step closes it.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('name')))
      .toBe('answerBackNote');
    await step('move-back').click();
    await page.locator('form.fb-answer-back').waitFor({ state: 'detached' });
    expect(await page.locator('.entry-details form.fb-step').count()).toBe(1);
    await page.locator('[data-action="correct-entry"]').click();
    expect(await correct.locator('select[name="urgency"]').isDisabled()).toBe(true);
    expect(await correct.locator('input[name="dueDay"]').isDisabled()).toBe(true);
    // The locked field shows the day it was judged against, not an empty date.
    expect(await correct.locator('input[name="dueDay"]').inputValue()).toBe('2026-11-21');
    // An emptied request is said, not ignored.
    await correct.locator('textarea[name="summary"]').fill('');
    await correct.locator('button[type="submit"]').click();
    await page.getByText('请填写诉求内容。').waitFor();
    await page.locator('form.fb-correct button.btn:not(.primary)').click();
    // Resolved by mistake: moved back with a reason, it is open again and can be corrected.
    const back = page.locator('form.fb-move-back');
    await back.waitFor();
    await back.locator('select[name="moveBackTo"]').selectOption('in-progress');
    await back.locator('button[type="submit"]').click();
    await page.getByText('退回到之前的状态，请写明原因。').waitFor();
    await back.locator('input[name="moveBackNote"]').fill('误点了办结');
    await back.locator('button[type="submit"]').click();
    await expect
      .poll(() => page.locator('.entry-row[data-entry-id="e-old"] [data-status]').textContent())
      .toBe('办理中');
    expect(await page.locator('.entry-details .timeline').textContent()).toContain('误点了办结');
    await page.locator('[data-action="correct-entry"]').click();
    expect(await correct.locator('select[name="urgency"]').isDisabled()).toBe(false);
    await page.locator('form.fb-correct button.btn:not(.primary)').click();
    // Done, the step's form closes.
    expect(await back.count()).toBe(0);
    await page.locator('.entry-details button', { hasText: '改为：已办结' }).click();
    // A visit half typed stays on the device: the form opens with it after a reload.
    await step('answer-back').click();
    const visit = page.locator('form.fb-answer-back');
    await visit.locator('input[name="answerBackNote"]').fill('入户');
    await page.reload();
    await visit.waitFor();
    expect(await visit.locator('input[name="answerBackNote"]').inputValue()).toBe('入户');
    await visit.locator('input[name="answerBackNote"]').fill('');
    await visit.locator('button[type="submit"]').click();
    await visit.getByText('请写明回访情况：见了谁、群众是否满意。').waitFor();
    // Resolved and not yet visited: the list says a visit is due.
    expect(
      await page.locator('.entry-row[data-entry-id="e-old"] [data-awaiting-visit]').textContent(),
    ).toBe('待回访');
    await visit.locator('input[name="answerBackNote"]').fill('入户回访，路灯已修好，群众满意');
    await visit.locator('button[type="submit"]').click();
    await expect
      .poll(() => page.locator('.entry-row[data-entry-id="e-old"] [data-status]').textContent())
      .toBe('已回访');
    expect(await page.locator('.entry-details .timeline').textContent()).toContain(
      '入户回访，路灯已修好，群众满意',
    );
    expect(
      await page.locator('.entry-row[data-entry-id="e-old"] [data-awaiting-visit]').count(),
    ).toBe(0);

    // In Uyghur, the form says the same.
    await page.goto(`${relay.server.url}/#/w/${ws.workspaceId}/d/fb?entry=e-old`);
    await switchLanguage(page, 'ug');
    await page.locator('[data-action="correct-entry"]').click();
    await screenshot(page, 'feedback-correct-ug-360');
    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(page, 'feedback-correct-ug-1280');
    await page.locator('form.fb-correct button.btn:not(.primary)').click();
  });
});

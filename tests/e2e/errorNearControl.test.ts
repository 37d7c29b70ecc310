import {
  addDocEntry,
  addPhase,
  createDoc,
  INDEX_DOC_ID,
  initIndex,
  initMinutes,
  initPlan,
  Limits,
  MINUTES_BODY_FIELD,
  recordVote,
  roomName,
  translate,
  writeParagraphs,
} from '@grassroots/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { joinWorkspace, openBrowser, screenshot, startRelay, switchLanguage } from './harness.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  relay = await startRelay();
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

describe('a refused change (I18N-2)', () => {
  it('is explained in the reader’s language next to the control that caused it, in view on a 360 px phone', async () => {
    const { server } = relay;
    const created = await server.auth.createWorkspace('错误提示');
    const ws = created.workspace.id;
    const index = createDoc();
    initIndex(index, { name: '错误提示' });
    const minutes = createDoc();
    initMinutes(minutes, {
      title: '村民代表会议',
      meetingType: 'villager-representatives',
      startsAt: 1,
    });
    // A long body, so the vote sits far below the top of the page.
    writeParagraphs(
      minutes.getXmlFragment(MINUTES_BODY_FIELD),
      Array.from({ length: 30 }, (_, i) => `第${i + 1}项：讨论村道维修与灌溉用水安排。`).join('\n'),
    );
    recordVote(minutes, { motion: '修路', tally: { for: 5, against: 1, abstain: 0 } });
    addDocEntry(index, { id: 'm1', kind: 'minutes', title: '村民代表会议', createdAt: 1 });
    await server.store.appendUpdates(
      [
        { room: roomName(ws, INDEX_DOC_ID), update: Y.encodeStateAsUpdate(index) },
        { room: roomName(ws, 'm1'), update: Y.encodeStateAsUpdate(minutes) },
      ].map((r) => ({ ...r, authorId: created.admin.id, at: Date.now() })),
    );
    const b = await openBrowser({ width: 360, height: 800 });
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, `${server.url}/#/join/${created.inviteToken}`, '李书记');
    for (const locale of ['zh-CN', 'ug'] as const) {
      await switchLanguage(page, locale);
      await page.goto(`${server.url}/#/w/${ws}/d/m1`);
      const tally = page.locator('input[name="tally-for"]').first();
      await tally.scrollIntoViewIfNeeded();
      await tally.fill('-1');
      const note = page.locator('.op-error');
      await note.waitFor();
      expect((await note.textContent())?.trim()).toBe(
        translate(locale, 'common.error', {
          message: translate(locale, 'error.wholeNumber', { max: Limits.maxTally }),
        }),
      );
      // Next to the control and inside the phone's screen, without scrolling.
      const input = (await tally.boundingBox())!;
      const box = (await note.boundingBox())!;
      expect(Math.abs(box.y - (input.y + input.height))).toBeLessThan(160);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(800);
      await screenshot(page, `error-near-control-${locale}-360`);
      // A valid number clears it.
      await tally.fill('4');
      await expect.poll(() => note.count()).toBe(0);
    }
  });

  it('a phase that would end before it starts is refused next to its day, which shows what is saved', async () => {
    const { server } = relay;
    const created = await server.auth.createWorkspace('日期村');
    const ws = created.workspace.id;
    const index = createDoc();
    initIndex(index, { name: '日期村' });
    const plan = createDoc();
    initPlan(plan, { title: '计划' });
    addPhase(plan, { title: '冬季', start: '2026-12-01', end: '2026-12-20' });
    addDocEntry(index, { id: 'p1', kind: 'plan', title: '计划', createdAt: 1 });
    await server.store.appendUpdates(
      [
        { room: roomName(ws, INDEX_DOC_ID), update: Y.encodeStateAsUpdate(index) },
        { room: roomName(ws, 'p1'), update: Y.encodeStateAsUpdate(plan) },
      ].map((r) => ({ ...r, authorId: created.admin.id, at: Date.now() })),
    );
    const b = await openBrowser({ width: 360, height: 800 });
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, `${server.url}/#/join/${created.inviteToken}`, '李书记');
    await page.goto(`${server.url}/#/w/${ws}/d/p1`);
    const end = page.getByLabel(translate('zh-CN', 'plan.periodEnd')).nth(1);
    await expect.poll(() => end.inputValue()).toBe('2026-12-20');
    await end.fill('2026-11-30');
    const note = page.locator('.op-error');
    await note.waitFor();
    expect(await note.textContent()).toContain(translate('zh-CN', 'error.endBeforeStart'));
    // Once the field is left it shows the saved day (it kept the refused one as if saved).
    await end.blur();
    await expect.poll(() => end.inputValue()).toBe('2026-12-20');
    await screenshot(page, 'error-phase-end-zh-360');
  });
});

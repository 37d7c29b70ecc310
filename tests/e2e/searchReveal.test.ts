import {
  addDecision,
  addDocEntry,
  addPhase,
  addTask,
  beijingInstant,
  createDoc,
  initIndex,
  initMinutes,
  initPlan,
  MINUTES_BODY_FIELD,
  recordVote,
  writeParagraphs,
} from '@grassroots/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinWorkspace, openBrowser, screenshot, startRelay, switchLanguage } from './harness.ts';
import { seedWorkspace } from './seed.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  relay = await startRelay();
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

/** "The road in front of the school", the school written with a tatweel (مەکـتەپ). */
const UYGHUR_LINE = 'يول مەکـتەپ ئالدىدا بۇزۇلۇپ كەتتى';

/** Minutes whose body is long enough to scroll, and a plan with many tasks, the last one found. */
async function seedVillage() {
  const index = createDoc();
  initIndex(index, { name: '三村' });
  const minutes = createDoc();
  initMinutes(minutes, {
    title: '三月党员大会',
    meetingType: 'party-members',
    startsAt: beijingInstant(2025, 3, 10, 9, 30),
  });
  recordVote(minutes, {
    motion: '关于修建村口文化广场的提议',
    tally: { for: 30, against: 2, abstain: 1 },
  });
  addDecision(minutes, { text: '同意从集体经济收入中列支三组自来水管道维修费' });
  const filler = Array.from({ length: 40 }, (_, i) => `第${i + 1}项：会议听取了各组的工作汇报。`);
  writeParagraphs(
    minutes.getXmlFragment(MINUTES_BODY_FIELD),
    [...filler, '大家讨论了三组自来水入户的进度，认为应在四月底前完成。', UYGHUR_LINE].join('\n'),
  );
  const plan = createDoc();
  initPlan(plan, { title: '2025年驻村工作计划' });
  for (const [p, phase] of ['春耕备耕', '夏季管护', '秋收', '冬季整训'].entries()) {
    const phaseId = addPhase(plan, { title: phase });
    for (let i = 1; i <= 5; i++) addTask(plan, { phaseId, title: `${phase}任务${i}` });
    if (p === 3) addTask(plan, { phaseId, title: '维修三组水渠', notes: '需要水泥二十袋' });
  }
  const docs = [
    { id: 'm1', kind: 'minutes', doc: minutes, title: '三月党员大会' },
    { id: 'p1', kind: 'plan', doc: plan, title: '2025年驻村工作计划' },
  ] as const;
  for (const d of docs) {
    addDocEntry(index, {
      id: d.id,
      kind: d.kind,
      title: d.title,
      createdAt: beijingInstant(2025, 1, 2, 9, 0),
    });
  }
  return seedWorkspace(relay.server, '三村', index, docs);
}

/** What the open doc marks as found, and whether it is in view. */
const found = (page: Page) =>
  page.evaluate(() => {
    const highlight = CSS.highlights.get('grassroots-find');
    const range = highlight ? ([...highlight][0] as Range | undefined) : undefined;
    const box = document.querySelector<HTMLInputElement>('.find-mark');
    const rect = range?.getBoundingClientRect() ?? box?.getBoundingClientRect();
    return {
      text: range?.toString() ?? null,
      box: box ? [box.name, box.value] : null,
      isInView: rect ? rect.top >= 0 && rect.bottom <= window.innerHeight : null,
    };
  });

describe('a doc opened from a search shows where the query is (SEARCH-5)', () => {
  it('scrolls to the word in the body, a field or a shown line, marks it, and lets go when the reader acts', async () => {
    const seeded = await seedVillage();
    const b = await openBrowser({ width: 360, height: 800 });
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, await seeded.invite('admin'), '陈明');
    const list = `${relay.server.url}/#/w/${seeded.workspaceId}/docs`;
    const search = page.getByRole('searchbox');
    const openFound = async (query: string, docId: string) => {
      await page.goto(list);
      await search.fill(query);
      const link = page.locator(`li.doc-card[data-doc-id="${docId}"] a.card-link`);
      await link.locator('.doc-snippet').waitFor();
      await link.click();
    };

    // A word of the body, far down: the page scrolls to it and the word itself is marked.
    await openFound('入户', 'm1');
    await expect.poll(() => found(page)).toEqual({ text: '入户', box: null, isInView: true });
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(1000);
    // A screen reader is told what the mark shows.
    expect(await page.locator('p.sr-only[role="status"]').textContent()).toBe('已定位到“入户”');
    await screenshot(page, 'search-reveal-body-360');
    // Shown once: the query leaves the address, so coming back to the doc later does not jump.
    expect(page.url()).toMatch(/\/d\/m1$/);

    // Words are taken in the query's order: the body's 入户 before the decision's 管道, as the
    // list's line showed.
    await openFound('入户 管道', 'm1');
    await expect.poll(() => found(page)).toEqual({ text: '入户', box: null, isInView: true });

    // The title's words are skipped (the list shows no snippet for them either); the first field
    // in the page's order holding the next word is marked, here a decision's text box.
    await openFound('党员大会 自来水', 'm1');
    await expect
      .poll(() => found(page))
      .toEqual({
        text: null,
        box: ['decisionText', '同意从集体经济收入中列支三组自来水管道维修费'],
        isInView: true,
      });
    // The whole decision is in view in its box at 360 px (a one-line box showed its first half).
    const decision = page.locator('[name="decisionText"]').first();
    await expect(
      decision.evaluate(
        (el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight + 1,
      ),
    ).resolves.toBe(true);
    // A keystroke (or a tap) takes the mark away.
    await page.keyboard.press('Shift');
    await expect.poll(() => found(page)).toEqual({ text: null, box: null, isInView: null });
    // … and the screen reader's line with it.
    expect(await page.locator('p.sr-only[role="status"]').textContent()).toBe('');

    // A vote's motion, shown as text, is marked word by word like the body.
    await openFound('文化广场', 'm1');
    await expect.poll(() => found(page)).toEqual({ text: '文化广场', box: null, isInView: true });

    // Uyghur typed on an Arabic keyboard (ه for ە) marks the word as written, tatweel and all.
    await openFound('مهكتهپ', 'm1');
    await expect.poll(() => found(page)).toEqual({ text: 'مەکـتەپ', box: null, isInView: true });
    await switchLanguage(page, 'ug');
    await openFound('مهكتهپ', 'm1');
    await expect.poll(() => found(page)).toEqual({ text: 'مەکـتەپ', box: null, isInView: true });
    await screenshot(page, 'search-reveal-uyghur-360-ug');
    await switchLanguage(page, 'zh-CN');

    // A plan's task, the last of many, on a wide screen.
    await page.setViewportSize({ width: 1280, height: 900 });
    await openFound('水渠', 'p1');
    await expect
      .poll(() => found(page))
      .toEqual({ text: null, box: ['taskTitle', '维修三组水渠'], isInView: true });
    await screenshot(page, 'search-reveal-plan-1280');

    // A word only a task's note holds (the editor does not show notes): nothing is marked, and
    // the page stays at its top.
    await openFound('水泥', 'p1');
    // The finder stops looking about a second after the doc has rendered, its notes body too.
    await page.locator('.plan-editor .ProseMirror').waitFor();
    await page.waitForTimeout(2000);
    expect(await found(page)).toEqual({ text: null, box: null, isInView: null });
    expect(await page.evaluate(() => window.scrollY)).toBe(0);

    // A doc found by its title alone opens as always: no query passed on.
    await page.goto(list);
    await search.fill('党员大会');
    const href = await page
      .locator('li.doc-card[data-doc-id="m1"] a.card-link')
      .getAttribute('href');
    expect(href).not.toContain('find=');
  });
});

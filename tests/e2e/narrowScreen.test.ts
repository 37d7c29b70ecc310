import {
  addAgendaItem,
  addPhase,
  addTask,
  beijingDate,
  createDemoVillage,
  createDoc,
  finaliseMinutes,
  initMinutes,
  initPlan,
  readIndex,
  readMinutes,
  setTaskStatus,
} from '@grassroots/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  joinWorkspace,
  once,
  openBrowser,
  screenshot,
  splitOverLines,
  startRelay,
  switchLanguage,
  waitSaved,
} from './harness.ts';
import { DRAFT_MINUTES_ID, seedDemo, seedDemoWithDraft, seedDocs, seedWorkspace } from './seed.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  relay = await startRelay();
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

describe('at 360 px', () => {
  it('shows the workspace tabs in one row that keeps the current tab in view, and the feedback log without sideways scrolling, in both languages', async () => {
    const { server } = relay;
    const demo = createDemoVillage({ seed: 3, start: '2025-01-01', docs: 3, entries: 12 });
    const seeded = await seedWorkspace(server, demo.name, demo.index, demo.docs);
    const ws = seeded.workspaceId;
    const feedbackId = readIndex(demo.index).docs.find((d) => d.kind === 'feedback')?.id;
    const b = await openBrowser({ width: 360, height: 800 });
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    const overflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    /**
     * The tabs' row: its height, whether it scrolls sideways, and whether the current tab (the
     * first on a page of none, a document) is in view.
     */
    const tabsRow = () =>
      page.evaluate(() => {
        const tabs = document.querySelector('.topbar .tabs') as HTMLElement;
        const row = tabs.getBoundingClientRect();
        const current = (
          tabs.querySelector('[aria-current="page"]') ?? tabs.firstElementChild
        )?.getBoundingClientRect();
        return {
          height: row.height,
          scrolls: tabs.scrollWidth > tabs.clientWidth,
          currentInView:
            current !== undefined && current.left >= row.left - 1 && current.right <= row.right + 1,
        };
      });
    /** The sides of the tabs' row marked as holding tabs out of view, and whether it fades. */
    const hiddenSides = () =>
      page.evaluate(() => {
        const tabs = document.querySelector('.topbar .tabs') as HTMLElement;
        const mask = getComputedStyle(tabs).maskImage || getComputedStyle(tabs).webkitMaskImage;
        return {
          left: tabs.hasAttribute('data-more-left'),
          right: tabs.hasAttribute('data-more-right'),
          masked: mask !== undefined && mask !== 'none' && mask.includes('gradient'),
        };
      });
    for (const locale of ['zh-CN', 'ug']) {
      if (locale === 'ug') await switchLanguage(page, 'ug');
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(locale);
      // The last tab's page, opened by its address: the row scrolls it into view.
      await page.goto(`${server.url}/#/w/${ws}/members`);
      await page.locator('.topbar .tabs a[aria-current="page"]').waitFor();
      await expect
        .poll(async () => (await tabsRow()).currentInView, { message: locale })
        .toBe(true);
      const onLast = await tabsRow();
      // One row (7 tabs took two to four rows of a phone before), wider than the screen.
      expect(onLast.height, locale).toBeLessThan(50);
      expect(onLast.scrolls, locale).toBe(true);
      // The side of the row with tabs out of view fades out: before the last tab only (its
      // start: the left, or the right in Uyghur).
      const isRtl = locale === 'ug';
      await expect
        .poll(() => hiddenSides(), { message: locale })
        .toEqual({ left: !isRtl, right: isRtl, masked: true });
      await page.goto(`${server.url}/#/w/${ws}/d/${feedbackId}`);
      await waitSaved(page);
      await page.locator('.entry-row').first().waitFor();
      await expect
        .poll(async () => (await tabsRow()).currentInView, { message: locale })
        .toBe(true);
      expect(await overflow(), locale).toBe(0);
      // Back at the row's start (a document is no tab's page): more tabs only at its end.
      await expect
        .poll(() => hiddenSides(), { message: locale })
        .toEqual({ left: isRtl, right: !isRtl, masked: true });
      // Each entry is a card: its summary spans the card's width.
      const row = await page.locator('.entry-row').first().boundingBox();
      const summary = await page.locator('.entry-row .fb-summary').first().boundingBox();
      expect(summary?.width).toBeGreaterThan((row?.width ?? 0) * 0.9);
    }
  });

  it('keeps only the save state pinned while the page scrolls (brand and tabs scroll away); a wide screen keeps the whole header', async () => {
    const seeded = await seedDemo(relay.server, { seed: 5, start: '2025-01-01' });
    // One device that turns (and changes its language): the header is laid out afresh each time.
    const b = await openBrowser({ width: 360, height: 800 });
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    await waitSaved(page);
    /** Where the header's parts are once the overview is scrolled down. */
    const afterScrolling = async (width: number, locale: 'zh-CN' | 'ug') => {
      await page.setViewportSize({ width, height: 800 });
      await switchLanguage(page, locale);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.locator('#dash-meetings').waitFor();
      await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
      await page.waitForTimeout(200);
      const headerAtTop = await page.locator('.topbar').boundingBox();
      await page.mouse.wheel(0, 1200);
      await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(600);
      // The stylesheet's offset follows the header's measured rows.
      await page.waitForTimeout(200);
      const box = async (selector: string) => (await page.locator(selector).boundingBox())!;
      return {
        headerAtTop: headerAtTop!.height,
        header: await box('.topbar'),
        tabs: await box('.topbar .tabs'),
        badge: await box('.sync-badge'),
      };
    };
    for (const locale of ['zh-CN', 'ug'] as const) {
      const phone = await afterScrolling(360, locale);
      // The whole header is three rows on a phone (brand, the tabs in one row, the badge)…
      expect(phone.headerAtTop, locale).toBeGreaterThan(100);
      expect(phone.headerAtTop, locale).toBeLessThan(150);
      // …but scrolled, only the badge's row stays: whole, at the top, under 60 px of screen.
      expect(phone.header.y + phone.header.height, locale).toBeLessThan(60);
      expect(phone.badge.y, locale).toBeGreaterThanOrEqual(0);
      expect(phone.tabs.y + phone.tabs.height, locale).toBeLessThanOrEqual(0);
    }
    const wide = await afterScrolling(1280, 'zh-CN');
    expect(wide.tabs.y).toBeGreaterThanOrEqual(0);
    expect(wide.header.y).toBe(0);
  });

  /**
   * The year-long demo with a draft on one phone, for the two tests below (joining it is the
   * costly part).
   */
  const openPhone = once(async () => {
    const seeded = await seedDemoWithDraft(relay.server, { seed: 8, start: '2025-01-01' });
    const b = await openBrowser({ width: 360, height: 800 });
    closers.push(b.close);
    await joinWorkspace(b.page, await seeded.invite('admin'), '李书记');
    await waitSaved(b.page);
    return { page: b.page, context: b.context, seeded };
  });

  it('a page opened through a link starts at its top, and back returns to where the last one was left', async () => {
    const { page, seeded } = await openPhone();
    // The document list, far down: a doc opened from there starts at its top.
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/docs`);
    const card = page.locator('.doc-card .card-link').nth(40);
    await card.waitFor();
    // IDX-9: the drafts among the finalised records are marked as such.
    const drafts = seeded.demo.docs
      .filter(
        (d) => readIndex(seeded.demo.index).docs.find((e) => e.id === d.id)?.kind === 'minutes',
      )
      .filter((d) => readMinutes(d.doc).state === 'draft').length;
    await expect.poll(() => page.locator('.doc-card [data-draft]').count()).toBe(drafts + 1);
    expect(
      await page.locator(`.doc-card[data-doc-id="${DRAFT_MINUTES_ID}"] [data-draft]`).textContent(),
    ).toBe('草稿');
    await card.scrollIntoViewIfNeeded();
    const left = await page.evaluate(() => window.scrollY);
    expect(left).toBeGreaterThan(2000);
    await card.click();
    await page.locator('.minutes-editor, .task, .entry-row').first().waitFor();
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
    // The list coming back is not that tall at first (on a slow phone, or while docs sync, it is
    // drawn after the browser would restore the scroll): its cards show 600 ms late here.
    await page.evaluate(() => {
      const late = document.createElement('style');
      late.textContent = '.doc-card { display: none; }';
      document.head.append(late);
      setTimeout(() => late.remove(), 600);
    });
    await page.goBack();
    await card.waitFor();
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(left - 50);
    expect(await page.evaluate(() => window.scrollY)).toBeLessThan(left + 50);
  });

  it('the 民情日志 search says in full what it searches, in Chinese and in Uyghur', async () => {
    const { page, seeded } = await openPhone();
    const log = readIndex(seeded.demo.index).docs.find((d) => d.kind === 'feedback')!;
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/d/${log.id}`);
    const search = page.locator('.filters input[type="search"]');
    await search.waitFor();
    // The placeholder's drawn width against the room inside the box (it was cut off in Uyghur).
    const fits = () =>
      search.evaluate((el: HTMLInputElement) => {
        const style = getComputedStyle(el);
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room =
          el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24;
        return { text: el.placeholder, width: ctx.measureText(el.placeholder).width, room };
      });
    const zh = await fits();
    expect(zh.width, zh.text).toBeLessThan(zh.room);
    await page.locator('.filters').scrollIntoViewIfNeeded();
    await screenshot(page, 'feedback-filters-360-zh');
    await switchLanguage(page, 'ug');
    await expect.poll(async () => (await fits()).text).not.toBe(zh.text);
    const ug = await fits();
    expect(ug.width, ug.text).toBeLessThan(ug.room);
    await page.locator('.filters').scrollIntoViewIfNeeded();
    await screenshot(page, 'feedback-filters-360-ug');
    await switchLanguage(page, 'zh-CN');
  });

  it('on a touch screen every control is at least 44 px tall (small buttons, link buttons, fields in tables, disclosures)', async () => {
    const { page, context, seeded } = await openPhone();
    const docs = readIndex(seeded.demo.index).docs;
    const idOf = (kind: string) => docs.find((d) => d.kind === kind)!.id;
    // What a phone's browser reports: a coarse pointer.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
    expect(await page.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(true);
    const screens = {
      overview: '',
      documents: '/docs',
      plan: `/d/${idOf('plan')}`,
      feedback: `/d/${idOf('feedback')}`,
      minutes: `/d/${DRAFT_MINUTES_ID}`,
      roster: `/d/${idOf('roster')}`,
    };
    const ready = {
      overview: '#dash-plans',
      documents: '.doc-card',
      plan: '.task',
      feedback: '.entry-row',
      minutes: '.minutes-editor',
      roster: '.roster-name-input',
    };
    for (const [name, path] of Object.entries(screens)) {
      await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}${path}`);
      await page
        .locator(ready[name as keyof typeof ready])
        .first()
        .waitFor();
      const small = await page.evaluate(() =>
        [
          ...document.querySelectorAll(
            'button, select, summary, a.btn, input:not([type="checkbox"], [type="radio"], [type="hidden"], .sr-only)',
          ),
        ]
          .map((el) => ({ el, box: el.getBoundingClientRect() }))
          .filter(({ box }) => box.width > 0 && box.height > 0 && box.height < 43.5)
          .map(
            ({ el, box }) =>
              `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${Math.round(box.height)} px`,
          ),
      );
      expect(small, name).toEqual([]);
      // A box to tick is small itself: the label around it is what a finger hits ("只看逾期"
      // was 16×19 px), and it is as tall as any other control.
      const smallChecks = await page.evaluate(() =>
        [...document.querySelectorAll('input[type="checkbox"], input[type="radio"]')]
          .filter((el) => !el.classList.contains('sr-only'))
          .map((el) => ({ el, box: (el.closest('label') ?? el).getBoundingClientRect() }))
          .filter(({ box }) => box.width > 0 && box.height > 0 && box.height < 43.5)
          .map(
            ({ el, box }) =>
              `${(el.closest('label') ?? el).textContent?.trim().slice(0, 20)} ${Math.round(box.height)} px`,
          ),
      );
      expect(smallChecks, name).toEqual([]);
    }
  });
  it('PLAN-10: a plan opens with the phase at hand; the others are one line each, opened by a tap or all at once', async () => {
    const { page } = await openPhone();
    const day = (offset: number) => beijingDate(Date.now() + offset * 86_400_000);
    const plan = createDoc();
    initPlan(plan, {
      title: '全年工作计划',
      village: '阳光村',
      periodStart: day(-200),
      periodEnd: day(160),
    });
    const phases = [
      { title: '第一阶段：已完成', start: day(-200), end: day(-101), status: 'done' as const },
      { title: '第二阶段：进行中', start: day(-100), end: day(60), status: 'doing' as const },
      { title: '第三阶段：未开始', start: day(61), end: day(160), status: 'todo' as const },
    ];
    for (const p of phases) {
      const phaseId = addPhase(plan, { title: p.title, goals: '目标', start: p.start, end: p.end });
      for (let i = 0; i < 6; i++) {
        const taskId = addTask(plan, { phaseId, title: `${p.title}任务${i + 1}`, due: p.end });
        if (p.status !== 'todo') setTaskStatus(plan, taskId, p.status);
      }
    }
    const seeded = await seedDocs(relay.server, '计划村', [
      { id: 'year-plan', kind: 'plan', doc: plan },
    ]);
    await joinWorkspace(page, await seeded.invite('admin'), '王书记');
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/d/year-plan`);
    const folds = page.locator('.plan-editor details.phase-fold');
    await expect.poll(() => folds.count()).toBe(3);
    const openStates = () =>
      folds.evaluateAll((ds) => ds.map((d) => (d as HTMLDetailsElement).open));
    expect(await openStates()).toEqual([false, true, false]);
    // A folded phase says what it is and how far along, on one line of facts.
    const first = folds.nth(0).locator('summary.phase-summary');
    expect(await first.textContent()).toContain('第一阶段：已完成');
    expect(await first.textContent()).toContain('进度 6/6');
    expect(await folds.nth(0).locator('input[name="taskTitle"]').first().isVisible()).toBe(false);
    await screenshot(page, 'plan-folded-zh-360');
    // A tap opens it.
    await first.click();
    await folds.nth(0).locator('input[name="taskTitle"]').first().waitFor();
    // All at once, both ways; and the plan comes back as it was left.
    const toggle = page.locator('button[name="foldPhases"]');
    await toggle.click();
    expect(await openStates()).toEqual([true, true, true]);
    await toggle.click();
    expect(await openStates()).toEqual([false, false, false]);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(2500);
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/docs`);
    await page.locator('.doc-card').first().waitFor();
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/d/year-plan`);
    await expect.poll(() => folds.count()).toBe(3);
    expect(await openStates()).toEqual([false, false, false]);
    await switchLanguage(page, 'ug');
    await screenshot(page, 'plan-folded-ug-360');
    await switchLanguage(page, 'zh-CN');
  });

  it('in Uyghur, attendance names stay whole and no choice of attendance or of a task is cut short', async () => {
    const { page, seeded } = await openPhone();
    const docs = readIndex(seeded.demo.index).docs;
    const planId = docs.find((d) => d.kind === 'plan')!.id;
    await switchLanguage(page, 'ug');
    /** Per select: the chosen option's text is wider than the room the select has for it. */
    const cutShort = (selector: string) =>
      page.locator(selector).evaluateAll((selects) =>
        (selects as HTMLSelectElement[]).flatMap((select) => {
          const text = select.selectedOptions[0]?.textContent ?? '';
          const probe = document.createElement('span');
          probe.style.font = getComputedStyle(select).font;
          probe.style.whiteSpace = 'pre';
          probe.textContent = text;
          document.body.append(probe);
          const width = probe.getBoundingClientRect().width;
          probe.remove();
          // Its paddings and the arrow take about 36 px.
          return width > select.clientWidth - 36
            ? [`${text}: ${Math.round(width)} in ${select.clientWidth} px`]
            : [];
        }),
      );
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/d/${DRAFT_MINUTES_ID}`);
    const rows = page.locator('.minutes-editor .attendance-row');
    await rows.first().waitFor();
    // Absent with a reason: the longest choices ('كەلمىگەن: رۇخسەت سورىغان' was cut short).
    for (const i of [0, 1]) {
      const select = rows.nth(i).locator('select');
      const values = await select
        .locator('option')
        .evaluateAll((os) => (os as HTMLOptionElement[]).map((o) => o.value));
      await select.selectOption(values.at(-1 - i)!);
    }
    expect(await cutShort('.minutes-editor .attendance-row select')).toEqual([]);
    // Each name on one line ('吐尔逊·帕提古' over '丽' before).
    expect(await splitOverLines(page.locator('.minutes-editor .attendance-name'))).toEqual([]);
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/d/${planId}`);
    await page.locator('.task-row select').first().waitFor();
    expect(await cutShort('.task-row select[name="status"]')).toEqual([]);
    // A 8+1 service's name can be longer than the phone is wide: its choice takes the whole row.
    const serviceShare = await page
      .locator('.task-row select[name="service"]')
      .evaluateAll((selects) =>
        Math.min(
          ...selects.map(
            (s) => s.clientWidth / s.closest('.task-row')!.getBoundingClientRect().width,
          ),
        ),
      );
    expect(serviceShare).toBeGreaterThan(0.9);
    // Who asked stays one piece in the log's list ('5组 ·' and '陈家' were split around 评论).
    await page.goto(
      `${relay.server.url}/#/w/${seeded.workspaceId}/d/${docs.find((d) => d.kind === 'feedback')!.id}`,
    );
    await page.locator('.fb-source').first().waitFor();
    expect(await splitOverLines(page.locator('.fb-source'))).toEqual([]);
    await switchLanguage(page, 'zh-CN');
  });
});

describe('a record nobody here may change', () => {
  it('shows the whole text of each one-line field, wrapped, in both languages (a finalised agenda item was cut at the box’s edge)', async () => {
    const item = '讨论村道养护经费使用方案（含一组、二组、三组道路的维修顺序和资金分配）';
    const minutes = createDoc();
    initMinutes(minutes, {
      title: '十二月村民代表会议',
      meetingType: 'other',
      startsAt: Date.now() - 86_400_000,
      place: '村委会',
    });
    addAgendaItem(minutes, { title: item });
    finaliseMinutes(minutes, { name: '李书记' });
    const seeded = await seedDocs(relay.server, '定稿村', [
      { id: 'final', kind: 'minutes', doc: minutes },
    ]);
    const b = await openBrowser({ width: 360, height: 800 });
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, await seeded.invite('viewer'), '乡镇审核员');
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/d/final`);
    const field = page.locator('[name="agendaTitle"]').first();
    await expect.poll(() => field.inputValue(), { timeout: 20_000 }).toBe(item);
    for (const locale of ['zh-CN', 'ug'] as const) {
      if (locale === 'ug') await switchLanguage(page, 'ug');
      const measure = () =>
        field.evaluate((el) => ({
          isReadOnly: (el as HTMLTextAreaElement).readOnly,
          // More than a glyph's overhang (Arabic script's descenders, a few px) out of view.
          hidden: el.scrollHeight - el.clientHeight > 4 || el.scrollWidth - el.clientWidth > 1,
          lines: Math.round(el.clientHeight / Number.parseFloat(getComputedStyle(el).lineHeight)),
        }));
      await expect
        .poll(measure, { message: locale })
        .toMatchObject({ isReadOnly: true, hidden: false });
      const shown = await measure();
      // Longer than a phone's line: it wraps instead of running out of its box.
      expect(shown.lines, locale).toBeGreaterThan(1);
      await field.scrollIntoViewIfNeeded();
      await screenshot(page, `final-agenda-whole-${locale}-360`);
    }
  });
});

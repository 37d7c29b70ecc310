import {
  ROSTER_DOC_ID,
  readFeedbackLog,
  readMinutes,
  readPlan,
  readRoster,
} from '@grassroots/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinWorkspace, openBrowser, screenshot, startRelay, waitSaved } from './harness.ts';
import { DRAFT_MINUTES_ID, seedDemoWithDraft, storedDoc } from './seed.ts';

/*
 * Someone who uses only the keyboard: every step below is Tab, Shift+Tab, Enter, Space, an arrow
 * key or typing. No mouse click and no element.focus() from the test: if a control cannot be
 * reached by Tab, or focus is lost or invisible on the way, the test fails.
 */

let relay: Awaited<ReturnType<typeof startRelay>>;
let seeded: Awaited<ReturnType<typeof seedDemoWithDraft>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;

beforeAll(async () => {
  relay = await startRelay();
  seeded = await seedDemoWithDraft(relay.server, {
    seed: 3,
    start: '2025-01-01',
    docs: 5,
    entries: 12,
  });
  browser = await openBrowser({ width: 1280, height: 900 });
  await joinWorkspace(browser.page, await seeded.invite('admin'), '李书记');
});

afterAll(async () => {
  await browser?.close();
  await relay?.cleanup();
});

/** The focused element: a short description, and what is wrong with its focus ring, if anything. */
type Focused = { description: string; isTarget: boolean; ringProblem: string | null };

/**
 * Reads the focused element. Its focus ring must be an outline of at least 2 px whose colour
 * stands out (3:1, WCAG 1.4.11) from the background it is drawn on.
 */
function readFocus(page: Page, selector: string, text: string | null): Promise<Focused> {
  return page.evaluate(
    ([sel, wanted]) => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body)
        return { description: 'body', isTarget: false, ringProblem: null };
      const label = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30);
      const name = el.getAttribute('name');
      const description = `${el.tagName.toLowerCase()}${name ? `[name=${name}]` : ''}${
        el.className && typeof el.className === 'string'
          ? `.${el.className.trim().split(/\s+/).join('.')}`
          : ''
      } "${label}"`;
      const isTarget =
        el.matches(sel) && (wanted === null || (el.textContent ?? '').trim() === wanted);

      const rgba = (c: string) => {
        const n = c.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0, 0];
        return { r: n[0] ?? 0, g: n[1] ?? 0, b: n[2] ?? 0, a: n[3] ?? 1 };
      };
      const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
        const f = (v: number) => {
          const c = v / 255;
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const style = getComputedStyle(el);
      let ringProblem: string | null = null;
      if (style.outlineStyle === 'none' || Number.parseFloat(style.outlineWidth) < 2)
        ringProblem = `outline ${style.outlineStyle} ${style.outlineWidth}`;
      else {
        // The ring is drawn around the element, over the background of what holds it.
        let background = { r: 255, g: 255, b: 255, a: 1 };
        for (let n = el.parentElement; n; n = n.parentElement) {
          const c = rgba(getComputedStyle(n).backgroundColor);
          if (c.a > 0.5) {
            background = c;
            break;
          }
        }
        const a = luminance(rgba(style.outlineColor));
        const b = luminance(background);
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        if (ratio < 3)
          ringProblem = `ring ${style.outlineColor} on ${JSON.stringify(background)}: ${ratio.toFixed(2)}:1`;
      }
      return { description, isTarget, ringProblem };
    },
    [selector, text] as const,
  );
}

/** Keyboard steps on one page, with every focus ring seen on the way checked. */
function keyboardOn(page: Page) {
  const ringProblems = new Set<string>();
  const check = async (selector = '*', text: string | null = null) => {
    const focused = await readFocus(page, selector, text);
    if (focused.ringProblem) ringProblems.add(`${focused.description}: ${focused.ringProblem}`);
    return focused;
  };
  return {
    ringProblems,
    check,
    /** Presses Tab (or Shift+Tab) until the focused element matches; fails after `max` presses. */
    async tabTo(
      selector: string,
      options: { text?: string; isBackwards?: boolean; max?: number } = {},
    ): Promise<void> {
      const max = options.max ?? 300;
      const seen: string[] = [];
      for (let i = 0; i < max; i++) {
        await page.keyboard.press(options.isBackwards ? 'Shift+Tab' : 'Tab');
        const focused = await check(selector, options.text ?? null);
        if (focused.isTarget) return;
        seen.push(focused.description);
      }
      throw new Error(
        `${selector}${options.text ? ` "${options.text}"` : ''} not reached in ${max} presses of ` +
          `${options.isBackwards ? 'Shift+Tab' : 'Tab'}; last focused: ${seen.slice(-5).join(' → ')}`,
      );
    },
    /** Selects what the focused field holds and types over it. */
    async typeOver(text: string): Promise<void> {
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type(text);
    },
  };
}

const docUrl = (docId: string) => `${relay.server.url}/#/w/${seeded.workspaceId}/d/${docId}`;
const docOf = (kind: string) => seeded.demo.docs.find((d) => d.kind === kind)!.id;
const stored = (docId: string) => storedDoc(relay.server, seeded.workspaceId, docId);

describe('each editor with the keyboard alone', () => {
  it('plan: adds a task, names it, and writes in the notes', async () => {
    const { page } = browser;
    const planId = docOf('plan');
    await page.goto(docUrl(planId));
    await page.locator('.plan-editor .task').first().waitFor();
    const phaseId = await page
      .locator('.plan-editor section.phase')
      .first()
      .getAttribute('data-phase-id');
    const phase = `section.phase[data-phase-id="${phaseId}"]`;
    const before = await page
      .locator(`${phase} .task`)
      .evaluateAll((ts) => ts.map((t) => t.getAttribute('data-task-id')));
    const keys = keyboardOn(page);

    await keys.tabTo(`${phase} button`, { text: '添加任务' });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(`${phase} .task`).count()).toBe(before.length + 1);
    const newId = await page
      .locator(`${phase} .task`)
      .evaluateAll(
        (ts, old) => ts.map((t) => t.getAttribute('data-task-id')).find((id) => !old.includes(id)),
        before,
      );
    // Focus went straight to the new task's name (it stayed on the button, the new row to hunt
    // for), its default name selected: typing replaces it.
    const newTitle = `${phase} .task[data-task-id="${newId}"] input[name="taskTitle"]`;
    await expect.poll(async () => (await keys.check(newTitle)).isTarget).toBe(true);
    await page.keyboard.type('清理三组水渠');
    await keys.tabTo(`${phase} .task[data-task-id="${newId}"] select[name="status"]`, { max: 12 });
    await page.keyboard.press('ArrowDown');

    await keys.tabTo('.plan-editor .notes .ProseMirror');
    await page.keyboard.type('五月前完成水渠清理。');
    await screenshot(page, 'keyboard-plan');
    await waitSaved(page);

    const plan = readPlan(await stored(planId));
    const task = plan.phases.find((p) => p.id === phaseId)?.tasks.find((t) => t.id === newId);
    expect(task?.title).toBe('清理三组水渠');
    // A new task starts as to do; ArrowDown on its status picked the next one.
    expect(task?.status).toBe('doing');
    await expect(page.locator('.plan-editor .notes .ProseMirror').textContent()).resolves.toContain(
      '五月前完成水渠清理。',
    );
    expect([...keys.ringProblems]).toEqual([]);
  });

  it('minutes: marks attendance, adds a guest and an agenda item, and writes the body in bold', async () => {
    const { page } = browser;
    await page.goto(docUrl(DRAFT_MINUTES_ID));
    await page.locator('.minutes-editor .attendance-row select').first().waitFor();
    const keys = keyboardOn(page);

    const firstRow = page.locator('.minutes-editor .attendance-row').first();
    const firstKey = await firstRow.getAttribute('data-key');
    await keys.tabTo(`.attendance-row[data-key="${firstKey}"] select[name="attendance"]`);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => firstRow.getAttribute('data-present')).toBe('true');

    await keys.tabTo('input[name="newPerson"]');
    await page.keyboard.type('刘技术员');
    await page.keyboard.press('Enter');
    await page.locator('.minutes-editor .attendance-row', { hasText: '刘技术员' }).waitFor();

    const agendaBefore = await page.locator('.minutes-editor .agenda-item').count();
    await keys.tabTo('.minutes-editor button', { text: '添加议题' });
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('.minutes-editor .agenda-item').count())
      .toBe(agendaBefore + 1);
    // The new item's title has the focus, as a new phase's or task's does: type straight on.
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            document.activeElement?.closest('.agenda-item') ===
              document.querySelector('.minutes-editor .agenda-item:last-child') &&
            document.activeElement?.getAttribute('name') === 'agendaTitle',
        ),
      )
      .toBe(true);
    await page.keyboard.type('村道冬季养护');

    await keys.tabTo('.minutes-editor .rich-toolbar button[aria-label="加粗"]');
    await page.keyboard.press('Space');
    // The button hands focus to the text a frame later (Tiptap's focus command): type once the
    // caret is there, as a person does.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.classList.contains('ProseMirror')))
      .toBe(true);
    await keys.check();
    await page.keyboard.type('会议决定');
    await page.keyboard.press('ControlOrMeta+b');
    await page.keyboard.type('，2026年5月1日前完成村道冬季养护。');
    await screenshot(page, 'keyboard-minutes');
    await waitSaved(page);

    await expect(page.locator('.minutes-editor .ProseMirror strong').textContent()).resolves.toBe(
      '会议决定',
    );
    await expect(page.locator('.minutes-editor .ProseMirror').textContent()).resolves.toContain(
      '会议决定，2026年5月1日前完成村道冬季养护。',
    );
    const minutes = readMinutes(await stored(DRAFT_MINUTES_ID));
    expect(minutes.agenda.map((a) => a.title)).toContain('村道冬季养护');
    expect(minutes.attendance.map((a) => a.person.name)).toContain('刘技术员');
    expect([...keys.ringProblems]).toEqual([]);
  });

  it('feedback log: records a new entry and opens it', async () => {
    const { page } = browser;
    const logId = docOf('feedback');
    await page.goto(docUrl(logId));
    await page.locator('.entry-row').first().waitFor();
    const keys = keyboardOn(page);

    await keys.tabTo('button.fb-new-entry');
    await page.keyboard.press('Enter');
    // The form opens with focus in it.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('form') !== null))
      .toBe(true);
    await keys.check();
    // A date field takes a Tab per part (year, month, day) and the time field one per part too.
    await keys.tabTo('input[name="source"]', { max: 8 });
    await page.keyboard.type('四组 王大爷');
    await keys.tabTo('select[name="category"]', { max: 5 });
    await page.keyboard.press('ArrowDown');
    await keys.tabTo('textarea[name="summary"]', { max: 8 });
    await page.keyboard.type('四组路口积水，雨天无法通行');
    await keys.tabTo('form button[type="submit"]', { max: 3 });
    await page.keyboard.press('Enter');
    const row = page.locator('.entry-row', { hasText: '四组路口积水' });
    await row.waitFor();
    // Focus goes back to where the form was opened.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.className ?? ''))
      .toContain('fb-new-entry');

    await keys.tabTo('.entry-row .fb-summary .fb-open', { text: '四组路口积水，雨天无法通行' });
    await page.keyboard.press('Enter');
    await page.locator('.entry-details', { hasText: '四组路口积水' }).waitFor();
    await screenshot(page, 'keyboard-feedback');
    await waitSaved(page);

    const log = readFeedbackLog(await stored(logId));
    const entry = log.entries.find((e) => e.summary === '四组路口积水，雨天无法通行');
    expect(entry?.source).toBe('四组 王大爷');
    expect(entry?.category).not.toBe('livelihood');
    expect([...keys.ringProblems]).toEqual([]);
  });

  it('roster: adds a person, and the jump links take focus to the part they name', async () => {
    const { page } = browser;
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/roster`);
    await page.locator('.roster-editor .roster-person').first().waitFor();
    const keys = keyboardOn(page);

    await keys.tabTo('input[name="personName"]');
    await page.keyboard.type('马晓兰');
    await keys.tabTo('.roster-add button[type="submit"]', { max: 5 });
    await page.keyboard.press('Enter');
    await page.locator('.roster-person[data-name="马晓兰"]').waitFor();

    // The jump links above the list: Enter on one moves focus to the part it names, so the next
    // Tab goes on from there instead of through every person in between.
    await keys.tabTo('.roster-jump button', { isBackwards: true, max: 8 });
    await page.keyboard.press('Enter');
    const heading = await page.evaluate(() => {
      const el = document.activeElement;
      return { tag: el?.tagName ?? '', id: el?.id ?? '', isInNav: !!el?.closest('.roster-jump') };
    });
    expect(heading.tag).toBe('H2');
    expect(heading.isInNav).toBe(false);
    await keys.check();
    await page.keyboard.press('Tab');
    const isAfterHeading = await page.evaluate((id) => {
      const h = document.getElementById(id);
      const el = document.activeElement;
      return !!h && !!el && !!(h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
    }, heading.id);
    expect(isAfterHeading).toBe(true);
    await screenshot(page, 'keyboard-roster');
    await waitSaved(page);

    const roster = readRoster(await stored(ROSTER_DOC_ID));
    expect(roster.people.map((p) => p.name)).toContain('马晓兰');
    expect([...keys.ringProblems]).toEqual([]);
  });
});

import {
  beijingInstant,
  createDoc,
  initMinutes,
  MINUTES_BODY_FIELD,
  markAttendance,
  roomName,
  writeParagraphs,
} from '@grassroots/shared';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  joinWorkspace,
  openBrowser,
  screenshot,
  startRelay,
  switchLanguage,
  waitSaved,
} from './harness.ts';
import { type SeededWorkspace, seedDocs, storedDoc } from './seed.ts';

/** A Uyghur sentence with a date, a number and a Chinese name in it. */
const UG_LINE = 'يىغىن 2025-03-12 كۈنى سائەت 10 دا باشلاندى، رىياسەتچى 李明';
const ZH_LINE = '会议于2025年3月12日上午10时开始，主持人ئەخمەت，出席12人。';
/** A Chinese paragraph whose clauses are longer than a phone's line. */
const ZH_PARAGRAPH =
  '会议由李书记主持。全体党员认真学习了关于进一步加强农村基层组织建设的有关文件精神，并结合本村实际开展了讨论。';
const UG_TITLE = 'كەنت كومىتېتى يىغىنى 2025';
const UG_ITEM = 'يول ياساش پىلانى';

let relay: Awaited<ReturnType<typeof startRelay>>;
let seeded: SeededWorkspace;
let page: Page;
const closers: Array<() => Promise<void>> = [];

/** The UI's own direction, through the language picker: Uyghur is rtl, Chinese ltr. */
async function setUiDirection(p: Page, dir: 'ltr' | 'rtl'): Promise<void> {
  await switchLanguage(p, dir === 'rtl' ? 'ug' : 'zh-CN');
  await p.locator(`html[dir="${dir}"]`).waitFor();
}

/** The direction the browser resolved for an element (`:dir()`), as the reader sees it. */
function directionOf(locator: Locator): Promise<string> {
  return locator.evaluate((el) =>
    el.matches(':dir(rtl)') ? 'rtl' : el.matches(':dir(ltr)') ? 'ltr' : 'none',
  );
}

/** Where an element's text starts and ends on screen, and its own box, in px. */
function textEdges(locator: Locator) {
  return locator.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const text = range.getBoundingClientRect();
    const box = el.getBoundingClientRect();
    return { textLeft: text.left, textRight: text.right, left: box.left, right: box.right };
  });
}

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error('not on screen');
  return { left: b.x, right: b.x + b.width, width: b.width };
}

beforeAll(async () => {
  relay = await startRelay();
  // A record already holding mixed text (for the layout checks), and an empty one to type into.
  const mixed = createDoc();
  initMinutes(mixed, {
    title: '三月村民代表会议',
    meetingType: 'other',
    startsAt: beijingInstant(2025, 3, 12, 10),
    place: 'كەنت ئىشخانىسى',
  });
  writeParagraphs(mixed.getXmlFragment(MINUTES_BODY_FIELD), `${UG_LINE}\n${ZH_LINE}`);
  const zhLong = createDoc();
  initMinutes(zhLong, { title: '党员大会', meetingType: 'other' });
  writeParagraphs(zhLong.getXmlFragment(MINUTES_BODY_FIELD), ZH_PARAGRAPH);
  markAttendance(mixed, { name: 'ئەخمەت' }, { present: true });
  markAttendance(mixed, { name: '李明' }, { present: true });
  const typed = createDoc();
  initMinutes(typed, { title: '', meetingType: 'other' });
  // A record with a history: first empty, then the mixed body written by a member.
  const versions = createDoc();
  initMinutes(versions, { title: '双语记录', meetingType: 'other' });
  seeded = await seedDocs(relay.server, '团结村', [
    { id: 'mixed', kind: 'minutes', doc: mixed },
    { id: 'typed', kind: 'minutes', doc: typed },
    { id: 'versions', kind: 'minutes', doc: versions },
    { id: 'zh-long', kind: 'minutes', doc: zhLong },
  ]);
  const { token } = await relay.server.auth.createInvite(seeded.workspaceId, null, {
    role: 'editor',
  });
  const writer = (await relay.server.auth.redeem(token, 'ئابدۇللا')).member;
  const before = Y.encodeStateVector(versions);
  writeParagraphs(versions.getXmlFragment(MINUTES_BODY_FIELD), `${UG_LINE}\n${ZH_LINE}`);
  await relay.server.store.appendUpdates([
    {
      room: roomName(seeded.workspaceId, 'versions'),
      authorId: writer.id,
      at: Date.now(),
      update: Y.encodeStateAsUpdate(versions, before),
    },
  ]);
  const b = await openBrowser({ width: 1280, height: 900 });
  closers.push(b.close);
  page = b.page;
  await joinWorkspace(page, await seeded.invite('admin'), '李书记');
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

const docUrl = (docId: string) => `${relay.server.url}/#/w/${seeded.workspaceId}/d/${docId}`;

describe('text direction from the text itself, in the Chinese UI', () => {
  it('gives each paragraph of the minutes body its own direction: a Uyghur one reads right to left, a Chinese one left to right, and nothing of it is stored', async () => {
    await page.goto(docUrl('typed'));
    const editor = page.locator('.minutes-editor .ProseMirror');
    await editor.click();
    await page.keyboard.insertText(UG_LINE);
    await page.keyboard.press('Enter');
    await page.keyboard.insertText(ZH_LINE);
    const paragraphs = editor.locator(':scope > p');
    await expect.poll(() => paragraphs.allTextContents()).toEqual([UG_LINE, ZH_LINE]);

    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await directionOf(editor)).toBe('ltr');
    for (const p of [paragraphs.nth(0), paragraphs.nth(1)]) {
      expect(await p.getAttribute('dir')).toBe('auto');
    }
    expect(await directionOf(paragraphs.nth(0))).toBe('rtl');
    expect(await directionOf(paragraphs.nth(1))).toBe('ltr');
    // As read: the Uyghur line starts at the right edge, the Chinese one at the left.
    const ug = await textEdges(paragraphs.nth(0));
    expect(Math.abs(ug.textRight - ug.right)).toBeLessThan(2);
    expect(ug.textLeft - ug.left).toBeGreaterThan(20);
    const zh = await textEdges(paragraphs.nth(1));
    expect(Math.abs(zh.textLeft - zh.left)).toBeLessThan(2);

    // A list item takes its direction as a whole, so its bullet sits where its text starts.
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: '项目符号' }).click();
    await page.keyboard.insertText(UG_ITEM);
    const item = editor.locator('li', { hasText: UG_ITEM });
    await item.waitFor();
    expect(await item.getAttribute('dir')).toBe('auto');
    expect(await item.locator('p').getAttribute('dir')).toBeNull();
    expect(await directionOf(item)).toBe('rtl');
    expect(await directionOf(item.locator('p'))).toBe('rtl');

    // Direction is worked out on screen; the shared doc holds the text alone.
    await waitSaved(page);
    const stored = await storedDoc(relay.server, seeded.workspaceId, 'typed');
    const body = stored.getXmlFragment(MINUTES_BODY_FIELD);
    const elements = [...body.createTreeWalker((n) => n instanceof Y.XmlElement)];
    expect(elements.map((e) => (e as Y.XmlElement).nodeName)).toEqual(
      expect.arrayContaining(['paragraph', 'bulletList', 'listItem']),
    );
    for (const e of elements) expect((e as Y.XmlElement).getAttributes()).not.toHaveProperty('dir');
    await screenshot(page, 'rtl-typed-body-zh');
  });

  it('reads a Uyghur title right to left in its input and in the document list', async () => {
    await page.goto(docUrl('typed'));
    const title = page.locator('input[name="minutesTitle"]');
    await title.fill(UG_TITLE);
    expect(await title.getAttribute('dir')).toBe('auto');
    expect(await directionOf(title)).toBe('rtl');
    const place = page.locator('input[name="place"]');
    await place.fill('村委会');
    expect(await directionOf(place)).toBe('ltr');
    await waitSaved(page);
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/docs`);
    const listed = page.locator('.doc-card[data-doc-id="typed"] .doc-title');
    await expect.poll(() => listed.textContent()).toBe(UG_TITLE);
    expect(await directionOf(listed.locator('bdi'))).toBe('rtl');
    // A title in a list reads right to left yet lines up with the Chinese titles around it.
    const edges = await textEdges(listed);
    expect(Math.abs(edges.textLeft - edges.left)).toBeLessThan(2);
    expect(await directionOf(listed)).toBe('ltr');
    expect(await directionOf(page.locator('.doc-card[data-doc-id="mixed"] .doc-title bdi'))).toBe(
      'ltr',
    );
  });

  it('prints each paragraph of the body and each name in its own direction', async () => {
    await page.goto(`${docUrl('mixed')}/print`);
    const body = page.locator('.print-body p');
    await expect.poll(() => body.allTextContents()).toEqual([UG_LINE, ZH_LINE]);
    expect(await directionOf(body.nth(0))).toBe('rtl');
    expect(await directionOf(body.nth(1))).toBe('ltr');
    const place = page.locator('.print-fields td bdi', { hasText: 'كەنت ئىشخانىسى' });
    expect(await directionOf(place)).toBe('rtl');
    // The sheet itself stays a Chinese one: its labels read left to right.
    expect(await directionOf(page.locator('.print-fields th').first())).toBe('ltr');
  });
});

describe('past versions of rich text, in the Chinese UI', () => {
  it('shows each paragraph of a version and of a comparison in its own direction', async () => {
    await page.goto(`${docUrl('versions')}/history`);
    const entries = page.locator('.history-entry');
    await expect.poll(() => entries.count()).toBe(2);
    // The writer's version, read-only in the minutes editor.
    await entries.nth(0).locator('button').click();
    const version = page.locator('.history-version .ProseMirror > p');
    await expect.poll(() => version.allTextContents()).toEqual([UG_LINE, ZH_LINE]);
    expect(
      await page.locator('.history-version .ProseMirror').getAttribute('contenteditable'),
    ).toBe('false');
    expect(await directionOf(version.nth(0))).toBe('rtl');
    expect(await directionOf(version.nth(1))).toBe('ltr');
    // The empty first version against now: the inserted paragraphs, each in its direction.
    await entries.nth(1).locator('button').click();
    await page.getByRole('button', { name: '与当前版本比较' }).click();
    const blocks = page.locator('.history-compare .history-diff-text .diff-block', {
      has: page.locator('.diff-ins'),
    });
    await expect.poll(() => blocks.allTextContents()).toEqual([UG_LINE, ZH_LINE]);
    expect(await directionOf(blocks.nth(0))).toBe('rtl');
    expect(await directionOf(blocks.nth(1))).toBe('ltr');
    // The writer's Uyghur name in the Chinese legend stays one right-to-left run.
    const legendName = page.locator('.history-legend bdi', { hasText: 'ئابدۇللا' });
    expect(await directionOf(legendName)).toBe('rtl');
    await screenshot(page, 'rtl-history-compare-zh');
    // "← back" points the other way when the page runs right to left.
    const arrow = page.locator('.history-back .bidi-flip');
    const transform = () => arrow.evaluate((el) => getComputedStyle(el).transform);
    expect(await transform()).toBe('none');
    await setUiDirection(page, 'rtl');
    expect(await transform()).toBe('matrix(-1, 0, 0, 1, 0, 0)');
    expect(await directionOf(blocks.nth(1))).toBe('ltr');
    await screenshot(page, 'rtl-history-compare-rtl');
    await setUiDirection(page, 'ltr');
  });
});

describe('the layout mirrors under dir="rtl"', () => {
  for (const width of [360, 1280]) {
    it(`at ${width} px: navigation starts at the right, paddings and borders swap sides, typed text keeps its own direction`, async () => {
      await page.setViewportSize({ width, height: width === 360 ? 800 : 900 });
      await page.goto(docUrl('mixed'));
      const paragraphs = page.locator('.minutes-editor .ProseMirror > p');
      await expect.poll(() => paragraphs.allTextContents()).toEqual([UG_LINE, ZH_LINE]);
      const tabs = page.locator('.topbar .tabs');
      const firstTab = tabs.locator('a').first();
      const brand = page.locator('.topbar .brand');
      const row = page.locator('.attendance-row', { hasText: '李明' });
      const name = row.locator('.attendance-name');
      const rowBorder = 1;
      const rowPaddingStart = 0.6 * 16;

      for (const dir of ['ltr', 'rtl'] as const) {
        await setUiDirection(page, dir);
        const tabsBox = await box(tabs);
        const first = await box(firstTab);
        const brandBox = await box(brand);
        const rowBox = await box(row);
        const nameBox = await box(name);
        if (dir === 'ltr') {
          expect(Math.abs(first.left - tabsBox.left)).toBeLessThan(1);
          expect(brandBox.left).toBeLessThan(width / 2);
          expect(nameBox.left - rowBox.left).toBeCloseTo(rowBorder + rowPaddingStart, 0);
        } else {
          // The first tab at the right edge, the village name leading from the right.
          expect(Math.abs(tabsBox.right - first.right)).toBeLessThan(1);
          expect(first.left).toBeGreaterThan(width / 2);
          expect(brandBox.right).toBeGreaterThan(width / 2);
          expect(Math.abs(brandBox.right - (width - 0.75 * 16))).toBeLessThan(1);
          expect(rowBox.right - nameBox.right).toBeCloseTo(rowBorder + rowPaddingStart, 0);
        }
        // The village's name reads by its own letters too: a long Chinese name is cut at its end
        // (under the UI's rtl the ellipsis hid its start).
        expect(await directionOf(page.locator('.topbar .brand-name'))).toBe('ltr');
        // Typed text reads by its own letters whatever the UI's direction.
        expect(await directionOf(paragraphs.nth(0))).toBe('rtl');
        expect(await directionOf(paragraphs.nth(1))).toBe('ltr');
        const zh = await textEdges(paragraphs.nth(1));
        expect(Math.abs(zh.textLeft - zh.left)).toBeLessThan(2);
        const ug = await textEdges(paragraphs.nth(0));
        expect(Math.abs(ug.textRight - ug.right)).toBeLessThan(2);
        expect(await directionOf(page.locator('input[name="place"]'))).toBe('rtl');
        expect(await directionOf(page.locator('input[name="minutesTitle"]'))).toBe('ltr');
        // Arabic script gets taller lines in the Uyghur UI.
        expect(
          await page.evaluate(() => getComputedStyle(document.documentElement).lineHeight),
        ).toBe(dir === 'rtl' ? '28px' : '24px');
        // Nothing pushed off the side.
        expect(
          await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
        ).toBeLessThanOrEqual(0);

        await screenshot(page, `rtl-minutes-${width}-${dir}-top`);
        await page.locator('.minutes-editor .rich').scrollIntoViewIfNeeded();
        await page.evaluate(() => window.scrollBy(0, -120));
        await screenshot(page, `rtl-minutes-${width}-${dir}-body`);
        await page.evaluate(() => window.scrollTo(0, 0));
      }
      await setUiDirection(page, 'ltr');
    });
  }
});

describe('Chinese text in the Uyghur UI', () => {
  it('a Chinese paragraph of a record wraps as Chinese does, filling its lines, not only at its punctuation', async () => {
    await setUiDirection(page, 'rtl');
    await page.setViewportSize({ width: 360, height: 800 });
    try {
      await page.goto(docUrl('zh-long'));
      const paragraph = page.locator('.minutes-editor .ProseMirror > p', {
        hasText: '会议由李书记主持',
      });
      await paragraph.waitFor();
      // Each line box of the paragraph, as wide as it is drawn.
      const lines = await paragraph.evaluate((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const rows = new Map<number, number>();
        for (const r of range.getClientRects()) {
          const top = Math.round(r.top);
          rows.set(top, (rows.get(top) ?? 0) + r.width);
        }
        return { width: el.getBoundingClientRect().width, rows: [...rows.values()] };
      });
      expect(lines.rows.length).toBeGreaterThan(2);
      // Every line but the last is (nearly) full: under keep-all the first held only
      // 会议由李书记主持。, half the line empty, the next clause being longer than a line.
      for (const row of lines.rows.slice(0, -1)) {
        expect(row / lines.width).toBeGreaterThan(0.85);
      }
      await screenshot(page, 'rtl-chinese-paragraph-ug-360');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
      await setUiDirection(page, 'ltr');
    }
  });
});

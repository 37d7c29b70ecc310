import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addDocEntry,
  addEntry,
  createDoc,
  INDEX_DOC_ID,
  initFeedbackLog,
  initIndex,
  labelOf,
  readIndex,
  roomName,
  translate,
} from '@grassroots/shared';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  joinWorkspace,
  once,
  openBrowser,
  screenshot,
  startRelay,
  switchLanguage,
  waitSaved,
} from './harness.ts';
import { seedDemo } from './seed.ts';
import { readWorkbook } from './xlsx.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  relay = await startRelay();
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

/**
 * A workspace with a feedback log (empty unless `fill` adds entries), and an invite for its
 * admin.
 */
async function workspaceWithLog(
  name: string,
  title = '民情日志',
  fill: (log: Y.Doc) => void = () => {},
) {
  const { server } = relay;
  const created = await server.auth.createWorkspace(name);
  const ws = created.workspace.id;
  const index = createDoc();
  initIndex(index, { name });
  const log = createDoc();
  initFeedbackLog(log, { title, createdAt: Date.now() });
  fill(log);
  addDocEntry(index, { id: 'log', kind: 'feedback', title, createdAt: Date.now() });
  await server.store.appendUpdates(
    [
      { room: roomName(ws, INDEX_DOC_ID), update: Y.encodeStateAsUpdate(index) },
      { room: roomName(ws, 'log'), update: Y.encodeStateAsUpdate(log) },
    ].map((r) => ({ ...r, authorId: created.admin.id, at: Date.now() })),
  );
  return { ws, invite: `${server.url}/#/join/${created.inviteToken}`, logId: 'log' };
}

const ug = (key: Parameters<typeof translate>[1]) => translate('ug', key);

/** How many lines each of these elements' text is drawn on, with its text. */
function linesDrawn(elements: Locator): Promise<{ text: string; lines: number }[]> {
  return elements.evaluateAll((els) =>
    els.map((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const tops = [...range.getClientRects()].map((r) => Math.round(r.top));
      return { text: el.textContent ?? '', lines: new Set(tops).size };
    }),
  );
}

/**
 * Where the first and the last digit of each date in these elements are drawn: "2025-02-01" must
 * start at the left (after Uyghur words the bidi algorithm draws a bare one as "01-02-2025").
 * At least `atLeast` are found.
 */
async function datesDrawn(
  lines: Locator,
  { atLeast = 2 } = {},
): Promise<{ text: string; first: number; last: number; isOneLine: boolean }[]> {
  await expect.poll(() => lines.count()).toBeGreaterThanOrEqual(atLeast);
  const pattern = '\\d{4}-\\d{2}-\\d{2}';
  const drawn = await lines.evaluateAll(
    (els, source) =>
      els.flatMap((el) => {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        const found: { text: string; first: number; last: number; isOneLine: boolean }[] = [];
        for (
          let node = walker.nextNode() as Text | null;
          node;
          node = walker.nextNode() as Text | null
        ) {
          const match = new RegExp(source).exec(node.data);
          if (!match) continue;
          const box = (at: number) => {
            const range = document.createRange();
            range.setStart(node!, at);
            range.setEnd(node!, at + 1);
            return range.getBoundingClientRect();
          };
          const [first, last] = [box(match.index), box(match.index + match[0].length - 1)];
          found.push({
            text: match[0],
            first: first.left,
            last: last.left,
            isOneLine: Math.abs(first.top - last.top) < 2,
          });
        }
        return found;
      }),
    pattern,
  );
  expect(drawn.length).toBeGreaterThanOrEqual(atLeast);
  return drawn;
}

describe('the Uyghur locale (I18N-3)', () => {
  for (const width of [360, 1280]) {
    it(`is right to left and mirrors the layout at ${width} px; the choice survives a reload`, async () => {
      const { ws, invite } = await workspaceWithLog(`RTL ${width}`);
      const b = await openBrowser({ width, height: 800 });
      closers.push(b.close);
      const { page } = b;
      await joinWorkspace(page, invite, 'ئابدۇللا');
      await switchLanguage(page, 'ug');
      const html = page.locator('html');
      expect(await html.getAttribute('dir')).toBe('rtl');
      expect(await html.getAttribute('lang')).toBe('ug');
      await page.goto(`${relay.server.url}/#/w/${ws}`);
      await page.reload();
      await page.locator('.tabs a').first().waitFor();
      expect(await html.getAttribute('lang')).toBe('ug');
      // The navigation's first item sits at the right edge; the next ones follow to its left.
      const boxes = await page.locator('.tabs a').evaluateAll((links) =>
        links.map((a) => {
          const r = a.getBoundingClientRect();
          return { left: r.left, right: r.right, text: a.textContent ?? '' };
        }),
      );
      const tabs = await page.locator('.tabs').evaluate((el) => {
        const r = el.getBoundingClientRect();
        return { left: r.left, right: r.right };
      });
      expect(boxes.length).toBeGreaterThan(2);
      expect(boxes[0]!.text).toBe(ug('nav.dashboard'));
      expect(boxes[0]!.right).toBeGreaterThan(boxes[1]!.right);
      expect(tabs.right - boxes[0]!.right).toBeLessThan(24);
      // Every tab reads in Uyghur, in Arabic script.
      for (const box of boxes) expect(box.text).toMatch(/[\u0600-\u06ff]/);
      // The header mirrors too: the brand is right of the language picker.
      const brand = await page.locator('.brand').boundingBox();
      const picker = await page.locator('.lang-switch').boundingBox();
      expect(brand!.x).toBeGreaterThan(picker!.x);
      await screenshot(page, `ug-dashboard-${width}`);
    });
  }

  it('a record made in the Uyghur UI reads correctly in Chinese and English, and one made in Chinese reads in Uyghur', async () => {
    const { ws, invite, logId } = await workspaceWithLog('三语');
    const b = await openBrowser({ width: 390, height: 844 });
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, invite, 'مەريەم');
    await switchLanguage(page, 'ug');
    await page.goto(`${relay.server.url}/#/w/${ws}/d/${logId}`);
    await page.getByRole('button', { name: ug('fb.newEntry') }).click();
    const form = page.locator('form[aria-label]').first();
    await form.locator('select[name="category"]').selectOption('infrastructure');
    await form.locator('select[name="urgency"]').selectOption('urgent');
    const summary = 'كەنت يولى 2025-يىلى 3-ئايدا رېمونت قىلىنسۇن، مەسئۇل 李明';
    await form.locator('textarea[name="summary"]').fill(summary);
    await form.getByRole('button', { name: ug('common.save') }).click();
    const row = page.locator('.entry-row').first();
    await row.waitFor();
    await waitSaved(page);
    await screenshot(page, 'ug-feedback-entry-390');
    const read = async () => ({
      summary: (await row.locator('.fb-summary .fb-open').textContent())?.trim(),
      category: (await row.locator('.fb-category').textContent())?.trim(),
      status: (await row.locator('.fb-status [data-status]').textContent())?.trim(),
      urgency: (await row.locator('.fb-status [data-urgent]').textContent())?.trim(),
    });
    for (const locale of ['ug', 'zh-CN', 'en'] as const) {
      await switchLanguage(page, locale);
      expect(await read(), locale).toEqual({
        summary,
        category: labelOf('feedbackCategory', 'infrastructure', locale),
        status: labelOf('feedbackStatus', 'received', locale),
        urgency: labelOf('urgency', 'urgent', locale),
      });
      // The person's text keeps its own direction in every UI language.
      expect(
        await row
          .locator('.fb-summary bdi')
          .first()
          .evaluate((el) => el.matches(':dir(rtl)')),
      ).toBe(true);
    }
    // A Chinese entry typed in the Chinese UI reads left to right inside the Uyghur UI.
    await switchLanguage(page, 'zh-CN');
    await page.getByRole('button', { name: translate('zh-CN', 'fb.newEntry') }).click();
    const zhForm = page.locator('form[aria-label]').first();
    await zhForm.locator('textarea[name="summary"]').fill('村民反映：3号井水压不足');
    await zhForm.getByRole('button', { name: translate('zh-CN', 'common.save') }).click();
    await switchLanguage(page, 'ug');
    const zhRow = page.locator('.entry-row', { hasText: '3号井水压不足' });
    await zhRow.waitFor();
    expect(
      await zhRow
        .locator('.fb-summary bdi')
        .first()
        .evaluate((el) => el.matches(':dir(ltr)')),
    ).toBe(true);
    expect((await zhRow.locator('.fb-category').textContent())?.trim()).toBe(
      labelOf('feedbackCategory', 'livelihood', 'ug'),
    );
    await screenshot(page, 'ug-feedback-mixed-390');

    // The feedback ledger exported in Uyghur: Uyghur headings, a right-to-left sheet, the
    // entries' own text as typed.
    await page.goto(`${relay.server.url}/#/w/${ws}/feedback-ledger`);
    await page.locator('.fbl-row').first().waitFor();
    await screenshot(page, 'ug-feedback-ledger-390');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.ledger-actions button', { hasText: ug('ledger.exportXlsx') }).click(),
    ]);
    const file = join(await mkdtemp(join(tmpdir(), 'grassroots-ug-xlsx-')), 'ledger.xlsx');
    await download.saveAs(file);
    const [sheet] = [...(await readWorkbook(file)).values()];
    expect(sheet!.rightToLeft).toBe(true);
    expect(sheet!.header).toContain(ug('fbl.colNo'));
    expect(sheet!.header.join(' ')).toMatch(/[\u0600-\u06ff]/);
    expect(JSON.stringify(sheet!.rows)).toContain(summary);
    expect(JSON.stringify(sheet!.rows)).toContain(
      labelOf('feedbackCategory', 'infrastructure', 'ug'),
    );
  });
  it('I18N-5 a feedback log’s made title (2026年民情日志) heads the log in the reader’s language, as the list says it', async () => {
    const { ws, invite, logId } = await workspaceWithLog('标题', '2026年民情日志', (log) => {
      // Overdue: its days past due show in the log's list (LEDGER-2).
      addEntry(log, {
        receivedAt: Date.now() - 10 * 86_400_000,
        channel: 'home-visit',
        category: 'infrastructure',
        summary: '三组路灯不亮',
      });
    });
    const b = await openBrowser({ width: 360, height: 800 });
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, invite, 'مەريەم');
    const expected = {
      'zh-CN': '2026年民情日志',
      ug: '2026-يىللىق خەلق ئەھۋالى خاتىرىسى',
    } as const;
    for (const locale of ['ug', 'zh-CN'] as const) {
      await switchLanguage(page, locale);
      await page.goto(`${relay.server.url}/#/w/${ws}/docs`);
      const listed = page.locator(`[data-doc-id="${logId}"] .doc-title`);
      await listed.waitFor();
      expect((await listed.textContent())?.trim()).toBe(expected[locale]);
      await page.goto(`${relay.server.url}/#/w/${ws}/d/${logId}`);
      const heading = page.locator('.feedback-editor h1');
      await page.locator('.entry-row [data-overdue-days]').waitFor();
      expect((await heading.textContent())?.trim()).toBe(expected[locale]);
      for (const width of [360, 1280]) {
        await page.setViewportSize({ width, height: 800 });
        await screenshot(page, `feedback-log-title-${locale}-${width}`);
      }
      await page.setViewportSize({ width: 360, height: 800 });
    }
  });

  /** The year-long demo on one phone in Uyghur, for two tests (joining it is the costly part). */
  const openUyghurPhone = once(async () => {
    const { invite } = await seedDemo(relay.server, { start: '2025-01-01' });
    const { page, close } = await openBrowser({ width: 360, height: 900 });
    closers.push(close);
    await joinWorkspace(page, await invite('editor'), 'ئابدۇللا');
    await waitSaved(page);
    await switchLanguage(page, 'ug');
    return page;
  });
  it('the dates of a decision case read left to right among Uyghur words (its steps and publications, and in the report)', async () => {
    const page = await openUyghurPhone();
    await page.setViewportSize({ width: 360, height: 900 });
    await page.locator('.tabs a').first().click();
    const block = page.locator('.case', { has: page.locator('.case-publications li') }).first();
    const onOverview = await datesDrawn(
      block.locator('.case-step .small, .case-publications li > span'),
    );
    await page.locator('.tabs a').nth(3).click();
    await page.locator('.ledger-nav a', { hasText: ug('ledger.reportTab') }).click();
    await page.locator('select[name="reportKind"]').selectOption('quarter');
    await page.locator('select[name="reportQuarter"]').selectOption('1');
    const inReport = await datesDrawn(page.locator('li[data-step] span'));
    for (const d of [...onOverview, ...inReport]) expect(d.first, d.text).toBeLessThan(d.last);
  });
  it('a count of a total, a month and the report’s meeting chart read right among Uyghur words', async () => {
    const { invite, workspaceId, demo } = await seedDemo(relay.server, { start: '2025-01-01' });
    const { page, close } = await openBrowser({ width: 1280, height: 900 });
    closers.push(close);
    await joinWorkspace(page, await invite('editor'), 'ئابدۇللا');
    await waitSaved(page);
    await switchLanguage(page, 'ug');
    // Where the first digit of each of two numbers joined by "/" is drawn: done left of total,
    // as in Chinese (each isolated on its own, "27/37" was drawn "37/27").
    const fraction = page.locator('[aria-labelledby="dash-plans"] li .small').first();
    await expect.poll(() => fraction.textContent()).toMatch(/\d+\D*\/\D*\d+/);
    await fraction.waitFor({ state: 'visible' });
    const measure = () =>
      fraction.evaluate((el) => {
        const node = document.createTreeWalker(el, NodeFilter.SHOW_TEXT).nextNode() as Text;
        // Direction marks (isolates) may stand between the numbers and the slash.
        const match = /(\d+)[\u2066-\u2069]*\/[\u2066-\u2069]*(\d+)/.exec(node.data)!;
        const at = (i: number) => {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          return range.getBoundingClientRect().left;
        };
        const slash = node.data.indexOf('/', match.index);
        const total = node.data.indexOf(match[2]!, slash);
        return { done: at(match.index), slash: at(slash), total: at(total), text: match[0] };
      });
    // Measured once laid out (a text re-rendered a moment ago measures nothing).
    let drawn = await measure();
    await expect
      .poll(async () => {
        drawn = await measure();
        return drawn.done !== drawn.slash && drawn.slash !== drawn.total;
      })
      .toBe(true);
    expect(drawn.done, drawn.text).toBeLessThan(drawn.slash);
    expect(drawn.slash, drawn.text).toBeLessThan(drawn.total);
    // This period of a meeting rule, named as the ledgers name it (2025-يىل 12-ئاي, not the
    // key 2025-12): the year read first, i.e. drawn right of the month.
    const periods = page.locator('[aria-labelledby="dash-meetings"] .period');
    await expect.poll(() => periods.count()).toBeGreaterThan(0);
    const periodTexts = await periods.allTextContents();
    for (const text of periodTexts) {
      // Numbers come isolated (U+2068…U+2069) from the catalogue.
      expect(text.replace(/[\u2066-\u2069]/g, '')).toMatch(/^\d{4}-يىل( \d{1,2}-(ئاي|پەسىل))?$/);
    }
    const drawnPeriod = () =>
      periods.evaluateAll((els) =>
        els
          .filter((el) => /\d+\D*-يىل \D*\d+/.test(el.textContent ?? ''))
          .map((el) => {
            const node = el.firstChild as Text;
            const at = (i: number) => {
              const range = document.createRange();
              range.setStart(node, i);
              range.setEnd(node, i + 1);
              return range.getBoundingClientRect().left;
            };
            const year = node.data.search(/\d/);
            const month =
              node.data.indexOf(' ') + node.data.slice(node.data.indexOf(' ')).search(/\d/);
            return { text: node.data, year: at(year), month: at(month) };
          }),
      );
    let months = await drawnPeriod();
    await expect
      .poll(async () => {
        months = await drawnPeriod();
        return months.length > 0 && months.every((m) => m.year !== m.month);
      })
      .toBe(true);
    for (const m of months) expect(m.year, m.text).toBeGreaterThan(m.month);
    // A party group's Chinese name among Uyghur words, and each period, on one line: it moves
    // to the next line whole ("（一组、二" / "组）" before).
    const lineTops = await linesDrawn(page.locator('[aria-labelledby="dash-meetings"] .whole'));
    expect(lineTops.length).toBeGreaterThan(3);
    for (const name of lineTops) expect(name.lines, name.text).toBe(1);
    // The report's meeting chart: every label and value inside the chart, labels at its right.
    await page.locator('.tabs a').nth(3).click();
    await page.locator('.ledger-nav a', { hasText: ug('ledger.reportTab') }).click();
    const chart = page.locator('.report-meetings .chart-pairs');
    await expect.poll(() => chart.locator('.chart-row').count()).toBeGreaterThan(1);
    const measureChart = () =>
      chart.evaluate((svg) => {
        const outer = svg.getBoundingClientRect();
        return {
          outer: { left: outer.left, right: outer.right },
          labels: [...svg.querySelectorAll('.chart-label')].map((t) => {
            const r = t.getBoundingClientRect();
            return { text: t.textContent ?? '', left: r.left, right: r.right };
          }),
          values: [...svg.querySelectorAll('.chart-value')].map((t) => {
            const r = t.getBoundingClientRect();
            return { left: r.left, right: r.right };
          }),
        };
      });
    let boxes = await measureChart();
    await expect
      .poll(async () => {
        boxes = await measureChart();
        return [...boxes.labels, ...boxes.values].every((b) => b.right > b.left);
      })
      .toBe(true);
    for (const box of [...boxes.labels, ...boxes.values]) {
      expect(box.right - box.left).toBeGreaterThan(0);
      expect(box.left).toBeGreaterThanOrEqual(boxes.outer.left - 1);
      expect(box.right).toBeLessThanOrEqual(boxes.outer.right + 1);
    }
    for (const label of boxes.labels)
      expect(boxes.outer.right - label.right, label.text).toBeLessThan(8);
    await screenshot(page, 'ug-report-meetings-chart');
    // The 民情日志 台账 fits a 1280 px screen in Uyghur: no column scrolled out of view (its long
    // headers kept on one line pushed the last two out).
    await page.locator('.ledger-nav a', { hasText: ug('ledger.feedbackTab') }).click();
    const ledgerBox = page.locator('.table-wrap:has(.fbl-table)');
    await expect.poll(() => page.locator('.fbl-row').count()).toBeGreaterThan(10);
    expect(await ledgerBox.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(
      1,
    );
    // A name in brackets in its history lines stays on one line: （李秀 / 英） before.
    const names = await page.locator('.fbl-lines li').evaluateAll((items) =>
      items.flatMap((li) => {
        // Where each character of the line is: its text node and offset there.
        const at: [Text, number][] = [];
        const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null)
          for (let i = 0; i < n.data.length; i++) at.push([n, i]);
        const text = li.textContent ?? '';
        const pattern = /[（(][\u2066-\u2069]*[\u4e00-\u9fff·]{2,12}[\u2066-\u2069]*[）)]/g;
        return [...text.matchAll(pattern)].map((m) => {
          const range = document.createRange();
          const [startNode, startAt] = at[m.index]!;
          const [endNode, endAt] = at[m.index + m[0].length - 1]!;
          range.setStart(startNode, startAt);
          range.setEnd(endNode, endAt + 1);
          // Glyphs of two fonts sit a few px apart on one line: lines are 10 px or more apart.
          const middles = [...range.getClientRects()].map((r) => r.top + r.height / 2);
          const lines = middles.filter((y, i) =>
            middles.slice(0, i).every((o) => Math.abs(o - y) >= 10),
          );
          return { name: m[0], lines: lines.length };
        });
      }),
    );
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((n) => n.lines !== 1)).toEqual([]);
    // Each history line's time reads date first, then the hour ('02:06 01-06' before).
    const datesFirst = await page.locator('.fbl-lines li').evaluateAll((items) =>
      items.slice(0, 30).map((li) => {
        const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
        let text = walker.nextNode() as Text | null;
        while (text && !/\d\d-\d\d \d\d:\d\d/.test(text.data))
          text = walker.nextNode() as Text | null;
        if (!text) return null;
        const start = text.data.search(/\d/);
        const leftOf = (i: number) => {
          const range = document.createRange();
          range.setStart(text!, i);
          range.setEnd(text!, i + 1);
          return range.getBoundingClientRect().left;
        };
        return leftOf(start) < leftOf(text.data.indexOf(':'));
      }),
    );
    expect(datesFirst.length).toBeGreaterThan(10);
    expect(datesFirst.every((x) => x === true)).toBe(true);
    // The document list on a phone: each card's day whole, on one line, left to right.
    await page.setViewportSize({ width: 360, height: 800 });
    await page.locator('.tabs a').nth(1).click();
    for (const d of await datesDrawn(page.locator('.doc-card .card-link > .small'))) {
      expect(d.first, d.text).toBeLessThan(d.last);
      expect(d.isOneLine, d.text).toBe(true);
    }
    // A short value in a sentence (here the plan's title in the history's heading) goes to the
    // next line whole instead of breaking inside.
    const planId = readIndex(demo.index).docs.find((d) => d.kind === 'plan')!.id;
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${planId}/history`);
    const heading = page.locator('.history-header h1 bdi');
    await expect.poll(() => heading.textContent()).toBe('阳光村2025年阶段性工作计划');
    expect(await linesDrawn(heading)).toEqual([{ text: '阳光村2025年阶段性工作计划', lines: 1 }]);
  });
  it('the 三会一课 ledger on a phone: each column’s name is read whole in its card, a group’s name is not broken', async () => {
    const page = await openUyghurPhone();
    await page.setViewportSize({ width: 360, height: 800 });
    await page.locator('.tabs a').nth(3).click();
    await page.locator('.ledger-nav a', { hasText: ug('ledger.meetingsTab') }).click();
    await expect.poll(() => page.locator('.totals-table tbody tr').count()).toBeGreaterThan(3);
    // Nothing of a card is cut at the side of its scroll region: "داۋاملىشىۋاتقان ياكى ۋاقتى
    // توشمىغان" lost its last word there, the column's name kept on one line.
    const cut = await page
      .locator('.ledger-rule .table-wrap, .table-wrap:has(.totals-table)')
      .evaluateAll((wraps) => wraps.map((w) => w.scrollWidth - w.clientWidth));
    expect(cut.length).toBeGreaterThan(3);
    expect(Math.max(...cut)).toBeLessThanOrEqual(1);
    // A party group's Chinese name among Uyghur words, in a card's title and a section's heading,
    // on one line ("（一组、二" / "组）" before).
    const names = await linesDrawn(page.locator('.totals-table th .whole, .ledger-rule h2 .whole'));
    expect(names.length).toBeGreaterThan(3);
    for (const name of names) expect(name.lines, name.text).toBe(1);
  });
});

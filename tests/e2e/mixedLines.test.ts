import { beijingDate, DAY_MS, readIndex, readMinutes, translate } from '@grassroots/shared';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  relay = await startRelay();
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

const ug = (key: Parameters<typeof translate>[1]) => translate('ug', key);

/**
 * The lines each element's text is drawn on (glyphs of two fonts sit a few px apart on one line:
 * lines are 10 px or more apart), with its text.
 */
function linesDrawn(elements: Locator): Promise<{ text: string; lines: number }[]> {
  return elements.evaluateAll((els) =>
    els.map((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const middles = [...range.getClientRects()]
        .filter((r) => r.width > 0)
        .map((r) => r.top + r.height / 2);
      const lines = middles.filter((y, i) =>
        middles.slice(0, i).every((o) => Math.abs(o - y) >= 10),
      );
      return { text: el.textContent ?? '', lines: lines.length };
    }),
  );
}

/**
 * Where the opening quote and the closing one are drawn against the value between them: in a
 * Uyghur line « opens at the value's right and » closes at its left.
 */
function quoteSides(quoted: Locator): Promise<{ opens: string; closes: string }> {
  return quoted.evaluate((el) => {
    const value = el.querySelector('bdi')!.getBoundingClientRect();
    const sideOf = (node: Node | null) => {
      const range = document.createRange();
      range.selectNodeContents(node!);
      const r = range.getBoundingClientRect();
      return r.left >= value.right - 1 ? 'right' : r.right <= value.left + 1 ? 'left' : 'inside';
    };
    return { opens: sideOf(el.firstChild), closes: sideOf(el.lastChild) };
  });
}

/** Screenshots of the screen at both widths, in Chinese and in Uyghur. */
async function shootBoth(page: Page, name: string, at: Locator): Promise<void> {
  for (const locale of ['zh-CN', 'ug'] as const) {
    await switchLanguage(page, locale);
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await at.first().scrollIntoViewIfNeeded();
      await screenshot(page, `mixed-${name}-${locale}-${width}`);
    }
  }
  await page.setViewportSize({ width: 360, height: 900 });
}

describe('Chinese names and titles among Uyghur words on a phone', () => {
  const open = once(async () => {
    // The demo's year ends a year ago: the months since have every meeting not held.
    const seeded = await seedDemo(relay.server, {
      seed: 11,
      start: beijingDate(Date.now() - 730 * DAY_MS),
    });
    const { page, close } = await openBrowser({ width: 360, height: 900 });
    closers.push(close);
    await joinWorkspace(page, await seeded.invite('editor'), 'ئابدۇللا');
    await waitSaved(page);
    await switchLanguage(page, 'ug');
    return { page, ...seeded };
  });

  it('the report’s list of meetings not held keeps each party group’s name in its brackets on the line of its month', async () => {
    const { page } = await open();
    await page.locator('.tabs a').nth(3).click();
    await page.locator('.ledger-nav a', { hasText: ug('ledger.reportTab') }).click();
    // A month after the demo's year: every party group's meeting not held.
    const [year, month] = beijingDate(Date.now() - 100 * DAY_MS)
      .split('-')
      .map(Number);
    await page.locator('select[name="reportKind"]').selectOption('month');
    await page.locator('select[name="reportYear"]').selectOption(String(year));
    await page.locator('select[name="reportMonth"]').selectOption(String(month));
    const missed = page.locator('.report-missed');
    const groups = missed.locator('.report-missed-item:has(bdi)');
    await missed.waitFor();
    expect(await groups.count()).toBeGreaterThan(1);
    const withMonths = await linesDrawn(groups.locator('.whole:has(.report-missed-period)'));
    expect(withMonths.length).toBe(await groups.count());
    for (const item of withMonths) expect(item.lines, item.text).toBe(1);
    await shootBoth(page, 'report-missed', missed);
  });

  it('the 台账’s links to each kind of meeting keep a party group’s name whole', async () => {
    const { page } = await open();
    await switchLanguage(page, 'ug');
    await page.locator('.tabs a').nth(3).click();
    await page.locator('.ledger-nav a', { hasText: ug('ledger.meetingsTab') }).click();
    const jump = page.locator('.ledger-jump');
    await jump.waitFor();
    const names = await linesDrawn(jump.locator('button bdi'));
    expect(names.length).toBeGreaterThan(1);
    for (const name of names) expect(name.lines, name.text).toBe(1);
    await shootBoth(page, 'ledger-jump', jump);
  });

  it('a history line keeps a Chinese task name with its «» quotes on one line', async () => {
    const { page, workspaceId, demo } = await open();
    await switchLanguage(page, 'ug');
    const planId = readIndex(demo.index).docs.find((d) => d.kind === 'plan')!.id;
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${planId}`);
    const title = page.locator('.task input[name="taskTitle"]').first();
    await title.fill('入户走访，建立户情台账（已补充六组）');
    await waitSaved(page);
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${planId}/history`);
    const change = page
      .locator('.history-entry .history-change', { hasText: '（已补充六组）' })
      .first();
    // The edit is an entry once the relay has closed it: the list is read again until it is.
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.locator('.history-entry').first().waitFor();
          return change.count();
        },
        { timeout: 60_000, interval: 2000 },
      )
      .toBeGreaterThan(0);
    const quoted = change.locator('.whole', { hasText: '入户走访' });
    expect(await quoted.textContent()).toBe('«入户走访，建立户情台账（已补充六组）»');
    expect(await linesDrawn(quoted)).toEqual([
      { text: '«入户走访，建立户情台账（已补充六组）»', lines: 1 },
    ]);
    expect(await quoteSides(quoted)).toEqual({ opens: 'right', closes: 'left' });
    await shootBoth(page, 'history-entry', change);
  });

  it('a printed vote keeps its «motion»: on one line', async () => {
    const { page, workspaceId, demo } = await open();
    await switchLanguage(page, 'ug');
    const record = demo.docs.find((d) => d.kind === 'minutes' && readMinutes(d.doc).votes.length)!;
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${record.id}/print`);
    const vote = page.locator('.print-vote p').first();
    await vote.waitFor();
    const motion = readMinutes(record.doc).votes[0]!.motion;
    const quoted = vote.locator('.whole', { hasText: motion });
    expect(await quoted.textContent()).toBe(`«${motion}»:`);
    expect(await linesDrawn(quoted)).toEqual([{ text: `«${motion}»:`, lines: 1 }]);
    expect(await quoteSides(quoted)).toEqual({ opens: 'right', closes: 'left' });
    await shootBoth(page, 'print-vote', vote);
  });
});

describe('the report’s meeting chart on a phone', () => {
  it('draws its labels and numbers at a readable size, and each number says what it counts', async () => {
    const seeded = await seedDemo(relay.server, { seed: 11 });
    const { page, close } = await openBrowser({ width: 360, height: 900 });
    closers.push(close);
    await joinWorkspace(page, await seeded.invite('editor'), '王会计');
    await waitSaved(page);
    await page.locator('.tabs a').nth(3).click();
    await page
      .locator('.ledger-nav a', { hasText: translate('zh-CN', 'ledger.reportTab') })
      .click();
    const rows = page.locator('.report-meetings .chart-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(3);
    for (const locale of ['zh-CN', 'ug'] as const) {
      await switchLanguage(page, locale);
      const texts = await rows.locator('.chart-label, .chart-value').evaluateAll((els) =>
        els.map((el) => {
          // Text in a drawing is drawn at its size times the drawing's scale.
          const svg = el.closest('svg');
          const scale = svg ? svg.getBoundingClientRect().width / svg.viewBox.baseVal.width : 1;
          return {
            text: el.textContent ?? '',
            isValue: el.classList.contains('chart-value'),
            px: Number.parseFloat(getComputedStyle(el).fontSize) * scale,
          };
        }),
      );
      for (const x of texts) expect(x.px, `${locale} ${x.text}`).toBeGreaterThanOrEqual(12);
      const values = texts.filter((x) => x.isValue).map((x) => x.text);
      const [a, b] =
        locale === 'ug'
          ? [ug('ledger.colPeriods'), ug('ledger.colDone')]
          : ['应开期数', '按期召开'];
      expect(values.length).toBe((await rows.count()) * 2);
      for (const [i, value] of values.entries())
        expect(value, locale).toContain(i % 2 === 0 ? a : b);
      for (const width of [360, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await rows.first().scrollIntoViewIfNeeded();
        await screenshot(page, `mixed-report-chart-${locale}-${width}`);
      }
      await page.setViewportSize({ width: 360, height: 900 });
    }
  });
});

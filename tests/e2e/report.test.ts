import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDemoVillage,
  FEEDBACK_CATEGORIES,
  FEEDBACK_STATUSES,
  type FeedbackSummary,
  labelOf,
  type ReportSpan,
  readWorkspace,
  spanPeriod,
  townshipReport,
} from '@grassroots/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, startRelay, switchLanguage } from './harness.ts';
import { DEMO_NOW, openLocalDemo } from './seed.ts';
import { readWorkbook } from './xlsx.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];
let tmp: string;
const shots = process.env.SHOTS_DIR ?? join(tmpdir(), 'shots');

beforeAll(async () => {
  relay = await startRelay();
  tmp = await mkdtemp(join(tmpdir(), 'grassroots-report-'));
  await mkdir(shots, { recursive: true });
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

const demo = createDemoVillage({ start: '2025-01-01' });
const workspace = readWorkspace(demo.index, demo.docs);
/** The report as the model makes it, judged as the screen judges it (now, or the span's end). */
const modelReport = (span: ReportSpan) =>
  townshipReport(workspace, span, { now: Math.min(DEMO_NOW, spanPeriod(span).end) });

const figures = (s: FeedbackSummary) => [
  s.received,
  s.resolvedInPeriod,
  s.resolvedLateInPeriod,
  s.medianDaysToResolve,
  s.openAtEnd,
  s.overdueAtEnd,
  ...FEEDBACK_STATUSES.map((st) => s.byStatus[st]),
  ...FEEDBACK_CATEGORIES.map((c) => s.byCategory[c]),
];

describe('the report to the township', () => {
  it('shows the quarter’s and a month’s figures offline with charts, prints, and exports an XLSX that matches the model', async () => {
    const b = await openBrowser();
    closers.push(b.close);
    const { page, context } = b;
    await openLocalDemo(page, relay.server.url, DEMO_NOW);
    await context.setOffline(true);
    await page.locator('.tabs a', { hasText: '台账' }).click();
    await page.locator('.ledger-nav a', { hasText: '月报' }).click();
    await page.locator('select[name="reportKind"]').selectOption('quarter');
    await page.locator('select[name="reportQuarter"]').selectOption('4');
    const q4 = modelReport({ year: 2025, quarter: 4 });
    await expect.poll(() => page.locator('h1').textContent()).toContain('2025年第4季度工作季报');

    const figure = (name: string) =>
      page.locator(`[data-figure="${name}"] > .report-figure-value`).textContent();
    const s = q4.feedback.summary;
    await expect.poll(() => figure('received')).toBe(String(s.received));
    expect(await figure('resolved')).toBe(String(s.resolvedInPeriod));
    expect(await figure('resolved-late')).toBe(String(s.resolvedLateInPeriod));
    // The third quarter had requests resolved after their due day (AGE-6): the report says how
    // many of its resolutions were late.
    const q3 = modelReport({ year: 2025, quarter: 3 }).feedback.summary;
    expect(q3.resolvedLateInPeriod).toBeGreaterThan(0);
    await page.locator('select[name="reportQuarter"]').selectOption('3');
    await expect.poll(() => figure('resolved-late')).toBe(String(q3.resolvedLateInPeriod));
    expect(await figure('resolved')).toBe(String(q3.resolvedInPeriod));
    await page.locator('select[name="reportQuarter"]').selectOption('4');
    await expect.poll(() => figure('resolved')).toBe(String(s.resolvedInPeriod));
    expect(await figure('median')).toBe(String(s.medianDaysToResolve ?? '—'));
    expect(await figure('open')).toBe(String(s.openAtEnd));
    expect(await figure('overdue')).toBe(String(s.overdueAtEnd));
    // Feedback per month by status: one column per month, its segments the model's counts.
    const bars = await page
      .locator('.report-feedback .chart-bar')
      .evaluateAll((gs) =>
        gs.map((g) =>
          Object.fromEntries(
            [...g.querySelectorAll('rect')].map((r) => [
              r.getAttribute('data-segment'),
              Number(r.getAttribute('data-value')),
            ]),
          ),
        ),
      );
    expect(bars).toEqual(
      q4.feedback.months.map((m) =>
        Object.fromEntries(
          FEEDBACK_STATUSES.filter((st) => m.byStatus[st] > 0).map((st) => [st, m.byStatus[st]]),
        ),
      ),
    );
    // Entries by category: a row each, the model's count and its share of the quarter's.
    const categories = await page
      .locator('.report-categories tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [
          tr.getAttribute('data-category'),
          ...[...tr.querySelectorAll('th, td')].map((c) => c.textContent),
        ]),
      );
    expect(categories).toEqual(
      FEEDBACK_CATEGORIES.map((c) => [
        c,
        labelOf('feedbackCategory', c, 'zh-CN'),
        String(s.byCategory[c]),
        `${Math.round((s.byCategory[c] / s.received) * 100)}%`,
      ]),
    );
    // On a phone the category table and the plan tables (a card per phase) fit the screen.
    await page.setViewportSize({ width: 360, height: 800 });
    const overflowAt360 = () =>
      page.evaluate(() => ({
        page: document.documentElement.scrollWidth - window.innerWidth,
        // How far each table runs past its panel, at either side; the plan tables as cards.
        tables: [...document.querySelectorAll('.report-categories, .report-plan table')].map(
          (table) => {
            const box = table.getBoundingClientRect();
            const panel = table.closest('.panel')!.getBoundingClientRect();
            return Math.max(box.right - panel.right, panel.left - box.left);
          },
        ),
      }));
    // In Chinese, and in Uyghur, whose longer words made a plan table run out of its panel.
    for (const locale of ['zh-CN', 'ug'] as const) {
      await switchLanguage(page, locale);
      // 其中逾期办结 and 其中逾期 sit in the card of the figure they are a share of (on a phone the
      // grid put 其中逾期办结 under 本期登记).
      for (const [whole, part] of [
        ['resolved', 'resolved-late'],
        ['open', 'overdue'],
      ]) {
        const inside = await page.evaluate(
          ([w, p]) => {
            const outer = document.querySelector(`[data-figure="${w}"]`)!.getBoundingClientRect();
            const inner = document.querySelector(`[data-figure="${p}"]`)!.getBoundingClientRect();
            return (
              inner.left >= outer.left &&
              inner.right <= outer.right &&
              inner.top >= outer.top &&
              inner.bottom <= outer.bottom
            );
          },
          [whole, part],
        );
        expect(inside, `${locale}: ${part} in ${whole}`).toBe(true);
      }
      const overflow = await overflowAt360();
      expect(overflow.page, locale).toBeLessThanOrEqual(0);
      expect(overflow.tables.length, locale).toBe(1 + q4.plans.length);
      expect(Math.max(...overflow.tables), locale).toBeLessThanOrEqual(0);
    }
    await switchLanguage(page, 'zh-CN');
    await page.setViewportSize({ width: 1200, height: 900 });
    // Meetings held against required, per type and group.
    const line = page.locator('.report-meetings-line');
    expect(await line.getAttribute('data-required')).toBe(String(q4.meetings.required));
    expect(await line.getAttribute('data-missed')).toBe(String(q4.meetings.missed));
    // Every required period is counted in one of the three (held, missed, still running).
    expect(q4.meetings.done + q4.meetings.missed + q4.meetings.open).toBe(q4.meetings.required);
    expect(await line.textContent()).toContain(`进行中或未到期 ${q4.meetings.open} 期`);
    const rows = await page
      .locator('.report-meetings .chart-row')
      .evaluateAll((gs) =>
        gs.map((g) => [Number(g.getAttribute('data-a')), Number(g.getAttribute('data-b'))]),
      );
    expect(rows).toEqual(q4.meetings.totals.map((x) => [x.periods, x.done]));
    // Plans per phase and the decision cases with their steps.
    expect(await page.locator('.report-plan tbody tr').count()).toBe(
      q4.plans.reduce((n, p) => n + p.phases.length, 0),
    );
    expect(await page.locator('.report-case').count()).toBe(q4.decisions.length);
    expect(await page.locator('.report-case li[data-done="true"]').count()).toBe(
      q4.decisions.reduce((n, c) => n + c.steps.filter((x) => x.done).length, 0),
    );

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.ledger-actions button', { hasText: '导出 Excel' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/季报_2025-Q4\.xlsx$/);
    const file = join(tmp, 'report.xlsx');
    await download.saveAs(file);
    const book = await readWorkbook(file);
    expect([...book.keys()]).toEqual(['民情办理', '三会一课', '计划进展', '四议两公开']);
    const fb = book.get('民情办理')!;
    // The quarter's months, then the quarter as 合计 (last, so a column's sum is not doubled).
    expect(fb.rows.map((r) => r.slice(1))).toEqual([
      ...q4.feedback.months.map(figures),
      figures(q4.feedback.summary),
    ]);
    expect(fb.rows.map((r) => r[0])).toEqual([
      '2025年10月',
      '2025年11月',
      '2025年12月',
      '2025年第4季度合计',
    ]);
    expect(book.get('三会一课')!.rows).toEqual(
      q4.meetings.totals.map((x) => [
        labelOf('meetingType', x.meetingType, 'zh-CN'),
        x.groupName ?? '',
        x.periods,
        x.done,
        x.missed,
        x.open,
        x.aboveMax,
        x.meetings,
      ]),
    );
    expect(book.get('计划进展')!.rows.map((r) => [r[2], r[3], r[5]])).toEqual(
      q4.plans.flatMap((p) => p.phases.map((ph) => [ph.done, ph.total, ph.overdue])),
    );
    const cases = book.get('四议两公开')!.rows;
    expect(cases).toHaveLength(q4.decisions.reduce((n, c) => n + c.steps.length, 0));
    expect(cases.filter((r) => r[2] === '是')).toHaveLength(
      q4.decisions.reduce((n, c) => n + c.steps.filter((x) => x.done).length, 0),
    );

    // A month: June's report, with the five months before it in the chart.
    await page.locator('select[name="reportKind"]').selectOption('month');
    await page.locator('select[name="reportMonth"]').selectOption('6');
    const june = modelReport({ year: 2025, month: 6 });
    await expect.poll(() => page.locator('h1').textContent()).toContain('2025年6月工作月报');
    await expect.poll(() => figure('received')).toBe(String(june.feedback.summary.received));
    expect(await figure('open')).toBe(String(june.feedback.summary.openAtEnd));
    expect(await page.locator('.report-feedback .chart-bar').count()).toBe(6);
    expect(
      await page.locator('.report-feedback .chart-bar').last().getAttribute('data-total'),
    ).toBe(String(june.feedback.summary.received));

    const pdf = join(tmp, 'report.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(
      /\s+/g,
      '',
    );
    expect(text).toContain('2025年6月工作月报');
    expect(text).toContain('统计截至2025-06-3024:00（北京时间）');
    for (const s2 of ['概览', '名册', '导出Excel', '本地演示', '三会一课台账']) {
      expect(text, s2).not.toContain(s2);
    }
    execFileSync('pdftoppm', ['-png', '-r', '80', '-l', '3', pdf, join(shots, 'print-report')]);

    // June's workbook: the month is one row (it was there twice, as the month and as its month).
    const [juneDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.ledger-actions button', { hasText: '导出 Excel' }).click(),
    ]);
    const juneFile = join(tmp, 'report-june.xlsx');
    await juneDownload.saveAs(juneFile);
    const juneRows = (await readWorkbook(juneFile)).get('民情办理')!.rows;
    expect(juneRows).toEqual([['2025年6月', ...figures(june.feedback.summary)]]);

    // In Uyghur the chart is mirrored as the page is: the axis on the right, and the months run
    // from the right (January's bar right of June's).
    await switchLanguage(page, 'ug');
    const months = page.locator('.report-feedback .chart-bar');
    await expect.poll(() => months.count()).toBe(6);
    const leftOf = (el: ReturnType<typeof page.locator>) =>
      el.evaluate((e) => e.getBoundingClientRect().left);
    const first = await leftOf(months.first().locator('.chart-label'));
    const last = await leftOf(months.last().locator('.chart-label'));
    expect(first).toBeGreaterThan(last);
    const axis = await leftOf(page.locator('.report-feedback .chart-axis').first());
    expect(axis).toBeGreaterThan(first);
    await page.setViewportSize({ width: 360, height: 800 });
    await page.locator('.report-feedback .chart').scrollIntoViewIfNeeded();
    await screenshot(page, 'report-chart-ug-360');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('.report-feedback .chart').scrollIntoViewIfNeeded();
    await screenshot(page, 'report-chart-ug-1280');
  });
});

import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  beijingDate,
  createDemoVillage,
  type FeedbackStatus,
  feedbackLedger,
  labelOf,
  readWorkspace,
} from '@grassroots/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, startRelay, switchLanguage } from './harness.ts';
import { expectPageFeet } from './pdf.ts';
import { DEMO_NOW, openLocalDemo } from './seed.ts';
import { readWorkbook } from './xlsx.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];
let tmp: string;
const shots = process.env.SHOTS_DIR ?? join(tmpdir(), 'shots');

beforeAll(async () => {
  relay = await startRelay();
  tmp = await mkdtemp(join(tmpdir(), 'grassroots-fbl-'));
  await mkdir(shots, { recursive: true });
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

/** RFC 4180 CSV: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('民情日志 台账', () => {
  it('lists every entry with its history offline, filters by month and status, prints, and exports XLSX and CSV with the model’s figures', async () => {
    const b = await openBrowser();
    closers.push(b.close);
    const { page, context } = b;
    await openLocalDemo(page, relay.server.url, DEMO_NOW);
    await context.setOffline(true);
    await page.locator('.tabs a', { hasText: '台账' }).click();
    await page.locator('.ledger-nav a', { hasText: '民情日志台账' }).click();
    await page.locator('.fbl-row').first().waitFor();

    const demo = createDemoVillage({ start: '2025-01-01' });
    const entries = readWorkspace(demo.index, demo.docs).feedback.flatMap((f) => f.data.entries);
    const all = feedbackLedger(entries, { now: DEMO_NOW });
    expect(all.totals.flagged).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.fbl-row').count()).toBe(all.rows.length);
    expect(await page.locator('.fbl-totals').getAttribute('data-entries')).toBe(
      String(all.totals.entries),
    );
    expect(await page.locator('[data-flagged-total]').getAttribute('data-flagged-total')).toBe(
      String(all.totals.flagged),
    );
    // Each mark is counted apart: overdue and still open, resolved but not answered back.
    expect(
      await page
        .locator('[data-flag-total]')
        .evaluateAll((els) =>
          els.map((el) => [el.getAttribute('data-flag-total'), el.textContent]),
        ),
    ).toEqual(
      (['overdue-unresolved', 'not-answered-back'] as const).map((f) => [
        f,
        `${labelOf('ageingFlag', f, 'zh-CN')} ${all.totals.byFlag[f]} 条`,
      ]),
    );
    // Resolved after the due day (逾期办结) is counted and marked, not only what is open and late.
    expect(all.totals.resolvedLate).toBeGreaterThan(0);
    expect(await page.locator('[data-resolved-late-total]').textContent()).toBe(
      `逾期办结 ${all.totals.resolvedLate} 条`,
    );
    expect(
      await page
        .locator('.fbl-row[data-resolved-late="true"]')
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-entry-id'))),
    ).toEqual(all.rows.filter((r) => r.resolvedLateDays !== null).map((r) => r.entryId));
    const days = await page
      .locator('.fbl-row .fbl-days')
      .evaluateAll((tds) => tds.map((td) => Number.parseFloat(td.textContent ?? '')));
    expect(days).toEqual(all.rows.map((r) => r.daysOpen));

    // A month and a status.
    const byMonth = new Map<string, number>();
    for (const r of all.rows)
      byMonth.set(r.receivedDate.slice(0, 7), (byMonth.get(r.receivedDate.slice(0, 7)) ?? 0) + 1);
    const month = [...byMonth.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    const [y, m] = month.split('-').map(Number) as [number, number];
    const inMonth = feedbackLedger(entries, { now: DEMO_NOW, span: { year: y, month: m } });
    const status = inMonth.rows[0]!.status as FeedbackStatus;
    const filtered = feedbackLedger(entries, {
      now: DEMO_NOW,
      span: { year: y, month: m },
      statuses: [status],
    });
    await page.locator('select[name="fblMonth"]').selectOption(month);
    await page.locator('select[name="fblStatus"]').selectOption(status);
    await expect.poll(() => page.locator('.fbl-row').count()).toBe(filtered.rows.length);
    expect(await page.locator('h1').textContent()).toContain(`${y}年${m}月`);

    // XLSX of the filtered ledger.
    const exportAs = async (label: string, name: string) => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('.ledger-actions button', { hasText: label }).click(),
      ]);
      const file = join(tmp, name);
      await download.saveAs(file);
      return { file, suggested: download.suggestedFilename() };
    };
    const xlsx = await exportAs('导出 Excel', 'fbl.xlsx');
    expect(xlsx.suggested).toContain(month);
    const sheet = (await readWorkbook(xlsx.file)).get('民情日志台账')!;
    expect(sheet.note).toContain(`状态：${labelOf('feedbackStatus', status, 'zh-CN')}`);
    expect(sheet.rows).toHaveLength(filtered.rows.length);
    expect(sheet.rows.map((r) => [r[0], r[1], r[7], r[11], r[13]])).toEqual(
      filtered.rows.map((r) => [
        r.no,
        r.receivedDate,
        labelOf('feedbackStatus', r.status, 'zh-CN'),
        beijingDate(r.dueAt),
        r.daysOpen,
      ]),
    );

    // The whole ledger as CSV: UTF-8 with a byte order mark, so Excel reads the Chinese.
    await page.locator('select[name="fblMonth"]').selectOption('');
    await page.locator('select[name="fblStatus"]').selectOption('');
    await expect.poll(() => page.locator('.fbl-row').count()).toBe(all.rows.length);
    const csv = await exportAs('导出 CSV', 'fbl.csv');
    const bytes = await readFile(csv.file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const table = parseCsv(bytes.subarray(3).toString('utf8'));
    expect(table[0]?.slice(0, 3)).toEqual(['序号', '登记日期', '来源']);
    const body = table.slice(1);
    expect(body).toHaveLength(all.rows.length);
    expect(body.map((r) => [Number(r[0]), r[5], Number(r[13])])).toEqual(
      all.rows.map((r) => [r.no, r.summary, r.daysOpen]),
    );
    // Overdue marks travel with the entry.
    const flaggedRow = all.rows.find((r) => r.flags.length > 0)!;
    expect(body[flaggedRow.no - 1]?.[14]).toContain(
      labelOf('ageingFlag', flaggedRow.flags[0]!, 'zh-CN'),
    );
    const lateRow = all.rows.find((r) => r.resolvedLateDays !== null && r.flags.length === 0)!;
    expect(body[lateRow.no - 1]?.[14]).toBe(`逾期办结（超期 ${lateRow.resolvedLateDays} 天）`);

    const pdf = join(tmp, 'fbl.pdf');
    await page.pdf({ path: pdf, format: 'A4', landscape: true, printBackground: true });
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(
      /\s+/g,
      '',
    );
    expect(text).toContain('民情日志台账（全部月份）');
    for (const s of ['概览', '名册', '导出CSV', '本地演示']) expect(text, s).not.toContain(s);
    // Landscape pages have the foot too (PRINT-1).
    const title = (await page.locator('h1').textContent())!;
    expect(expectPageFeet(pdf, title, '第 {page} 页 共 {pages} 页')).toBeGreaterThan(1);
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '80',
      '-l',
      '2',
      pdf,
      join(shots, 'print-feedback-ledger'),
    ]);

    // The log itself tags what was resolved late, as the ledger counts it.
    await page.locator(`.fbl-row[data-entry-id="${lateRow.entryId}"] .fbl-summary a`).click();
    // The ledger's row opens its own entry in the log, shown and focused, not the log's top.
    const opened = page.locator(`.entry-row.is-open[data-entry-id="${lateRow.entryId}"]`);
    await opened.waitFor();
    await expect
      .poll(() =>
        page.evaluate(() =>
          document.activeElement?.closest('.entry-row')?.getAttribute('data-entry-id'),
        ),
      )
      .toBe(lateRow.entryId);
    expect(await opened.locator('[data-resolved-late]').count()).toBe(1);
    expect(await page.locator('.entry-details > p').first().textContent()).toBe(lateRow.summary);
    const box = (await opened.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(page.viewportSize()!.height);
    await expect
      .poll(() => page.locator('.entry-row [data-resolved-late]').count())
      .toBe(all.totals.resolvedLate);
    expect(
      await page
        .locator('.entry-row', { has: page.locator('[data-resolved-late]') })
        .locator('.fb-open bdi')
        .allTextContents(),
    ).toEqual(
      all.rows
        .filter((r) => r.resolvedLateDays !== null)
        .sort((a, b) => b.receivedAt - a.receivedAt || (a.entryId < b.entryId ? -1 : 1))
        .map((r) => r.summary),
    );

    // So does an entry the dashboard lists for follow-up.
    await page.locator('.tabs a', { hasText: '概览' }).click();
    const followUp = page.locator('section[aria-labelledby="dash-feedback"] li a').nth(3);
    const followUpId = new URLSearchParams(
      (await followUp.getAttribute('href'))!.split('?')[1],
    ).get('entry');
    expect(followUpId).toBeTruthy();
    // Its days past due read as the 台账 reads them (the dashboard said 188 where the 台账 said 189).
    const followUpRow = all.rows.find((r) => r.entryId === followUpId)!;
    expect(followUpRow.overdueDays).not.toBeNull();
    expect(
      await page.locator('section[aria-labelledby="dash-feedback"] li').nth(3).textContent(),
    ).toContain(
      followUpRow.flags[0] === 'not-answered-back'
        ? `已办结未回访 · 回访超期 ${followUpRow.overdueDays} 天`
        : `逾期 ${followUpRow.overdueDays} 天`,
    );
    await followUp.click();
    await expect
      .poll(() => page.locator('.entry-row.is-open').getAttribute('data-entry-id'))
      .toBe(followUpId);
    // The log says the days past due of each overdue entry as the 台账 does (LEDGER-2).
    const logDays = await page
      .locator('.entry-row')
      .evaluateAll((trs) =>
        trs
          .filter((tr) => tr.querySelector('[data-overdue-days]'))
          .map((tr) => [
            tr.getAttribute('data-entry-id'),
            tr.querySelector('[data-overdue-days]')!.textContent,
          ]),
      );
    const overdueRows = all.rows.filter((r) => r.flags[0] === 'overdue-unresolved');
    expect(logDays.length).toBeGreaterThan(0);
    expect(Object.fromEntries(logDays)).toEqual(
      Object.fromEntries(
        overdueRows
          .filter((r) => logDays.some(([id]) => id === r.entryId))
          .map((r) => [r.entryId, `逾期 ${r.overdueDays} 天`]),
      ),
    );
    // Shown where the page is, not left at its top (the log was already on the device).
    await expect
      .poll(async () => {
        const box = await page.locator('.entry-row.is-open').boundingBox();
        return box !== null && box.y >= 0 && box.y + box.height <= page.viewportSize()!.height;
      })
      .toBe(true);

    // A second log (a work team member keeps their own): the ledger says which log each entry
    // is in, picks one, and the export has the log's column.
    const ws = page.url().match(/#\/w\/([^/]+)/)![1]!;
    await page.goto(`${relay.server.url}/#/w/${ws}/docs`);
    await page.getByRole('button', { name: '新建民情日志' }).click();
    await page.locator('.fb-new-entry').click();
    const summary = page.locator('textarea[name="summary"]');
    await summary.fill('二组路灯不亮，晚上出行不便');
    await page.locator('select[name="urgency"]').selectOption('urgent');
    await page.locator('form', { has: summary }).locator('button[type="submit"]').click();
    const urgentRow = page.locator('.entry-row', { hasText: '二组路灯不亮' });
    // An urgent request says so in the log's list and in its details.
    await urgentRow.locator('[data-urgent]', { hasText: '紧急' }).waitFor();
    await urgentRow.locator('.fb-open').click();
    expect(await page.locator('.entry-details .entry-facts').textContent()).toContain('紧急');
    await page.setViewportSize({ width: 360, height: 800 });
    await screenshot(page, 'feedback-entry-urgent-zh-360');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${relay.server.url}/#/w/${ws}/feedback-ledger`);
    await expect.poll(() => page.locator('.fbl-row').count()).toBe(all.rows.length + 1);
    const logOptions = await page.locator('select[name="fblLog"] option').allTextContents();
    expect(logOptions).toHaveLength(3);
    const titles = logOptions.slice(1);
    const newRow = page.locator('.fbl-row', { hasText: '二组路灯不亮' });
    const newLogTitle = (await newRow.locator('.fbl-log').textContent())!;
    expect(titles).toContain(newLogTitle);
    // A new log is named by its kind and year, not by the button's words (新建民情日志).
    expect(newLogTitle).toMatch(/^\d{4}年民情日志$/);
    const otherTitle = titles.find((t) => t !== newLogTitle)!;
    expect(await page.locator('.fbl-row').first().locator('.fbl-log').textContent()).toBe(
      otherTitle,
    );
    await page.locator('select[name="fblLog"]').selectOption({ label: newLogTitle });
    await expect.poll(() => page.locator('.fbl-row').count()).toBe(1);
    expect(await page.locator('.ledger-asof').textContent()).toContain(`日志：${newLogTitle}`);
    await page.locator('select[name="fblLog"]').selectOption({ label: '全部日志' });
    await expect.poll(() => page.locator('.fbl-row').count()).toBe(all.rows.length + 1);
    const both = await exportAs('导出 CSV', 'fbl-two-logs.csv');
    const twoLogs = parseCsv((await readFile(both.file)).subarray(3).toString('utf8'));
    expect(twoLogs[0]?.at(-1)).toBe('所在日志');
    const logColumn = twoLogs.slice(1).map((r) => r.at(-1));
    expect(logColumn.filter((l) => l === newLogTitle)).toHaveLength(1);
    expect(logColumn.filter((l) => l === otherTitle)).toHaveLength(all.rows.length);
    await page.setViewportSize({ width: 360, height: 800 });
    await screenshot(page, 'feedback-ledger-two-logs-zh-360');
    await switchLanguage(page, 'ug');
    // In the Uyghur heading the village name, as typed, is a run of its own direction (as in
    // every sentence that holds a name).
    await expect
      .poll(() => page.locator('h1.ledger-title bdi').first().textContent())
      .toBe(demo.name);
    await screenshot(page, 'feedback-ledger-two-logs-ug-360');

    // The demo has no server: its members and board screens, opened by their address, say so
    // instead of failing.
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    for (const view of ['members', 'board']) {
      await page.goto(`${relay.server.url}/#/w/${ws}/${view}`);
      await page.locator('[data-server-only]').waitFor();
    }
    await screenshot(page, 'demo-server-only-ug-360');
    expect(errors).toEqual([]);
  });
});

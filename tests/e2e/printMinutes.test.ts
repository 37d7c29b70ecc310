import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatBeijing,
  labelOf,
  meetingAttendance,
  ROSTER_DOC_ID,
  readMinutes,
  readRoster,
} from '@grassroots/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  joinWorkspace,
  openBrowser,
  screenshot,
  splitOverLines,
  startRelay,
  switchLanguage,
  waitSaved,
} from './harness.ts';
import { expectPageFeet, pdfPages, pdfPageTexts, pdfText, squash } from './pdf.ts';
import { seedDemo } from './seed.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];
let tmp: string;

beforeAll(async () => {
  relay = await startRelay();
  tmp = await mkdtemp(join(tmpdir(), 'grassroots-print-'));
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

describe('printing a minutes record', () => {
  it('prints an official 会议记录 to PDF (header, 应到/实到/缺席, sign-in sheet, votes with quorum, finalisation) with nothing of the app around it', async () => {
    const { demo, workspaceId, invite } = await seedDemo(relay.server, { start: '2025-01-01' });
    const roster = readRoster(demo.docs.find((d) => d.id === ROSTER_DOC_ID)!.doc);
    const records = demo.docs
      .filter((d) => d.kind === 'minutes')
      .map((d) => ({ id: d.id, m: readMinutes(d.doc) }));
    // The 村民代表会议 that resolved the 四议两公开 case: a vote and a decision.
    const record = records.find(
      (r) =>
        r.m.meetingType === 'villager-representatives' &&
        r.m.state === 'final' &&
        r.m.decisions.some((d) => d.step === 'resolution'),
    )!;
    const count = meetingAttendance(record.m, roster);

    const b = await openBrowser();
    closers.push(b.close);
    const { page, context } = b;
    await joinWorkspace(page, await invite('admin'), '李书记');
    await waitSaved(page);
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${record.id}`);
    await page.locator('.minutes-editor .final-notice').waitFor();
    // Printing needs nothing from the server.
    await context.setOffline(true);
    await page.getByRole('link', { name: '打印' }).click();
    await page.locator('.minutes-print .print-counts').waitFor();
    // On screen the app is still around the sheet.
    expect(await page.locator('.topbar').isVisible()).toBe(true);

    const pdf = join(tmp, 'minutes.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    const text = pdfText(pdf);
    const flat = squash(text);
    const must = [
      demo.name,
      '村民代表会议记录',
      record.m.title,
      `${formatBeijing(record.m.startsAt!).slice(0, 16)}（北京时间）`,
      record.m.place,
      record.m.chair!.name,
      record.m.recorder!.name,
      `应到${count.expectedCount}人·实到${count.presentCount}人·缺席${count.absentCount}人`,
      '签到表',
      ...count.expected.map((x) => x.name),
      ...count.absent.map((a) => a.name),
      ...record.m.agenda.map((a) => a.title),
      ...record.m.decisions.map((d) => d.text),
      `需${Math.ceil((count.voters * 2) / 3)}人到会✓`,
      '本记录于',
      '定稿',
      '主持人（签字）',
      '记录人（签字）',
    ];
    for (const s of must) expect(flat, s).toContain(squash(s));
    // A member marked absent has the reason in their signature box, not a blank one to sign.
    const marked = count.absent.filter((a) => a.reason !== null);
    expect(marked.length).toBeGreaterThan(0);
    expect(await page.locator('.signin-line[data-absent="true"]').allTextContents()).toEqual(
      expect.arrayContaining(
        marked.map((a) => `（${labelOf('absenceReason', a.reason!, 'zh-CN')}）`),
      ),
    );
    expect(await page.locator('.signin-line[data-absent="true"]').count()).toBe(marked.length);
    // No app chrome: header, tabs, badge, buttons.
    for (const s of [
      '概览',
      '名册',
      '成员与邀请',
      '已保存到服务器',
      '离线',
      '历史记录',
      '返回记录',
      'English',
    ]) {
      expect(flat, s).not.toContain(s);
    }
    expect(text).not.toMatch(/^\s*打印\s*$/m);
    const pages = await pdfPages(pdf, 'print-minutes-zh');
    expect(pages.length).toBeGreaterThan(0);

    // The names of a sign-in sheet at A4's width inside its margins (688 px): one of 9 characters
    // on one line, a longer one broken only after its '·' (one broke before its last character).
    const longNames = records.find((r) =>
      meetingAttendance(r.m, roster).expected.some((x) => [...x.name].length >= 9),
    )!;
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${longNames.id}/print`);
    await page.locator('.minutes-print .signin-name').first().waitFor();
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 688, height: 900 });
    const names = page.locator('.signin-name bdi');
    expect(
      Math.max(...(await names.allTextContents()).map((n) => [...n].length)),
    ).toBeGreaterThanOrEqual(9);
    const lines = await names.evaluateAll((all) =>
      all.map((n) => {
        // The name's lines, read character by character from where each is drawn.
        const text = n.firstChild as Text;
        const range = document.createRange();
        const out: string[] = [];
        let top = Number.NaN;
        for (let i = 0; i < text.length; i++) {
          range.setStart(text, i);
          range.setEnd(text, i + 1);
          const at = Math.round(range.getBoundingClientRect().top);
          if (at !== top) out.push(text.data[i]!);
          else out.push(`${out.pop()}${text.data[i]}`);
          top = at;
        }
        return out;
      }),
    );
    for (const name of lines) {
      if ([...name.join('')].length <= 9) expect(name).toHaveLength(1);
      for (const line of name.slice(0, -1)) expect(line, name.join('|')).toMatch(/[·\s]$/);
    }
    await page.emulateMedia({ media: null });
    await page.setViewportSize({ width: 1200, height: 900 });

    // A draft says it is one; in English the labels are English.
    const draft = records.find((r) => r.m.state === 'draft')!;
    await context.setOffline(false);
    await switchLanguage(page, 'en');
    // The body keeps its structure on paper (RICH-1): a numbered list typed with the editor's
    // own shortcut, and a bold line.
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${draft.id}`);
    // Typed once the device is back in step with the relay: what arrives meanwhile would move
    // the text after the caret into the list being typed.
    await waitSaved(page);
    // And once the editor shows the body.
    await page.locator('.minutes-editor .ProseMirror > p', { hasText: '时间：' }).waitFor();
    await page.locator('.minutes-editor .ProseMirror > p').last().click();
    // The end of the body, not of the clicked line.
    await page.keyboard.press('Control+End');
    // The editor takes a caret moved by keys from the page's selection when the browser says it
    // moved, a moment later. Keys pressed before then act where its own caret still is: in two
    // runs of seven the page's selection was at the end while Enter and the list went to the top.
    await expect
      .poll(() =>
        page.evaluate(() => {
          const dom = document.querySelector('.minutes-editor .ProseMirror') as HTMLElement & {
            editor?: { state: { selection: { head: number }; doc: { content: { size: number } } } };
          };
          const state = dom.editor?.state;
          return state ? state.doc.content.size - state.selection.head : -1;
        }),
      )
      .toBe(1);
    await page.keyboard.press('Enter');
    await page.keyboard.type('1. 修缮三组水渠');
    await page.keyboard.press('Enter');
    await page.keyboard.type('硬化村内道路');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+b');
    await page.keyboard.type('经费由村集体筹措');
    await page.keyboard.press('Control+b');
    await page
      .locator('.minutes-editor .ProseMirror strong', { hasText: '经费由村集体筹措' })
      .waitFor();
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${draft.id}/print`);
    await page.locator('.minutes-print[data-state="draft"] .print-counts').waitFor();
    expect(await page.locator('.print-body ol li').allTextContents()).toEqual([
      '修缮三组水渠',
      '硬化村内道路',
    ]);
    expect(await page.locator('.print-body strong').allTextContents()).toEqual([
      '经费由村集体筹措',
    ]);
    const draftPdf = join(tmp, 'draft.pdf');
    await page.pdf({ path: draftPdf, format: 'A4', printBackground: true });
    const draftText = squash(pdfText(draftPdf));
    expect(draftText).toContain(squash('This record is a draft and has not been finalised.'));
    expect(draftText).toContain(squash('Sign-in sheet'));
    expect(draftText).toContain(squash(draft.m.title));
    expect(draftText).not.toContain('Overview');
    // Each page's foot names the record, in English too (PRINT-1).
    expect(
      expectPageFeet(draftPdf, `${demo.name} · ${draft.m.title}`, 'Page {page} of {pages}'),
    ).toBeGreaterThan(1);
    // The list's numbers are on the paper.
    expect(draftText).toContain(squash('1. 修缮三组水渠 2. 硬化村内道路'));
    await pdfPages(draftPdf, 'print-minutes-en');
    // In Uyghur the page runs right to left: the numbers stay on the paper, on the right.
    await switchLanguage(page, 'ug');
    await page.locator('.minutes-print[data-state="draft"] .print-counts').waitFor();
    const ugPdf = join(tmp, 'draft-ug.pdf');
    await page.pdf({ path: ugPdf, format: 'A4', printBackground: true });
    await pdfPages(ugPdf, 'print-minutes-ug');
    const ugText = squash(pdfText(ugPdf));
    // Each item with its number (the list may run onto the next page, past the page's foot).
    expect(ugText).toContain(squash('1. 修缮三组水渠'));
    expect(ugText).toContain(squash('2. 硬化村内道路'));
    // The agenda's numbers too (Chinese items on a Uyghur page).
    expect(ugText).toContain(
      squash(draft.m.agenda.map((a, i) => `${i + 1}. ${a.title}`).join(' ')),
    );
    // Previewed on a phone in Uyghur: the action items' number, owner and day are whole
    // ('تەرتى/پ' and '王建/国' before), what to do takes the rest of the width.
    expect(record.m.actionItems.length).toBeGreaterThan(0);
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${record.id}/print`);
    const actions = page.locator('.print-actions');
    await actions.waitFor();
    const whole =
      'th:nth-child(1), td:nth-child(1), th:nth-child(3), td:nth-child(3), td:nth-child(4)';
    expect(await actions.locator(whole).count()).toBeGreaterThanOrEqual(5);
    expect(await splitOverLines(actions.locator(whole))).toEqual([]);
    await actions.scrollIntoViewIfNeeded();
    await screenshot(page, 'print-minutes-actions-ug-360');
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it("prints the year's minutes as one book from the 三会一课 台账: every record of the year by meeting day, each from a new page", async () => {
    const { demo, workspaceId, invite } = await seedDemo(relay.server, { start: '2025-01-01' });
    const expected = demo.docs
      .filter((d) => d.kind === 'minutes')
      .map((d) => ({ id: d.id, m: readMinutes(d.doc) }))
      .filter((r) => r.m.startsAt !== null && formatBeijing(r.m.startsAt).startsWith('2025-'))
      .sort((a, b) => a.m.startsAt! - b.m.startsAt! || (a.id < b.id ? -1 : 1));
    expect(expected.length).toBeGreaterThan(10);
    const b = await openBrowser({ width: 1280, height: 900 });
    closers.push(b.close);
    const { page, context } = b;
    await joinWorkspace(page, await invite('viewer'), '乡镇审核员');
    await waitSaved(page);
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/meetings-ledger`);
    await page.locator('select[name="ledgerYear"]').selectOption('2025');
    await switchLanguage(page, 'ug');
    await page.setViewportSize({ width: 360, height: 800 });
    await screenshot(page, 'meetings-ledger-book-ug-360');
    await page.setViewportSize({ width: 1280, height: 900 });
    await switchLanguage(page, 'zh-CN');
    await page.locator('select[name="ledgerYear"]').selectOption('2025');
    await context.setOffline(true);
    await page.locator('[data-action="print-book"]').click();
    await page.locator('.minutes-book-sheet .print-counts').first().waitFor();
    expect(page.url()).toContain('/minutes-book/2025');
    // Back goes to the ledger it was opened from, and says so (it said 返回记录).
    const back = page.locator('.print-bar a.btn');
    expect(await back.textContent()).toBe('返回台账');
    expect(await back.getAttribute('href')).toBe(`#/w/${workspaceId}/meetings-ledger`);
    expect(await page.locator('.minutes-book-title').textContent()).toBe(
      `2025年会议记录（${expected.length} 份）`,
    );
    await screenshot(page, 'minutes-book-zh-1280');
    const sheets = page.locator('.minutes-book-sheet');
    expect(
      await sheets.evaluateAll((els) => els.map((el) => el.getAttribute('data-doc-id'))),
    ).toEqual(expected.map((r) => r.id));
    // Each sheet is that record's: its title in its header fields.
    const titles = await sheets.evaluateAll((els) =>
      els.map((el) => el.querySelector('.print-fields td bdi')?.textContent ?? ''),
    );
    expect(titles).toEqual(expected.map((r) => r.m.title));
    const pdf = join(tmp, 'book.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    const pages = await pdfPages(pdf, 'print-minutes-book');
    // A new page for every record.
    expect(pages.length).toBeGreaterThanOrEqual(expected.length);
    // Every page is numbered in the book's count and names the book, not a record (PRINT-1).
    expect(
      expectPageFeet(
        pdf,
        `${demo.name} · 2025年会议记录（${expected.length} 份）`,
        '第 {page} 页 共 {pages} 页',
      ),
    ).toBe(pages.length);
    const flat = squash(pdfText(pdf));
    for (const s of ['概览', '返回记录', '打印全年会议记录']) expect(flat, s).not.toContain(s);
    await context.setOffline(false);
  });

  it('keeps the signature lines with the end of the record: a 支委会 record that fills a page prints on one page, and none starts a page with them', async () => {
    const { demo, workspaceId, invite } = await seedDemo(relay.server, { start: '2025-01-01' });
    const records = demo.docs
      .filter((d) => d.kind === 'minutes')
      .map((d) => ({ id: d.id, m: readMinutes(d.doc) }))
      .filter((r) => r.m.meetingType === 'branch-committee' && r.m.state === 'final');
    // The 支委会 that proposed the 四议两公开 case: its record fills one page; its signature
    // lines went alone onto a second.
    const proposal = records.find((r) => r.m.decisions.some((d) => d.step === 'proposal'))!;
    // A longer one, with a vote: two pages.
    const voted = records.find((r) => r.m.votes.length > 0)!;
    const b = await openBrowser();
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, await invite('admin'), '李书记');
    await waitSaved(page);
    const signs = squash('主持人（签字）：');
    const pagesOf = async (id: string) => {
      await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${id}/print`);
      await page.locator('.minutes-print .print-counts').waitFor();
      const pdf = join(tmp, `signatures-${id}.pdf`);
      await page.pdf({ path: pdf, format: 'A4', printBackground: true });
      await pdfPages(pdf, `print-signatures-${id}`);
      return pdfPageTexts(pdf);
    };
    const one = await pagesOf(proposal.id);
    expect(one).toHaveLength(1);
    expect(one[0]).toContain(signs);
    expect(one[0]).toContain(squash('本记录于'));
    const two = await pagesOf(voted.id);
    expect(two.length).toBeGreaterThan(1);
    for (const [i, text] of two.entries())
      expect(text.startsWith(signs), `page ${i + 1}`).toBe(false);
    // The lines to sign share their page with the closing line and what comes before it.
    const last = two.at(-1)!;
    expect(last.indexOf(signs)).toBeGreaterThan(last.indexOf(squash('本记录于')));
    expect(last.indexOf(squash('本记录于'))).toBeGreaterThan(0);
  });

  it('on a phone the sign-in sheet says it goes on sideways and shades the edge with more beyond it', async () => {
    const { demo, workspaceId, invite } = await seedDemo(relay.server, { start: '2025-01-01' });
    const record = demo.docs
      .filter((d) => d.kind === 'minutes')
      .map((d) => ({ id: d.id, m: readMinutes(d.doc) }))
      .find((r) => r.m.meetingType === 'party-members' && r.m.state === 'final')!;
    const b = await openBrowser({ width: 360, height: 800 });
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, await invite('viewer'), '乡镇审核员');
    await waitSaved(page);
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${record.id}/print`);
    const section = page.locator('.print-signin');
    const region = section.getByRole('region', { name: '签到表' });
    await region.waitFor();
    const box = await region.evaluate((el) => ({
      scroll: el.scrollWidth,
      client: el.clientWidth,
      shaded: getComputedStyle(el).backgroundImage.includes('gradient'),
    }));
    expect(box.scroll).toBeGreaterThan(box.client);
    expect(box.shaded).toBe(true);
    const hint = section.locator('.scroll-hint');
    expect(await hint.textContent()).toBe('表格较宽，请左右滑动查看整张表。');
    expect(await hint.isVisible()).toBe(true);
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'print-signin-360-zh');
    await switchLanguage(page, 'ug');
    await expect.poll(() => hint.textContent()).toContain('ئوڭ-سولغا');
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'print-signin-360-ug');
    // On a wide screen the whole sheet fits: no hint.
    await page.setViewportSize({ width: 1280, height: 900 });
    await expect.poll(() => hint.count()).toBe(0);
  });
});

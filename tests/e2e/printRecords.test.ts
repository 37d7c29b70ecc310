import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bodyRoster,
  dueAtOf,
  feedbackEvents,
  formatBeijing,
  isMemberAt,
  labelOf,
  planProgress,
  ROSTER_DOC_ID,
  readFeedbackLog,
  readIndex,
  readPlan,
  readRoster,
  resolvedAtOf,
  resolvedLateMsOf,
  serviceById,
  serviceLabel,
  taskOverdueDays,
  translate,
} from '@grassroots/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  joinWorkspace,
  openBrowser,
  screenshot,
  startRelay,
  switchLanguage,
  waitSaved,
} from './harness.ts';
import { pdfPages, pdfText, squash } from './pdf.ts';
import { seedDemo } from './seed.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];
let tmp: string;

beforeAll(async () => {
  relay = await startRelay();
  tmp = await mkdtemp(join(tmpdir(), 'grassroots-print-plan-'));
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

/** A PDF's text without whitespace. */
const flatText = (path: string) => squash(pdfText(path));

describe('printing a plan and the roster', () => {
  it('prints a 阶段性工作计划 to PDF (period, progress, each phase with its goals and a table of tasks, signature lines) with nothing of the app around it, offline', async () => {
    const { demo, workspaceId, invite } = await seedDemo(relay.server, { start: '2025-01-01' });
    const planDoc = demo.docs.find((d) => d.kind === 'plan')!;
    const plan = readPlan(planDoc.doc);
    const index = readIndex(demo.index);
    const progress = planProgress(plan);
    const done = progress.reduce((n, p) => n + p.done, 0);
    const total = progress.reduce((n, p) => n + p.total, 0);
    const tasks = plan.phases.flatMap((p) => p.tasks).concat(plan.unassigned);
    const linked = tasks.find((t) => t.serviceId !== null)!;
    expect(plan.phases.length).toBeGreaterThan(1);
    expect(linked).toBeDefined();

    const b = await openBrowser({ width: 1280, height: 900 });
    closers.push(b.close);
    const { page, context } = b;
    await joinWorkspace(page, await invite('admin'), '李书记');
    await waitSaved(page);
    // PLAN-9: the dashboard counts the tasks past their due day; the plan marks each with the
    // days late, and only those.
    const overdue = tasks.filter((t) => taskOverdueDays(t, Date.now()) > 0);
    expect(overdue.length).toBeGreaterThan(0);
    const card = page.locator('[data-overdue-tasks]');
    await card.waitFor();
    expect(await card.textContent()).toBe(`${overdue.length} 项逾期`);
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${planDoc.id}`);
    await page.locator('.plan-editor').waitFor();
    const marked = page.locator('.plan-editor .task-overdue');
    await marked.first().waitFor();
    expect(await marked.count()).toBe(overdue.length);
    const late = overdue[0]!;
    expect(await page.locator(`.task[data-task-id="${late.id}"] .task-overdue`).textContent()).toBe(
      `逾期 ${taskOverdueDays(late, Date.now())} 天`,
    );
    await page.locator(`.task[data-task-id="${late.id}"]`).scrollIntoViewIfNeeded();
    await screenshot(page, 'plan-overdue-zh-1280');
    // Printing needs nothing from the server.
    await context.setOffline(true);
    await page.getByRole('link', { name: '打印' }).click();
    await page.locator('.plan-print .plan-print-overall').waitFor();
    await screenshot(page, 'print-plan-zh-1280');
    await page.setViewportSize({ width: 360, height: 800 });
    await screenshot(page, 'print-plan-zh-360');
    await page.setViewportSize({ width: 1280, height: 900 });

    const pdf = join(tmp, 'plan.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    const flat = flatText(pdf);
    const must = [
      plan.village || demo.name,
      plan.title,
      `共${total}项任务，已完成${done}项`,
      ...plan.phases.map((p, i) => `第${i + 1}阶段：${p.title}`),
      ...plan.phases.flatMap((p) => p.goals.split('\n').filter(Boolean)),
      '打印于',
      '制定人（签字）',
      '审核人（签字）',
    ];
    for (const s of must) expect(flat, s).toContain(squash(s));
    // A row per task, phase by phase (table cells wrap in the PDF's text: read from the page).
    const rows = await page
      .locator('.plan-print-tasks tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')),
      );
    const tables = plan.phases.map((p) => p.tasks);
    if (plan.unassigned.length > 0) tables.push(plan.unassigned);
    expect(rows).toEqual(
      tables.flatMap((list) =>
        list.map((t, i) => [
          String(i + 1),
          t.title,
          t.owner?.name ?? '',
          t.due ?? '',
          labelOf('taskStatus', t.status, 'zh-CN'),
          t.serviceId === null ? '' : serviceLabel(serviceById(index, t.serviceId)!, 'zh-CN'),
          t.notes.replace(/\n/g, ''),
        ]),
      ),
    );
    // Each phase's own count, in the line under its heading.
    const phaseLines = await page.locator('.plan-print-phase-line').allTextContents();
    expect(phaseLines).toEqual(
      plan.phases.map((p) => {
        const own = progress.find((x) => x.phaseId === p.id)!;
        return expect.stringContaining(`共 ${own.total} 项任务，已完成 ${own.done} 项`);
      }),
    );
    // No app chrome: header, tabs, badge, buttons.
    for (const s of [
      '概览',
      '名册',
      '成员与邀请',
      '已保存到服务器',
      '离线',
      '历史记录',
      '返回记录',
    ]) {
      expect(flat, s).not.toContain(s);
    }
    expect((await pdfPages(pdf, 'print-plan-pdf-zh')).length).toBeGreaterThan(0);

    // In Uyghur: the labels are Uyghur, the page right to left, the plan's own text as typed.
    await context.setOffline(false);
    await switchLanguage(page, 'ug');
    await expect
      .poll(() => page.locator('.plan-print-phase h2').first().textContent())
      .toBe(
        // The page sets the title apart with <bdi> where the catalogue's text uses isolates.
        translate('ug', 'print.phaseHeading', { n: 1, title: plan.phases[0]!.title }).replace(
          /[\u2066-\u2069]/g,
          '',
        ),
      );
    const ug = (key: Parameters<typeof translate>[1]) => translate('ug', key);
    expect(await page.locator('.plan-print thead').first().locator('th').allTextContents()).toEqual(
      [
        ug('print.no'),
        ug('plan.taskTitle'),
        ug('common.owner'),
        ug('common.due'),
        ug('common.status'),
        ug('plan.service'),
        ug('common.notes'),
      ],
    );
    expect(await page.locator('.plan-print tbody td').allTextContents()).toContain(
      labelOf('taskStatus', linked.status, 'ug'),
    );
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).direction)).toBe(
      'rtl',
    );
    await screenshot(page, 'print-plan-ug-1280');
    await page.setViewportSize({ width: 360, height: 800 });
    await screenshot(page, 'print-plan-ug-360');
    await switchLanguage(page, 'zh-CN');
  });

  it('a kind without a paper form says so, and the list offers no print for it', async () => {
    const { demo, workspaceId, invite } = await seedDemo(relay.server, { start: '2025-01-01' });
    const log = demo.docs.find((d) => d.kind === 'feedback')!;
    const b = await openBrowser({ width: 360, height: 800 });
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, await invite('editor'), '王芳');
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${log.id}`);
    await page.locator('.feedback-editor').waitFor();
    expect(await page.getByRole('link', { name: '打印' }).count()).toBe(0);
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${log.id}/print`);
    await page.getByText('这类文档没有打印版式。').waitFor();
  });

  it('prints the roster as of today: each body with its count, the party with status, group and days, the committees with offices', async () => {
    const { demo, workspaceId, invite } = await seedDemo(relay.server, { start: '2025-01-01' });
    const roster = readRoster(demo.docs.find((d) => d.id === ROSTER_DOC_ID)!.doc);
    const b = await openBrowser({ width: 1280, height: 900 });
    closers.push(b.close);
    const { page, context } = b;
    await joinWorkspace(page, await invite('viewer'), '乡镇审核员');
    await waitSaved(page);
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/roster`);
    await context.setOffline(true);
    await page.getByRole('link', { name: '打印' }).click();
    await page.locator('.roster-print .roster-print-day').waitFor();
    const now = Date.now();
    /** The name of the 党小组 a person is in today, from the roster itself. */
    const groupToday = (personId: string) => {
      const m = roster.memberships.find(
        (x) => x.personId === personId && x.body === 'party-group' && isMemberAt(x, now),
      );
      return m ? roster.groups.find((g) => g.id === m.groupId)!.name : '';
    };
    const bodies = ['party', 'branch-committee', 'village-committee', 'villager-representatives'];
    for (const body of bodies) {
      const expected = bodyRoster(roster, { body: body as 'party' }, now);
      expect(expected.length, body).toBeGreaterThan(0);
      const section = page.locator(`.roster-print-body[data-body="${body}"]`);
      expect(await section.locator('h2').textContent()).toContain(`现有 ${expected.length} 人`);
      const rows = await section
        .locator('tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')),
        );
      const byName = (list: unknown[][]) =>
        [...list].sort((x, y) => (String(x[1]) < String(y[1]) ? -1 : 1));
      const want = expected.map((p) => {
        const m = roster.memberships.find(
          (x) => x.personId === p.personId && x.body === body && isMemberAt(x, now),
        )!;
        const extra =
          body === 'party'
            ? [labelOf('partyStatus', p.status!, 'zh-CN'), groupToday(p.personId)]
            : body === 'villager-representatives'
              ? []
              : [p.office ? labelOf('office', p.office, 'zh-CN') : ''];
        const days = body === 'party' ? [m.joined ?? '', m.fullFrom ?? ''] : [m.joined ?? ''];
        return [expect.any(String), p.name, ...extra, ...days];
      });
      expect(byName(rows)).toEqual(byName(want));
      // Numbered 1…n.
      expect(rows.map((r) => r[0])).toEqual(expected.map((_, i) => String(i + 1)));
    }
    const party = bodyRoster(roster, { body: 'party' }, now);
    expect(await page.locator('.roster-print-counts').textContent()).toBe(
      `正式党员 ${party.filter((p) => p.status === 'full').length} 人，预备党员 ${
        party.filter((p) => p.status === 'probationary').length
      } 人`,
    );
    await screenshot(page, 'print-roster-zh-1280');
    const pdf = join(tmp, 'roster.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    const flat = flatText(pdf);
    for (const s of ['村组织名册', '名册日期', '填表人（签字）', '审核人（签字）']) {
      expect(flat, s).toContain(squash(s));
    }
    for (const s of ['概览', '成员与邀请', '返回记录']) expect(flat, s).not.toContain(s);
    expect((await pdfPages(pdf, 'print-roster-pdf-zh')).length).toBeGreaterThan(0);
    await context.setOffline(false);
    await switchLanguage(page, 'ug');
    await page.setViewportSize({ width: 360, height: 800 });
    await screenshot(page, 'print-roster-ug-360');
    await switchLanguage(page, 'zh-CN');
  });

  it('prints one feedback entry as a 民情办理单: how and when it came, due day, the request, every relay, response and status change, with an opinion box and signature lines', async () => {
    const { demo, workspaceId, invite } = await seedDemo(relay.server, { start: '2025-01-01' });
    const logDoc = demo.docs.find((d) => d.kind === 'feedback')!;
    const log = readFeedbackLog(logDoc.doc);
    const b = await openBrowser({ width: 1280, height: 900 });
    closers.push(b.close);
    const { page, context } = b;
    // A township reviewer (viewer) prints it too.
    await joinWorkspace(page, await invite('viewer'), '乡镇审核员');
    await waitSaved(page);
    // An entry that was relayed, answered and resolved after its due day, opened by its link.
    const entry = log.entries.find(
      (e) => e.relays.length > 0 && e.responses.length > 0 && resolvedLateMsOf(e) !== null,
    );
    if (!entry) throw new Error('the demo has no relayed, answered and late entry');
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${logDoc.id}?entry=${entry.id}`);
    await page.locator(`.entry-row.is-open[data-entry-id="${entry.id}"]`).waitFor();
    // The editor's own timeline of the entry: every event, oldest first.
    const events = feedbackEvents(entry);
    const lines = await page.locator('.entry-details .timeline li').allTextContents();
    expect(lines.map((l) => l.slice(0, 16))).toEqual(events.map((x) => formatBeijing(x.at)));
    expect(
      await page.locator('.entry-details .timeline li > .timeline-by').allTextContents(),
    ).toEqual(events.map((x) => x.by?.name ?? ''));
    // What someone wrote is on a line of its own, in its own direction.
    const notes = await page
      .locator('.entry-details .timeline li')
      .evaluateAll((items) =>
        items.map((li) => li.querySelector('.timeline-note[dir="auto"]')?.textContent ?? ''),
      );
    const written = events.map((x) => (x.kind === 'response' ? x.text : x.note));
    expect(notes).toEqual(written.map((n) => (n.trim() ? n : '')));
    expect(notes.filter((n) => n !== '').length).toBeGreaterThan(0);
    await context.setOffline(true);
    await page.locator('[data-action="print-slip"]').click();
    const slip = page.locator('.feedback-slip');
    await slip.locator('.slip-status').waitFor();
    expect(page.url()).toContain(`/print/${entry.id}`);
    // Back from the slip reopens the entry it was printed from.
    expect(await page.locator('.print-bar a.btn').getAttribute('href')).toMatch(
      new RegExp(`[?&]entry=${entry.id}$`),
    );
    const zh = (key: Parameters<typeof translate>[1]) => translate('zh-CN', key);
    const fields = await slip
      .locator('.print-fields th')
      .evaluateAll((ths) => ths.map((th) => [th.textContent, th.nextElementSibling?.textContent]));
    expect(fields).toEqual([
      [zh('fb.receivedAt'), `${formatBeijing(entry.receivedAt).slice(0, 16)}（北京时间）`],
      [zh('fb.channel'), labelOf('feedbackChannel', entry.channel, 'zh-CN')],
      [zh('print.slipSource'), entry.source || '—'],
      [zh('fb.category'), labelOf('feedbackCategory', entry.category, 'zh-CN')],
      [zh('fb.urgency'), labelOf('urgency', entry.urgency, 'zh-CN')],
      // Resolved after its due day: the slip says so, and by how many days (AGE-6).
      [
        zh('print.slipDue'),
        `${formatBeijing(dueAtOf(entry)).slice(0, 10)} 逾期办结（超期 ${
          Math.round((resolvedLateMsOf(entry)! / 86_400_000) * 10) / 10
        } 天）`,
      ],
      // The offices it went to (交办单位), and the day it was resolved.
      [zh('print.slipRelayedTo'), [...new Set(entry.relays.map((r) => r.to))].join('、')],
      [zh('print.slipResolvedAt'), formatBeijing(resolvedAtOf(entry)!).slice(0, 10)],
      [zh('print.slipRecordedBy'), entry.recordedBy?.name ?? '—'],
      [zh('common.status'), labelOf('feedbackStatus', entry.status, 'zh-CN')],
    ]);
    expect(await slip.locator('.slip-summary p').allTextContents()).toEqual(
      entry.summary.split('\n').filter((p) => p.trim() !== ''),
    );
    // Every relay, response and status change, oldest first, with who.
    const rows = await slip
      .locator('.slip-timeline tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [tr.getAttribute('data-kind'), tr.lastElementChild?.textContent ?? '']),
      );
    // A relay of a new entry is its one line, not also its 已交办 (FB-6).
    const byRelay = (x: (typeof entry.transitions)[number]) =>
      x.to === 'relayed' && entry!.relays.some((r) => r.at === x.at && r.to === x.note);
    expect(entry.transitions.some(byRelay)).toBe(true);
    const want = [
      ...entry.transitions
        .filter((x) => !byRelay(x))
        .map((x) => ({ at: x.at, kind: 'status', by: x.by?.name ?? '' })),
      ...entry.relays.map((x) => ({ at: x.at, kind: 'relay', by: x.by?.name ?? '' })),
      ...entry.responses.map((x) => ({ at: x.at, kind: 'response', by: x.by?.name ?? '' })),
    ].sort((x, y) => x.at - y.at);
    expect(rows).toEqual(want.map((x) => [x.kind, x.by]));
    const texts = await slip.locator('.slip-timeline').textContent();
    for (const r of entry.relays) expect(texts).toContain(r.to);
    for (const r of entry.responses) expect(texts).toContain(r.text);
    await screenshot(page, 'print-slip-zh-1280');

    const pdf = join(tmp, 'slip.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    const flat = flatText(pdf);
    for (const s of ['民情办理单', '承办单位意见', '经办人（签字）', '承办单位（盖章）']) {
      expect(flat, s).toContain(squash(s));
    }
    for (const s of ['概览', '成员与邀请', '返回记录', '打印办理单'])
      expect(flat, s).not.toContain(s);
    expect((await pdfPages(pdf, 'print-slip-pdf-zh')).length).toBeGreaterThan(0);

    // An entry the log does not hold says so.
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${logDoc.id}/print/no-such-entry`);
    await page.getByText(zh('print.noEntry')).waitFor();
    await context.setOffline(false);
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/${logDoc.id}/print/${entry.id}`);
    await switchLanguage(page, 'ug');
    await slip.locator('.slip-status').waitFor();
    // The timeline follows the switch too, not only the headings.
    await expect.poll(() => slip.locator('.slip-timeline').textContent()).not.toContain('状态改为');
    // A time in the right-to-left sheet reads date first, then the hour ('12:00 2026-12-01' before).
    const datesFirst = await slip.locator('.slip-timeline td.slip-time').evaluateAll((cells) =>
      cells.map((cell) => {
        const left = (selector: string) =>
          cell.querySelector(selector)!.getBoundingClientRect().left;
        return left('.slip-day') < left('.slip-hour');
      }),
    );
    expect(datesFirst.length).toBeGreaterThan(0);
    expect(datesFirst.every(Boolean)).toBe(true);
    await page.setViewportSize({ width: 360, height: 800 });
    // On a phone, what happened keeps the widest column: the day goes over the hour (the time
    // column took 40% of the sheet and split every Uyghur word in a 30 px column).
    const widths = await slip
      .locator('.slip-timeline thead th')
      .evaluateAll((cells) => cells.map((c) => Math.round(c.getBoundingClientRect().width)));
    expect(widths[1], `time, what, who: ${widths.join(', ')} px`).toBeGreaterThan(
      Math.max(widths[0]!, widths[2]!),
    );
    await screenshot(page, 'print-slip-ug-360');
    await switchLanguage(page, 'zh-CN');
  });
});

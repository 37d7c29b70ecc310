import { mkdir } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import type { RunningServer } from '@grassroots/server';
import {
  beijingInstant,
  createDoc,
  initMinutes,
  MINUTES_BODY_FIELD,
  readMinutes,
  roomName,
  setMeetingFields,
  writeParagraphs,
} from '@grassroots/shared';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { joinWorkspace, openBrowser, shotsDir, startRelay, switchLanguage } from './harness.ts';
import { seedDocs, storedDoc } from './seed.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
let server: RunningServer;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  relay = await startRelay();
  server = relay.server;
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
});
afterAll(async () => {
  await relay?.cleanup();
});

/** Full-page pictures at phone and desktop widths under $SHOTS_DIR (none when it is unset). */
async function shoot(page: Page, name: string) {
  const dir = shotsDir();
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: joinPath(dir, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(size);
}

const firstText = (doc: Y.Doc) =>
  (doc.getXmlFragment(MINUTES_BODY_FIELD).get(0) as Y.XmlElement).get(0) as Y.XmlText;

/**
 * Minutes written by the admin, then edited in turn by two editors on their own devices (rows
 * stored under each member, as the relay stores what a member's connection sends):
 * 张三 appends a sentence and moves the meeting, 李四 types inside it and moves it again,
 * 张三 names a recorder, 李四 adds a paragraph.
 */
async function minutesByThree() {
  const admin = createDoc();
  initMinutes(admin, {
    title: '十二月支部委员会',
    meetingType: 'party-group',
    startsAt: beijingInstant(2026, 12, 1, 9),
  });
  writeParagraphs(admin.getXmlFragment(MINUTES_BODY_FIELD), '会议讨论修路方案。');
  setMeetingFields(admin, { place: '村委会' });
  const seeded = await seedDocs(server, '撤销村', [{ id: 'min', kind: 'minutes', doc: admin }]);
  const room = roomName(seeded.workspaceId, 'min');
  const member = async (name: string) => {
    const { token } = await server.auth.createInvite(seeded.workspaceId, null, { role: 'editor' });
    return (await server.auth.redeem(token, name)).member.id;
  };
  const zhang = { id: await member('张三'), doc: createDoc() };
  const li = { id: await member('李四'), doc: createDoc() };
  let at = Date.now();
  const edit = async (who: typeof zhang, change: (doc: Y.Doc) => void) => {
    for (const row of await server.store.loadUpdates(room)) Y.applyUpdate(who.doc, row.update);
    const before = Y.encodeStateVector(who.doc);
    change(who.doc);
    const update = Y.encodeStateAsUpdate(who.doc, before);
    // Ten minutes apart: each edit is an entry of its own.
    at += 600_000;
    await server.store.appendUpdates([{ room, authorId: who.id, at, update }]);
  };
  await edit(zhang, (d) => {
    firstText(d).insert(9, '张三补充的话。');
    setMeetingFields(d, { place: '张三定的地点' });
  });
  await edit(li, (d) => {
    firstText(d).insert(11, '李四');
    setMeetingFields(d, { place: '李四定的地点' });
  });
  await edit(zhang, (d) => setMeetingFields(d, { recorder: { name: '张三' } }));
  await edit(li, (d) => {
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText('李四的第二段')]);
    d.getXmlFragment(MINUTES_BODY_FIELD).insert(1, [p]);
  });
  return seeded;
}

describe('undoing one member’s changes in Chromium', () => {
  it('HIST-9 HIST-8 an admin undoes 张三’s changes from the history view; 李四’s stay; entries and pickers tell versions apart', async () => {
    const seeded = await minutesByThree();
    const b = await openBrowser({ width: 1280, height: 900 });
    closers.push(b.close);
    const page = b.page;
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    await page.goto(`${server.url}/#/w/${seeded.workspaceId}/d/min/history`);
    const entries = page.locator('.history-entry');
    await expect.poll(() => entries.count()).toBe(5);
    // Numbered newest first; the first entry reads as the creation.
    await expect(entries.locator('.history-entry-number').allTextContents()).resolves.toEqual([
      '#5',
      '#4',
      '#3',
      '#2',
      '#1',
    ]);
    const created = (await entries.nth(4).textContent()) ?? '';
    expect(created).toContain('会议类型：党小组会');
    expect(created).not.toContain('其他会议');
    await shoot(page, 'hist-list');

    // 张三's first entry (#2): the admin undoes everything 张三 did from there on.
    await entries.nth(3).locator('button').click();
    await page.getByRole('button', { name: '与其他版本比较' }).click();
    const options = await page.locator('select[name="otherVersion"] option').allTextContents();
    const versions = options.slice(1);
    expect(new Set(versions).size).toBe(versions.length);
    for (const label of versions) expect(label).toMatch(/^#\d+ · .+ · .+/);
    await page.locator('select[name="otherVersion"]').selectOption({ index: 1 });
    await page.locator('.history-compare .diff-body').first().waitFor();
    // #2 against #5: 李四's 2 + 6 characters, counted as the marks show them.
    await expect(
      page.locator('.history-compare .history-field').allTextContents(),
    ).resolves.toContainEqual(expect.stringContaining('正文 +8 字'));
    await shoot(page, 'hist-compare-other');

    // The two buttons look alike: a line says what each leaves of the others' work.
    expect(await page.locator('.history-choice-hint').textContent()).toBe(
      '恢复到此版本：此后所有人的修改都撤销。撤销 张三 的修改：只撤销 张三 一人的，其他人的保留。',
    );
    await page.getByRole('button', { name: '撤销 张三 自此以来的修改' }).click();
    const dialog = page.getByRole('dialog', { name: '撤销 张三 的修改？' });
    await dialog.waitFor();
    await shoot(page, 'hist-revert-confirm');
    await dialog.getByRole('button', { name: '撤销修改', exact: true }).click();
    await page.locator('.history-status', { hasText: '已撤销 张三' }).waitFor();
    await expect.poll(() => entries.count()).toBe(6);
    const top = (await entries.nth(0).textContent()) ?? '';
    expect(top).toContain('李书记');
    expect(top).toMatch(/撤销 张三 自 .+ 以来的修改/);
    expect(top).toContain('记录人');
    await shoot(page, 'hist-after-revert');
    // What the revert did, marked in the text: 张三's words deleted by the admin, 李四's kept.
    await entries.nth(0).locator('button').click();
    await page.getByRole('button', { name: '本次改了什么' }).click();
    const diff = page
      .locator('.history-compare .history-diff-text', { hasText: '会议内容' })
      .locator('.diff-body');
    await diff.locator('del').first().waitFor();
    await expect(diff.locator('del').allTextContents()).resolves.toEqual(['张三', '补充的话。']);
    await expect(diff.locator('del').first().getAttribute('title')).resolves.toContain('李书记');
    await shoot(page, 'hist-revert-entry');

    // On the server: 张三's words and recorder are gone; 李四's words stay. The place is text
    // (MIN-4): 李四 kept 张三's "定的地点" and replaced "张三", so undoing 张三 takes his characters
    // out and brings back the "村委会" he deleted, leaving 李四's.
    const place = page
      .locator('.history-compare .history-diff-text', { hasText: '地点' })
      .locator('.diff-body');
    await expect(place.locator('del').allTextContents()).resolves.toEqual(['定的地点']);
    const doc = await storedDoc(server, seeded.workspaceId, 'min');
    const minutes = readMinutes(doc);
    expect(minutes.bodyText).toBe('会议讨论修路方案。李四\n李四的第二段');
    expect(minutes.place).toBe('村委会李四');
    expect(minutes.recorder).toBeNull();

    // A restore to #1 is its own entry, labelled with the version it went back to.
    await entries.nth(5).locator('button').click();
    await page.getByRole('button', { name: '恢复到此版本' }).click();
    await page
      .getByRole('dialog', { name: '恢复到这个版本？' })
      .getByRole('button', { name: '恢复', exact: true })
      .click();
    await page.locator('.history-status', { hasText: '已恢复' }).waitFor();
    await expect.poll(() => entries.count()).toBe(7);
    await expect(entries.nth(0).locator('.history-entry-mark').textContent()).resolves.toMatch(
      /^恢复到「#1 · .+」$/,
    );
    await expect(entries.nth(0).textContent()).resolves.not.toContain(
      '（内容前后无变化：格式调整，或改动后又改回）',
    );
    await shoot(page, 'hist-after-restore');

    await switchLanguage(page, 'en');
    await entries.nth(0).locator('.history-entry-mark', { hasText: 'Restored to' }).waitFor();
    await shoot(page, 'hist-list-en');
  });
});

import { existsSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import type { RunningServer } from '@grassroots/server';
import {
  addComment,
  beijingInstant,
  commentsDocId,
  createDoc,
  initMinutes,
  MINUTES_BODY_FIELD,
  readComments,
  recordVote,
  roomName,
} from '@grassroots/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { stockClient } from '../support/clients.ts';
import {
  clientDist,
  joinWorkspace,
  openBrowser,
  screenshot,
  startRelay,
  switchLanguage,
  waitSaved,
} from './harness.ts';
import { seedDocs, storedDoc } from './seed.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
let server: RunningServer;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  if (!existsSync(joinPath(clientDist, 'index.html'))) {
    throw new Error('client/dist is missing: run `corepack pnpm build` before the e2e tests');
  }
  relay = await startRelay();
  server = relay.server;
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

async function browser(width: number) {
  const b = await openBrowser({ width, height: 900 });
  closers.push(b.close);
  return b;
}

/**
 * The seeded minutes open on two screens: the secretary's (an editor, 1280 px) and a township
 * reviewer's (a viewer, `reviewerWidth`).
 */
async function openMinutes(reviewerWidth: number) {
  const seeded = await seedMinutes();
  const docUrl = `${server.url}/#/w/${seeded.workspaceId}/d/${MINUTES_ID}`;
  const editor = await browser(1280);
  await joinWorkspace(editor.page, await seeded.invite('editor'), '李书记');
  const reviewer = await browser(reviewerWidth);
  await joinWorkspace(reviewer.page, await seeded.invite('viewer'), '乡镇审核员');
  await editor.page.goto(docUrl);
  await reviewer.page.goto(docUrl);
  return { seeded, docUrl, editor, reviewer };
}

const MINUTES_ID = 'm1';
const MOTION = '修缮村东道路';
const BODY = '到会党员一致同意修缮村道，由村委会负责实施。';

/** Minutes in draft with a body paragraph and one vote, stored on the relay. */
function seedMinutes() {
  const doc = createDoc();
  initMinutes(doc, {
    title: '党员大会：村道修缮',
    meetingType: 'party-members',
    startsAt: beijingInstant(2026, 11, 20, 9, 0),
    place: '村委会议室',
  });
  recordVote(doc, { motion: MOTION, tally: { for: 30, against: 2, abstain: 1 }, id: 'vote1' });
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(BODY)]);
  doc.getXmlFragment(MINUTES_BODY_FIELD).insert(0, [paragraph]);
  return seedDocs(server, '红旗村', [{ id: MINUTES_ID, kind: 'minutes', doc }]);
}

const panel = (page: Page) => page.locator('.comments-panel');
/** Selects the first occurrence of `words` in the page's rich-text body, as a reader's drag would. */
const selectWords = (page: Page, words: string) =>
  page.locator('.ProseMirror').evaluate((el, word) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent?.indexOf(word) ?? -1;
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + word.length);
      document.getSelection()?.removeAllRanges();
      document.getSelection()?.addRange(range);
      return true;
    }
    return false;
  }, words);
/** What the editor marks as a thread's target (CMT-7): rows marked, words highlighted, in view. */
const shownTarget = (page: Page) =>
  page.evaluate(() => {
    const highlight = CSS.highlights.get('grassroots-find');
    const range = highlight ? ([...highlight][0] as Range | undefined) : undefined;
    const rows = [...document.querySelectorAll('.find-mark')];
    const rect = range?.getBoundingClientRect() ?? rows[0]?.getBoundingClientRect();
    return {
      marked: rows.map((r) => r.getAttribute('data-vote-id') ?? r.tagName),
      highlighted: range?.toString().trim() || null,
      isInView: rect ? rect.top >= 0 && rect.bottom <= window.innerHeight : null,
    };
  });
const thread = (page: Page, text: string) =>
  panel(page).locator('.comment-thread', { has: page.locator('.comment-text', { hasText: text }) });

async function postComment(page: Page, text: string) {
  await panel(page).locator('[data-comment-form="new"] textarea').fill(text);
  await panel(page).locator('[data-comment-form="new"] button[type="submit"]').click();
}

describe('comments in Chromium', () => {
  it('a township reviewer comments on the minutes and an item, live and offline; the editor replies and resolves', async () => {
    const { seeded, docUrl, editor, reviewer } = await openMinutes(360);
    await panel(editor.page).waitFor();
    await panel(reviewer.page).waitFor();

    // The reviewer still cannot change the record, but can comment on it.
    await reviewer.page.locator('.ProseMirror').waitFor();
    expect(await reviewer.page.locator('.ProseMirror').getAttribute('contenteditable')).toBe(
      'false',
    );
    await postComment(reviewer.page, '这个票数对不上');
    await thread(editor.page, '这个票数对不上').waitFor();
    await expect
      .poll(() => thread(editor.page, '这个票数对不上').locator('.comment-author').textContent())
      .toBe('乡镇审核员');
    await expect
      .poll(() => panel(editor.page).locator('.comments-count').getAttribute('data-unresolved'))
      .toBe('1');

    // On an item: the vote's own comment button.
    await reviewer.page.locator('[data-comment-item="vote1"]').click();
    await expect
      .poll(() => panel(reviewer.page).locator('.comment-about').textContent())
      .toContain(MOTION);
    await postComment(reviewer.page, '弃权一票是谁？');
    const onVote = thread(editor.page, '弃权一票是谁？');
    await onVote.waitFor();
    expect(await onVote.locator('.comment-target').textContent()).toContain(MOTION);
    await expect
      .poll(() =>
        editor.page
          .locator('[data-comment-item="vote1"] .comment-btn-count')
          .getAttribute('data-unresolved'),
      )
      .toBe('1');

    // CMT-7: on the reviewer's phone, the thread's "about" line leads back to the vote, marked.
    await reviewer.page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await thread(reviewer.page, '弃权一票是谁？').locator('[data-action="show-target"]').click();
    await expect
      .poll(() => shownTarget(reviewer.page))
      .toEqual({
        marked: ['vote1'],
        highlighted: null,
        isInView: true,
      });
    await screenshot(reviewer.page, 'comments-show-item-360');
    // The next tap takes the mark away.
    await reviewer.page.locator('h1:not(.sr-only), h2').first().click();
    await expect
      .poll(() => shownTarget(reviewer.page))
      .toEqual({
        marked: [],
        highlighted: null,
        isInView: null,
      });

    // The editor replies and resolves; the reviewer sees both.
    await onVote.locator('[data-action="reply"]').click();
    await onVote.locator('[data-comment-form="reply"] textarea').fill('王大爷弃权，已补记。');
    await onVote.locator('[data-comment-form="reply"] button[type="submit"]').click();
    await thread(reviewer.page, '弃权一票是谁？')
      .locator('.comment-reply', { hasText: '王大爷弃权，已补记。' })
      .waitFor();
    await onVote.locator('[data-action="resolve"]').click();
    await expect
      .poll(() => panel(reviewer.page).locator('.comments-count').getAttribute('data-unresolved'))
      .toBe('1');
    expect(await thread(reviewer.page, '弃权一票是谁？').count()).toBe(0);
    await panel(reviewer.page).locator('[data-action="toggle-resolved"]').click();
    await expect
      .poll(() => thread(reviewer.page, '弃权一票是谁？').getAttribute('data-resolved'))
      .toBe('true');
    expect(
      await editor.page.locator('[data-comment-item="vote1"] .comment-btn-count').count(),
    ).toBe(0);

    // Offline: the comment waits on the device and reaches the editor once online.
    await waitSaved(reviewer.page);
    await reviewer.context.setOffline(true);
    await postComment(reviewer.page, '回访记录在哪里？');
    await thread(reviewer.page, '回访记录在哪里？').waitFor();
    expect(await thread(editor.page, '回访记录在哪里？').count()).toBe(0);
    await reviewer.context.setOffline(false);
    await thread(editor.page, '回访记录在哪里？').waitFor({ timeout: 30_000 });
    await waitSaved(reviewer.page);

    // On the relay: every comment in its author's name, in the comments doc; the record holds
    // nothing the reviewer wrote.
    const comments = readComments(
      await storedDoc(server, seeded.workspaceId, commentsDocId(MINUTES_ID)),
    );
    const byText = new Map(comments.map((c) => [c.text, c]));
    expect(byText.get('这个票数对不上')?.authorName).toBe('乡镇审核员');
    expect(byText.get('回访记录在哪里？')?.authorName).toBe('乡镇审核员');
    expect(byText.get('王大爷弃权，已补记。')?.authorName).toBe('李书记');
    expect(byText.get('弃权一票是谁？')?.resolved).toBe(true);
    const reviewerId = byText.get('这个票数对不上')?.authorId;
    const recordRows = await server.store.loadUpdates(roomName(seeded.workspaceId, MINUTES_ID));
    expect(recordRows.some((r) => r.authorId === reviewerId)).toBe(false);

    // Screenshots of the panel: 360 px (reviewer) and 1280 px (editor), Chinese and Uyghur.
    for (const [page, width] of [
      [reviewer.page, 360],
      [editor.page, 1280],
    ] as const) {
      for (const locale of ['zh-CN', 'ug'] as const) {
        await switchLanguage(page, locale);
        await panel(page).scrollIntoViewIfNeeded();
        await screenshot(page, `comments-${width}-${locale}`);
      }
      await switchLanguage(page, 'zh-CN');
    }

    // Counts: the document list and the dashboard show the unresolved threads, and follow a
    // resolve.
    const wsUrl = `${server.url}/#/w/${seeded.workspaceId}`;
    const listCount = async (page: Page) => {
      await page.goto(`${wsUrl}/docs`);
      const card = page.locator(`.doc-card[data-doc-id="${MINUTES_ID}"]`);
      await card.waitFor();
      return card.locator('.doc-comments-count').getAttribute('data-unresolved', { timeout: 5000 });
    };
    const dashCount = async (page: Page) => {
      await page.goto(wsUrl);
      return page
        .locator('.dash-comments .comments-count')
        .getAttribute('data-unresolved', { timeout: 5000 });
    };
    await expect.poll(() => listCount(editor.page)).toBe('2');
    await expect.poll(() => dashCount(editor.page)).toBe('2');
    await expect.poll(() => dashCount(reviewer.page)).toBe('2');
    await screenshot(editor.page, 'comments-dashboard-1280-zh-CN');
    await editor.page.goto(docUrl);
    await thread(editor.page, '这个票数对不上').locator('[data-action="resolve"]').click();
    await expect.poll(() => dashCount(editor.page)).toBe('1');
    await expect.poll(() => listCount(editor.page)).toBe('1');
    await screenshot(editor.page, 'comments-list-1280-zh-CN');
  });

  it('a comment on a selected passage stays on the same words while the editor types before them', async () => {
    const { editor, reviewer } = await openMinutes(1280);
    await reviewer.page.locator('.ProseMirror', { hasText: BODY }).waitFor();

    // The reviewer (read-only editor) selects words and comments on them.
    const selected = await selectWords(reviewer.page, '修缮村道');
    expect(selected).toBe(true);
    await reviewer.page.locator('.comment-passage-btn').click();
    await expect
      .poll(() => panel(reviewer.page).locator('.comment-about').textContent())
      .toContain('修缮村道');
    await postComment(reviewer.page, '修缮哪一段？请写明起止点。');

    const anchorText = (page: Page) =>
      page
        .locator('.ProseMirror .comment-anchor')
        .evaluateAll((els) => els.map((e) => e.textContent).join(''));
    await expect.poll(() => anchorText(editor.page)).toBe('修缮村道');
    expect(
      await thread(editor.page, '修缮哪一段？').locator('.comment-target').textContent(),
    ).toContain('修缮村道');
    // CMT-7: the thread leads to the passage's words, marked.
    await editor.page.setViewportSize({ width: 1280, height: 500 });
    await editor.page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await thread(editor.page, '修缮哪一段？').locator('[data-action="show-target"]').click();
    await expect
      .poll(() => shownTarget(editor.page))
      .toEqual({
        marked: [],
        highlighted: '修缮村道',
        isInView: true,
      });
    await editor.page.setViewportSize({ width: 1280, height: 900 });

    // The editor types before the passage: the anchor follows the words, on both screens.
    await editor.page.locator('.ProseMirror').click();
    await editor.page.keyboard.press('Control+Home');
    await editor.page.keyboard.type('经讨论，');
    // The text without the carets of others drawn into it.
    const bodyText = (page: Page) =>
      page.locator('.ProseMirror').evaluate((el) => {
        const copy = el.cloneNode(true) as HTMLElement;
        for (const c of copy.querySelectorAll('.collaboration-carets__caret')) c.remove();
        return copy.textContent ?? '';
      });
    await expect.poll(() => bodyText(reviewer.page)).toContain('经讨论，到会党员');
    await expect.poll(() => anchorText(editor.page)).toBe('修缮村道');
    await expect.poll(() => anchorText(reviewer.page)).toBe('修缮村道');

    // Resolved, the passage is no longer marked.
    await thread(editor.page, '修缮哪一段？').locator('[data-action="resolve"]').click();
    await expect.poll(() => reviewer.page.locator('.ProseMirror .comment-anchor').count()).toBe(0);

    // CMT-7: a passage whose words were deleted since: its thread says so, instead of leading
    // nowhere.
    expect(await selectWords(reviewer.page, '由村委会负责实施')).toBe(true);
    await reviewer.page.locator('.comment-passage-btn').click();
    await postComment(reviewer.page, '实施期限是多久？');
    await expect.poll(() => anchorText(editor.page)).toBe('由村委会负责实施');
    expect(await selectWords(editor.page, '由村委会负责实施')).toBe(true);
    await editor.page.keyboard.press('Backspace');
    await expect.poll(() => anchorText(reviewer.page)).toBe('');
    const onDeleted = thread(reviewer.page, '实施期限是多久？');
    await onDeleted.locator('[data-action="show-target"]').click();
    await expect
      .poll(() => onDeleted.locator('.comment-target-gone').textContent())
      .toBe('（原文已删除）');
    await onDeleted.scrollIntoViewIfNeeded();
    await screenshot(reviewer.page, 'comments-passage-gone-1280');
    await switchLanguage(reviewer.page, 'ug');
    await reviewer.page.setViewportSize({ width: 360, height: 800 });
    await onDeleted.locator('[data-action="show-target"]').click();
    await expect
      .poll(() => onDeleted.locator('.comment-target-gone').textContent())
      .toBe('(ئەسلى تېكىست ئۆچۈرۈلگەن)');
    await onDeleted.scrollIntoViewIfNeeded();
    await screenshot(reviewer.page, 'comments-passage-gone-360-ug');
  });

  it("a comment is shown under its author's name in the member list, not a name its device wrote (CMT-13)", async () => {
    const { seeded, editor, reviewer } = await openMinutes(360);
    /** A member's device writes a comment under a name of its choosing (the relay checks the id). */
    const commentAs = async (member: { id: string; token: string }, name: string, text: string) => {
      const device = stockClient(
        `${server.url.replace('http', 'ws')}/sync`,
        roomName(seeded.workspaceId, commentsDocId(MINUTES_ID)),
        member.token,
      );
      closers.push(async () => device.destroy());
      await device.synced;
      addComment(device.doc, {
        id: `spoof-${member.id}`,
        authorId: member.id,
        authorName: name,
        text,
        target: { kind: 'doc' },
        at: Date.now(),
      });
    };
    // The admin's device, under the reviewer's name.
    await commentAs(seeded.admin, '乡镇审核员', '这份记录没有问题');
    for (const page of [editor.page, reviewer.page]) {
      const shown = thread(page, '这份记录没有问题');
      await shown.waitFor();
      await expect
        .poll(() => shown.locator('.comment-author').first().textContent())
        .toBe('管理员');
    }
    // A member who joined after the list was read, writing under the admin's name.
    const { token: inviteToken } = await server.auth.createInvite(seeded.workspaceId, null, {
      role: 'viewer',
    });
    const joined = await server.auth.redeem(inviteToken, '新来的审核员');
    await commentAs({ id: joined.member.id, token: joined.token }, '管理员', '已经核对过了');
    const late = thread(editor.page, '已经核对过了');
    await late.waitFor();
    await expect
      .poll(() => late.locator('.comment-author').first().textContent(), { timeout: 15_000 })
      .toBe('新来的审核员');
    // A comment of the reviewer's own shows the reviewer's name as before.
    await postComment(reviewer.page, '请补上缺席名单');
    await expect
      .poll(() =>
        thread(editor.page, '请补上缺席名单').locator('.comment-author').first().textContent(),
      )
      .toBe('乡镇审核员');
  });

  it("a comment's author corrects its text in place; nobody else can (CMT-8)", async () => {
    const { seeded, editor, reviewer } = await openMinutes(360);
    await postComment(reviewer.page, '票数不对');
    const onEditor = thread(editor.page, '票数不对');
    await onEditor.waitFor();
    // Only its author is offered the change.
    expect(await onEditor.locator('[data-action="edit"]').count()).toBe(0);
    // The thread by its id: while edited, its text is in a box.
    const id = await thread(reviewer.page, '票数不对').getAttribute('data-comment-id');
    const mine = panel(reviewer.page).locator(`.comment-thread[data-comment-id="${id}"]`);
    expect(await mine.locator('[data-action="edit"]').count()).toBe(1);

    // Given up, nothing changes.
    await mine.locator('[data-action="edit"]').click();
    await mine.locator('[data-comment-form="edit"] textarea').fill('随便写写');
    await mine.locator('[data-comment-form="edit"] [data-action="cancel"]').click();
    expect(await mine.locator('.comment-text').textContent()).toBe('票数不对');

    // Saved, both screens show the new words and that they were changed.
    await mine.locator('[data-action="edit"]').click();
    const box = mine.locator('[data-comment-form="edit"] textarea');
    expect(await box.inputValue()).toBe('票数不对');
    await screenshot(reviewer.page, 'comments-edit-360');
    await box.fill('赞成票数与到会人数不符');
    // Comments arriving meanwhile (a reply to this thread, another thread) keep what is typed.
    await postComment(editor.page, '会后再核对一次');
    await thread(reviewer.page, '会后再核对一次').waitFor();
    await onEditor.locator('[data-action="reply"]').click();
    await onEditor.locator('[data-comment-form="reply"] textarea').fill('已请记录员核对');
    await onEditor.locator('[data-comment-form="reply"] button[type="submit"]').click();
    await mine.locator('.comment-reply', { hasText: '已请记录员核对' }).waitFor();
    expect(await box.inputValue()).toBe('赞成票数与到会人数不符');
    await mine.locator('[data-comment-form="edit"] button[type="submit"]').click();
    // The keyboard is back on the edit link.
    await expect
      .poll(() => reviewer.page.evaluate(() => document.activeElement?.getAttribute('data-action')))
      .toBe('edit');
    const edited = thread(editor.page, '赞成票数与到会人数不符');
    await edited.waitFor();
    await edited.locator('.comment-edited').waitFor();
    expect(await thread(editor.page, '票数不对').count()).toBe(0);
    await waitSaved(reviewer.page);

    // On the relay: the same comment, its author unchanged, with when it was changed.
    const stored = readComments(
      await storedDoc(server, seeded.workspaceId, commentsDocId(MINUTES_ID)),
    ).find((c) => c.id === id);
    expect(stored?.text).toBe('赞成票数与到会人数不符');
    expect(stored?.authorName).toBe('乡镇审核员');
    expect(stored?.editedAt).toBeGreaterThanOrEqual(stored?.createdAt ?? Number.POSITIVE_INFINITY);
    await switchLanguage(reviewer.page, 'ug');
    await thread(reviewer.page, '赞成票数与到会人数不符').scrollIntoViewIfNeeded();
    await screenshot(reviewer.page, 'comments-edited-360-ug');
  });
});

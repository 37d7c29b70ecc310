import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Auth } from '@grassroots/server';
import type { Page } from 'playwright-core';
import { encode } from 'uqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, startRelay, switchLanguage, waitSaved } from './harness.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];
let workspaceId = '';
let claimUrl = '';
let adminMemberId = '';

beforeAll(async () => {
  relay = await startRelay();
  const created = await relay.server.auth.createWorkspace('成员村', '王书记');
  workspaceId = created.workspace.id;
  adminMemberId = created.admin.id;
  claimUrl = `${relay.server.url}/#/join/${created.inviteToken}`;
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

const membersUrl = () => `${relay.server.url}/#/w/${workspaceId}/members`;

/** Open connections of one member on the relay, over all rooms. */
const connectionsOf = (memberId: string) =>
  [...relay.server.relay.rooms.values()].reduce(
    (n, room) => n + [...room.conns].filter((c) => c.member.id === memberId).length,
    0,
  );

/** jsQR (a QR decoder, tests only) reads the shown code back, as a phone's camera would. */
const jsQrSource = readFileSync(createRequire(import.meta.url).resolve('jsqr'), 'utf8');
async function decodeShownQr(page: Page): Promise<string | null> {
  await page.addScriptTag({ content: jsQrSource });
  return page.evaluate(async () => {
    const svg = document.querySelector('.invite-qr svg')!;
    const image = new Image();
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(svg))}`;
    await image.decode();
    const side = 480;
    const canvas = document.createElement('canvas');
    canvas.width = side;
    canvas.height = side;
    const ctx = canvas.getContext('2d')!;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(image, 0, 0, side, side);
    const pixels = ctx.getImageData(0, 0, side, side);
    const decode = (
      window as unknown as {
        jsQR: (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null;
      }
    ).jsQR;
    return decode(pixels.data, side, side)?.data ?? null;
  });
}

describe('members and invites in the app', () => {
  let admin: Page;
  let inviteUrl = '';

  it("MEM-5 the first admin's invite offers the admin's name and makes one admin, not two", async () => {
    const b = await openBrowser({ width: 1280, height: 900 });
    closers.push(b.close);
    admin = b.page;
    await admin.goto(claimUrl);
    await admin
      .locator('.join-intro', { hasText: '以“王书记”（管理员）的身份进入“成员村”' })
      .waitFor();
    expect(await admin.locator('input[name="displayName"]').inputValue()).toBe('王书记');
    await screenshot(admin, 'members/join-first-admin-1280');
    await admin.setViewportSize({ width: 360, height: 760 });
    await screenshot(admin, 'members/join-first-admin-360');
    await admin.setViewportSize({ width: 1280, height: 900 });
    await admin.locator('button[type="submit"]').click();
    await admin.locator('.sync-badge').waitFor();
    await waitSaved(admin);
    // A new village's dashboard offers its first plan (it said only "no plans yet").
    const newPlan = admin.getByTestId('dash-new-plan');
    await newPlan.waitFor();
    await screenshot(admin, 'members/empty-dashboard-1280');
    await newPlan.click();
    await admin.waitForURL(/#\/w\/[^/]+\/d\/[^/]+$/);
    await admin.locator('.plan-editor').waitFor();
    await waitSaved(admin);

    await admin.goto(membersUrl());
    const rows = admin.locator('.member-list:not(.removed-members) .member-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('strong').textContent()).toBe('王书记');
    expect(await rows.first().getAttribute('data-member')).toBe(adminMemberId);
    // The last admin, oneself: no role select, no remove button; a link for a new phone.
    expect(await rows.first().locator('select').count()).toBe(0);
    expect(await rows.first().getByRole('button').allTextContents()).toEqual(['换手机']);
    // The link that made this admin is listed as that, not as a new phone's (换手机：王书记).
    const first = admin.locator('.invite-row').first();
    await first.waitFor();
    expect(await first.locator('.invite-facts').textContent()).toContain('创建时给王书记的链接');
    expect(await first.locator('.invite-facts').textContent()).not.toContain('换手机');
  });

  it('MEM-4 a new invite shows its link and a QR code that decodes to exactly that link', async () => {
    await admin.locator('select[name="role"]').selectOption('editor');
    await admin.locator('select[name="expiry"]').selectOption('7d');
    await admin.locator('select[name="maxUses"]').selectOption('10');
    await admin.getByRole('button', { name: '生成邀请链接' }).click();
    const link = admin.locator('input.invite-url');
    await link.waitFor();
    inviteUrl = await link.inputValue();
    expect(inviteUrl).toMatch(new RegExp(`^${relay.server.url}/#/join/gri_`));

    await admin.getByRole('button', { name: '显示二维码' }).click();
    const svg = admin.locator('.invite-qr svg');
    await svg.waitFor();
    // The module count the URL needs at error correction M, and the link as text under it.
    const expected = encode(inviteUrl, { ecc: 'M', border: 0 });
    expect(Number(await svg.getAttribute('data-modules'))).toBe(expected.size);
    // Every dark module drawn where the encoder put one, and nowhere else (error correction
    // would let a decoder read past a missing row, so this is checked module by module).
    const drawn = [
      ...((await svg.locator('path').getAttribute('d')) ?? '').matchAll(/M(\d+) (\d+)/g),
    ]
      .map((m) => `${m[1]},${m[2]}`)
      .sort();
    const dark = expected.data
      .flatMap((row, y) => row.map((isDark, x) => (isDark ? `${x},${y}` : null)))
      .filter((p) => p !== null)
      .sort();
    expect(drawn).toEqual(dark);
    expect(await admin.locator('.invite-qr-url').textContent()).toBe(inviteUrl);
    const box = await svg.boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(240);
    expect(await decodeShownQr(admin)).toBe(inviteUrl);

    const row = admin.locator('.invite-row[data-state="live"]', { hasText: '编辑' });
    await row.waitFor();
    expect(await row.textContent()).toContain('7天后过期');
    expect(await row.textContent()).toContain('已用 0/10');
    await svg.scrollIntoViewIfNeeded();
    await screenshot(admin, 'members/invite-qr-1280');
    await admin.setViewportSize({ width: 360, height: 760 });
    await svg.scrollIntoViewIfNeeded();
    const narrowBox = await svg.boundingBox();
    expect(narrowBox!.x).toBeGreaterThanOrEqual(0);
    expect(narrowBox!.x + narrowBox!.width).toBeLessThanOrEqual(360);
    await screenshot(admin, 'members/invite-qr-360');
    expect(await decodeShownQr(admin)).toBe(inviteUrl);
    await admin.setViewportSize({ width: 1280, height: 900 });
  });

  it("MEM-1 MEM-2 admins change a role and remove a member; that member's device follows at once", async () => {
    const b = await openBrowser({ width: 360, height: 760 });
    closers.push(b.close);
    const editor = b.page;
    await editor.goto(inviteUrl);
    await editor.locator('.join-intro', { hasText: '“编辑”身份' }).waitFor();
    await screenshot(editor, 'members/join-invite-360');
    await editor.locator('input[name="displayName"]').fill('李会计');
    await editor.locator('button[type="submit"]').click();
    await editor.locator('.sync-badge').waitFor();
    await waitSaved(editor);

    // Editors see who is a member, read-only.
    await editor.goto(membersUrl());
    await editor.locator('.member-row', { hasText: '李会计' }).waitFor();
    expect(await editor.locator('.member-row select, .member-row button').count()).toBe(0);
    expect(await editor.locator('.invite-row').count()).toBe(0);
    await editor.getByText('只有管理员可以邀请成员').waitFor();
    await screenshot(editor, 'members/members-readonly-360');

    await admin.reload();
    const editorRow = admin.locator('.member-row', { hasText: '李会计' });
    await editorRow.waitFor();
    const member = await editorRow.getAttribute('data-member');
    expect(await admin.locator('.invite-row', { hasText: '编辑' }).textContent()).toContain(
      '已用 1/10',
    );
    await screenshot(admin, 'members/members-admin-1280');
    await admin.setViewportSize({ width: 360, height: 760 });
    await screenshot(admin, 'members/members-admin-360');
    await editorRow.scrollIntoViewIfNeeded();
    await screenshot(admin, 'members/members-admin-list-360');
    await admin.setViewportSize({ width: 1280, height: 900 });

    // A role change: the device reconnects as a viewer and says so.
    await expect.poll(() => connectionsOf(member!)).toBeGreaterThan(0);
    // It is asked first, saying what the role may do; until then nothing changes.
    await admin.getByLabel('李会计的身份').selectOption('viewer');
    const roleDialog = admin.locator('dialog.confirm-dialog');
    await roleDialog.waitFor();
    expect(await roleDialog.textContent()).toContain('把李会计改为“只读（乡镇审阅）”？');
    expect(await admin.getByLabel('李会计的身份').inputValue()).toBe('editor');
    expect(
      (await relay.server.auth.listMembers(workspaceId)).find((m) => m.id === member)?.role,
    ).toBe('editor');
    await roleDialog.getByRole('button', { name: '更改' }).click();
    await editor.locator('.readonly-banner').waitFor({ timeout: 15_000 });
    await expect.poll(() => connectionsOf(member!), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(
      (await relay.server.auth.listMembers(workspaceId)).find((m) => m.id === member)?.role,
    ).toBe('viewer');

    // Removal asks first; then the device is cut off at once and the member is listed as removed.
    await admin.getByRole('button', { name: '移除成员：李会计' }).click();
    const dialog = admin.locator('dialog.confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('历史记录中');
    await screenshot(admin, 'members/remove-confirm-1280');
    await admin.setViewportSize({ width: 360, height: 760 });
    await screenshot(admin, 'members/remove-confirm-360');
    await admin.setViewportSize({ width: 1280, height: 900 });
    await dialog.getByRole('button', { name: '移除' }).click();
    await admin.locator('.removed-members .member-row', { hasText: '李会计' }).waitFor();
    await expect.poll(() => connectionsOf(member!)).toBe(0);
    await editor.locator('.sync-badge[data-state="denied"]').waitFor();
    await editor.locator('.signed-out-notice[data-why="removed"]').waitFor();
    expect(await admin.locator('.member-list:not(.removed-members) .member-row').count()).toBe(1);
  });

  it('MEM-4 revoking an invite asks first; the link stops working and the list says so', async () => {
    const token = inviteUrl.split('#/join/')[1]!;
    const row = admin.locator('.invite-row[data-state="live"]', { hasText: '编辑' });
    await row.getByRole('button').click();
    const dialog = admin.locator('dialog.confirm-dialog');
    await dialog.getByRole('button', { name: '撤销' }).click();
    const revoked = admin.locator('.invite-row[data-state="revoked"]', { hasText: '编辑' });
    await revoked.waitFor();
    expect(await revoked.textContent()).toContain('已撤销');
    expect(await revoked.locator('button').count()).toBe(0);
    const preview = await fetch(`${relay.server.url}/api/invites/preview`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(preview.status).toBe(401);
    // Opening the revoked link says so before anyone types a name.
    const late = await admin.context().newPage();
    await late.goto(inviteUrl);
    await late.getByRole('alert').filter({ hasText: '邀请链接无效' }).waitFor();
    // Nothing to fill in on a dead link.
    expect(await late.locator('input[name="displayName"]').isVisible()).toBe(false);
    // A good link opened next in the same tab starts over: its workspace and role, no old error.
    const fresh = await relay.server.auth.createInvite(workspaceId, adminMemberId, {
      role: 'viewer',
    });
    await late.goto(`${inviteUrl.split('#/join/')[0]}#/join/${fresh.token}`);
    await late.locator('.join-intro', { hasText: '只读' }).waitFor();
    expect(await late.getByRole('alert').count()).toBe(0);
    expect(await late.locator('input[name="displayName"]').isVisible()).toBe(true);
    await late.close();

    // An invite made eight days ago for one day shows as expired, with nothing to revoke.
    const eightDaysAgo = new Auth(relay.server.store, () => Date.now() - 8 * 24 * 3_600_000);
    await eightDaysAgo.createInvite(workspaceId, adminMemberId, {
      role: 'viewer',
      expiresInHours: 24,
    });
    await admin.reload();
    const expired = admin.locator('.invite-row[data-state="expired"]');
    await expired.waitFor();
    expect(await expired.textContent()).toContain('已过期');
    expect(await expired.locator('button').count()).toBe(0);

    await switchLanguage(admin, 'en');
    await admin.getByRole('heading', { name: 'Members & invites' }).waitFor();
    await screenshot(admin, 'members/members-admin-en-1280');
    await admin.setViewportSize({ width: 360, height: 760 });
    await admin.locator('.invite-list').scrollIntoViewIfNeeded();
    await screenshot(admin, 'members/members-admin-en-360');
    await switchLanguage(admin, 'zh-CN');
  });
  it("MEM-6 a member's new phone: the admin's link signs it in as that member and the old phone out", async () => {
    const { token } = await relay.server.auth.createInvite(workspaceId, adminMemberId, {
      role: 'editor',
      maxUses: 1,
    });
    const old = await openBrowser({ width: 360, height: 760 });
    closers.push(old.close);
    await old.page.goto(`${relay.server.url}/#/join/${token}`);
    await old.page.locator('input[name="displayName"]').fill('马主任');
    await old.page.locator('button[type="submit"]').click();
    await waitSaved(old.page);

    await admin.setViewportSize({ width: 1280, height: 900 });
    await admin.reload();
    const row = admin.locator('.member-row', { hasText: '马主任' });
    await row.waitFor();
    const memberId = await row.getAttribute('data-member');
    await expect.poll(() => connectionsOf(memberId!)).toBeGreaterThan(0);
    await admin.getByRole('button', { name: '为马主任生成换手机登录链接' }).click();
    const panel = row.locator('.device-link');
    await panel.waitFor();
    expect(await panel.locator('h3').textContent()).toBe('马主任的换手机登录链接');
    expect(await panel.textContent()).toContain('24小时内有效，只能用一次');
    const url = await panel.locator('input.invite-url').inputValue();
    expect(url).toMatch(new RegExp(`^${relay.server.url}/#/join/gri_`));
    const listed = admin.locator('.invite-row[data-state="live"]', { hasText: '换手机：马主任' });
    await listed.waitFor();
    expect(await listed.textContent()).toContain('已用 0/1');
    await panel.scrollIntoViewIfNeeded();
    await screenshot(admin, 'members/new-phone-link-1280');
    await admin.setViewportSize({ width: 360, height: 760 });
    await panel.scrollIntoViewIfNeeded();
    const box = await panel.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    await screenshot(admin, 'members/new-phone-link-360');

    const fresh = await openBrowser({ width: 360, height: 760 });
    closers.push(fresh.close);
    await fresh.page.goto(url);
    await fresh.page
      .locator('.join-intro', { hasText: '以“马主任”（编辑）的身份进入“成员村”' })
      .waitFor();
    expect(await fresh.page.locator('input[name="displayName"]').inputValue()).toBe('马主任');
    await screenshot(fresh.page, 'members/join-new-phone-360');
    await fresh.page.locator('button[type="submit"]').click();
    await waitSaved(fresh.page);
    await old.page.locator('.sync-badge[data-state="denied"]').waitFor();
    const notice = old.page.locator('.signed-out-notice[data-why="elsewhere"]');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('已用换手机链接在另一台设备上登录');
    await screenshot(old.page, 'members/old-phone-signed-out-360');
    await switchLanguage(old.page, 'ug');
    await notice.filter({ hasText: 'تېلېفون ئالماشتۇرۇش ئۇلانمىسى بىلەن' }).waitFor();
    await screenshot(old.page, 'members/old-phone-signed-out-ug-360');
    await fresh.page.goto(membersUrl());
    const me = fresh.page.locator('.member-row', { hasText: '（我）' });
    await me.waitFor();
    expect(await me.getAttribute('data-member')).toBe(memberId);
    expect(await me.locator('strong').textContent()).toBe('马主任');

    await admin.reload();
    await admin
      .locator('.invite-row[data-state="usedUp"]', { hasText: '换手机：马主任' })
      .waitFor();
    await switchLanguage(admin, 'ug');
    await admin.setViewportSize({ width: 1280, height: 900 });
    const ugRow = admin.locator('.member-row', { hasText: '马主任' });
    await ugRow.locator('button', { hasText: 'تېلېفون ئالماشتۇرۇش' }).click();
    await ugRow.locator('.device-link').waitFor();
    await ugRow.scrollIntoViewIfNeeded();
    await screenshot(admin, 'members/new-phone-link-ug-1280');
    await admin.setViewportSize({ width: 360, height: 760 });
    await ugRow.locator('.device-link').scrollIntoViewIfNeeded();
    await screenshot(admin, 'members/new-phone-link-ug-360');
    const overflow = await admin.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await switchLanguage(admin, 'zh-CN');
    await admin.setViewportSize({ width: 1280, height: 900 });
  });
});

describe('the join page', () => {
  it('offers the language before joining, and names a first admin called by the role word once', async () => {
    // The default first admin is named "管理员", the role's own word.
    const created = await relay.server.auth.createWorkspace('语言村');
    const b = await openBrowser({ width: 360, height: 760 });
    closers.push(b.close);
    const { page } = b;
    await page.goto(`${relay.server.url}/#/join/${created.inviteToken}`);
    const intro = page.locator('.join-intro');
    await intro.filter({ hasText: '语言村' }).waitFor();
    expect(await intro.textContent()).toBe(
      '这个链接让这台设备以“管理员”的身份进入“语言村”；如果这个身份已在别的设备上登录，那台设备会退出登录。请确认您的称呼，别人会在文档里看到它。',
    );
    await screenshot(page, 'members/join-language-360-zh');
    // A Uyghur reader on a phone set to Chinese reads the page in Uyghur before joining.
    await switchLanguage(page, 'ug');
    await expect.poll(() => intro.textContent()).toContain('«\u2068语言村\u2069» غا');
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    // In Uyghur the name "管理员" is not the role's word, so both are said.
    expect(await intro.textContent()).toContain('(\u2068باشقۇرغۇچى\u2069)');
    await screenshot(page, 'members/join-language-360-ug');
    // The choice holds once joined.
    await page.locator('input[name="displayName"]').fill('ئابدۇللا');
    await page.locator('button[type="submit"]').click();
    await page.locator('.sync-badge').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('ug');
  });
});

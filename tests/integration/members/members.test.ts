import { CloseCode } from '@grassroots/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawClient, stockClient, upgradeStatus } from '../../support/clients.ts';
import { eventually, startTestServer, type TestServer } from '../../support/server.ts';

let server: TestServer;
const cleanups: (() => void)[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await server.stop();
});

const api = (path: string, init: { method?: string; token?: string; body?: unknown } = {}) =>
  fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
const ws = () => `/api/workspaces/${server.workspaceId}`;
/** A close that does not come within a few seconds is a failure, not a hung test. */
const closedSoon = (client: { closed: Promise<{ code: number }> }) =>
  Promise.race([
    client.closed,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('the socket was not closed')), 5_000).unref(),
    ),
  ]);
const socket = (token: string, doc = 'plan') =>
  rawClient(`${server.wsUrl}/${server.workspaceId}/${doc}?token=${encodeURIComponent(token)}`);

describe('members managed by admins', () => {
  it("MEM-1 a role change closes that member's open sockets at once, and nobody else's", async () => {
    const editor = await server.member('editor', '李会计');
    const other = await server.member('editor', '赵主任');
    const first = await socket(editor.token, 'plan');
    const second = await socket(editor.token, 'minutes');
    const bystander = await socket(other.token, 'plan');
    cleanups.push(() => bystander.ws.terminate());

    const res = await api(`${ws()}/members/${editor.id}`, {
      method: 'PATCH',
      token: server.adminToken,
      body: { role: 'viewer' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { role: string }).role).toBe('viewer');
    // Closed by the time the answer arrived: the close frames were sent before it.
    expect((await closedSoon(first)).code).toBe(CloseCode.forbidden);
    expect((await closedSoon(second)).code).toBe(CloseCode.forbidden);
    expect(bystander.ws.readyState).toBe(bystander.ws.OPEN);

    // Reconnecting works, with the new role: a viewer's write is refused.
    expect(
      await upgradeStatus(
        `${server.wsUrl}/${server.workspaceId}/plan?token=${encodeURIComponent(editor.token)}`,
      ),
    ).toBe(101);
    const me = await api(ws(), { token: editor.token });
    expect(((await me.json()) as { me: { role: string } }).me.role).toBe('viewer');
  });

  it('MEM-1 setting the role a member already has closes nothing', async () => {
    const editor = await server.member('editor');
    const open = await socket(editor.token);
    cleanups.push(() => open.ws.terminate());
    const res = await api(`${ws()}/members/${editor.id}`, {
      method: 'PATCH',
      token: server.adminToken,
      body: { role: 'editor' },
    });
    expect(res.status).toBe(200);
    // A socket the relay closes is closed before the answer is sent (MEM-1 above); a ping
    // round trip after the answer proves this one is still served.
    await new Promise<void>((resolve) => {
      open.ws.once('pong', () => resolve());
      open.ws.ping();
    });
    expect(open.ws.readyState).toBe(open.ws.OPEN);
  });

  it('MEM-2 removing a member closes their sockets at once, refuses their token, and history keeps their name', async () => {
    const editor = await server.member('editor', '孙文书');
    const writer = stockClient(server.wsUrl, `${server.workspaceId}/plan`, editor.token);
    cleanups.push(writer.destroy);
    await writer.synced;
    writer.doc.getArray<string>('log').push(['孙文书写的一行']);
    const history = () =>
      api(`${ws()}/docs/plan/history`, { token: server.adminToken }).then(
        async (r) =>
          (await r.json()) as {
            entries?: { author: { id: string; displayName: string; role: string | null } }[];
          },
      );
    await eventually(async () => expect((await history()).entries).toHaveLength(1));
    const watcher = await socket(editor.token, 'minutes');

    const res = await api(`${ws()}/members/${editor.id}`, {
      method: 'DELETE',
      token: server.adminToken,
    });
    expect(res.status).toBe(200);
    expect((await closedSoon(watcher)).code).toBe(CloseCode.unauthorized);
    expect(
      await upgradeStatus(
        `${server.wsUrl}/${server.workspaceId}/plan?token=${encodeURIComponent(editor.token)}`,
      ),
    ).toBe(401);
    expect((await api(ws(), { token: editor.token })).status).toBe(401);

    const [entry] = (await history()).entries!;
    expect(entry!.author).toMatchObject({ id: editor.id, displayName: '孙文书', role: 'editor' });
    const list = (await (await api(`${ws()}/members`, { token: server.adminToken })).json()) as {
      members: { id: string; displayName: string; revoked: boolean }[];
    };
    expect(list.members.find((m) => m.id === editor.id)).toMatchObject({
      displayName: '孙文书',
      revoked: true,
    });
  });

  it('MEM-3 the last admin can be neither removed nor demoted, by anyone', async () => {
    const me = (await (await api(ws(), { token: server.adminToken })).json()) as {
      me: { id: string };
    };
    const second = await server.member('admin', '副书记');
    // An admin never demotes or removes themselves.
    const selfDemote = await api(`${ws()}/members/${me.me.id}`, {
      method: 'PATCH',
      token: server.adminToken,
      body: { role: 'editor' },
    });
    expect(selfDemote.status).toBe(409);
    // Two admins: one may remove the other, who then is gone.
    const removeFirst = await api(`${ws()}/members/${me.me.id}`, {
      method: 'DELETE',
      token: second.token,
    });
    expect(removeFirst.status).toBe(200);
    // Now the second is the last admin: an admin made by it cannot demote or remove it either.
    const third = await server.member('admin', '第三位');
    const demoteThird = await api(`${ws()}/members/${third.id}`, {
      method: 'PATCH',
      token: second.token,
      body: { role: 'viewer' },
    });
    expect(demoteThird.status).toBe(200);
    const demoteLast = await api(`${ws()}/members/${second.id}`, {
      method: 'PATCH',
      token: third.token,
      body: { role: 'viewer' },
    });
    expect(demoteLast.status).toBe(403);
    await server.auth.changeMember(server.workspaceId, third.id, { role: 'admin' });
    await server.auth.changeMember(server.workspaceId, third.id, { revoke: true });
    const refusedDemote = server.auth.changeMember(server.workspaceId, second.id, {
      role: 'editor',
    });
    await expect(refusedDemote).rejects.toMatchObject({ status: 409, error: 'last_admin' });
    const refusedRemove = server.auth.changeMember(server.workspaceId, second.id, {
      revoke: true,
    });
    await expect(refusedRemove).rejects.toMatchObject({ status: 409, error: 'last_admin' });
    const still = (await (await api(ws(), { token: second.token })).json()) as {
      me: { role: string };
    };
    expect(still.me.role).toBe('admin');
  });
});

describe('member colours', () => {
  it('each member has the colour of their place in the order they joined; a removed one keeps theirs', async () => {
    const first = await server.member('editor', '一');
    const second = await server.member('viewer', '二');
    const list = async () =>
      (
        (await (await api(`${ws()}/members`, { token: server.adminToken })).json()) as {
          members: { id: string; colour: number }[];
        }
      ).members;
    const colours = new Map((await list()).map((m) => [m.id, m.colour]));
    // The admin made with the workspace first, then the two.
    expect([...colours.values()].sort()).toEqual([0, 1, 2]);
    expect(colours.get(first.id)).toBe(1);
    expect(colours.get(second.id)).toBe(2);
    // Each device learns its own with who it is.
    const me = (await (await api(ws(), { token: second.token })).json()) as {
      me: { colour: number };
    };
    expect(me.me.colour).toBe(2);
    expect(
      (await api(`${ws()}/members/${first.id}`, { method: 'DELETE', token: server.adminToken }))
        .status,
    ).toBe(200);
    const third = await server.member('editor', '三');
    const after = new Map((await list()).map((m) => [m.id, m.colour]));
    expect(after.get(second.id)).toBe(2);
    expect(after.get(third.id)).toBe(3);
    // A device joining by invite is told its colour at once.
    const invite = (await (
      await api(`${ws()}/invites`, {
        method: 'POST',
        token: server.adminToken,
        body: { role: 'editor' },
      })
    ).json()) as { token: string };
    const redeemed = (await (
      await api('/api/invites/redeem', {
        method: 'POST',
        body: { token: invite.token, displayName: '四' },
      })
    ).json()) as { colour: number };
    expect(redeemed.colour).toBe(4);
  });
});

describe('invites', () => {
  type Listed = {
    id: string;
    role: string;
    expiresAt: string | null;
    revoked: boolean;
    uses: number;
    maxUses: number | null;
  };
  const list = async () =>
    (
      (await (await api(`${ws()}/invites`, { token: server.adminToken })).json()) as {
        invites: Listed[];
      }
    ).invites;

  it('MEM-4 admins list invites with expiry and uses, and a revoked one is refused', async () => {
    const before = Date.now();
    const created = (await (
      await api(`${ws()}/invites`, {
        method: 'POST',
        token: server.adminToken,
        body: { role: 'editor', expiresInHours: 168, maxUses: 10 },
      })
    ).json()) as { invite: Listed; token: string };
    const redeem = await api('/api/invites/redeem', {
      method: 'POST',
      body: { token: created.token, displayName: '新队员' },
    });
    expect(redeem.status).toBe(201);
    const listed = (await list()).find((i) => i.id === created.invite.id)!;
    expect(listed).toMatchObject({ role: 'editor', uses: 1, maxUses: 10, revoked: false });
    const expires = Date.parse(listed.expiresAt!) - before;
    expect(expires).toBeGreaterThanOrEqual(168 * 3_600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(168 * 3_600_000 + 60_000);

    const del = await api(`${ws()}/invites/${created.invite.id}`, {
      method: 'DELETE',
      token: server.adminToken,
    });
    expect(del.status).toBe(200);
    expect((await list()).find((i) => i.id === created.invite.id)?.revoked).toBe(true);
    const again = await api('/api/invites/redeem', {
      method: 'POST',
      body: { token: created.token, displayName: '晚到的' },
    });
    expect(again.status).toBe(401);
    const preview = await api('/api/invites/preview', {
      method: 'POST',
      body: { token: created.token },
    });
    expect(preview.status).toBe(401);
  });

  it('MEM-4 editors and viewers may not list or revoke invites', async () => {
    const editor = await server.member('editor');
    expect((await api(`${ws()}/invites`, { token: editor.token })).status).toBe(403);
    const [any] = await list();
    const del = await api(`${ws()}/invites/${any!.id}`, { method: 'DELETE', token: editor.token });
    expect(del.status).toBe(403);
  });

  it("MEM-6 a link for a member's new phone makes the device that member and signs the old one out", async () => {
    const editor = await server.member('editor', '李会计');
    const bystander = await server.member('editor', '赵主任');
    const oldPhone = await socket(editor.token, 'plan');
    const other = await socket(bystander.token, 'plan');
    cleanups.push(() => other.ws.terminate());

    const path = `${ws()}/members/${editor.id}/device-invite`;
    expect((await api(path, { method: 'POST', token: bystander.token })).status).toBe(403);
    const made = await api(path, { method: 'POST', token: server.adminToken });
    expect(made.status).toBe(201);
    const link = (await made.json()) as {
      invite: Listed & { claimsMemberId: string | null };
      token: string;
      url: string;
    };
    expect(link.url).toContain(`/#/join/${link.token}`);
    expect(link.invite).toMatchObject({ role: 'editor', maxUses: 1, claimsMemberId: editor.id });
    const hoursValid = (Date.parse(link.invite.expiresAt!) - Date.now()) / 3_600_000;
    expect(hoursValid).toBeGreaterThan(23.9);
    expect(hoursValid).toBeLessThanOrEqual(24);
    expect((await list()).find((i) => i.id === link.invite.id)).toMatchObject({
      claimsMemberId: editor.id,
    });

    const preview = await api('/api/invites/preview', {
      method: 'POST',
      body: { token: link.token },
    });
    expect(await preview.json()).toEqual({
      workspaceName: expect.any(String),
      role: 'editor',
      displayName: '李会计',
    });
    const redeem = await api('/api/invites/redeem', {
      method: 'POST',
      body: { token: link.token, displayName: '李会计' },
    });
    expect(redeem.status).toBe(201);
    const newPhone = (await redeem.json()) as {
      memberId: string;
      memberToken: string;
      role: string;
    };
    expect(newPhone).toMatchObject({ memberId: editor.id, role: 'editor' });
    const closed = await closedSoon(oldPhone);
    expect(closed.code).toBe(CloseCode.unauthorized);
    expect(other.ws.readyState).toBe(other.ws.OPEN);
    expect((await api(ws(), { token: editor.token })).status).toBe(401);
    expect((await api(ws(), { token: newPhone.memberToken })).status).toBe(200);
    const members = (await (await api(`${ws()}/members`, { token: server.adminToken })).json()) as {
      members: { id: string }[];
    };
    expect(members.members.filter((m) => m.id === editor.id)).toHaveLength(1);
    // One use only.
    const again = await api('/api/invites/redeem', {
      method: 'POST',
      body: { token: link.token, displayName: '别人' },
    });
    expect(again.status).toBe(401);
  });

  it("MEM-6 a new link for a member revokes that member's earlier one, and nobody else's", async () => {
    const editor = await server.member('editor', '李会计');
    const other = await server.member('editor', '赵主任');
    const make = async (id: string) =>
      (await (
        await api(`${ws()}/members/${id}/device-invite`, {
          method: 'POST',
          token: server.adminToken,
        })
      ).json()) as { token: string; invite: { id: string } };
    const first = await make(editor.id);
    const forOther = await make(other.id);
    const second = await make(editor.id);
    const state = async (token: string) =>
      (await api('/api/invites/preview', { method: 'POST', body: { token } })).status;
    expect(await state(first.token)).toBe(401);
    expect(await state(second.token)).toBe(200);
    expect(await state(forOther.token)).toBe(200);
    expect((await list()).find((i) => i.id === first.invite.id)?.revoked).toBe(true);
  });

  it('MEM-6 no new-phone link for a removed member', async () => {
    const editor = await server.member('editor');
    expect(
      (await api(`${ws()}/members/${editor.id}`, { method: 'DELETE', token: server.adminToken }))
        .status,
    ).toBe(200);
    const made = await api(`${ws()}/members/${editor.id}/device-invite`, {
      method: 'POST',
      token: server.adminToken,
    });
    expect(made.status).toBe(404);
  });

  it('MEM-5 the first invite hands over the first admin: one admin, under the given name', async () => {
    const created = await server.auth.createWorkspace('二号村', '王书记');
    const preview = await api('/api/invites/preview', {
      method: 'POST',
      body: { token: created.inviteToken },
    });
    expect(await preview.json()).toEqual({
      workspaceName: '二号村',
      role: 'admin',
      displayName: '王书记',
    });
    const redeem = await api('/api/invites/redeem', {
      method: 'POST',
      body: { token: created.inviteToken, displayName: '王书记（驻村）' },
    });
    expect(redeem.status).toBe(201);
    const device = (await redeem.json()) as {
      memberId: string;
      memberToken: string;
      displayName: string;
      role: string;
    };
    expect(device).toMatchObject({
      memberId: created.admin.id,
      displayName: '王书记（驻村）',
      role: 'admin',
    });
    const members = (await (
      await api(`/api/workspaces/${created.workspace.id}/members`, { token: device.memberToken })
    ).json()) as { members: { displayName: string; role: string }[] };
    expect(members.members).toEqual([
      expect.objectContaining({ displayName: '王书记（驻村）', role: 'admin' }),
    ]);
    // The token made with the workspace stops working: the device holds the admin's token now.
    expect(
      (await api(`/api/workspaces/${created.workspace.id}`, { token: created.adminToken })).status,
    ).toBe(401);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upgradeStatus } from '../../support/clients.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.stop();
});

const api = (path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: {
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
  });

describe('access control before the WebSocket upgrade', () => {
  const url = (token?: string, room = `${server.workspaceId}/doc`) =>
    `${server.wsUrl}/${room}${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;

  it('no token → 401 and no room is touched', async () => {
    expect(await upgradeStatus(url())).toBe(401);
    expect(server.relay.rooms.size).toBe(0);
  });

  it('a wrong token → 401', async () => {
    expect(await upgradeStatus(url('grm_not-a-real-token'))).toBe(401);
    expect(server.relay.rooms.size).toBe(0);
  });

  it('a revoked member token → 401', async () => {
    const editor = await server.member('editor');
    expect(await upgradeStatus(url(editor.token))).toBe(101);
    const res = await api(`/api/workspaces/${server.workspaceId}/members/${editor.id}`, {
      method: 'DELETE',
      token: server.adminToken,
    });
    expect(res.status).toBe(200);
    expect(await upgradeStatus(url(editor.token))).toBe(401);
  });

  it("another workspace's token → 403", async () => {
    const other = await server.auth.createWorkspace('邻村');
    expect(await upgradeStatus(url(other.adminToken))).toBe(403);
    expect(server.relay.rooms.size).toBe(0);
  });

  it('the token may also come in an Authorization header', async () => {
    const { default: WebSocket } = await import('ws');
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url(), {
        headers: { authorization: `Bearer ${server.adminToken}` },
      });
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('unexpected-response', (_r, res) => resolve(res.statusCode ?? 0));
    });
    expect(status).toBe(101);
  });

  it('tokens never appear in logs or metrics', async () => {
    const lines: string[] = [];
    const { createLogger } = await import('@grassroots/server');
    const { Writable } = await import('node:stream');
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    await server.stop();
    server = await startTestServer({}, { log: createLogger('info', sink) });
    await upgradeStatus(url('grm_secret-looking-token-value'));
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(lines.join('\n')).toContain('websocket refused');
    expect(lines.join('\n')).not.toContain('secret-looking-token-value');
    expect(metrics).not.toContain('secret-looking-token-value');
  });
});

describe('workspace REST API', () => {
  it('admins create invites; a redeemed invite gives a working member token with the role', async () => {
    const res = await api(`/api/workspaces/${server.workspaceId}/invites`, {
      method: 'POST',
      token: server.adminToken,
      body: JSON.stringify({ role: 'viewer', expiresInHours: 24 }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { token: string; url: string };
    expect(created.url).toMatch(/#\/join\/gri_/);
    const redeem = await api('/api/invites/redeem', {
      method: 'POST',
      body: JSON.stringify({ token: created.token, displayName: '乡镇审核员' }),
    });
    expect(redeem.status).toBe(201);
    const member = (await redeem.json()) as {
      memberToken: string;
      role: string;
      workspaceId: string;
    };
    expect(member.role).toBe('viewer');
    const me = await api(`/api/workspaces/${server.workspaceId}`, { token: member.memberToken });
    expect(((await me.json()) as { me: { displayName: string } }).me.displayName).toBe(
      '乡镇审核员',
    );
  });

  it('non-admins cannot create invites or change members', async () => {
    const editor = await server.member('editor');
    const invite = await api(`/api/workspaces/${server.workspaceId}/invites`, {
      method: 'POST',
      token: editor.token,
      body: JSON.stringify({ role: 'admin' }),
    });
    expect(invite.status).toBe(403);
    const change = await api(`/api/workspaces/${server.workspaceId}/members/${editor.id}`, {
      method: 'PATCH',
      token: editor.token,
      body: JSON.stringify({ role: 'admin' }),
    });
    expect(change.status).toBe(403);
  });

  it('admins list and change members', async () => {
    const editor = await server.member('editor', '张会计');
    const change = await api(`/api/workspaces/${server.workspaceId}/members/${editor.id}`, {
      method: 'PATCH',
      token: server.adminToken,
      body: JSON.stringify({ role: 'viewer' }),
    });
    expect(change.status).toBe(200);
    const list = await api(`/api/workspaces/${server.workspaceId}/members`, {
      token: server.adminToken,
    });
    const { members } = (await list.json()) as { members: { displayName: string; role: string }[] };
    expect(members.find((m) => m.displayName === '张会计')?.role).toBe('viewer');
  });

  it('revoked, expired and used-up invites cannot be redeemed', async () => {
    const make = async (body: object) => {
      const res = await api(`/api/workspaces/${server.workspaceId}/invites`, {
        method: 'POST',
        token: server.adminToken,
        body: JSON.stringify(body),
      });
      return (await res.json()) as { token: string; invite: { id: string } };
    };
    const redeem = (token: string) =>
      api('/api/invites/redeem', {
        method: 'POST',
        body: JSON.stringify({ token, displayName: '新人' }),
      });

    const revoked = await make({ role: 'editor' });
    const del = await api(`/api/workspaces/${server.workspaceId}/invites/${revoked.invite.id}`, {
      method: 'DELETE',
      token: server.adminToken,
    });
    expect(del.status).toBe(200);
    expect((await redeem(revoked.token)).status).toBe(401);

    const once = await make({ role: 'editor', maxUses: 1 });
    expect((await redeem(once.token)).status).toBe(201);
    expect((await redeem(once.token)).status).toBe(401);

    const expiring = await server.auth.createInvite(server.workspaceId, null, {
      role: 'editor',
      expiresInHours: 1,
    });
    const later = new (await import('@grassroots/server')).Auth(
      server.store,
      () => Date.now() + 2 * 3_600_000,
    );
    await expect(later.redeem(expiring.token, '迟到')).rejects.toThrow(/expired/);
  });

  it('invite tokens are stored only as hashes', async () => {
    const { token } = await server.auth.createInvite(server.workspaceId, null, { role: 'editor' });
    const db = (server.store as unknown as { db: { prepare(sql: string): { all(): unknown[] } } })
      .db;
    const dump = JSON.stringify([
      db.prepare('SELECT * FROM invites').all(),
      db.prepare('SELECT * FROM members').all(),
    ]);
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(server.adminToken);
  });
});

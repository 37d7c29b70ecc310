/**
 * MEM-7: a request's body can take a minute to arrive. A member removed or demoted while it
 * arrives is refused once it is here, as they would be after: nothing is done with it.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stockClient } from '../../support/clients.ts';
import { eventually, startTestServer, type TestServer } from '../../support/server.ts';
import { slowRequest as slowRequestTo } from '../../support/slowRequest.ts';

let server: TestServer;
const cleanups: (() => void)[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await server.stop();
});

const ws = () => `/api/workspaces/${server.workspaceId}`;

const slowRequest = (
  method: string,
  path: string,
  token: string,
  body: Uint8Array | object,
  type?: string,
) => slowRequestTo(server.url, method, path, token, body, type);

const call = (path: string, token: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });

const remove = async (memberId: string) =>
  expect(
    (await call(`${ws()}/members/${memberId}`, server.adminToken, { method: 'DELETE' })).status,
  ).toBe(200);
const demote = async (memberId: string, role: 'viewer' | 'editor') =>
  expect(
    (
      await call(`${ws()}/members/${memberId}`, server.adminToken, {
        method: 'PATCH',
        body: { role },
      })
    ).status,
  ).toBe(200);

describe('MEM-7 a body that arrives after its member was removed or demoted', () => {
  it('a removed admin makes no invite, and a demoted one changes no role', async () => {
    const rogue = await server.member('admin', '另一位管理员');
    const invite = await slowRequest('POST', `${ws()}/invites`, rogue.token, { role: 'admin' });
    await remove(rogue.id);
    const answer = await invite.finish();
    expect(answer.status).toBe(401);
    const invites = (await (await call(`${ws()}/invites`, server.adminToken)).json()) as {
      invites: { role: string; createdBy: string | null }[];
    };
    expect(invites.invites.filter((i) => i.createdBy === rogue.id)).toEqual([]);

    const other = await server.member('admin', '第三位管理员');
    const editor = await server.member('editor', '李会计');
    const change = await slowRequest('PATCH', `${ws()}/members/${editor.id}`, other.token, {
      role: 'admin',
    });
    await demote(other.id, 'editor');
    expect((await change.finish()).status).toBe(403);
    const me = (await (await call(ws(), editor.token)).json()) as { me: { role: string } };
    expect(me.me.role).toBe('editor');
  });

  it('a demoted editor publishes nothing on the public board', async () => {
    const editor = await server.member('editor', '张编辑');
    const publish = await slowRequest('POST', `${ws()}/public/items`, editor.token, {
      kind: 'notice',
      sourceId: 'n1',
      title: '停水通知',
      body: '明天停水',
    });
    await demote(editor.id, 'viewer');
    expect((await publish.finish()).status).toBe(403);
    const board = (await (await call(`${ws()}/public`, server.adminToken)).json()) as {
      items?: unknown[];
    };
    expect(board.items ?? []).toEqual([]);
  });

  it("a removed editor's last chunk completes no upload", async () => {
    const editor = await server.member('editor', '张编辑');
    const bytes = Uint8Array.from({ length: 2000 }, (_, i) => (i * 13) % 256);
    bytes.set([0xff, 0xd8, 0xff, 0xe0]);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const chunk = await slowRequest(
      'PUT',
      `${ws()}/blobs/${hash}?offset=0&size=${bytes.length}&type=image%2Fjpeg`,
      editor.token,
      bytes,
      'application/octet-stream',
    );
    await remove(editor.id);
    expect((await chunk.finish()).status).toBe(401);
    expect((await call(`${ws()}/blobs/${hash}`, server.adminToken)).status).toBe(404);
  });

  it('a member made a viewer names no version', async () => {
    const editor = await server.member('editor', '张编辑');
    const client = stockClient(server.wsUrl, `${server.workspaceId}/plan`, editor.token);
    cleanups.push(() => client.destroy());
    await client.synced;
    client.doc.getMap('m').set('title', '第一阶段');
    await eventually(async () => {
      const res = await call(`${ws()}/docs/plan/history`, server.adminToken);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { total: number }).total).toBeGreaterThan(0);
    });
    const naming = await slowRequest('POST', `${ws()}/docs/plan/versions`, editor.token, {
      name: '初稿',
    });
    await demote(editor.id, 'viewer');
    expect((await naming.finish()).status).toBe(403);
    const history = (await (await call(`${ws()}/docs/plan/history`, server.adminToken)).json()) as {
      named: { name: string }[];
    };
    expect(history.named.map((n) => n.name)).not.toContain('初稿');
  });

  it('a removed member reads no seqs', async () => {
    const viewer = await server.member('viewer', '乡镇审阅');
    const seqs = await slowRequest('POST', `${ws()}/docs/seqs`, viewer.token, { ids: ['plan'] });
    await remove(viewer.id);
    expect((await seqs.finish()).status).toBe(401);
  });
});

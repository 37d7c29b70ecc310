import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import {
  addDocEntry,
  createDoc,
  INDEX_DOC_ID,
  initIndex,
  initPlan,
  type PublicItem,
} from '@grassroots/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stockClient } from '../../support/clients.ts';
import { eventually, startTestServer, type TestServer } from '../../support/server.ts';

let server: TestServer;
let editor: { id: string; token: string };
let viewer: { id: string; token: string };
const cleanups: (() => void)[] = [];

beforeEach(async () => {
  server = await startTestServer();
  editor = await server.member('editor', '张编辑');
  viewer = await server.member('viewer', '乡镇审阅');
});
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await server.stop();
});

const board = (path = '') => `${server.url}/api/workspaces/${server.workspaceId}/public${path}`;

function call(
  path: string,
  init: { token?: string | null; method?: string; body?: unknown; type?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = init.type ?? 'application/json';
  return fetch(board(path), {
    method: init.method ?? 'GET',
    headers,
    body:
      init.body === undefined
        ? null
        : typeof init.body === 'string'
          ? init.body
          : JSON.stringify(init.body),
  });
}

const publish = async (item: PublicItem, token = editor.token) => {
  const response = await call('/items', { token, method: 'POST', body: item });
  expect(response.status).toBe(201);
  return (await response.json()) as {
    item: { itemId: string; version: number };
    publicId: string;
    url: string;
  };
};

const notice = (sourceId: string, title: string, body: string): PublicItem => ({
  kind: 'notice',
  sourceId,
  title,
  body,
});

/** Plan `i` of one phase of 200 tasks titled by `taskTitle`, the first `done` of them done. */
const wholeYearPlan = (i: number, taskTitle: (k: number) => string, done = 0): PublicItem => ({
  kind: 'plan',
  sourceId: `plan${i}`,
  title: `计划${i}`,
  done,
  total: 200,
  phases: [
    {
      title: '全年',
      done,
      total: 200,
      tasks: Array.from({ length: 200 }, (_, k) => ({
        title: taskTitle(k),
        status: k < done ? 'done' : 'todo',
      })),
    },
  ],
  omittedTasks: 0,
});

const decision: PublicItem = {
  kind: 'decision',
  sourceId: 'case1',
  title: '村道硬化工程',
  resolution: '同意实施村道硬化，资金由村集体和上级补助承担。',
  steps: [
    { step: 'proposal', at: Date.UTC(2025, 2, 1, 2), tally: null, present: null, passed: null },
    { step: 'deliberation', at: Date.UTC(2025, 2, 3, 2), tally: null, present: null, passed: null },
    {
      step: 'review',
      at: Date.UTC(2025, 2, 5, 2),
      tally: { for: 19, against: 1, abstain: 0 },
      // A 党员大会: judged against the members entitled to vote (VOTE-9).
      present: null,
      entitled: 24,
      passed: true,
    },
    {
      step: 'resolution',
      at: Date.UTC(2025, 2, 10, 2),
      tally: { for: 27, against: 2, abstain: 1 },
      present: 30,
      passed: true,
    },
    { step: 'resolution-public', at: null, tally: null, present: null, passed: null },
    { step: 'result-public', at: null, tally: null, present: null, passed: null },
  ],
  result: '',
};

/** A GET with the path sent exactly as written (fetch would resolve `..` and `%2F` first). */
function rawGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method: 'GET', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A workspace doc holding text that must never be public. */
async function secretPlan(title: string) {
  const index = stockClient(server.wsUrl, `${server.workspaceId}/${INDEX_DOC_ID}`, editor.token, {
    doc: createDoc(),
  });
  cleanups.push(index.destroy);
  await index.synced;
  initIndex(index.doc, { name: '测试村' });
  addDocEntry(index.doc, { id: 'plan1', kind: 'plan', title, createdAt: 10 });
  const plan = stockClient(server.wsUrl, `${server.workspaceId}/plan1`, editor.token, {
    doc: createDoc(),
  });
  cleanups.push(plan.destroy);
  await plan.synced;
  initPlan(plan.doc, { title });
  await eventually(async () =>
    expect((await server.store.roomStats(`${server.workspaceId}/plan1`)).rows).toBeGreaterThan(0),
  );
}

describe('the public board API (PUB-1, PUB-2, PUB-5)', () => {
  it('PUB-1 only editors and admins publish or withdraw; viewers get 403, no token 401, another workspace’s member 403', async () => {
    const item = notice('n1', '停水通知', '明天上午停水。');
    expect((await call('/items', { method: 'POST', body: item })).status).toBe(401);
    const refused = await call('/items', { token: viewer.token, method: 'POST', body: item });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'forbidden', reason: 'forbidden' });
    const other = await server.auth.createWorkspace('别的村');
    const stranger = await call('/items', { token: other.adminToken, method: 'POST', body: item });
    expect(stranger.status).toBe(403);
    expect((await stranger.json()).reason).toBe('otherWorkspace');
    // Nothing of it was stored.
    expect(await server.store.listPublications(server.workspaceId)).toEqual([]);

    const { item: published } = await publish(item);
    expect(
      (await call(`/items/${published.itemId}`, { token: viewer.token, method: 'DELETE' })).status,
    ).toBe(403);
    expect((await call(`/items/${published.itemId}`, { method: 'DELETE' })).status).toBe(401);
    expect(
      (await call(`/items/${published.itemId}`, { token: server.adminToken, method: 'DELETE' }))
        .status,
    ).toBe(200);
    const again = await call(`/items/${published.itemId}`, {
      token: editor.token,
      method: 'DELETE',
    });
    expect(again.status).toBe(404);
    expect((await again.json()).reason).toBe('publicItemNotFound');
  });

  it('PUB-1 a body is checked strictly: unknown fields, names, long text, wrong kinds and non-JSON are refused with a reason', async () => {
    const post = (body: unknown, type?: string) =>
      call('/items', {
        token: editor.token,
        method: 'POST',
        body,
        ...(type ? { type } : {}),
      });
    const cases: [unknown, number, string][] = [
      [{ ...notice('n1', 't', 'b'), publishedBy: '张编辑' }, 400, 'badBody'],
      [{ ...decision, attendees: ['张三', '李四'] }, 400, 'badBody'],
      [{ ...notice('n1', 't', 'b'), kind: 'minutes' }, 400, 'badBody'],
      [notice('n1', 'x'.repeat(201), 'b'), 400, 'badBody'],
      [notice('n1', 't', 'b'.repeat(4001)), 400, 'badBody'],
      [notice('../../x', 't', 'b'), 400, 'badBody'],
      [notice('n1', '   ', 'b'), 400, 'badBody'],
      ['{not json', 400, 'badJson'],
      ['x'.repeat(70_000), 413, 'bodyTooLarge'],
    ];
    for (const [body, status, reason] of cases) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      const answer = await response.json();
      expect(answer.reason).toBe(reason);
      expect(answer.message).toBeTruthy();
    }
    expect((await post(notice('n1', 't', 'b'), 'text/plain')).status).toBe(415);
    expect(await server.store.listPublications(server.workspaceId)).toEqual([]);
  });

  it('PUB-11 what the page would print as impossible is refused: more votes than voters, a majority that is not, more done than in all, tasks past the limit, dates past year 9999', async () => {
    const steps = decision.kind === 'decision' ? decision.steps : [];
    const withStep = (i: number, change: object): PublicItem => ({
      ...decision,
      steps: steps.map((s, j) => (j === i ? { ...s, ...change } : s)),
    });
    const plan = (phases: { done: number; total: number; tasks: number }[]): PublicItem => ({
      kind: 'plan',
      sourceId: 'plan1',
      title: '年度计划',
      done: phases.reduce((n, p) => n + p.done, 0),
      total: phases.reduce((n, p) => n + p.total, 0),
      phases: phases.map((p, i) => ({
        title: `第${i + 1}阶段`,
        done: p.done,
        total: p.total,
        tasks: Array.from({ length: p.tasks }, (_, k) => ({ title: `任务${k}`, status: 'todo' })),
      })),
      omittedTasks: 0,
    });
    const refused: [string, PublicItem, string][] = [
      [
        'more votes than present',
        withStep(3, { tally: { for: 0, against: 999, abstain: 0 } }),
        'steps.3.tally',
      ],
      [
        'more votes than entitled',
        withStep(2, { tally: { for: 20, against: 5, abstain: 0 } }),
        'steps.2.tally',
      ],
      [
        'passed without a majority',
        withStep(3, { tally: { for: 15, against: 15, abstain: 0 } }),
        'steps.3.passed',
      ],
      [
        'passed with no base and more against than for',
        withStep(2, {
          tally: { for: 0, against: 1_000_000, abstain: 0 },
          entitled: null,
          passed: true,
        }),
        'steps.2.passed',
      ],
      [
        'more present than entitled',
        withStep(3, { present: 30, entitled: 24, tally: { for: 20, against: 0, abstain: 0 } }),
        'steps.3.present',
      ],
      ['a date past year 9999', withStep(0, { at: 9e15 }), 'steps.0.at'],
      [
        'phases counting more than the plan',
        { ...plan([{ done: 1, total: 9, tasks: 1 }]), total: 2 } as PublicItem,
        'phases',
      ],
      ['more done than in all', plan([{ done: 5, total: 1, tasks: 1 }]), 'phases.0.done'],
      [
        '201 tasks over two phases',
        plan([
          { done: 0, total: 150, tasks: 150 },
          { done: 0, total: 51, tasks: 51 },
        ]),
        'phases',
      ],
    ];
    for (const [what, item, field] of refused) {
      const response = await call('/items', { token: editor.token, method: 'POST', body: item });
      expect(response.status, what).toBe(400);
      expect(await response.json(), what).toMatchObject({ reason: 'badBody', params: { field } });
    }
    expect(await server.store.listPublications(server.workspaceId)).toEqual([]);
    // The same shapes within bounds are published.
    await publish(withStep(3, { tally: { for: 16, against: 14, abstain: 0 } }));
    await publish(
      plan([
        { done: 0, total: 150, tasks: 150 },
        { done: 50, total: 50, tasks: 50 },
      ]),
    );
  });

  it('PUB-11 the live items together stay under 2 MiB; replacing one that is live is weighed without its old version', async () => {
    // Items of about 60 KB each (the body limit is 64 KiB): the 35th would pass 2 MiB.
    const big = (i: number) => wholeYearPlan(i, (k) => `${k}`.padEnd(98, '村'));
    const size = Buffer.byteLength(JSON.stringify(big(10)));
    expect(size).toBeGreaterThan(59_000);
    let published = 0;
    let refusal: Response | null = null;
    for (let i = 10; i < 60 && !refusal; i++) {
      const response = await call('/items', { token: editor.token, method: 'POST', body: big(i) });
      if (response.status === 201) published++;
      else refusal = response;
    }
    expect(refusal?.status).toBe(409);
    expect(await refusal?.json()).toMatchObject({ reason: 'boardTooLarge', params: { limit: 2 } });
    expect((published + 1) * size).toBeGreaterThan(2 * 1024 * 1024);
    expect(published * size).toBeLessThanOrEqual(2 * 1024 * 1024);
    // Published again (a task done), an item that is live replaces itself.
    await publish(wholeYearPlan(10, (k) => `${k}`.padEnd(98, '村'), 1));
  });

  it('PUB-9 a member publishes a burst of 60, then one a minute; another member is not held up', async () => {
    for (let i = 0; i < 60; i++) await publish(notice('n1', '通知', `第 ${i} 版`));
    const refused = await call('/items', {
      token: editor.token,
      method: 'POST',
      body: notice('n1', '通知', '第 61 版'),
    });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { reason: string }).reason).toBe('publishTooOften');
    await publish(notice('n1', '通知', '管理员的版本'), server.adminToken);
  });

  it('PUB-2 PUB-5 republishing replaces the item and keeps the earlier version; the history names who and when, for members only', async () => {
    await publish(decision);
    const updated = await publish({ ...decision, result: '道路已于6月完工并通过验收。' });
    expect(updated.item.version).toBe(2);
    const live = await (await call('', { token: viewer.token })).json();
    expect(live.items).toHaveLength(1);
    expect(live.items[0].item.result).toBe('道路已于6月完工并通过验收。');
    expect(live.url).toBe(`${server.url}/p/${updated.publicId}`);

    expect(
      (await call(`/items/${updated.item.itemId}`, { token: server.adminToken, method: 'DELETE' }))
        .status,
    ).toBe(200);
    expect((await call('/history')).status).toBe(401);
    const other = await server.auth.createWorkspace('别的村');
    expect((await call('/history', { token: other.adminToken })).status).toBe(403);
    const history = await call('/history', { token: viewer.token });
    expect(history.status).toBe(200);
    const { publications } = await history.json();
    expect(
      publications.map((p: Record<string, unknown>) => [
        p.version,
        (p.publishedBy as { displayName: string }).displayName,
        (p.withdrawnBy as { displayName: string } | null)?.displayName ?? null,
        p.isLive,
      ]),
    ).toEqual([
      [2, '张编辑', '管理员', false],
      [1, '张编辑', null, false],
    ]);
    expect((await (await call('', { token: viewer.token })).json()).items).toEqual([]);
  });
});

describe('the public page (PUB-3, PUB-4, PUB-7)', () => {
  it('PUB-3 shows the village and its live items newest first, with no names, ids or anything unpublished', async () => {
    await secretPlan('内部计划草稿-机密');
    await publish(decision);
    const { publicId, item: withdrawn } = await publish(
      notice('n-old', '已撤下的通知', '这条不该再出现'),
    );
    await publish(notice('n-new', '停水通知', '3月12日上午停水，请提前储水。'));
    await call(`/items/${withdrawn.itemId}`, { token: editor.token, method: 'DELETE' });

    const page = await fetch(`${server.url}/p/${publicId}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<html lang="zh-CN" dir="ltr">');
    expect(html).toContain('测试村');
    const at = (s: string) => html.indexOf(s);
    expect(at('停水通知')).toBeGreaterThan(0);
    expect(at('村道硬化工程')).toBeGreaterThan(at('停水通知'));
    expect(html).toContain('同意实施村道硬化');
    expect(html).toContain('有表决权的到会 30 人：赞成 27，反对 2，弃权 1');
    expect(html).toContain('有表决权的应到 24 人：赞成 19，反对 1，弃权 0');
    expect(html).toContain('2025-03-10');
    expect(html).not.toContain('<script');
    for (const secret of [
      '已撤下的通知',
      '这条不该再出现',
      '内部计划草稿',
      '张编辑',
      '乡镇审阅',
      '管理员',
      editor.id,
      viewer.id,
      server.workspaceId,
      'case1',
      'n-new',
    ]) {
      expect(html, secret).not.toContain(secret);
    }
    expect(Buffer.byteLength(html)).toBeLessThan(20_000);

    const json = await (await fetch(`${server.url}/p/${publicId}.json`)).json();
    expect(json.workspace).toBe('测试村');
    expect(json.items.map((i: { title: string }) => i.title)).toEqual(['停水通知', '村道硬化工程']);
    const text = JSON.stringify(json);
    for (const secret of [
      '已撤下的通知',
      '张编辑',
      editor.id,
      server.workspaceId,
      'case1',
      'n-new',
    ])
      expect(text, secret).not.toContain(secret);
  });

  it('PUB-3 nothing else is reachable under /p/, whatever the URL: a bare 404 that says nothing', async () => {
    await secretPlan('内部计划草稿-机密');
    const { publicId } = await publish(notice('n1', '停水通知', '明天上午停水。'));
    const other = await server.auth.createWorkspace('别的村');
    const ws = server.workspaceId;
    const paths = [
      '/p',
      '/p/',
      `/p/${ws}`,
      `/p/${ws}.json`,
      `/p/${other.workspace.id}`,
      `/p/${editor.id}`,
      `/p/${server.adminToken}`,
      '/p/plan1',
      `/p/${INDEX_DOC_ID}`,
      `/p/${publicId}/`,
      `/p/${publicId}/items`,
      `/p/${publicId}/history`,
      `/p/${publicId}.json/x`,
      `/p/${publicId}.html`,
      `/p/${publicId}%00`,
      `/p/${publicId.slice(0, -1)}`,
      `/p/${publicId}/../../api/workspaces/${ws}/members`,
      `/p/..%2F..%2Fapi%2Fworkspaces%2F${ws}%2Fpublic%2Fhistory`,
      `/p/%2e%2e/api/workspaces/${ws}/public/history`,
      `/p/../api/workspaces/${ws}/public/history`,
      `/p/${publicId}/..%2f..%2fapi/workspaces/${ws}/members`,
      `/p/${'a'.repeat(22)}`,
    ];
    for (const path of paths) {
      const answer = await rawGet(path);
      // A path that leaves /p/ after resolving `..` is not the board's: it is the API's, and the
      // API wants a member token.
      expect([404, 401], path).toContain(answer.status);
      if (answer.status === 404) expect(answer.body, path).toBe('404');
      for (const secret of ['停水通知', '内部计划草稿', '张编辑', '乡镇审阅', '测试村'])
        expect(answer.body, `${path} ${secret}`).not.toContain(secret);
    }
    // The board's own API without a token is refused.
    for (const path of ['', '/history'])
      expect((await rawGet(`/api/workspaces/${ws}/public${path}`)).status).toBe(401);
    // Only GET and HEAD.
    const post = await fetch(`${server.url}/p/${publicId}`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect((await fetch(`${server.url}/p/${publicId}`, { method: 'HEAD' })).status).toBe(200);
  });

  it('PUB-4 only an admin rotates the link; the old id is gone at once, the new one shows the same items', async () => {
    const { publicId } = await publish(notice('n1', '停水通知', '明天上午停水。'));
    expect((await call('/link', { token: editor.token, method: 'POST', body: {} })).status).toBe(
      403,
    );
    const rotated = await call('/link', { token: server.adminToken, method: 'POST', body: {} });
    expect(rotated.status).toBe(200);
    const { publicId: next, url } = await rotated.json();
    expect(next).not.toBe(publicId);
    expect(next).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(url).toBe(`${server.url}/p/${next}`);
    const old = await rawGet(`/p/${publicId}`);
    expect(old.status).toBe(404);
    expect(old.body).toBe('404');
    expect((await rawGet(`/p/${publicId}.json`)).status).toBe(404);
    expect((await rawGet(`/p/${next}`)).body).toContain('停水通知');
    // Publishing again keeps the rotated link.
    expect((await publish(notice('n2', '开会通知', '周五开会。'))).publicId).toBe(next);
  });

  it('PUB-4 an admin can make the link before anything is published: an empty board', async () => {
    const made = await call('/link', { token: server.adminToken, method: 'POST', body: {} });
    const { publicId } = await made.json();
    const page = await rawGet(`/p/${publicId}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('目前没有公开的事项。');
  });

  it('PUB-12 deleting a plan takes its progress off the board, withdrawn in the deleting admin’s name', async () => {
    await secretPlan('年度计划');
    const planItem: PublicItem = {
      kind: 'plan',
      sourceId: 'plan1',
      title: '年度计划公开',
      done: 1,
      total: 2,
      phases: [],
      omittedTasks: 2,
    };
    const { publicId } = await publish(planItem);
    await publish(notice('n1', '停水通知', '明天上午停水。'));
    expect((await rawGet(`/p/${publicId}`)).body).toContain('年度计划公开');
    const deleted = await fetch(`${server.url}/api/workspaces/${server.workspaceId}/docs/plan1`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(deleted.status).toBe(200);
    const page = (await rawGet(`/p/${publicId}`)).body;
    expect(page).not.toContain('年度计划公开');
    expect(page).toContain('停水通知');
    const { publications } = (await (await call('/history', { token: editor.token })).json()) as {
      publications: { title: string; withdrawnBy: { displayName: string } | null }[];
    };
    expect(publications.map((p) => [p.title, p.withdrawnBy?.displayName ?? null]).sort()).toEqual([
      ['停水通知', null],
      ['年度计划公开', '管理员'],
    ]);
  });

  it('PUB-10 a page is rendered once per change of the board, however many read it; a change shows at once', async () => {
    const { publicId } = await publish(decision);
    const reads = vi.spyOn(server.store, 'listLiveItems');
    const paths = ['?locale=zh-CN', '?locale=ug', '?locale=en', '.json'].map(
      (tail) => `/p/${publicId}${tail}`,
    );
    const pages = await Promise.all(
      Array.from({ length: 24 }, (_, i) => rawGet(paths[i % paths.length]!)),
    );
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.body).toContain('村道硬化工程');
    }
    // One rendering for each language and the JSON, whatever the number of readers.
    expect(reads).toHaveBeenCalledTimes(4);
    const etag = pages[0]!.headers.etag as string;
    expect((await rawGet(paths[0]!, { 'if-none-match': etag })).status).toBe(304);
    expect(reads).toHaveBeenCalledTimes(4);
    // Published or withdrawn: the next request shows it.
    await publish(notice('n1', '停水通知', '明天上午停水。\u0000\u001b[31m'));
    const after = await rawGet(paths[0]!, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.body).toContain('停水通知');
    // Control characters have no place in the page.
    expect(after.body).toContain('明天上午停水。[31m');
    expect(after.body.includes('\u0000') || after.body.includes('\u001b')).toBe(false);
    const [item] = (await (await call('', { token: editor.token })).json()).items;
    await call(`/items/${item.itemId}`, { token: editor.token, method: 'DELETE' });
    const before = reads.mock.calls.length;
    expect((await rawGet(paths[0]!)).body).not.toContain('停水通知');
    expect((await rawGet(paths[0]!)).body).not.toContain('停水通知');
    expect(reads.mock.calls.length - before).toBe(1);
  });

  it('PUB-10 PUB-11 a board filled past the limit earlier shows its newest 2 MiB; one address is sent 32 pages at once, others are served', async () => {
    // A board put straight into the store, as it could be before the limit: 60 plans whose task
    // titles are all "&" (five bytes each on the page), about 12 MB of page.
    const ampersands = () => '&'.repeat(190);
    const { publicId: first } = await server.store.setPublicId(
      server.workspaceId,
      'pubboardfilledbeforethelimit',
      1,
      { replace: false },
    );
    for (let i = 0; i < 60; i++) {
      const item = wholeYearPlan(i, ampersands);
      await server.store.publishItem({
        workspaceId: server.workspaceId,
        itemId: `plan-plan${i}`,
        kind: 'plan',
        title: item.title,
        content: JSON.stringify(item),
        publishedBy: editor.id,
        publishedAt: 1_000 + i,
      });
    }
    const page = await rawGet(`/p/${first}`);
    expect(page.status).toBe(200);
    const shown = page.body.match(/<article>/g)?.length ?? 0;
    expect(shown).toBeGreaterThan(30);
    expect(shown).toBeLessThan(60);
    expect(page.body).toContain('计划59');
    expect(page.body).not.toContain('计划0<');
    // Such a board still brings an item up to date (a task done: no larger), takes no new one.
    const again = wholeYearPlan(59, ampersands, 1);
    await publish(again);
    const more = await call('/items', {
      token: editor.token,
      method: 'POST',
      body: { ...again, sourceId: 'plan60' },
    });
    expect(more.status).toBe(409);
    expect(((await more.json()) as { reason: string }).reason).toBe('boardTooLarge');

    /** A GET from `from` whose answer is never read: it holds its page until closed. */
    const unread = (path: string, from: string) =>
      new Promise<{ socket: Socket; status: Promise<number> }>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: server.port, localAddress: from }, () => {
          socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
          cleanups.push(() => socket.destroy());
          const status = new Promise<number>((done) =>
            socket.once('data', (d: Buffer) => {
              done(Number(d.toString('latin1').split(' ')[1]));
              socket.pause();
            }),
          );
          resolve({ socket, status });
        });
      });
    const held = [];
    for (let i = 0; i < 32; i++) {
      const answer = await unread(`/p/${first}`, '127.0.0.2');
      expect(await answer.status).toBe(200);
      held.push(answer.socket);
    }
    expect(await (await unread(`/p/${first}`, '127.0.0.2')).status).toBe(429);
    expect(await (await unread(`/p/${first}`, '127.0.0.3')).status).toBe(200);
    for (const socket of held) socket.destroy();
    await eventually(async () =>
      expect(await (await unread(`/p/${first}`, '127.0.0.2')).status).toBe(200),
    );
  });

  it('PUB-7 the page speaks the asked language (Uyghur right to left), is cached briefly and revalidates with an ETag', async () => {
    const { publicId } = await publish(decision);
    const ug = await rawGet(`/p/${publicId}?locale=ug`);
    expect(ug.body).toContain('<html lang="ug" dir="rtl">');
    expect(ug.body).toContain('كەنت ئىشلىرى ئاشكارىلاش تاختىسى');
    const en = await rawGet(`/p/${publicId}`, { 'accept-language': 'en-GB,en;q=0.9' });
    expect(en.body).toContain('<html lang="en" dir="ltr">');
    expect(en.body).toContain('30 voters present: for 27, against 2, abstaining 1');
    const zh = await rawGet(`/p/${publicId}?locale=../../etc`);
    expect(zh.body).toContain('<html lang="zh-CN" dir="ltr">');

    expect(ug.headers['cache-control']).toBe('public, max-age=30');
    expect(ug.headers['content-security-policy']).toContain("default-src 'none'");
    const etag = ug.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await rawGet(`/p/${publicId}?locale=ug`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    // A withdrawal changes the ETag, so a revalidating reload gets the new page.
    const [item] = (await (await call('', { token: editor.token })).json()).items;
    await call(`/items/${item.itemId}`, { token: editor.token, method: 'DELETE' });
    const after = await rawGet(`/p/${publicId}?locale=ug`, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.body).not.toContain('村道硬化工程');
  });
});

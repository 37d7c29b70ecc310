import { connect } from 'node:net';
import { type ErrorReason, translate } from '@grassroots/shared';
import * as encoding from 'lib0/encoding';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { rawClient, stockClient, upgradeStatus } from '../../support/clients.ts';
import { eventually, startTestServer, type TestServer } from '../../support/server.ts';

let server: TestServer;
const cleanups: (() => void)[] = [];
let bystander: ReturnType<typeof stockClient>;
const room = () => `${server.workspaceId}/minutes1`;

beforeEach(async () => {
  server = await startTestServer({ maxMessageBytes: 64 * 1024 });
  bystander = stockClient(server.wsUrl, room(), server.adminToken);
  cleanups.push(bystander.destroy);
  await bystander.synced;
  bystander.doc.getText('body').insert(0, '会议开始');
  await eventually(async () => expect((await server.store.roomStats(room())).rows).toBe(1));
});
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await server.stop();
});

/** After the bad input: the room still relays, the stored doc is intact, the bystander unharmed. */
async function expectRoomUnharmed() {
  const other = stockClient(server.wsUrl, room(), server.adminToken);
  cleanups.push(other.destroy);
  await other.synced;
  expect(other.doc.getText('body').toString()).toBe('会议开始');
  other.doc.getText('body').insert(4, '，');
  await eventually(() => expect(bystander.doc.getText('body').toString()).toBe('会议开始，'));
  expect(bystander.provider.wsconnected).toBe(true);
  const rows = await server.store.loadUpdates(room());
  const stored = new Y.Doc();
  for (const r of rows) Y.applyUpdate(stored, r.update);
  expect(stored.getText('body').toString()).toBe('会议开始，');
}

const bytes = (...values: number[]) => new Uint8Array(values);
const open = async () => rawClient(`${server.wsUrl}/${room()}?token=${server.adminToken}`);

describe('bad input gets a clear error and harms nothing', () => {
  it('an undecodable frame closes that connection with 4400', async () => {
    const raw = await open();
    raw.send(bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    const closed = await raw.closed;
    expect(closed.code).toBe(4400);
    expect(closed.reason).toMatch(/undecodable/);
    await expectRoomUnharmed();
  });

  it('an unknown message type closes with 4400 naming the type', async () => {
    const raw = await open();
    raw.send(bytes(7, 1, 2, 3));
    const closed = await raw.closed;
    expect(closed).toEqual({ code: 4400, reason: 'unknown message type 7' });
    await expectRoomUnharmed();
  });

  it('a message over the size limit closes with 1009', async () => {
    const raw = await open();
    raw.send(new Uint8Array(65 * 1024));
    const closed = await raw.closed;
    expect(closed.code).toBe(1009);
    await expectRoomUnharmed();
  });

  it('an update Yjs rejects is refused with 4400 and never stored', async () => {
    const raw = await open();
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0); // sync
    encoding.writeVarUint(e, 2); // update
    encoding.writeVarUint8Array(e, bytes(5, 200, 200, 200, 7, 9, 255, 1));
    raw.send(encoding.toUint8Array(e));
    const closed = await raw.closed;
    expect(closed.code).toBe(4400);
    expect(closed.reason).toMatch(/update rejected/);
    await expectRoomUnharmed();
  });

  it('text frames are refused with 4400', async () => {
    const raw = await open();
    raw.ws.send('hello');
    expect((await raw.closed).code).toBe(4400);
    await expectRoomUnharmed();
  });

  it('a request whose target is not a URL gets 400 and the relay goes on (one such request ended the process)', async () => {
    const port = new URL(server.url).port;
    /** The first line of the answer to a hand-written request. */
    const statusLine = (target: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () =>
          socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
        );
        let answer = '';
        socket.on('data', (d) => {
          answer += d.toString();
        });
        socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
        socket.on('error', reject);
      });
    for (const target of ['//[', 'http://x:99999/', '/api/x?locale=ug', 'http://[::1']) {
      expect(await statusLine(target)).toMatch(/^HTTP\/1\.1 (400|404)/);
    }
    expect(await statusLine('//[')).toBe('HTTP/1.1 400 Bad Request');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await expectRoomUnharmed();
  });

  it('a malformed room name is refused with 400 before the upgrade', async () => {
    for (const name of [
      'only-one-part',
      'a/b/c',
      'bad%20id/doc',
      `${'x'.repeat(65)}/doc`,
      'ws/%E0%A4%A',
    ]) {
      expect(await upgradeStatus(`${server.wsUrl}/${name}?token=${server.adminToken}`)).toBe(400);
    }
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/elsewhere?token=x`)).toBe(404);
    await expectRoomUnharmed();
  });

  it('I18N-2 bad JSON bodies get 4xx JSON errors: a reason with parameters and words in the asked locale', async () => {
    const post = (body: string, type = 'application/json', language?: string) =>
      fetch(`${server.url}/api/workspaces/${server.workspaceId}/invites`, {
        method: 'POST',
        headers: {
          'content-type': type,
          authorization: `Bearer ${server.adminToken}`,
          ...(language ? { 'accept-language': language } : {}),
        },
        body,
      });
    const cases: [Response, number, ErrorReason, Record<string, unknown>][] = [
      [await post('{"role": '), 400, 'badJson', {}],
      [await post('{"role": "chief"}'), 400, 'badBody', { field: 'role' }],
      [await post('[]'), 400, 'badBody', { field: 'body' }],
      [
        await post('role=editor', 'application/x-www-form-urlencoded'),
        415,
        'unsupportedMediaType',
        {},
      ],
      [
        await post(JSON.stringify({ role: 'editor', pad: 'x'.repeat(70_000) })),
        413,
        'bodyTooLarge',
        { limit: expect.any(Number) },
      ],
    ];
    for (const [res, status, reason, params] of cases) {
      expect(res.status).toBe(status);
      const body = (await res.json()) as {
        reason: string;
        params: Record<string, string | number>;
        message: string;
      };
      expect(body.reason).toBe(reason);
      expect(body.params).toEqual(params);
      // No Accept-Language: Simplified Chinese, the default.
      expect(body.message).toBe(translate('zh-CN', `error.${reason}`, body.params));
      expect(body.message.replace(/[（(]\w+[）)]/, '')).not.toMatch(/[A-Za-z]{4,}/);
    }
    for (const [language, locale] of [
      ['ug-CN,ug;q=0.9,zh;q=0.5', 'ug'],
      ['en-GB,en;q=0.8', 'en'],
      ['fr-FR, zh-TW;q=0.5', 'zh-CN'],
    ] as const) {
      const res = await post('{"role": ', 'application/json', language);
      const body = (await res.json()) as { message: string };
      expect(body.message, language).toBe(translate(locale, 'error.badJson'));
    }
    const unknown = await fetch(`${server.url}/api/nothing-here`);
    expect(unknown.status).toBe(404);
    await expectRoomUnharmed();
  });
});

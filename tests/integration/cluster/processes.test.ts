/**
 * Two `grassroots serve` processes on one PostgreSQL and one Redis (throwaway servers started for
 * the run, tests/support/globalServices.ts): the deployment of a prefecture, with real processes,
 * real sockets, stock clients and clients that count acknowledgements.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Auth, PostgresStore } from '@grassroots/server';
import { CloseCode } from '@grassroots/shared';
import * as prng from 'lib0/prng';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { contentsOf, MARKERS, RawWriter, RoomBook } from '../../chaos/Writer.ts';
import { stockClient } from '../../support/clients.ts';
import { type RelayProcess, startRelay } from '../../support/process.ts';
import { eventually, tempDir } from '../../support/server.ts';
import { startPostgres, startRedis } from '../../support/services.ts';

let databaseUrl: string;
let store: PostgresStore;
let workspaceId: string;
let adminToken: string;
let adminId: string;
let auth: Auth;
const relays: RelayProcess[] = [];
const cleanups: (() => void)[] = [];

async function member(role: 'editor' | 'viewer') {
  const invite = await auth.createInvite(workspaceId, adminId, { role });
  return auth.redeem(invite.token, role);
}

const relayEnv = () => ({
  DATABASE_URL: databaseUrl,
  REDIS_URL: inject('redisUrl'),
});

async function startTwo(): Promise<[RelayProcess, RelayProcess]> {
  const [a, b] = await Promise.all(
    [0, 1].map(() =>
      startRelay({ dataDir: tempDir(), env: relayEnv(), args: ['--stored-check-ms', '500'] }),
    ),
  );
  relays.push(a!, b!);
  return [a!, b!];
}

beforeAll(async () => {
  const admin = new pg.Pool({ connectionString: inject('postgresUrl'), max: 1 });
  const name = `cluster_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(inject('postgresUrl'));
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
  store = await PostgresStore.open({ url: databaseUrl });
  auth = new Auth(store);
  const created = await auth.createWorkspace('测试村');
  workspaceId = created.workspace.id;
  adminToken = created.adminToken;
  adminId = created.admin.id;
});

afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await Promise.all(relays.splice(0).map((r) => r.stop(5000)));
});

afterAll(async () => {
  await store.close();
});

/** The room as the store holds it, read by a fresh doc. */
async function stored(room: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  for (const row of await store.loadUpdates(room)) Y.applyUpdate(doc, row.update);
  return doc;
}

function client(url: string, room: string, token = adminToken) {
  const c = stockClient(`${url.replace('http', 'ws')}/sync`, room, token);
  cleanups.push(() => c.destroy());
  return c;
}

describe('two relay processes on PostgreSQL and Redis', () => {
  it('FAN-5 stock clients on different processes converge, and presence crosses', async () => {
    const [a, b] = await startTwo();
    const room = `${workspaceId}/converge`;
    const one = client(a.url, room);
    const two = client(b.url, room);
    await Promise.all([one.synced, two.synced]);
    one.doc.getText('t').insert(0, '村民代表会议');
    two.doc.getText('t').insert(0, '第一季度');
    one.provider.awareness.setLocalStateField('doing', '买买提');
    await eventually(() => {
      expect(one.doc.getText('t').toString()).toBe(two.doc.getText('t').toString());
      expect(one.doc.getText('t').length).toBe(10);
      expect(two.provider.awareness.getStates().get(one.doc.clientID)).toEqual({
        doing: '买买提',
      });
    });
    await eventually(async () =>
      expect((await stored(room)).getText('t').toString()).toBe(one.doc.getText('t').toString()),
    );
  });

  it('FAN-8 a device joining on one process sees at once who is in the document on the other', async () => {
    const [a, b] = await startTwo();
    const room = `${workspaceId}/already-here`;
    const here = client(b.url, room);
    await here.synced;
    here.provider.awareness.setLocalStateField('doing', '阿依古丽');
    // Process b holds the state before the room is loaded on a: another device on b sees it.
    const seer = client(b.url, room);
    await eventually(() =>
      expect(seer.provider.awareness.getStates().get(here.doc.clientID)).toEqual({
        doing: '阿依古丽',
      }),
    );
    const joining = client(a.url, room);
    await joining.synced;
    // Devices renew their presence every 15 s; well before that, a asked b for it on loading.
    await eventually(
      () =>
        expect(joining.provider.awareness.getStates().get(here.doc.clientID)).toEqual({
          doing: '阿依古丽',
        }),
      5000,
    );
  });

  it("a viewer's writes are refused on both processes", async () => {
    const [a, b] = await startTwo();
    const room = `${workspaceId}/viewer`;
    const viewer = await member('viewer');
    const editor = client(a.url, room);
    await editor.synced;
    editor.doc.getText('t').insert(0, '原文');
    await eventually(async () => expect((await stored(room)).getText('t').toString()).toBe('原文'));
    for (const relay of [a, b]) {
      const v = client(relay.url, room, viewer.token);
      await v.synced;
      v.doc.getText('t').insert(0, '篡改');
    }
    // The editor writes after the viewers tried: once its write is stored, theirs would be too.
    editor.doc.getText('t').insert(2, '。');
    await eventually(async () =>
      expect((await stored(room)).getText('t').toString()).toBe('原文。'),
    );
    expect(editor.doc.getText('t').toString()).toBe('原文。');
  });

  it('BLOB-4 a photo whose chunks go to different processes is whole on both, and each counts it against the quota', async () => {
    const [a, b] = await startTwo();
    const editor = await member('editor');
    const bytes = Uint8Array.from({ length: 2_500_000 }, (_, i) => (i * 31) % 256);
    bytes.set([0xff, 0xd8, 0xff, 0xe0]);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const path = `/api/workspaces/${workspaceId}/blobs/${hash}`;
    const auth = { authorization: `Bearer ${editor.token}` };
    // A proxy sends each request to any process: the chunks alternate.
    const MIB = 1024 * 1024;
    let offset = 0;
    for (let i = 0; offset < bytes.length; i++) {
      const relay = i % 2 === 0 ? a : b;
      const res = await fetch(
        `${relay.url}${path}?offset=${offset}&size=${bytes.length}&type=image%2Fjpeg`,
        {
          method: 'PUT',
          headers: { ...auth, 'content-type': 'application/octet-stream' },
          body: bytes.slice(offset, offset + MIB),
        },
      );
      expect(res.status).toBe(200);
      offset = ((await res.json()) as { offset: number }).offset;
    }
    for (const relay of [a, b]) {
      const res = await fetch(`${relay.url}${path}`, { headers: auth });
      expect(res.status).toBe(200);
      expect(
        createHash('sha256')
          .update(new Uint8Array(await res.arrayBuffer()))
          .digest('hex'),
      ).toBe(hash);
      const usage = await fetch(`${relay.url}/api/workspaces/${workspaceId}/blobs`, {
        headers: auth,
      });
      expect(await usage.json()).toMatchObject({ files: 1, bytes: bytes.length });
    }
  });

  it('FAN-7 a member revoked on one process is closed on the other', async () => {
    const [a, b] = await startTwo();
    const editor = await member('editor');
    const ws = new WebSocket(
      `${b.url.replace('http', 'ws')}/sync/${workspaceId}/revoke?token=${encodeURIComponent(editor.token)}`,
    );
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.once('open', resolve));
    const res = await fetch(`${a.url}/api/workspaces/${workspaceId}/members/${editor.member.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(res.status).toBe(200);
    const timeout = new Promise<string>((r) => setTimeout(() => r('still open'), 5000));
    expect(await Promise.race([closed, timeout])).toBe(CloseCode.unauthorized);
  });

  it('SIGKILL of one process under load: its clients move to the other and every acknowledged write is stored', async () => {
    const [a, b] = await startTwo();
    const room = `${workspaceId}/kill`;
    const book = new RoomBook();
    const gen = prng.create(20_261_201);
    const writers = Array.from({ length: 6 }, (_, i) => {
      const w = new RawWriter(`w${i}`, room, adminToken, book);
      cleanups.push(() => w.destroy());
      w.connect(`${(i % 2 ? b : a).url.replace('http', 'ws')}/sync`);
      return w;
    });
    await Promise.all(writers.map((w) => w.synced()));
    const writeFor = async (ms: number, isEnough = () => false) => {
      const end = Date.now() + ms;
      while (Date.now() < end && !isEnough()) {
        for (const w of writers) w.write(gen);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    // Killed under load: once more than 50 writes are acknowledged (at most 15 s, on a busy
    // machine), while more are on their way.
    await writeFor(800);
    await writeFor(15_000, () => book.acked.size > 50);
    await a.kill();
    const ackedBeforeKill = new Set(book.acked);
    // The killed process's writers reconnect to the survivor and re-send what was not acked.
    for (const [i, w] of writers.entries())
      if (i % 2 === 0) w.connect(`${b.url.replace('http', 'ws')}/sync`);
    await Promise.all(writers.map((w) => w.synced()));
    await writeFor(500);
    await eventually(() => {
      for (const w of writers) expect(w.ledger.unacked).toBe(0);
    }, 20_000);
    expect(ackedBeforeKill.size).toBeGreaterThan(50);
    const doc = await stored(room);
    const markers = doc.getMap(MARKERS);
    const missing = [...book.acked].filter((key) => !markers.has(key));
    expect(missing).toEqual([]);
    expect(book.written.size).toBe(book.acked.size);
    // And every device holds what the store holds.
    await eventually(() => {
      for (const w of writers) expect(w.contents()).toEqual(contentsOf(doc));
    }, 20_000);
  });
});

describe('two relay processes while PostgreSQL or Redis goes away', () => {
  /** Writers with acks, half on each process, writing until stopped. */
  function load(a: RelayProcess, b: RelayProcess, room: string, seed: number) {
    const book = new RoomBook();
    const gen = prng.create(seed);
    const writers = Array.from({ length: 6 }, (_, i) => {
      const w = new RawWriter(`w${i}`, room, adminToken, book);
      cleanups.push(() => w.destroy());
      w.connect(`${(i % 2 ? b : a).url.replace('http', 'ws')}/sync`);
      return w;
    });
    const writeFor = async (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        for (const w of writers) w.write(gen);
        await new Promise((r) => setTimeout(r, 15));
      }
    };
    return { book, writers, writeFor };
  }

  it('FAN-6 Redis stopped for seconds under load and restarted: no room diverges', async () => {
    const redis = await startRedis();
    cleanups.push(() => void redis.stop());
    const env = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url };
    const [a, b] = await Promise.all(
      [0, 1].map(() => startRelay({ dataDir: tempDir(), env, args: ['--stored-check-ms', '500'] })),
    );
    relays.push(a!, b!);
    const room = `${workspaceId}/redis-outage`;
    const { book, writers, writeFor } = load(a!, b!, room, 7);
    await Promise.all(writers.map((w) => w.synced()));
    await writeFor(400);
    await redis.halt();
    await writeFor(2500);
    await redis.restart();
    await writeFor(400);
    await eventually(() => {
      for (const w of writers) expect(w.ledger.unacked).toBe(0);
    }, 20_000);
    const doc = await stored(room);
    expect([...book.acked].filter((k) => !doc.getMap(MARKERS).has(k))).toEqual([]);
    await eventually(async () => {
      const now = contentsOf(await stored(room));
      for (const w of writers) expect(w.contents()).toEqual(now);
    }, 20_000);
  });

  it('FAN-9 presence crosses as soon as Redis is up: started after the processes, and restarted', async () => {
    const redis = await startRedis();
    cleanups.push(() => void redis.stop());
    await redis.halt();
    const env = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url };
    // Both serve without the bus once they have waited for it a while.
    const [a, b] = await Promise.all(
      [0, 1].map(() => startRelay({ dataDir: tempDir(), env, args: ['--stored-check-ms', '500'] })),
    );
    relays.push(a!, b!);
    const room = `${workspaceId}/bus-late`;
    const one = client(a!.url, room);
    const two = client(b!.url, room);
    await Promise.all([one.synced, two.synced]);
    one.provider.awareness.setLocalStateField('doing', '买买提');
    await new Promise((r) => setTimeout(r, 300));
    expect(two.provider.awareness.getStates().get(one.doc.clientID)).toBeUndefined();
    // Devices renew their presence every 15 s; the processes announce it once the bus is up.
    await redis.restart();
    await eventually(
      () =>
        expect(two.provider.awareness.getStates().get(one.doc.clientID)).toEqual({
          doing: '买买提',
        }),
      5000,
    );
    await redis.halt();
    one.provider.awareness.setLocalStateField('doing', '阿依古丽');
    two.provider.awareness.setLocalStateField('doing', '王书记');
    await new Promise((r) => setTimeout(r, 300));
    await redis.restart();
    await eventually(() => {
      expect(two.provider.awareness.getStates().get(one.doc.clientID)).toEqual({
        doing: '阿依古丽',
      });
      expect(one.provider.awareness.getStates().get(two.doc.clientID)).toEqual({
        doing: '王书记',
      });
    }, 5000);
  });

  it('STORE-1 PostgreSQL restarted under load: writes wait and retry, no acknowledged write is lost', async () => {
    const postgres = await startPostgres();
    cleanups.push(() => void postgres.stop());
    const own = await PostgresStore.open({ url: postgres.url });
    const ownAuth = new Auth(own);
    const created = await ownAuth.createWorkspace('重启村');
    await own.close();
    const env = { DATABASE_URL: postgres.url, REDIS_URL: inject('redisUrl') };
    const [a, b] = await Promise.all(
      [0, 1].map(() =>
        startRelay({
          dataDir: tempDir(),
          env,
          args: ['--stored-check-ms', '500', '--store-retry-ms', '100'],
        }),
      ),
    );
    relays.push(a!, b!);
    const room = `${created.workspace.id}/pg-restart`;
    const book = new RoomBook();
    const gen = prng.create(11);
    const writers = Array.from({ length: 4 }, (_, i) => {
      const w = new RawWriter(`p${i}`, room, created.adminToken, book);
      cleanups.push(() => w.destroy());
      w.connect(`${(i % 2 ? b : a)!.url.replace('http', 'ws')}/sync`);
      return w;
    });
    await Promise.all(writers.map((w) => w.synced()));
    const writeFor = async (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        for (const w of writers) w.write(gen);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await writeFor(400);
    await postgres.halt();
    await writeFor(1500);
    await postgres.restart();
    await writeFor(400);
    // Connections the relays closed while the store was away reconnect and re-send.
    for (const [i, w] of writers.entries())
      if (!w.isConnected) w.connect(`${(i % 2 ? b : a)!.url.replace('http', 'ws')}/sync`);
    await eventually(() => {
      for (const [i, w] of writers.entries()) {
        if (!w.isConnected) w.connect(`${(i % 2 ? b : a)!.url.replace('http', 'ws')}/sync`);
        expect(w.ledger.unacked).toBe(0);
      }
    }, 60_000);
    const check = await PostgresStore.open({ url: postgres.url });
    const doc = new Y.Doc();
    for (const row of await check.loadUpdates(room)) Y.applyUpdate(doc, row.update);
    await check.close();
    expect(book.acked.size).toBeGreaterThan(50);
    expect([...book.acked].filter((k) => !doc.getMap(MARKERS).has(k))).toEqual([]);
    expect(book.written.size).toBe(book.acked.size);
  }, 120_000);
});

import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SqliteStore } from '@grassroots/server';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  applySyncMessages,
  rawClient,
  stockClient,
  syncStep1,
  updateMessage,
} from '../../support/clients.ts';
import { faultyStore } from '../../support/faultyStore.ts';
import { eventually, startTestServer, type TestServer, tempDir } from '../../support/server.ts';

let server: TestServer | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await server?.stop();
  server = undefined;
});

async function startFaulty(config = {}) {
  const dataDir = tempDir();
  const { store, faults } = faultyStore(new SqliteStore(join(dataDir, 'grassroots.sqlite')));
  server = await startTestServer({ dataDir, ...config }, { store });
  return { server, faults };
}
const client = (s: TestServer, token: string, docId = 'doc') => {
  const c = stockClient(s.wsUrl, `${s.workspaceId}/${docId}`, token);
  cleanups.push(c.destroy);
  return c;
};

describe('known relay mistakes, each guarded', () => {
  it('never answers a client before the stored state has loaded (no empty doc, no duplicate seed)', async () => {
    const { server: s, faults } = await startFaulty({ unloadAfterMs: 20 });
    // A first device seeds the doc the way apps do: "if it is empty after sync, add the template".
    const seedIfEmpty = (doc: Y.Doc) => {
      const phases = doc.getArray<string>('phases');
      if (phases.length === 0) phases.push(['第一阶段']);
    };
    const first = client(s, s.adminToken);
    await first.synced;
    seedIfEmpty(first.doc);
    await eventually(async () =>
      expect((await s.store.roomStats(`${s.workspaceId}/doc`)).rows).toBe(1),
    );
    first.destroy();
    await eventually(() => expect(s.relay.rooms.size).toBe(0));

    // Loading is now slow; a second device connects and asks at once.
    faults.loadDelayMs = 300;
    const raw = await rawClient(`${s.wsUrl}/${s.workspaceId}/doc?token=${s.adminToken}`);
    raw.send(syncStep1(new Y.Doc()));
    // Sync messages are [0, syncType, …]: the server's answer to our step 1 is a step 2 (type 1).
    const isStep2 = (m: { type: number; bytes: Uint8Array }) => m.type === 0 && m.bytes[1] === 1;
    await eventually(() => expect(raw.messages.some(isStep2)).toBe(true), 5000);
    const seen = new Y.Doc();
    applySyncMessages(seen, raw.messages.slice(0, raw.messages.findIndex(isStep2) + 1));
    // The server's answer already carries the stored content: it waited for the load.
    expect(seen.getArray('phases').toArray()).toEqual(['第一阶段']);
    raw.ws.close();

    const second = client(s, s.adminToken);
    await second.synced;
    seedIfEmpty(second.doc);
    expect(second.doc.getArray('phases').toArray()).toEqual(['第一阶段']);
  });

  it('a room whose load failed is dropped, and the next connection loads it afresh', async () => {
    const { server: s, faults } = await startFaulty();
    const seedDoc = new Y.Doc();
    seedDoc.getText('t').insert(0, 'kept');
    await s.store.appendUpdates([
      {
        room: `${s.workspaceId}/doc`,
        authorId: 'm',
        at: Date.now(),
        update: Y.encodeStateAsUpdate(seedDoc),
      },
    ]);
    faults.failLoads = 1;
    const raw = await rawClient(`${s.wsUrl}/${s.workspaceId}/doc?token=${s.adminToken}`);
    const closed = await raw.closed;
    expect(closed.code).toBe(4500);
    expect(closed.reason).toMatch(/could not load/);
    expect(s.relay.rooms.size).toBe(0);
    const ok = client(s, s.adminToken);
    await ok.synced;
    expect(ok.doc.getText('t').toString()).toBe('kept');
    expect(s.relay.rooms.size).toBe(1);
  });

  it('HTTP-1 a store failure coded ECONNRESET (PostgreSQL reset mid-query) is answered 500 and logged as an error, not as a peer that went away', async () => {
    const lines: string[] = [];
    const { createLogger } = await import('@grassroots/server');
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const dataDir = tempDir();
    const { store, faults } = faultyStore(new SqliteStore(join(dataDir, 'grassroots.sqlite')));
    server = await startTestServer({ dataDir }, { store, log: createLogger('info', sink) });
    const seedDoc = new Y.Doc();
    seedDoc.getText('t').insert(0, '村道硬化');
    await server.store.appendUpdates([
      {
        room: `${server.workspaceId}/doc`,
        authorId: 'm',
        at: Date.now(),
        update: Y.encodeStateAsUpdate(seedDoc),
      },
    ]);
    faults.failLoads = 1;
    faults.loadErrorCode = 'ECONNRESET';
    const res = await fetch(`${server.url}/api/workspaces/${server.workspaceId}/docs/doc/history`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { reason: string }).reason).toBe('internal');
    const levels = lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(levels.some((l) => l.level >= 50 && l.msg === 'request failed')).toBe(true);
    expect(levels.some((l) => l.msg === 'request cut off by the peer')).toBe(false);
  });

  it('a failed store is retried and reported, and the update is relayed only once stored', async () => {
    const { server: s, faults } = await startFaulty({ storeRetryMs: 20 });
    const a = client(s, s.adminToken);
    const b = client(s, s.adminToken);
    await Promise.all([a.synced, b.synced]);
    faults.failAppends = 3;
    a.doc.getText('t').insert(0, '村道硬化');
    await eventually(() => expect(b.doc.getText('t').toString()).toBe('村道硬化'));
    // b could only see it after the fourth attempt committed it.
    expect(faults.appendCalls).toBeGreaterThanOrEqual(4);
    const rows = await s.store.loadUpdates(`${s.workspaceId}/doc`);
    expect(rows).toHaveLength(1);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/grassroots_store_failures_total 3/);
  });

  it('UPD-4 a first sync asked while writes keep arriving holds only what is stored when it is sent', async () => {
    const { server: s, faults } = await startFaulty();
    const room = `${s.workspaceId}/doc`;
    const url = `${s.wsUrl}/${room}?token=${s.adminToken}`;
    const author = await rawClient(url);
    // The relay's step 1 comes once the room has loaded.
    await eventually(() => expect(author.messages.length).toBeGreaterThan(0));
    const device = new Y.Doc();
    device.on('update', (update: Uint8Array) => author.send(updateMessage(update)));
    const marks = device.getMap<number>('marks');

    faults.appendDelayMs = 300;
    marks.set('w1', 1);
    await eventually(() => expect(faults.appendCalls).toBe(1));
    // While w1 is being stored a second device asks for the doc (its answer waits for storage),
    // and w2 arrives: both wait for the next batch.
    const joiner = await rawClient(url);
    const isStep2 = (bytes: Uint8Array) => bytes[0] === 0 && bytes[1] === 1;
    let storedAtStep2: Promise<{ update: Uint8Array }[]> | null = null;
    joiner.ws.on('message', (data: Buffer) => {
      // Read the store the moment the answer arrives (the read itself is synchronous).
      if (storedAtStep2 === null && isStep2(new Uint8Array(data))) {
        storedAtStep2 = s.store.loadUpdates(room);
      }
    });
    joiner.send(syncStep1(new Y.Doc()));
    marks.set('w2', 2);
    await eventually(() => expect(faults.appendCalls).toBe(2));
    // w3 arrives while that batch is being stored: it is in the doc, not yet in storage.
    marks.set('w3', 3);
    await eventually(() => expect(storedAtStep2).not.toBeNull(), 5000);

    const stored = new Y.Doc();
    for (const row of await storedAtStep2!) Y.applyUpdate(stored, row.update);
    const seen = new Y.Doc();
    const upToStep2 = joiner.messages.findIndex((m) => isStep2(m.bytes));
    applySyncMessages(seen, joiner.messages.slice(0, upToStep2 + 1));
    const storedKeys = [...stored.getMap('marks').keys()].sort();
    expect(storedKeys).toContain('w2');
    // Everything the joining device was sent was stored by then: nothing it sees can be lost.
    expect([...seen.getMap('marks').keys()].sort()).toEqual(storedKeys);
    // w3 reaches it once stored, as a relay.
    await eventually(() => {
      const now = new Y.Doc();
      applySyncMessages(now, joiner.messages);
      expect(now.getMap('marks').get('w3')).toBe(3);
    });
    author.ws.close();
    joiner.ws.close();
  });

  it('closing the server (SIGTERM drain) stores what is still pending before it closes storage', async () => {
    const { server: s, faults } = await startFaulty();
    const room = `${s.workspaceId}/doc`;
    const a = client(s, s.adminToken);
    await a.synced;
    faults.appendDelayMs = 300;
    a.doc.getText('t').insert(0, '散会前的最后一句');
    await eventually(() => expect(faults.appendCalls).toBe(1));
    const dataDir = s.dataDir;
    await s.close();
    server = undefined;
    const reopened = new SqliteStore(join(dataDir, 'grassroots.sqlite'));
    const rows = await reopened.loadUpdates(room);
    await reopened.close();
    const doc = new Y.Doc();
    for (const r of rows) Y.applyUpdate(doc, r.update);
    expect(doc.getText('t').toString()).toBe('散会前的最后一句');
  });

  it('a room with no connections whose stores keep failing still unloads (senders keep their updates)', async () => {
    const { server: s, faults } = await startFaulty({ storeRetryMs: 1, unloadAfterMs: 20 });
    const device = new Y.Doc();
    const a = stockClient(s.wsUrl, `${s.workspaceId}/doc`, s.adminToken, { doc: device });
    await a.synced;
    faults.failAppends = 1_000_000;
    device.getText('t').insert(0, 'pending');
    await eventually(() => expect(faults.appendCalls).toBeGreaterThan(1));
    a.provider.destroy();
    await eventually(() => expect(s.relay.rooms.size).toBe(0), 15_000);
    faults.failAppends = 0;
    // The device still has the update and re-sends it on its next connection.
    const again = stockClient(s.wsUrl, `${s.workspaceId}/doc`, s.adminToken, { doc: device });
    cleanups.push(again.destroy);
    await again.synced;
    await eventually(async () =>
      expect((await s.store.roomStats(`${s.workspaceId}/doc`)).rows).toBe(1),
    );
    const fresh = client(s, s.adminToken);
    await fresh.synced;
    expect(fresh.doc.getText('t').toString()).toBe('pending');
  });
});

/**
 * Two relays in one process sharing one store and one in-process bus: the doorbell rules
 * (FAN-5..7 in server/src/relay/SPEC.md) without the cost of real processes. The same rules over
 * PostgreSQL and Redis between real processes: processes.test.ts.
 */
import {
  type Fanout,
  type FanoutMessage,
  LocalFanout,
  parseConfig,
  type RunningServer,
  SqliteStore,
  startServer,
} from '@grassroots/server';
import { CloseCode } from '@grassroots/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { rawClient, stockClient, updateMessage } from '../../support/clients.ts';
import { faultyStore } from '../../support/faultyStore.ts';
import { eventually, startTestServer, type TestServer, tempDir } from '../../support/server.ts';

/** A bus that loses what `drop` says, as Redis pub/sub may. */
class LossyFanout implements Fanout {
  readonly inner = new LocalFanout();
  dropped = 0;
  constructor(private readonly drop: (m: FanoutMessage) => boolean) {}
  join(handler: (message: FanoutMessage) => void) {
    return this.inner.join((m) => {
      if (this.drop(m)) this.dropped++;
      else handler(m);
    });
  }
  close() {
    return this.inner.close();
  }
}

/** A bus on which the second relay to join hears a room only `delayMs` after subscribing. */
class SlowSubscribeFanout implements Fanout {
  readonly inner = new LocalFanout();
  private joined = 0;
  constructor(private readonly delayMs: number) {}
  join(handler: (message: FanoutMessage) => void) {
    const port = this.inner.join(handler);
    if (++this.joined !== 2) return port;
    return {
      ...port,
      subscribe: async (room: string) => {
        await new Promise((r) => setTimeout(r, this.delayMs));
        await port.subscribe(room);
      },
    };
  }
  close() {
    return this.inner.close();
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function twoRelays(
  fanout: Fanout,
  options: { storedCheckMs?: number; slowLoadsOnB?: number } = {},
) {
  const dir = tempDir();
  const store = new SqliteStore(`${dir}/grassroots.sqlite`);
  const config = {
    port: 0,
    host: '127.0.0.1',
    clientDir: '',
    logLevel: 'silent' as const,
    dataDir: dir,
    storedCheckMs: options.storedCheckMs ?? 60_000,
  };
  const a: TestServer = await startTestServer(config, { store, fanout });
  const storeB = options.slowLoadsOnB ? faultyStore(store) : null;
  if (storeB) storeB.faults.loadDelayAfterReadMs = options.slowLoadsOnB!;
  const b: RunningServer = await startServer(parseConfig(config), {
    store: storeB?.store ?? store,
    fanout,
  });
  cleanups.push(async () => {
    await b.close();
    await a.stop();
  });
  const wsB = `ws://127.0.0.1:${b.port}/sync`;
  const client = (url: string, room: string, token = a.adminToken) => {
    const c = stockClient(url, room, token);
    cleanups.push(() => c.destroy());
    return c;
  };
  return { a, b, wsA: a.wsUrl, wsB, client, room: `${a.workspaceId}/doc` };
}

describe('two relays on one store', () => {
  it('UPD-10 structs left waiting on one relay and set off by a row another relay stored are placed within the bound, else the room reloads', async () => {
    const { a, wsA, wsB, client, room } = await twoRelays(new LocalFanout());
    const one = client(wsA, room);
    const two = client(wsB, room);
    await Promise.all([one.synced, two.synced]);
    // A chain of 2,000 maps (each the origin of the next), stored through A.
    const source = new Y.Doc();
    source.clientID = 1000;
    for (let i = 0; i < 2000; i++) source.getArray('a').push([new Y.Map()]);
    const chain = Y.encodeStateAsUpdate(source);
    const rawA = await rawClient(`${wsA}/${room}?token=${a.adminToken}`);
    rawA.send(updateMessage(chain));
    await eventually(() => expect(two.doc.getArray('a').length).toBe(2000));
    // P, by a client that never saw the chain (placed after it), and 200 items put in front of
    // P one by one, each walking the whole chain: 400,000 steps, past a client update's bound.
    const f = new Y.Doc();
    f.clientID = 5000;
    f.getArray('a').push(['P']);
    const p = Y.encodeStateAsUpdate(f);
    f.clientID = 2 ** 31;
    for (let i = 0; i < 200; i++) f.getArray('a').insert(0, [i]);
    const front = Y.encodeStateAsUpdate(f, Y.encodeStateVectorFromUpdate(p));
    // The front items wait on A for P, which arrives through B and is stored there.
    rawA.send(updateMessage(front));
    const rawB = await rawClient(`${wsB}/${room}?token=${a.adminToken}`);
    rawB.send(updateMessage(p));
    // A reloads rather than place them unbounded: every device ends with what is stored.
    await eventually(async () => {
      const stored = await a.store.loadUpdates(room);
      const doc = new Y.Doc();
      for (const row of stored) Y.applyUpdate(doc, row.update);
      expect(doc.getArray('a').length).toBe(2001);
      expect(one.doc.getArray('a').length).toBe(2001);
      expect(two.doc.getArray('a').length).toBe(2001);
    });
    rawA.ws.close();
    rawB.ws.close();
  });

  it('FAN-5 clients on different relays converge: the other relay reads the rows the doorbell names', async () => {
    const { wsA, wsB, client, room, b } = await twoRelays(new LocalFanout());
    const one = client(wsA, room);
    const two = client(wsB, room);
    await Promise.all([one.synced, two.synced]);
    one.doc.getText('t').insert(0, '村委会');
    two.doc.getText('t').insert(0, '工作队');
    await eventually(() => {
      expect(one.doc.getText('t').toString()).toBe(two.doc.getText('t').toString());
      expect(one.doc.getText('t').length).toBe(6);
    });
    expect(b.relay.rooms.get(room)?.storedSeq).toBeGreaterThanOrEqual(2);
  });

  it('FAN-6 a lost doorbell only delays: the periodic check of the store catches the room up', async () => {
    const fanout = new LossyFanout((m) => m.kind === 'stored');
    const { wsA, wsB, client, room } = await twoRelays(fanout, { storedCheckMs: 150 });
    const one = client(wsA, room);
    const two = client(wsB, room);
    await Promise.all([one.synced, two.synced]);
    one.doc.getText('t').insert(0, '门口的路灯坏了');
    await eventually(() => expect(two.doc.getText('t').toString()).toBe('门口的路灯坏了'));
    expect(fanout.dropped).toBeGreaterThan(0);
  });

  it('FAN-5 a doorbell heard while the room is still loading is kept and acted on once loaded', async () => {
    const fanout = new LocalFanout();
    const { wsA, wsB, client, room, b } = await twoRelays(fanout, { slowLoadsOnB: 400 });
    const one = client(wsA, room);
    await one.synced;
    // B reads the rows, then takes a while; meanwhile A stores a row and rings.
    const two = client(wsB, room);
    await eventually(() => expect(b.relay.rooms.has(room)).toBe(true));
    one.doc.getText('t').insert(0, '加载中写入');
    await two.synced;
    await eventually(() => expect(two.doc.getText('t').toString()).toBe('加载中写入'));
  });

  it('FAN-5 presence crosses relays, and leaves with its client', async () => {
    const { wsA, wsB, client, room } = await twoRelays(new LocalFanout());
    const one = client(wsA, room);
    const two = client(wsB, room);
    await Promise.all([one.synced, two.synced]);
    one.provider.awareness.setLocalStateField('doing', '阿依古丽');
    await eventually(() =>
      expect(two.provider.awareness.getStates().get(one.doc.clientID)).toEqual({
        doing: '阿依古丽',
      }),
    );
    one.provider.disconnect();
    await eventually(() =>
      expect(two.provider.awareness.getStates().has(one.doc.clientID)).toBe(false),
    );
  });

  it('FAN-8 presence reaches a relay that joined the room while the other was still subscribing', async () => {
    // b hears the room 1.5 s after it loads it; a loads it in between. a's query finds nobody
    // listening on b, and what b published of its device before a held the room went nowhere:
    // b tells its presence once it hears the room.
    const { wsA, wsB, client, room } = await twoRelays(new SlowSubscribeFanout(1500));
    const here = client(wsB, room);
    await here.synced;
    here.provider.awareness.setLocalStateField('doing', '阿依古丽');
    const joining = client(wsA, room);
    await joining.synced;
    await eventually(
      () =>
        expect(joining.provider.awareness.getStates().get(here.doc.clientID)).toEqual({
          doing: '阿依古丽',
        }),
      4000,
    );
  });

  it('FAN-7 a member revoked through one relay is closed on the other', async () => {
    const { a, wsB, room } = await twoRelays(new LocalFanout());
    const editor = await a.member('editor');
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(`${wsB}/${room}?token=${encodeURIComponent(editor.token)}`);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.once('open', resolve));
    const res = await fetch(`${a.url}/api/workspaces/${a.workspaceId}/members/${editor.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${a.adminToken}` },
    });
    expect(res.status).toBe(200);
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 5000));
    expect(await Promise.race([closed, timeout])).toBe(CloseCode.unauthorized);
  });

  it('rows stored by both relays while one lags are all served by each, in any order', async () => {
    const fanout = new LossyFanout(() => false);
    const { wsA, wsB, client, room } = await twoRelays(fanout, { storedCheckMs: 100 });
    const writers = [client(wsA, room), client(wsB, room), client(wsA, room), client(wsB, room)];
    await Promise.all(writers.map((w) => w.synced));
    for (let round = 0; round < 25; round++) {
      for (const [i, w] of writers.entries()) w.doc.getText('t').insert(0, `${i}.${round};`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await eventually(() => {
      const texts = writers.map((w) => w.doc.getText('t').toString());
      expect(new Set(texts).size).toBe(1);
      expect(texts[0]!.split(';').length - 1).toBe(100);
    }, 20_000);
    // A fresh client on either relay gets the same state.
    for (const url of [wsA, wsB]) {
      const late = client(url, room);
      await late.synced;
      await eventually(() =>
        expect(late.doc.getText('t').toString()).toBe(writers[0]!.doc.getText('t').toString()),
      );
    }
    expect(Y.encodeStateVector(writers[0]!.doc)).toEqual(Y.encodeStateVector(writers[1]!.doc));
  });
});

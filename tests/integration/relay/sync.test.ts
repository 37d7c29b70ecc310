import * as decoding from 'lib0/decoding';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Awareness, applyAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { rawClient, stockClient, syncStep1, updateMessage } from '../../support/clients.ts';
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
const client = (token: string, docId = 'plan1') => {
  const c = stockClient(server.wsUrl, `${server.workspaceId}/${docId}`, token);
  cleanups.push(c.destroy);
  return c;
};

describe('relay speaks the standard y-websocket protocol', () => {
  it('two stock WebsocketProvider clients sync text both ways', async () => {
    const editor = await server.member('editor', '李书记');
    const a = client(server.adminToken);
    const b = client(editor.token);
    await Promise.all([a.synced, b.synced]);
    a.doc.getText('title').insert(0, '第一季度');
    b.doc.getText('notes').insert(0, '修路');
    await eventually(() => {
      expect(b.doc.getText('title').toString()).toBe('第一季度');
      expect(a.doc.getText('notes').toString()).toBe('修路');
    });
  });

  it('AW-5 a presence query is answered with every state as it is now, after each change too', async () => {
    const a = client(server.adminToken);
    await a.synced;
    const raw = await rawClient(
      `${server.wsUrl}/${server.workspaceId}/plan1?token=${server.adminToken}`,
    );
    cleanups.push(() => raw.ws.close());
    /** What the states in the latest presence message the raw connection received are doing. */
    const latestDoing = () => {
      const last = raw.messages.filter((m) => m.type === 1).at(-1);
      if (!last) return [];
      const decoder = decoding.createDecoder(last.bytes);
      decoding.readVarUint(decoder);
      const update = decoding.readVarUint8Array(decoder);
      const seen = new Awareness(new Y.Doc());
      applyAwarenessUpdate(seen, update, 'test');
      return Array.from(seen.getStates().values()).map((s) => s.doing);
    };
    const query = () => {
      raw.messages.splice(0);
      raw.send(Uint8Array.of(3));
    };
    a.provider.awareness.setLocalStateField('doing', '记录');
    await eventually(async () => {
      query();
      await new Promise((r) => setTimeout(r, 50));
      expect(latestDoing()).toContain('记录');
    });
    // Asked again and again: the same answer each time, and a change shows in the next one.
    for (let i = 0; i < 20; i++) raw.send(Uint8Array.of(3));
    a.provider.awareness.setLocalStateField('doing', '审阅');
    await eventually(async () => {
      query();
      await new Promise((r) => setTimeout(r, 50));
      expect(latestDoing()).toContain('审阅');
      expect(latestDoing()).not.toContain('记录');
    });
  });

  it('shares awareness between stock clients and removes it when one leaves', async () => {
    const a = client(server.adminToken);
    const b = client(server.adminToken);
    await Promise.all([a.synced, b.synced]);
    a.provider.awareness.setLocalStateField('user', { name: '王主任', color: '#c00' });
    await eventually(() => {
      const states = Array.from(b.provider.awareness.getStates().values());
      // AW-6: named as the member the relay knows (the admin), not as the device claims.
      expect(states.some((s) => s.user?.name === '管理员')).toBe(true);
    });
    a.provider.disconnect();
    await eventually(() => {
      const states = Array.from(b.provider.awareness.getStates().values());
      expect(states.some((s) => s.user?.name === '管理员')).toBe(false);
    });
  });

  it('a late joiner receives the stored state from a fresh load after the room unloaded', async () => {
    await server.stop();
    server = await startTestServer({ unloadAfterMs: 50 });
    const a = client(server.adminToken);
    await a.synced;
    a.doc.getText('t').insert(0, 'hello');
    await eventually(async () =>
      expect((await server.store.roomStats(`${server.workspaceId}/plan1`)).rows).toBe(1),
    );
    a.destroy();
    await eventually(() => expect(server.relay.rooms.size).toBe(0));
    const b = client(server.adminToken);
    await b.synced;
    expect(b.doc.getText('t').toString()).toBe('hello');
  });
});

describe('compaction', () => {
  it('an unloaded room with many rows is compacted into one row per burst, content and authors intact', async () => {
    await server.stop();
    let clock = Date.now();
    server = await startTestServer(
      { unloadAfterMs: 20, compactAfterRows: 5, burstGapMs: 60_000 },
      { now: () => clock },
    );
    const room = `${server.workspaceId}/plan1`;
    const editor = await server.member('editor', '村会计');
    const a = client(server.adminToken);
    await a.synced;
    for (let i = 0; i < 10; i++) {
      a.doc.getText('t').insert(i, String(i));
      await eventually(async () => expect((await server.store.roomStats(room)).rows).toBe(i + 1));
    }
    a.destroy();
    const b = client(editor.token);
    await b.synced;
    b.doc.getText('t').insert(10, '!');
    await eventually(async () => expect((await server.store.roomStats(room)).rows).toBe(11));
    // Two minutes later the bursts are over, so the unload compacts them.
    clock += 120_000;
    b.destroy();
    await eventually(() => expect(server.relay.rooms.size).toBe(0));
    const rows = await eventually(async () => {
      const r = await server.store.loadUpdates(room);
      expect(r).toHaveLength(2);
      return r;
    });
    expect(rows.map((r) => [r.authorId, r.count])).toEqual([
      [(await server.auth.authenticate(server.adminToken, server.workspaceId)).id, 10],
      [editor.id, 1],
    ]);
    const c = client(server.adminToken);
    await c.synced;
    expect(c.doc.getText('t').toString()).toBe('0123456789!');
  });
});

describe('commit acknowledgement (opt-in message type 100)', () => {
  const readAck = (bytes: Uint8Array) => {
    const d = decoding.createDecoder(bytes);
    decoding.readVarUint(d);
    return Y.decodeStateVector(decoding.readVarUint8Array(d));
  };
  const readSettled = (bytes: Uint8Array) => {
    const d = decoding.createDecoder(bytes);
    decoding.readVarUint(d);
    decoding.readVarUint8Array(d);
    return decoding.readVarUint(d);
  };

  it('a connection with ack=1 gets the stored state vector after its update is committed', async () => {
    const raw = await rawClient(
      `${server.wsUrl}/${server.workspaceId}/d1?token=${server.adminToken}&ack=1`,
    );
    const doc = new Y.Doc();
    raw.send(syncStep1(doc));
    doc.getText('t').insert(0, 'abc');
    raw.send(updateMessage(Y.encodeStateAsUpdate(doc)));
    await eventually(() => {
      const acks = raw.messages.filter((m) => m.type === 100).map((m) => readAck(m.bytes));
      expect(acks.some((sv) => sv.get(doc.clientID) === 3)).toBe(true);
    });
    const stored = await server.store.loadUpdates(`${server.workspaceId}/d1`);
    expect(stored).toHaveLength(1);
    raw.ws.close();
  });

  it('acks count settled writes, so a change that only deletes is confirmed too', async () => {
    const raw = await rawClient(
      `${server.wsUrl}/${server.workspaceId}/d2?token=${server.adminToken}&ack=1`,
    );
    const doc = new Y.Doc();
    raw.send(syncStep1(doc));
    const settledAcks = () =>
      raw.messages.filter((m) => m.type === 100).map((m) => readSettled(m.bytes));
    doc.getText('t').insert(0, 'abcdef');
    raw.send(updateMessage(Y.encodeStateAsUpdate(doc)));
    await eventually(() => expect(settledAcks()).toContain(1));
    const before = Y.encodeStateVector(doc);
    doc.getText('t').delete(0, 3);
    const deletion = Y.encodeStateAsUpdate(doc, before);
    expect(Y.encodeStateVector(doc)).toEqual(before);
    raw.send(updateMessage(deletion));
    await eventually(() => expect(settledAcks()).toContain(2));
    // A write that changes nothing (the same deletion again) is settled as well.
    raw.send(updateMessage(deletion));
    await eventually(() => expect(settledAcks()).toContain(3));
    const rows = await server.store.loadUpdates(`${server.workspaceId}/d2`);
    expect(rows).toHaveLength(2);
    raw.ws.close();
  });

  it('a stock client (no ack=1) never receives message type 100', async () => {
    const raw = await rawClient(
      `${server.wsUrl}/${server.workspaceId}/d1?token=${server.adminToken}`,
    );
    const doc = new Y.Doc();
    raw.send(syncStep1(doc));
    doc.getText('t').insert(0, 'abc');
    raw.send(updateMessage(Y.encodeStateAsUpdate(doc)));
    await eventually(async () =>
      expect((await server.store.loadUpdates(`${server.workspaceId}/d1`)).length).toBe(1),
    );
    // A second client writes too, so acks would have been due to everyone who asked.
    const other = client(server.adminToken, 'd1');
    await other.synced;
    other.doc.getText('t').insert(0, 'x');
    await eventually(() =>
      expect(raw.messages.filter((m) => m.type === 0).length).toBeGreaterThanOrEqual(3),
    );
    expect(raw.messages.map((m) => m.type)).not.toContain(100);
    raw.ws.close();
  });
});

describe('viewers read but never write', () => {
  it('a viewer receives updates and awareness, and its own edits are neither stored nor relayed', async () => {
    const viewer = await server.member('viewer', '乡镇审核');
    const editor = client(server.adminToken);
    const reader = client(viewer.token);
    await Promise.all([editor.synced, reader.synced]);
    editor.doc.getText('t').insert(0, '会议纪要');
    editor.provider.awareness.setLocalStateField('user', { name: '记录人' });
    await eventually(() => {
      expect(reader.doc.getText('t').toString()).toBe('会议纪要');
      const names = Array.from(reader.provider.awareness.getStates().values()).map(
        (s) => s.user?.name,
      );
      expect(names).toContain('管理员');
    });
    const room = `${server.workspaceId}/plan1`;
    const rowsBefore = (await server.store.roomStats(room)).rows;

    const raw = await rawClient(`${server.wsUrl}/${room}?token=${viewer.token}`);
    const forged = new Y.Doc();
    forged.getText('t').insert(0, '篡改');
    raw.send(updateMessage(Y.encodeStateAsUpdate(forged)));
    await eventually(() => expect(raw.messages.some((m) => m.type === 2)).toBe(true));
    reader.doc.getText('t').insert(0, 'X');

    // Give the relay every chance to misbehave: a later editor write arrives after both refusals.
    editor.doc.getText('t').insert(4, '。');
    await eventually(() => expect(reader.doc.getText('t').toString()).toContain('。'));
    expect(editor.doc.getText('t').toString()).toBe('会议纪要。');
    expect((await server.store.roomStats(room)).rows).toBe(rowsBefore + 1);
    raw.ws.close();
  });
});

import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  rawClient,
  stockClient,
  syncStep1,
  updateMessage,
  upgradeStatus,
} from '../../support/clients.ts';
import { eventually, startTestServer, type TestServer } from '../../support/server.ts';

let server: TestServer | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await server?.stop();
  server = undefined;
});

/** An item of client 2 whose left origin is itself: Yjs decodes it, but applying it throws. */
function selfReferencingUpdate(): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  encoding.writeVarUint(encoder.restEncoder, 1); // one client
  encoding.writeVarUint(encoder.restEncoder, 1); // one struct
  encoder.writeClient(2);
  encoding.writeVarUint(encoder.restEncoder, 0); // first clock
  const item = new Y.Item(
    Y.createID(2, 0),
    null,
    Y.createID(2, 0),
    null,
    null,
    null,
    null,
    new Y.ContentString('x'),
  );
  item.write(encoder, 0);
  encoding.writeVarUint(encoder.restEncoder, 0); // empty delete set
  return encoder.toUint8Array();
}

const api = (s: TestServer, path: string) =>
  fetch(`${s.url}/api/workspaces/${s.workspaceId}${path}`, {
    headers: { authorization: `Bearer ${s.adminToken}` },
  });

describe('hardening against crafted input', () => {
  it('an update that decodes but refers to itself is refused with 4400, never stored, history unharmed', async () => {
    server = await startTestServer();
    const s = server;
    const room = `${s.workspaceId}/doc`;
    const good = stockClient(s.wsUrl, room, s.adminToken);
    cleanups.push(good.destroy);
    await good.synced;
    good.doc.getText('t').insert(0, 'ok');
    await eventually(async () => expect((await s.store.roomStats(room)).rows).toBe(1));
    const bad = selfReferencingUpdate();
    expect(() => Y.decodeUpdate(bad)).not.toThrow();
    const raw = await rawClient(`${s.wsUrl}/${room}?token=${s.adminToken}`);
    raw.send(updateMessage(bad));
    const closed = await raw.closed;
    expect(closed.code).toBe(4400);
    expect(closed.reason).toMatch(/refers to itself/);
    expect((await s.store.roomStats(room)).rows).toBe(1);
    expect((await api(s, '/docs/doc/history')).status).toBe(200);
  });

  it('a state vector naming absurdly many clients is refused before it is decoded', async () => {
    server = await startTestServer();
    const raw = await rawClient(
      `${server.wsUrl}/${server.workspaceId}/doc?token=${server.adminToken}`,
    );
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0); // sync
    encoding.writeVarUint(e, 0); // step 1
    const sv = encoding.createEncoder();
    encoding.writeVarUint(sv, 5_000_000);
    encoding.writeVarUint8Array(e, encoding.toUint8Array(sv));
    raw.send(encoding.toUint8Array(e));
    const closed = await raw.closed;
    expect(closed).toEqual({ code: 4400, reason: 'state vector names too many clients' });
  });

  it('a connection that does not read is closed instead of buffering without end', async () => {
    server = await startTestServer({
      maxBufferedBytes: 64 * 1024,
      maxAwarenessBytes: 64 * 1024,
      maxPresenceStateBytes: 64 * 1024,
    });
    const room = `${server.workspaceId}/doc`;
    const loud = stockClient(server.wsUrl, room, server.adminToken);
    cleanups.push(loud.destroy);
    await loud.synced;
    loud.provider.awareness.setLocalStateField('note', '村'.repeat(15_000));
    const raw = await rawClient(`${server.wsUrl}/${room}?token=${server.adminToken}`);
    (raw.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const query = new Uint8Array([3]);
    for (let i = 0; i < 800; i++) raw.send(query);
    await eventually(() => expect(server!.relay.rooms.get(room)?.conns.size).toBe(1), 20_000);
    // The well-behaved client is unaffected.
    loud.doc.getText('t').insert(0, 'still here');
    await eventually(async () => expect((await server!.store.roomStats(room)).rows).toBe(1));
  });

  it('awareness updates over the limit are refused with 4413', async () => {
    server = await startTestServer({ maxAwarenessBytes: 1024 });
    const raw = await rawClient(
      `${server.wsUrl}/${server.workspaceId}/doc?token=${server.adminToken}`,
    );
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, new Uint8Array(4096));
    raw.send(encoding.toUint8Array(e));
    expect((await raw.closed).code).toBe(4413);
  });

  it('a corrupt stored row in a big doc is skipped for a returning device; the server stays up', async () => {
    server = await startTestServer({ syncChunkBytes: 1024 });
    const s = server;
    const room = `${s.workspaceId}/big`;
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 20; i++)
      source.getText('t').insert(source.getText('t').length, `段落${i}`.repeat(40));
    const rows = updates.map((update) => ({ room, authorId: 'a', at: Date.now(), update }));
    await s.store.appendUpdates([
      rows[0]!,
      { room, authorId: 'a', at: Date.now(), update: new Uint8Array([9, 9, 9]) },
      ...rows.slice(1),
    ]);
    // A device that already has the first update comes back (non-empty state vector).
    const device = new Y.Doc();
    Y.applyUpdate(device, updates[0]!);
    const raw = await rawClient(`${s.wsUrl}/${room}?token=${s.adminToken}`);
    raw.send(syncStep1(device));
    await eventually(() =>
      expect(raw.messages.filter((m) => m.type === 0 && m.bytes[1] === 1).length).toBe(1),
    );
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    raw.ws.close();
  });
});

/** Stores a doc of about `bytes` (one text) in a room; returns the doc it wrote. */
async function storeDoc(s: TestServer, room: string, bytes: number): Promise<Y.Doc> {
  const source = new Y.Doc();
  const updates: Uint8Array[] = [];
  source.on('update', (u: Uint8Array) => updates.push(u));
  source.getText('t').insert(0, 'x'.repeat(bytes));
  await s.store.appendUpdates(updates.map((update) => ({ room, authorId: 'a', at: 1, update })));
  return source;
}

/** Step 2 messages (the answer to a step 1) a raw client received. */
const stepTwos = (raw: Awaited<ReturnType<typeof rawClient>>) =>
  raw.messages.filter((m) => m.type === 0 && m.bytes[1] === 1);

describe('first syncs asked for again and again (SYNC-2)', () => {
  it('one connection asking 300 times at once is sent the doc once or twice, the last answer for its last question', async () => {
    server = await startTestServer();
    const s = server;
    const room = `${s.workspaceId}/asked`;
    const source = await storeDoc(s, room, 64 * 1024);
    const viewer = await s.member('viewer');
    const raw = await rawClient(`${s.wsUrl}/${room}?token=${viewer.token}`);
    cleanups.push(() => raw.ws.terminate());
    for (let i = 0; i < 299; i++) raw.send(syncStep1(new Y.Doc()));
    // The last asks as a device that has everything: its answer is nearly empty.
    raw.send(syncStep1(source));
    await eventually(() => expect(stepTwos(raw).at(-1)?.bytes.byteLength).toBeLessThan(100));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Each answer was a copy of the whole doc encoded and sent (300 before: 19 MB and the
    // process busy for the time it took).
    expect(stepTwos(raw).length).toBeLessThanOrEqual(5);
    expect(stepTwos(raw).at(-1)?.bytes.byteLength).toBeLessThan(100);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });

  it("a member's many connections are sent the doc at its budget's pace; another member is served at once", async () => {
    server = await startTestServer({ syncBytesPerSecond: 256 * 1024, syncBurstBytes: 64 * 1024 });
    const s = server;
    const room = `${s.workspaceId}/paced`;
    await storeDoc(s, room, 48 * 1024);
    const viewer = await s.member('viewer');
    const raws = await Promise.all(
      Array.from({ length: 6 }, () => rawClient(`${s.wsUrl}/${room}?token=${viewer.token}`)),
    );
    for (const raw of raws) cleanups.push(() => raw.ws.terminate());
    const served = () => raws.filter((raw) => stepTwos(raw).length > 0).length;
    for (const raw of raws) raw.send(syncStep1(new Y.Doc()));
    // About 48 KiB each at 256 KiB a second after one burst: 6 take about a second.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(served()).toBeLessThanOrEqual(3);
    // Another member is not paced with it: served while this member's connections still wait.
    const admin = stockClient(s.wsUrl, room, s.adminToken);
    cleanups.push(admin.destroy);
    await admin.synced;
    await eventually(() => expect(served()).toBe(6), 10_000);
    expect(admin.doc.getText('t').length).toBeGreaterThan(40 * 1024);
  });

  it('a member spread over many documents shares one budget: six rooms are paced as six connections of one', async () => {
    server = await startTestServer({ syncBytesPerSecond: 256 * 1024, syncBurstBytes: 64 * 1024 });
    const s = server;
    const rooms = Array.from({ length: 6 }, (_, i) => `${s.workspaceId}/spread${i}`);
    for (const room of rooms) await storeDoc(s, room, 48 * 1024);
    const viewer = await s.member('viewer');
    const raws = await Promise.all(
      rooms.map((room) => rawClient(`${s.wsUrl}/${room}?token=${viewer.token}`)),
    );
    for (const raw of raws) cleanups.push(() => raw.ws.terminate());
    const served = () => raws.filter((raw) => stepTwos(raw).length > 0).length;
    for (const raw of raws) raw.send(syncStep1(new Y.Doc()));
    // A budget per room served all six at once.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(served()).toBeLessThanOrEqual(3);
    await eventually(() => expect(served()).toBe(6), 10_000);
  });

  it('a peer that stops reading in the middle of a big first sync is dropped', async () => {
    server = await startTestServer({ syncDrainTimeoutMs: 1000 });
    const s = server;
    const room = `${s.workspaceId}/unread`;
    // Bigger than what the kernel buffers on both ends of a local connection hold.
    await storeDoc(s, room, 24 * 1024 * 1024);
    const raw = await rawClient(`${s.wsUrl}/${room}?token=${s.adminToken}`);
    (raw.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    raw.send(syncStep1(new Y.Doc()));
    await eventually(() => expect(s.relay.rooms.get(room)?.conns.size ?? 0).toBe(0), 20_000);
    raw.ws.terminate();
  });
});

describe('connections of one member (CONN-3)', () => {
  it('one member opens at most maxConnectionsPerMember to a document, however many it starts at once; others still join', async () => {
    server = await startTestServer({ maxConnectionsPerMember: 3 });
    const s = server;
    const room = `${s.workspaceId}/many`;
    const viewer = await s.member('viewer');
    const url = `${s.wsUrl}/${room}?token=${viewer.token}`;
    // Ten started together: three open, seven refused with 429.
    const started = await Promise.allSettled(Array.from({ length: 10 }, () => rawClient(url)));
    const opened = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    for (const raw of opened) cleanups.push(() => raw.ws.terminate());
    expect(opened).toHaveLength(3);
    expect(started.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))).toEqual(
      Array(7).fill('Error: HTTP 429'),
    );
    expect(await upgradeStatus(url)).toBe(429);
    // Another member is not counted with it; a closed connection frees its place.
    expect(await upgradeStatus(`${s.wsUrl}/${room}?token=${s.adminToken}`)).toBe(101);
    opened[0]!.ws.close();
    await opened[0]!.closed;
    await eventually(async () => expect(await upgradeStatus(url)).toBe(101));
  });
});

describe('connections of one member to many documents (CONN-4) and the size of a presence state (AW-8)', () => {
  it('one member holds at most maxConnectionsPerMemberTotal connections on a process, whatever the documents', async () => {
    server = await startTestServer({ maxConnectionsPerMemberTotal: 5 });
    const s = server;
    const viewer = await s.member('viewer');
    const url = (doc: string, token = viewer.token) =>
      `${s.wsUrl}/${s.workspaceId}/${doc}?token=${token}`;
    // Made-up documents, one connection each, started together.
    const started = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => rawClient(url(`made-up-${i}`))),
    );
    const opened = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    for (const raw of opened) cleanups.push(() => raw.ws.terminate());
    expect(opened).toHaveLength(5);
    expect(await upgradeStatus(url('another'))).toBe(429);
    expect(await upgradeStatus(url('another', s.adminToken))).toBe(101);
    opened[0]!.ws.close();
    await opened[0]!.closed;
    await eventually(async () => expect(await upgradeStatus(url('another'))).toBe(101));
  });

  it("a presence state of one's own of more than maxPresenceStateBytes closes the connection; a real one passes", async () => {
    server = await startTestServer({ maxPresenceStateBytes: 1024 });
    const s = server;
    const room = `${s.workspaceId}/meeting`;
    const viewer = await s.member('viewer');
    const person = stockClient(s.wsUrl, room, viewer.token);
    const other = stockClient(s.wsUrl, room, s.adminToken);
    cleanups.push(person.destroy, other.destroy);
    await Promise.all([person.synced, other.synced]);
    person.provider.awareness.setLocalStateField('doing', '看记录');
    await eventually(() =>
      expect(other.provider.awareness.getStates().get(person.doc.clientID)).toMatchObject({
        doing: '看记录',
      }),
    );
    // 2,000 characters; and 500 Chinese characters, fewer than the limit but 1,500 bytes.
    for (const junk of ['x'.repeat(2_000), '村'.repeat(500)]) {
      const raw = await rawClient(`${s.wsUrl}/${room}?token=${viewer.token}`);
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 1);
      const inner = encoding.createEncoder();
      encoding.writeVarUint(inner, 1);
      encoding.writeVarUint(inner, 4242);
      encoding.writeVarUint(inner, 1);
      encoding.writeVarString(inner, JSON.stringify({ junk }));
      encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
      raw.send(encoding.toUint8Array(e));
      expect((await raw.closed).code, junk.slice(0, 3)).toBe(4413);
      expect(other.provider.awareness.getStates().has(4242)).toBe(false);
    }
  });
});

describe('membership changes reach open connections', () => {
  it('a revoked member’s open socket is closed with 4401, and a demoted editor’s with 4403', async () => {
    server = await startTestServer();
    const s = server;
    const room = `${s.workspaceId}/doc`;
    const revoked = await s.member('editor', '离任干部');
    const demoted = await s.member('editor', '改为只读');
    const a = await rawClient(`${s.wsUrl}/${room}?token=${revoked.token}`);
    const b = await rawClient(`${s.wsUrl}/${room}?token=${demoted.token}`);
    const call = (method: string, id: string, body?: object) =>
      fetch(`${s.url}/api/workspaces/${s.workspaceId}/members/${id}`, {
        method,
        headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    expect((await call('DELETE', revoked.id)).status).toBe(200);
    expect(await a.closed).toEqual({ code: 4401, reason: 'membership revoked' });
    expect((await call('PATCH', demoted.id, { role: 'viewer' })).status).toBe(200);
    expect((await b.closed).code).toBe(4403);
    // Reconnected as a viewer, its writes are refused.
    const again = await rawClient(`${s.wsUrl}/${room}?token=${demoted.token}`);
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'x');
    again.send(updateMessage(Y.encodeStateAsUpdate(doc)));
    await eventually(() => expect(again.messages.some((m) => m.type === 2)).toBe(true));
    expect((await s.store.roomStats(room)).rows).toBe(0);
    again.ws.close();
  });
});

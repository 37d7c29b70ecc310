import { join } from 'node:path';
import { SqliteStore } from '@grassroots/server';
import * as decoding from 'lib0/decoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applySyncMessages, rawClient, updateMessage } from '../../support/clients.ts';
import { eventually, startTestServer, type TestServer, tempDir } from '../../support/server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** The stored state vector an ack (message 100) carries. */
const ackedStateVector = (bytes: Uint8Array) => {
  const decoder = decoding.createDecoder(bytes);
  decoding.readVarUint(decoder);
  return Y.decodeStateVector(decoding.readVarUint8Array(decoder));
};

describe('storage commits', () => {
  it('UPD-6 writes of two rooms that arrive in one turn are stored in one transaction, then relayed and acknowledged', async () => {
    const dataDir = tempDir();
    const store = new SqliteStore(join(dataDir, 'grassroots.sqlite'));
    const transactions: string[][] = [];
    const append = store.appendUpdates.bind(store);
    store.appendUpdates = async (batch) => {
      transactions.push(batch.map((row) => row.room));
      return append(batch);
    };
    const s = await startTestServer({ dataDir }, { store });
    server = s;
    const url = (docId: string) =>
      `${s.wsUrl}/${s.workspaceId}/${docId}?token=${s.adminToken}&ack=1`;
    const [a, b, readerA, readerB] = await Promise.all([
      rawClient(url('minutes')),
      rawClient(url('plan')),
      rawClient(url('minutes')),
      rawClient(url('plan')),
    ]);
    // The relay greets each connection once its room has loaded: from then on writes apply.
    await eventually(() =>
      expect([a, b, readerA, readerB].every((c) => c.messages.length > 0)).toBe(true),
    );

    const docA = new Y.Doc();
    docA.getText('t').insert(0, '会议记录');
    const docB = new Y.Doc();
    docB.getText('t').insert(0, '年度计划');
    a.send(updateMessage(Y.encodeStateAsUpdate(docA)));
    b.send(updateMessage(Y.encodeStateAsUpdate(docB)));
    // Hold this process (the relay's too) so both writes wait in its sockets and are read in
    // one turn of the event loop.
    const until = Date.now() + 100;
    while (Date.now() < until) {
      // busy on purpose
    }

    await eventually(() => {
      const seenA = new Y.Doc();
      applySyncMessages(seenA, readerA.messages);
      expect(seenA.getText('t').toString()).toBe('会议记录');
      const seenB = new Y.Doc();
      applySyncMessages(seenB, readerB.messages);
      expect(seenB.getText('t').toString()).toBe('年度计划');
    });
    const minutes = `${s.workspaceId}/minutes`;
    const plan = `${s.workspaceId}/plan`;
    expect(transactions.map((rooms) => [...rooms].sort())).toEqual([[minutes, plan].sort()]);
    for (const [sender, doc] of [
      [a, docA],
      [b, docB],
    ] as const) {
      await eventually(() => {
        const acks = sender.messages.filter((m) => m.type === 100);
        expect(acks.some((m) => ackedStateVector(m.bytes).get(doc.clientID) === 4)).toBe(true);
      });
    }
    expect((await store.loadUpdates(minutes)).map((row) => row.seq)).toEqual([1]);
    expect((await store.loadUpdates(plan)).map((row) => row.seq)).toEqual([1]);
    for (const c of [a, b, readerA, readerB]) c.ws.close();
  });

  it('UPD-7 an ack rides with the next relay to its connection; with none, it comes once per interval, not once per batch', async () => {
    const s = await startTestServer({ ackIntervalMs: 400, commitIntervalMs: 0 });
    server = s;
    const url = `${s.wsUrl}/${s.workspaceId}/minutes?token=${s.adminToken}&ack=1`;
    const [writer, reader] = await Promise.all([rawClient(url), rawClient(url)]);
    await eventually(() => expect([writer, reader].every((c) => c.messages.length > 0)).toBe(true));
    const acksOf = (c: typeof writer) => c.messages.filter((m) => m.type === 100);
    const [writerAcksBefore, readerAcksBefore] = [acksOf(writer).length, acksOf(reader).length];
    const doc = new Y.Doc();
    const send = () => {
      const before = Y.encodeStateVector(doc);
      doc.getText('t').insert(doc.getText('t').length, '记');
      writer.send(updateMessage(Y.encodeStateAsUpdate(doc, before)));
    };
    // Ten writes, each in its own batch, 30 ms apart: nobody else writes, so the writer's acks
    // wait for the interval.
    const startedAt = Date.now();
    for (let i = 0; i < 10; i++) {
      send();
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    const covers = (c: typeof writer) =>
      acksOf(c).some((m) => ackedStateVector(m.bytes).get(doc.clientID) === 10);
    await eventually(() => {
      const seen = new Y.Doc();
      applySyncMessages(seen, reader.messages);
      expect(seen.getText('t').toString()).toBe('记'.repeat(10));
      expect(covers(writer) && covers(reader)).toBe(true);
    });
    expect(Date.now() - startedAt).toBeLessThan(3000);
    // At most one ack per interval while the writes went on, and one after them.
    expect(acksOf(writer).length - writerAcksBefore).toBeLessThanOrEqual(3);
    expect(acksOf(reader).length - readerAcksBefore).toBeLessThanOrEqual(3);
    for (const c of [writer, reader]) c.ws.close();
  });

  it('UPD-7 an author that hears a relay gets its owed ack in the same batch, long before the interval', async () => {
    const s = await startTestServer({ ackIntervalMs: 8000, commitIntervalMs: 0 });
    server = s;
    const url = `${s.wsUrl}/${s.workspaceId}/minutes?token=${s.adminToken}&ack=1`;
    const [writer, other] = await Promise.all([rawClient(url), rawClient(url)]);
    await eventually(() => expect([writer, other].every((c) => c.messages.length > 0)).toBe(true));
    const mine = new Y.Doc();
    mine.getText('t').insert(0, '甲');
    writer.send(updateMessage(Y.encodeStateAsUpdate(mine)));
    const acked = () =>
      writer.messages.some(
        (m) => m.type === 100 && ackedStateVector(m.bytes).get(mine.clientID) === 1,
      );
    // Stored and relayed to the other, but the writer hears nothing else yet: its ack waits.
    await eventually(() => {
      const seen = new Y.Doc();
      applySyncMessages(seen, other.messages);
      expect(seen.getText('t').toString()).toBe('甲');
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(acked()).toBe(false);
    const theirs = new Y.Doc();
    theirs.getText('t').insert(0, '乙');
    const sentAt = Date.now();
    other.send(updateMessage(Y.encodeStateAsUpdate(theirs)));
    await eventually(() => expect(acked()).toBe(true));
    expect(Date.now() - sentAt).toBeLessThan(2000);
    // It came right behind the relay of the other's write.
    const ackAt = writer.messages.findIndex(
      (m) => m.type === 100 && ackedStateVector(m.bytes).get(mine.clientID) === 1,
    );
    const seen = new Y.Doc();
    applySyncMessages(seen, writer.messages.slice(0, ackAt));
    expect(seen.getText('t').toString()).toContain('乙');
    for (const c of [writer, other]) c.ws.close();
  });
});

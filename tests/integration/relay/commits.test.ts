import { join } from 'node:path';
import { SqliteStore } from '@grassroots/server';
import * as decoding from 'lib0/decoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applySyncMessages, rawClient, syncStep1, updateMessage } from '../../support/clients.ts';
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

/**
 * A relay committing every turn with acks every `ackIntervalMs`, and two connections asking for
 * acks in one room, both greeted (from then on their writes apply).
 */
async function writerAndReader(ackIntervalMs: number) {
  const s = await startTestServer({ ackIntervalMs, commitIntervalMs: 0 });
  server = s;
  const url = `${s.wsUrl}/${s.workspaceId}/minutes?token=${s.adminToken}&ack=1`;
  const [writer, reader] = await Promise.all([rawClient(url), rawClient(url)]);
  await eventually(() => expect([writer, reader].every((c) => c.messages.length > 0)).toBe(true));
  return { s, writer, reader };
}

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

  it('UPD-7 an author is acknowledged with a relay to it, or alone at most once per interval; a reader learns the stored state vector with a relay at most once per interval, not once per batch', async () => {
    const { writer, reader } = await writerAndReader(1000);
    const acksOf = (c: typeof writer) => c.messages.filter((m) => m.type === 100);
    const covers = (c: typeof writer, doc: Y.Doc, clock: number) =>
      acksOf(c).some((m) => (ackedStateVector(m.bytes).get(doc.clientID) ?? 0) >= clock);
    const readerAcksBefore = acksOf(reader).length;
    const doc = new Y.Doc();
    let sent = 0;
    const send = () => {
      const before = Y.encodeStateVector(doc);
      doc.getText('t').insert(doc.getText('t').length, '记');
      sent++;
      writer.send(updateMessage(Y.encodeStateAsUpdate(doc, before)));
    };
    // Its first write in an interval: acknowledged at once.
    let sentAt = Date.now();
    send();
    await eventually(() => expect(covers(writer, doc, 1)).toBe(true));
    expect(Date.now() - sentAt).toBeLessThan(500);
    // The next, within the interval and with nothing relayed to it: the ack waits...
    sentAt = Date.now();
    send();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(covers(writer, doc, 2)).toBe(false);
    // ...for the relay of another device's write, and comes with it, before the interval is out.
    const other = new Y.Doc();
    other.getText('t').insert(0, '甲');
    reader.send(updateMessage(Y.encodeStateAsUpdate(other)));
    await eventually(() => expect(covers(writer, doc, 2)).toBe(true));
    expect(Date.now() - sentAt).toBeLessThan(800);
    // Alone in the room's traffic, it comes within about an interval.
    sentAt = Date.now();
    send();
    await eventually(() => expect(covers(writer, doc, 3)).toBe(true), 5000);
    expect(Date.now() - sentAt).toBeLessThan(2500);

    // Ten writes a moment apart: the reader sees every one relayed, and in the end an ack that
    // covers them all...
    const readerAcks = acksOf(reader).length;
    const writerAcks = acksOf(writer).length;
    for (let i = 0; i < 10; i++) {
      send();
      const clock = sent;
      await eventually(() => {
        const seen = new Y.Doc();
        applySyncMessages(seen, reader.messages);
        expect(seen.getText('t').toString()).toBe('记'.repeat(clock));
      });
    }
    await eventually(() => {
      expect(covers(reader, doc, sent)).toBe(true);
      expect(covers(writer, doc, sent)).toBe(true);
    }, 5000);
    // ...but fewer acks than batches, the writer too: at most one per interval while the writes
    // went on, and one after them.
    expect(acksOf(reader).length - readerAcks).toBeLessThan(10);
    expect(acksOf(writer).length - writerAcks).toBeLessThan(10);
    expect(acksOf(reader).length).toBeGreaterThan(readerAcksBefore);
    for (const c of [writer, reader]) c.ws.close();
  });

  it('UPD-7 an author whose ack waits is acknowledged before the relay shuts down and closes it', async () => {
    const { s, writer, reader } = await writerAndReader(5000);
    const doc = new Y.Doc();
    const send = (text: string) => {
      const before = Y.encodeStateVector(doc);
      doc.getText('t').insert(doc.getText('t').length, text);
      writer.send(updateMessage(Y.encodeStateAsUpdate(doc, before)));
    };
    const covers = (clock: number) =>
      writer.messages.some(
        (m) => m.type === 100 && (ackedStateVector(m.bytes).get(doc.clientID) ?? 0) >= clock,
      );
    send('甲');
    await eventually(() => expect(covers(1)).toBe(true));
    // The second write is stored (the reader has it relayed); its ack waits for the interval.
    send('乙');
    await eventually(() => {
      const seen = new Y.Doc();
      applySyncMessages(seen, reader.messages);
      expect(seen.getText('t').toString()).toBe('甲乙');
    });
    expect(covers(2)).toBe(false);
    await s.stop();
    server = undefined;
    await eventually(() => expect(writer.ws.readyState).toBe(3));
    expect(covers(2)).toBe(true);
  });

  it('UPD-7 a reader of a room that went quiet gets its ack alone, about four intervals later', async () => {
    const { writer, reader } = await writerAndReader(300);
    // The reader syncs, and with that is acknowledged.
    reader.send(syncStep1(new Y.Doc()));
    await eventually(() => expect(reader.messages.some((m) => m.type === 100)).toBe(true));
    const doc = new Y.Doc();
    doc.getText('t').insert(0, '甲');
    const sentAt = Date.now();
    writer.send(updateMessage(Y.encodeStateAsUpdate(doc)));
    const covered = () =>
      reader.messages.some(
        (m) => m.type === 100 && ackedStateVector(m.bytes).get(doc.clientID) === 1,
      );
    // Relayed at once; the reader was acknowledged a moment ago, so its ack waits for a relay to
    // ride with, and none comes.
    await eventually(() => {
      const seen = new Y.Doc();
      applySyncMessages(seen, reader.messages);
      expect(seen.getText('t').toString()).toBe('甲');
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(covered()).toBe(false);
    await eventually(() => expect(covered()).toBe(true));
    expect(Date.now() - sentAt).toBeLessThan(3000);
    for (const c of [writer, reader]) c.ws.close();
  });
});

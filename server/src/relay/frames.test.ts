import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { ackFrame, binaryFrame, encodeStateVector, messageOf, syncUpdateFrame } from './frames.ts';

/** The frame parser of the `ws` client (exported by `ws`, not declared by its types). */
type FrameReader = {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  write(chunk: Buffer, callback: (error?: Error | null) => void): void;
};
const { Receiver } = ws as unknown as {
  Receiver: new (options: { isServer: boolean }) => FrameReader;
};

describe('binaryFrame', () => {
  it('is read back by the ws client parser as the same binary message, at every length form', async () => {
    const lengths = [0, 1, 125, 126, 1000, 0xffff, 0x10000, 300_000];
    const receiver = new Receiver({ isServer: false });
    const received: Buffer[] = [];
    receiver.on('message', (data: Buffer, isBinary: boolean) => {
      expect(isBinary).toBe(true);
      received.push(data);
    });
    const sent = lengths.map((n) => new Uint8Array(n).map((_, i) => (i * 31) & 0xff));
    for (const payload of sent) {
      await new Promise<void>((done, fail) =>
        receiver.write(binaryFrame(payload), (error?: Error | null) =>
          error ? fail(error) : done(),
        ),
      );
    }
    expect(received.map((b) => b.byteLength)).toEqual(lengths);
    // Byte comparison by Buffer: a deep equality of 300,000 elements takes seconds.
    expect(received.map((b, i) => Buffer.compare(b, Buffer.from(sent[i]!)))).toEqual(
      lengths.map(() => 0),
    );
  });
});

describe('syncUpdateFrame and ackFrame', () => {
  const encoded = (write: (encoder: encoding.Encoder) => void) => {
    const encoder = encoding.createEncoder();
    write(encoder);
    return encoding.toUint8Array(encoder);
  };

  it('frame exactly the messages lib0 encodes, at every varUint and frame length form', () => {
    for (const length of [0, 5, 121, 122, 127, 128, 1000, 0xffff, 0x10000, 20_000]) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 7) & 0xff);
      const update = syncUpdateFrame(bytes);
      // Compared as Buffers: a deep equality of 65,536 elements takes seconds.
      const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
      expect(
        same(
          messageOf(update),
          encoded((e) => {
            encoding.writeVarUint(e, 0);
            syncProtocol.writeUpdate(e, bytes);
          }),
        ),
      ).toBe(true);
      expect(update.equals(binaryFrame(messageOf(update)))).toBe(true);
      for (const settled of [0, 1, 127, 128, 16_384, 2 ** 31 + 5]) {
        const seq = settled * 3 + 1;
        const ack = ackFrame(bytes, settled, seq);
        const message = messageOf(ack);
        expect(
          same(
            message,
            encoded((e) => {
              encoding.writeVarUint(e, 100);
              encoding.writeVarUint8Array(e, bytes);
              encoding.writeVarUint(e, settled);
              encoding.writeVarUint(e, seq);
            }),
          ),
        ).toBe(true);
        expect(ack.equals(binaryFrame(message))).toBe(true);
        const decoder = decoding.createDecoder(message);
        expect(decoding.readVarUint(decoder)).toBe(100);
        expect(same(decoding.readVarUint8Array(decoder), bytes)).toBe(true);
        expect(decoding.readVarUint(decoder)).toBe(settled);
        expect(decoding.readVarUint(decoder)).toBe(seq);
        expect(decoding.hasContent(decoder)).toBe(false);
      }
    }
  });
});

describe('encodeStateVector', () => {
  it("writes Yjs's bytes for docs of no, one and many clients, ids of every varUint length", () => {
    const ids = [0, 1, 127, 128, 16_383, 16_384, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 40, 77, 3];
    const docs = [new Y.Doc()];
    const all = new Y.Doc({ gc: false });
    for (const [n, id] of ids.entries()) {
      const author = new Y.Doc();
      author.clientID = id;
      // Clocks of every varUint length too, and more than one struct for some clients.
      author.getText('t').insert(0, 'x'.repeat(n * 1500 + 1));
      if (n % 3 === 0) author.getMap('m').set('k', n);
      const update = Y.encodeStateAsUpdate(author);
      Y.applyUpdate(all, update);
      const one = new Y.Doc();
      Y.applyUpdate(one, update);
      docs.push(one);
    }
    docs.push(all);
    for (const doc of docs) {
      expect(encodeStateVector(doc.store.clients)).toEqual(Y.encodeStateVector(doc));
    }
    expect(all.store.clients.size).toBe(ids.length);
  });
});

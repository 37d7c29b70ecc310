import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { binaryFrame } from './frames.ts';

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

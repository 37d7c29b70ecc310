import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

export type StubbornClient = {
  /** Sends one binary frame (masked, as a client must), whatever the server said before. */
  send(bytes: Uint8Array): void;
  /** Sends one text frame. */
  sendText(text: string): void;
  /** Close code of the close frame the server sent, once it sent one. */
  readonly closeCode: number | null;
  /** Binary messages the server sent. */
  readonly messages: Uint8Array[];
  /** Resolves when the server drops the TCP connection. */
  readonly dropped: Promise<void>;
  destroy(): void;
};

/**
 * A WebSocket client written by hand over TCP that never answers a close frame and keeps
 * sending after it: how a hostile or broken peer behaves. Resolves once the upgrade succeeded.
 */
export async function stubbornClient(url: string): Promise<StubbornClient> {
  const target = new URL(url);
  const socket = connect(Number(target.port), target.hostname);
  socket.on('error', () => {});
  const dropped = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let buffer = Buffer.alloc(0);
  let isUpgraded = false;
  let closeCode: number | null = null;
  const messages: Uint8Array[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      const key = randomBytes(16).toString('base64');
      socket.write(
        `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n` +
          `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\n` +
          'Sec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!isUpgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString();
        if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(head.split('\r\n')[0]));
        buffer = buffer.subarray(end + 4);
        isUpgraded = true;
        resolve();
      }
      // Server frames are not masked.
      while (buffer.length >= 2) {
        const opcode = buffer[0]! & 0x0f;
        let length = buffer[1]! & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffer.length < 10) return;
          length = Number(buffer.readBigUInt64BE(2));
          offset = 10;
        }
        if (buffer.length < offset + length) return;
        const payload = buffer.subarray(offset, offset + length);
        if (opcode === 0x8) closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        if (opcode === 0x2) messages.push(new Uint8Array(payload));
        buffer = buffer.subarray(offset + length);
      }
    });
    socket.once('close', () => reject(new Error('connection closed before the upgrade')));
  });

  const frame = (opcode: number, payload: Buffer) => {
    const mask = randomBytes(4);
    const header =
      payload.length < 126
        ? Buffer.from([0x80 | opcode, 0x80 | payload.length])
        : payload.length < 65536
          ? Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 0xff])
          : (() => {
              const h = Buffer.alloc(10);
              h[0] = 0x80 | opcode;
              h[1] = 0x80 | 127;
              h.writeBigUInt64BE(BigInt(payload.length), 2);
              return h;
            })();
    const masked = Buffer.alloc(payload.length);
    for (let i = 0; i < payload.length; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
    if (!socket.destroyed) socket.write(Buffer.concat([header, mask, masked]));
  };

  return {
    send: (bytes) => frame(0x2, Buffer.from(bytes)),
    sendText: (text) => frame(0x1, Buffer.from(text)),
    get closeCode() {
      return closeCode;
    },
    messages,
    dropped,
    destroy: () => socket.destroy(),
  };
}

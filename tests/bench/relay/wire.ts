import { WebSocket } from 'ws';

/** y-websocket message types (the first byte of every message; all below 128). */
export const WireType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;

/** Message counts by type: index = message type (0–127); larger types count in 127. */
export type TypeCounts = number[];

const newCounts = (): TypeCounts => new Array<number>(128).fill(0);

const bytesOf = (data: unknown): Uint8Array => {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data)) return bytesOf(Buffer.concat(data as Buffer[]));
  return new Uint8Array(0);
};

/**
 * What one client's sockets carried, over all its connections (a provider opens a new socket
 * each time it reconnects): messages and bytes by type each way, sends per second, opens and
 * closes with their codes. Times are `performance.now()` of this process.
 */
export class WireLog {
  readonly sent = newCounts();
  readonly received = newCounts();
  sentBytes = 0;
  receivedBytes = 0;
  /** Messages sent in each whole second since `epoch` (index = second). */
  readonly sentPerSecond: number[] = [];
  readonly opens: number[] = [];
  readonly closes: { at: number; code: number; reason: string }[] = [];

  constructor(readonly epoch = performance.now()) {}

  onSent(data: unknown): void {
    const bytes = bytesOf(data);
    this.sent[Math.min(bytes[0] ?? 127, 127)]!++;
    this.sentBytes += bytes.byteLength;
    const second = Math.floor((performance.now() - this.epoch) / 1000);
    this.sentPerSecond[second] = (this.sentPerSecond[second] ?? 0) + 1;
  }

  onReceived(data: unknown): void {
    const bytes = bytesOf(data);
    this.received[Math.min(bytes[0] ?? 127, 127)]!++;
    this.receivedBytes += bytes.byteLength;
  }

  /** Counts so far, to subtract later: the traffic of one phase is `log.since(snapshot)`. */
  snapshot(): WireSnapshot {
    return {
      sent: [...this.sent],
      received: [...this.received],
      sentBytes: this.sentBytes,
      receivedBytes: this.receivedBytes,
    };
  }

  since(before: WireSnapshot): WireSnapshot {
    return {
      sent: this.sent.map((n, i) => n - before.sent[i]!),
      received: this.received.map((n, i) => n - before.received[i]!),
      sentBytes: this.sentBytes - before.sentBytes,
      receivedBytes: this.receivedBytes - before.receivedBytes,
    };
  }

  /** Most messages sent in one whole second between `from` and `to` (performance.now()). */
  peakSentPerSecond(from: number, to: number): number {
    const first = Math.max(0, Math.floor((from - this.epoch) / 1000));
    const last = Math.floor((to - this.epoch) / 1000);
    let peak = 0;
    for (let s = first; s <= last; s++) peak = Math.max(peak, this.sentPerSecond[s] ?? 0);
    return peak;
  }
}

export type WireSnapshot = {
  sent: TypeCounts;
  received: TypeCounts;
  sentBytes: number;
  receivedBytes: number;
};

/** Sum of `n` over every message type. */
export const total = (counts: TypeCounts): number => counts.reduce((a, b) => a + b, 0);

/**
 * A `ws` WebSocket class for `WebsocketProvider`'s `WebSocketPolyfill` that records every message
 * each way, every open and every close (with its code) in `log`. The provider is unchanged: it
 * is the stock client, only its socket is watched.
 */
export function countingWebSocket(log: WireLog): typeof globalThis.WebSocket {
  class CountingWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols);
      // Listeners added here run before the provider's (it assigns onopen etc. afterwards).
      this.addEventListener('open', () => log.opens.push(performance.now()));
      this.addEventListener('message', (event) => log.onReceived(event.data));
      this.addEventListener('close', (event) =>
        log.closes.push({ at: performance.now(), code: event.code, reason: event.reason }),
      );
      const send = this.send.bind(this);
      this.send = ((data: unknown, ...rest: unknown[]) => {
        log.onSent(data);
        return (send as (...args: unknown[]) => void)(data, ...rest);
      }) as typeof this.send;
    }
  }
  // The provider takes a browser-style WebSocket class; `ws` is one at run time.
  return CountingWebSocket as unknown as typeof globalThis.WebSocket;
}

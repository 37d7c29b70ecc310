import { can, Reason } from '@grassroots/shared';
import { WebSocket } from 'ws';
import type { Member } from '../storage/DocStore.ts';
import { ackFrame, binaryFrame, messageOf } from './frames.ts';

/** A token bucket: `rate` per second sustained, `burst` at once. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
  }

  /**
   * Takes `n` tokens (at most a burst's worth) even when there are fewer, and returns how long,
   * ms, until the bucket is out of that debt: the caller waits that long before its turn.
   */
  reserve(n: number): number {
    this.refill();
    this.tokens -= Math.min(n, this.burst);
    return this.waitMs();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Takes `n` tokens in full, however deep a debt that leaves (work charged after it was done). */
  charge(n: number): void {
    this.refill();
    this.tokens -= n;
  }

  /** How long, ms, until the bucket is out of debt (0: it is not in debt). */
  waitMs(): number {
    this.refill();
    return this.tokens >= 0 ? 0 : (-this.tokens / this.rate) * 1000;
  }

  /** True when the bucket holds a whole burst again. */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.burst;
  }
}

/** True when both hold the same bytes; the same object (a room's cached vector) at once. */
function sameBytes(a: Uint8Array | null, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a === null || a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The same bytes as a Buffer (no copy). */
export const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The parts of the TCP socket under `ws` (a `net.Socket`) the relay writes frames with. */
export type RawSocket = { cork(): void; uncork(): void; write(frame: Uint8Array): boolean };

/** One authenticated WebSocket in a room. */
export class Connection {
  readonly awarenessIds = new Set<number>();
  readonly canWrite: boolean;
  readonly readOnlyReason = Reason.viewerCannotWrite;
  /** Messages that arrived while the room was loading, replayed once it is ready. */
  pending: Uint8Array[] = [];
  pendingBytes = 0;
  isAlive = true;
  /** Writes of this connection queued for storage. */
  pendingWrites = 0;
  /**
   * The relay decided to close this connection: nothing it sends is processed any more, even if
   * the peer ignores the close frame.
   */
  isClosing = false;
  /**
   * A first sync (step 1) that waits while one is being sent to this connection: only the latest
   * is answered after it (its state vector is all the peer still lacks). Null: none waits.
   */
  stateAsked: { encoded: Uint8Array; stateVector: Map<number, number> } | null = null;
  isSendingState = false;
  /** Kinds of refusal already logged for this connection (one line each, then only metrics). */
  readonly loggedRefusals = new Set<number>();
  private terminateTimer: NodeJS.Timeout | null = null;
  /**
   * Write messages (sync step 2 or update) of this connection that are settled: stored, or found
   * to change nothing. Sent with every ack so a client can tell that even a change that only
   * deletes (and so does not move the state vector) is on the server.
   */
  writesSettled = 0;
  /** The last ack sent: its state vector and settled count (repeats are skipped). */
  private lastAckSV: Uint8Array | null = null;
  private lastAckSettled = -1;
  /** When the last ack was sent (`performance.now()`, ms). */
  lastAckAt = Number.NEGATIVE_INFINITY;
  /** Since when an ack is owed that found no relay to ride with (`performance.now()`); null: none. */
  ackOwedSince: number | null = null;
  /** The socket frames are written to directly; null: everything goes through `ws`. */
  private readonly framesSocket: RawSocket | null;

  constructor(
    readonly ws: WebSocket,
    readonly member: Member,
    readonly wantsAck: boolean,
    readonly bucket: TokenBucket,
    /** Bytes waiting to be sent above which the connection is closed as too slow. */
    private readonly maxBufferedBytes = Number.POSITIVE_INFINITY,
    /** How long a peer has to answer a close frame before its socket is dropped, ms. */
    private readonly closeGraceMs = 2000,
    /**
     * The TCP socket under `ws`: messages are written to it as whole frames (see `sendFrame`),
     * several with one system call (see `cork`). Default none: every message goes through `ws`.
     */
    private readonly socket: RawSocket | null = null,
  ) {
    this.canWrite = can(member.role, 'write');
    // With an extension (compression) negotiated, frames are for `ws` to make.
    this.framesSocket = socket !== null && ws.extensions === '' ? socket : null;
    ws.once('close', () => {
      if (this.terminateTimer) clearTimeout(this.terminateTimer);
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /**
   * Whether `bytes` more may be sent now: the socket is open and its buffer has room. A reader
   * that does not keep up would otherwise make the server hold everything for it; it is not
   * reading, so a close frame would never reach it: its socket is dropped.
   */
  private hasRoomFor(bytes: number): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.ws.bufferedAmount + bytes <= this.maxBufferedBytes) return true;
    this.ws.terminate();
    return false;
  }

  send(message: Uint8Array): void {
    if (!this.hasRoomFor(message.byteLength)) return;
    if (this.framesSocket !== null) this.framesSocket.write(binaryFrame(message));
    // No callback: a failed write errors the socket, and `ws` closes the connection for it.
    else this.ws.send(message);
  }

  /**
   * Sends a message already framed (frames.ts; the same bytes for every connection of a room),
   * straight to the socket: `ws` would frame it again for each. Frames written this way
   * and by `ws` (pings, closes) never interleave, each being one write.
   */
  sendFrame(frame: Buffer): void {
    if (!this.hasRoomFor(frame.byteLength)) return;
    if (this.framesSocket !== null) this.framesSocket.write(frame);
    else this.ws.send(messageOf(frame));
  }

  /**
   * Holds what is sent from now on until `uncork`, then writes it with one system call: a room
   * relaying a batch and acknowledging it sends each connection several small messages at once,
   * and on a busy relay the writes, not the messages, are what costs. Calls nest.
   */
  cork(): void {
    this.socket?.cork();
  }

  uncork(): void {
    this.socket?.uncork();
  }

  /**
   * Sends and resolves once the bytes have left for the socket (backpressure for big syncs). A
   * peer that has not taken them within `timeoutMs` is dropped: it stopped reading, and what
   * waits for it would stay in memory.
   */
  sendDrained(message: Uint8Array, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      if (!this.hasRoomFor(message.byteLength)) return resolve();
      const timer = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, timeoutMs);
      this.ws.send(message, (error) => {
        clearTimeout(timer);
        if (error) this.ws.terminate();
        resolve();
      });
    });
  }

  /** A queued write of this connection was stored, or found to change nothing, in its turn. */
  settleWrite(): void {
    this.pendingWrites--;
    this.writesSettled++;
  }

  /** True when it asked for acks and its last one says less than `stateVector` and its count. */
  isOwedAck(stateVector: Uint8Array): boolean {
    return this.wantsAck && (this.hasUnackedWrites || !sameBytes(this.lastAckSV, stateVector));
  }

  /** True when writes of its own were settled since its last ack. */
  get hasUnackedWrites(): boolean {
    return this.lastAckSettled !== this.writesSettled;
  }

  /**
   * Tells a connection that asked for acks the room's stored state vector, how many of its write
   * messages are settled and the seq up to which every stored row has been sent to it (message
   * 100); repeats are skipped unless `isForced`.
   */
  sendAck(stateVector: Uint8Array, seq: number, now = performance.now(), isForced = false): void {
    if (!isForced && !this.isOwedAck(stateVector)) return;
    const settled = this.writesSettled;
    this.lastAckSV = stateVector;
    this.lastAckSettled = settled;
    this.lastAckAt = now;
    this.ackOwedSince = null;
    this.sendFrame(ackFrame(stateVector, settled, seq));
  }

  /**
   * Closes with `code`. From here on nothing the peer sends is processed; a peer that does not
   * complete the close within `closeGraceMs` has its socket dropped.
   */
  close(code: number, reason: string): void {
    this.isClosing = true;
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      // Close reasons are limited to 123 bytes by the protocol.
      this.ws.close(code, Buffer.from(reason).subarray(0, 123).toString());
    }
    if (this.terminateTimer === null && this.ws.readyState !== WebSocket.CLOSED) {
      this.terminateTimer = setTimeout(() => this.ws.terminate(), this.closeGraceMs);
      this.terminateTimer.unref();
    }
  }
}

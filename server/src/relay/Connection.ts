import { can, MessageType, Reason } from '@grassroots/shared';
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import type { Member } from '../storage/DocStore.ts';

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

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

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
  /** No-op writes that arrived behind queued ones; they settle when those do. */
  private deferredNoops = 0;
  /**
   * Write messages (sync step 2 or update) of this connection that are settled: stored, or found
   * to change nothing. Sent with every ack so a client can tell that even a change that only
   * deletes (and so does not move the state vector) is on the server.
   */
  writesSettled = 0;
  private lastAck: { sv: Uint8Array; settled: number } | null = null;

  constructor(
    readonly ws: WebSocket,
    readonly member: Member,
    readonly wantsAck: boolean,
    readonly bucket: TokenBucket,
    /** Bytes waiting to be sent above which the connection is closed as too slow. */
    private readonly maxBufferedBytes = Number.POSITIVE_INFINITY,
  ) {
    this.canWrite = can(member.role, 'write');
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount + message.byteLength > this.maxBufferedBytes) {
      // A reader that does not keep up would otherwise make the server hold everything for it.
      // It is not reading, so a close frame would never reach it: drop the socket.
      this.ws.terminate();
      return;
    }
    this.ws.send(message, (error) => {
      if (error) this.ws.terminate();
    });
  }

  /** Sends and resolves once the bytes have left for the socket (backpressure for big syncs). */
  sendDrained(message: Uint8Array): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState !== WebSocket.OPEN) return resolve();
      this.ws.send(message, (error) => {
        if (error) this.ws.terminate();
        resolve();
      });
    });
  }

  /** A queued write of this connection was stored and applied. */
  settleWrite(): void {
    this.pendingWrites--;
    this.writesSettled++;
    if (this.pendingWrites === 0) {
      this.writesSettled += this.deferredNoops;
      this.deferredNoops = 0;
    }
  }

  /** A write that changed nothing is settled at once, or after the writes queued before it. */
  settleNoop(doc: Y.Doc): void {
    if (this.pendingWrites > 0) {
      this.deferredNoops++;
      return;
    }
    this.writesSettled++;
    if (this.wantsAck) this.sendAck(Y.encodeStateVector(doc));
  }

  /**
   * Tells a connection that asked for acks the room's stored state vector and how many of its
   * write messages are settled (message 100); repeats are skipped.
   */
  sendAck(stateVector: Uint8Array): void {
    if (!this.wantsAck) return;
    const last = this.lastAck;
    const isRepeat =
      last !== null &&
      last.settled === this.writesSettled &&
      last.sv.byteLength === stateVector.byteLength &&
      last.sv.every((b, i) => b === stateVector[i]);
    if (isRepeat) return;
    this.lastAck = { sv: stateVector, settled: this.writesSettled };
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.ack);
    encoding.writeVarUint8Array(encoder, stateVector);
    encoding.writeVarUint(encoder, this.writesSettled);
    this.send(encoding.toUint8Array(encoder));
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      // Close reasons are limited to 123 bytes by the protocol.
      this.ws.close(code, Buffer.from(reason).subarray(0, 123).toString());
    }
  }
}

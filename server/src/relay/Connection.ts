import { can, MessageType, Reason } from '@grassroots/shared';
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
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
  private lastAck: Uint8Array | null = null;

  constructor(
    readonly ws: WebSocket,
    readonly member: Member,
    readonly wantsAck: boolean,
    readonly bucket: TokenBucket,
  ) {
    this.canWrite = can(member.role, 'write');
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
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

  /** Tells a connection that asked for acks the room's stored state vector (skips repeats). */
  sendAck(stateVector: Uint8Array): void {
    if (!this.wantsAck) return;
    const last = this.lastAck;
    if (
      last &&
      last.byteLength === stateVector.byteLength &&
      last.every((b, i) => b === stateVector[i])
    ) {
      return;
    }
    this.lastAck = stateVector;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.ack);
    encoding.writeVarUint8Array(encoder, stateVector);
    this.send(encoding.toUint8Array(encoder));
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      // Close reasons are limited to 123 bytes by the protocol.
      this.ws.close(code, Buffer.from(reason).subarray(0, 123).toString());
    }
  }
}

import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';

type Waiting = {
  key: string;
  clientId: number;
  /** Clock of the marker's item: covered once the acked state vector is above it. */
  clock: number;
  /** The connection and write message that carried it; null while it has not been sent. */
  carriedBy: { connection: number; writes: number } | null;
};

/**
 * What the relay acknowledged to one writer. An update counts as acknowledged when an ack (message
 * 100) on the connection that carried it both covers it with the stored state vector and counts
 * the write message that carried it as settled. Each connection counts its writes from zero, so
 * markers not acknowledged before a connection ends wait for the next connection's sync step 2.
 */
export class AckLedger {
  private connection = 0;
  private writes = 0;
  private readonly waiting = new Map<string, Waiting>();
  /** Markers whose write message an ack counted as settled while its state vector did not cover them. */
  readonly settledButUncovered = new Set<string>();

  constructor(private readonly onAcked: (key: string) => void) {}

  /** Write messages sent on the current connection so far. */
  get writesSent(): number {
    return this.writes;
  }

  /** Markers written but not acknowledged yet. */
  get unacked(): number {
    return this.waiting.size;
  }

  /** Keys of the markers written but not acknowledged yet. */
  unackedKeys(): string[] {
    return [...this.waiting.keys()];
  }

  /** A new connection opened: its write count starts at zero. */
  opened(): void {
    this.connection++;
    this.writes = 0;
  }

  /**
   * A sync step 2 or update message left on the current connection. A step 2 carries everything
   * the relay lacks, so every marker not carried on this connection yet now rides on it.
   */
  wrote(isSyncStep2: boolean): void {
    this.writes++;
    if (!isSyncStep2) return;
    for (const marker of this.waiting.values()) {
      if (marker.carriedBy?.connection !== this.connection) {
        marker.carriedBy = { connection: this.connection, writes: this.writes };
      }
    }
  }

  /** Records a marker just written; `wasSent` when its update left on the current connection. */
  track(key: string, clientId: number, clock: number, wasSent: boolean): void {
    this.waiting.set(key, {
      key,
      clientId,
      clock,
      carriedBy: wasSent ? { connection: this.connection, writes: this.writes } : null,
    });
  }

  /** An ack arrived on the current connection. */
  ack(stateVector: Map<number, number>, writesSettled: number): void {
    for (const marker of this.waiting.values()) {
      const carried = marker.carriedBy;
      if (carried?.connection !== this.connection || writesSettled < carried.writes) continue;
      if ((stateVector.get(marker.clientId) ?? 0) <= marker.clock) {
        this.settledButUncovered.add(marker.key);
        continue;
      }
      this.waiting.delete(marker.key);
      this.settledButUncovered.delete(marker.key);
      this.onAcked(marker.key);
    }
  }
}

/**
 * Sorts an outgoing y-websocket message: `null` when it is no write, else whether it is a sync
 * step 2 (the reply to the relay's step 1) rather than a plain update.
 */
export function writeKind(message: Uint8Array): 'syncStep2' | 'update' | null {
  const decoder = decoding.createDecoder(message);
  if (decoding.readVarUint(decoder) !== 0) return null;
  const syncType = decoding.readVarUint(decoder);
  if (syncType === syncProtocol.messageYjsSyncStep2) return 'syncStep2';
  if (syncType === syncProtocol.messageYjsUpdate) return 'update';
  return null;
}

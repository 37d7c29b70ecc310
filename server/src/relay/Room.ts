import { CloseCode, MessageType } from '@grassroots/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebSocket } from 'ws';
import * as authProtocol from 'y-protocols/auth';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { DocStore } from '../storage/DocStore.ts';
import type { Connection } from './Connection.ts';
import type { FanoutPort } from './Fanout.ts';
import { inspectUpdate, isEmptyUpdate, MalformedUpdate } from './updates.ts';

export type RoomOptions = {
  store: DocStore;
  log: Logger;
  metrics: Metrics;
  fanout: FanoutPort;
  /** Largest chunk of a first sync sent in one message, bytes. */
  syncChunkBytes: number;
  /** First retry delay after a failed storage write, ms; doubles up to 5 s. */
  storeRetryMs: number;
  /** Failed writes retried this many times after the last connection left, then given up. */
  maxRetriesWithoutConnections: number;
  /** Bytes of writes that may wait for storage; past it senders are asked to come back later. */
  maxQueuedBytes: number;
  /** Largest awareness update accepted, bytes. */
  maxAwarenessBytes: number;
  now: () => number;
};

/** State vectors may name this many clients beyond those the doc knows. */
const STATE_VECTOR_SLACK = 10_000;

type PendingWrite = {
  authorId: string;
  /** The connection it came from; null for changes the server makes (a restore). */
  conn: Connection | null;
  update: Uint8Array;
  at: number;
  /** Called once the write is stored and applied, or with the error when it was given up. */
  onSettled?: (error?: Error) => void;
};

const syncMessage = (write: (encoder: encoding.Encoder) => void): Uint8Array => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  write(encoder);
  return encoding.toUint8Array(encoder);
};

const awarenessMessage = (update: Uint8Array): Uint8Array => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.awareness);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
};

/** Thrown for a message the room refuses; the connection closes with `code`. */
export class MessageRefused extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One document in memory: its Y.Doc (rebuilt from storage), its awareness and its connections.
 * Writes go through one queue: stored first (in batches), then applied and relayed, then
 * acknowledged to connections that asked for acks.
 */
export class Room {
  readonly doc = new Y.Doc({ gc: false });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly conns = new Set<Connection>();
  /** Resolves once the stored state is applied; rejects if it could not be loaded. */
  readonly ready: Promise<void>;
  isReady = false;
  private queue: PendingWrite[] = [];
  private queuedBytes = 0;
  /** Server-side commits (restores) in progress: the room must not unload under them. */
  private pins = 0;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private isClosed = false;

  constructor(
    readonly name: string,
    private readonly options: RoomOptions,
  ) {
    this.awareness.setLocalState(null);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      // What came from storage is already everyone's to fetch: nobody needs it pushed at them.
      if (origin === 'storage') return;
      const message = syncMessage((e) => syncProtocol.writeUpdate(e, update));
      for (const conn of this.conns) if (conn !== origin) conn.send(message);
      if (origin !== 'fanout')
        this.options.fanout.publish({ kind: 'update', room: name, payload: update });
    });
    this.awareness.on(
      'update',
      (
        { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
        origin: unknown,
      ) => {
        const changed = added.concat(updated, removed);
        const conn = origin as Connection | null;
        if (conn && this.conns.has(conn)) {
          for (const id of added) conn.awarenessIds.add(id);
          for (const id of removed) conn.awarenessIds.delete(id);
        }
        const payload = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
        const message = awarenessMessage(payload);
        for (const c of this.conns) c.send(message);
        if (origin !== 'fanout')
          this.options.fanout.publish({ kind: 'awareness', room: name, payload });
      },
    );
    this.ready = this.load();
  }

  private async load(): Promise<void> {
    const rows = await this.options.store.loadUpdates(this.name);
    if (rows.length > 0) {
      try {
        Y.applyUpdate(this.doc, Y.mergeUpdates(rows.map((r) => r.update)), 'storage');
      } catch (error) {
        // One bad row must not take the others with it: apply one by one and report the rest.
        this.options.log.error(
          { room: this.name, err: error },
          'stored rows do not merge; applying one by one',
        );
        for (const row of rows) {
          try {
            Y.applyUpdate(this.doc, row.update, 'storage');
          } catch (rowError) {
            this.options.log.error(
              { room: this.name, seq: row.seq, err: rowError },
              'stored row skipped',
            );
          }
        }
      }
    }
    this.isReady = true;
  }

  /** Handles one message of a connection; throws MessageRefused for anything it refuses. */
  handle(conn: Connection, data: Uint8Array): void {
    let messageType: number;
    const decoder = decoding.createDecoder(data);
    try {
      messageType = decoding.readVarUint(decoder);
    } catch {
      throw new MessageRefused(CloseCode.badFrame, 'undecodable message');
    }
    switch (messageType) {
      case MessageType.sync:
        this.handleSync(conn, decoder);
        return;
      case MessageType.awareness: {
        let update: Uint8Array;
        try {
          update = decoding.readVarUint8Array(decoder);
        } catch {
          throw new MessageRefused(CloseCode.badFrame, 'undecodable awareness update');
        }
        if (update.byteLength > this.options.maxAwarenessBytes) {
          throw new MessageRefused(CloseCode.tooLarge, 'awareness update is too large');
        }
        try {
          awarenessProtocol.applyAwarenessUpdate(this.awareness, update, conn);
        } catch {
          throw new MessageRefused(CloseCode.badFrame, 'undecodable awareness update');
        }
        return;
      }
      case MessageType.queryAwareness: {
        const states = Array.from(this.awareness.getStates().keys());
        if (states.length > 0) {
          conn.send(
            awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, states)),
          );
        }
        return;
      }
      default:
        throw new MessageRefused(CloseCode.badFrame, `unknown message type ${messageType}`);
    }
  }

  private handleSync(conn: Connection, decoder: decoding.Decoder): void {
    let syncType: number;
    let payload: Uint8Array;
    try {
      syncType = decoding.readVarUint(decoder);
      payload = decoding.readVarUint8Array(decoder);
    } catch {
      throw new MessageRefused(CloseCode.badFrame, 'undecodable sync message');
    }
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      let stateVector: Map<number, number>;
      try {
        // The entry count comes first: refuse absurd vectors before decoding them.
        const count = decoding.readVarUint(decoding.createDecoder(payload));
        if (count > this.doc.store.clients.size + STATE_VECTOR_SLACK) {
          throw new MessageRefused(CloseCode.badFrame, 'state vector names too many clients');
        }
        stateVector = Y.decodeStateVector(payload);
      } catch (error) {
        if (error instanceof MessageRefused) throw error;
        throw new MessageRefused(CloseCode.badFrame, 'undecodable state vector');
      }
      this.sendState(conn, payload, stateVector).catch((error: unknown) => {
        this.options.log.error({ room: this.name, err: error }, 'could not send the stored state');
        conn.close(CloseCode.storageFailed, 'could not send the document; retry later');
      });
      return;
    }
    if (
      syncType !== syncProtocol.messageYjsSyncStep2 &&
      syncType !== syncProtocol.messageYjsUpdate
    ) {
      throw new MessageRefused(CloseCode.badFrame, `unknown sync message type ${syncType}`);
    }
    let effect: 'noop' | 'change';
    try {
      effect = inspectUpdate(this.doc, payload);
    } catch (error) {
      throw new MessageRefused(
        CloseCode.badFrame,
        error instanceof MalformedUpdate
          ? `update rejected: ${error.message}`
          : 'update rejected: Yjs cannot decode it',
      );
    }
    if (effect === 'noop') {
      conn.settleNoop(this.doc);
      return;
    }
    if (!conn.canWrite) {
      this.options.metrics.messagesRejected.inc({ reason: 'read_only' });
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.auth);
      authProtocol.writePermissionDenied(encoder, conn.readOnlyReason);
      conn.send(encoding.toUint8Array(encoder));
      return;
    }
    if (this.queuedBytes + payload.byteLength > this.options.maxQueuedBytes) {
      // Storage is behind: the sender keeps the update and re-sends it when it reconnects.
      throw new MessageRefused(CloseCode.storageFailed, 'storage is behind; retry later');
    }
    conn.pendingWrites++;
    this.queuedBytes += payload.byteLength;
    this.queue.push({ authorId: conn.member.id, conn, update: payload, at: this.options.now() });
    this.scheduleFlush();
  }

  private isFlushScheduled = false;

  /**
   * Flushes once the current turn of the event loop has read every socket, so that writes that
   * arrived together are committed in one transaction.
   */
  private scheduleFlush(): void {
    if (this.isFlushScheduled) return;
    this.isFlushScheduled = true;
    setImmediate(() => {
      this.isFlushScheduled = false;
      void this.flush();
    });
  }

  /**
   * Commits a change the server makes on a member's behalf (a restore): stored under that
   * member, then applied and relayed like any other write. Resolves once stored.
   */
  commit(update: Uint8Array, authorId: string): Promise<void> {
    this.pins++;
    this.queuedBytes += update.byteLength;
    return new Promise<void>((resolve, reject) => {
      const onSettled = (error?: Error) => (error ? reject(error) : resolve());
      this.queue.push({ authorId, conn: null, update, at: this.options.now(), onSettled });
      this.scheduleFlush();
    }).finally(() => {
      this.pins--;
    });
  }

  /**
   * Answers sync step 1. Small diffs go in one step-2 message; a big one goes as the stored rows
   * the client lacks, a chunk at a time with the socket drained in between (so keep-alives get
   * through), then a final step 2 that carries only the delete set.
   */
  private async sendState(
    conn: Connection,
    encodedStateVector: Uint8Array,
    stateVector: Map<number, number>,
  ): Promise<void> {
    const { syncChunkBytes, store } = this.options;
    const diff = Y.encodeStateAsUpdate(this.doc, encodedStateVector);
    if (diff.byteLength <= syncChunkBytes) {
      conn.send(syncMessage((e) => syncProtocol.writeSyncStep2(e, this.doc, encodedStateVector)));
    } else {
      const rows = await store.loadUpdates(this.name);
      let chunk: Uint8Array[] = [];
      let bytes = 0;
      const sendChunk = async () => {
        if (chunk.length === 0) return;
        const update = chunk.length === 1 ? chunk[0]! : Y.mergeUpdates(chunk);
        chunk = [];
        bytes = 0;
        await conn.sendDrained(syncMessage((e) => syncProtocol.writeUpdate(e, update)));
      };
      for (const row of rows) {
        if (!conn.isOpen) return;
        let missing: Uint8Array;
        try {
          missing =
            stateVector.size === 0 ? row.update : Y.diffUpdate(row.update, encodedStateVector);
          if (stateVector.size === 0) Y.decodeUpdate(missing);
        } catch (error) {
          this.options.log.error(
            { room: this.name, seq: row.seq, err: error },
            'stored row skipped',
          );
          continue;
        }
        if (isEmptyUpdate(missing)) continue;
        if (bytes + missing.byteLength > syncChunkBytes) await sendChunk();
        chunk.push(missing);
        bytes += missing.byteLength;
      }
      await sendChunk();
      const own = Y.encodeStateVector(this.doc);
      conn.send(syncMessage((e) => syncProtocol.writeSyncStep2(e, this.doc, own)));
    }
    if (conn.wantsAck) conn.sendAck(Y.encodeStateVector(this.doc));
  }

  /** Sends the server's own step 1 and the current awareness to a new connection. */
  greet(conn: Connection): void {
    conn.send(syncMessage((e) => syncProtocol.writeSyncStep1(e, this.doc)));
    const states = Array.from(this.awareness.getStates().keys());
    if (states.length > 0) {
      conn.send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, states)));
    }
  }

  /** Stores queued writes (one transaction per batch), then applies, relays and acknowledges. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      while (this.queue.length > 0 && this.retryTimer === null) {
        const batch = this.queue;
        this.queue = [];
        try {
          await this.options.store.appendUpdates(
            batch.map((w) => ({
              room: this.name,
              authorId: w.authorId,
              at: w.at,
              update: w.update,
            })),
          );
        } catch (error) {
          this.queue = batch.concat(this.queue);
          this.scheduleRetry(error);
          break;
        }
        this.failures = 0;
        for (const w of batch) this.queuedBytes -= w.update.byteLength;
        for (const w of batch) {
          this.options.metrics.updatesStored.inc();
          this.options.metrics.bytesStored.inc(w.update.byteLength);
          try {
            Y.applyUpdate(this.doc, w.update, w.conn);
          } catch (error) {
            this.options.log.error(
              { room: this.name, err: error },
              'stored update failed to apply',
            );
          }
          w.onSettled?.();
          w.conn?.settleWrite();
        }
        this.ackAll();
      }
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** Sends the stored state vector to every connection that asked for acks. */
  private ackAll(): void {
    let sv: Uint8Array | null = null;
    for (const c of this.conns) {
      if (!c.wantsAck) continue;
      sv ??= Y.encodeStateVector(this.doc);
      c.sendAck(sv);
    }
  }

  private scheduleRetry(error: unknown): void {
    this.failures++;
    this.options.metrics.storeFailures.inc();
    const delay = Math.min(5000, this.options.storeRetryMs * 2 ** (this.failures - 1));
    const isGivingUp =
      this.conns.size === 0 && this.failures > this.options.maxRetriesWithoutConnections;
    if (isGivingUp) {
      // Nobody is waiting for an ack, and the senders still hold these updates: they re-send them
      // on their next connection. Dropping them here lets the room unload instead of leaking.
      this.options.log.error(
        { room: this.name, err: error, dropped: this.queue.length },
        'storage keeps failing and nobody is connected: giving up; senders will re-send',
      );
      for (const w of this.queue) w.onSettled?.(new Error('storage is unavailable'));
      this.queue = [];
      this.queuedBytes = 0;
      return;
    }
    this.options.log.error(
      {
        room: this.name,
        err: error,
        attempt: this.failures,
        retryInMs: delay,
        pending: this.queue.length,
      },
      'storage write failed; will retry',
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.flush();
    }, delay);
  }

  /** True when nothing waits to be stored. */
  get isIdle(): boolean {
    return (
      this.queue.length === 0 &&
      this.flushing === null &&
      this.retryTimer === null &&
      this.pins === 0
    );
  }

  /** Relays what another process committed: applied and sent to local connections, not stored. */
  applyFanout(kind: 'update' | 'awareness', payload: Uint8Array): void {
    if (kind === 'update') Y.applyUpdate(this.doc, payload, 'fanout');
    else awarenessProtocol.applyAwarenessUpdate(this.awareness, payload, 'fanout');
  }

  removeConnection(conn: Connection): void {
    if (!this.conns.delete(conn)) return;
    if (conn.awarenessIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, Array.from(conn.awarenessIds), null);
    }
  }

  /** Waits for pending writes (used when draining). Retries keep going until they succeed. */
  async drain(): Promise<void> {
    while (!this.isIdle && !this.isClosed) {
      if (this.flushing) await this.flushing;
      else if (this.retryTimer) await new Promise((r) => setTimeout(r, 20));
      else await this.flush();
    }
  }

  destroy(): void {
    this.isClosed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.awareness.destroy();
    this.doc.destroy();
  }
}

export type { WebSocket };

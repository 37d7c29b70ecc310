import { CloseCode, MessageType, stampPresence } from '@grassroots/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebSocket } from 'ws';
import * as authProtocol from 'y-protocols/auth';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { DocStore, Member, NewUpdate, StoredUpdate } from '../storage/DocStore.ts';
import type { WorkBudget } from '../workBudget.ts';
import {
  decodeAwarenessEntries,
  encodeAwarenessEntries,
  MalformedAwareness,
  parseAwarenessState,
} from './awareness.ts';
import { asBuffer, type Connection, TokenBucket } from './Connection.ts';
import { encodeStructChunks } from './chunks.ts';
import type { FanoutPort, RoomMessage } from './Fanout.ts';
import { binaryFrame, encodeStateVector, syncUpdateFrame } from './frames.ts';
import { IntegrationTooCostly, withIntegrationBudget } from './integrationBudget.ts';
import {
  assertIntegratedShallow,
  clocksOf,
  countUpdateParts,
  inspectUpdate,
  MalformedUpdate,
  structClients,
} from './updates.ts';

export type RoomOptions = {
  store: DocStore;
  /**
   * Stores a batch of this room's writes, resolving with their seqs; the relay commits the
   * batches of all rooms of one turn together (CommitBatcher). Default `store.appendUpdates`.
   */
  append?: (rows: readonly NewUpdate[]) => Promise<number[]>;
  log: Logger;
  metrics: Metrics;
  fanout: FanoutPort;
  /** Largest chunk of a first sync sent in one message, bytes. */
  syncChunkBytes: number;
  /**
   * First syncs one member may be sent here, as bytes of the doc a second and a burst (SYNC-2).
   * Default 4 MiB/s and 64 MiB.
   */
  syncBytesPerSecond?: number;
  syncBurstBytes?: number;
  /**
   * The members' first-sync budgets (SYNC-2), shared by the rooms of a process so that spreading
   * over many documents does not multiply a member's share; a room of its own without it.
   */
  syncBudgets?: Map<string, TokenBucket>;
  /** How long a peer may take to receive one chunk of a first sync before it is dropped, ms. */
  syncDrainTimeoutMs?: number;
  /** First retry delay after a failed storage write, ms; doubles up to 5 s. */
  storeRetryMs: number;
  /** Failed writes retried this many times after the last connection left, then given up. */
  maxRetriesWithoutConnections: number;
  /** Bytes of writes that may wait for storage; past it senders are asked to come back later. */
  maxQueuedBytes: number;
  /** Largest awareness update accepted, bytes. */
  maxAwarenessBytes: number;
  /** Entries one awareness update may carry. */
  maxAwarenessEntries: number;
  /** Bytes of structs waiting for dependencies a room keeps before dropping them. */
  maxPendingBytes: number;
  /** UPD-11: the process's count of such bytes over every room, with its own limit. */
  pendingBytes?: PendingBytes;
  /** UPD-10: steps of Yjs's conflict walks one client update may take (`integrationBudget.ts`). */
  maxIntegrationSteps?: number;
  /** UPD-14: structs the doc may hold; a client update that could take it past them is refused. */
  maxDocStructs?: number;
  /** Deepest nesting of one awareness state. */
  maxAwarenessDepth: number;
  /** Awareness client ids one connection may own at once. */
  maxAwarenessIdsPerConnection: number;
  /** UTF-8 bytes of one presence state of the sender's own (AW-8). */
  maxPresenceStateBytes: number;
  /**
   * How often, at most, a connection is acknowledged alone or told the new stored state vector
   * with a relay, ms (UPD-7): an author's ack rides with a relay to it at once, otherwise waits
   * for one until this interval is out. Default 250.
   */
  ackIntervalMs?: number;
  /**
   * The one timer of the process that sends the acks that found no relay to ride with (UPD-7),
   * with the same `ackIntervalMs`. Default a timer of this room's own.
   */
  readerAcks?: ReaderAcks;
  /**
   * Called once when an update failed to apply half-way, so the doc in memory may no longer be
   * what storage holds: the owner stores what is pending, closes every connection and unloads the
   * room, which reloads from storage on the next connection.
   */
  onTainted: (room: Room) => void;
  /**
   * Checks a write before it applies (the index room refuses relisting a deleted doc, DEL-2):
   * a reason refuses it like a viewer's write (permission denied; neither stored nor relayed,
   * the connection stays); null lets it through. Changes the server makes are not checked.
   */
  refuseWrite?: (update: Uint8Array, doc: Y.Doc, member: Member) => string | null;
  /**
   * Viewers may write here too (a comments doc, CMT-1): `refuseWrite` then decides alone what a
   * write may change. Default false: a viewer's write is refused.
   */
  isOpenToViewers?: boolean;
  /** Each member's share of the main thread (WORK-1): decoding and applying updates draw on it. */
  work?: WorkBudget;
  /** Each member's bytes of changes (WRITE-1): what its updates add is charged to it. */
  writeBytes?: WorkBudget;
  /** The member whose connection loads the room: reading and applying its rows is charged to it. */
  loadedFor?: string;
  now: () => number;
};

/** What a first sync counts against its member's budget at least (an empty doc costs too). */
const MIN_SYNC_COST_BYTES = 16 * 1024;
/** Owner of an awareness client id that lives on another relay process. */
const ELSEWHERE = 'elsewhere';
/** Transaction origin of a write being integrated, so its effect can be captured. */
const INTEGRATING = Symbol('integrating');

/** A reader's ack waits about this many ack intervals for a relay to ride with (UPD-7). */
const READER_ACK_WAIT = 4;

/** State vectors may name this many clients beyond those the doc knows. */
const STATE_VECTOR_SLACK = 10_000;

/**
 * UPD-9: parts (structs, values, deletion ranges) one update may have: a device's first sync of
 * a year's plan has a few tens of thousands; decoding this many takes about 0.6 s.
 */
export const MAX_UPDATE_PARTS = 500_000;

/** AW-7: entries an awareness update may have beyond the ids the room knows and its own new ones. */
const AWARENESS_SLACK = 4;

type PendingWrite = {
  authorId: string;
  /** The connection it came from; null for changes the server makes (a restore). */
  conn: Connection | null;
  /**
   * What the write changed in the room's doc, as Yjs encoded it when it integrated the write:
   * this, never the sender's bytes, is stored, so every stored row is one Yjs itself produced.
   * Null for a write that changed nothing, or a barrier: settled in order with the others.
   */
  update: Uint8Array | null;
  at: number;
  /** Called once the write is stored and applied, or with the error when it was given up. */
  /** Called once stored (with the row's seq when the write stored one) or refused. */
  onSettled?: (error?: Error, seq?: number) => void;
  /**
   * A barrier's (see `whenStored`): called as its batch is taken to be stored, the one moment the
   * doc holds nothing beyond what storage holds once that batch commits. Again if it is retried.
   */
  onTaken?: () => void;
};

// Messages are Buffers: `ws` would otherwise wrap a Uint8Array in one for every recipient.
const syncMessage = (write: (encoder: encoding.Encoder) => void): Buffer => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  write(encoder);
  return asBuffer(encoding.toUint8Array(encoder));
};

const awarenessMessage = (update: Uint8Array): Buffer => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.awareness);
  encoding.writeVarUint8Array(encoder, update);
  return asBuffer(encoding.toUint8Array(encoder));
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
 * A write is integrated into the doc first (so one that cannot apply is refused before anything
 * is stored), then stored with what it changed (in batches), then relayed, then acknowledged.
 * Until it is stored nobody else sees it: relays, first syncs and acks wait for storage.
 */
export class Room {
  readonly doc = new Y.Doc({ gc: false });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly conns = new Set<Connection>();
  /** Resolves once the stored state is applied; rejects if it could not be loaded. */
  readonly ready: Promise<void>;
  isReady = false;
  /** An update failed half-way: the doc may differ from storage, so the room must reload. */
  isTainted = false;
  private queue: PendingWrite[] = [];
  private queuedBytes = 0;
  /** A batch is being written to storage. */
  private isStoring = false;
  /** The state vector of what is stored, as of the last batch (see `storedStateVector`). */
  private lastStoredSV: Uint8Array = Y.encodeStateVector(new Y.Doc());
  /** Bytes of the doc's updates, roughly: a small doc's first sync needs no chunking. */
  private approxBytes = 0;
  /** Who owns each awareness client id: the connection that set it, or another process. */
  private readonly awarenessOwners = new Map<number, Connection | typeof ELSEWHERE>();
  /** Every presence state as one framed message, until presence changes (AW-5). */
  private allAwareness: Buffer | null = null;
  /** Updates the doc emitted while a write was being integrated. */
  private captured: Uint8Array[] | null = null;
  /**
   * UPD-13: the member each Yjs client id of this room writes for: the author of the first row,
   * or of the first update taken, with structs under it.
   */
  private readonly clientOwners = new Map<number, string>();
  /** While a catch-up applies rows: what they change, relayed once they all applied. */
  private heldRelays: Uint8Array[] | null = null;
  /** Server-side commits (restores) in progress: the room must not unload under them. */
  private pins = 0;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private isClosed = false;
  /** Every stored row up to this seq is in the doc (FAN-5). */
  private appliedSeq = 0;
  /** The highest seq anyone said is stored (a doorbell, a periodic check, an own append). */
  private knownSeq = 0;
  private catchingUp: Promise<void> | null = null;
  /** Awareness updates of this process's connections, published together once per turn. */
  private awarenessOut: Uint8Array[] = [];
  /** Sends the acks that found no relay to ride with (see `ackAfterRelays`). */
  private readonly readerAcks: ReaderAcks;
  /** The doc's encoded state vector, until the doc next changes (see `stateVector`). */
  private encodedSV: Uint8Array | null = null;

  constructor(
    readonly name: string,
    private readonly options: RoomOptions,
  ) {
    this.readerAcks = options.readerAcks ?? new ReaderAcks(options.ackIntervalMs ?? 250);
    this.awareness.setLocalState(null);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      this.encodedSV = null;
      if (origin === INTEGRATING) {
        this.captured?.push(update);
        return;
      }
      // Another process stored it already; local connections get it now (or once the catch-up
      // that applies it is known to stand).
      if (origin === 'fanout') {
        if (this.heldRelays) this.heldRelays.push(update);
        else this.relay(update, null);
      }
    });
    this.awareness.on(
      'update',
      (
        { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
        origin: unknown,
      ) => {
        this.trackOwners(added.concat(updated), removed, origin);
        this.allAwareness = null;
        const changed = added.concat(updated, removed);
        const payload = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
        const message = awarenessMessage(payload);
        const frame = binaryFrame(message);
        for (const c of this.conns) c.sendFrame(frame);
        if (origin !== 'fanout') this.publishAwareness(payload);
      },
    );
    this.ready = this.load();
  }

  private async load(): Promise<void> {
    const { work, loadedFor } = this.options;
    const rows = await this.options.store.loadUpdates(this.name);
    const apply = () => this.applyStoredRows(rows, 'storage');
    if (work && loadedFor !== undefined) work.run(loadedFor, apply);
    else apply();
    this.lastStoredSV = this.stateVector();
    this.appliedSeq = rows[rows.length - 1]?.seq ?? 0;
    this.isReady = true;
    // Doorbells heard while loading name rows this load may not have read.
    if (this.knownSeq > this.appliedSeq) void this.catchUp();
  }

  /**
   * FAN-5: the store holds rows of this room up to `seq` (another process stored them, or a
   * periodic check read it). Rows this doc lacks are read from the store and applied; they reach
   * this process's connections like any other change, and are never stored again.
   */
  noteStored(seq: number): void {
    if (seq <= this.knownSeq) return;
    this.knownSeq = seq;
    if (this.isReady && seq > this.appliedSeq) void this.catchUp();
  }

  /**
   * Stored rows, row by row in one transaction: as fast as applying one merged update, and far
   * faster than merging thousands of small updates first (seconds for a doc of 10,000 edits). A
   * row that fails is logged and skipped (only rows stored before updates were integrated ahead
   * of storing, UPD-2, can); one past UPD-10's steps stops them all.
   */
  private applyStoredRows(rows: readonly StoredUpdate[], origin: 'storage' | 'fanout'): void {
    // UPD-14: rows (another process's among them) add structs no bound here counted.
    this.structsAtMost = Number.POSITIVE_INFINITY;
    this.doc.transact(() => {
      for (const row of rows) {
        this.approxBytes += row.update.byteLength;
        this.claimClients(row.update, row.authorId);
        try {
          Y.applyUpdate(this.doc, row.update, origin);
        } catch (error) {
          if (error instanceof IntegrationTooCostly) throw error;
          this.options.log.error(
            { room: this.name, seq: row.seq, err: error },
            'stored row skipped',
          );
        }
      }
    }, origin);
  }

  /** UPD-13: the client ids a stored row or a server write has structs under go to its author. */
  private claimClients(update: Uint8Array, authorId: string): void {
    let clients: number[];
    try {
      clients = structClients(update);
    } catch {
      // A row Yjs cannot read either is skipped when applied.
      return;
    }
    for (const client of clients) {
      if (!this.clientOwners.has(client)) this.clientOwners.set(client, authorId);
    }
  }

  /** Reads and applies the rows after `appliedSeq` until the doc has everything known stored. */
  private catchUp(): Promise<void> {
    if (this.catchingUp) return this.catchingUp;
    this.catchingUp = (async () => {
      while (this.knownSeq > this.appliedSeq && !this.isClosed && !this.isTainted) {
        const rows = await this.options.store.loadUpdates(this.name, {
          afterSeq: this.appliedSeq,
        });
        if (this.isClosed || this.isTainted) return;
        if (rows.length === 0) {
          // Nothing there (a doorbell from a store that was reset): believe the store.
          this.knownSeq = this.appliedSeq;
          return;
        }
        // UPD-10: a stored row can set off structs a client left waiting in this room, which no
        // relay bounded yet: applied within the steps of as many client updates. Past them the
        // room reloads from storage, which never held those structs.
        const steps = this.options.maxIntegrationSteps;
        const applyRows = () => this.applyStoredRows(rows, 'fanout');
        // What the rows change goes out only once they all applied: a catch-up cut short would
        // relay a part that the reloaded room never holds.
        const held: Uint8Array[] = [];
        this.heldRelays = held;
        try {
          if (steps === undefined) applyRows();
          else withIntegrationBudget(steps * rows.length, applyRows);
        } catch (error) {
          this.heldRelays = null;
          if (!(error instanceof IntegrationTooCostly)) throw error;
          this.options.metrics.updatesUnappliable.inc();
          this.options.log.error(
            { room: this.name, err: error },
            'structs waiting here took too much work to place; the room reloads from storage',
          );
          if (!this.isTainted) {
            this.isTainted = true;
            this.options.onTainted(this);
          }
          return;
        }
        this.heldRelays = null;
        for (const update of held) this.relay(update, null);
        this.boundPending();
        this.appliedSeq = Math.max(this.appliedSeq, rows[rows.length - 1]!.seq);
        this.options.metrics.rowsCaughtUp.inc(rows.length);
        // Applied rows are stored: they count for acks once nothing of ours is on its way.
        if (!this.hasUnstored) this.lastStoredSV = this.stateVector();
        this.ackAfterRelays(true, null);
      }
    })()
      .catch((error: unknown) => {
        // The store is away: the next doorbell or periodic check tries again.
        this.options.log.warn({ room: this.name, err: error }, 'could not catch up from storage');
      })
      .finally(() => {
        this.catchingUp = null;
      });
    return this.catchingUp;
  }

  /** The seq up to which every stored row is in the doc. */
  get storedSeq(): number {
    return this.appliedSeq;
  }

  private publishAwareness(payload: Uint8Array): void {
    this.awarenessOut.push(payload);
    if (this.awarenessOut.length > 1) return;
    setImmediate(() => {
      const payloads = this.awarenessOut;
      this.awarenessOut = [];
      if (payloads.length > 0 && !this.isClosed)
        this.options.fanout.publish({ kind: 'awareness', room: this.name, payloads });
    });
  }

  /** Handles one message of a connection; throws MessageRefused for anything it refuses. */
  handle(conn: Connection, data: Uint8Array): void {
    if (this.isTainted) {
      throw new MessageRefused(CloseCode.roomReset, 'the document is reloading; reconnect');
    }
    let messageType: number;
    const decoder = decoding.createDecoder(data);
    try {
      messageType = decoding.readVarUint(decoder);
    } catch {
      throw new MessageRefused(CloseCode.badFrame, 'undecodable message');
    }
    if (messageType === MessageType.awareness) {
      let update: Uint8Array;
      try {
        update = decoding.readVarUint8Array(decoder);
      } catch {
        throw new MessageRefused(CloseCode.badFrame, 'undecodable awareness update');
      }
      this.handleAwareness(conn, update);
      return;
    }
    // Awareness counts only for what it carries of the sender's own (see handleAwareness).
    this.spend(conn);
    switch (messageType) {
      case MessageType.sync:
        this.handleSync(conn, decoder);
        return;
      case MessageType.queryAwareness: {
        // AW-5: every state, encoded once per change and sent as the same frame to every query
        // (encoded per query, 1,000 one-byte queries on 3.8 MB of presence held the relay 7.7 s);
        // nothing for a connection already on its way out.
        if (!conn.isOpen || conn.isClosing) return;
        const states = Array.from(this.awareness.getStates().keys());
        if (states.length === 0) return;
        this.allAwareness ??= binaryFrame(
          awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, states)),
        );
        conn.sendFrame(this.allAwareness);
        return;
      }
      default:
        throw new MessageRefused(CloseCode.badFrame, `unknown message type ${messageType}`);
    }
  }

  private spend(conn: Connection): void {
    if (!conn.bucket.take()) {
      throw new MessageRefused(CloseCode.rateLimited, 'too many messages; slow down');
    }
  }

  /**
   * Applies the entries of an awareness update that are the sender's own (rules AW-1 to AW-4 in
   * SPEC.md). A connection owns the client ids it was first to set; a later connection of the
   * same member may take one over with a newer clock (the same device reconnecting before its
   * old socket timed out). Everything else, above all the echoes every stock client sends of
   * what it heard (they repeat the clock the relay has), is dropped silently: never applied,
   * relayed or counted against the sender's message rate. A state of its own that is not a
   * shallow JSON object is refused.
   */
  private handleAwareness(conn: Connection, update: Uint8Array): void {
    const { maxAwarenessBytes, maxAwarenessEntries, maxAwarenessDepth, metrics } = this.options;
    if (update.byteLength > maxAwarenessBytes) {
      throw new MessageRefused(CloseCode.tooLarge, 'awareness update is too large');
    }
    let entries: ReturnType<typeof decodeAwarenessEntries>;
    // AW-7: a stock client sends its own states and echoes of states it heard from the relay, so
    // an update names at most the ids the room knows and a few new ones of the sender's.
    // (Every state has its meta; a removed one keeps it.)
    const known = this.awareness.meta.size;
    const newIds = this.options.maxAwarenessIdsPerConnection + AWARENESS_SLACK;
    try {
      entries = decodeAwarenessEntries(update, {
        maxEntries: Math.min(maxAwarenessEntries, known + newIds),
        maxDepth: maxAwarenessDepth,
      });
    } catch (error) {
      const why = error instanceof MalformedAwareness ? error.message : 'undecodable';
      throw new MessageRefused(CloseCode.badFrame, `awareness update refused: ${why}`);
    }
    const own: typeof entries = [];
    let claimed = 0;
    let isIdle = false;
    for (const entry of entries) {
      const owner = this.awarenessOwners.get(entry.clientId);
      const isOwn = owner === conn;
      // Removing a state nobody here ever had is no echo: the message is counted (AW-7).
      if (entry.json === 'null' && !this.awareness.meta.has(entry.clientId)) isIdle = true;
      // Echoes repeat the clock the relay already has; only a newer clock may claim an id.
      const isNewer = entry.clock > (this.awareness.meta.get(entry.clientId)?.clock ?? -1);
      const mayClaim =
        isNewer &&
        (owner === undefined
          ? entry.json !== 'null'
          : owner !== ELSEWHERE && owner.member.id === conn.member.id);
      if (!isOwn && !mayClaim) {
        metrics.awarenessDropped.inc();
        continue;
      }
      if (
        !isOwn &&
        conn.awarenessIds.size + ++claimed > this.options.maxAwarenessIdsPerConnection
      ) {
        metrics.awarenessDropped.inc();
        continue;
      }
      // AW-8: a state of one's own is a name, a colour and a caret, not a store. Counted in UTF-8
      // bytes (at most three a UTF-16 unit: short states are not counted at all).
      const limit = this.options.maxPresenceStateBytes;
      if (entry.json.length * 3 > limit && Buffer.byteLength(entry.json) > limit) {
        throw new MessageRefused(
          CloseCode.tooLarge,
          'awareness update refused: a state is too large',
        );
      }
      const state = parseAwarenessState(entry.json, maxAwarenessDepth);
      if (state === undefined) {
        throw new MessageRefused(
          CloseCode.badFrame,
          'awareness update refused: a state must be a JSON object of a few levels',
        );
      }
      // AW-6: the state says who the member is; a caret nobody can read is dropped.
      own.push(
        state === null
          ? entry
          : { ...entry, json: JSON.stringify(stampPresence(state, conn.member)) },
      );
    }
    if (own.length === 0) {
      if (isIdle) this.spend(conn);
      return;
    }
    this.spend(conn);
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(own), conn);
  }

  /** Keeps `awarenessOwners` and each connection's `awarenessIds` in step with the states. */
  private trackOwners(set: number[], removed: number[], origin: unknown): void {
    const owner =
      origin === 'fanout' ? ELSEWHERE : this.conns.has(origin as Connection) ? origin : null;
    for (const id of set) {
      if (owner === null) continue;
      const previous = this.awarenessOwners.get(id);
      if (previous === owner) continue;
      if (previous !== undefined && previous !== ELSEWHERE) previous.awarenessIds.delete(id);
      this.awarenessOwners.set(id, owner as Connection | typeof ELSEWHERE);
      if (owner !== ELSEWHERE) (owner as Connection).awarenessIds.add(id);
    }
    for (const id of removed) {
      const previous = this.awarenessOwners.get(id);
      if (previous !== undefined && previous !== ELSEWHERE) previous.awarenessIds.delete(id);
      this.awarenessOwners.delete(id);
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
      this.askState(conn, payload, stateVector);
      return;
    }
    if (
      syncType !== syncProtocol.messageYjsSyncStep2 &&
      syncType !== syncProtocol.messageYjsUpdate
    ) {
      throw new MessageRefused(CloseCode.badFrame, `unknown sync message type ${syncType}`);
    }
    // UPD-9: decoding and applying an update is work its sender decides the cost of: charged to
    // the member's share of the main thread (WORK-1), and refused unread past a count of parts.
    const work = this.options.work;
    const memberId = conn.member.id;
    if (work && work.waitFor(memberId) > 0) {
      throw new MessageRefused(CloseCode.rateLimited, 'too much work; slow down');
    }
    /** Runs work for the sender, charged to its share when there is one. */
    const charged = <T>(run: () => T): T => (work ? work.run(memberId, run) : run());
    let effect: 'noop' | 'change';
    const writing = new Set<number>();
    let parts = 0;
    try {
      effect = charged(() => {
        parts = countUpdateParts(payload, MAX_UPDATE_PARTS);
        if (parts > MAX_UPDATE_PARTS) {
          throw new MessageRefused(CloseCode.tooLarge, 'update rejected: too many parts');
        }
        return inspectUpdate(this.doc, payload, writing);
      });
    } catch (error) {
      if (error instanceof MessageRefused) throw error;
      throw new MessageRefused(
        CloseCode.badFrame,
        error instanceof MalformedUpdate
          ? `update rejected: ${error.message}`
          : 'update rejected: Yjs cannot decode it',
      );
    }
    const refusal =
      effect !== 'change'
        ? null
        : !conn.canWrite && !this.options.isOpenToViewers
          ? conn.readOnlyReason
          : (this.options.refuseWrite?.(payload, this.doc, conn.member) ?? null);
    if (refusal !== null) {
      this.options.metrics.messagesRejected.inc({
        reason: conn.canWrite ? 'refused_write' : 'read_only',
      });
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.auth);
      authProtocol.writePermissionDenied(encoder, refusal);
      conn.send(encoding.toUint8Array(encoder));
      return;
    }
    // UPD-13: a client id writes for one member. Another member's device writing under it, at
    // clocks its owner has not sent yet, would make the owner's own changes there look stored:
    // the relay answers them as already held, and they are lost.
    for (const client of writing) {
      const owner = this.clientOwners.get(client);
      if (owner !== undefined && owner !== memberId) {
        this.options.metrics.messagesRejected.inc({ reason: 'foreign_client' });
        throw new MessageRefused(
          CloseCode.badFrame,
          "update rejected: it writes under another member's device id",
        );
      }
    }
    // WRITE-1: a member who added their share of bytes waits, closed out (the device sends the
    // rest again once it reconnects), so no one member fills the disk. Only a write that would
    // change the doc: a device's step 2 holding nothing new (every first sync ends with one)
    // passes, so the member still reads.
    const { writeBytes } = this.options;
    if (effect === 'change' && writeBytes && writeBytes.waitFor(memberId) > 0) {
      throw new MessageRefused(CloseCode.rateLimited, 'too much written; slow down');
    }
    if (
      effect === 'change' &&
      this.queuedBytes + payload.byteLength > this.options.maxQueuedBytes
    ) {
      // Storage is behind: the sender keeps the update and re-sends it when it reconnects.
      throw new MessageRefused(CloseCode.storageFailed, 'storage is behind; retry later');
    }
    // UPD-14: a struct of the update adds at most three to the doc (itself, and the items its
    // origins split), a deleted range two (the items split at its ends); every part counts as
    // both, an upper bound read before anything is applied.
    if (effect === 'change' && !this.hasRoomForStructs(3 * parts, charged)) {
      this.options.metrics.messagesRejected.inc({ reason: 'doc_full' });
      throw new MessageRefused(
        CloseCode.tooLarge,
        'update rejected: the document holds too many parts; start a new one',
      );
    }
    for (const client of writing) {
      if (!this.clientOwners.has(client)) this.clientOwners.set(client, memberId);
    }
    const dropsBefore = this.pendingDrops;
    const update = effect === 'change' ? charged(() => this.integrate(payload)) : null;
    if (update) writeBytes?.charge(memberId, update.byteLength);
    this.enqueue({ authorId: conn.member.id, conn, update, at: this.options.now() });
    // What it sent waited for changes the room lacks and was dropped (at once in the index room,
    // DEL-2): the relay's own step 1 asks the device, which answers with everything the relay
    // lacks, the dependencies with it, instead of waiting for its next reconnect.
    if (this.pendingDrops !== dropsBefore) {
      conn.send(syncMessage((e) => syncProtocol.writeSyncStep1(e, this.doc)));
    }
  }

  /**
   * Applies an update to the doc and returns what it changed, as Yjs encodes it (null when it
   * changed nothing, or only waits for structs it depends on). An update that throws half-way
   * may have changed the doc: the room is tainted and reloads; the update is refused.
   * `isBounded`: a client's update, within UPD-10's steps; the server's own changes are not.
   */
  private integrate(update: Uint8Array, isBounded = true): Uint8Array | null {
    const store = this.doc.store;
    // Structs placed without UPD-14's bound (stored rows, the server's own changes): counted
    // afresh at the next client update.
    if (!isBounded) this.structsAtMost = Number.POSITIVE_INFINITY;
    // Structs that wait for a dependency integrate during a later update, whoever sends it.
    const hadPending = store.pendingStructs !== null || store.pendingDs !== null;
    const captured: Uint8Array[] = [];
    this.captured = captured;
    try {
      const steps = isBounded ? this.options.maxIntegrationSteps : undefined;
      // UPD-12: structs that waited were counted from the top; measured once they are placed.
      const before = hadPending && isBounded ? clocksOf(this.doc) : null;
      if (steps === undefined) Y.applyUpdate(this.doc, update, INTEGRATING);
      else withIntegrationBudget(steps, () => Y.applyUpdate(this.doc, update, INTEGRATING));
      if (before) assertIntegratedShallow(this.doc, before);
    } catch (error) {
      this.options.metrics.updatesUnappliable.inc();
      if (!this.isTainted) {
        this.isTainted = true;
        this.options.log.error(
          { room: this.name, err: error, hadPending },
          'an update failed to apply; the room reloads from storage',
        );
        this.options.onTainted(this);
      }
      // With structs pending, the update may only have set them off (someone else's, perhaps
      // too costly to place): the sender reconnects and re-sends to the reloaded room (which
      // never stored them) instead of being refused.
      if (hadPending) {
        throw new MessageRefused(CloseCode.roomReset, 'the document is reloading; reconnect');
      }
      if (error instanceof IntegrationTooCostly) {
        throw new MessageRefused(CloseCode.tooLarge, `update rejected: ${error.message}`);
      }
      throw new MessageRefused(CloseCode.badFrame, 'update rejected: it cannot be applied');
    } finally {
      this.captured = null;
    }
    this.boundPending();
    if (captured.length === 0) return null;
    return captured.length === 1 ? captured[0]! : Y.mergeUpdates(captured);
  }

  /**
   * UPD-14: an upper bound of the structs the doc holds: counted exactly when it would pass
   * `maxDocStructs` (a walk over every client's structs), otherwise raised by each update's
   * bound; unknown (infinite) until the first count.
   */
  private structsAtMost = Number.POSITIVE_INFINITY;

  /**
   * True, and the bound raised, when `growth` more structs stay within `maxDocStructs`; a count
   * of the doc's structs runs through `charge` (the sender's share of work, WORK-1).
   */
  private hasRoomForStructs(growth: number, charge: <T>(run: () => T) => T): boolean {
    const max = this.options.maxDocStructs;
    if (max === undefined) return true;
    if (this.structsAtMost + growth > max) {
      const held = charge(() => {
        // Structs and deletions waiting for their dependencies are placed (and split items) by
        // a later update whose own bound knows nothing of them: they count by their parts.
        let n = 3 * this.waitingParts();
        for (const structs of this.doc.store.clients.values()) n += structs.length;
        return n;
      });
      this.structsAtMost = held;
      if (held + growth > max) return false;
    }
    this.structsAtMost += growth;
    return true;
  }

  /** UPD-14: parts of the structs and deletions waiting for dependencies (kept by Yjs as v2). */
  private waitingParts(): number {
    const { pendingStructs, pendingDs } = this.doc.store;
    let parts = 0;
    for (const waiting of [pendingStructs?.update, pendingDs]) {
      if (waiting) {
        parts += countUpdateParts(Y.convertUpdateFormatV2ToV1(waiting), Number.POSITIVE_INFINITY);
      }
    }
    return parts;
  }

  /** Times structs waiting for dependencies were dropped (see `boundPending`). */
  private pendingDrops = 0;

  /**
   * Structs waiting for dependencies that never come would stay in memory until the room
   * unloads: past `maxPendingBytes` they are dropped. Nothing of them was stored or acknowledged,
   * so a client that really has the dependencies sends them all again when it reconnects.
   */
  private boundPending(): void {
    const store = this.doc.store;
    const bytes =
      (store.pendingStructs?.update.byteLength ?? 0) + (store.pendingDs?.byteLength ?? 0);
    const { pendingBytes } = this.options;
    if (bytes <= this.options.maxPendingBytes && (pendingBytes?.hold(this.name, bytes) ?? true))
      return;
    store.pendingStructs = null;
    store.pendingDs = null;
    pendingBytes?.hold(this.name, 0);
    this.pendingDrops++;
    this.options.metrics.pendingDropped.inc();
    this.options.log.warn({ room: this.name, bytes }, 'dropped structs waiting for dependencies');
  }

  /**
   * Queues a write (or a no-op, or a barrier) to settle in order. A no-op with nothing ahead of
   * it settles at once.
   */
  private enqueue(write: PendingWrite): void {
    if (write.update === null && !this.hasUnstored) {
      write.onTaken?.();
      write.onSettled?.();
      if (write.conn) {
        write.conn.writesSettled++;
        write.conn.sendAck(this.storedStateVector(), this.appliedSeq);
      }
      return;
    }
    if (write.conn) write.conn.pendingWrites++;
    if (write.update) this.queuedBytes += write.update.byteLength;
    this.queue.push(write);
    this.scheduleFlush();
  }

  /** True while something applied to the doc is not yet stored. */
  private get hasUnstored(): boolean {
    return this.queue.length > 0 || this.isStoring;
  }

  /** The state vector of what storage holds: the doc's, unless writes are on their way. */
  private storedStateVector(): Uint8Array {
    return this.hasUnstored ? this.lastStoredSV : this.stateVector();
  }

  /**
   * The doc's state vector, encoded once per change of the doc: a batch's state vector and the
   * acks after it are the same bytes (and the same object, which makes repeats cheap to spot).
   */
  private stateVector(): Uint8Array {
    this.encodedSV ??= encodeStateVector(this.doc.store.clients);
    return this.encodedSV;
  }

  /**
   * Resolves, once everything applied to the doc so far is stored, with what `read` made of the
   * doc when it held only what was stored then (UPD-4). Reading the doc once the wait is over is
   * not that: writes are integrated as they arrive, so those that came while the wait's batch was
   * being stored are in the doc, still unstored, and a SIGKILL before their commit loses them.
   */
  private whenStored<T>(read: () => T): Promise<T> {
    if (!this.hasUnstored) return new Promise((resolve) => resolve(read()));
    return new Promise((resolve, reject) => {
      let outcome: { value: T } | { error: unknown } = { error: new Error('never read') };
      const onTaken = () => {
        try {
          outcome = { value: read() };
        } catch (error) {
          outcome = { error };
        }
      };
      const onSettled = (error?: Error) => {
        if (error) reject(error);
        else if ('error' in outcome) reject(outcome.error);
        else resolve(outcome.value);
      };
      this.enqueue({ authorId: '', conn: null, update: null, at: 0, onSettled, onTaken });
    });
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
   * Commits a change the server makes on a member's behalf (a restore): checked as their write
   * when `member` is given (DEL-5), integrated, stored under that member, then relayed like any
   * other write. Resolves once stored, with the row's seq
   * (null when the doc had all of it already).
   */
  commit(update: Uint8Array, authorId: string, member?: Member): Promise<number | null> {
    if (this.isTainted) return Promise.reject(new Error('the document is reloading'));
    // DEL-5: a change made on a member's behalf passes the room's checks like their own write
    // (a restore of the index must not list a deleted doc again).
    const refusal = member ? (this.options.refuseWrite?.(update, this.doc, member) ?? null) : null;
    if (refusal !== null) return Promise.reject(new WriteRefused(refusal));
    if (member) {
      // WRITE-1 and UPD-14 hold for a change made on a member's behalf as for their own writes:
      // restoring a large version again and again stored a copy each time, 17 times WRITE-1's
      // rate, and took a doc past its structs.
      const wait = this.options.writeBytes?.waitFor(member.id) ?? 0;
      if (wait > 0) {
        return Promise.reject(new WriteRefused('too much written', 'tooMuchWritten', wait));
      }
      const { work } = this.options;
      const charge = <T>(run: () => T): T => (work ? work.run(member.id, run) : run());
      const parts = charge(() => countUpdateParts(update, Number.POSITIVE_INFINITY));
      if (!this.hasRoomForStructs(3 * parts, charge)) {
        this.options.metrics.messagesRejected.inc({ reason: 'doc_full' });
        return Promise.reject(new WriteRefused('the document holds too many parts', 'docFull'));
      }
    }
    this.pins++;
    return new Promise<number | null>((resolve, reject) => {
      const onSettled = (error?: Error, seq?: number) =>
        error ? reject(error) : resolve(seq ?? null);
      this.claimClients(update, authorId);
      const effect = this.integrate(update, false);
      if (member && effect) this.options.writeBytes?.charge(member.id, effect.byteLength);
      this.enqueue({ authorId, conn: null, update: effect, at: this.options.now(), onSettled });
    }).finally(() => {
      this.pins--;
    });
  }

  /** Per member: the first syncs sent to it here, as bytes of the doc (SYNC-2). */
  private readonly ownSyncBudgets = new Map<string, TokenBucket>();

  /**
   * SYNC-2: one first sync at a time per connection (one asked meanwhile waits, replaced by any
   * later one), each in its member's budget of bytes: a peer that asks again and again gets the
   * doc at the budget's pace, and never holds more than one copy of it.
   */
  private askState(conn: Connection, encoded: Uint8Array, stateVector: Map<number, number>): void {
    conn.stateAsked = { encoded, stateVector };
    if (conn.isSendingState) return;
    conn.isSendingState = true;
    void this.serveAskedState(conn).finally(() => {
      conn.isSendingState = false;
    });
  }

  private async serveAskedState(conn: Connection): Promise<void> {
    const memberId = conn.member.id;
    const budgets = this.options.syncBudgets ?? this.ownSyncBudgets;
    let budget = budgets.get(memberId);
    if (!budget) {
      budget = new TokenBucket(
        this.options.syncBytesPerSecond ?? 4 * 1024 * 1024,
        this.options.syncBurstBytes ?? 64 * 1024 * 1024,
        this.options.now,
      );
      budgets.set(memberId, budget);
    }
    while (conn.stateAsked !== null && conn.isOpen && !conn.isClosing) {
      const wait = budget.reserve(Math.max(this.approxBytes, MIN_SYNC_COST_BYTES));
      if (wait > 0) {
        this.options.metrics.syncsDelayed.inc();
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const asked = conn.stateAsked;
      conn.stateAsked = null;
      if (asked === null || !conn.isOpen || conn.isClosing) return;
      try {
        await this.sendState(conn, asked.encoded, asked.stateVector);
      } catch (error) {
        this.options.log.error({ room: this.name, err: error }, 'could not send the stored state');
        conn.close(CloseCode.storageFailed, 'could not send the document; retry later');
        return;
      }
    }
  }

  /**
   * Answers sync step 1 with the doc as stored (UPD-4): encoded when the doc held only what is
   * stored once the writes applied before the ask are, sent once they are. What came after
   * reaches the peer as relays, each once stored. A small doc goes in one step-2 message; a big
   * one as chunks of structs encoded from memory, with the socket drained in between (so
   * keep-alives get through), then a final step 2 with the delete set.
   */
  private async sendState(
    conn: Connection,
    encodedStateVector: Uint8Array,
    stateVector: Map<number, number>,
  ): Promise<void> {
    const first = await this.whenStored(() => this.encodeState(encodedStateVector, stateVector));
    if (!conn.isOpen || this.isTainted) return;
    for (const chunk of first.chunks) {
      if (!conn.isOpen) return;
      await conn.sendDrained(
        syncMessage((e) => syncProtocol.writeUpdate(e, chunk)),
        this.options.syncDrainTimeoutMs ?? 120_000,
      );
    }
    if (!conn.isOpen || this.isTainted) return;
    conn.send(first.step2);
    // SYNC-1: an ack always follows the step 2, even one like the last (an ack for the peer's
    // own step 2 may have gone out while this waited): its seq counts only after the step 2.
    if (conn.wantsAck) conn.sendAck(this.storedStateVector(), this.appliedSeq, undefined, true);
  }

  /**
   * A first sync of the doc as it is now: the step 2, after chunks of its structs when it is big
   * (the step 2 then carries the delete set as of the same moment).
   */
  private encodeState(
    encodedStateVector: Uint8Array,
    stateVector: Map<number, number>,
  ): { chunks: Uint8Array[]; step2: Buffer } {
    const { syncChunkBytes } = this.options;
    const chunks =
      this.approxBytes > syncChunkBytes
        ? encodeStructChunks(this.doc, stateVector, syncChunkBytes)
        : [];
    if (chunks.length <= 1) {
      const step2 = syncMessage((e) =>
        syncProtocol.writeSyncStep2(e, this.doc, encodedStateVector),
      );
      return { chunks: [], step2 };
    }
    const own = this.stateVector();
    return { chunks, step2: syncMessage((e) => syncProtocol.writeSyncStep2(e, this.doc, own)) };
  }

  /** Sends the server's own step 1 and the current awareness to a new connection. */
  greet(conn: Connection): void {
    conn.send(syncMessage((e) => syncProtocol.writeSyncStep1(e, this.doc)));
    const states = Array.from(this.awareness.getStates().keys());
    if (states.length > 0) {
      conn.send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, states)));
    }
  }

  /** Sends a stored update to every connection of this process but its sender. */
  private relay(update: Uint8Array, sender: Connection | null): void {
    const frame = syncUpdateFrame(update);
    for (const conn of this.conns) if (conn !== sender) conn.sendFrame(frame);
  }

  private append(rows: readonly NewUpdate[]): Promise<number[]> {
    return this.options.append ? this.options.append(rows) : this.options.store.appendUpdates(rows);
  }

  /** Stores queued writes (one transaction per batch), then relays and acknowledges them. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      while (this.queue.length > 0 && this.retryTimer === null) {
        const batch = this.queue;
        this.queue = [];
        // Every write of the batch is in the doc already: its state vector is what is stored
        // once the batch is, and first syncs waiting in it read the doc now (see `whenStored`).
        const batchSV = this.stateVector();
        for (const w of batch) w.onTaken?.();
        const rows = [];
        for (const w of batch) {
          if (w.update) {
            rows.push({ room: this.name, authorId: w.authorId, at: w.at, update: w.update });
          }
        }
        this.isStoring = true;
        let seqs: number[] = [];
        try {
          if (rows.length > 0) seqs = await this.append(rows);
        } catch (error) {
          this.queue = batch.concat(this.queue);
          this.isStoring = false;
          this.scheduleRetry(error);
          break;
        }
        this.isStoring = false;
        this.failures = 0;
        this.lastStoredSV = batchSV;
        // The one connection every write of the batch came from gets no relay from it.
        let soleSender: Connection | null | undefined;
        for (const w of batch) {
          if (!w.update) continue;
          soleSender = soleSender === undefined || soleSender === w.conn ? w.conn : null;
        }
        const skip = soleSender ?? null;
        // Each connection gets the batch's relays and its ack in one write.
        const corked: Connection[] = [];
        for (const c of this.conns) {
          if (c === skip) continue;
          c.cork();
          corked.push(c);
        }
        try {
          let stored = 0;
          for (const w of batch) {
            let seq: number | undefined;
            if (w.update) {
              seq = seqs[stored++];
              this.queuedBytes -= w.update.byteLength;
              this.approxBytes += w.update.byteLength;
              this.options.metrics.updatesStored.inc();
              this.options.metrics.bytesStored.inc(w.update.byteLength);
              this.relay(w.update, w.conn);
            }
            w.onSettled?.(undefined, seq);
            w.conn?.settleWrite();
          }
          this.noteOwnRows(seqs);
          this.ackAfterRelays(soleSender !== undefined, skip);
        } finally {
          for (const c of corked) c.uncork();
        }
      }
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /**
   * FAN-5: rows this room just stored. Right after what was applied, they move `appliedSeq` on;
   * past a gap (another process stored rows in between) the room catches up. Either way the
   * other processes hear the doorbell.
   */
  private noteOwnRows(seqs: number[]): void {
    if (seqs.length === 0) return;
    const last = seqs[seqs.length - 1]!;
    const isContiguous = seqs[0] === this.appliedSeq + 1 && last - seqs[0]! === seqs.length - 1;
    if (isContiguous && this.knownSeq <= this.appliedSeq) this.appliedSeq = last;
    this.options.fanout.publish({ kind: 'stored', room: this.name, seq: last });
    this.noteStored(last);
  }

  /**
   * UPD-7. After a batch was relayed to every connection of the room but `notRelayed` (to none
   * when `isRelayed` is false): a connection whose own writes were settled since its last ack
   * gets its ack in the same write as its relays when it has any, or alone once its last ack is
   * `ackIntervalMs` old; a reader (every write of its own acknowledged) gets the new stored state
   * vector with a relay once its last ack is that old. Until then an ack waits for a later relay
   * to ride with; alone, an author's goes at the first sweep once its last ack is that old, a
   * reader's only when none came for READER_ACK_WAIT intervals (the room went quiet).
   */
  private ackAfterRelays(isRelayed: boolean, notRelayed: Connection | null): void {
    const interval = this.options.ackIntervalMs ?? 250;
    const now = performance.now();
    const sv = this.storedStateVector();
    let isOwed = false;
    for (const c of this.conns) {
      if (!c.isOwedAck(sv)) continue;
      const isDue = now - c.lastAckAt >= interval;
      // A relay to ride with: a connection's own writes are acknowledged with it; a reader's ack
      // rides once due. Without one, an author's ack goes alone once due, else with the sweep.
      const isSent =
        isRelayed && c !== notRelayed ? c.hasUnackedWrites || isDue : c.hasUnackedWrites && isDue;
      if (isSent) c.sendAck(sv, this.appliedSeq, now);
      else {
        c.ackOwedSince ??= now;
        isOwed = true;
      }
    }
    if (isOwed) this.readerAcks.add(this);
  }

  /**
   * Sends the acks that waited long enough (see `ackAfterRelays`); called every `ackIntervalMs`
   * while some wait (`ReaderAcks`). True while some still wait.
   */
  sendWaitingAcks(): boolean {
    if (this.isClosed) return false;
    const interval = this.options.ackIntervalMs ?? 250;
    const sv = this.storedStateVector();
    const at = performance.now();
    let isOwed = false;
    for (const c of this.conns) {
      if (c.ackOwedSince === null) continue;
      if (!c.isOwedAck(sv)) c.ackOwedSince = null;
      else if (
        c.hasUnackedWrites
          ? at - c.lastAckAt >= interval
          : at - c.ackOwedSince >= READER_ACK_WAIT * interval - interval / 2
      )
        c.sendAck(sv, this.appliedSeq, at);
      else isOwed = true;
    }
    return isOwed;
  }

  private scheduleRetry(error: unknown): void {
    this.failures++;
    this.options.metrics.storeFailures.inc();
    const delay = Math.min(5000, this.options.storeRetryMs * 2 ** (this.failures - 1));
    const isGivingUp =
      this.conns.size === 0 && this.failures > this.options.maxRetriesWithoutConnections;
    if (isGivingUp) {
      // Nobody is waiting for an ack, and the senders still hold these updates: they re-send them
      // on their next connection. Dropping them here lets the room unload instead of leaking; the
      // doc holds them unstored, so it must reload from storage.
      this.options.log.error(
        { room: this.name, err: error, dropped: this.queue.length },
        'storage keeps failing and nobody is connected: giving up; senders will re-send',
      );
      const dropped = this.queue;
      this.queue = [];
      this.queuedBytes = 0;
      if (!this.isTainted) {
        this.isTainted = true;
        this.options.onTainted(this);
      }
      for (const w of dropped) w.onSettled?.(new Error('storage is unavailable'));
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

  /**
   * The bus now delivers this room's messages: rows another process stored before that are read
   * from the store, the other holders are asked for their connections' presence, and are told
   * this process's (a holder that began while this one was still subscribing asked when nobody
   * here could hear it, and what was published before it held the room went nowhere).
   */
  onSubscribed(): void {
    if (this.isClosed) return;
    this.options.fanout.publish({ kind: 'awareness-query', room: this.name });
    this.publishOwnPresence();
    this.options.store.lastSeqs([this.name]).then(
      (seqs) => {
        const seq = seqs.get(this.name);
        if (seq !== undefined) this.noteStored(seq);
      },
      (error: unknown) =>
        this.options.log.warn({ room: this.name, err: error }, 'could not read the last seq'),
    );
  }

  /** A message another process published about this room. */
  onFanout(message: RoomMessage): void {
    if (message.kind === 'stored') {
      this.noteStored(message.seq);
      return;
    }
    if (message.kind === 'awareness-query') {
      this.publishOwnPresence();
      return;
    }
    for (const payload of message.payloads)
      awarenessProtocol.applyAwarenessUpdate(this.awareness, payload, 'fanout');
  }

  /** Publishes the presence of this process's own connections (each holder tells its own). */
  private publishOwnPresence(): void {
    const ids = [...this.awarenessOwners]
      .filter(([id, owner]) => owner !== ELSEWHERE && this.awareness.states.has(id))
      .map(([id]) => id);
    if (ids.length > 0)
      this.publishAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
  }

  removeConnection(conn: Connection): void {
    if (!this.conns.delete(conn)) return;
    if (conn.awarenessIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, Array.from(conn.awarenessIds), null);
    }
    for (const id of conn.awarenessIds) this.awarenessOwners.delete(id);
    conn.awarenessIds.clear();
  }

  /**
   * Sends every ack still owed at once (UPD-7), before the relay closes the room's connections
   * to shut down: an author's writes stored since its last ack would otherwise be sent again by
   * its device, which showed them as not saved. (Not after a reset: its doc may hold what was
   * never stored.)
   */
  sendOwedAcks(): void {
    if (this.isTainted) return;
    const sv = this.storedStateVector();
    const at = performance.now();
    for (const c of this.conns) if (c.isOwedAck(sv)) c.sendAck(sv, this.appliedSeq, at);
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
    this.readerAcks.delete(this);
    this.retryTimer = null;
    for (const w of this.queue) w.onSettled?.(new Error('the room was closed'));
    this.queue = [];
    this.options.pendingBytes?.hold(this.name, 0);
    this.awareness.destroy();
    this.doc.destroy();
  }
}

/**
 * UPD-7: every `intervalMs`, while some wait, sends the acks that found no relay to ride with
 * (`Room.sendWaitingAcks`). One timer for the process: a timer of each room's own fired
 * four times a second in nearly every busy room, each firing a wakeup of the event loop of its own.
 */
export class ReaderAcks {
  private readonly rooms = new Set<Room>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly intervalMs: number) {}

  /** `room` has readers waiting for an ack. */
  add(room: Room): void {
    this.rooms.add(room);
    this.timer ??= setTimeout(() => this.sweep(), this.intervalMs);
  }

  delete(room: Room): void {
    this.rooms.delete(room);
    if (this.rooms.size === 0 && this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private sweep(): void {
    this.timer = null;
    for (const room of this.rooms) if (!room.sendWaitingAcks()) this.rooms.delete(room);
    if (this.rooms.size > 0) this.timer = setTimeout(() => this.sweep(), this.intervalMs);
  }
}

/**
 * UPD-11: bytes of structs waiting for dependencies, over every room of a process: a room that
 * would take the total past the limit drops its own (as past its room's limit, UPD-5).
 */
export class PendingBytes {
  private readonly byRoom = new Map<string, number>();
  private total = 0;
  constructor(private readonly limit: number) {}

  /** Notes that `room` holds `bytes`; false, noting nothing, when that passes the limit. */
  hold(room: string, bytes: number): boolean {
    const before = this.byRoom.get(room) ?? 0;
    if (bytes > before && this.total - before + bytes > this.limit) return false;
    this.total += bytes - before;
    if (bytes === 0) this.byRoom.delete(room);
    else this.byRoom.set(room, bytes);
    return true;
  }
}

export type { WebSocket };

/** A change made on a member's behalf that the room's checks refuse (DEL-5); `reason` says why. */
export class WriteRefused extends Error {
  constructor(
    readonly reason: string,
    /** Why, for an answer: a check of the room's, the doc deleted, WRITE-1, UPD-14. */
    readonly kind: 'refused' | 'deleted' | 'tooMuchWritten' | 'docFull' = 'refused',
    /** For `tooMuchWritten`: how long the member waits. */
    readonly waitMs = 0,
  ) {
    super(`refused: ${reason}`);
    this.name = 'WriteRefused';
  }
}

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  CloseCode,
  can,
  commentsDocId,
  commentsWriteCheck,
  INDEX_DOC_ID,
  INDEX_DOCS_ROOT,
  parseRoomName,
  Reason,
  roomName as roomNameOf,
  SYNC_PATH,
  SyncParam,
} from '@grassroots/shared';
import { type WebSocket, WebSocketServer } from 'ws';
import type * as Y from 'yjs';
import type { Auth } from '../auth/Auth.ts';
import type { Config } from '../config.ts';
import { Counts } from '../counts.ts';
import { HttpError } from '../errors.ts';
import { clientAddress } from '../http/json.ts';
import { type Logger, redactUrl } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { DeletedDocStore } from '../storage/DeletedDocStore.ts';
import type { DocStore, Member } from '../storage/DocStore.ts';
import { WorkBudget } from '../workBudget.ts';
import { CommitBatcher } from './CommitBatcher.ts';
import { Connection, TokenBucket } from './Connection.ts';
import type { Fanout, FanoutMessage, FanoutPort } from './Fanout.ts';
import { MessageRefused, PendingBytes, ReaderAcks, Room, WriteRefused } from './Room.ts';
import { relistedKey } from './relisting.ts';

export type RelayOptions = {
  config: Config;
  store: DocStore;
  /** The register of deleted docs (DEL-1, DEL-2); without it no doc counts as deleted. */
  deletedDocs?: DeletedDocStore;
  auth: Auth;
  fanout: Fanout;
  log: Logger;
  metrics: Metrics;
  now?: () => number;
  /** Each member's share of the main thread for costly checks (WORK-1); none: unlimited. */
  work?: WorkBudget;
};

/** Fixed-window counter of connection attempts per client address. */
class AttemptLimiter {
  private readonly counts = new Map<string, { windowStart: number; count: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  allow(address: string, now: number): boolean {
    const entry = this.counts.get(address);
    if (!entry || now - entry.windowStart >= this.windowMs) {
      if (this.counts.size > 10_000) this.prune(now);
      // Still too many addresses in one window: forget the oldest rather than grow without end.
      for (const key of this.counts.keys()) {
        if (this.counts.size <= 10_000) break;
        this.counts.delete(key);
      }
      this.counts.set(address, { windowStart: now, count: 1 });
      return true;
    }
    entry.count++;
    return entry.count <= this.limit;
  }

  private prune(now: number): void {
    for (const [address, entry] of this.counts) {
      if (now - entry.windowStart >= this.windowMs) this.counts.delete(address);
    }
  }
}

/**
 * CMT-12: bytes of comments content a member adds a second, sustained, and at once. A reviewer
 * writing all day stays far below; a device back after weeks offline sends its comments at once.
 */
export const COMMENT_BYTES_PER_SECOND = 1024;
export const COMMENT_BURST_BYTES = 1024 * 1024;

/** CMT-11: how many stored records' rooms the relay remembers before it starts again. */
const MAX_STORED_RECORDS_KEPT = 50_000;

const rejectUpgrade = (socket: Duplex, status: number, error: string, message: string) => {
  const body = JSON.stringify({ error, message });
  socket.end(
    `HTTP/1.1 ${status} ${error}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
};

/**
 * The WebSocket side of the server: authenticates upgrades, holds rooms in memory while they
 * have connections (and `unloadAfterMs` longer), and routes messages into them.
 */
export class Relay {
  /** Each member's first-sync budget in this process, for all its rooms (SYNC-2). */
  private readonly syncBudgets = new Map<string, TokenBucket>();
  /** UPD-11: bytes of structs waiting for dependencies, over every room of the process. */
  private readonly pendingBytes: PendingBytes;
  readonly rooms = new Map<string, Room>();
  private readonly wss: WebSocketServer;
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>();
  private readonly attempts: AttemptLimiter;
  /** Upgrades accepted but not yet open, per room and member (CONN-3). */
  private readonly upgrading = new Counts();
  /** CONN-4: sockets of each member, from the upgrade until they close. */
  private readonly memberSockets = new Counts();
  private readonly port: FanoutPort;
  /** One storage transaction per turn for the writes of every room. */
  private readonly commits: CommitBatcher;
  /** One timer for the reader acks of every room (UPD-7). */
  private readonly readerAcks: ReaderAcks;
  private readonly now: () => number;
  private readonly pingTimer: NodeJS.Timeout;
  private readonly checkTimer: NodeJS.Timeout;
  private isChecking = false;
  private isDraining = false;
  /** Deleted doc ids per workspace, read from storage once and kept in step by `markDeleted`. */
  private readonly deleted = new Map<string, Promise<Set<string>>>();
  /** The same sets once read, for checks that cannot wait. */
  private readonly deletedLoaded = new Map<string, Set<string>>();
  /**
   * CMT-11: rooms of records seen stored (a viewer's comments go only to these); bounded, a
   * record dropped from it is read from the store again at the viewer's next connection.
   */
  private readonly storedRecords = new Set<string>();
  /** CMT-12: each member's bytes of new comments (a byte budget, not one of time). */
  private readonly commentBytes: WorkBudget;
  /** WRITE-1: each member's bytes of changes to documents, paced. */
  private readonly writeBytes: WorkBudget;

  constructor(private readonly options: RelayOptions) {
    const { config } = options;
    this.now = options.now ?? Date.now;
    this.commentBytes = new WorkBudget(COMMENT_BYTES_PER_SECOND, COMMENT_BURST_BYTES, this.now);
    this.writeBytes = new WorkBudget(
      options.config.writeBytesPerSecond,
      options.config.writeBurstBytes,
      this.now,
    );
    this.wss = new WebSocketServer({ noServer: true, maxPayload: config.maxMessageBytes });
    this.pendingBytes = new PendingBytes(config.maxPendingStructBytesTotal);
    this.attempts = new AttemptLimiter(config.connectionsPerWindow, config.connectionWindowMs);
    this.port = options.fanout.join(
      (message) => this.onFanout(message),
      () => this.onBusConnected(),
    );
    this.commits = new CommitBatcher(options.store, {
      intervalMs: config.commitIntervalMs,
      onCommitted: () => options.metrics.storageCommits.inc(),
    });
    this.readerAcks = new ReaderAcks(config.ackIntervalMs);
    this.pingTimer = setInterval(() => this.ping(), config.pingIntervalMs);
    this.pingTimer.unref();
    this.checkTimer = setInterval(() => void this.checkStored(), config.storedCheckMs);
    this.checkTimer.unref();
  }

  /**
   * FAN-6: the fan-out is at most once, so every `storedCheckMs` the relay reads the last seq of
   * each room it holds from the store; a room behind it catches up. A lost doorbell only delays.
   */
  private async checkStored(): Promise<void> {
    if (this.isChecking || this.rooms.size === 0) return;
    this.isChecking = true;
    try {
      const seqs = await this.options.store.lastSeqs([...this.rooms.keys()]);
      for (const [name, seq] of seqs) this.rooms.get(name)?.noteStored(seq);
    } catch (error) {
      this.options.log.warn({ err: error }, 'could not check the stored rooms');
    } finally {
      this.isChecking = false;
    }
  }

  /** Handles an HTTP upgrade on `/sync/<workspaceId>/<docId>`; refuses with a status otherwise. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { log, metrics, auth } = this.options;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: number, error: string, message: string) => {
      metrics.connectionsRefused.inc({ status: String(status) });
      log.info({ url: redactUrl(req.url), status, reason: message }, 'websocket refused');
      rejectUpgrade(socket, status, error, message);
    };
    socket.on('error', () => socket.destroy());
    if (this.isDraining) return refuse(503, 'shutting_down', 'the server is shutting down');
    const address = clientAddress(req, this.options.config.trustProxy);
    if (!this.attempts.allow(address, this.now())) {
      return refuse(429, 'rate_limited', 'too many connection attempts; wait and retry');
    }
    if (!url.pathname.startsWith(`${SYNC_PATH}/`))
      return refuse(404, 'not_found', 'no such endpoint');
    let roomName: string;
    try {
      roomName = decodeURIComponent(url.pathname.slice(SYNC_PATH.length + 1));
    } catch {
      return refuse(400, 'bad_room', 'room name is not valid percent-encoding');
    }
    const room = parseRoomName(roomName);
    if (!room) return refuse(400, 'bad_room', 'room must be <workspaceId>/<docId>');
    const header = req.headers.authorization;
    const token =
      url.searchParams.get(SyncParam.token) ??
      (header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : null);
    let member: Member;
    try {
      member = await auth.authenticate(token, room.workspaceId);
    } catch (error) {
      if (error instanceof HttpError) return refuse(error.status, error.error, error.message);
      log.error({ err: error }, 'authentication failed');
      return refuse(500, 'internal', 'authentication failed');
    }
    let isDeleted: boolean;
    try {
      // Read again on every connection, so a deletion made through another process counts too.
      // A deleted record's comments are kept to admins with it.
      isDeleted = (await this.deletedIn(room.workspaceId, true)).has(room.commentsOf ?? room.docId);
    } catch (error) {
      log.error({ err: error }, 'could not read the deleted documents');
      return refuse(500, 'internal', 'could not check the document');
    }
    if (room.commentsOf !== null && !can(member.role, 'write')) {
      try {
        await this.noteRecordStored(roomNameOf(room.workspaceId, room.commentsOf));
      } catch (error) {
        log.error({ err: error }, 'could not read whether the record is stored');
        return refuse(500, 'internal', 'could not check the document');
      }
    }
    if (socket.destroyed) return;
    if (isDeleted && member.role !== 'admin') {
      // DEL-1: a close code (not an HTTP refusal) so the client stops reconnecting and says why.
      metrics.connectionsRefused.inc({ status: String(CloseCode.docDeleted) });
      this.wss.handleUpgrade(req, socket, head, (ws) =>
        ws.close(CloseCode.docDeleted, Reason.docDeleted),
      );
      return;
    }
    // CONN-3: one member’s open connections to one room are bounded; each may own presence states
    // every connection of the room is sent, so without a bound one member fills the room's.
    // Upgrades under way count too: many started at once all pass the check before any is open.
    const key = `${roomName}\u0000${member.id}`;
    let open = this.upgrading.get(key);
    for (const conn of this.rooms.get(roomName)?.conns ?? []) {
      if (conn.member.id === member.id && !conn.isClosing) open++;
    }
    if (open >= this.options.config.maxConnectionsPerMember) {
      return refuse(
        429,
        'too_many_connections',
        'this member has too many connections to this document; close some and retry',
      );
    }
    // CONN-4: and to all rooms: each connection may hold presence states, and a member opening
    // connections to made-up documents one after the other held 270 MB in a minute. Counted from
    // the upgrade until the socket closes.
    if (this.memberSockets.get(member.id) >= this.options.config.maxConnectionsPerMemberTotal) {
      return refuse(
        429,
        'too_many_connections',
        'this member has too many connections open; close some and retry',
      );
    }
    // WORK-1: loading a room reads and applies all its rows, work the member who connects first
    // decides the cost of (a viewer opening large documents one after another, each unloaded
    // once left): charged to it, and a member in debt loads no more until it is paid back.
    const work = this.options.work;
    if (work && !this.rooms.has(roomName) && work.waitFor(member.id) > 0) {
      return refuse(429, 'rate_limited', 'too much work; wait and retry');
    }
    this.memberSockets.add(member.id);
    socket.once('close', () => this.memberSockets.remove(member.id));
    this.upgrading.add(key);
    let isCounted = true;
    const uncount = () => {
      if (!isCounted) return;
      isCounted = false;
      this.upgrading.remove(key);
    };
    socket.once('close', uncount);
    const wantsAck = url.searchParams.get(SyncParam.ack) === '1';
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      uncount();
      this.accept(ws, socket, member, roomName, wantsAck);
    });
  }

  private accept(
    ws: WebSocket,
    socket: Duplex,
    member: Member,
    roomName: string,
    wantsAck: boolean,
  ): void {
    const { config, metrics, log } = this.options;
    const conn = new Connection(
      ws,
      member,
      wantsAck,
      new TokenBucket(config.messagesPerSecond, config.messageBurst, this.now),
      config.maxBufferedBytes,
      config.closeGraceMs,
      socket,
    );
    metrics.connections.inc();
    const room = this.getRoom(roomName, member.id);
    if (room.isTainted) {
      // Reloading after a failed update: come back in a moment, to the reloaded room.
      metrics.connections.dec();
      conn.close(CloseCode.roomReset, 'the document is reloading; reconnect');
      return;
    }
    room.conns.add(conn);
    this.cancelUnload(roomName);
    log.debug({ room: roomName, member: member.id, role: member.role }, 'connected');

    ws.on('pong', () => {
      conn.isAlive = true;
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      // Once the relay decided to close a connection (refused, revoked, demoted), nothing more of
      // it is processed, whether or not the peer completes the close.
      if (conn.isClosing) return metrics.messagesAfterClose.inc();
      conn.isAlive = true;
      if (!isBinary)
        return this.refuse(conn, room, CloseCode.badFrame, 'text frames are not accepted');
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (!room.isReady) {
        conn.pending.push(bytes);
        conn.pendingBytes += bytes.byteLength;
        if (
          conn.pending.length > config.maxPendingMessages ||
          conn.pendingBytes > config.maxPendingBytes
        ) {
          this.refuse(
            conn,
            room,
            CloseCode.rateLimited,
            'too much sent before the document loaded',
          );
        }
        return;
      }
      this.dispatch(conn, room, bytes);
    });
    ws.on('error', (error) => log.warn({ room: roomName, err: error }, 'websocket error'));
    ws.on('close', () => {
      metrics.connections.dec();
      room.removeConnection(conn);
      if (room.conns.size === 0) this.scheduleUnload(roomName, room);
    });

    room.ready.then(
      () => {
        if (!conn.isOpen) return;
        room.greet(conn);
        const pending = conn.pending;
        conn.pending = [];
        conn.pendingBytes = 0;
        for (const bytes of pending) {
          if (!conn.isOpen || conn.isClosing) break;
          this.dispatch(conn, room, bytes);
        }
      },
      () => conn.close(CloseCode.storageFailed, 'could not load the document; retry later'),
    );
  }

  private dispatch(conn: Connection, room: Room, bytes: Uint8Array): void {
    try {
      room.handle(conn, bytes);
    } catch (error) {
      if (error instanceof MessageRefused) {
        this.refuse(conn, room, error.code, error.message);
        return;
      }
      this.options.log.error({ room: room.name, err: error }, 'message handling failed');
      this.refuse(conn, room, CloseCode.badFrame, 'message could not be processed');
    }
  }

  /** Closes a connection for a message it sent; logs one line per connection and kind. */
  private refuse(conn: Connection, room: Room, code: number, reason: string): void {
    const { metrics, log } = this.options;
    metrics.messagesRejected.inc({ reason: String(code) });
    if (conn.loggedRefusals.has(code)) {
      metrics.refusalsNotLogged.inc();
    } else {
      conn.loggedRefusals.add(code);
      log.warn(
        { room: room.name, member: conn.member.id, code, reason },
        'connection refused a message',
      );
    }
    conn.close(code, reason);
  }

  /**
   * A room whose doc may no longer match storage (an update failed half-way): what is queued is
   * stored, every connection is closed with `roomReset` (clients reconnect and resync), and the
   * room unloads so the next connection loads it fresh from storage.
   */
  private reset(room: Room): void {
    this.options.metrics.roomsReset.inc();
    // No owed acks here: the doc may hold what was never stored; devices send their writes again.
    void room.drain().finally(() => {
      for (const conn of room.conns) {
        conn.close(CloseCode.roomReset, 'the document is reloading; reconnect');
      }
      this.unload(room.name, room);
    });
  }

  /** The room, loaded when it is not, charged to `loadedFor` (WORK-1) when a member asks. */
  private getRoom(name: string, loadedFor?: string): Room {
    const existing = this.rooms.get(name);
    if (existing) return existing;
    const { store, log, metrics, config } = this.options;
    // Before loading, so that few doorbells rung after the load read the store go unheard; once
    // the bus confirms, the room reads its last seq once more and asks for the other processes'
    // presence (FAN-5), so neither waits for the periodic check or a device's renewal.
    const subscribed = this.port.subscribe(name);
    const room = new Room(name, {
      store,
      append: (rows) => this.commits.append(rows),
      log,
      metrics,
      fanout: this.port,
      syncChunkBytes: config.syncChunkBytes,
      syncBytesPerSecond: config.syncBytesPerSecond,
      syncBurstBytes: config.syncBurstBytes,
      syncBudgets: this.syncBudgets,
      syncDrainTimeoutMs: config.syncDrainTimeoutMs,
      storeRetryMs: config.storeRetryMs,
      maxRetriesWithoutConnections: 5,
      maxQueuedBytes: config.maxQueuedBytes,
      maxAwarenessBytes: config.maxAwarenessBytes,
      maxAwarenessEntries: config.maxAwarenessEntries,
      maxPendingBytes: config.maxPendingStructBytes,
      pendingBytes: this.pendingBytes,
      maxIntegrationSteps: config.maxIntegrationSteps,
      maxDocStructs: config.maxDocStructs,
      maxAwarenessDepth: config.maxAwarenessDepth,
      maxAwarenessIdsPerConnection: config.maxAwarenessIdsPerConnection,
      maxPresenceStateBytes: config.maxPresenceStateBytes,
      ackIntervalMs: config.ackIntervalMs,
      readerAcks: this.readerAcks,
      onTainted: (tainted) => this.reset(tainted),
      ...this.writeCheck(name),
      ...(this.options.work ? { work: this.options.work } : {}),
      writeBytes: this.writeBytes,
      ...(loadedFor !== undefined ? { loadedFor } : {}),
      now: this.now,
    });
    this.rooms.set(name, room);
    metrics.roomsLoaded.inc();
    void subscribed.then(() => {
      if (this.rooms.get(name) === room) room.onSubscribed();
    });
    room.ready.catch((error) => {
      // A failed load leaves nothing behind: the next connection tries a fresh load.
      metrics.loadFailures.inc();
      log.error({ room: name, err: error }, 'could not load room');
      this.unload(name, room);
    });
    return room;
  }

  /**
   * Commits a change the server makes for a member (a restore) through the room, loading it if
   * needed, so it is stored, relayed to whoever is connected and ordered with their writes.
   * Resolves with the stored row's seq (null when the doc had all of it already).
   */
  async commit(
    roomName: string,
    update: Uint8Array,
    authorId: string,
    /** Checked as this member's write first (DEL-5). */
    member?: Member,
  ): Promise<number | null> {
    const room = this.getRoom(roomName);
    this.cancelUnload(roomName);
    try {
      await room.ready;
      if (member) {
        // DEL-1: read again (a deletion through another process counts), just before the
        // commit: a restore started before the doc was deleted must not write into it.
        const deleted = await this.deletedIn(member.workspaceId, true);
        const parsed = parseRoomName(roomName);
        const docId = parsed?.commentsOf ?? parsed?.docId;
        if (member.role !== 'admin' && docId !== undefined && deleted.has(docId)) {
          throw new WriteRefused(Reason.docDeleted, 'deleted');
        }
      }
      return await room.commit(update, authorId, member);
    } finally {
      if (room.conns.size === 0) this.scheduleUnload(roomName, room);
    }
  }

  /** CMT-11: remembers a record's room once the store holds any of its updates. */
  private async noteRecordStored(name: string): Promise<void> {
    if (this.storedRecords.has(name)) return;
    const seqs = await this.options.store.lastSeqs([name]);
    if ((seqs.get(name) ?? 0) <= 0) return;
    if (this.storedRecords.size >= MAX_STORED_RECORDS_KEPT) this.storedRecords.clear();
    this.storedRecords.add(name);
  }

  /** The deleted doc ids of a workspace (DEL-1), read from storage the first time (or `fresh`). */
  deletedIn(workspaceId: string, fresh = false): Promise<Set<string>> {
    let ids = this.deleted.get(workspaceId);
    if (!ids || fresh) {
      const store = this.options.deletedDocs;
      ids = store
        ? store.listDeletedDocs(workspaceId).then((docs) => new Set(docs.map((d) => d.docId)))
        : Promise.resolve(new Set<string>());
      void ids.then((loaded) => this.deletedLoaded.set(workspaceId, loaded));
      ids.catch(() => this.deleted.delete(workspaceId));
      this.deleted.set(workspaceId, ids);
    }
    return ids;
  }

  /**
   * Marks a doc deleted (DEL-1): from now on only admins connect to its room, open connections
   * of everyone else close with `docDeleted`, and writes relisting it in the index are refused
   * (DEL-2). Call after the deletion is stored.
   */
  async markDeleted(workspaceId: string, docId: string): Promise<void> {
    (await this.deletedIn(workspaceId)).add(docId);
    for (const id of [docId, commentsDocId(docId)]) {
      const room = this.rooms.get(`${workspaceId}/${id}`);
      for (const conn of room?.conns ?? []) {
        if (conn.member.role !== 'admin') conn.close(CloseCode.docDeleted, Reason.docDeleted);
      }
    }
  }

  /** Lets a restored doc's room be used and listed again. Call after the restore is stored. */
  async markRestored(workspaceId: string, docId: string): Promise<void> {
    (await this.deletedIn(workspaceId)).delete(docId);
  }

  /**
   * DEL-2: the index room refuses a write that lists a deleted doc again. CMT-1..6: a comments
   * room takes everyone's writes, viewers' too, but only comments of the sender's own, their
   * edits by their author, and resolving or reopening.
   */
  private writeCheck(name: string): {
    refuseWrite?: (update: Uint8Array, doc: Y.Doc, member: Member) => string | null;
    isOpenToViewers?: boolean;
    maxPendingBytes?: number;
  } {
    const room = parseRoomName(name);
    if (room?.commentsOf) {
      const record = roomNameOf(room.workspaceId, room.commentsOf);
      return {
        isOpenToViewers: true,
        refuseWrite: (update, doc, member) => {
          // CMT-11: a viewer comments only on a record the server holds; without this, a viewer
          // could fill comments rooms of made-up records without end. Editors may comment on a
          // record they made offline, whose first updates can arrive after the comment.
          if (!can(member.role, 'write') && !this.storedRecords.has(record)) {
            this.options.log.info({ room: name, member: member.id }, 'comment on no stored record');
            return Reason.commentRefused;
          }
          // WORK-1: a check reads the whole comments doc; a member whose checks have taken their
          // share of the main thread waits, closed out, instead of making everyone wait.
          const work = this.options.work;
          if (work && work.waitFor(member.id) > 0) {
            throw new MessageRefused(CloseCode.rateLimited, 'too much work; slow down');
          }
          // CMT-12: a member who added their share of comment bytes waits, closed out (their
          // device sends again later), so no one fills the server with comments.
          if (this.commentBytes.waitFor(member.id) > 0) {
            throw new MessageRefused(CloseCode.rateLimited, 'too many comments; slow down');
          }
          const check = work
            ? work.run(member.id, () => commentsWriteCheck(doc, update, member.id))
            : commentsWriteCheck(doc, update, member.id);
          if (check.refusal !== null) {
            const why = check.refusal;
            this.options.log.info({ room: name, member: member.id, why }, 'comment refused');
            return Reason.commentRefused;
          }
          this.commentBytes.charge(member.id, check.newBytes);
          return null;
        },
      };
    }
    if (!room || room.docId !== INDEX_DOC_ID) return {};
    const { workspaceId } = room;
    return {
      // Structs waiting for a dependency would integrate with a later write, whose check does
      // not see them: a listing sent before a deletion would come back after it. The index
      // keeps none; a device re-sends them with what they need at its next sync.
      maxPendingBytes: 0,
      refuseWrite: (update, doc) => {
        // Read before any connection of the workspace is accepted (see handleUpgrade).
        const ids = this.deletedLoaded.get(workspaceId);
        if (!ids || ids.size === 0) return null;
        return relistedKey(update, doc, INDEX_DOCS_ROOT, ids) === null ? null : Reason.docDeleted;
      },
    };
  }

  /**
   * Closes every open connection of a member (after a revoke or a role change), so that what it
   * may do is checked again on its next connection.
   */
  disconnectMember(memberId: string, code: number, reason: string): number {
    // Every other process closes the member's sockets too (FAN-7).
    this.port.publish({ kind: 'member', memberId, code, reason });
    return this.closeMember(memberId, code, reason);
  }

  private closeMember(memberId: string, code: number, reason: string): number {
    let closed = 0;
    for (const room of this.rooms.values()) {
      for (const conn of room.conns) {
        if (conn.member.id !== memberId) continue;
        conn.close(code, reason);
        closed++;
      }
    }
    return closed;
  }

  /** Waits until everything already received for a room is stored. */
  async settle(roomName: string): Promise<void> {
    const room = this.rooms.get(roomName);
    if (room) await room.drain();
  }

  private cancelUnload(name: string): void {
    const timer = this.unloadTimers.get(name);
    if (timer) clearTimeout(timer);
    this.unloadTimers.delete(name);
  }

  private scheduleUnload(name: string, room: Room): void {
    // A room that was already replaced (failed load, unloaded) must not touch its successor.
    if (this.rooms.get(name) !== room) return;
    this.cancelUnload(name);
    const timer = setTimeout(() => {
      this.unloadTimers.delete(name);
      if (room.conns.size > 0 || this.rooms.get(name) !== room) return;
      if (!room.isIdle) return this.scheduleUnload(name, room);
      void this.compactAndUnload(name, room);
    }, this.options.config.unloadAfterMs);
    timer.unref();
  }

  private async compactAndUnload(name: string, room: Room): Promise<void> {
    const { store, config, log } = this.options;
    this.unload(name, room);
    try {
      const stats = await store.roomStats(name);
      if (stats.rows >= config.compactAfterRows) {
        const result = await store.compact(name, {
          before: this.now() - config.burstGapMs,
          burstGapMs: config.burstGapMs,
          maxRowBytes: config.syncChunkBytes,
        });
        log.info({ room: name, ...result }, 'room compacted');
      }
    } catch (error) {
      log.error({ room: name, err: error }, 'compaction failed');
    }
  }

  private unload(name: string, room: Room): void {
    if (this.rooms.get(name) !== room) return;
    this.rooms.delete(name);
    this.port.unsubscribe(name);
    this.cancelUnload(name);
    this.options.metrics.roomsLoaded.dec();
    room.destroy();
  }

  /**
   * FAN-9: the bus is up again after being away. What every room published meanwhile (presence,
   * doorbells, queries) went nowhere, so each does again what it does once first subscribed.
   */
  private onBusConnected(): void {
    if (this.rooms.size > 0)
      this.options.log.info({ rooms: this.rooms.size }, 'fan-out bus up; rooms announced again');
    for (const room of this.rooms.values()) room.onSubscribed();
  }

  private onFanout(message: FanoutMessage): void {
    if (message.kind === 'member') {
      this.closeMember(message.memberId, message.code, message.reason);
      return;
    }
    // A room still loading keeps the doorbell and catches up once loaded (FAN-5).
    const room = this.rooms.get(message.room);
    if (!room) return;
    try {
      room.onFanout(message);
    } catch (error) {
      this.options.log.error({ room: message.room, err: error }, 'bad fan-out message');
    }
  }

  private ping(): void {
    for (const room of this.rooms.values()) {
      for (const conn of room.conns) {
        if (!conn.isAlive) {
          conn.ws.terminate();
          continue;
        }
        conn.isAlive = false;
        conn.ws.ping();
      }
    }
  }

  /** Stops accepting, stores everything pending, closes every connection with `code`. */
  async drain(code: number = CloseCode.serverShutdown, timeoutMs = 10_000): Promise<void> {
    this.isDraining = true;
    clearInterval(this.pingTimer);
    clearInterval(this.checkTimer);
    const rooms = Array.from(this.rooms.values());
    await Promise.race([
      Promise.all(rooms.map((room) => room.drain())),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
    for (const room of rooms) {
      room.sendOwedAcks();
      for (const conn of room.conns) conn.close(code, 'server is shutting down');
    }
    for (const [name, room] of Array.from(this.rooms)) this.unload(name, room);
    this.port.leave();
    this.wss.close();
  }
}

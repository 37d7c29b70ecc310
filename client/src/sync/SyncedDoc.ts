import * as Y from 'yjs';
import type { JournalEntry, LocalJournal } from './LocalJournal.ts';
import {
  type DocMeta,
  isStorageFull,
  type LoadedDoc,
  type LocalStore,
  type StoreProblem,
} from './LocalStore.ts';
import { Origin } from './origins.ts';
import {
  encodeStateVectorMap,
  isCoveredBy,
  type StateVector,
  stateVectorOf,
} from './stateVectors.ts';

/** Compact a doc's log into one update once it holds more entries than this. */
export const COMPACT_AFTER_ENTRIES = 64;

/** Why local writes fail: the device is out of space, or the store failed otherwise. */
export type WriteTrouble = 'full' | 'failed';

function troubleOf(error: unknown): WriteTrouble {
  return isStorageFull(error) ? 'full' : 'failed';
}

type Pending = {
  to: StateVector;
  createdAt: number;
  isDeleteOnly: boolean;
  /** For each live connection that sent this change: the number of the write message it rode in. */
  sentIn: Map<ConnectionWrites, number>;
};

/**
 * What one WebSocket connection has told the server and heard back: the write messages it sent
 * (sync step 2 and updates), and how many of them the server settled (`null` until an ack
 * carries the count, e.g. from a relay that does not send it).
 */
export type ConnectionWrites = {
  /** Call for every sync step-2 or update message sent on the connection. */
  noteWriteSent(): void;
  /** Call with each ack (message 100) received on the connection. */
  applyAck(acked: StateVector, writesSettled: number | null, receivedAt?: number): void;
  /** Call once the connection is closed or dropped; its counts end with it. */
  end(): void;
};

type Link = { sent: number; settled: number | null; handle: ConnectionWrites };

export type SyncedDocOptions = {
  store: LocalStore;
  workspaceId: string;
  docId: string;
  /** Tells updates that came from the server (a provider) from changes made here. */
  isRemoteOrigin: (origin: unknown) => boolean;
  report: (problem: StoreProblem) => void;
  /**
   * The write-ahead journal (LOCAL-4): every local change is written to it synchronously and
   * removed once its IndexedDB write committed; none in tests of the store alone.
   */
  journal?: LocalJournal | null;
  /** SYNC-3: the id of the server's store as this tab last heard it (null before it heard one). */
  storeId?: () => string | null;
};

/**
 * One doc of a workspace with its local persistence: every update not read from storage is
 * appended to the IndexedDB log at once; local changes stay "pending" until the server acknowledges
 * a state vector covering them and has settled the write message that carried them (a change that
 * only deletes does not move the state vector, so the count of settled writes is what proves it).
 */
export class SyncedDoc {
  #doc: Y.Doc;
  readonly docId: string;
  readonly #opts: SyncedDocOptions;
  #keys: IDBValidKey[] = [];
  #pending: Pending[] = [];
  #acked: StateVector | null = null;
  #ackedAt: number | null = null;
  /** SYNC-1: see `DocMeta.ackedSeq`. */
  #ackedSeq: number | null = null;
  /** SYNC-3: see `DocMeta.ackedStoreId`. */
  #ackedStoreId: string | null = null;
  #acksAfterSync = 0;
  /** Live connections, each with its own write counts (they restart with every connection). */
  #links = new Set<Link>();
  #writes = new Set<Promise<unknown>>();
  #isCompacting = false;
  #metaTimer: ReturnType<typeof setTimeout> | null = null;
  /** What the last meta write issued says about unsettled changes (writes apply in order). */
  #isMarkedUnsettled = false;
  #listeners = new Set<() => void>();
  /** The doc's state vector, cached until the next update. */
  #sv: StateVector | null = null;
  /**
   * Updates whose write failed (the device is full…): they live on in the doc and here, and are
   * written, merged into one entry, by the next write that works. Nothing stored is touched
   * meanwhile, because a failed IndexedDB transaction writes nothing.
   */
  #unwritten: Uint8Array[] = [];
  /** Journal keys of unwritten local changes: removed once a retry writes them. */
  #unwrittenJournal: string[] = [];
  /** True when some unwritten update is a local change (the meta must then say so). */
  #hasUnwrittenLocal = false;
  /** True when a write carrying the meta failed, so the stored meta may be out of date. */
  #isMetaUnwritten = false;
  #writeTrouble: WriteTrouble | null = null;
  #isRetrying = false;

  /**
   * Builds the doc from its stored log; unreadable entries are reported and left in place.
   * `recovered` journal entries (LOCAL-4) are applied after it as local changes, written to the
   * log (and journaled again, under this tab), then removed from the journal.
   */
  constructor(
    opts: SyncedDocOptions,
    loaded?: LoadedDoc,
    initial?: Y.Doc,
    recovered: readonly JournalEntry[] = [],
  ) {
    this.#opts = opts;
    this.docId = opts.docId;
    const updates = loaded?.updates ?? [];
    this.#doc = initial ?? new Y.Doc({ gc: false });
    if (updates.length > 0) {
      try {
        this.doc.transact(() => {
          for (const { update } of updates) Y.applyUpdate(this.doc, update, Origin.storage);
        }, Origin.storage);
        this.#keys = updates.map((u) => u.key);
      } catch {
        // Rebuild from the entries that decode; the bad ones stay stored untouched.
        this.doc.destroy();
        this.#doc = new Y.Doc({ gc: false });
        for (const { key, update } of updates) {
          try {
            Y.decodeUpdate(update);
            Y.applyUpdate(this.doc, update, Origin.storage);
            this.#keys.push(key);
          } catch (error) {
            opts.report({ docId: opts.docId, key: JSON.stringify(key), message: String(error) });
          }
        }
      }
    }
    if (loaded?.meta?.ackedStateVector) {
      try {
        this.#acked = Y.decodeStateVector(loaded.meta.ackedStateVector);
        this.#ackedAt = loaded.meta.ackedAt;
        this.#ackedSeq = loaded.meta.ackedSeq ?? null;
        const storeId = loaded.meta.ackedStoreId;
        this.#ackedStoreId = typeof storeId === 'string' ? storeId : null;
      } catch (error) {
        opts.report({ docId: opts.docId, key: 'meta', message: String(error) });
      }
    }
    if (!this.#acked) {
      // Never acknowledged: every stored entry is waiting (no need to decode them).
      for (let i = 0; i < this.#keys.length; i++)
        this.#pending.push(pendingOf(new Map(), 0, false));
    } else if (!isCoveredBy(this.#stateVector(), this.#acked)) {
      for (const { update } of updates) {
        try {
          const { to } = Y.parseUpdateMeta(update);
          if (!isCoveredBy(to, this.#acked)) this.#pending.push(pendingOf(to, 0, false));
        } catch {
          // already reported above
        }
      }
      if (this.#pending.length === 0) {
        this.#pending.push(pendingOf(this.#stateVector(), 0, false));
      }
    }
    this.#isMarkedUnsettled = loaded?.meta?.hasUnsettledChanges === true;
    if (this.#isMarkedUnsettled && this.#pending.length === 0) {
      // A change (e.g. a deletion) was not settled before the page went away. The state vector
      // cannot show it, so it waits for a write sent after this load to be settled.
      this.#pending.push(pendingOf(this.#stateVector(), 0, true));
    }
    if (initial) {
      this.#append(Y.encodeStateAsUpdate(initial), true);
      this.#pending.push(pendingOf(stateVectorOf(initial), Date.now(), false));
    }
    this.doc.on('update', this.#onUpdate);
    if (recovered.length > 0) this.#recover(recovered);
  }

  #recover(entries: readonly JournalEntry[]) {
    this.doc.transact(() => {
      for (const entry of entries) {
        try {
          Y.applyUpdate(this.doc, entry.update, Origin.journal);
        } catch (error) {
          this.#opts.report({ docId: this.docId, key: entry.key, message: String(error) });
        }
      }
    }, Origin.journal);
    // An entry whose base never arrived waits inside Yjs; keep the journal until it applies.
    if (this.doc.store.pendingStructs !== null) return;
    // The old entries go once the log has what they held; until then a closing page leaves them
    // for the next load (applying them twice changes nothing).
    void this.flush().then(() => {
      if (this.#writeTrouble !== null) return;
      for (const entry of entries) this.#opts.journal?.remove(entry.key);
    });
  }

  get doc(): Y.Doc {
    return this.#doc;
  }

  #stateVector(): StateVector {
    this.#sv ??= stateVectorOf(this.#doc);
    return this.#sv;
  }

  #onUpdate = (update: Uint8Array, origin: unknown) => {
    this.#sv = null;
    if (origin === Origin.storage) return;
    const isLocal = !this.#opts.isRemoteOrigin(origin);
    this.#append(update, isLocal);
    if (isLocal) {
      const { to } = Y.parseUpdateMeta(update);
      const isDeleteOnly = to.size === 0;
      // A deletion adds no clock: wait for an ack covering the whole doc as it was then.
      this.#pending.push(
        pendingOf(isDeleteOnly ? this.#stateVector() : to, Date.now(), isDeleteOnly),
      );
      this.#emit();
    }
  };

  #track<T>(p: Promise<T>): Promise<T> {
    this.#writes.add(p);
    const done = () => this.#writes.delete(p);
    p.then(done, done);
    return p;
  }

  /** Stores an update; a local one also marks the doc unsettled, in the same transaction. */
  #append(update: Uint8Array, isLocal: boolean) {
    const { journal } = this.#opts;
    // Synchronously, before anything can end the page (LOCAL-4); changes from the server are
    // on the server already.
    const journalKey = isLocal
      ? (journal?.add(this.#opts.workspaceId, this.docId, update) ?? null)
      : null;
    if (this.#writeTrouble !== null) {
      // Writes are failing: this one joins the unwritten ones, and the change is a reason to try
      // them all again now.
      this.#unwritten.push(update);
      if (journalKey !== null) this.#unwrittenJournal.push(journalKey);
      if (isLocal) this.#hasUnwrittenLocal = true;
      void this.retryWrites();
      return;
    }
    const { store, workspaceId, docId } = this.#opts;
    let meta: DocMeta | undefined;
    if (isLocal && !this.#isMarkedUnsettled) {
      meta = this.#meta(true);
      this.#isMarkedUnsettled = true;
    }
    const write = this.#track(store.appendUpdate(workspaceId, docId, update, meta));
    write.then(
      (key) => {
        if (journalKey !== null) journal?.remove(journalKey);
        this.#keys.push(key);
        if (this.#keys.length > COMPACT_AFTER_ENTRIES) void this.compact();
      },
      (error: unknown) => {
        // Yjs updates commute, so the order they are finally written in does not matter.
        this.#unwritten.push(update);
        if (journalKey !== null) this.#unwrittenJournal.push(journalKey);
        if (isLocal) this.#hasUnwrittenLocal = true;
        if (meta) this.#isMetaUnwritten = true;
        this.#writeTrouble = troubleOf(error);
        this.#emit();
      },
    );
  }

  /** Why local writes are failing (the latest changes are in memory only), or null. */
  get writeTrouble(): WriteTrouble | null {
    return this.#writeTrouble;
  }

  /**
   * Writes what earlier writes could not, as one log entry (with the meta, if it is stale, in the
   * same transaction). Called on every change while writes fail, and by the workspace on a timer
   * and when the page is shown or hidden. On success the trouble is over.
   */
  async retryWrites(): Promise<void> {
    if (this.#isRetrying) return;
    this.#isRetrying = true;
    const { store, workspaceId, docId } = this.#opts;
    try {
      while (this.#writeTrouble !== null) {
        const batch = this.#unwritten.splice(0);
        const journalKeys = this.#unwrittenJournal.splice(0);
        const hasLocal = this.#hasUnwrittenLocal;
        this.#hasUnwrittenLocal = false;
        const meta =
          this.#isMetaUnwritten || (hasLocal && !this.#isMarkedUnsettled)
            ? this.#meta(this.#pending.length > 0)
            : undefined;
        this.#isMetaUnwritten = false;
        const wasMarkedUnsettled = this.#isMarkedUnsettled;
        if (meta) this.#isMarkedUnsettled = meta.hasUnsettledChanges;
        try {
          if (batch.length > 0) {
            const update = batch.length === 1 ? batch[0]! : Y.mergeUpdates(batch);
            this.#keys.push(
              await this.#track(store.appendUpdate(workspaceId, docId, update, meta)),
            );
          } else if (meta) {
            await this.#track(store.putMeta(workspaceId, docId, meta));
          }
        } catch (error) {
          this.#unwritten.unshift(...batch);
          this.#unwrittenJournal.unshift(...journalKeys);
          this.#hasUnwrittenLocal ||= hasLocal;
          if (meta) {
            this.#isMetaUnwritten = true;
            this.#isMarkedUnsettled = wasMarkedUnsettled;
          }
          this.#writeTrouble = troubleOf(error);
          return;
        }
        for (const key of journalKeys) this.#opts.journal?.remove(key);
        // Updates that arrived during the write go round again; otherwise all is written.
        if (this.#unwritten.length === 0 && !this.#isMetaUnwritten) this.#writeTrouble = null;
      }
      if (this.#keys.length > COMPACT_AFTER_ENTRIES) void this.compact();
    } finally {
      this.#isRetrying = false;
      this.#emit();
    }
  }

  /** Merges the known log entries into one. Safe to run any time: it only replaces what it read. */
  async compact(): Promise<void> {
    if (this.#isCompacting || this.#keys.length < 2) return;
    this.#isCompacting = true;
    const replaced = this.#keys.slice();
    const merged = Y.encodeStateAsUpdate(this.doc);
    try {
      const key = await this.#track(
        this.#opts.store.compact(this.#opts.workspaceId, this.docId, replaced, merged),
      );
      this.#keys = [key, ...this.#keys.filter((k) => !replaced.includes(k))];
    } catch (error) {
      // Out of space: the entries stay as they were (the transaction wrote nothing) and the
      // next append tries again. Any other failure is worth reporting.
      if (!isStorageFull(error))
        this.#opts.report({ docId: this.docId, key: 'compact', message: String(error) });
    } finally {
      this.#isCompacting = false;
    }
  }

  /**
   * Starts counting the writes of one new connection (call when its WebSocket is created). Every
   * change made so far rides in the next write sent on it (the sync step 2 answering the server).
   */
  trackConnection(): ConnectionWrites {
    const link: Link = {
      sent: 0,
      settled: null,
      handle: {
        noteWriteSent: () => {
          if (!this.#links.has(link)) return;
          link.sent++;
          // Sent synchronously after the change: this message carries every change made so far.
          for (const p of this.#pending)
            if (!p.sentIn.has(link.handle)) p.sentIn.set(link.handle, link.sent);
        },
        applyAck: (acked, writesSettled, receivedAt = Date.now()) => {
          if (!this.#links.has(link)) return;
          if (writesSettled !== null) link.settled = writesSettled;
          this.#applyAck(acked, receivedAt);
        },
        end: () => {
          if (!this.#links.delete(link)) return;
          for (const p of this.#pending) p.sentIn.delete(link.handle);
          this.#emit();
        },
      },
    };
    this.#links.add(link);
    return link.handle;
  }

  /** True when some connection reported settled counts, so they (not timing) decide. */
  #hasCounts(): boolean {
    for (const link of this.#links) if (link.settled !== null) return true;
    return false;
  }

  #isSettled(p: Pending): boolean {
    for (const link of this.#links) {
      const n = p.sentIn.get(link.handle);
      if (n !== undefined && link.settled !== null && link.settled >= n) return true;
    }
    return false;
  }

  #applyAck(acked: StateVector, receivedAt: number) {
    this.#acked = acked;
    this.#ackedAt = receivedAt;
    const hasCounts = this.#hasCounts();
    this.#pending = this.#pending.filter((p) => {
      if (!isCoveredBy(p.to, acked)) return true;
      if (hasCounts) return !this.#isSettled(p);
      // A relay without counts: only the state vector and timing are left to go by.
      return p.isDeleteOnly && p.createdAt >= receivedAt;
    });
    if (this.#metaTimer === null) {
      this.#metaTimer = setTimeout(() => this.#saveMeta(), 300);
    }
    this.#emit();
  }

  /**
   * SYNC-1: an ack came on a connection whose first sync is complete. Its `seq` (null from a
   * relay that sends none) says the server has sent this device every stored row of the doc up
   * to it: they are in the doc. It is kept once they are also on the device: after the writes
   * already issued (those rows among them) have succeeded, never while some write failed.
   */
  noteAckAfterSync(seq: number | null) {
    this.#acksAfterSync++;
    if (seq === null) return;
    // SYNC-3: the store the seq is of, as known when the ack came (not when the writes settle).
    const storeId = this.#opts.storeId?.() ?? null;
    void Promise.allSettled([...this.#writes]).then(() => {
      if (this.#writeTrouble !== null || this.#unwritten.length > 0) return;
      if (seq === this.#ackedSeq && storeId === this.#ackedStoreId) return;
      this.#ackedSeq = seq;
      this.#ackedStoreId = storeId;
      if (this.#metaTimer === null) {
        this.#metaTimer = setTimeout(() => this.#saveMeta(), 300);
      }
    });
  }

  /** How many acks came on connections whose first sync was complete (see noteAckAfterSync). */
  get acksAfterSync(): number {
    return this.#acksAfterSync;
  }

  /** SYNC-1: see `DocMeta.ackedSeq`. */
  get ackedSeq(): number | null {
    return this.#ackedSeq;
  }

  /** SYNC-3: see `DocMeta.ackedStoreId`. */
  get ackedStoreId(): string | null {
    return this.#ackedStoreId;
  }

  #saveMeta() {
    if (this.#metaTimer !== null) clearTimeout(this.#metaTimer);
    this.#metaTimer = null;
    if (!this.#acked) return;
    if (this.#writeTrouble !== null) {
      // Written with the unwritten updates, in order, once writes work again.
      this.#isMetaUnwritten = true;
      return;
    }
    const meta = this.#meta(this.#pending.length > 0);
    this.#isMarkedUnsettled = meta.hasUnsettledChanges;
    this.#track(this.#opts.store.putMeta(this.#opts.workspaceId, this.docId, meta)).catch(
      (error: unknown) => {
        this.#isMetaUnwritten = true;
        this.#writeTrouble ??= troubleOf(error);
        this.#emit();
      },
    );
  }

  #meta(hasUnsettledChanges: boolean): DocMeta {
    return {
      ackedStateVector: this.#acked ? encodeStateVectorMap(this.#acked) : null,
      ackedAt: this.#ackedAt,
      hasUnsettledChanges,
      ackedSeq: this.#ackedSeq,
      ackedStoreId: this.#ackedStoreId,
    };
  }

  /** Local changes the server has not acknowledged yet. */
  get pendingChanges(): number {
    return this.#pending.length;
  }

  /**
   * True when the server acknowledged everything this device has of the doc: no local change is
   * waiting, the stored state vector covers the local one, and every write sent on a live
   * connection is settled.
   */
  get isSaved(): boolean {
    if (this.#pending.length > 0 || !isCoveredBy(this.#stateVector(), this.#acked)) return false;
    for (const link of this.#links)
      if (link.settled !== null && link.settled < link.sent) return false;
    return true;
  }

  get ackedAt(): number | null {
    return this.#ackedAt;
  }

  get hasAck(): boolean {
    return this.#acked !== null;
  }

  /**
   * Issues what waits on a timer (the acknowledged state) now: called when the page is hidden
   * or closed, since a timer may never fire after that.
   */
  flushSoon(): void {
    if (this.#metaTimer !== null) this.#saveMeta();
  }

  /** Resolves when every write issued so far is durable. */
  async flush(): Promise<void> {
    if (this.#metaTimer !== null) this.#saveMeta();
    while (this.#writes.size > 0) await Promise.allSettled([...this.#writes]);
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit() {
    for (const l of this.#listeners) l();
  }

  destroy() {
    if (this.#metaTimer !== null) this.#saveMeta();
    this.#links.clear();
    this.doc.off('update', this.#onUpdate);
    this.#listeners.clear();
  }
}

function pendingOf(to: StateVector, createdAt: number, isDeleteOnly: boolean): Pending {
  return { to, createdAt, isDeleteOnly, sentIn: new Map() };
}

import * as Y from 'yjs';
import type { LoadedDoc, LocalStore, StoreProblem } from './LocalStore.ts';
import { Origin } from './origins.ts';
import {
  encodeStateVectorMap,
  isCoveredBy,
  type StateVector,
  stateVectorOf,
} from './stateVectors.ts';

/** Compact a doc's log into one update once it holds more entries than this. */
export const COMPACT_AFTER_ENTRIES = 64;

type Pending = { to: StateVector; createdAt: number; isDeleteOnly: boolean };

export type SyncedDocOptions = {
  store: LocalStore;
  workspaceId: string;
  docId: string;
  /** Tells updates that came from the server (a provider) from changes made here. */
  isRemoteOrigin: (origin: unknown) => boolean;
  report: (problem: StoreProblem) => void;
};

/**
 * One doc of a workspace with its local persistence: every update not read from storage is
 * appended to the IndexedDB log at once; local changes stay "pending" until the server acknowledges
 * a state vector covering them.
 */
export class SyncedDoc {
  #doc: Y.Doc;
  readonly docId: string;
  readonly #opts: SyncedDocOptions;
  #keys: IDBValidKey[] = [];
  #pending: Pending[] = [];
  #acked: StateVector | null = null;
  #ackedAt: number | null = null;
  #writes = new Set<Promise<unknown>>();
  #isCompacting = false;
  #metaTimer: ReturnType<typeof setTimeout> | null = null;
  #listeners = new Set<() => void>();
  /** The doc's state vector, cached until the next update. */
  #sv: StateVector | null = null;

  /** Builds the doc from its stored log; unreadable entries are reported and left in place. */
  constructor(opts: SyncedDocOptions, loaded?: LoadedDoc, initial?: Y.Doc) {
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
      } catch (error) {
        opts.report({ docId: opts.docId, key: 'meta', message: String(error) });
      }
    }
    if (!this.#acked) {
      // Never acknowledged: every stored entry is waiting (no need to decode them).
      for (let i = 0; i < this.#keys.length; i++)
        this.#pending.push({ to: new Map(), createdAt: 0, isDeleteOnly: false });
    } else if (!isCoveredBy(this.#stateVector(), this.#acked)) {
      for (const { update } of updates) {
        try {
          const { to } = Y.parseUpdateMeta(update);
          if (!isCoveredBy(to, this.#acked))
            this.#pending.push({ to, createdAt: 0, isDeleteOnly: false });
        } catch {
          // already reported above
        }
      }
      if (this.#pending.length === 0) {
        this.#pending.push({ to: this.#stateVector(), createdAt: 0, isDeleteOnly: false });
      }
    }
    if (initial) {
      this.#append(Y.encodeStateAsUpdate(initial));
      this.#pending.push({
        to: stateVectorOf(initial),
        createdAt: Date.now(),
        isDeleteOnly: false,
      });
    }
    this.doc.on('update', this.#onUpdate);
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
    this.#append(update);
    if (!this.#opts.isRemoteOrigin(origin)) {
      const { to } = Y.parseUpdateMeta(update);
      const isDeleteOnly = to.size === 0;
      this.#pending.push({
        // A deletion adds no clock: wait for an ack covering the whole doc as it was then.
        to: isDeleteOnly ? this.#stateVector() : to,
        createdAt: Date.now(),
        isDeleteOnly,
      });
      this.#emit();
    }
  };

  #track<T>(p: Promise<T>): Promise<T> {
    this.#writes.add(p);
    const done = () => this.#writes.delete(p);
    p.then(done, done);
    return p;
  }

  #append(update: Uint8Array) {
    const { store, workspaceId, docId } = this.#opts;
    const write = this.#track(store.appendUpdate(workspaceId, docId, update));
    write.then(
      (key) => {
        this.#keys.push(key);
        if (this.#keys.length > COMPACT_AFTER_ENTRIES) void this.compact();
      },
      (error: unknown) =>
        this.#opts.report({ docId, key: 'append', message: `could not save: ${String(error)}` }),
    );
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
      this.#opts.report({ docId: this.docId, key: 'compact', message: String(error) });
    } finally {
      this.#isCompacting = false;
    }
  }

  /** Records the server's acknowledgement of its committed state vector. */
  applyAck(acked: StateVector, receivedAt = Date.now()) {
    this.#acked = acked;
    this.#ackedAt = receivedAt;
    this.#pending = this.#pending.filter(
      (p) => !(isCoveredBy(p.to, acked) && (!p.isDeleteOnly || p.createdAt < receivedAt)),
    );
    if (this.#metaTimer === null) {
      this.#metaTimer = setTimeout(() => this.#saveMeta(), 300);
    }
    this.#emit();
  }

  #saveMeta() {
    if (this.#metaTimer !== null) clearTimeout(this.#metaTimer);
    this.#metaTimer = null;
    if (!this.#acked) return;
    this.#track(
      this.#opts.store.putMeta(this.#opts.workspaceId, this.docId, {
        ackedStateVector: encodeStateVectorMap(this.#acked),
        ackedAt: this.#ackedAt,
      }),
    ).catch(() => {});
  }

  /** Local changes the server has not acknowledged yet. */
  get pendingChanges(): number {
    return this.#pending.length;
  }

  /** True when the server acknowledged everything this device has of the doc. */
  get isSaved(): boolean {
    return this.#pending.length === 0 && isCoveredBy(this.#stateVector(), this.#acked);
  }

  get ackedAt(): number | null {
    return this.#ackedAt;
  }

  get hasAck(): boolean {
    return this.#acked !== null;
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
    this.doc.off('update', this.#onUpdate);
    this.#listeners.clear();
  }
}

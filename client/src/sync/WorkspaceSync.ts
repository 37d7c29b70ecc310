import { CloseCode, INDEX_DOC_ID, roomName, SYNC_PATH, SyncParam } from '@grassroots/shared';
import { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { docsApi } from '../api/docsApi.ts';
import { meaningOfClose, type RefusalReason } from './closeCodes.ts';
import type { JournalEntry, LocalJournal } from './LocalJournal.ts';
import type { LoadedDoc, LocalStore, StoreProblem, WorkspaceEntry } from './LocalStore.ts';
import { Origin } from './origins.ts';
import { reconnectDelay } from './reconnectDelay.ts';
import { SyncedDoc, type WriteTrouble } from './SyncedDoc.ts';
import { trackProviderWrites } from './trackProviderWrites.ts';

export type ConnectionState = 'local' | 'offline' | 'connecting' | 'online' | 'denied';

/** A doc whose changes the relay refused: they stay on this device and are retried rarely. */
export type Refusal = {
  docId: string;
  reason: RefusalReason;
  /** The close code and reason the relay gave (for the details). */
  code: number;
  detail: string;
  at: number;
};

/** What the sync badge shows. It is derived from acknowledgements, never guessed. */
export type SyncSummary = {
  connection: ConnectionState;
  /** Local changes the server has not acknowledged, over all docs. */
  pendingChanges: number;
  /** Docs whose state the server has not fully acknowledged. */
  unsavedDocs: number;
  /** True while any doc is being brought up to date. */
  isSyncing: boolean;
  /** True while docs read from the device are still being built (right after opening). */
  isLoading: boolean;
  /** Latest acknowledgement time over all docs. */
  savedAt: number | null;
  problems: StoreProblem[];
  /**
   * Why the latest changes of some doc could not be written to this device and are held in
   * memory only ('full' wins over other failures), or null while writes work.
   */
  writeTrouble: WriteTrouble | null;
  /** Docs whose changes the relay refused. */
  refusals: Refusal[];
};

/** What a person's presence looks like to others (awareness field `user`). */
export type PresenceUser = { name: string; color: string; memberId: string };

export type DocSession = {
  synced: SyncedDoc;
  awareness: Awareness;
  /** The live provider, or null for a local-only workspace. */
  provider: WebsocketProvider | null;
  release: () => void;
};

export type WorkspaceSyncOptions = {
  entry: WorkspaceEntry;
  store: LocalStore;
  /** The write-ahead journal of local changes (LOCAL-4); default none. */
  journal?: LocalJournal | null;
  /** Doc ids listed in the index doc (the model owns its layout). */
  listDocIds: (indexDoc: Y.Doc) => string[];
  user: PresenceUser;
  /** How many docs to bring up to date at once in the background; default 3. */
  backgroundConcurrency?: number;
  /** Give up on one background doc after this long; default 20 s. */
  backgroundTimeoutMs?: number;
};

function syncUrl(origin: string): string {
  return `${origin.replace(/^http/, 'ws')}${SYNC_PATH}`;
}

/** Time spent building docs before yielding to the page (keeps input and paint responsive). */
const BUILD_SLICE_MS = 12;

/** First retry of failed local writes; doubles up to the maximum while they keep failing. */
const WRITE_RETRY_FIRST_MS = 2_000;
const WRITE_RETRY_MAX_MS = 30_000;

/**
 * First retry after the relay refused a doc's changes; doubles up to the maximum. A refused change
 * is kept: it is someone's work, it is already in the doc and on the device, and Yjs cannot take
 * one change out of a doc without losing what was built on it. But every try sends the same
 * bytes (maybe megabytes, maybe over metered mobile data) and, unless an administrator raised a
 * limit or the relay was fixed, gets the same answer. So the doc stops reconnecting by itself,
 * the person is told, and it tries again rarely: after a minute, then less and less often, and
 * whenever the person asks (or opens the doc, or reloads).
 */
const REFUSED_RETRY_FIRST_MS = 60_000;
const REFUSED_RETRY_MAX_MS = 30 * 60_000;

/**
 * SYNC-4: how often an open workspace shown on screen asks the relay which docs changed, ms.
 * Docs not open have no connection of their own: without it a phone left on the dashboard
 * showed yesterday's figures until it reconnected.
 */
export const RESWEEP_MS = 60_000;
/** SYNC-4: a page shown again asks at once, unless its last asking is this recent, ms. */
const RESWEEP_ON_SHOW_MS = 5_000;

/** How long a sweep waits for the server's seqs before bringing every doc up to date. */
const SEQS_TIMEOUT_MS = 15_000;

/**
 * How long a background sync that has everything waits for the ack that follows the server's
 * step 2 (a relay that sends none, or sends it late, must not hold the queue up).
 */
const SEQ_ACK_GRACE_MS = 2_000;

type RefusalState = Refusal & { attempts: number; timer: ReturnType<typeof setTimeout> | null };

/**
 * Keeps every doc of one workspace in memory, persisted locally, and in step with the relay:
 * the index doc and open docs stay connected; on every (re)connect all other docs are synced in
 * the background a few at a time, so any doc opens offline later.
 *
 * Opening reads the whole workspace from the device at once but builds only the index doc before
 * the first screen; the other docs are built in short slices after it (any doc asked for earlier
 * is built on the spot), so a large workspace shows its first screen without waiting for all.
 */
export class WorkspaceSync {
  readonly entry: WorkspaceEntry;
  readonly #opts: WorkspaceSyncOptions;
  /** Docs built so far (all of them once `isLoading` is false). */
  readonly docs = new Map<string, SyncedDoc>();
  /** Docs read from the device but not built yet. */
  #unbuilt = new Map<string, LoadedDoc>();
  /** SYNC-3: the server's store id from this tab's last seqs answer (null before one came). */
  #storeId: string | null = null;
  /** Journal entries left by a page that closed before IndexedDB had them, by doc. */
  #recovered = new Map<string, JournalEntry[]>();
  readonly problems: StoreProblem[] = [];
  /** Live providers, each with its doc and the cleanup of its write tracking. */
  #providers = new Map<WebsocketProvider, { docId: string; cleanup: () => void }>();
  #refusals = new Map<string, RefusalState>();
  /** Counts sweeps, so an answer that comes after a newer sweep began is dropped. */
  #sweepTurn = 0;
  /**
   * Sweeps whose answer (which docs differ from the server) has not come yet: until it has, the
   * device does not know whether it is in step, so the badge does not say "saved".
   */
  #sweepsAsking = 0;
  /** Sweeps waiting for their answer, re-sweeps (SYNC-4) included. */
  #sweepsRunning = 0;
  /** When the last sweep began (`performance.now()`), for SYNC-4. */
  #lastSweepAt = Number.NEGATIVE_INFINITY;
  /** Docs an admin deleted (the relay closed them with `docDeleted`): kept, but no longer synced. */
  #deleted = new Set<string>();
  #writeRetryTimer: ReturnType<typeof setTimeout> | null = null;
  #writeRetryMs = WRITE_RETRY_FIRST_MS;
  #open = new Map<
    string,
    { count: number; provider: WebsocketProvider | null; awareness: Awareness }
  >();
  #connection: ConnectionState;
  #queue: string[] = [];
  #active = new Set<string>();
  /** Docs changed on this device while their background sync ran (see `#add`). */
  #changedWhileActive = new Set<string>();
  #listeners = new Set<() => void>();
  #emitScheduled = false;
  #isDestroyed = false;
  #cleanups: Array<() => void> = [];

  constructor(opts: WorkspaceSyncOptions) {
    this.#opts = opts;
    this.entry = opts.entry;
    this.#connection = opts.entry.isLocalDemo ? 'local' : 'offline';
  }

  get isLocal(): boolean {
    return this.entry.isLocalDemo;
  }

  /**
   * Reads every doc from the device and builds the index doc; the others are built after the next
   * paint (`isLoading` until then). Then starts syncing (unless local-only).
   */
  async open(): Promise<void> {
    const loaded = await this.#opts.store.loadWorkspace(this.entry.id);
    performance.mark('grassroots:store-read');
    this.problems.push(...loaded.problems);
    for (const [docId, doc] of loaded.docs) this.#unbuilt.set(docId, doc);
    // Read after the log, so an entry committed meanwhile is in both (applying it twice is a
    // no-op) rather than in neither.
    const journal = this.#opts.journal?.read(this.entry.id);
    if (journal) {
      this.problems.push(...journal.problems);
      for (const entry of journal.entries) {
        const list = this.#recovered.get(entry.docId) ?? [];
        list.push(entry);
        this.#recovered.set(entry.docId, list);
        if (!this.#unbuilt.has(entry.docId))
          this.#unbuilt.set(entry.docId, { updates: [], meta: null });
      }
    }
    this.doc(INDEX_DOC_ID);
    performance.mark('grassroots:index-built');
    this.#buildRestLater();
    // Failed local writes are tried again when the page is shown or hidden (the person may have
    // freed space meanwhile, and hiding may be the last chance before the page is discarded).
    // Hiding or closing the page also issues what waits on a timer (LOCAL-4).
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') this.#flushSoon();
      void this.#retryWrites();
    };
    const onPageHide = () => {
      this.#flushSoon();
      void this.#retryWrites();
    };
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', onPageHide);
    this.#cleanups.push(() => {
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', onPageHide);
    });
    if (this.isLocal) return;
    this.#connectIndex();
    this.#resweepWhileShown();
    const onOnline = () => this.#setNetwork(true);
    const onOffline = () => this.#setNetwork(false);
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    this.#cleanups.push(() => {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
    });
  }

  /** True until every doc read from the device is built. */
  get isLoading(): boolean {
    return this.#unbuilt.size > 0;
  }

  #buildRestLater() {
    const slice = () => {
      if (this.#isDestroyed) return;
      const until = performance.now() + BUILD_SLICE_MS;
      for (const docId of this.#unbuilt.keys()) {
        this.doc(docId);
        if (performance.now() > until) break;
      }
      if (this.#unbuilt.size > 0) setTimeout(slice, 0);
      else performance.mark('grassroots:docs-built');
      this.#emit();
    };
    if (this.#unbuilt.size === 0) performance.mark('grassroots:docs-built');
    // After the first screen is painted: a frame, then a task.
    else requestAnimationFrame(() => setTimeout(slice, 0));
  }

  #flushSoon() {
    for (const synced of this.docs.values()) synced.flushSoon();
  }

  #docOpts(docId: string) {
    return {
      store: this.#opts.store,
      journal: this.#opts.journal ?? null,
      workspaceId: this.entry.id,
      docId,
      isRemoteOrigin: (origin: unknown) => origin instanceof WebsocketProvider,
      storeId: () => this.#storeId,
      report: (problem: StoreProblem) => {
        this.problems.push(problem);
        this.#emit();
      },
    };
  }

  #add(docId: string, synced: SyncedDoc) {
    this.docs.set(docId, synced);
    // A change made on this device to a doc that no editor holds open (a minutes' action item
    // turned into a task of the plan) goes out in the background at once, not at the next
    // sweep or when someone opens that doc.
    synced.doc.on('update', (_update: Uint8Array, origin: unknown) => {
      if (origin === Origin.storage || origin instanceof WebsocketProvider) return;
      if (this.#open.has(docId) || this.#connection !== 'online') return;
      // Changed while its background sync runs: that sync may end before this change is
      // acknowledged, so it goes round once more.
      if (this.#active.has(docId)) this.#changedWhileActive.add(docId);
      else this.#enqueue([docId]);
    });
    synced.onChange(() => {
      if (synced.writeTrouble !== null) this.#scheduleWriteRetry();
      if (this.#refusals.has(docId) && synced.isSaved) this.#clearRefusal(docId);
      this.#emit();
    });
  }

  #scheduleWriteRetry() {
    if (this.#writeRetryTimer !== null || this.#isDestroyed) return;
    this.#writeRetryTimer = setTimeout(() => {
      this.#writeRetryTimer = null;
      this.#writeRetryMs = Math.min(this.#writeRetryMs * 2, WRITE_RETRY_MAX_MS);
      void this.#retryWrites().then(() => {
        if ([...this.docs.values()].some((d) => d.writeTrouble !== null))
          this.#scheduleWriteRetry();
        else this.#writeRetryMs = WRITE_RETRY_FIRST_MS;
      });
    }, this.#writeRetryMs);
  }

  async #retryWrites(): Promise<void> {
    const failing = [...this.docs.values()].filter((d) => d.writeTrouble !== null);
    await Promise.all(failing.map((d) => d.retryWrites()));
  }

  /** The doc with this id (built now if it was not yet), empty when the device never saw it. */
  doc(docId: string): SyncedDoc {
    let synced = this.docs.get(docId);
    if (!synced) {
      const loaded = this.#unbuilt.get(docId);
      this.#unbuilt.delete(docId);
      const recovered = this.#recovered.get(docId);
      this.#recovered.delete(docId);
      synced = new SyncedDoc(this.#docOpts(docId), loaded, undefined, recovered);
      this.#add(docId, synced);
    }
    return synced;
  }

  /** True when the device holds this doc (built or not). */
  #has(docId: string): boolean {
    return this.docs.has(docId) || this.#unbuilt.has(docId);
  }

  /** Stores a doc made on this device (e.g. by the model's `createDoc`) under a new id. */
  adopt(docId: string, initial: Y.Doc): SyncedDoc {
    const synced = new SyncedDoc(this.#docOpts(docId), undefined, initial);
    this.#add(docId, synced);
    this.#emit();
    return synced;
  }

  get indexDoc(): Y.Doc {
    return this.doc(INDEX_DOC_ID).doc;
  }

  #provider(docId: string): WebsocketProvider {
    const synced = this.doc(docId);
    const provider = new WebsocketProvider(
      syncUrl(this.entry.serverOrigin),
      roomName(this.entry.id, docId),
      synced.doc,
      {
        connect: false,
        params: { [SyncParam.token]: this.entry.memberToken, [SyncParam.ack]: '1' },
        awareness: new Awareness(synced.doc),
        // A refusal or a denial is final for this connection; the rest are worth retrying, after
        // a random wait (SYNC-J1).
        shouldReconnect: (event, p) => {
          if (meaningOfClose(event.code).kind !== 'transient') return false;
          reconnects++;
          // y-websocket waits min(2^n × 100 ms, maxBackoffTime): with n large, it waits ours.
          p.maxBackoffTime = reconnectDelay(reconnects, Math.random());
          p.wsUnsuccessfulReconnects = 64;
          return true;
        },
      },
    );
    let reconnects = 0;
    provider.on('sync', (isSynced: boolean) => {
      if (isSynced) reconnects = 0;
    });
    this.#providers.set(provider, { docId, cleanup: trackProviderWrites(provider, synced) });
    provider.on('sync', () => this.#emit());
    provider.on('closed', ({ code, reason }) => {
      const meaning = meaningOfClose(code);
      if (meaning.kind === 'refused') this.#refused(docId, meaning.reason, code, reason);
      if (code === CloseCode.docDeleted && !this.#deleted.has(docId)) {
        this.#deleted.add(docId);
        this.#emit();
      }
    });
    if (navigator.onLine) provider.connect();
    // Other tabs of this workspace get this doc's changes over a BroadcastChannel even offline.
    else provider.connectBc();
    return provider;
  }

  /** Notes that the relay refused a doc's changes, and when to try again (see the constant). */
  #refused(docId: string, reason: RefusalReason, code: number, detail: string) {
    const previous = this.#refusals.get(docId);
    if (previous?.timer) clearTimeout(previous.timer);
    const attempts = (previous?.attempts ?? 0) + 1;
    const delay = Math.min(REFUSED_RETRY_FIRST_MS * 2 ** (attempts - 1), REFUSED_RETRY_MAX_MS);
    const state: RefusalState = {
      docId,
      reason,
      code,
      detail,
      at: Date.now(),
      attempts,
      timer: null,
    };
    state.timer = setTimeout(() => {
      state.timer = null;
      this.#retryRefusedDoc(docId);
    }, delay);
    this.#refusals.set(docId, state);
    this.#emit();
  }

  #clearRefusal(docId: string) {
    const state = this.#refusals.get(docId);
    if (state?.timer) clearTimeout(state.timer);
    this.#refusals.delete(docId);
  }

  /** Sends a refused doc's changes once more: over its live connection, or a background one. */
  #retryRefusedDoc(docId: string) {
    if (this.#isDestroyed || !this.#refusals.has(docId)) return;
    const open = this.#open.get(docId);
    if (open?.provider) {
      if (navigator.onLine) open.provider.connect();
      return;
    }
    if (this.#connection === 'online') this.#enqueue([docId], true);
  }

  /** Tries every refused doc again now (the person asked to). */
  retryRefused(): void {
    for (const docId of this.#refusals.keys()) this.#retryRefusedDoc(docId);
  }

  #dropProvider(provider: WebsocketProvider) {
    this.#providers.get(provider)?.cleanup();
    this.#providers.delete(provider);
    provider.awareness.setLocalState(null);
    provider.destroy();
  }

  #connectIndex() {
    const provider = this.#provider(INDEX_DOC_ID);
    this.#open.set(INDEX_DOC_ID, { count: 1, provider, awareness: provider.awareness });
    provider.on('status', ({ status }) => {
      this.#connection =
        status === 'connected' ? 'online' : status === 'connecting' ? 'connecting' : 'offline';
      if (!navigator.onLine) this.#connection = 'offline';
      this.#emit();
    });
    provider.on('closed', ({ code }) => {
      if (meaningOfClose(code).kind === 'denied') {
        this.#connection = 'denied';
        this.#emit();
      }
    });
    provider.on('sync', (isSynced: boolean) => {
      if (isSynced) this.#sweep();
    });
    // New docs listed by others while we are online get fetched too.
    const onIndexUpdate = (_u: Uint8Array, origin: unknown) => {
      if (origin instanceof WebsocketProvider && this.#connection === 'online') {
        const listed = this.#opts.listDocIds(this.indexDoc);
        // A deleted doc listed again was restored by an admin: it syncs again.
        for (const id of this.#deleted.size > 0 ? listed : []) {
          if (!this.#deleted.delete(id)) continue;
          this.#open.get(id)?.provider?.connect();
        }
        const fresh = listed.filter((id) => !this.#has(id));
        if (fresh.length > 0) this.#enqueue(fresh);
      }
    };
    this.indexDoc.on('update', onIndexUpdate);
    this.#cleanups.push(() => this.indexDoc.off('update', onIndexUpdate));
    if (!navigator.onLine) this.#connection = 'offline';
  }

  #setNetwork(isOnline: boolean) {
    for (const [provider, { docId }] of this.#providers) {
      // A refused doc waits for its own retry: the network coming back changes nothing for it.
      if (isOnline && !this.#refusals.has(docId)) provider.connect();
      else if (!isOnline) {
        provider.disconnect();
        provider.connectBc();
      }
    }
    if (!isOnline) this.#connection = 'offline';
    this.#emit();
  }

  /** All docs of the workspace, from the index and from the device. */
  allDocIds(): string[] {
    const ids = new Set(this.#opts.listDocIds(this.indexDoc));
    for (const id of this.docs.keys()) ids.add(id);
    for (const id of this.#unbuilt.keys()) ids.add(id);
    ids.delete(INDEX_DOC_ID);
    return [...ids];
  }

  /**
   * SYNC-1: after the index (re)connects, brings up to date the docs that may differ from the
   * server: the server says each doc's last stored seq in one request, and a doc with no change
   * of this device waiting whose last ack named that same seq is skipped (nothing to send, nothing
   * to get). Without an answer (an older server, a failed request) every doc is brought up to
   * date, as before.
   */
  #sweep(isResweep = false) {
    this.#lastSweepAt = performance.now();
    const ids = this.allDocIds();
    const turn = ++this.#sweepTurn;
    // SYNC-4: asking again is not syncing (the badge would blink every minute); what changed is,
    // once queued.
    const counts = isResweep ? 0 : 1;
    this.#sweepsAsking += counts;
    this.#sweepsRunning++;
    this.#emit();
    void this.#docsToSync(ids)
      .then((changed) => {
        if (turn === this.#sweepTurn && !this.#isDestroyed) this.#enqueue(changed);
      })
      .finally(() => {
        this.#sweepsAsking -= counts;
        this.#sweepsRunning--;
        this.#emit();
      });
  }

  async #docsToSync(ids: string[]): Promise<string[]> {
    const known = ids.filter((id) => this.#seqIfSaved(id) !== null);
    // With no seq kept (a new device), the answer is still asked for: the store id it names tags
    // the acks of the syncs that follow (SYNC-3), so the next opening compares their seqs.
    let seqs: Map<string, number>;
    let storeId: string | null;
    try {
      const answer = await docsApi.seqs(this.entry, known, AbortSignal.timeout(SEQS_TIMEOUT_MS));
      seqs = answer.seqs;
      storeId = answer.storeId;
    } catch {
      return ids;
    }
    // SYNC-3: acks from now on are of this store (the docs brought up to date below included).
    if (storeId !== null) this.#storeId = storeId;
    return ids.filter((id) => {
      const mine = this.#seqIfSaved(id);
      // A seq kept of another store (before a restore), or of one not known, says nothing.
      const isSameStore = storeId === null || this.#storeIdOfSeq(id) === storeId;
      return mine === null || !isSameStore || seqs.get(id) !== mine;
    });
  }

  /**
   * SYNC-4: while online and shown, the sweep runs again every RESWEEP_MS, and at once when the
   * page is shown again (a phone unlocked, a tab brought back), so docs others changed reach the
   * dashboard, the lists and the ledgers without a reconnect. Each is one small request; only
   * docs whose seq moved are synced.
   */
  #resweepWhileShown() {
    const resweep = () => {
      if (this.#isDestroyed || this.#connection !== 'online') return;
      if (document.visibilityState !== 'visible' || this.#sweepsRunning > 0) return;
      this.#sweep(true);
    };
    const timer = setInterval(resweep, RESWEEP_MS);
    const onShown = () => {
      if (document.visibilityState !== 'visible') return;
      if (performance.now() - this.#lastSweepAt >= RESWEEP_ON_SHOW_MS) resweep();
    };
    document.addEventListener('visibilitychange', onShown);
    this.#cleanups.push(() => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onShown);
    });
  }

  /** SYNC-3: the store the kept seq of a doc is of (built docs by their acks, others by meta). */
  #storeIdOfSeq(docId: string): string | null {
    const built = this.docs.get(docId);
    if (built) return built.ackedStoreId;
    const kept = this.#unbuilt.get(docId)?.meta?.ackedStoreId;
    return typeof kept === 'string' ? kept : null;
  }

  /**
   * The seq up to which this device holds every stored row of a doc, when it also has no change
   * of its own waiting (built docs by their acks, others by their stored meta); else null.
   */
  #seqIfSaved(docId: string): number | null {
    if (this.#refusals.has(docId) || this.#recovered.has(docId)) return null;
    const built = this.docs.get(docId);
    if (built) return built.isSaved ? built.ackedSeq : null;
    const meta = this.#unbuilt.get(docId)?.meta;
    return meta && !meta.hasUnsettledChanges && meta.ackedStateVector
      ? (meta.ackedSeq ?? null)
      : null;
  }

  /** Queues docs for a background sync; refused docs only when `isRetry` (see the constant). */
  #enqueue(ids: string[], isRetry = false) {
    for (const id of ids) {
      if (this.#refusals.has(id) && !isRetry) continue;
      if (this.#deleted.has(id)) continue;
      if (!this.#queue.includes(id) && !this.#active.has(id)) this.#queue.push(id);
    }
    this.#pump();
    this.#emit();
  }

  #pump() {
    const limit = this.#opts.backgroundConcurrency ?? 3;
    while (!this.#isDestroyed && this.#active.size < limit && this.#queue.length > 0) {
      const id = this.#queue.shift()!;
      if (this.#open.has(id)) continue; // an open doc syncs over its own connection
      this.#active.add(id);
      void this.#syncOnce(id).finally(() => {
        this.#active.delete(id);
        const isChanged = this.#changedWhileActive.delete(id);
        if (isChanged && !this.docs.get(id)?.isSaved && this.#connection === 'online') {
          if (!this.#refusals.has(id) && !this.#deleted.has(id) && !this.#queue.includes(id))
            this.#queue.push(id);
        }
        this.#pump();
        this.#emit();
      });
    }
  }

  /** Connects one doc until the server has acknowledged everything this device has of it. */
  async #syncOnce(docId: string): Promise<void> {
    if (this.#connection !== 'online') return;
    const synced = this.doc(docId);
    const provider = this.#provider(docId);
    provider.awareness.setLocalState(null);
    const acksBefore = synced.acksAfterSync;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.#opts.backgroundTimeoutMs ?? 20_000);
      let grace: ReturnType<typeof setTimeout> | null = null;
      const check = () => {
        if (!provider.synced || !synced.hasAck || !synced.isSaved) return;
        // SYNC-1: the ack that follows the server's step 2 names the seq this copy now holds;
        // one sent earlier (for this device's own step 2) may have settled everything already.
        if (synced.acksAfterSync > acksBefore) done();
        else grace ??= setTimeout(done, SEQ_ACK_GRACE_MS);
      };
      const offChange = synced.onChange(check);
      provider.on('sync', check);
      provider.on('closed', done);
      provider.on('connection-close', () => {
        if (!navigator.onLine) done();
      });
      function done() {
        clearTimeout(timer);
        if (grace !== null) clearTimeout(grace);
        offChange();
        resolve();
      }
    });
    this.#dropProvider(provider);
  }

  /** Opens a doc for editing: connected live, with presence. Call `release` when leaving it. */
  acquire(docId: string): DocSession {
    const synced = this.doc(docId);
    let open = this.#open.get(docId);
    if (!open) {
      const provider = this.isLocal ? null : this.#provider(docId);
      const awareness = provider?.awareness ?? new Awareness(synced.doc);
      open = { count: 0, provider, awareness };
      this.#open.set(docId, open);
    }
    open.count++;
    open.awareness.setLocalStateField('user', this.#opts.user);
    const session = open;
    let isReleased = false;
    return {
      synced,
      awareness: session.awareness,
      provider: session.provider,
      release: () => {
        if (isReleased) return;
        isReleased = true;
        session.count--;
        if (session.count > 0) return;
        this.#open.delete(docId);
        if (session.provider) this.#dropProvider(session.provider);
        else session.awareness.destroy();
        // Changes not yet acknowledged keep syncing after the editor closes.
        if (!synced.isSaved && this.#connection === 'online') this.#enqueue([docId]);
      },
    };
  }

  summary(): SyncSummary {
    let pendingChanges = 0;
    let unsavedDocs = 0;
    let savedAt: number | null = null;
    for (const [docId, synced] of this.docs) {
      // A deleted doc's changes stay on the device but can no longer be sent.
      if (this.#deleted.has(docId)) continue;
      pendingChanges += synced.pendingChanges;
      if (!synced.isSaved) unsavedDocs++;
      const at = synced.ackedAt;
      if (at !== null && (savedAt === null || at > savedAt)) savedAt = at;
    }
    let isOpenSyncing = false;
    for (const [docId, open] of this.#open) {
      if (open.provider && !open.provider.synced && !this.#deleted.has(docId)) isOpenSyncing = true;
    }
    let writeTrouble: WriteTrouble | null = null;
    for (const synced of this.docs.values()) {
      if (writeTrouble !== 'full') writeTrouble = synced.writeTrouble ?? writeTrouble;
    }
    const refusals = [...this.#refusals.values()].map(
      ({ docId, reason, code, detail, at }): Refusal => ({ docId, reason, code, detail, at }),
    );
    return {
      connection: this.#connection,
      writeTrouble,
      refusals,
      pendingChanges,
      unsavedDocs,
      isSyncing:
        this.#connection === 'online' &&
        (this.#active.size > 0 ||
          this.#queue.length > 0 ||
          isOpenSyncing ||
          this.#sweepsAsking > 0 ||
          unsavedDocs > 0 ||
          this.isLoading),
      savedAt,
      isLoading: this.isLoading,
      problems: this.problems,
    };
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit() {
    if (this.#emitScheduled) return;
    this.#emitScheduled = true;
    queueMicrotask(() => {
      this.#emitScheduled = false;
      for (const l of this.#listeners) l();
    });
  }

  /** Resolves when every local write issued so far is durable. */
  async flush(): Promise<void> {
    await Promise.all([...this.docs.values()].map((d) => d.flush()));
  }

  destroy() {
    this.#isDestroyed = true;
    if (this.#writeRetryTimer !== null) clearTimeout(this.#writeRetryTimer);
    for (const docId of [...this.#refusals.keys()]) this.#clearRefusal(docId);
    for (const c of this.#cleanups) c();
    for (const provider of [...this.#providers.keys()]) this.#dropProvider(provider);
    for (const synced of this.docs.values()) synced.destroy();
    this.#listeners.clear();
  }
}

import { roleSchema } from '@grassroots/shared';
import { createStore, get, promisifyRequest, set, type UseStore } from 'idb-keyval';
import type {
  DocMeta,
  LoadedDoc,
  LoadedWorkspace,
  LocalStore,
  StoreProblem,
  WorkspaceEntry,
} from './LocalStore.ts';
import { colourIndex } from './presenceColor.ts';

const WORKSPACES_KEY = 'workspaces';
/** Update log entries: `['u', docId, time, random]`; meta: `['m', docId]`. */
const UPDATE = 'u';
const META = 'm';

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

function describeKey(key: IDBValidKey): string {
  try {
    return JSON.stringify(key);
  } catch {
    return String(key);
  }
}

function parseWorkspaceEntry(value: unknown): WorkspaceEntry | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const strings = ['id', 'name', 'serverOrigin', 'memberId', 'memberToken', 'displayName'] as const;
  for (const k of strings) if (typeof v[k] !== 'string') return null;
  const role = roleSchema.safeParse(v.role);
  if (!role.success) return null;
  return {
    id: v.id as string,
    name: v.name as string,
    serverOrigin: v.serverOrigin as string,
    memberId: v.memberId as string,
    memberToken: v.memberToken as string,
    displayName: v.displayName as string,
    role: role.data,
    joinedAt: typeof v.joinedAt === 'number' ? v.joinedAt : 0,
    colour: colourIndex(v.colour),
    isLocalDemo: v.isLocalDemo === true,
  };
}

/** A doc meta as stored, checked field by field (IndexedDB contents are untrusted). */
export function parseMeta(value: unknown): DocMeta | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const sv = v.ackedStateVector;
  return {
    ackedStateVector: isBytes(sv) ? sv : null,
    ackedAt: typeof v.ackedAt === 'number' ? v.ackedAt : null,
    hasUnsettledChanges: v.hasUnsettledChanges === true,
    ackedSeq:
      typeof v.ackedSeq === 'number' && Number.isSafeInteger(v.ackedSeq) && v.ackedSeq >= 0
        ? v.ackedSeq
        : null,
    ackedStoreId:
      typeof v.ackedStoreId === 'string' && v.ackedStoreId !== '' && v.ackedStoreId.length <= 200
        ? v.ackedStoreId
        : null,
  };
}

/**
 * Asks IndexedDB to commit the transaction now (where the browser can) instead of when its
 * requests are done and the task ends, and resolves when it has: the page may be closing.
 */
function committed(store: IDBObjectStore): Promise<void> {
  const done = promisifyRequest(store.transaction);
  try {
    store.transaction.commit?.();
  } catch {
    // Already committing: nothing to hurry.
  }
  return done;
}

/**
 * LocalStore on IndexedDB through idb-keyval: one database for the device (workspaces, settings),
 * one per workspace for its docs' update logs.
 */
export class IdbLocalStore implements LocalStore {
  readonly #device: UseStore;
  readonly #workspaces = new Map<string, UseStore>();
  #seq = 0;

  constructor(private readonly prefix = 'grassroots') {
    this.#device = createStore(`${prefix}-device`, 'kv');
  }

  #ws(workspaceId: string): UseStore {
    let store = this.#workspaces.get(workspaceId);
    if (!store) {
      store = createStore(`${this.prefix}-ws-${workspaceId}`, 'docs');
      this.#workspaces.set(workspaceId, store);
    }
    return store;
  }

  async listWorkspaces(): Promise<{ workspaces: WorkspaceEntry[]; problems: StoreProblem[] }> {
    const problems: StoreProblem[] = [];
    let raw: unknown;
    try {
      raw = await get(WORKSPACES_KEY, this.#device);
    } catch (error) {
      problems.push({ docId: null, key: WORKSPACES_KEY, message: String(error) });
      return { workspaces: [], problems };
    }
    const workspaces: WorkspaceEntry[] = [];
    if (raw !== undefined && !Array.isArray(raw)) {
      problems.push({ docId: null, key: WORKSPACES_KEY, message: 'not a list' });
      return { workspaces, problems };
    }
    for (const [i, item] of (raw ?? []).entries()) {
      const entry = parseWorkspaceEntry(item);
      if (entry) workspaces.push(entry);
      else problems.push({ docId: null, key: `${WORKSPACES_KEY}[${i}]`, message: 'unreadable' });
    }
    return { workspaces, problems };
  }

  async putWorkspace(entry: WorkspaceEntry): Promise<void> {
    await this.#device('readwrite', async (store) => {
      const raw: unknown = await promisifyRequest(store.get(WORKSPACES_KEY));
      // Keep entries we cannot read as they are: never overwrite data we do not understand.
      const list = Array.isArray(raw) ? raw : [];
      const next = list.filter(
        (item) => !(typeof item === 'object' && item !== null && item.id === entry.id),
      );
      next.push(entry);
      store.put(next, WORKSPACES_KEY);
      return promisifyRequest(store.transaction);
    });
  }

  async removeWorkspace(workspaceId: string): Promise<void> {
    await this.#device('readwrite', async (store) => {
      const raw: unknown = await promisifyRequest(store.get(WORKSPACES_KEY));
      if (!Array.isArray(raw)) return;
      store.put(
        raw.filter((item) => !(typeof item === 'object' && item?.id === workspaceId)),
        WORKSPACES_KEY,
      );
      return promisifyRequest(store.transaction);
    });
    indexedDB.deleteDatabase(`${this.prefix}-ws-${workspaceId}`);
    this.#workspaces.delete(workspaceId);
  }

  async loadWorkspace(workspaceId: string): Promise<LoadedWorkspace> {
    const docs = new Map<string, LoadedDoc>();
    const problems: StoreProblem[] = [];
    const docOf = (docId: string): LoadedDoc => {
      let d = docs.get(docId);
      if (!d) {
        d = { updates: [], meta: null };
        docs.set(docId, d);
      }
      return d;
    };
    const accept = (key: IDBValidKey, value: unknown) => {
      if (!Array.isArray(key) || typeof key[1] !== 'string') {
        problems.push({ docId: null, key: describeKey(key), message: 'unknown key' });
        return;
      }
      const docId = key[1];
      if (key[0] === UPDATE) {
        if (isBytes(value) && value.byteLength > 0)
          docOf(docId).updates.push({ key, update: value });
        else problems.push({ docId, key: describeKey(key), message: 'not an update' });
      } else if (key[0] === META) {
        const meta = parseMeta(value);
        if (meta) docOf(docId).meta = meta;
        else problems.push({ docId, key: describeKey(key), message: 'unreadable meta' });
      }
    };
    const store = this.#ws(workspaceId);
    try {
      const [keys, values] = await store('readonly', (s) =>
        Promise.all([promisifyRequest(s.getAllKeys()), promisifyRequest(s.getAll())]),
      );
      keys.forEach((key, i) => {
        accept(key, values[i]);
      });
    } catch {
      // One unreadable value fails getAll: read entry by entry and skip the bad ones.
      const keys = await store('readonly', (s) => promisifyRequest(s.getAllKeys())).catch(
        (error: unknown) => {
          problems.push({ docId: null, key: '*', message: String(error) });
          return [] as IDBValidKey[];
        },
      );
      for (const key of keys) {
        try {
          accept(key, await get(key, store));
        } catch (error) {
          problems.push({ docId: null, key: describeKey(key), message: String(error) });
        }
      }
    }
    return { docs, problems };
  }

  #nextKey(docId: string): IDBValidKey {
    this.#seq = (this.#seq + 1) % 1_000_000;
    return [UPDATE, docId, Date.now(), this.#seq, Math.floor(Math.random() * 1e9)];
  }

  async appendUpdate(
    workspaceId: string,
    docId: string,
    update: Uint8Array,
    meta?: DocMeta,
  ): Promise<IDBValidKey> {
    const key = this.#nextKey(docId);
    await this.#ws(workspaceId)('readwrite', (store) => {
      store.put(update, key);
      if (meta) store.put(meta, [META, docId]);
      return committed(store);
    });
    return key;
  }

  /**
   * Two tabs of one workspace share this database and may compact the same doc at once. No lock
   * is needed: every entry has a key of its own (time, a per-tab sequence, a random part), and a
   * compaction deletes exactly the keys it merged, in the transaction that stores the merge.
   * IndexedDB runs read-write transactions on one store one after the other, so an entry another
   * tab wrote after this tab read the log is never among them and survives; the worst case is
   * the same change stored twice, which Yjs applies once. A lock (Web Locks or a
   * BroadcastChannel election) would add a way to stall writing, behind a tab the browser froze,
   * and protect nothing more.
   */
  async compact(
    workspaceId: string,
    docId: string,
    replaced: IDBValidKey[],
    merged: Uint8Array,
  ): Promise<IDBValidKey> {
    const key = this.#nextKey(docId);
    await this.#ws(workspaceId)('readwrite', (store) => {
      store.put(merged, key);
      for (const old of replaced) store.delete(old);
      return committed(store);
    });
    return key;
  }

  async putMeta(workspaceId: string, docId: string, meta: DocMeta): Promise<void> {
    await this.#ws(workspaceId)('readwrite', (store) => {
      store.put(meta, [META, docId]);
      return committed(store);
    });
  }

  async getSetting<T>(key: string): Promise<T | undefined> {
    try {
      return (await get(['setting', key], this.#device)) as T | undefined;
    } catch {
      return undefined;
    }
  }

  async putSetting(key: string, value: unknown): Promise<void> {
    await set(['setting', key], value, this.#device);
  }
}

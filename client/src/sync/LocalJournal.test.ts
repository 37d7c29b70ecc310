import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { JOURNAL_MAX_ENTRY_BYTES, StorageJournal } from './LocalJournal.ts';
import type { DocMeta, LocalStore } from './LocalStore.ts';
import { SyncedDoc } from './SyncedDoc.ts';
import { stateVectorOf } from './stateVectors.ts';

/** Web Storage over a Map, with a quota in characters like the browser's. */
class MapStorage implements Storage {
  #items = new Map<string, string>();
  constructor(private readonly quotaChars = Number.POSITIVE_INFINITY) {}
  get length() {
    return this.#items.size;
  }
  key(i: number) {
    return [...this.#items.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.#items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    let used = k.length + v.length;
    for (const [key, value] of this.#items) if (key !== k) used += key.length + value.length;
    if (used > this.quotaChars) {
      throw Object.assign(new Error('full'), { name: 'QuotaExceededError' });
    }
    this.#items.set(k, v);
  }
  removeItem(k: string) {
    this.#items.delete(k);
  }
  clear() {
    this.#items.clear();
  }
}

/**
 * A LocalStore whose writes commit only when told to, or never (the page was closed while they
 * were in flight): what the journal is for.
 */
function makeStallingStore() {
  const log: Uint8Array[] = [];
  const waiting: Array<() => void> = [];
  let n = 0;
  const store: LocalStore = {
    listWorkspaces: async () => ({ workspaces: [], problems: [] }),
    putWorkspace: async () => {},
    removeWorkspace: async () => {},
    loadWorkspace: async () => ({ docs: new Map(), problems: [] }),
    appendUpdate: (_w: string, _d: string, update: Uint8Array, _meta?: DocMeta) =>
      new Promise((resolve) => {
        waiting.push(() => {
          log.push(update);
          resolve(`k${n++}`);
        });
      }),
    compact: async () => 'c',
    putMeta: async () => {},
    getSetting: async () => undefined,
    putSetting: async () => {},
  };
  return {
    store,
    log,
    commitAll: async () => {
      for (const commit of waiting.splice(0)) commit();
      await Promise.resolve();
    },
  };
}

/** Lets promise callbacks already due run. */
const settled = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function typeInto(doc: Y.Doc, text: string) {
  for (const ch of text) {
    const t = doc.getText('title');
    doc.transact(() => t.insert(t.length, ch), 'local');
  }
}

function docOpts(journal: StorageJournal, store: LocalStore) {
  return {
    store,
    journal,
    workspaceId: 'w1',
    docId: 'd1',
    isRemoteOrigin: (origin: unknown) => origin === 'remote',
    report: () => {},
  };
}

describe('StorageJournal', () => {
  it('LOCAL-4 keeps an entry readable by a later page until it is removed', () => {
    const storage = new MapStorage();
    const tab = new StorageJournal({ storage, tabId: 'a' });
    const key = tab.add('w1', 'd1', new Uint8Array([1, 2, 3]));
    expect(key).not.toBeNull();
    const later = new StorageJournal({ storage, tabId: 'b' });
    expect(later.read('w1').entries).toEqual([
      { key, docId: 'd1', update: new Uint8Array([1, 2, 3]) },
    ]);
    expect(later.read('w2').entries).toEqual([]);
    tab.remove(key!);
    expect(later.read('w1').entries).toEqual([]);
  });

  it('LOCAL-4 two tabs never write the same key', () => {
    const storage = new MapStorage();
    const a = new StorageJournal({ storage, tabId: 'a' });
    const b = new StorageJournal({ storage, tabId: 'b' });
    const ka = a.add('w1', 'd1', new Uint8Array([1]));
    const kb = b.add('w1', 'd1', new Uint8Array([2]));
    expect(ka).not.toBe(kb);
    expect(
      a
        .read('w1')
        .entries.map((e) => e.update[0])
        .sort(),
    ).toEqual([1, 2]);
  });

  it('LOCAL-4 a full storage refuses an entry without throwing and reports it once', () => {
    const failures: unknown[] = [];
    const journal = new StorageJournal({
      storage: new MapStorage(60),
      tabId: 'a',
      onWriteFailed: (e) => failures.push(e),
    });
    expect(journal.add('w1', 'd1', new Uint8Array(100))).toBeNull();
    expect(journal.add('w1', 'd1', new Uint8Array(100))).toBeNull();
    expect(failures).toHaveLength(1);
    expect(journal.add('w1', 'd1', new Uint8Array(JOURNAL_MAX_ENTRY_BYTES + 1))).toBeNull();
  });

  it('LOCAL-4 an unreadable entry is reported and dropped, the others read', () => {
    const storage = new MapStorage();
    const journal = new StorageJournal({ storage, tabId: 'a' });
    journal.add('w1', 'd1', new Uint8Array([7]));
    storage.setItem('grassroots-journal:w1:x:1', 'd1 %%%not-base64');
    storage.setItem('grassroots-journal:w1:x:2', 'nospace');
    const { entries, problems } = journal.read('w1');
    expect(entries.map((e) => e.update)).toEqual([new Uint8Array([7])]);
    expect(problems.map((p) => p.key).sort()).toEqual([
      'grassroots-journal:w1:x:1',
      'grassroots-journal:w1:x:2',
    ]);
    expect(journal.read('w1').problems).toEqual([]);
  });

  it('LOCAL-4 a storage that throws on every call never throws out of the journal', () => {
    const broken = {
      get length(): number {
        throw new Error('denied');
      },
      key: () => {
        throw new Error('denied');
      },
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
      clear: () => {},
    } as Storage;
    const journal = new StorageJournal({ storage: broken, tabId: 'a' });
    expect(journal.add('w1', 'd1', new Uint8Array([1]))).toBeNull();
    expect(() => journal.remove('x')).not.toThrow();
    expect(journal.read('w1')).toEqual({ entries: [], problems: [] });
    expect(() => journal.clear('w1')).not.toThrow();
  });
});

describe('SyncedDoc with a journal', () => {
  it('LOCAL-4 keystrokes whose IndexedDB write never committed come back on the next load', async () => {
    const storage = new MapStorage();
    const first = makeStallingStore();
    const closing = new SyncedDoc(
      docOpts(new StorageJournal({ storage, tabId: 'a' }), first.store),
    );
    typeInto(closing.doc, '张三的发言');
    // The page is gone before IndexedDB committed anything.
    expect(first.log).toHaveLength(0);

    const second = makeStallingStore();
    const journal = new StorageJournal({ storage, tabId: 'b' });
    const { entries } = journal.read('w1');
    expect(entries.length).toBe(5);
    const reopened = new SyncedDoc(docOpts(journal, second.store), undefined, undefined, entries);
    expect(reopened.doc.getText('title').toString()).toBe('张三的发言');
    expect(reopened.pendingChanges).toBeGreaterThan(0);
    // Journaled again under the new tab; the old entries stay until the log has the change.
    const keys = journal.read('w1').entries.map((e) => e.key);
    expect(keys.some((k) => k.includes(':b:'))).toBe(true);
    expect(keys.some((k) => k.includes(':a:'))).toBe(true);
    await second.commitAll();
    await reopened.flush();
    await settled();
    expect(journal.read('w1').entries).toEqual([]);
    const stored = new Y.Doc();
    for (const u of second.log) Y.applyUpdate(stored, u);
    expect(stored.getText('title').toString()).toBe('张三的发言');
  });

  it('LOCAL-4 an entry is removed once its write committed; changes from the server are not journaled', async () => {
    const storage = new MapStorage();
    const s = makeStallingStore();
    const journal = new StorageJournal({ storage, tabId: 'a' });
    const synced = new SyncedDoc(docOpts(journal, s.store));
    typeInto(synced.doc, 'ab');
    expect(journal.read('w1').entries).toHaveLength(2);
    const other = new Y.Doc();
    other.getText('title').insert(0, 'x');
    Y.applyUpdate(synced.doc, Y.encodeStateAsUpdate(other), 'remote');
    expect(journal.read('w1').entries).toHaveLength(2);
    await s.commitAll();
    expect(journal.read('w1').entries).toEqual([]);
  });

  it('LOCAL-4 an entry already in the log is applied once and removed', async () => {
    const storage = new MapStorage();
    const journal = new StorageJournal({ storage, tabId: 'a' });
    const source = new Y.Doc();
    source.getText('title').insert(0, '会议');
    const update = Y.encodeStateAsUpdate(source);
    const key = journal.add('w1', 'd1', update);
    const s = makeStallingStore();
    const reopened = new SyncedDoc(
      docOpts(journal, s.store),
      { updates: [{ key: 'k', update }], meta: null },
      undefined,
      [{ key: key!, docId: 'd1', update }],
    );
    expect(reopened.doc.getText('title').toString()).toBe('会议');
    await settled();
    expect(journal.read('w1').entries).toEqual([]);
  });

  it('LOCAL-4 recovered entries stay in the journal while the device is too full to write them', async () => {
    const storage = new MapStorage();
    const first = makeStallingStore();
    typeInto(
      new SyncedDoc(docOpts(new StorageJournal({ storage, tabId: 'a' }), first.store)).doc,
      '满',
    );
    const full = makeStallingStore();
    full.store.appendUpdate = () =>
      Promise.reject(Object.assign(new Error('full'), { name: 'QuotaExceededError' }));
    const journal = new StorageJournal({ storage, tabId: 'b' });
    const reopened = new SyncedDoc(
      docOpts(journal, full.store),
      undefined,
      undefined,
      journal.read('w1').entries,
    );
    await reopened.flush();
    await settled();
    expect(reopened.writeTrouble).toBe('full');
    expect(reopened.doc.getText('title').toString()).toBe('满');
    expect(journal.read('w1').entries.some((e) => e.key.includes(':a:'))).toBe(true);
  });

  it('LOCAL-4 hiding the page writes the acknowledged state at once instead of on its timer', async () => {
    const s = makeStallingStore();
    const metas: DocMeta[] = [];
    s.store.putMeta = async (_w, _d, meta) => {
      metas.push(meta);
    };
    const synced = new SyncedDoc(
      docOpts(new StorageJournal({ storage: new MapStorage() }), s.store),
    );
    typeInto(synced.doc, 'a');
    await s.commitAll();
    const link = synced.trackConnection();
    link.noteWriteSent();
    link.applyAck(stateVectorOf(synced.doc), 1);
    expect(metas).toEqual([]);
    synced.flushSoon();
    expect(metas).toHaveLength(1);
    expect(metas[0]!.hasUnsettledChanges).toBe(false);
    synced.destroy();
  });
});

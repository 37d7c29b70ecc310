import type { StoreProblem } from './LocalStore.ts';

/** A local change held in the journal until the device's log has it (LOCAL-4). */
export type JournalEntry = { key: string; docId: string; update: Uint8Array };

/**
 * A small write-ahead journal for local changes. IndexedDB cannot be written synchronously, and
 * a transaction still in flight when the page is closed, reloaded or killed may be lost; the
 * journal is written synchronously as the change happens, and emptied once IndexedDB committed it.
 */
export interface LocalJournal {
  /**
   * Writes an update at once; returns its key, or null when it could not be written (the storage
   * is full or unavailable): the change then relies on the IndexedDB write alone.
   */
  add(workspaceId: string, docId: string, update: Uint8Array): string | null;
  /** Forgets an entry (its update is durable elsewhere). Unknown keys are ignored. */
  remove(key: string): void;
  /** Every entry of a workspace, this tab's and other tabs' (closed or not); bad ones reported. */
  read(workspaceId: string): { entries: JournalEntry[]; problems: StoreProblem[] };
  /** Forgets every entry of a workspace (it was removed from the device). */
  clear(workspaceId: string): void;
}

/** Entries larger than this are not journaled (imports, generated docs; never a keystroke). */
export const JOURNAL_MAX_ENTRY_BYTES = 256 * 1024;

const PREFIX = 'grassroots-journal:';

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

function randomTabId(): string {
  return Math.floor(Math.random() * 36 ** 8)
    .toString(36)
    .padStart(8, '0');
}

export type StorageJournalOptions = {
  /** Where entries go; `localStorage` in the app (a reload and a killed tab both keep it). */
  storage: Storage;
  /** This tab's part of every key, so two tabs never write the same key; default random. */
  tabId?: string;
  /** Called once per failing write kind, e.g. the storage is full; default nothing. */
  onWriteFailed?: (error: unknown) => void;
};

/**
 * LocalJournal on Web Storage. Keys are `grassroots-journal:<workspace>:<tab>:<seq>`, values
 * `<docId> <base64 update>`. Every call is guarded: a full or disabled storage, or an entry
 * another version wrote, never throws out of here.
 */
export class StorageJournal implements LocalJournal {
  readonly #storage: Storage;
  readonly #tabId: string;
  readonly #onWriteFailed: (error: unknown) => void;
  #seq = 0;
  #hasFailed = false;

  constructor(opts: StorageJournalOptions) {
    this.#storage = opts.storage;
    this.#tabId = opts.tabId ?? randomTabId();
    this.#onWriteFailed = opts.onWriteFailed ?? (() => {});
  }

  add(workspaceId: string, docId: string, update: Uint8Array): string | null {
    if (update.byteLength > JOURNAL_MAX_ENTRY_BYTES) return null;
    this.#seq++;
    const key = `${PREFIX}${workspaceId}:${this.#tabId}:${this.#seq}`;
    try {
      this.#storage.setItem(key, `${docId} ${toBase64(update)}`);
      return key;
    } catch (error) {
      if (!this.#hasFailed) this.#onWriteFailed(error);
      this.#hasFailed = true;
      return null;
    }
  }

  remove(key: string): void {
    try {
      this.#storage.removeItem(key);
    } catch {
      // Nothing to do: a stale entry is applied once more on the next load, which changes nothing.
    }
  }

  #keysOf(workspaceId: string): string[] {
    const prefix = `${PREFIX}${workspaceId}:`;
    const keys: string[] = [];
    try {
      for (let i = 0; i < this.#storage.length; i++) {
        const key = this.#storage.key(i);
        if (key?.startsWith(prefix)) keys.push(key);
      }
    } catch {
      return [];
    }
    return keys;
  }

  read(workspaceId: string): { entries: JournalEntry[]; problems: StoreProblem[] } {
    const entries: JournalEntry[] = [];
    const problems: StoreProblem[] = [];
    for (const key of this.#keysOf(workspaceId)) {
      let raw: string | null = null;
      try {
        raw = this.#storage.getItem(key);
      } catch (error) {
        problems.push({ docId: null, key, message: String(error) });
        continue;
      }
      const space = raw?.indexOf(' ') ?? -1;
      const docId = raw && space > 0 ? raw.slice(0, space) : '';
      let update: Uint8Array | null = null;
      try {
        if (raw && space > 0) update = fromBase64(raw.slice(space + 1));
      } catch {
        update = null;
      }
      if (!update || update.byteLength === 0) {
        // A journal entry is a copy in transit: one that cannot be read never will be, so it is
        // reported once and dropped rather than reported on every load.
        problems.push({ docId: docId || null, key, message: 'unreadable journal entry' });
        this.remove(key);
        continue;
      }
      entries.push({ key, docId, update });
    }
    // Oldest first within a tab (Yjs does not need it, but it keeps replays easy to follow).
    entries.sort((a, b) => seqOf(a.key) - seqOf(b.key));
    return { entries, problems };
  }

  clear(workspaceId: string): void {
    for (const key of this.#keysOf(workspaceId)) this.remove(key);
  }
}

function seqOf(key: string): number {
  const n = Number(key.slice(key.lastIndexOf(':') + 1));
  return Number.isFinite(n) ? n : 0;
}

/** The journal on `localStorage`, or none when the browser refuses it (private modes, policies). */
export function makeBrowserJournal(): LocalJournal | null {
  try {
    const storage = window.localStorage;
    return new StorageJournal({
      storage,
      onWriteFailed: (error) => console.warn('journal: writes fail, IndexedDB only', error),
    });
  } catch {
    return null;
  }
}

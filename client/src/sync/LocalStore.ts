import type { Role } from '@grassroots/shared';

/** A workspace this device has joined (or the local demo), remembered across visits. */
export type WorkspaceEntry = {
  id: string;
  name: string;
  /** Origin of the relay that issued the membership, e.g. `https://village.example`. */
  serverOrigin: string;
  memberId: string;
  memberToken: string;
  role: Role;
  displayName: string;
  joinedAt: number;
  /** This member's colour as the relay gave it (MemberInfo.colour), null until known. */
  colour: number | null;
  /** A workspace generated in this browser that never syncs. */
  isLocalDemo: boolean;
};

/** True when two entries differ at most in their colour. */
export function isSameButColour(a: WorkspaceEntry, b: WorkspaceEntry): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof WorkspaceEntry>;
  for (const key of keys) if (key !== 'colour' && a[key] !== b[key]) return false;
  return true;
}

/** One stored update of a doc's log, addressed by an opaque key. */
export type StoredUpdate = { key: IDBValidKey; update: Uint8Array };

/** What the device last heard from the server about a doc. */
export type DocMeta = {
  /** State vector the server acknowledged as committed (encoded with Y.encodeStateVector). */
  ackedStateVector: Uint8Array | null;
  /** When that acknowledgement arrived (ms since epoch). */
  ackedAt: number | null;
  /**
   * True while this device holds changes the server has not settled. Set in the same transaction
   * as the log entry of a local change, because a change that only deletes moves no state vector:
   * without it a reload would take the acknowledged state vector as proof that all is saved.
   */
  hasUnsettledChanges: boolean;
  /**
   * SYNC-1: the seq up to which the server had sent this device every stored row of the doc, as
   * an ack on a fully synced connection said; null when no such ack came yet. Optional: entries
   * written before it existed have none.
   */
  ackedSeq?: number | null;
  /**
   * SYNC-3: the server's store `ackedSeq` is of (its id as this tab last heard it when the ack
   * came); the seq is compared only with seqs of that same store. Null or absent: unknown, so the
   * doc is brought up to date once.
   */
  ackedStoreId?: string | null;
};

/**
 * True when a write failed because the device (or the browser's share of it) is out of space.
 * Implementations reject with the error the platform gives; IndexedDB, the Cache API and
 * localStorage all name it `QuotaExceededError`.
 */
export function isStorageFull(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'QuotaExceededError'
  );
}

/** A problem met while reading local data: reported to the person, the entry skipped. */
export type StoreProblem = { docId: string | null; key: string; message: string };

export type LoadedDoc = { updates: StoredUpdate[]; meta: DocMeta | null };

export type LoadedWorkspace = {
  docs: Map<string, LoadedDoc>;
  problems: StoreProblem[];
};

/**
 * The device's own copy of everything: joined workspaces, and for each doc an append-only log of
 * Yjs updates (compacted into one when it grows) plus what the server last acknowledged.
 */
export interface LocalStore {
  listWorkspaces(): Promise<{ workspaces: WorkspaceEntry[]; problems: StoreProblem[] }>;
  putWorkspace(entry: WorkspaceEntry): Promise<void>;
  removeWorkspace(workspaceId: string): Promise<void>;
  /** Reads every doc of a workspace; unreadable entries are skipped and reported. */
  loadWorkspace(workspaceId: string): Promise<LoadedWorkspace>;
  /**
   * Appends one update to a doc's log and resolves when it is durable; returns its key. With
   * `meta`, the doc's meta is replaced in the same transaction (both are stored or neither).
   */
  appendUpdate(
    workspaceId: string,
    docId: string,
    update: Uint8Array,
    meta?: DocMeta,
  ): Promise<IDBValidKey>;
  /**
   * Replaces the given log entries by one merged update, atomically. Entries not listed (written
   * meanwhile by another tab, or unreadable ones) are left untouched.
   */
  compact(
    workspaceId: string,
    docId: string,
    replaced: IDBValidKey[],
    merged: Uint8Array,
  ): Promise<IDBValidKey>;
  putMeta(workspaceId: string, docId: string, meta: DocMeta): Promise<void>;
  /** Small device settings (language…). */
  getSetting<T>(key: string): Promise<T | undefined>;
  putSetting(key: string, value: unknown): Promise<void>;
}

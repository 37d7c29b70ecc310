import type {
  AuthStore,
  DeletedDocStore,
  DocStore,
  PublicBoardStore,
  SqliteStore,
} from '@grassroots/server';

/**
 * A real SqliteStore with injected faults and delays, to prove the relay's failure handling.
 * Only the doc-log calls are touched; everything else goes straight through.
 */
export function faultyStore(inner: SqliteStore) {
  const faults = {
    /** Milliseconds each loadUpdates waits before reading. */
    loadDelayMs: 0,
    /** Milliseconds each loadUpdates waits after reading, before answering (rows go stale). */
    loadDelayAfterReadMs: 0,
    /** How many of the next loadUpdates calls fail. */
    failLoads: 0,
    /** The `code` of the error a failed load throws (e.g. 'ECONNRESET', as `pg` gives). */
    loadErrorCode: undefined as string | undefined,
    /** How many of the next appendUpdates calls fail. */
    failAppends: 0,
    /** Milliseconds each appendUpdates waits before writing. */
    appendDelayMs: 0,
    appendCalls: 0,
  };
  const store: DocStore & AuthStore & DeletedDocStore & PublicBoardStore = Object.create(inner);
  store.loadUpdates = async (room, range) => {
    if (faults.loadDelayMs > 0) await new Promise((r) => setTimeout(r, faults.loadDelayMs));
    if (faults.failLoads > 0) {
      faults.failLoads--;
      throw Object.assign(new Error('injected load failure'), { code: faults.loadErrorCode });
    }
    const rows = await inner.loadUpdates(room, range);
    if (faults.loadDelayAfterReadMs > 0)
      await new Promise((r) => setTimeout(r, faults.loadDelayAfterReadMs));
    return rows;
  };
  store.appendUpdates = async (batch) => {
    faults.appendCalls++;
    if (faults.appendDelayMs > 0) await new Promise((r) => setTimeout(r, faults.appendDelayMs));
    if (faults.failAppends > 0) {
      faults.failAppends--;
      throw new Error('injected store failure');
    }
    return inner.appendUpdates(batch);
  };
  return { store, faults };
}

/**
 * Checks what the relay stored, with the server's own SqliteStore and the server stopped: every
 * row of every room must apply to a fresh Y.Doc in seq order, and the rows of each room must
 * merge into one update that applies too.
 */
import { SqliteStore, type StoredUpdate, sqlitePath } from '@grassroots/server';
import * as Y from 'yjs';

/** A stored row that did not load, or a room whose rows did not merge. */
export type BadRow = {
  room: string;
  /** The row's seq; null when the failure is of the merged rows. */
  seq: number | null;
  stage: 'apply' | 'merge' | 'apply merged';
  error: string;
  update: Uint8Array | null;
};

export type StoredRowsReport = {
  rooms: number;
  rows: number;
  bytes: number;
  /** Rooms whose rows leave structs or deletions waiting for updates that were never stored. */
  roomsWithPending: string[];
  bad: BadRow[];
  /** Every room's rows, for comparisons (room → rows in seq order). */
  byRoom: Map<string, StoredUpdate[]>;
};

const message = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** Loads every room of the data folder's SQLite file and applies and merges its rows. */
export async function checkStoredRows(dataDir: string): Promise<StoredRowsReport> {
  const store = new SqliteStore(sqlitePath(dataDir));
  try {
    const rooms = store.db
      .prepare('SELECT DISTINCT room FROM updates ORDER BY room')
      .pluck()
      .all() as string[];
    const report: StoredRowsReport = {
      rooms: rooms.length,
      rows: 0,
      bytes: 0,
      roomsWithPending: [],
      bad: [],
      byRoom: new Map(),
    };
    for (const room of rooms) {
      const rows = await store.loadUpdates(room);
      report.byRoom.set(room, rows);
      report.rows += rows.length;
      const doc = new Y.Doc({ gc: false });
      for (const row of rows) {
        report.bytes += row.update.byteLength;
        try {
          Y.applyUpdate(doc, row.update);
        } catch (error) {
          report.bad.push({
            room,
            seq: row.seq,
            stage: 'apply',
            error: message(error),
            update: row.update,
          });
        }
      }
      if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
        report.roomsWithPending.push(room);
      }
      doc.destroy();
      let merged: Uint8Array;
      try {
        merged = Y.mergeUpdates(rows.map((r) => r.update));
      } catch (error) {
        report.bad.push({ room, seq: null, stage: 'merge', error: message(error), update: null });
        continue;
      }
      const fresh = new Y.Doc({ gc: false });
      try {
        Y.applyUpdate(fresh, merged);
      } catch (error) {
        report.bad.push({
          room,
          seq: null,
          stage: 'apply merged',
          error: message(error),
          update: null,
        });
      }
      fresh.destroy();
    }
    return report;
  } finally {
    await store.close();
  }
}

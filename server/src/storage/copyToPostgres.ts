import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type pg from 'pg';
import { BlobStoreError } from './BlobStore.ts';
import { assertNotInUse, BackupRefused } from './backup.ts';
import type { FsBlobStore } from './FsBlobStore.ts';
import type { PostgresBlobStore } from './PostgresBlobStore.ts';
import type { PostgresStore } from './PostgresStore.ts';
import { SqliteStore } from './SqliteStore.ts';

/** Why a copy was not made; nothing was written to PostgreSQL's rows. */
export class CopyRefused extends Error {
  override name = 'CopyRefused';
}

/**
 * The tables a SQLite database holds, parents first (members and invites name their workspace).
 * PostgreSQL has them under the same names and columns, plus `rooms`, made from `updates`.
 */
const TABLES = [
  'workspaces',
  'members',
  'invites',
  'updates',
  'named_versions',
  'history_marks',
  'deleted_docs',
  'public_boards',
  'publications',
] as const;

/** Rows sent in one INSERT, and bytes of values at most (a compacted update may be large). */
const BATCH_ROWS = 500;
const BATCH_BYTES = 8 * 1024 * 1024;

export type CopyResult = {
  /** Rows copied per table. */
  rows: Record<string, number>;
  /** Attached files copied (or already there from an earlier run). */
  files: number;
  /** Files whose bytes no longer hash to their name: left out, named here. */
  damagedFiles: string[];
  /** The PostgreSQL store's new id (SYNC-3): devices bring every doc up to date once. */
  storeId: string;
};

/**
 * Copies a county's SQLite relay (its database file and attached files) into an empty
 * PostgreSQL database, for a deployment that outgrew one machine: workspaces, members and their
 * tokens (devices stay signed in), invites, every stored update with its seq, author and times
 * (history reads the same), named versions, history marks, deleted documents, the public board.
 * The rows go in one transaction, refused unless the database holds no workspace and no update,
 * and checked table by table before commit. Files go first, each checked against its hash;
 * copying them again is a no-op, so a run that failed can simply be run again. Run it with the
 * SQLite relay stopped: what it stores after the copy began is not in the copy.
 */
export async function copySqliteToPostgres(options: {
  sqliteFile: string;
  files: FsBlobStore;
  target: PostgresStore;
  targetFiles: PostgresBlobStore;
}): Promise<CopyResult> {
  const { sqliteFile, files, target, targetFiles } = options;
  // A mistyped folder would otherwise become a new, empty database, copied as nothing.
  if (!existsSync(sqliteFile)) throw new CopyRefused(`no database at ${sqliteFile}: check --data`);
  const held = await target.pool.query<{ n: string }>(
    'SELECT (SELECT count(*) FROM workspaces) + (SELECT count(*) FROM updates) AS n',
  );
  if (Number(held.rows[0]!.n) > 0) {
    throw new CopyRefused(
      'the PostgreSQL database already holds workspaces or documents: copy into an empty one',
    );
  }
  // A relay still serving the file would store what the copy misses (a member revoked after
  // the copy began would be a member again on PostgreSQL).
  try {
    assertNotInUse(sqliteFile);
  } catch (error) {
    if (error instanceof BackupRefused) throw new CopyRefused(error.message);
    throw error;
  }
  const source = new SqliteStore(sqliteFile);
  try {
    const copiedFiles = await copyFilesToPostgres(files, targetFiles);
    const rows = await copyRows(source, target.pool);
    return { rows: rows.counts, ...copiedFiles, storeId: rows.storeId };
  } finally {
    await source.close();
  }
}

/**
 * Copies every complete file of a data folder into PostgreSQL, each checked against its hash; a
 * file PostgreSQL has already is a no-op, so it may run again, and on every relay's folder (the
 * files of a deployment whose relays kept them each in their own folder).
 */
export async function copyFilesToPostgres(
  files: FsBlobStore,
  targetFiles: PostgresBlobStore,
): Promise<{ files: number; damagedFiles: string[] }> {
  let copied = 0;
  const damagedFiles: string[] = [];
  for await (const { workspaceId, hash } of files.completeBlobs()) {
    try {
      const blob = await files.read(workspaceId, hash);
      if (!blob) continue;
      // Bytes cut short, or longer than the meta says: damaged, as bytes of another hash are.
      if (blob.bytes.byteLength !== blob.info.size) throw new BlobStoreError('size', 'size');
      const meta = { type: blob.info.type, size: blob.info.size };
      const state = await targetFiles.write(workspaceId, hash, meta, 0, blob.bytes);
      if (!state.isComplete) throw new BlobStoreError('size', 'incomplete');
      copied++;
    } catch (error) {
      const isDamaged =
        error instanceof BlobStoreError || (error as { code?: string }).code === 'ENOENT';
      if (!isDamaged) throw error;
      damagedFiles.push(`${workspaceId}/${hash}`);
    }
  }
  return { files: copied, damagedFiles };
}

async function copyRows(
  source: SqliteStore,
  pool: pg.Pool,
): Promise<{ counts: Record<string, number>; storeId: string }> {
  const db = source.db;
  const client = await pool.connect();
  const counts: Record<string, number> = {};
  try {
    // One snapshot of the SQLite file for every table.
    db.exec('BEGIN');
    await client.query('BEGIN');
    for (const table of TABLES) {
      const columns = (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
      const { rows: known } = await client.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1`,
        [table],
      );
      const targetColumns = new Set(known.map((r) => r.column_name));
      const missing = columns.filter((c) => !targetColumns.has(c));
      if (missing.length > 0) {
        throw new CopyRefused(`PostgreSQL's ${table} has no column ${missing.join(', ')}`);
      }
      let copied = 0;
      let batch: unknown[][] = [];
      let batchBytes = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        const values = batch.map(
          (_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`,
        );
        await client.query(
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`,
          batch.flat(),
        );
        copied += batch.length;
        batch = [];
        batchBytes = 0;
      };
      const statement = db.prepare(`SELECT ${columns.join(', ')} FROM ${table}`).raw();
      for (const row of statement.iterate() as IterableIterator<unknown[]>) {
        batch.push(row);
        for (const value of row) {
          if (Buffer.isBuffer(value)) batchBytes += value.byteLength;
          else if (typeof value === 'string') batchBytes += value.length * 3;
          else batchBytes += 8;
        }
        if (batch.length >= BATCH_ROWS || batchBytes >= BATCH_BYTES) await flush();
      }
      await flush();
      const there = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      const here = db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
      if (Number(there.rows[0]!.n) !== here.n || copied !== here.n) {
        throw new Error(`${table}: ${here.n} rows in SQLite, ${there.rows[0]!.n} in PostgreSQL`);
      }
      counts[table] = copied;
    }
    // Each room's next seq follows the last one it handed out: its last stored row, or a named
    // version or mark past it (a file compacted by an older build kept a group's first seq).
    await client.query(
      `INSERT INTO rooms (room, last_seq)
       SELECT room, max(seq) FROM (
         SELECT room, seq FROM updates
         UNION ALL SELECT room, seq FROM named_versions
         UNION ALL SELECT room, seq FROM history_marks
       ) AS handed_out GROUP BY room`,
    );
    // Such a file may still have the table of last seqs it kept then.
    const hasOldRooms = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rooms'")
      .get();
    if (hasOldRooms) {
      for (const row of db.prepare('SELECT room, last_seq FROM rooms').all() as {
        room: string;
        last_seq: number;
      }[]) {
        await client.query(
          `INSERT INTO rooms (room, last_seq) VALUES ($1, $2)
           ON CONFLICT (room) DO UPDATE SET last_seq = GREATEST(rooms.last_seq, excluded.last_seq)`,
          [row.room, row.last_seq],
        );
      }
    }
    // SYNC-3: a store of its own, whose seqs devices do not trust before asking once.
    const storeId = randomUUID();
    await client.query("UPDATE store_meta SET value = $1 WHERE key = 'store_id'", [storeId]);
    await client.query('COMMIT');
    return { counts, storeId };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
    if (db.inTransaction) db.exec('ROLLBACK');
  }
}

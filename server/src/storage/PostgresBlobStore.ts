import { Readable } from 'node:stream';
import { type BlobType, blobHashSchema, idSchema, isBlobType } from '@grassroots/shared';
import type pg from 'pg';
import { InTurn, Slots } from '../inTurn.ts';
import {
  type BlobInfo,
  type BlobStore,
  BlobStoreError,
  type BlobUsage,
  IDLE_UPLOAD_MS,
  type UploadState,
} from './BlobStore.ts';
import { inTransaction } from './PostgresStore.ts';

/** What one query reads of a blob being downloaded (BLOB-12). */
const READ_SLICE_BYTES = 1024 * 1024;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS blobs (
  workspace_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  type TEXT NOT NULL,
  size BIGINT NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (workspace_id, hash)
);
CREATE TABLE IF NOT EXISTS blob_uploads (
  workspace_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  type TEXT NOT NULL,
  size BIGINT NOT NULL,
  received BIGINT NOT NULL,
  touched_at BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, hash)
);
CREATE TABLE IF NOT EXISTS blob_chunks (
  workspace_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  start BIGINT NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (workspace_id, hash, start)
);
`;

/** The first key of the advisory locks an upload takes (the second is its own hash). */
const UPLOAD_LOCK = 7262022;
/** The first key of the advisory lock of a workspace's uploads starting (BLOB-10). */
const STARTING_LOCK = 7262023;

/** How a write ended: stored, or refused after what had to be undone was committed. */
type Outcome = { state: UploadState } | { refused: BlobStoreError };

/**
 * BlobStore in PostgreSQL, for deployments with several relay processes: every relay serves
 * every file, and an upload may send each chunk to another relay (BLOB-1…10). An upload's chunks
 * are rows of `blob_chunks` until its last byte arrives and its hash is checked; then the blob is
 * one row of `blobs`. Chunks of one upload are written under a transaction-scoped advisory lock,
 * so two relays never interleave them.
 */
export class PostgresBlobStore implements BlobStore {
  /** Uploads starting in this process, per workspace (BLOB-10). */
  readonly #starting = new InTurn();
  /**
   * Connections held for a workspace's lock at once: each holds one while its work takes others,
   * so as many as the pool has would leave none for that work, and wait for ever.
   */
  readonly #lockSlots = new Slots(2);

  private constructor(private readonly pool: pg.Pool) {}

  /** Creates the tables when missing, on the pool of the deployment's PostgresStore. */
  static async open(pool: pg.Pool): Promise<PostgresBlobStore> {
    await inTransaction(pool, async (c) => {
      // Relays starting together would otherwise race to create the tables.
      await c.query('SELECT pg_advisory_xact_lock($1, 0)', [UPLOAD_LOCK]);
      await c.query(SCHEMA);
    });
    return new PostgresBlobStore(pool);
  }

  async info(workspaceId: string, hash: string): Promise<BlobInfo | null> {
    check(workspaceId, hash);
    const { rows } = await this.pool.query<{ type: string; size: number }>(
      'SELECT type, size FROM blobs WHERE workspace_id = $1 AND hash = $2',
      [workspaceId, hash],
    );
    const row = rows[0];
    return row && isBlobType(row.type) ? { hash, type: row.type, size: Number(row.size) } : null;
  }

  async state(workspaceId: string, hash: string): Promise<UploadState> {
    check(workspaceId, hash);
    return stateIn(this.pool, workspaceId, hash);
  }

  startingInTurn<T>(workspaceId: string, work: () => Promise<T>): Promise<T> {
    idSchema.parse(workspaceId);
    // The workspace's lock is held by a transaction on a connection of its own while `work` runs
    // on others: every relay process's uploads of the workspace start one after the other. A
    // process that dies lets go with its connection; one that hangs holds the others 30 s at most,
    // which then fail (their devices try again later). A connection lost meanwhile is discarded.
    return this.#starting.run(workspaceId, () =>
      this.#lockSlots.run(() =>
        inTransaction(this.pool, async (lock) => {
          await lock.query("SET LOCAL lock_timeout = '30s'");
          await lock.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
            STARTING_LOCK,
            workspaceId,
          ]);
          return work();
        }),
      ),
    );
  }

  async touchedAt(workspaceId: string, hash: string): Promise<number | null> {
    check(workspaceId, hash);
    const { rows } = await this.pool.query<{ touched_at: string }>(
      `SELECT u.touched_at FROM blob_uploads u WHERE u.workspace_id = $1 AND u.hash = $2
         AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.workspace_id = $1 AND b.hash = $2)`,
      [workspaceId, hash],
    );
    return rows[0] ? Number(rows[0].touched_at) : null;
  }

  async write(
    workspaceId: string,
    hash: string,
    meta: { type: BlobType; size: number },
    offset: number,
    bytes: Uint8Array,
  ): Promise<UploadState> {
    check(workspaceId, hash);
    const outcome = await this.underUploadLock(workspaceId, hash, async (c): Promise<Outcome> => {
      const current = await stateIn(c, workspaceId, hash);
      if (current.isComplete) return { state: current };
      if (offset !== current.offset) {
        throw new BlobStoreError('offset', `upload holds ${current.offset} bytes`, current.offset);
      }
      if (offset + bytes.byteLength > meta.size) {
        throw new BlobStoreError('size', `bytes pass the declared size ${meta.size}`);
      }
      // An empty chunk changes nothing (a row of it would take the offset of the next one).
      if (bytes.byteLength === 0) return { state: current };
      const now = Date.now();
      if (offset === 0) {
        // A start again (an upload dropped half-way, or one that never got a byte) starts clean.
        await c.query('DELETE FROM blob_chunks WHERE workspace_id = $1 AND hash = $2', [
          workspaceId,
          hash,
        ]);
        await c.query(
          `INSERT INTO blob_uploads (workspace_id, hash, type, size, received, touched_at)
           VALUES ($1, $2, $3, $4, 0, $5)
           ON CONFLICT (workspace_id, hash)
           DO UPDATE SET type = excluded.type, size = excluded.size, received = 0,
             touched_at = excluded.touched_at`,
          [workspaceId, hash, meta.type, meta.size, now],
        );
      } else {
        const { rows } = await c.query<{ type: string; size: number }>(
          'SELECT type, size FROM blob_uploads WHERE workspace_id = $1 AND hash = $2',
          [workspaceId, hash],
        );
        const started = rows[0];
        if (!started || started.type !== meta.type || Number(started.size) !== meta.size) {
          throw new BlobStoreError(
            'type-mismatch',
            'the upload in progress has another size or type',
          );
        }
      }
      await c.query(
        'INSERT INTO blob_chunks (workspace_id, hash, start, data) VALUES ($1, $2, $3, $4)',
        [workspaceId, hash, offset, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
      );
      const received = offset + bytes.byteLength;
      await c.query(
        `UPDATE blob_uploads SET received = $3, touched_at = $4
         WHERE workspace_id = $1 AND hash = $2`,
        [workspaceId, hash, received, now],
      );
      if (received < meta.size) return { state: { offset: received, isComplete: false } };

      // BLOB-15: the file is put together and hashed by PostgreSQL, never in this process (it
      // was read whole here, twice over as a query parameter: about five times its size each).
      const { rows: stored } = await c.query<{ actual: string }>(
        `INSERT INTO blobs (workspace_id, hash, type, size, data)
         SELECT $1, $2, $3, $4, string_agg(data, ''::bytea ORDER BY start)
         FROM blob_chunks WHERE workspace_id = $1 AND hash = $2
         RETURNING encode(sha256(data), 'hex') AS actual`,
        [workspaceId, hash, meta.type, meta.size],
      );
      await c.query('DELETE FROM blob_chunks WHERE workspace_id = $1 AND hash = $2', [
        workspaceId,
        hash,
      ]);
      await c.query('DELETE FROM blob_uploads WHERE workspace_id = $1 AND hash = $2', [
        workspaceId,
        hash,
      ]);
      const actual = stored[0]?.actual;
      // Nothing of a file whose bytes are not its name is kept: the deletions commit.
      if (actual !== hash) {
        await c.query('DELETE FROM blobs WHERE workspace_id = $1 AND hash = $2', [
          workspaceId,
          hash,
        ]);
        return { refused: new BlobStoreError('hash-mismatch', `bytes hash to ${actual}`) };
      }
      return { state: { offset: meta.size, isComplete: true } };
    });
    if ('refused' in outcome) throw outcome.refused;
    return outcome.state;
  }

  async read(
    workspaceId: string,
    hash: string,
  ): Promise<{ info: BlobInfo; bytes: Uint8Array } | null> {
    check(workspaceId, hash);
    const { rows } = await this.pool.query<{ type: string; size: number; data: Buffer }>(
      'SELECT type, size, data FROM blobs WHERE workspace_id = $1 AND hash = $2',
      [workspaceId, hash],
    );
    const row = rows[0];
    if (!row || !isBlobType(row.type)) return null;
    return {
      info: { hash, type: row.type, size: Number(row.size) },
      bytes: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength),
    };
  }

  async open(
    workspaceId: string,
    hash: string,
  ): Promise<{ info: BlobInfo; stream: Readable } | null> {
    check(workspaceId, hash);
    const { rows } = await this.pool.query<{ type: string; size: number }>(
      'SELECT type, size FROM blobs WHERE workspace_id = $1 AND hash = $2',
      [workspaceId, hash],
    );
    const row = rows[0];
    if (!row || !isBlobType(row.type)) return null;
    const size = Number(row.size);
    const { pool } = this;
    // A slice a query: the stream asks for the next once the peer has read the last.
    async function* slices() {
      for (let at = 0; at < size; at += READ_SLICE_BYTES) {
        const part = await pool.query<{ part: Buffer | null }>(
          'SELECT substring(data FROM $3 FOR $4) AS part FROM blobs WHERE workspace_id = $1 AND hash = $2',
          [workspaceId, hash, at + 1, READ_SLICE_BYTES],
        );
        const bytes = part.rows[0]?.part;
        if (!bytes) throw new Error('the blob went away while it was read');
        yield bytes;
      }
    }
    return {
      info: { hash, type: row.type, size },
      stream: Readable.from(slices(), { objectMode: false, highWaterMark: 1 }),
    };
  }

  async dropStaleUploads(maxAgeMs: number, now = Date.now()): Promise<number> {
    const { rows } = await this.pool.query<{ workspace_id: string; hash: string }>(
      'SELECT workspace_id, hash FROM blob_uploads WHERE touched_at <= $1',
      [now - maxAgeMs],
    );
    let dropped = 0;
    for (const { workspace_id: ws, hash } of rows) {
      // Under the upload's own lock, looked at again: a chunk may have arrived meanwhile.
      const isDropped = await this.underUploadLock(ws, hash, async (c) => {
        const gone = await c.query(
          `DELETE FROM blob_uploads WHERE workspace_id = $1 AND hash = $2 AND touched_at <= $3`,
          [ws, hash, now - maxAgeMs],
        );
        if (gone.rowCount === 0) return false;
        await c.query('DELETE FROM blob_chunks WHERE workspace_id = $1 AND hash = $2', [ws, hash]);
        return true;
      });
      if (isDropped) dropped++;
    }
    return dropped;
  }

  async usage(workspaceId: string, exceptHash?: string, now = Date.now()): Promise<BlobUsage> {
    idSchema.parse(workspaceId);
    // An upload idle since $3 counts at what it holds (BLOB-16).
    const { rows } = await this.pool.query<{ bytes: number; files: number }>(
      `SELECT coalesce(sum(size), 0) AS bytes, count(*)::int AS files FROM (
         SELECT size FROM blobs WHERE workspace_id = $1
         UNION ALL
         SELECT CASE WHEN u.touched_at <= $3 THEN u.received ELSE u.size END FROM blob_uploads u
         WHERE u.workspace_id = $1 AND u.hash <> $2
           AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.workspace_id = $1 AND b.hash = u.hash)
       ) AS taken`,
      [workspaceId, exceptHash ?? '', now - IDLE_UPLOAD_MS],
    );
    return { bytes: Number(rows[0]!.bytes), files: Number(rows[0]!.files) };
  }

  /** Runs `work` in a transaction holding the upload's advisory lock (released at its end). */
  private underUploadLock<T>(
    workspaceId: string,
    hash: string,
    work: (client: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    return inTransaction(this.pool, async (c) => {
      // Each statement sees what the lock's previous holder committed; a holder that hangs
      // (a frozen relay's half-open connection) fails the wait instead of holding this one.
      await c.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await c.query("SET LOCAL lock_timeout = '30s'");
      await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        UPLOAD_LOCK,
        `${workspaceId}/${hash}`,
      ]);
      return work(c);
    });
  }
}

/** Both are checked by the routes too; here they guard the store. */
function check(workspaceId: string, hash: string): void {
  idSchema.parse(workspaceId);
  blobHashSchema.parse(hash);
}

async function stateIn(
  q: Pick<pg.Pool, 'query'> | pg.PoolClient,
  workspaceId: string,
  hash: string,
): Promise<UploadState> {
  const done = await q.query<{ size: number }>(
    'SELECT size FROM blobs WHERE workspace_id = $1 AND hash = $2',
    [workspaceId, hash],
  );
  if (done.rows[0]) return { offset: Number(done.rows[0].size), isComplete: true };
  const upload = await q.query<{ received: number }>(
    'SELECT received FROM blob_uploads WHERE workspace_id = $1 AND hash = $2',
    [workspaceId, hash],
  );
  return { offset: Number(upload.rows[0]?.received ?? 0), isComplete: false };
}

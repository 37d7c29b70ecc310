import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { mergeGroup, planCompaction } from './compaction.ts';
import type { DeletedDoc, DeletedDocStore } from './DeletedDocStore.ts';
import type {
  AuthStore,
  CompactOptions,
  CompactResult,
  DocStore,
  Invite,
  Member,
  NamedVersion,
  NewUpdate,
  StoredMark,
  StoredUpdate,
  Workspace,
} from './DocStore.ts';
import { parseHistoryMark } from './historyMarks.ts';
import {
  type LivePublication,
  type NewPublication,
  PUBLICATION_COLUMNS,
  type PublicBoard,
  type PublicBoardStore,
  type StoredPublication,
} from './PublicBoardStore.ts';
import {
  type InviteRow,
  liveInvite,
  type MemberRow,
  toBuffer,
  toInvite,
  toMember,
  toUpdate,
  type UpdateRow,
} from './rows.ts';

/** Times are epoch ms (BIGINT); seqs fit in BIGINT too. Both are read back as numbers. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS updates (
  room TEXT NOT NULL,
  seq BIGINT NOT NULL,
  author_id TEXT NOT NULL,
  first_at BIGINT NOT NULL,
  last_at BIGINT NOT NULL,
  count INTEGER NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (room, seq)
);
CREATE TABLE IF NOT EXISTS rooms (
  room TEXT PRIMARY KEY,
  last_seq BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS named_versions (
  id TEXT PRIMARY KEY,
  room TEXT NOT NULL,
  seq BIGINT NOT NULL,
  name TEXT NOT NULL,
  author_id TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS named_versions_room ON named_versions (room, seq);
CREATE TABLE IF NOT EXISTS history_marks (
  room TEXT NOT NULL,
  seq BIGINT NOT NULL,
  mark TEXT NOT NULL,
  author_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (room, seq)
);
CREATE TABLE IF NOT EXISTS workspaces (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  blob_quota_mb INTEGER
);
ALTER TABLE workspaces ADD COLUMN IF NOT EXISTS blob_quota_mb INTEGER;
CREATE TABLE IF NOT EXISTS members (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX IF NOT EXISTS members_workspace ON members (workspace_id);
CREATE TABLE IF NOT EXISTS invites (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_by TEXT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  revoked_at BIGINT,
  uses INTEGER NOT NULL DEFAULT 0,
  max_uses INTEGER,
  claims_member_id TEXT
);
CREATE INDEX IF NOT EXISTS invites_workspace ON invites (workspace_id);
CREATE TABLE IF NOT EXISTS deleted_docs (
  workspace_id TEXT NOT NULL,
  doc_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  deleted_by TEXT NOT NULL,
  deleted_at BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, doc_id)
);
CREATE TABLE IF NOT EXISTS public_boards (
  workspace_id TEXT PRIMARY KEY,
  public_id TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS publications (
  workspace_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  content TEXT NOT NULL,
  published_by TEXT NOT NULL,
  published_at BIGINT NOT NULL,
  withdrawn_by TEXT,
  withdrawn_at BIGINT,
  PRIMARY KEY (workspace_id, item_id, version)
);
-- PUB-10: the board's version is counted from this index alone, never from the rows' contents.
CREATE INDEX IF NOT EXISTS publications_withdrawn ON publications (workspace_id, withdrawn_at);
-- The live list reads each item's last version and first time from this index alone.
CREATE INDEX IF NOT EXISTS publications_items ON publications (workspace_id, item_id, version, published_at);
CREATE TABLE IF NOT EXISTS store_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/** BIGINT (type 20) read as a JS number: every value stored here is below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export type PostgresStoreOptions = {
  /** `postgres://user@host:port/database`. */
  url: string;
  /** Connections in the pool. Default 10. */
  maxConnections?: number;
};

/**
 * Both stores in PostgreSQL, for deployments with several relay processes. The log's sequence
 * numbers are taken per room under the room row's lock, in the transaction that inserts the rows,
 * so they are gap-free and follow commit order (a SEQUENCE would do neither). Committing is the
 * point after which the relay acknowledges, exactly as with SQLite.
 */
export class PostgresStore implements DocStore, AuthStore, DeletedDocStore, PublicBoardStore {
  private constructor(
    readonly pool: pg.Pool,
    /** The connection string it was opened with. */
    readonly url: string,
  ) {}

  /** Connects and creates the tables when missing. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 10,
      types,
    });
    // An idle client losing its server (a restart) must not crash the process: the next query
    // takes a new connection.
    pool.on('error', () => {});
    const store = new PostgresStore(pool, options.url);
    // Two processes starting at once may both create the tables: serialise on a lock.
    await inTransaction(store.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(7262021)');
      await c.query(SCHEMA);
      await c.query(
        "INSERT INTO store_meta (key, value) VALUES ('store_id', $1) ON CONFLICT (key) DO NOTHING",
        [randomUUID()],
      );
    });
    return store;
  }

  async appendUpdates(batch: readonly NewUpdate[]): Promise<number[]> {
    if (batch.length === 0) return [];
    const byRoom = new Map<string, number[]>();
    batch.forEach((item, i) => {
      const indexes = byRoom.get(item.room) ?? [];
      indexes.push(i);
      byRoom.set(item.room, indexes);
    });
    const seqs = new Array<number>(batch.length);
    // Rooms in one order in every transaction, so two batches never wait on each other in a cycle.
    const rooms = [...byRoom.keys()].sort();
    await inTransaction(this.pool, async (c) => {
      for (const room of rooms) {
        const indexes = byRoom.get(room)!;
        // Reserves the room's next numbers and holds its row lock until commit.
        const { rows } = await c.query<{ last_seq: number }>(
          `INSERT INTO rooms (room, last_seq) VALUES ($1, $2)
           ON CONFLICT (room) DO UPDATE SET last_seq = rooms.last_seq + excluded.last_seq
           RETURNING last_seq`,
          [room, indexes.length],
        );
        const first = rows[0]!.last_seq - indexes.length + 1;
        indexes.forEach((index, k) => {
          seqs[index] = first + k;
        });
        const items = indexes.map((i) => batch[i]!);
        await c.query(
          `INSERT INTO updates (room, seq, author_id, first_at, last_at, count, data)
           SELECT $1, s, a, t, t, 1, d
           FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::bytea[]) AS u(s, a, t, d)`,
          [
            room,
            indexes.map((i) => seqs[i]),
            items.map((x) => x.authorId),
            items.map((x) => x.at),
            items.map((x) => toBuffer(x.update)),
          ],
        );
      }
    });
    return seqs;
  }

  async loadUpdates(
    room: string,
    range: { afterSeq?: number; uptoSeq?: number } = {},
  ): Promise<StoredUpdate[]> {
    const { rows } = await this.pool.query<UpdateRow>(
      `SELECT seq, author_id, first_at, last_at, count, data FROM updates
       WHERE room = $1 AND seq > $2 AND seq <= $3 ORDER BY seq`,
      [room, range.afterSeq ?? 0, range.uptoSeq ?? Number.MAX_SAFE_INTEGER],
    );
    return rows.map(toUpdate);
  }

  async lastSeqs(rooms: readonly string[]): Promise<Map<string, number>> {
    const seqs = new Map<string, number>(rooms.map((r) => [r, 0]));
    if (rooms.length === 0) return seqs;
    const { rows } = await this.pool.query<{ room: string; last_seq: number }>(
      'SELECT room, last_seq FROM rooms WHERE room = ANY($1::text[])',
      [rooms],
    );
    for (const row of rows) seqs.set(row.room, row.last_seq);
    return seqs;
  }

  async storeId(): Promise<string> {
    const { rows } = await this.pool.query<{ value: string }>(
      "SELECT value FROM store_meta WHERE key = 'store_id'",
    );
    return rows[0]!.value;
  }

  async renewStoreId(): Promise<void> {
    await this.pool.query(
      "INSERT INTO store_meta (key, value) VALUES ('store_id', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
      [randomUUID()],
    );
  }

  async roomStats(room: string): Promise<{ rows: number; bytes: number; lastSeq: number }> {
    const { rows } = await this.pool.query<{ rows: number; bytes: number; last_seq: number }>(
      `SELECT (SELECT count(*) FROM updates WHERE room = $1)::bigint AS rows,
              (SELECT coalesce(sum(length(data)), 0) FROM updates WHERE room = $1)::bigint AS bytes,
              coalesce((SELECT last_seq FROM rooms WHERE room = $1), 0)::bigint AS last_seq`,
      [room],
    );
    const row = rows[0]!;
    return { rows: row.rows, bytes: row.bytes, lastSeq: row.last_seq };
  }

  async compact(room: string, options: CompactOptions): Promise<CompactResult> {
    return inTransaction(this.pool, async (c) => {
      // One compaction of a room at a time (across processes); appends go on meanwhile: they only
      // add rows above the ones read here.
      await c.query("SELECT pg_advisory_xact_lock(hashtext('compact:' || $1))", [room]);
      const loaded = await c.query<UpdateRow>(
        'SELECT seq, author_id, first_at, last_at, count, data FROM updates WHERE room = $1 ORDER BY seq',
        [room],
      );
      const rows = loaded.rows.map(toUpdate);
      const named = await c.query<{ seq: number }>(
        'SELECT seq FROM named_versions WHERE room = $1',
        [room],
      );
      const marked = await c.query<{ seq: number }>(
        'SELECT seq FROM history_marks WHERE room = $1',
        [room],
      );
      const groups = planCompaction(
        rows,
        options,
        new Set(named.rows.map((v) => v.seq)),
        new Set(marked.rows.map((m) => m.seq)),
      );
      for (const group of groups) {
        const row = mergeGroup(group);
        await c.query('DELETE FROM updates WHERE room = $1 AND seq >= $2 AND seq <= $3', [
          room,
          group[0]!.seq,
          group[group.length - 1]!.seq,
        ]);
        await c.query(
          'INSERT INTO updates (room, seq, author_id, first_at, last_at, count, data) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [room, row.seq, row.authorId, row.firstAt, row.lastAt, row.count, toBuffer(row.update)],
        );
      }
      const removed = groups.reduce((n, g) => n + g.length - 1, 0);
      return { rowsBefore: rows.length, rowsAfter: rows.length - removed };
    });
  }

  async addNamedVersion(v: NamedVersion): Promise<void> {
    await this.pool.query(
      'INSERT INTO named_versions (id, room, seq, name, author_id, at) VALUES ($1, $2, $3, $4, $5, $6)',
      [v.id, v.room, v.seq, v.name, v.authorId, v.at],
    );
  }

  async listNamedVersions(room: string): Promise<NamedVersion[]> {
    const { rows } = await this.pool.query<NamedVersion>(
      'SELECT id, room, seq, name, author_id AS "authorId", at FROM named_versions WHERE room = $1 ORDER BY seq, at',
      [room],
    );
    return rows;
  }

  async addHistoryMark(m: StoredMark): Promise<void> {
    await this.pool.query(
      `INSERT INTO history_marks (room, seq, mark, author_id, at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (room, seq) DO UPDATE SET mark = excluded.mark, author_id = excluded.author_id,
         at = excluded.at`,
      [m.room, m.seq, JSON.stringify(m.mark), m.authorId, m.at],
    );
  }

  async listHistoryMarks(room: string): Promise<StoredMark[]> {
    const { rows } = await this.pool.query<Omit<StoredMark, 'mark'> & { mark: string }>(
      'SELECT room, seq, mark, author_id AS "authorId", at FROM history_marks WHERE room = $1 ORDER BY seq',
      [room],
    );
    const marks: StoredMark[] = [];
    for (const row of rows) {
      const mark = parseHistoryMark(row.mark);
      if (mark) marks.push({ ...row, mark });
    }
    return marks;
  }

  async createWorkspace(w: Workspace): Promise<void> {
    await this.pool.query(
      'INSERT INTO workspaces (id, name, created_at, blob_quota_mb) VALUES ($1, $2, $3, $4)',
      [w.id, w.name, w.createdAt, w.blobQuotaMb ?? null],
    );
  }

  async getWorkspace(id: string): Promise<Workspace | null> {
    const { rows } = await this.pool.query<Workspace>(
      `SELECT id, name, created_at AS "createdAt", blob_quota_mb AS "blobQuotaMb"
       FROM workspaces WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async listWorkspaces(): Promise<Workspace[]> {
    const { rows } = await this.pool.query<Workspace>(
      `SELECT id, name, created_at AS "createdAt", blob_quota_mb AS "blobQuotaMb"
       FROM workspaces ORDER BY created_at, id`,
    );
    return rows;
  }

  async setWorkspaceBlobQuota(id: string, mb: number | null): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE workspaces SET blob_quota_mb = $1 WHERE id = $2',
      [mb, id],
    );
    return (rowCount ?? 0) > 0;
  }

  async createMember(m: Member, tokenHash: string): Promise<void> {
    await insertMember(this.pool, m, tokenHash);
  }

  async findMemberByTokenHash(tokenHash: string): Promise<Member | null> {
    const { rows } = await this.pool.query<MemberRow>(
      'SELECT * FROM members WHERE token_hash = $1',
      [tokenHash],
    );
    return rows[0] ? toMember(rows[0]) : null;
  }

  async getMember(workspaceId: string, memberId: string): Promise<Member | null> {
    const { rows } = await this.pool.query<MemberRow>(
      'SELECT * FROM members WHERE workspace_id = $1 AND id = $2',
      [workspaceId, memberId],
    );
    return rows[0] ? toMember(rows[0]) : null;
  }

  async listMembers(workspaceId: string): Promise<Member[]> {
    const { rows } = await this.pool.query<MemberRow>(
      'SELECT * FROM members WHERE workspace_id = $1 ORDER BY created_at, id',
      [workspaceId],
    );
    return rows.map(toMember);
  }

  async updateMember(
    workspaceId: string,
    memberId: string,
    change: { role?: Member['role']; displayName?: string; revokedAt?: number },
  ): Promise<Member | null> {
    const { rows } = await this.pool.query<MemberRow>(
      `UPDATE members SET role = coalesce($1, role), display_name = coalesce($2, display_name),
         revoked_at = coalesce($3, revoked_at)
       WHERE workspace_id = $4 AND id = $5 RETURNING *`,
      [
        change.role ?? null,
        change.displayName ?? null,
        change.revokedAt ?? null,
        workspaceId,
        memberId,
      ],
    );
    return rows[0] ? toMember(rows[0]) : null;
  }

  async createInvite(invite: Invite, tokenHash: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO invites (id, workspace_id, role, token_hash, created_by, created_at, expires_at,
         revoked_at, uses, max_uses, claims_member_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        invite.id,
        invite.workspaceId,
        invite.role,
        tokenHash,
        invite.createdBy,
        invite.createdAt,
        invite.expiresAt,
        invite.revokedAt,
        invite.uses,
        invite.maxUses,
        invite.claimsMemberId ?? null,
      ],
    );
  }

  async listInvites(workspaceId: string): Promise<Invite[]> {
    const { rows } = await this.pool.query<InviteRow>(
      'SELECT * FROM invites WHERE workspace_id = $1 ORDER BY created_at, id',
      [workspaceId],
    );
    return rows.map(toInvite);
  }

  async revokeInvite(workspaceId: string, inviteId: string, at: number): Promise<boolean> {
    const result = await this.pool.query(
      'UPDATE invites SET revoked_at = coalesce(revoked_at, $1) WHERE workspace_id = $2 AND id = $3',
      [at, workspaceId, inviteId],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async findLiveInvite(inviteTokenHash: string, at: number): Promise<Invite | null> {
    const { rows } = await this.pool.query<InviteRow>(
      'SELECT * FROM invites WHERE token_hash = $1',
      [inviteTokenHash],
    );
    return rows[0] ? liveInvite(toInvite(rows[0]), at) : null;
  }

  async redeemInvite(
    inviteTokenHash: string,
    at: number,
    makeMember: (invite: Invite) => { member: Member; tokenHash: string },
  ): Promise<Member | null> {
    return inTransaction(this.pool, async (c) => {
      const { rows } = await c.query<InviteRow>(
        'SELECT * FROM invites WHERE token_hash = $1 FOR UPDATE',
        [inviteTokenHash],
      );
      const invite = rows[0] ? liveInvite(toInvite(rows[0]), at) : null;
      if (!invite) return null;
      const { member, tokenHash } = makeMember(invite);
      let result: Member = member;
      if (invite.claimsMemberId) {
        const claimed = await c.query<MemberRow>(
          `UPDATE members SET token_hash = $1, display_name = $2
           WHERE workspace_id = $3 AND id = $4 AND revoked_at IS NULL RETURNING *`,
          [tokenHash, member.displayName, invite.workspaceId, invite.claimsMemberId],
        );
        if (!claimed.rows[0]) return null;
        result = toMember(claimed.rows[0]);
      } else {
        await insertMember(c, member, tokenHash);
      }
      await c.query('UPDATE invites SET uses = uses + 1 WHERE id = $1', [invite.id]);
      return result;
    });
  }

  async updateMemberKeepingAnAdmin(
    workspaceId: string,
    memberId: string,
    change: { role?: Member['role']; displayName?: string; revokedAt?: number },
  ): Promise<Member | null | 'last-admin'> {
    return inTransaction(this.pool, async (c) => {
      // The workspace's admins, locked: two demotions at once cannot both pass the check.
      const { rows } = await c.query<MemberRow>(
        "SELECT * FROM members WHERE workspace_id = $1 AND (id = $2 OR (role = 'admin' AND revoked_at IS NULL)) FOR UPDATE",
        [workspaceId, memberId],
      );
      const row = rows.find((r) => r.id === memberId);
      if (!row) return null;
      const isActiveAdmin = row.role === 'admin' && row.revoked_at === null;
      const isLeaving =
        (change.role !== undefined && change.role !== 'admin') || change.revokedAt !== undefined;
      const admins = rows.filter((r) => r.role === 'admin' && r.revoked_at === null).length;
      if (isActiveAdmin && isLeaving && admins <= 1) return 'last-admin';
      const updated = await c.query<MemberRow>(
        `UPDATE members SET role = coalesce($1, role), display_name = coalesce($2, display_name),
           revoked_at = coalesce($3, revoked_at)
         WHERE workspace_id = $4 AND id = $5 RETURNING *`,
        [
          change.role ?? null,
          change.displayName ?? null,
          change.revokedAt ?? null,
          workspaceId,
          memberId,
        ],
      );
      return toMember(updated.rows[0]!);
    });
  }

  async markDocDeleted(d: DeletedDoc): Promise<void> {
    await this.pool.query(
      `INSERT INTO deleted_docs (workspace_id, doc_id, kind, title, created_at, deleted_by, deleted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (workspace_id, doc_id) DO UPDATE SET kind = excluded.kind, title = excluded.title,
         created_at = excluded.created_at, deleted_by = excluded.deleted_by,
         deleted_at = excluded.deleted_at`,
      [d.workspaceId, d.docId, d.kind, d.title, d.createdAt, d.deletedBy, d.deletedAt],
    );
  }

  async unmarkDocDeleted(workspaceId: string, docId: string): Promise<boolean> {
    const result = await this.pool.query(
      'DELETE FROM deleted_docs WHERE workspace_id = $1 AND doc_id = $2',
      [workspaceId, docId],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async listDeletedDocs(workspaceId: string): Promise<DeletedDoc[]> {
    const { rows } = await this.pool.query<DeletedDoc>(
      `SELECT workspace_id AS "workspaceId", doc_id AS "docId", kind, title,
         created_at AS "createdAt", deleted_by AS "deletedBy", deleted_at AS "deletedAt"
       FROM deleted_docs WHERE workspace_id = $1 ORDER BY deleted_at DESC, doc_id`,
      [workspaceId],
    );
    return rows;
  }

  async getPublicBoard(workspaceId: string): Promise<PublicBoard | null> {
    const { rows } = await this.pool.query<PublicBoard>(
      `SELECT workspace_id AS "workspaceId", public_id AS "publicId", created_at AS "createdAt"
       FROM public_boards WHERE workspace_id = $1`,
      [workspaceId],
    );
    return rows[0] ?? null;
  }

  async findPublicBoard(publicId: string): Promise<PublicBoard | null> {
    const { rows } = await this.pool.query<PublicBoard>(
      `SELECT workspace_id AS "workspaceId", public_id AS "publicId", created_at AS "createdAt"
       FROM public_boards WHERE public_id = $1`,
      [publicId],
    );
    return rows[0] ?? null;
  }

  async setPublicId(
    workspaceId: string,
    publicId: string,
    at: number,
    options: { replace: boolean },
  ): Promise<PublicBoard> {
    await this.pool.query(
      `INSERT INTO public_boards (workspace_id, public_id, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (workspace_id) DO ${
         options.replace
           ? 'UPDATE SET public_id = excluded.public_id, created_at = excluded.created_at'
           : 'NOTHING'
       }`,
      [workspaceId, publicId, at],
    );
    return (await this.getPublicBoard(workspaceId))!;
  }

  async publishItem(p: NewPublication): Promise<StoredPublication> {
    return inTransaction(this.pool, async (c) => {
      // Two relays publishing the same item at once take turns, so versions stay gap-free.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${p.workspaceId}/${p.itemId}`]);
      const { rows } = await c.query<{ last: number }>(
        'SELECT coalesce(max(version), 0) AS last FROM publications WHERE workspace_id = $1 AND item_id = $2',
        [p.workspaceId, p.itemId],
      );
      const version = Number(rows[0]!.last) + 1;
      await c.query(
        `INSERT INTO publications (workspace_id, item_id, version, kind, title, content, published_by, published_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          p.workspaceId,
          p.itemId,
          version,
          p.kind,
          p.title,
          p.content,
          p.publishedBy,
          p.publishedAt,
        ],
      );
      return { ...p, version, withdrawnBy: null, withdrawnAt: null };
    });
  }

  async withdrawItem(
    workspaceId: string,
    itemId: string,
    by: string,
    at: number,
  ): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE publications SET withdrawn_by = $1, withdrawn_at = $2
       WHERE workspace_id = $3 AND item_id = $4 AND withdrawn_at IS NULL
         AND version = (SELECT max(version) FROM publications WHERE workspace_id = $3 AND item_id = $4)`,
      [by, at, workspaceId, itemId],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async boardVersion(workspaceId: string): Promise<string> {
    // Publishing adds a row and withdrawing marks one, and neither is ever undone: the two
    // counts only grow, so together they name each state of the board.
    const { rows } = await this.pool.query<{ rows: string; withdrawn: string }>(
      'SELECT count(*) AS rows, count(withdrawn_at) AS withdrawn FROM publications WHERE workspace_id = $1',
      [workspaceId],
    );
    return `${rows[0]?.rows ?? 0}.${rows[0]?.withdrawn ?? 0}`;
  }

  async listLiveItems(workspaceId: string): Promise<LivePublication[]> {
    const { rows } = await this.pool.query<LivePublication>(
      `SELECT ${PUBLICATION_COLUMNS('p')}, f.first_at AS "firstPublishedAt"
       FROM publications p JOIN (
         SELECT item_id, max(version) AS last, min(published_at) AS first_at
         FROM publications WHERE workspace_id = $1 GROUP BY item_id
       ) f ON f.item_id = p.item_id AND f.last = p.version
       WHERE p.workspace_id = $1 AND p.withdrawn_at IS NULL
       ORDER BY p.published_at DESC, p.item_id`,
      [workspaceId],
    );
    return rows;
  }

  async listPublications(workspaceId: string): Promise<StoredPublication[]> {
    const { rows } = await this.pool.query<StoredPublication>(
      `SELECT ${PUBLICATION_COLUMNS('p')} FROM publications p WHERE p.workspace_id = $1
       ORDER BY p.published_at DESC, p.item_id, p.version DESC`,
      [workspaceId],
    );
    return rows;
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}

/**
 * Runs `work` in a transaction on a client of `pool`: committed when it resolves, rolled back when
 * it throws.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // The pool listens for errors of idle clients only: a checked-out client whose server goes
  // away (a restart, a failover) emits 'error', which would throw out of the process. The
  // query in flight fails anyway; the broken client is then discarded instead of pooled.
  let lostConnection: Error | undefined;
  const onError = (error: Error) => {
    lostConnection = error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.off('error', onError);
    client.release(lostConnection);
  }
}

async function insertMember(
  db: pg.Pool | pg.PoolClient,
  m: Member,
  tokenHash: string,
): Promise<void> {
  await db.query(
    `INSERT INTO members (id, workspace_id, display_name, role, token_hash, created_at, revoked_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [m.id, m.workspaceId, m.displayName, m.role, tokenHash, m.createdAt, m.revokedAt],
  );
}

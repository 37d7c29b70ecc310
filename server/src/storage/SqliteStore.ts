import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
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

const SCHEMA = `
CREATE TABLE IF NOT EXISTS updates (
  room TEXT NOT NULL,
  seq INTEGER NOT NULL,
  author_id TEXT NOT NULL,
  first_at INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  count INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (room, seq)
);
CREATE TABLE IF NOT EXISTS named_versions (
  id TEXT PRIMARY KEY,
  room TEXT NOT NULL,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  author_id TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS named_versions_room ON named_versions (room, seq);
CREATE TABLE IF NOT EXISTS history_marks (
  room TEXT NOT NULL,
  seq INTEGER NOT NULL,
  mark TEXT NOT NULL,
  author_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (room, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS workspaces (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  blob_quota_mb INTEGER
);
CREATE TABLE IF NOT EXISTS members (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS members_workspace ON members (workspace_id);
CREATE TABLE IF NOT EXISTS invites (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER,
  uses INTEGER NOT NULL DEFAULT 0,
  max_uses INTEGER
);
CREATE INDEX IF NOT EXISTS invites_workspace ON invites (workspace_id);
`;

/**
 * SYNC-3: gives the SQLite database `db` a new store id (its line of rows is no longer the one
 * devices were told of: a backup's copy, a restored database).
 */
export function renewStoreId(db: Database.Database): void {
  db.exec(STORE_META_SCHEMA);
  db.prepare("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('store_id', ?)").run(
    randomUUID(),
  );
}

const STORE_META_SCHEMA = `
CREATE TABLE IF NOT EXISTS store_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
`;

/** Documents admins deleted (their updates stay in `updates`). */
const DELETED_DOCS_SCHEMA = `
CREATE TABLE IF NOT EXISTS deleted_docs (
  workspace_id TEXT NOT NULL,
  doc_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  deleted_by TEXT NOT NULL,
  deleted_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, doc_id)
) WITHOUT ROWID;
`;

/** The public board's link and every version of every published item (PUB-1…). */
const PUBLIC_BOARD_SCHEMA = `
CREATE TABLE IF NOT EXISTS public_boards (
  workspace_id TEXT PRIMARY KEY,
  public_id TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS publications (
  workspace_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  content TEXT NOT NULL,
  published_by TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  withdrawn_by TEXT,
  withdrawn_at INTEGER,
  PRIMARY KEY (workspace_id, item_id, version)
);
`;

export type SqliteStoreOptions = {
  /**
   * SQLite's `synchronous` in WAL mode. `full` (the default) syncs the WAL at every commit, so an
   * acknowledged write survives a power cut of the server, not only a process crash; `normal`
   * skips that sync (faster on slow disks; a power cut may take the last commits, which the
   * sending devices still hold and re-send if they have not seen the ack).
   */
  synchronous?: 'full' | 'normal';
};

/** Both stores in one SQLite file (better-sqlite3, WAL). */
export class SqliteStore implements DocStore, AuthStore, DeletedDocStore, PublicBoardStore {
  readonly db: Database.Database;

  /** Opens (creating if needed) the database file; `:memory:` works for throwaway stores. */
  constructor(file: string, options: SqliteStoreOptions = {}) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.db.exec(DELETED_DOCS_SCHEMA);
    this.db.exec(PUBLIC_BOARD_SCHEMA);
    this.db.exec(STORE_META_SCHEMA);
    this.db
      .prepare("INSERT OR IGNORE INTO store_meta (key, value) VALUES ('store_id', ?)")
      .run(randomUUID());
    this.migrate();
  }

  /** Columns added after the first release, added to files made before them. */
  private migrate(): void {
    const invites = this.db.pragma('table_info(invites)') as { name: string }[];
    if (!invites.some((c) => c.name === 'claims_member_id')) {
      this.db.exec('ALTER TABLE invites ADD COLUMN claims_member_id TEXT');
    }
    const workspaces = this.db.pragma('table_info(workspaces)') as { name: string }[];
    if (!workspaces.some((c) => c.name === 'blob_quota_mb')) {
      this.db.exec('ALTER TABLE workspaces ADD COLUMN blob_quota_mb INTEGER');
    }
    const copied = [
      this.withRowids('updates', SCHEMA),
      this.withRowids('publications', PUBLIC_BOARD_SCHEMA),
    ].includes(true);
    // PUB-10: the board's version is counted from this index alone, never from the rows (each
    // holds an item's content: a long history made every page view read megabytes). Made after
    // the copy above, which would drop it with the old table.
    this.db.exec(
      'CREATE INDEX IF NOT EXISTS publications_withdrawn ON publications (workspace_id, withdrawn_at)',
    );
    // The live list reads each item's last version and first time from this one alone (30,000
    // old versions made every render read them all: 1.8 s).
    this.db.exec(
      'CREATE INDEX IF NOT EXISTS publications_items ON publications (workspace_id, item_id, version, published_at)',
    );
    // A copy went through the WAL, as large as the table: written back and emptied now, not
    // left on the disk until the relay stops.
    if (copied) this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /**
   * Files made before rows could be megabytes kept `updates` and `publications` as WITHOUT ROWID
   * tables, whose B-tree keys are whole rows: every lookup that passed a large row on its way
   * read the row's megabytes (a `seqs` request naming 5,000 docs took 55 s after six 12 MB rows
   * were stored). Such a table is copied, in one transaction, into the table its schema makes
   * now, whose index holds only the key columns. The copy needs free disk space as large as the
   * table for a while; the file keeps the old table's pages as free pages, used again as rows are
   * added (`VACUUM`, with the relay stopped, gives them back to the disk).
   */
  private withRowids(table: 'updates' | 'publications', schema: string): boolean {
    const isWithoutRowid = () => {
      const row = this.db
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get(table) as { sql: string } | undefined;
      return row !== undefined && /WITHOUT\s+ROWID/i.test(row.sql);
    };
    if (!isWithoutRowid()) return false;
    const create = schema.match(new RegExp(`CREATE TABLE IF NOT EXISTS ${table} \\(([^;]*)\\);`));
    if (!create) throw new Error(`no schema for ${table}`);
    const columns = (this.db.pragma(`table_info(${table})`) as { name: string }[])
      .map((c) => `"${c.name}"`)
      .join(', ');
    // BEGIN IMMEDIATE, and looked at again inside: another process opening the file meanwhile
    // (the relay and a command of the operator) waits for this copy, then finds it done.
    this.db
      .transaction(() => {
        if (!isWithoutRowid()) return;
        this.db.exec(`ALTER TABLE ${table} RENAME TO ${table}_without_rowid`);
        this.db.exec(create[0]);
        this.db.exec(
          `INSERT INTO ${table} (${columns}) SELECT ${columns} FROM ${table}_without_rowid`,
        );
        this.db.exec(`DROP TABLE ${table}_without_rowid`);
      })
      .immediate();
    return true;
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** A prepared statement, prepared once per SQL text and reused (preparing is not free). */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /**
   * A room's last seq is its highest row's: rows are only ever appended, and compaction keeps the
   * last seq of every group it merges. (Older files also hold a `rooms` table of last
   * seqs; nothing reads or writes it any more: one row less to write per room and commit.)
   */
  private readonly lastSeq = (room: string): number =>
    (
      this.sql('SELECT max(seq) AS seq FROM updates WHERE room = ?').get(room) as {
        seq: number | null;
      }
    ).seq ?? 0;

  /** The append transaction, made once (better-sqlite3 builds four wrappers per `transaction`). */
  private appendTransaction: ((batch: readonly NewUpdate[]) => number[]) | null = null;

  /**
   * Each room's last seq as of this store's last append to it, so an append reads none. Seqs are
   * gap-free, so when another connection to the file appended since, the first seq taken from here
   * is already stored: the insert fails on the primary key and the batch is tried again with the
   * seqs read from the file.
   */
  private readonly appendedUpTo = new Map<string, number>();

  async appendUpdates(batch: readonly NewUpdate[]): Promise<number[]> {
    if (batch.length === 0) return [];
    // Not `INSERT … RETURNING` to reserve seqs: SQLite builds a temporary table for RETURNING,
    // and with it a batch of 14 rooms cost 3 to 4 times the CPU (measured).
    this.appendTransaction ??= this.db.transaction((items: readonly NewUpdate[]) => {
      const insert = this.sql(
        'INSERT INTO updates (room, seq, author_id, first_at, last_at, count, data) VALUES (?, ?, ?, ?, ?, 1, ?)',
      );
      const seqs: number[] = [];
      const next = new Map<string, number>();
      for (const item of items) {
        const seq =
          next.get(item.room) ?? (this.appendedUpTo.get(item.room) ?? this.lastSeq(item.room)) + 1;
        insert.run(item.room, seq, item.authorId, item.at, item.at, toBuffer(item.update));
        next.set(item.room, seq + 1);
        seqs.push(seq);
      }
      return seqs;
    });
    let seqs: number[];
    try {
      seqs = this.appendTransaction(batch);
    } catch (error) {
      for (const item of batch) this.appendedUpTo.delete(item.room);
      if ((error as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw error;
      seqs = this.appendTransaction(batch);
    }
    // Seqs rise within each room, so the last one set is the room's last.
    for (const [i, item] of batch.entries()) this.appendedUpTo.set(item.room, seqs[i]!);
    return seqs;
  }

  async loadUpdates(
    room: string,
    range: { afterSeq?: number; uptoSeq?: number } = {},
  ): Promise<StoredUpdate[]> {
    const rows = this.sql(
      'SELECT seq, author_id, first_at, last_at, count, data FROM updates WHERE room = ? AND seq > ? AND seq <= ? ORDER BY seq',
    ).all(room, range.afterSeq ?? 0, range.uptoSeq ?? Number.MAX_SAFE_INTEGER) as UpdateRow[];
    return rows.map(toUpdate);
  }

  async lastSeqs(rooms: readonly string[]): Promise<Map<string, number>> {
    const seqs = new Map<string, number>();
    for (const room of rooms) seqs.set(room, this.lastSeq(room));
    return seqs;
  }

  async renewStoreId(): Promise<void> {
    renewStoreId(this.db);
  }

  async storeId(): Promise<string> {
    // Read each time (once per device's sweep): a tool may have renewed it in the file.
    return (
      this.sql("SELECT value FROM store_meta WHERE key = 'store_id'").get() as { value: string }
    ).value;
  }

  async roomStats(room: string): Promise<{ rows: number; bytes: number; lastSeq: number }> {
    const stats = this.sql(
      'SELECT count(*) AS rows, coalesce(sum(length(data)), 0) AS bytes FROM updates WHERE room = ?',
    ).get(room) as { rows: number; bytes: number };
    return { ...stats, lastSeq: this.lastSeq(room) };
  }

  async compact(room: string, options: CompactOptions): Promise<CompactResult> {
    const rows = await this.loadUpdates(room);
    const named = await this.listNamedVersions(room);
    const marked = await this.listHistoryMarks(room);
    const groups = planCompaction(
      rows,
      options,
      new Set(named.map((v) => v.seq)),
      new Set(marked.map((m) => m.seq)),
    );
    const merged = groups.map(mergeGroup);
    const remove = this.sql('DELETE FROM updates WHERE room = ? AND seq >= ? AND seq <= ?');
    const insert = this.sql(
      'INSERT INTO updates (room, seq, author_id, first_at, last_at, count, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      groups.forEach((group, i) => {
        const row = merged[i]!;
        remove.run(room, group[0]!.seq, group[group.length - 1]!.seq);
        insert.run(
          room,
          row.seq,
          row.authorId,
          row.firstAt,
          row.lastAt,
          row.count,
          toBuffer(row.update),
        );
      });
    })();
    const removed = groups.reduce((n, g) => n + g.length - 1, 0);
    return { rowsBefore: rows.length, rowsAfter: rows.length - removed };
  }

  async addNamedVersion(v: NamedVersion): Promise<void> {
    this.sql(
      'INSERT INTO named_versions (id, room, seq, name, author_id, at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(v.id, v.room, v.seq, v.name, v.authorId, v.at);
  }

  async listNamedVersions(room: string): Promise<NamedVersion[]> {
    const rows = this.sql(
      'SELECT id, room, seq, name, author_id AS authorId, at FROM named_versions WHERE room = ? ORDER BY seq, at',
    ).all(room) as NamedVersion[];
    return rows;
  }

  async addHistoryMark(m: StoredMark): Promise<void> {
    this.sql(
      'INSERT OR REPLACE INTO history_marks (room, seq, mark, author_id, at) VALUES (?, ?, ?, ?, ?)',
    ).run(m.room, m.seq, JSON.stringify(m.mark), m.authorId, m.at);
  }

  async listHistoryMarks(room: string): Promise<StoredMark[]> {
    const rows = this.sql(
      'SELECT room, seq, mark, author_id AS authorId, at FROM history_marks WHERE room = ? ORDER BY seq',
    ).all(room) as (Omit<StoredMark, 'mark'> & { mark: string })[];
    const marks: StoredMark[] = [];
    for (const row of rows) {
      const mark = parseHistoryMark(row.mark);
      if (mark) marks.push({ ...row, mark });
    }
    return marks;
  }

  async createWorkspace(w: Workspace): Promise<void> {
    this.sql(
      'INSERT INTO workspaces (id, name, created_at, blob_quota_mb) VALUES (?, ?, ?, ?)',
    ).run(w.id, w.name, w.createdAt, w.blobQuotaMb ?? null);
  }

  async getWorkspace(id: string): Promise<Workspace | null> {
    const row = this.sql(
      'SELECT id, name, created_at AS createdAt, blob_quota_mb AS blobQuotaMb FROM workspaces WHERE id = ?',
    ).get(id) as Workspace | undefined;
    return row ?? null;
  }

  async listWorkspaces(): Promise<Workspace[]> {
    return this.sql(
      'SELECT id, name, created_at AS createdAt, blob_quota_mb AS blobQuotaMb FROM workspaces ORDER BY created_at, id',
    ).all() as Workspace[];
  }

  async setWorkspaceBlobQuota(id: string, mb: number | null): Promise<boolean> {
    return this.sql('UPDATE workspaces SET blob_quota_mb = ? WHERE id = ?').run(mb, id).changes > 0;
  }

  async createMember(m: Member, tokenHash: string): Promise<void> {
    this.insertMember(m, tokenHash);
  }

  private insertMember(m: Member, tokenHash: string): void {
    this.sql(
      'INSERT INTO members (id, workspace_id, display_name, role, token_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(m.id, m.workspaceId, m.displayName, m.role, tokenHash, m.createdAt, m.revokedAt);
  }

  async findMemberByTokenHash(tokenHash: string): Promise<Member | null> {
    const row = this.sql('SELECT * FROM members WHERE token_hash = ?').get(tokenHash) as
      | MemberRow
      | undefined;
    return row ? toMember(row) : null;
  }

  async getMember(workspaceId: string, memberId: string): Promise<Member | null> {
    const row = this.sql('SELECT * FROM members WHERE workspace_id = ? AND id = ?').get(
      workspaceId,
      memberId,
    ) as MemberRow | undefined;
    return row ? toMember(row) : null;
  }

  async listMembers(workspaceId: string): Promise<Member[]> {
    const rows = this.sql(
      'SELECT * FROM members WHERE workspace_id = ? ORDER BY created_at, id',
    ).all(workspaceId) as MemberRow[];
    return rows.map(toMember);
  }

  async updateMember(
    workspaceId: string,
    memberId: string,
    change: { role?: Member['role']; displayName?: string; revokedAt?: number },
  ): Promise<Member | null> {
    this.sql(
      'UPDATE members SET role = coalesce(?, role), display_name = coalesce(?, display_name), revoked_at = coalesce(?, revoked_at) WHERE workspace_id = ? AND id = ?',
    ).run(
      change.role ?? null,
      change.displayName ?? null,
      change.revokedAt ?? null,
      workspaceId,
      memberId,
    );
    return this.getMember(workspaceId, memberId);
  }

  async updateMemberKeepingAnAdmin(
    workspaceId: string,
    memberId: string,
    change: { role?: Member['role']; displayName?: string; revokedAt?: number },
  ): Promise<Member | null | 'last-admin'> {
    return this.db.transaction((): Member | null | 'last-admin' => {
      const row = this.sql('SELECT * FROM members WHERE workspace_id = ? AND id = ?').get(
        workspaceId,
        memberId,
      ) as MemberRow | undefined;
      if (!row) return null;
      const isActiveAdmin = row.role === 'admin' && row.revoked_at === null;
      const isLeaving =
        (change.role !== undefined && change.role !== 'admin') || change.revokedAt !== undefined;
      if (isActiveAdmin && isLeaving) {
        const { admins } = this.sql(
          "SELECT count(*) AS admins FROM members WHERE workspace_id = ? AND role = 'admin' AND revoked_at IS NULL",
        ).get(workspaceId) as { admins: number };
        if (admins <= 1) return 'last-admin';
      }
      this.sql(
        'UPDATE members SET role = coalesce(?, role), display_name = coalesce(?, display_name), revoked_at = coalesce(?, revoked_at) WHERE workspace_id = ? AND id = ?',
      ).run(
        change.role ?? null,
        change.displayName ?? null,
        change.revokedAt ?? null,
        workspaceId,
        memberId,
      );
      return toMember(
        this.sql('SELECT * FROM members WHERE workspace_id = ? AND id = ?').get(
          workspaceId,
          memberId,
        ) as MemberRow,
      );
    })();
  }

  async createInvite(invite: Invite, tokenHash: string): Promise<void> {
    this.sql(
      'INSERT INTO invites (id, workspace_id, role, token_hash, created_by, created_at, expires_at, revoked_at, uses, max_uses, claims_member_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
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
    );
  }

  async listInvites(workspaceId: string): Promise<Invite[]> {
    const rows = this.sql(
      'SELECT * FROM invites WHERE workspace_id = ? ORDER BY created_at, id',
    ).all(workspaceId) as InviteRow[];
    return rows.map(toInvite);
  }

  async revokeInvite(workspaceId: string, inviteId: string, at: number): Promise<boolean> {
    const result = this.sql(
      'UPDATE invites SET revoked_at = coalesce(revoked_at, ?) WHERE workspace_id = ? AND id = ?',
    ).run(at, workspaceId, inviteId);
    return result.changes > 0;
  }

  private liveInvite(inviteTokenHash: string, at: number): Invite | null {
    const row = this.sql('SELECT * FROM invites WHERE token_hash = ?').get(inviteTokenHash) as
      | InviteRow
      | undefined;
    if (!row) return null;
    return liveInvite(toInvite(row), at);
  }

  async findLiveInvite(inviteTokenHash: string, at: number): Promise<Invite | null> {
    return this.liveInvite(inviteTokenHash, at);
  }

  async redeemInvite(
    inviteTokenHash: string,
    at: number,
    makeMember: (invite: Invite) => { member: Member; tokenHash: string },
  ): Promise<Member | null> {
    return this.db.transaction(() => {
      const invite = this.liveInvite(inviteTokenHash, at);
      if (!invite) return null;
      const { member, tokenHash } = makeMember(invite);
      if (invite.claimsMemberId) {
        const claimed = this.sql(
          'UPDATE members SET token_hash = ?, display_name = ? WHERE workspace_id = ? AND id = ? AND revoked_at IS NULL',
        ).run(tokenHash, member.displayName, invite.workspaceId, invite.claimsMemberId);
        if (claimed.changes === 0) return null;
      } else {
        this.insertMember(member, tokenHash);
      }
      this.sql('UPDATE invites SET uses = uses + 1 WHERE id = ?').run(invite.id);
      if (!invite.claimsMemberId) return member;
      return toMember(
        this.sql('SELECT * FROM members WHERE id = ?').get(invite.claimsMemberId) as MemberRow,
      );
    })();
  }

  async markDocDeleted(d: DeletedDoc): Promise<void> {
    this.sql(
      'INSERT OR REPLACE INTO deleted_docs (workspace_id, doc_id, kind, title, created_at, deleted_by, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(d.workspaceId, d.docId, d.kind, d.title, d.createdAt, d.deletedBy, d.deletedAt);
  }

  async unmarkDocDeleted(workspaceId: string, docId: string): Promise<boolean> {
    const result = this.sql('DELETE FROM deleted_docs WHERE workspace_id = ? AND doc_id = ?').run(
      workspaceId,
      docId,
    );
    return result.changes > 0;
  }

  async listDeletedDocs(workspaceId: string): Promise<DeletedDoc[]> {
    return this.sql(
      'SELECT workspace_id AS workspaceId, doc_id AS docId, kind, title, created_at AS createdAt, deleted_by AS deletedBy, deleted_at AS deletedAt FROM deleted_docs WHERE workspace_id = ? ORDER BY deleted_at DESC, doc_id',
    ).all(workspaceId) as DeletedDoc[];
  }

  async getPublicBoard(workspaceId: string): Promise<PublicBoard | null> {
    const row = this.sql(
      'SELECT workspace_id AS workspaceId, public_id AS publicId, created_at AS createdAt FROM public_boards WHERE workspace_id = ?',
    ).get(workspaceId) as PublicBoard | undefined;
    return row ?? null;
  }

  async findPublicBoard(publicId: string): Promise<PublicBoard | null> {
    const row = this.sql(
      'SELECT workspace_id AS workspaceId, public_id AS publicId, created_at AS createdAt FROM public_boards WHERE public_id = ?',
    ).get(publicId) as PublicBoard | undefined;
    return row ?? null;
  }

  async setPublicId(
    workspaceId: string,
    publicId: string,
    at: number,
    options: { replace: boolean },
  ): Promise<PublicBoard> {
    this.sql(
      options.replace
        ? 'INSERT INTO public_boards (workspace_id, public_id, created_at) VALUES (?, ?, ?) ON CONFLICT(workspace_id) DO UPDATE SET public_id = excluded.public_id, created_at = excluded.created_at'
        : 'INSERT INTO public_boards (workspace_id, public_id, created_at) VALUES (?, ?, ?) ON CONFLICT(workspace_id) DO NOTHING',
    ).run(workspaceId, publicId, at);
    return (await this.getPublicBoard(workspaceId))!;
  }

  async publishItem(p: NewPublication): Promise<StoredPublication> {
    return this.db.transaction((): StoredPublication => {
      const { last } = this.sql(
        'SELECT coalesce(max(version), 0) AS last FROM publications WHERE workspace_id = ? AND item_id = ?',
      ).get(p.workspaceId, p.itemId) as { last: number };
      const stored = { ...p, version: last + 1, withdrawnBy: null, withdrawnAt: null };
      this.sql(
        'INSERT INTO publications (workspace_id, item_id, version, kind, title, content, published_by, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(
        p.workspaceId,
        p.itemId,
        stored.version,
        p.kind,
        p.title,
        p.content,
        p.publishedBy,
        p.publishedAt,
      );
      return stored;
    })();
  }

  async withdrawItem(
    workspaceId: string,
    itemId: string,
    by: string,
    at: number,
  ): Promise<boolean> {
    const result = this.sql(
      `UPDATE publications SET withdrawn_by = ?, withdrawn_at = ?
       WHERE workspace_id = ? AND item_id = ? AND withdrawn_at IS NULL
         AND version = (SELECT max(version) FROM publications WHERE workspace_id = ? AND item_id = ?)`,
    ).run(by, at, workspaceId, itemId, workspaceId, itemId);
    return result.changes > 0;
  }

  async boardVersion(workspaceId: string): Promise<string> {
    // Publishing adds a row and withdrawing marks one, and neither is ever undone: the two
    // counts only grow, so together they name each state of the board.
    const { rows, withdrawn } = this.sql(
      'SELECT count(*) AS rows, count(withdrawn_at) AS withdrawn FROM publications WHERE workspace_id = ?',
    ).get(workspaceId) as { rows: number; withdrawn: number };
    return `${rows}.${withdrawn}`;
  }

  async listLiveItems(workspaceId: string): Promise<LivePublication[]> {
    return this.sql(
      `SELECT ${PUBLICATION_COLUMNS('p')}, f.first_at AS firstPublishedAt
       FROM publications p JOIN (
         SELECT item_id, max(version) AS last, min(published_at) AS first_at
         FROM publications WHERE workspace_id = ? GROUP BY item_id
       ) f ON f.item_id = p.item_id AND f.last = p.version
       WHERE p.workspace_id = ? AND p.withdrawn_at IS NULL
       ORDER BY p.published_at DESC, p.item_id`,
    ).all(workspaceId, workspaceId) as LivePublication[];
  }

  async listPublications(workspaceId: string): Promise<StoredPublication[]> {
    return this.sql(
      `SELECT ${PUBLICATION_COLUMNS('p')} FROM publications p WHERE p.workspace_id = ?
       ORDER BY p.published_at DESC, p.item_id, p.version DESC`,
    ).all(workspaceId) as StoredPublication[];
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

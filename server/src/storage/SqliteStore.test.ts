import { spawn } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { describeStoreContract } from './DocStore.contract.ts';
import { SqliteStore } from './SqliteStore.ts';

describeStoreContract(
  'SqliteStore (file)',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grassroots-sqlite-'));
    return new SqliteStore(join(dir, 'test.sqlite'));
  },
  async (store) => new SqliteStore((store as SqliteStore).db.name),
);

describe('SqliteStore durability', () => {
  it('syncs every commit (synchronous=FULL) unless told otherwise, so an ack survives a power cut', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grassroots-sqlite-'));
    const full = new SqliteStore(join(dir, 'a.sqlite'));
    const normal = new SqliteStore(join(dir, 'b.sqlite'), { synchronous: 'normal' });
    // SQLite: 1 = NORMAL, 2 = FULL.
    expect(full.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(normal.db.pragma('synchronous', { simple: true })).toBe(1);
    full.db.close();
    normal.db.close();
  });
});

describe('SqliteStore on a file from before invites could claim a member', () => {
  it('adds the column and keeps the invites and members it holds', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'grassroots-sqlite-')), 'old.sqlite');
    const old = new Database(file);
    old.exec(`
      CREATE TABLE workspaces (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE members (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, display_name TEXT NOT NULL,
        role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, revoked_at INTEGER);
      CREATE TABLE invites (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, role TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE, created_by TEXT, created_at INTEGER NOT NULL, expires_at INTEGER,
        revoked_at INTEGER, uses INTEGER NOT NULL DEFAULT 0, max_uses INTEGER);
      INSERT INTO workspaces VALUES ('w', '老村', 0);
      INSERT INTO members VALUES ('a', 'w', '老支书', 'admin', 'hash-a', 0, NULL);
      INSERT INTO invites VALUES ('i', 'w', 'editor', 'hash-i', 'a', 0, NULL, NULL, 0, NULL);
    `);
    old.close();
    const store = new SqliteStore(file);
    expect(await store.findLiveInvite('hash-i', 1)).toMatchObject({
      id: 'i',
      claimsMemberId: null,
    });
    const joined = await store.redeemInvite('hash-i', 1, () => ({
      member: {
        id: 'm',
        workspaceId: 'w',
        displayName: '新人',
        role: 'editor',
        createdAt: 1,
        revokedAt: null,
      },
      tokenHash: 'hash-m',
    }));
    expect(joined?.id).toBe('m');
    expect((await store.listMembers('w')).map((m) => m.displayName)).toEqual(['老支书', '新人']);
    await store.close();
  });
});

describe('SqliteStore with rows of megabytes', () => {
  const rows = (room: string, bytes: number, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      room: `${room}${i}`,
      authorId: 'm',
      at: i,
      update: new Uint8Array(bytes).fill(7),
    }));

  it("finds a room's last seq without reading other rooms' large rows", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grassroots-sqlite-'));
    // Not synced at each commit: what is measured here is the lookups, not the disk.
    const store = new SqliteStore(join(dir, 'a.sqlite'), { synchronous: 'normal' });
    // A few plans of megabytes among many small rooms: in a WITHOUT ROWID table the large rows
    // became keys the lookups of every room had to read (11 ms a lookup; 55 s for 5,000).
    for (const row of rows('w/big', 8 * 1024 * 1024, 6)) await store.appendUpdates([row]);
    await store.appendUpdates(rows('w/small', 40, 2_000));
    const absent = Array.from({ length: 500 }, (_, i) => `w/none${i}`);
    const started = performance.now();
    const seqs = await store.lastSeqs([...absent, 'w/big5', 'w/small1999']);
    const ms = performance.now() - started;
    expect(seqs.get('w/none0')).toBe(0);
    expect(seqs.get('w/big5')).toBe(1);
    expect(seqs.get('w/small1999')).toBe(1);
    // 502 index lookups take a few milliseconds; reading the large rows took seconds.
    expect(ms).toBeLessThan(1_000);
    await store.close();
  }, 30_000);

  it("counts a board's version from an index, never reading the publications' contents (PUB-10)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grassroots-sqlite-'));
    const file = join(dir, 'a.sqlite');
    const store = new SqliteStore(file, { synchronous: 'normal' });
    await store.publishItem({
      workspaceId: 'w',
      itemId: 'notice-a',
      kind: 'notice',
      title: 't',
      content: 'x'.repeat(100_000),
      publishedBy: 'm',
      publishedAt: 1,
    });
    expect(await store.boardVersion('w')).toBe('1.0');
    await store.close();
    // The query a page view makes, as SQLite plans it: the index alone (a long history of
    // withdrawn versions made every view read each one's content, 135 ms at 5,000).
    const db = new Database(file, { readonly: true });
    const plan = db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT count(*) AS rows, count(withdrawn_at) AS withdrawn FROM publications WHERE workspace_id = ?',
      )
      .all('w') as { detail: string }[];
    // And the live list's first times and last versions, from an index too (30,000 old versions
    // made every render read each one's content: 1.8 s).
    const items = db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT item_id, max(version) AS last, min(published_at) AS first_at FROM publications WHERE workspace_id = ? GROUP BY item_id',
      )
      .all('w') as { detail: string }[];
    db.close();
    expect(plan.map((p) => p.detail).join('; ')).toMatch(/COVERING INDEX publications_withdrawn/);
    expect(items.map((p) => p.detail).join('; ')).toMatch(/COVERING INDEX publications_items/);
  });

  it('copies updates kept in a WITHOUT ROWID table of an older file into one with rowids', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'grassroots-sqlite-')), 'old.sqlite');
    const old = new Database(file);
    old.exec(`
      CREATE TABLE updates (room TEXT NOT NULL, seq INTEGER NOT NULL, author_id TEXT NOT NULL,
        first_at INTEGER NOT NULL, last_at INTEGER NOT NULL, count INTEGER NOT NULL,
        data BLOB NOT NULL, PRIMARY KEY (room, seq)) WITHOUT ROWID;
      INSERT INTO updates VALUES ('w/plan', 1, 'a', 10, 20, 3, x'0102');
      INSERT INTO updates VALUES ('w/plan', 2, 'b', 30, 30, 1, x'03');
      CREATE TABLE publications (workspace_id TEXT NOT NULL, item_id TEXT NOT NULL,
        version INTEGER NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL, content TEXT NOT NULL,
        published_by TEXT NOT NULL, published_at INTEGER NOT NULL, withdrawn_by TEXT,
        withdrawn_at INTEGER, PRIMARY KEY (workspace_id, item_id, version)) WITHOUT ROWID;
      INSERT INTO publications VALUES ('w', 'item', 1, 'decision', '公示', '{}', 'a', 5, NULL, NULL);
    `);
    old.close();
    const store = new SqliteStore(file);
    // The copy's pages are written back to the file and the WAL emptied, not left as large as
    // the table until the relay stops.
    expect(statSync(`${file}-wal`).size).toBe(0);
    const tables = store.db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
      .all() as { name: string; sql: string }[];
    expect(tables.map((t) => t.name)).not.toContain('updates_without_rowid');
    for (const name of ['updates', 'publications']) {
      expect(tables.find((t) => t.name === name)?.sql).not.toMatch(/WITHOUT ROWID/i);
    }
    expect(await store.loadUpdates('w/plan')).toEqual([
      { seq: 1, authorId: 'a', firstAt: 10, lastAt: 20, count: 3, update: new Uint8Array([1, 2]) },
      { seq: 2, authorId: 'b', firstAt: 30, lastAt: 30, count: 1, update: new Uint8Array([3]) },
    ]);
    expect(
      await store.appendUpdates([
        { room: 'w/plan', authorId: 'c', at: 40, update: new Uint8Array([4]) },
      ]),
    ).toEqual([3]);
    expect((await store.listPublications('w')).map((p) => p.title)).toEqual(['公示']);
    await store.close();
    // Opened again, nothing is copied twice.
    const again = new SqliteStore(file);
    expect((await again.loadUpdates('w/plan')).map((r) => r.seq)).toEqual([1, 2, 3]);
    await again.close();
  });
});

/**
 * Opens and closes stores, each leaving statements behind (`pragma()` prepares one per call, a
 * closed store drops its prepared ones), then allocates as a busy relay does, so the garbage
 * collector finalizes them. Run in a process of its own: what fails here is the process itself.
 */
const DROPPED_STATEMENTS = `
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from './src/storage/SqliteStore.ts';
const dir = mkdtempSync(join(tmpdir(), 'grassroots-sqlite-'));
for (let i = 0; i < 20; i++) {
  const store = new SqliteStore(join(dir, 'store-' + i + '.sqlite'));
  await store.loadUpdates('w/room');
  await store.close();
}
let objects = [];
for (let round = 0; round < 5; round++) {
  objects = [];
  for (let i = 0; i < 1e6; i++) objects.push({ i });
}
console.log('collected', objects.length);
`;

describe('SqliteStore under the running Node.js', () => {
  it('statements and stores that are dropped are collected without taking the process down', async () => {
    // better-sqlite3 12 built against Node.js 24.19+ headers aborts here ("Assertion failed:
    // (env) != nullptr" in ~Statement) unless patched (patches/better-sqlite3@12.11.1.patch).
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', DROPPED_STATEMENTS],
      { cwd: fileURLToPath(new URL('../..', import.meta.url)) },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.once('close', (code, sig) => resolve([code, sig])),
    );
    expect(stderr).not.toMatch(/Assertion failed/);
    expect({ status, signal }).toEqual({ status: 0, signal: null });
    expect(stdout).toBe('collected 1000000\n');
  }, 30_000);
});

import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDataDir, checkBackup, DATABASE_FILE, restoreDataDir } from './backup.ts';
import { SqliteStore } from './SqliteStore.ts';

const temp = () => mkdtempSync(join(tmpdir(), 'grassroots-backup-'));
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** A data folder with one stored update and one attached file; the store stays open, as a relay's. */
async function dataFolder() {
  const dir = temp();
  const store = new SqliteStore(join(dir, DATABASE_FILE));
  stores.push(store);
  await store.appendUpdates([
    { room: 'ws/doc', authorId: 'm1', at: 1, update: new Uint8Array([0, 0]) },
  ]);
  const bytes = new TextEncoder().encode('a signed sign-in sheet');
  const hash = createHash('sha256').update(bytes).digest('hex');
  const blobDir = join(dir, 'blobs', 'ws', hash.slice(0, 2));
  mkdirSync(blobDir, { recursive: true });
  writeFileSync(join(blobDir, hash), bytes);
  writeFileSync(
    join(blobDir, `${hash}.json`),
    JSON.stringify({ type: 'application/pdf', size: bytes.length }),
  );
  // An upload in progress is no stored file yet.
  mkdirSync(join(dir, 'blobs', 'ws', 'partial'));
  writeFileSync(join(dir, 'blobs', 'ws', 'partial', hash), bytes.slice(0, 3));
  return { dir, store, blob: join('ws', hash.slice(0, 2), hash) };
}

describe('backupDataDir and checkBackup', () => {
  it('keeps the newest N complete backups and clears folders of interrupted ones', async () => {
    const { dir } = await dataFolder();
    const to = temp();
    mkdirSync(join(to, 'grassroots-20200101T000000Z.partial'));
    const longAgo = new Date(Date.now() - 2 * 24 * 3_600_000);
    utimesSync(join(to, 'grassroots-20200101T000000Z.partial'), longAgo, longAgo);
    // Another backup still being written (a slow disk, an overlapping cron) is left alone.
    mkdirSync(join(to, 'grassroots-20261202T095959Z.partial'));
    mkdirSync(join(to, 'photos-of-2020'));
    let clock = Date.UTC(2026, 11, 2, 10, 0, 0);
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const made = await backupDataDir({ dataDir: dir, to, keep: 2, now: () => clock });
      names.push(made.path.split('/').at(-1)!);
      if (i === 2) expect(made.removed).toEqual([names[0]]);
      clock += i === 0 ? 0 : 60_000; // the first two in the same second
    }
    expect(names).toEqual([
      'grassroots-20261202T100000Z',
      'grassroots-20261202T100000Z-2',
      'grassroots-20261202T100100Z',
    ]);
    // Someone else's folder is never touched.
    expect(readdirSync(to).sort()).toEqual(
      [names[1], names[2], 'grassroots-20261202T095959Z.partial', 'photos-of-2020'].sort(),
    );
  });

  it('links an attached file the previous backup holds, and leaves out one whose bytes no longer match its hash', async () => {
    const { dir, blob } = await dataFolder();
    const to = temp();
    const first = await backupDataDir({ dataDir: dir, to, now: () => 1_000 });
    expect(first).toMatchObject({ blobsLinked: 0, damagedBlobs: [] });
    expect(first.manifest.blobs.files).toBe(1);
    const second = await backupDataDir({ dataDir: dir, to, now: () => 2_000 });
    expect(second.blobsLinked).toBe(1);
    expect((await checkBackup(second.path)).problems).toEqual([]);

    writeFileSync(join(dir, 'blobs', blob), 'bit rot');
    const third = await backupDataDir({ dataDir: dir, to: temp(), now: () => 3_000 });
    expect(third.damagedBlobs).toEqual([blob]);
    expect(third.manifest.blobs.files).toBe(0);
  });

  it('SYNC-3 a backup and each restore of it are lines of rows of their own: each has its own store id', async () => {
    const { dir, store } = await dataFolder();
    const original = await store.storeId();
    const made = await backupDataDir({ dataDir: dir, to: temp() });
    const idIn = (file: string) => {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        return (
          db.prepare("SELECT value FROM store_meta WHERE key = 'store_id'").get() as {
            value: string;
          }
        ).value;
      } finally {
        db.close();
      }
    };
    const backedUp = idIn(join(made.path, DATABASE_FILE));
    const restores = [temp(), temp()];
    for (const into of restores) await restoreDataDir({ from: made.path, dataDir: into });
    const restored = restores.map((into) => idIn(join(into, DATABASE_FILE)));
    expect(new Set([original, backedUp, ...restored]).size).toBe(4);
    // The backup itself is untouched by restoring it, and the restored store keeps its id.
    expect((await checkBackup(made.path)).problems).toEqual([]);
    const reopened = new SqliteStore(join(restores[0]!, DATABASE_FILE));
    stores.push(reopened);
    expect(await reopened.storeId()).toBe(restored[0]);
    expect(await reopened.loadUpdates('ws/doc')).toHaveLength(1);
  });

  it('check-backup finds a changed database, a damaged attached file and a missing manifest', async () => {
    const { dir, blob } = await dataFolder();
    const made = await backupDataDir({ dataDir: dir, to: temp() });
    expect((await checkBackup(made.path)).problems).toEqual([]);

    writeFileSync(join(made.path, 'blobs', blob), 'bit rot');
    const store = new SqliteStore(join(made.path, DATABASE_FILE));
    await store.appendUpdates([
      { room: 'ws/doc', authorId: 'm1', at: 2, update: new Uint8Array([0, 0]) },
    ]);
    await store.close();
    const { problems } = await checkBackup(made.path);
    expect(problems).toEqual([
      `${DATABASE_FILE}: its checksum differs from the manifest's (changed or damaged)`,
      `blobs/${blob}: its bytes do not match its hash`,
    ]);
    expect((await checkBackup(temp())).problems).toEqual([
      expect.stringMatching(/^manifest\.json: ENOENT/),
    ]);
  });
});

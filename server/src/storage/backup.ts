import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  copyFile,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { blobHashSchema } from '@grassroots/shared';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { renewStoreId } from './SqliteStore.ts';

/** The database's file name inside a data folder (and inside a backup, which is one). */
export const DATABASE_FILE = 'grassroots.sqlite';
const BLOBS = 'blobs';
const MANIFEST = 'manifest.json';
/** `grassroots-20261202T103000Z`, a second one in the same second `…Z-2`. */
const BACKUP_NAME = /^grassroots-\d{8}T\d{6}Z(-\d+)?$/;

/** A `.partial` folder this old is an interrupted backup, not one still being written. */
const STALE_PARTIAL_MS = 24 * 3_600_000;

/** Refused before anything was written: a bad folder, a database in use. */
export class BackupRefused extends Error {
  override name = 'BackupRefused';
}

const manifestSchema = z.object({
  format: z.literal('grassroots-backup'),
  version: z.literal(1),
  createdAt: z.string(),
  database: z.object({
    file: z.literal(DATABASE_FILE),
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    workspaces: z.number().int().nonnegative(),
    members: z.number().int().nonnegative(),
    documents: z.number().int().nonnegative(),
    updates: z.number().int().nonnegative(),
  }),
  blobs: z.object({
    files: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
  }),
});

/** What `manifest.json` of a backup says: counts and checksums only, no names or contents. */
export type BackupManifest = z.infer<typeof manifestSchema>;

/** Options of `backupDataDir`. */
export type BackupOptions = {
  /** The data folder a relay serves (its `--data`). */
  dataDir: string;
  /** Where backups go; each is a new folder in it. Created when missing. */
  to: string;
  /** Keep this many complete backups in `to` (the new one included); older ones are removed. Default: all. */
  keep?: number;
  /** Clock, for the backup's name and `createdAt`. Default `Date.now`. */
  now?: () => number;
};

export type BackupResult = {
  /** The new backup's folder. */
  path: string;
  manifest: BackupManifest;
  /** Attached files hard-linked from the previous backup (same bytes), not copied again. */
  blobsLinked: number;
  /** Attached files left out: their bytes do not match their name (damaged on this disk). */
  damagedBlobs: string[];
  /** Older backups removed by `keep`. */
  removed: string[];
};

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** `20261202T103000Z` */
const stampOf = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');

/** Complete backups in `dir` (named as this module names them, with a manifest), oldest first. */
async function completeBackups(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const complete: string[] = [];
  for (const name of names.filter((n) => BACKUP_NAME.test(n)).sort(byBackupName)) {
    if (await exists(join(dir, name, MANIFEST))) complete.push(name);
  }
  return complete;
}

/** Oldest first: by stamp, then by the same-second counter (none before -2, -2 before -10). */
function byBackupName(a: string, b: string): number {
  const [stampA, countA = '1'] = a.slice('grassroots-'.length).split('-');
  const [stampB, countB = '1'] = b.slice('grassroots-'.length).split('-');
  return stampA! < stampB! ? -1 : stampA! > stampB! ? 1 : Number(countA) - Number(countB);
}

/** Every stored attached file of a data folder: `<ws>/<xx>/<hash>` with its `.json`; uploads in progress are not. */
async function listBlobs(root: string): Promise<string[]> {
  const files: string[] = [];
  for (const ws of await readdir(root).catch(() => [] as string[])) {
    const wsDir = join(root, ws);
    if (!(await stat(wsDir)).isDirectory()) continue;
    for (const prefix of await readdir(wsDir)) {
      if (prefix === 'partial') continue;
      const dir = join(wsDir, prefix);
      if (!(await stat(dir)).isDirectory()) continue;
      const names = new Set(await readdir(dir));
      for (const name of names) {
        if (blobHashSchema.safeParse(name).success && names.has(`${name}.json`)) {
          files.push(join(ws, prefix, name));
        }
      }
    }
  }
  return files.sort();
}

/** Counts of a database file, after SQLite's own check of every page and index. */
function inspectDatabase(
  path: string,
): Omit<BackupManifest['database'], 'file' | 'bytes' | 'sha256'> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const check = db.prepare('PRAGMA integrity_check').pluck().all() as string[];
    if (check.length !== 1 || check[0] !== 'ok') {
      throw new Error(`SQLite's integrity check failed: ${check.slice(0, 3).join('; ')}`);
    }
    const count = (sql: string) => db.prepare(sql).pluck().get() as number;
    return {
      workspaces: count('SELECT count(*) FROM workspaces'),
      members: count('SELECT count(*) FROM members'),
      documents: count('SELECT count(*) FROM (SELECT DISTINCT room FROM updates)'),
      updates: count('SELECT count(*) FROM updates'),
    };
  } finally {
    db.close();
  }
}

/**
 * Backs up the data folder of a running (or stopped) SQLite relay into a new folder under `to`:
 * the database as one consistent snapshot (`VACUUM INTO`, which reads in one transaction while
 * the relay goes on committing), checked page by page, then every stored attached file, each
 * checked against its hash. Files are content-addressed and never change, so one already in the
 * previous backup is hard-linked from it instead of copied. Written under `<name>.partial` and
 * renamed once everything is on disk, so an interrupted backup never looks complete. The folder is
 * itself a data folder: `grassroots serve --data <backup>` serves it, `restoreDataDir` puts it back.
 */
export async function backupDataDir(options: BackupOptions): Promise<BackupResult> {
  const dataDir = resolve(options.dataDir);
  const to = resolve(options.to);
  const source = join(dataDir, DATABASE_FILE);
  if (!(await exists(source))) throw new BackupRefused(`no database at ${source}`);
  if (to === dataDir || to.startsWith(`${dataDir}/`)) {
    throw new BackupRefused('--to must be outside the data folder (ideally on another disk)');
  }
  await mkdir(to, { recursive: true });
  const now = (options.now ?? Date.now)();
  const previous = (await completeBackups(to)).at(-1);
  let name = `grassroots-${stampOf(now)}`;
  for (
    let n = 2;
    (await exists(join(to, name))) || (await exists(join(to, `${name}.partial`)));
    n++
  ) {
    name = `grassroots-${stampOf(now)}-${n}`;
  }
  const partial = join(to, `${name}.partial`);
  await mkdir(partial);
  try {
    const target = join(partial, DATABASE_FILE);
    const db = new Database(source, { fileMustExist: true, timeout: 10_000 });
    try {
      db.prepare('VACUUM INTO ?').run(target);
    } finally {
      db.close();
    }
    // SYNC-3: a backup served as it is (`serve --data <backup>`) is another line of rows.
    const copy = new Database(target, { fileMustExist: true });
    try {
      renewStoreId(copy);
    } finally {
      copy.close();
    }
    await fsyncPath(target);
    const counts = inspectDatabase(target);
    const database = {
      file: DATABASE_FILE,
      bytes: (await stat(target)).size,
      sha256: await sha256File(target),
      ...counts,
    } as const;

    const damagedBlobs: string[] = [];
    let blobsLinked = 0;
    let files = 0;
    let bytes = 0;
    for (const rel of await listBlobs(join(dataDir, BLOBS))) {
      const from = join(dataDir, BLOBS, rel);
      const into = join(partial, BLOBS, rel);
      await mkdir(join(into, '..'), { recursive: true });
      const earlier = previous ? join(to, previous, BLOBS, rel) : null;
      if (earlier && (await exists(earlier)) && (await exists(`${earlier}.json`))) {
        try {
          await link(earlier, into);
          await link(`${earlier}.json`, `${into}.json`);
          blobsLinked++;
          files++;
          bytes += (await stat(into)).size;
          continue;
        } catch {
          // Another file system, or no hard links there: copy instead.
          await rm(into, { force: true });
        }
      }
      const hash = rel.split('/').at(-1)!;
      if ((await sha256File(from)) !== hash) {
        damagedBlobs.push(rel);
        continue;
      }
      await copyFile(from, into);
      await copyFile(`${from}.json`, `${into}.json`);
      await fsyncPath(into);
      await fsyncPath(`${into}.json`);
      files++;
      bytes += (await stat(into)).size;
    }

    const manifest: BackupManifest = {
      format: 'grassroots-backup',
      version: 1,
      createdAt: new Date(now).toISOString(),
      database,
      blobs: { files, bytes },
    };
    await writeFile(join(partial, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    await fsyncPath(join(partial, MANIFEST));
    await rename(partial, join(to, name));
    await fsyncPath(to);

    const removed: string[] = [];
    if (options.keep !== undefined) {
      const complete = await completeBackups(to);
      for (const old of complete.slice(0, Math.max(0, complete.length - options.keep))) {
        await rm(join(to, old), { recursive: true, force: true });
        removed.push(old);
      }
    }
    // Folders of backups that were interrupted (a crash, a full disk) hold nothing usable; one
    // younger than a day may be another backup still running (a slow disk, an overlapping cron).
    for (const stale of await readdir(to)) {
      if (!stale.endsWith('.partial') || !BACKUP_NAME.test(stale.slice(0, -'.partial'.length))) {
        continue;
      }
      const { mtimeMs } = await stat(join(to, stale));
      if (Date.now() - mtimeMs > STALE_PARTIAL_MS) {
        await rm(join(to, stale), { recursive: true, force: true });
      }
    }
    return { path: join(to, name), manifest, blobsLinked, damagedBlobs, removed };
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

export type CheckResult = { manifest: BackupManifest | null; problems: string[] };

/**
 * Checks a backup as it was made: its manifest, the database's checksum and SQLite's check of
 * every page, and every attached file against its hash. A folder that was served from since has
 * changed and no longer matches its checksum.
 */
export async function checkBackup(dir: string): Promise<CheckResult> {
  const problems: string[] = [];
  let manifest: BackupManifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')));
  } catch (error) {
    const why =
      error instanceof z.ZodError ? 'not a manifest of this version' : (error as Error).message;
    return { manifest: null, problems: [`${MANIFEST}: ${why}`] };
  }
  const database = join(dir, DATABASE_FILE);
  if (!(await exists(database))) problems.push(`${DATABASE_FILE}: missing`);
  else if ((await sha256File(database)) !== manifest.database.sha256) {
    problems.push(
      `${DATABASE_FILE}: its checksum differs from the manifest's (changed or damaged)`,
    );
  } else {
    try {
      const counts = inspectDatabase(database);
      if (counts.updates !== manifest.database.updates) {
        problems.push(
          `${DATABASE_FILE}: ${counts.updates} updates, the manifest says ${manifest.database.updates}`,
        );
      }
    } catch (error) {
      problems.push(`${DATABASE_FILE}: ${(error as Error).message}`);
    }
  }
  const blobs = await listBlobs(join(dir, BLOBS));
  for (const rel of blobs) {
    if ((await sha256File(join(dir, BLOBS, rel))) !== rel.split('/').at(-1)) {
      problems.push(`${BLOBS}/${rel}: its bytes do not match its hash`);
    }
  }
  if (blobs.length !== manifest.blobs.files) {
    problems.push(`${BLOBS}: ${blobs.length} files, the manifest says ${manifest.blobs.files}`);
  }
  return { manifest, problems };
}

/** Throws BackupRefused when another process (a running relay) has the database open. */
export function assertNotInUse(path: string): void {
  const db = new Database(path, { fileMustExist: true, timeout: 0 });
  try {
    // Exclusive locking takes the file's exclusive lock, which any other open connection blocks.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    // Whatever the WAL holds goes into the file, so the file moved aside is whole on its own.
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new BackupRefused(`${path} is in use: stop the relay that serves it first`);
    }
    throw error;
  } finally {
    db.close();
  }
}

export type RestoreResult = {
  /** Where the data folder's earlier database and files were moved (null: there were none). */
  movedAside: string | null;
  manifest: BackupManifest;
};

/**
 * Puts a backup back as a stopped relay's data folder. The backup is checked first; the folder's
 * current database and attached files are moved aside into `before-restore-<stamp>/` inside it,
 * never deleted. Refused while a relay has the database open.
 */
export async function restoreDataDir(options: {
  from: string;
  dataDir: string;
  now?: () => number;
}): Promise<RestoreResult> {
  const from = resolve(options.from);
  const dataDir = resolve(options.dataDir);
  const { manifest, problems } = await checkBackup(from);
  if (!manifest || problems.length > 0) {
    throw new BackupRefused(`the backup at ${from} does not check out: ${problems.join('; ')}`);
  }
  await mkdir(dataDir, { recursive: true });
  const current = join(dataDir, DATABASE_FILE);
  let movedAside: string | null = null;
  const hasDatabase = await exists(current);
  const hasBlobs = await exists(join(dataDir, BLOBS));
  if (hasDatabase || hasBlobs) {
    if (hasDatabase) assertNotInUse(current);
    movedAside = join(dataDir, `before-restore-${stampOf((options.now ?? Date.now)())}`);
    await mkdir(movedAside);
    for (const file of [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, BLOBS]) {
      if (await exists(join(dataDir, file)))
        await rename(join(dataDir, file), join(movedAside, file));
    }
  }
  const incoming = join(dataDir, `${DATABASE_FILE}.restoring`);
  await copyFile(join(from, DATABASE_FILE), incoming);
  // SYNC-3: the restored rows are a new line: devices told of seqs since the backup, or of an
  // earlier restore of the same backup, must not take them for these.
  const restored = new Database(incoming, { fileMustExist: true });
  try {
    renewStoreId(restored);
  } finally {
    restored.close();
  }
  await fsyncPath(incoming);
  for (const rel of await listBlobs(join(from, BLOBS))) {
    const into = join(dataDir, BLOBS, rel);
    await mkdir(join(into, '..'), { recursive: true });
    for (const suffix of ['', '.json']) {
      const src = join(from, BLOBS, rel) + suffix;
      // Attached files never change once stored: sharing the backup's copy is safe.
      await link(src, into + suffix).catch(() => copyFile(src, into + suffix));
    }
  }
  await rename(incoming, current);
  await fsyncPath(dataDir);
  return { movedAside, manifest };
}

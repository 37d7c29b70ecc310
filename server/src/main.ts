#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import {
  addDays,
  beijingDate,
  createDemoVillage,
  displayNameSchema,
  INDEX_DOC_ID,
  isCalendarDate,
  roomName,
} from '@grassroots/shared';
import * as Y from 'yjs';
import { z } from 'zod';
import { Auth } from './auth/Auth.ts';
import { type Config, ConfigError, configInputFrom, parseConfig } from './config.ts';
import { inviteUrl } from './http/api.ts';
import { flushLogs } from './log.ts';
import type { Fanout } from './relay/Fanout.ts';
import { LocalFanout } from './relay/Fanout.ts';
import { RedisFanout } from './relay/RedisFanout.ts';
import { blobsPath, sqlitePath, startServer } from './server.ts';
import type { BlobStore } from './storage/BlobStore.ts';
import { BackupRefused, backupDataDir, checkBackup, restoreDataDir } from './storage/backup.ts';
import {
  CopyRefused,
  copyFilesToPostgres,
  copySqliteToPostgres,
} from './storage/copyToPostgres.ts';
import type { DeletedDocStore } from './storage/DeletedDocStore.ts';
import {
  type AuthStore,
  blobQuotaMbOf,
  type DocStore,
  type Member,
  type Workspace,
} from './storage/DocStore.ts';
import { FsBlobStore } from './storage/FsBlobStore.ts';
import { PostgresBlobStore } from './storage/PostgresBlobStore.ts';
import { PostgresStore } from './storage/PostgresStore.ts';
import type { PublicBoardStore } from './storage/PublicBoardStore.ts';
import { SqliteStore } from './storage/SqliteStore.ts';

/** The storage engine the configuration names: PostgreSQL with DATABASE_URL, else SQLite. */
type Storage = {
  store: DocStore & AuthStore & DeletedDocStore & PublicBoardStore;
  blobs: BlobStore;
};

/**
 * The stores: with DATABASE_URL, PostgreSQL for both the log and attached files (every relay
 * process serves every file); else SQLite and files under the data folder.
 */
async function openStorage(config: Config): Promise<Storage> {
  if (config.databaseUrl) {
    const store = await PostgresStore.open({ url: config.databaseUrl });
    return { store, blobs: await PostgresBlobStore.open(store.pool) };
  }
  return {
    store: new SqliteStore(sqlitePath(config.dataDir), { synchronous: config.sqliteSynchronous }),
    blobs: new FsBlobStore(blobsPath(config.dataDir)),
  };
}

/** The bus between relay processes: Redis with REDIS_URL, else in-process. */
function openFanout(config: Config, onError: (error: unknown) => void): Fanout {
  if (config.redisUrl) return new RedisFanout({ url: config.redisUrl, onError });
  return new LocalFanout();
}

/** How long `serve` waits for the bus at start before serving without it. */
const BUS_WAIT_MS = 3000;

/**
 * Waits for a shared bus to be up, at most `ms`. Presence published before it is up goes nowhere
 * (it is announced again once the bus is up, FAN-9); the wait spares the first devices that delay.
 */
async function busUpWithin(fanout: Fanout, ms: number): Promise<boolean> {
  if (!(fanout instanceof RedisFanout)) return true;
  let timer: NodeJS.Timeout | undefined;
  const isUp = await Promise.race([
    fanout.ready().then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return isUp;
}

const USAGE = `usage:
  grassroots serve [--port N] [--data DIR] [--host H] [--public-url URL] [--log-level L]
  grassroots workspace create "<name>" [--admin-name NAME] [--data DIR] [--port N] [--public-url URL]
    asks for the first admin's name on a terminal; prints an invite URL that makes its opener that admin
  grassroots demo [--docs N] [--entries M] [--seed S] [--start YYYY-MM-DD] [--admin-name NAME] [--data DIR]
    builds the demo village (deterministic from the seed) as a new workspace
  grassroots workspace list [--data DIR]
    every workspace with its id, name, admins, and what its attached files take of its limit
  grassroots workspace file-limit --workspace ID --mb N|none|default [--data DIR]
    that workspace's own limit of attached files (none: no limit; default: the relay's
    WORKSPACE_BLOB_QUOTA_MB again); relays apply it to the next upload, no restart
  grassroots member list --workspace ID [--data DIR]
  grassroots member new-device --workspace ID --member ID_OR_NAME [--data DIR] [--port N] [--public-url URL]
    a one-use link (24 h) that signs a new phone in as that member (when no admin can make one)
  grassroots backup --to DIR [--keep N] [--data DIR]
    copies the SQLite database (a consistent snapshot, safe while serving) and attached files
    into a new folder DIR/grassroots-<time>, checked; --keep removes all but the newest N there
  grassroots check-backup BACKUP
    checks a backup's checksums, SQLite's own check and every attached file's hash
  grassroots restore --from BACKUP [--data DIR]
    with the relay stopped: puts a backup back; the data folder's database and files are moved
    into DIR/before-restore-<time>, never deleted
  grassroots copy-to-postgres [--data DIR]   (with DATABASE_URL; the SQLite relay stopped)
    copies the data folder's database and attached files into an empty PostgreSQL database, for
    several relay processes: members stay signed in, history reads the same, devices bring every
    doc up to date once
  grassroots copy-files-to-postgres [--data DIR]   (with DATABASE_URL)
    copies the attached files a relay kept in its data folder into PostgreSQL, where relays on
    PostgreSQL keep them (run it on each relay's folder once; again is a no-op)
  grassroots renew-store-id [--data DIR]
    before serving data put back by other means (a PostgreSQL dump restored with DATABASE_URL
    set, a database file copied in by hand): devices then bring every doc up to date once
    (restore does this itself)
environment: PORT, HOST, DATA_DIR, PUBLIC_URL, LOG_LEVEL, CLIENT_DIR,
  DATABASE_URL (PostgreSQL instead of SQLite), REDIS_URL (bus between relay processes)`;

async function serve(argv: string[]) {
  // A log collector that goes away must not keep the relay from draining: writes to a closed
  // stdout or stderr fail with EPIPE, which is ignored (nobody is left to read them).
  const ignoreBrokenPipe = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  };
  process.stdout.on('error', ignoreBrokenPipe);
  process.stderr.on('error', ignoreBrokenPipe);
  const config = parseConfig(configInputFrom(argv, process.env));
  // Signals are handled from the start: one that arrives while the server starts (it may already
  // be listening) is acted on once it has started, never by the default of dying on the spot.
  let signalled: string | null = null;
  let stop = (signal: string) => {
    signalled ??= signal;
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const { store, blobs } = await openStorage(config);
  let onBusError = (_error: unknown) => {};
  const fanout = openFanout(config, (error) => onBusError(error));
  const isBusUp = await busUpWithin(fanout, BUS_WAIT_MS);
  const server = await startServer(config, { store, fanout, blobs });
  // A promise nobody awaited that fails is a bug to log, not a reason to drop every workspace's
  // connections: the requests it belonged to have been answered or dropped already.
  process.on('unhandledRejection', (error) =>
    server.log.error({ err: error }, 'unhandled rejection'),
  );
  if (!isBusUp)
    server.log.warn(
      { waitedMs: BUS_WAIT_MS },
      'fan-out bus not reachable yet; serving (rooms catch up from storage until it is)',
    );
  let lastBusLog = 0;
  onBusError = (error) => {
    server.metrics.fanoutErrors.inc();
    // Redis away: one line every 10 s at most; rooms catch up from storage meanwhile.
    if (Date.now() - lastBusLog < 10_000) return;
    lastBusLog = Date.now();
    server.log.warn({ err: error }, 'fan-out bus error');
  };
  console.error(`Grassroots is running at http://localhost:${server.port}/`);
  let isStopping = false;
  const exit = (code: number) => void flushLogs(server.log, 2000).then(() => process.exit(code));
  stop = (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    server.log.info({ signal }, 'draining');
    server.close().then(
      () => exit(0),
      (error) => {
        server.log.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  if (signalled) stop(signalled);
}

/**
 * The base of invite links as `serve` will answer them: PUBLIC_URL / --public-url when set, else
 * this machine on the port `serve` reads from PORT / --port.
 */
const inviteBase = (config: { publicUrl?: string | undefined; port: number }) =>
  (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/$/, '');

/** The first admin's name: the flag, else asked on a terminal; refused without either. */
async function adminNameFrom(flag: string | undefined): Promise<string> {
  let name = flag;
  if (name === undefined) {
    if (!process.stdin.isTTY) {
      throw new ConfigError(
        'workspace create needs the first admin\'s name: pass --admin-name "<name>" (it is asked for only on a terminal)',
      );
    }
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      name = await rl.question("First admin's name (管理员姓名): ");
    } finally {
      rl.close();
    }
  }
  const parsed = displayNameSchema.safeParse(name);
  if (!parsed.success) throw new ConfigError('--admin-name must be 1-40 characters');
  return parsed.data;
}

async function createWorkspace(argv: string[]) {
  const [name, ...args] = argv;
  if (!name || name.startsWith('--')) throw new ConfigError('workspace create needs a name');
  if (name.trim().length === 0 || name.length > 80) {
    throw new ConfigError('workspace name must be 1-80 characters');
  }
  const { taken, rest } = takeFlags(args, ['admin-name']);
  const config = parseConfig(configInputFrom(rest, process.env));
  const adminName = await adminNameFrom(taken['admin-name']);
  const { store } = await openStorage(config);
  try {
    const created = await new Auth(store).createWorkspace(name.trim(), adminName);
    console.log(
      JSON.stringify(
        {
          workspaceId: created.workspace.id,
          name: created.workspace.name,
          adminMemberId: created.admin.id,
          adminName: created.admin.displayName,
          adminToken: created.adminToken,
          inviteUrl: inviteUrl(inviteBase(config), created.inviteToken),
        },
        null,
        2,
      ),
    );
  } finally {
    await store.close();
  }
}

/** Takes `--name value` flags the config does not know out of argv; returns them and the rest. */
function takeFlags(argv: string[], names: readonly string[]) {
  const taken: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.replace(/^--/, '');
    if (argv[i]!.startsWith('--') && names.includes(name)) {
      const value = argv[++i];
      if (value === undefined) throw new ConfigError(`flag --${name} needs a value`);
      taken[name] = value;
    } else rest.push(argv[i]!);
  }
  return { taken, rest };
}

const demoFlags = z.object({
  docs: z.coerce.number().int().min(3).max(100_000).optional(),
  entries: z.coerce.number().int().min(0).max(1_000_000).optional(),
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional(),
  /** First day of the demo (Beijing date); default 90 days ago, so the village is "now". */
  start: z.string().refine(isCalendarDate, 'expected YYYY-MM-DD').optional(),
});

async function createDemo(argv: string[]) {
  const { taken: named, rest } = takeFlags(argv, ['admin-name']);
  const { taken, rest: configFlags } = takeFlags(rest, ['docs', 'entries', 'seed', 'start']);
  const flags = demoFlags.safeParse(taken);
  if (!flags.success) {
    throw new ConfigError(
      flags.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  const config = parseConfig(configInputFrom(configFlags, process.env));
  const adminName = displayNameSchema.safeParse(named['admin-name'] ?? '管理员');
  if (!adminName.success) throw new ConfigError('--admin-name must be 1-40 characters');
  const demo = createDemoVillage({
    ...flags.data,
    start: flags.data.start ?? addDays(beijingDate(Date.now()), -364),
  });
  const { store } = await openStorage(config);
  try {
    const created = await new Auth(store).createWorkspace(demo.name, adminName.data);
    const ws = created.workspace.id;
    const at = Date.now();
    const rooms = [
      { room: roomName(ws, INDEX_DOC_ID), update: Y.encodeStateAsUpdate(demo.index) },
      ...demo.docs.map((d) => ({ room: roomName(ws, d.id), update: Y.encodeStateAsUpdate(d.doc) })),
    ];
    for (let i = 0; i < rooms.length; i += 500) {
      await store.appendUpdates(
        rooms.slice(i, i + 500).map((r) => ({ ...r, authorId: created.admin.id, at })),
      );
    }
    console.log(
      JSON.stringify(
        {
          workspaceId: ws,
          name: demo.name,
          docs: demo.docs.length,
          adminToken: created.adminToken,
          inviteUrl: inviteUrl(inviteBase(config), created.inviteToken),
        },
        null,
        2,
      ),
    );
  } finally {
    await store.close();
  }
}

/** Runs `use` with the configured store open, and closes it. */
async function withStore<T>(
  flags: string[],
  use: (store: AuthStore & DocStore, config: Config, blobs: BlobStore) => Promise<T>,
): Promise<T> {
  const config = parseConfig(configInputFrom(flags, process.env));
  const { store, blobs } = await openStorage(config);
  try {
    return await use(store, config, blobs);
  } finally {
    await store.close();
  }
}

const info = (m: Member) => ({
  id: m.id,
  displayName: m.displayName,
  role: m.role,
  removed: m.revokedAt !== null,
});

/** A workspace's limit of attached files, MB, or null for none (BLOB-10). */
const fileQuotaOf = (w: Workspace, config: Config): number | null =>
  blobQuotaMbOf(w, config.workspaceBlobQuotaMb) || null;

async function listWorkspaces(argv: string[]) {
  const list = await withStore(argv, async (store, config, blobs) => {
    return Promise.all(
      (await store.listWorkspaces()).map(async (w) => {
        const members = (await store.listMembers(w.id)).filter((m) => m.revokedAt === null);
        // BLOB-10: what its attached files take, for the operator who sets the limit.
        const files = await blobs.usage(w.id);
        return {
          id: w.id,
          name: w.name,
          createdAt: new Date(Number(w.createdAt)).toISOString(),
          members: members.length,
          admins: members.filter((m) => m.role === 'admin').map((m) => m.displayName),
          files: files.files,
          filesMb: Math.ceil(files.bytes / (1024 * 1024)),
          fileQuotaMb: fileQuotaOf(w, config),
          ownFileQuota: w.blobQuotaMb !== null && w.blobQuotaMb !== undefined,
        };
      }),
    );
  });
  console.log(JSON.stringify(list, null, 2));
}

/** `workspace file-limit`: sets one workspace's own limit of attached files. */
async function workspaceFileLimit(argv: string[]) {
  const { taken, rest } = takeFlags(argv, ['workspace', 'mb']);
  if (!taken.workspace || taken.mb === undefined) {
    throw new ConfigError('workspace file-limit needs --workspace ID and --mb N|none|default');
  }
  const value = taken.mb;
  const mb =
    value === 'default'
      ? null
      : value === 'none'
        ? 0
        : /^[1-9]\d{0,8}$/.test(value)
          ? Number(value)
          : NaN;
  if (Number.isNaN(mb)) {
    throw new ConfigError(
      `--mb takes a whole number of MB (1 or more), none or default, not "${value}"`,
    );
  }
  const workspaceId = taken.workspace;
  const result = await withStore(rest, async (store, config, blobs) => {
    if (!(await store.setWorkspaceBlobQuota(workspaceId, mb))) {
      throw new ConfigError(`no workspace ${workspaceId}: see grassroots workspace list`);
    }
    const w = (await store.getWorkspace(workspaceId))!;
    const files = await blobs.usage(workspaceId);
    return {
      id: w.id,
      name: w.name,
      files: files.files,
      filesMb: Math.ceil(files.bytes / (1024 * 1024)),
      fileQuotaMb: fileQuotaOf(w, config),
      ownFileQuota: mb !== null,
    };
  });
  console.log(JSON.stringify(result, null, 2));
}

async function workspaceMembers(store: AuthStore, workspaceId: string): Promise<Member[]> {
  if (!(await store.getWorkspace(workspaceId))) {
    throw new ConfigError(`no workspace ${workspaceId}: see grassroots workspace list`);
  }
  return store.listMembers(workspaceId);
}

async function member(argv: string[]) {
  const [action, ...args] = argv;
  const { taken, rest } = takeFlags(args, ['workspace', 'member']);
  if (!taken.workspace) throw new ConfigError(`member ${action ?? ''} needs --workspace ID`);
  const workspaceId = taken.workspace;
  if (action === 'list') {
    const members = await withStore(rest, (store) => workspaceMembers(store, workspaceId));
    console.log(JSON.stringify(members.map(info), null, 2));
    return;
  }
  if (action !== 'new-device')
    throw new ConfigError(`unknown command "member ${action ?? ''}"\n${USAGE}`);
  const wanted = taken.member;
  if (!wanted) throw new ConfigError('member new-device needs --member ID_OR_NAME');
  const result = await withStore(rest, async (store, config) => {
    const live = (await workspaceMembers(store, workspaceId)).filter((m) => m.revokedAt === null);
    const byId = live.find((m) => m.id === wanted);
    const byName = live.filter((m) => m.displayName === wanted);
    if (!byId && byName.length > 1) {
      throw new ConfigError(
        `${byName.length} members are called ${wanted}: pass one of their ids (${byName.map((m) => m.id).join(', ')})`,
      );
    }
    const target = byId ?? byName[0];
    if (!target) {
      throw new ConfigError(`no member ${wanted} in this workspace: see grassroots member list`);
    }
    const { invite, token } = await new Auth(store).createDeviceInvite(
      workspaceId,
      null,
      target.id,
    );
    return {
      member: info(target),
      url: inviteUrl(inviteBase(config), token),
      expiresAt: new Date(invite.expiresAt ?? 0).toISOString(),
    };
  });
  console.log(JSON.stringify(result, null, 2));
}

const backupFlags = z.object({
  to: z.string().min(1, '--to needs a folder'),
  keep: z.coerce.number().int().min(1).max(10_000).optional(),
});

/** The SQLite data folder the flags name; backups of PostgreSQL are its own tools' work. */
function sqliteDataDir(flags: string[]): string {
  const config = parseConfig(configInputFrom(flags, process.env));
  if (config.databaseUrl) {
    throw new ConfigError(
      'backup and restore work on the SQLite data folder; with DATABASE_URL (PostgreSQL) use pg_dump and pg_restore (attached files are in PostgreSQL too)',
    );
  }
  return config.dataDir;
}

async function backup(argv: string[]) {
  const { taken, rest } = takeFlags(argv, ['to', 'keep']);
  const flags = backupFlags.safeParse(taken);
  if (!flags.success) {
    throw new ConfigError(
      flags.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  const result = await backupDataDir({ dataDir: sqliteDataDir(rest), ...flags.data });
  console.log(JSON.stringify(result, null, 2));
  if (result.damagedBlobs.length > 0) {
    console.error(
      `grassroots: ${result.damagedBlobs.length} attached file(s) on this disk no longer match their hash and were left out: ${result.damagedBlobs.join(', ')}`,
    );
    process.exitCode = 1;
  }
}

async function restore(argv: string[]) {
  const { taken, rest } = takeFlags(argv, ['from']);
  if (!taken.from) throw new ConfigError('restore needs --from BACKUP');
  const result = await restoreDataDir({ from: taken.from, dataDir: sqliteDataDir(rest) });
  console.log(JSON.stringify(result, null, 2));
  console.error(
    'grassroots: restored. Devices bring back their edits made since the backup when they reconnect; members removed since the backup are members again: check the Members page.',
  );
}

/** SYNC-3: a new store id for data put back by other means than `restore`. */
async function renewStoreId(argv: string[]) {
  const { databaseUrl, dataDir } = parseConfig(configInputFrom(argv, process.env));
  // A mistyped --data would otherwise become a new, empty database.
  if (!databaseUrl && !existsSync(sqlitePath(dataDir))) {
    throw new ConfigError(`no database at ${sqlitePath(dataDir)}: check --data`);
  }
  const id = await withStore(argv, async (store) => {
    await store.renewStoreId();
    return store.storeId();
  });
  console.log(JSON.stringify({ storeId: id }));
}

/** Copies this data folder's SQLite database and files into the empty DATABASE_URL. */
async function copyToPostgres(argv: string[]) {
  const config = parseConfig(configInputFrom(argv, process.env));
  if (!config.databaseUrl) {
    throw new ConfigError(
      'copy-to-postgres needs DATABASE_URL (or --database-url): where to copy to',
    );
  }
  const target = await PostgresStore.open({ url: config.databaseUrl });
  try {
    const result = await copySqliteToPostgres({
      sqliteFile: sqlitePath(config.dataDir),
      files: new FsBlobStore(blobsPath(config.dataDir)),
      target,
      targetFiles: await PostgresBlobStore.open(target.pool),
    });
    console.log(JSON.stringify(result, null, 2));
    if (result.damagedFiles.length > 0) {
      console.error(
        `grassroots: ${result.damagedFiles.length} attached file(s) no longer match their hash and were left out: ${result.damagedFiles.join(', ')}`,
      );
      process.exitCode = 1;
    }
  } finally {
    await target.close();
  }
}

/** Copies this data folder's attached files into DATABASE_URL (no-op for those it has). */
async function copyFilesToPostgresCommand(argv: string[]) {
  const config = parseConfig(configInputFrom(argv, process.env));
  if (!config.databaseUrl) {
    throw new ConfigError('copy-files-to-postgres needs DATABASE_URL (or --database-url)');
  }
  if (!existsSync(blobsPath(config.dataDir))) {
    throw new ConfigError(`no attached files at ${blobsPath(config.dataDir)}: check --data`);
  }
  const target = await PostgresStore.open({ url: config.databaseUrl });
  try {
    const result = await copyFilesToPostgres(
      new FsBlobStore(blobsPath(config.dataDir)),
      await PostgresBlobStore.open(target.pool),
    );
    console.log(JSON.stringify(result, null, 2));
    if (result.damagedFiles.length > 0) process.exitCode = 1;
  } finally {
    await target.close();
  }
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  if (command === 'serve') return serve(rest);
  if (command === 'workspace' && rest[0] === 'create') return createWorkspace(rest.slice(1));
  if (command === 'workspace' && rest[0] === 'list') return listWorkspaces(rest.slice(1));
  if (command === 'workspace' && rest[0] === 'file-limit') return workspaceFileLimit(rest.slice(1));
  if (command === 'member') return member(rest);
  if (command === 'demo') return createDemo(rest);
  if (command === 'backup') return backup(rest);
  if (command === 'restore') return restore(rest);
  if (command === 'renew-store-id') return renewStoreId(rest);
  if (command === 'copy-to-postgres') return copyToPostgres(rest);
  if (command === 'copy-files-to-postgres') return copyFilesToPostgresCommand(rest);
  if (command === 'check-backup') {
    if (rest.length !== 1 || rest[0]!.startsWith('--')) {
      throw new ConfigError('check-backup takes one backup folder');
    }
    const result = await checkBackup(rest[0]!);
    console.log(JSON.stringify(result, null, 2));
    if (result.problems.length > 0) process.exitCode = 1;
    return;
  }
  if (command === undefined || command === 'help' || command === '--help') {
    console.log(USAGE);
    return;
  }
  throw new ConfigError(`unknown command "${argv.join(' ')}"\n${USAGE}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (
    error instanceof ConfigError ||
    error instanceof BackupRefused ||
    error instanceof CopyRefused
  ) {
    console.error(`grassroots: ${error.message}`);
    process.exit(2);
  }
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    const { address, port } = error as { address?: string; port?: number };
    const where = `${address ?? 'the host'} port ${port ?? '?'}`;
    console.error(
      code === 'EADDRINUSE'
        ? `grassroots: cannot listen on ${where}: something already listens there (another Grassroots?). Stop it, or choose another port with --port or PORT.`
        : `grassroots: cannot listen on ${where}: not allowed (ports below 1024 need root). Choose another port with --port or PORT.`,
    );
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});

/**
 * The three deployments the cluster benchmark compares, each started for real: relay processes
 * (`grassroots serve`, as tests/support/process.ts starts them) on SQLite, on PostgreSQL, or two of
 * them on PostgreSQL with the Redis bus; PostgreSQL and Redis are the throwaway servers of
 * tests/support/services.ts. Everything binds 127.0.0.1. CPU time is read from /proc.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Auth, PostgresStore, SqliteStore, sqlitePath } from '@grassroots/server';
import pg from 'pg';
import { type RelayProcess, startRelay } from '../../support/process.ts';
import { type Service, startPostgres, startRedis } from '../../support/services.ts';
import type { BenchServer } from '../relay/servers.ts';

/** Which deployment: one relay on SQLite, one on PostgreSQL, two on PostgreSQL + Redis. */
export type SetupKind = 'sqlite' | 'postgres' | 'cluster';
export const SETUP_KINDS: readonly SetupKind[] = ['sqlite', 'postgres', 'cluster'];

/** How each setup is named in tables. */
export const SETUP_LABELS: Record<SetupKind, string> = {
  sqlite: '1 relay + SQLite',
  postgres: '1 relay + PostgreSQL',
  cluster: '2 relays + PostgreSQL + Redis',
};

/**
 * `full`: what a deployment runs (SQLite `synchronous=full`, the relay's default; PostgreSQL with
 * fsync and synchronous commit). `relaxed`: neither waits for the disk (SQLite `normal`,
 * PostgreSQL without fsync), which shows what the flushes cost.
 */
export type Durability = 'full' | 'relaxed';

/** The relay's message and connection limits raised, so the benchmark's traffic is never refused. */
const UNTHROTTLED = [
  '--connections-per-window',
  '1000000',
  '--messages-per-second',
  '1000000',
  '--message-burst',
  '1000000',
  // A fan-out room's clients share one token.
  '--max-connections-per-member',
  '10000',
];

/** PostgreSQL and Redis, started once for the whole run. */
export type Services = { postgres: Service; redis: Service; stop(): Promise<void> };

/** Starts the throwaway PostgreSQL (durable unless `relaxed`) and Redis servers. */
export async function startServices(durability: Durability): Promise<Services> {
  const started: Service[] = [];
  try {
    const postgres = await startPostgres({ isDurable: durability === 'full' });
    started.push(postgres);
    const redis = await startRedis();
    started.push(redis);
    return { postgres, redis, stop: () => stopAll(started) };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

async function stopAll(services: readonly Service[]): Promise<void> {
  await Promise.allSettled(services.map((s) => s.stop()));
}

/** CPU time used so far, ms: the relay processes together, PostgreSQL and Redis (null: not used). */
export type CpuSample = { relays: number; postgres: number | null; redis: number | null };

/** A started setup: its relays, one workspace with an admin token, and its CPU counters. */
export type Setup = {
  kind: SetupKind;
  relays: RelayProcess[];
  workspaceId: string;
  /**
   * Where the clients of `room` connect, one entry per relay process; a Swarm given them puts
   * client i on relay i mod count. `rotate` shifts the order, so rooms of odd size spread evenly.
   */
  endpoints(room: string, rotate?: number): BenchServer[];
  cpu(): CpuSample;
  /** Stops the relays (SIGTERM: they drain) and removes their folders. */
  stop(): Promise<void>;
};

/** Live relays and folders of every setup, killed and removed if the benchmark dies. */
const liveDirs = new Set<string>();
process.on('exit', () => {
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh database in the PostgreSQL service, named for the setup; returns its URL. */
async function createDatabase(serviceUrl: string, label: string): Promise<string> {
  const name = `bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serviceUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serviceUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Starts one setup with its own fresh storage (a SQLite folder, or a new database) holding one
 * workspace, and waits until every relay answers. `label` names the database (letters and _).
 */
export async function startSetup(
  kind: SetupKind,
  services: Services | null,
  { durability, label }: { durability: Durability; label: string },
): Promise<Setup> {
  const relayCount = kind === 'cluster' ? 2 : 1;
  const dirs = Array.from({ length: relayCount }, () =>
    mkdtempSync(join(tmpdir(), 'grassroots-cluster-bench-')),
  );
  for (const dir of dirs) liveDirs.add(dir);
  const removeDirs = () => {
    for (const dir of dirs) {
      rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    }
  };
  const relays: RelayProcess[] = [];
  try {
    let env: Record<string, string>;
    let created: Awaited<ReturnType<Auth['createWorkspace']>>;
    if (kind === 'sqlite') {
      const synchronous = durability === 'full' ? 'full' : 'normal';
      const store = new SqliteStore(sqlitePath(dirs[0]!), { synchronous });
      try {
        created = await new Auth(store).createWorkspace('基准村');
      } finally {
        await store.close();
      }
      // Empty values count as unset: a DATABASE_URL in the caller's shell must not leak in.
      env = { DATABASE_URL: '', REDIS_URL: '', SQLITE_SYNCHRONOUS: synchronous };
    } else {
      if (!services) throw new Error(`${kind} needs PostgreSQL: start the services first`);
      const databaseUrl = await createDatabase(services.postgres.url, `${label}_${kind}`);
      const store = await PostgresStore.open({ url: databaseUrl });
      try {
        created = await new Auth(store).createWorkspace('基准村');
      } finally {
        await store.close();
      }
      env = {
        DATABASE_URL: databaseUrl,
        REDIS_URL: kind === 'cluster' ? services.redis.url : '',
      };
    }
    const started = await Promise.allSettled(
      dirs.map((dataDir) => startRelay({ dataDir, env, args: UNTHROTTLED })),
    );
    for (const s of started) if (s.status === 'fulfilled') relays.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;

    const params = { token: created.adminToken };
    const workspaceId = created.workspace.id;
    const postgresPid = kind === 'sqlite' ? null : (services?.postgres.pid() ?? null);
    const redisPid = kind === 'cluster' ? (services?.redis.pid() ?? null) : null;
    return {
      kind,
      relays,
      workspaceId,
      endpoints: (room, rotate = 0) =>
        relays.map((_, i) => {
          const relay = relays[(i + rotate) % relays.length]!;
          return {
            kind: 'grassroots',
            pid: relay.pid,
            serverUrl: relay.wsUrl,
            room: `${workspaceId}/${room}`,
            roomOf: (docId: string) => `${workspaceId}/${docId}`,
            memberTokens: [],
            params,
            stop: async () => {
              await relay.stop();
            },
          };
        }),
      cpu: () => ({
        relays: relays.reduce((sum, r) => sum + processCpuMs(r.pid), 0),
        postgres: postgresPid === null ? null : treeCpuMs(postgresPid),
        redis: redisPid === null ? null : processCpuMs(redisPid),
      }),
      stop: async () => {
        await Promise.allSettled(relays.map((r) => r.stop(10_000)));
        removeDirs();
      },
    };
  } catch (error) {
    await Promise.allSettled(relays.map((r) => r.kill()));
    removeDirs();
    throw error;
  }
}

/** utime, stime, cutime, cstime (clock ticks) and the parent of a process, from /proc. */
function stat(pid: number): { ppid: number; own: number; reaped: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the parenthesised command name: ppid is the 4th, utime…cstime the 14th–17th.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    ppid: Number(f[1]),
    own: Number(f[11]) + Number(f[12]),
    reaped: Number(f[13]) + Number(f[14]),
  };
}

/** Milliseconds per clock tick; Linux reports 100 ticks a second. */
const TICK_MS = 10;

/** CPU time of one process (all its threads), ms. */
export function processCpuMs(pid: number): number {
  const s = stat(pid);
  return s ? s.own * TICK_MS : 0;
}

/**
 * CPU time of a process and its children, ms: PostgreSQL runs a process per connection and a few
 * workers under its postmaster. Children still running count by their own time; those that have
 * ended were reaped by the postmaster and count in its children's time.
 */
export function treeCpuMs(rootPid: number): number {
  const root = stat(rootPid);
  if (!root) return 0;
  let ticks = root.own + root.reaped;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === rootPid) continue;
    const child = stat(Number(entry));
    if (child?.ppid === rootPid) ticks += child.own + child.reaped;
  }
  return ticks * TICK_MS;
}

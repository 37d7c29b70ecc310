/**
 * Throwaway PostgreSQL and Redis servers for the tests that are about them: Debian's binaries,
 * fresh data directories under the system's temp folder, bound to 127.0.0.1 on free ports, gone
 * when stopped. As root the servers run as the `postgres` / `redis` system users (PostgreSQL
 * refuses to run as root); otherwise as the current user.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Service = {
  url: string;
  port: number;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its data. */
  stop(): Promise<void>;
  /** Stops the server without removing its data (for restart tests). */
  halt(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  restart(): Promise<void>;
  /** Process id of the running server (PostgreSQL: its postmaster), or null when stopped. */
  pid(): number | null;
};

const isRoot = () => process.getuid?.() === 0;

/** A port the kernel says is free right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port, or rejects after `timeoutMs`. */
async function waitForPort(port: number, timeoutMs: number, exited: () => string | null) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const why = exited();
    if (why !== null) throw new Error(why);
    const isOpen = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (isOpen) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/** The newest PostgreSQL server binaries Debian installed, or null. */
export function postgresBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : null;
}

/** Spawn options that run a server as `user` when this process is root (none otherwise). */
function asUser(user: string): { uid?: number; gid?: number } {
  if (!isRoot()) return {};
  const uid = Number(execFileSync('id', ['-u', user]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', user]).toString().trim());
  return { uid, gid };
}

const runningPid = (child: ChildProcess | null): number | null =>
  child && child.exitCode === null && child.signalCode === null ? (child.pid ?? null) : null;

async function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}

/** Options of startPostgres. */
export type PostgresOptions = {
  /**
   * Keep PostgreSQL's own durability (fsync, synchronous commit, full page writes), as a
   * deployment runs it; for benchmarks that compare engines. Default false: the data is thrown
   * away, so tests skip the flushes.
   */
  isDurable?: boolean;
};

/**
 * Starts a PostgreSQL server with a fresh cluster (trust auth on 127.0.0.1, no fsync unless
 * `isDurable`: the data is thrown away). The URL names the `postgres` database; tests create
 * their own databases in it.
 */
export async function startPostgres({ isDurable = false }: PostgresOptions = {}): Promise<Service> {
  const bin = postgresBinDir();
  if (!bin) {
    throw new Error(
      'PostgreSQL is not installed: apt-get install -y postgresql (the test command does this as root)',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'grassroots-pg-'));
  const data = join(dir, 'data');
  if (isRoot()) execFileSync('chown', ['postgres:postgres', dir]);
  chmodSync(dir, 0o700);
  execFileSync(
    join(bin, 'initdb'),
    ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync'],
    { stdio: 'pipe', ...asUser('postgres') },
  );
  const port = await freePort();
  let child: ChildProcess | null = null;
  let log = '';
  const launch = async () => {
    const args = [
      '-D',
      data,
      '-p',
      String(port),
      '-h',
      '127.0.0.1',
      '-k',
      dir,
      ...(isDurable
        ? []
        : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
      '-c',
      'max_connections=200',
    ];
    log = '';
    const started = spawn(join(bin, 'postgres'), args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...asUser('postgres'),
    });
    started.stderr?.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000);
    });
    child = started;
    await waitForPort(port, 30_000, () =>
      started.exitCode !== null ? `postgres exited (${started.exitCode}): ${log}` : null,
    );
    // Listening is not accepting queries yet ("the database system is starting up").
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        execFileSync(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  await launch();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    halt: () => stopChild(child),
    restart: launch,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
    pid: () => runningPid(child),
  };
}

/** Starts a Redis server that keeps nothing on disk. */
export async function startRedis(): Promise<Service> {
  if (!existsSync('/usr/bin/redis-server')) {
    throw new Error(
      'Redis is not installed: apt-get install -y redis-server (the test command does this as root)',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'grassroots-redis-'));
  if (isRoot()) execFileSync('chown', ['redis:redis', dir]);
  const port = await freePort();
  let child: ChildProcess | null = null;
  let log = '';
  const launch = async () => {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ];
    log = '';
    const started = spawn('/usr/bin/redis-server', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...asUser('redis'),
    });
    const keep = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000);
    };
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    child = started;
    await waitForPort(port, 15_000, () =>
      started.exitCode !== null ? `redis-server exited (${started.exitCode}): ${log}` : null,
    );
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    halt: () => stopChild(child),
    restart: launch,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
    pid: () => runningPid(child),
  };
}

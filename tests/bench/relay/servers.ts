import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Which server a round runs against. */
export type ServerKind = 'grassroots' | 'y-websocket';

/** A server running in a child process, and where clients reach its benchmark room. */
export type BenchServer = {
  kind: ServerKind;
  pid: number;
  /** Passed to WebsocketProvider as `serverUrl`. */
  serverUrl: string;
  /** Passed to WebsocketProvider as `roomname`. */
  room: string;
  /** Query parameters for the WebSocket URL (our relay's token). */
  params: Record<string, string>;
  /** The name clients pass as `roomname` for a document `docId` (letters, digits, `_`, `-`). */
  roomOf(docId: string): string;
  /** Tokens of the editors made with `members` (ours; empty for the reference). */
  memberTokens: string[];
  /** Stops the process (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
};

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const scripts: Record<ServerKind, string> = {
  grassroots: join(here, 'ours-server.ts'),
  'y-websocket': join(here, 'reference-server.ts'),
};

/** Where the benchmark builds the relay (inside `server/`, so its packages resolve as in `dist/`). */
const buildDir = join(repoRoot, 'server', '.bench-build');
let built: Promise<string> | null = null;

/**
 * The relay library compiled as production compiles it (`server/vite.config.ts`, into
 * `server/.bench-build/`), built once per benchmark run: the relay is measured as it runs in a
 * deployment, not through tsx (whose esbuild wraps every named closure in a `__name` call as it
 * is made). `BENCH_RELAY_FROM=source` measures the TypeScript sources instead.
 */
function compiledRelay(): Promise<string> {
  built ??= (async () => {
    const { build } = await import('vite');
    await build({
      configFile: join(repoRoot, 'server', 'vite.config.ts'),
      logLevel: 'error',
      build: { outDir: buildDir, emptyOutDir: true, sourcemap: false },
    });
    return join(buildDir, 'index.js');
  })();
  return built;
}

const live = new Set<ChildProcess>();
// Last resort: whatever happens to the benchmark, no server outlives it.
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

const waitExit = (child: ChildProcess, ms: number) =>
  new Promise<boolean>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done(true);
    const timer = setTimeout(() => done(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });

/**
 * Our relay's message and connection limits: `production` is the configuration's defaults (what
 * a deployment runs); `unthrottled` raises them so a benchmark's own traffic is never refused.
 */
export type Limits = 'production' | 'unthrottled';

/** Options of startBenchServer. */
export type StartOptions = {
  /** Extra Node flags for the server process (e.g. `--cpu-prof`). Default none. */
  nodeArgs?: readonly string[];
  /** How long to wait for the server to listen, ms. Default 30 s. */
  startTimeoutMs?: number;
  /** Our relay's limits; the reference has none. Default `unthrottled`. */
  limits?: Limits;
  /**
   * A folder the server keeps its data in across restarts (the caller removes it). Ours keeps its
   * SQLite file and workspace there; the reference persists through its own y-leveldb option
   * (`YPERSISTENCE`). Default none: ours uses a fresh folder it removes, the reference memory.
   */
  dataDir?: string;
  /** Editors our relay makes at start, their tokens in `memberTokens`. Default 0. */
  members?: number;
  /** Our relay's settings over the benchmark's (`BENCH_RELAY_CONFIG`). Default the environment's. */
  config?: Record<string, unknown>;
};

/**
 * Starts a server in its own Node process (`node --import tsx`, so the pid is the server itself
 * and its RSS is its own; ours loads the compiled relay, see `compiledRelay`) and waits for the
 * JSON line it prints once listening.
 */
export async function startBenchServer(
  kind: ServerKind,
  {
    nodeArgs = [],
    startTimeoutMs = 30_000,
    limits = 'unthrottled',
    dataDir,
    members = 0,
    config,
  }: StartOptions = {},
): Promise<BenchServer> {
  const args =
    kind === 'grassroots'
      ? [
          '--limits',
          limits,
          ...(dataDir ? ['--data', dataDir] : []),
          ...(members > 0 ? ['--members', String(members)] : []),
        ]
      : [];
  const env = { ...process.env };
  delete env.YPERSISTENCE;
  if (kind === 'y-websocket' && dataDir) env.YPERSISTENCE = dataDir;
  if (config) env.BENCH_RELAY_CONFIG = JSON.stringify(config);
  delete env.BENCH_RELAY_LIB;
  if (kind === 'grassroots' && process.env.BENCH_RELAY_FROM !== 'source') {
    env.BENCH_RELAY_LIB = await compiledRelay();
  }
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', scripts[kind], ...args], {
    cwd: repoRoot,
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  const stop = async () => {
    if (!live.has(child)) return;
    child.kill('SIGTERM');
    if (!(await waitExit(child, 5_000))) {
      child.kill('SIGKILL');
      await waitExit(child, 5_000);
    }
  };
  try {
    const line = await new Promise<string>((done, fail) => {
      const lines = createInterface({ input: child.stdout! });
      const timer = setTimeout(
        () => fail(new Error(`${kind} server did not start in time`)),
        startTimeoutMs,
      );
      // The reference prints a notice first when it persists; the JSON line is the signal.
      const onLine = (text: string) => {
        if (!text.startsWith('{')) return;
        clearTimeout(timer);
        lines.off('line', onLine);
        done(text);
      };
      lines.on('line', onLine);
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`${kind} server exited with ${code} before listening`));
      });
    });
    const info = JSON.parse(line) as {
      port: number;
      workspaceId?: string;
      token?: string;
      memberTokens?: string[];
    };
    const base = `ws://127.0.0.1:${info.port}`;
    if (kind === 'grassroots') {
      const roomOf = (docId: string) => `${info.workspaceId}/${docId}`;
      return {
        kind,
        pid: child.pid!,
        serverUrl: `${base}/sync`,
        room: roomOf('bench'),
        params: { token: info.token! },
        roomOf,
        memberTokens: info.memberTokens ?? [],
        stop,
      };
    }
    return {
      kind,
      pid: child.pid!,
      serverUrl: base,
      room: 'bench',
      params: {},
      roomOf: (docId) => docId,
      memberTokens: [],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Resident set size of a process, bytes (VmRSS in /proc/<pid>/status). */
export function readRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** utime and stime of a `/proc/…/stat` line, ms (100 clock ticks a second). */
function cpuOfStat(stat: string): { user: number; system: number } {
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}

/**
 * CPU time a process has used so far in its own code and in the kernel, ms; `mainThread`: the
 * part of it on the JavaScript thread (the rest is V8's garbage-collector helpers and libuv's
 * pool); `wakeups`: how often the main thread has blocked and woken again so far.
 */
export function readCpuTimes(pid: number): {
  user: number;
  system: number;
  mainThread: number;
  wakeups: number;
} {
  const main = cpuOfStat(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'));
  const status = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
  return {
    ...cpuOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    mainThread: main.user + main.system,
    wakeups: Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0),
  };
}

/** CPU time a process has used so far (user + system), ms. */
export function readCpuMs(pid: number): number {
  const { user, system } = readCpuTimes(pid);
  return user + system;
}

/** Samples a process's RSS every `everyMs` and keeps the peak. */
export function watchRss(pid: number, everyMs = 50): { peak(): number; stop(): void } {
  let peak = 0;
  const sample = () => {
    try {
      peak = Math.max(peak, readRss(pid));
    } catch {
      // The process is gone; the peak so far stands.
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    peak: () => {
      sample();
      return peak;
    },
    stop: () => clearInterval(timer),
  };
}

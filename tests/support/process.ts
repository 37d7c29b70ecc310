/**
 * The relay and its CLI as real child processes, watched from outside: the port it logs when it
 * listens, its log counted line by line (a long fuzz run writes tens of thousands of lines), the
 * end of its output for failure reports, its resident memory from /proc, its memory after a full
 * collection through the inspector (when asked for) and its Prometheus metrics over HTTP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { inspectorUrl, type MemorySample, memoryAfterGc } from './inspector.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const COMPILED = 'server/dist/main.js';
let isCompiledFresh: boolean | undefined;

/** Newest modification time of any file under `dir`, ms. */
function newestUnder(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * True when the compiled server exists and is newer than every source it is built from (the test
 * command builds it first). It starts in about half the CPU of the sources under tsx, which
 * counts with dozens of processes on two cores; after an edit without a build, the sources run.
 */
function hasFreshBuild(): boolean {
  if (isCompiledFresh === undefined) {
    try {
      const built = statSync(join(repoRoot, COMPILED)).mtimeMs;
      isCompiledFresh =
        built >= newestUnder(join(repoRoot, 'server/src')) &&
        built >= newestUnder(join(repoRoot, 'shared/src'));
    } catch {
      isCompiledFresh = false;
    }
  }
  return isCompiledFresh;
}

/** Runs the `grassroots` CLI to completion; resolves with its exit code and output. */
export function runCli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const entry = hasFreshBuild() ? [COMPILED] : ['--import', 'tsx', 'server/src/main.ts'];
    const child = spawn(process.execPath, [...entry, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `grassroots workspace create 示范村 --admin-name 王书记` in `dataDir`: what it prints. */
export async function createWorkspaceWithCli(dataDir: string) {
  const result = await runCli([
    'workspace',
    'create',
    '示范村',
    '--admin-name',
    '王书记',
    '--data',
    dataDir,
  ]);
  if (result.code !== 0) throw new Error(`workspace create failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as {
    workspaceId: string;
    adminMemberId: string;
    adminToken: string;
    inviteUrl: string;
  };
}

export type RelayOptions = {
  dataDir: string;
  /** Extra `serve` flags (`--unload-after-ms 100` …); later flags win over earlier ones. */
  args?: readonly string[];
  /** Extra environment of the child (LOG_LEVEL is info unless given here). */
  env?: Record<string, string>;
  /** Node flags placed before the script (`--expose-gc`). */
  nodeArgs?: readonly string[];
  /** Modules preloaded after tsx (`--import <file>`), so they may be TypeScript. */
  imports?: readonly string[];
  /**
   * Run the compiled server (`server/dist/main.js`, built by `pnpm build`) under plain node, as
   * production does (true), or the TypeScript sources under tsx (false). Default: the compiled
   * one when it is newer than every source and nothing is preloaded (`imports`), else the sources.
   */
  isCompiled?: boolean;
  /** Start with the inspector on 127.0.0.1, so `memoryAfterGc` can answer. Default false. */
  isInspectable?: boolean;
  /** Called with every complete line of stdout and stderr, as it arrives. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** How long to wait for "relay listening", ms; the child is killed after it. Default 20 000. */
  startTimeoutMs?: number;
};

/** A `grassroots serve` child process listening on 127.0.0.1. */
export type RelayProcess = {
  child: ChildProcess;
  pid: number;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `ws://127.0.0.1:<port>/sync` */
  wsUrl: string;
  /** What it was started with; `restart` starts the next one with the same. */
  options: RelayOptions;
  /** Resolves when the process ends, with its exit code (null when killed) and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** Structured log lines counted by `<level> <msg>` (`error room load failed`). */
  logCounts: Map<string, number>;
  /** The last 200 lines of stdout and stderr, for failure reports. */
  tail(): string[];
  /** The last 64 kB of stderr (where Node prints an uncaught exception). */
  stderrTail(): string;
  /** VmRSS of the process, bytes; null once it has exited. */
  rssBytes(): number | null;
  /** Memory after a full garbage collection; null without `isInspectable` or once it exited. */
  memoryAfterGc(): Promise<MemorySample | null>;
  /** The metrics endpoint parsed into `name{labels}` → value. */
  metrics(): Promise<Map<string, number>>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 15 000); resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL, resolving once the process is gone. */
  kill(): Promise<void>;
  /** Kills this one if it still runs, then starts a new one on the same data folder. */
  restart(): Promise<RelayProcess>;
};

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const TAIL_LINES = 200;
const STDERR_TAIL = 64 * 1024;

const live = new Set<ChildProcess>();
let isExitHookInstalled = false;

/** Never leave a relay running behind a crashed or interrupted harness. */
function installExitHook(): void {
  if (isExitHookInstalled) return;
  isExitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/**
 * Starts `grassroots serve` as a real process (`--port 0` on 127.0.0.1, no client files) and
 * resolves once it logged "relay listening" (with the port it logged) and answered `/healthz`.
 * The answer comes from a later turn of its event loop than the log line, so the start-up code
 * after that line has run too: a signal sent now meets the relay's own handlers, not Node's
 * default ones.
 */
export async function startRelay(options: RelayOptions): Promise<RelayProcess> {
  installExitHook();
  const child = spawn(
    process.execPath,
    [
      ...(options.isInspectable ? ['--inspect=127.0.0.1:0'] : []),
      ...(options.nodeArgs ?? []),
      ...((options.isCompiled ?? (options.imports === undefined && hasFreshBuild()))
        ? [COMPILED]
        : [
            '--import',
            'tsx',
            ...(options.imports ?? []).flatMap((file) => ['--import', file]),
            'server/src/main.ts',
          ]),
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--data',
      options.dataDir,
      '--client-dir',
      '',
      ...(options.args ?? []),
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'info', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  live.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );

  const lines: string[] = [];
  const logCounts = new Map<string, number>();
  let stderr = '';
  let inspector: string | null = null;
  let resolvePort: (port: number) => void = () => {};
  const listening = new Promise<number>((resolve) => {
    resolvePort = resolve;
  });
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > TAIL_LINES) lines.shift();
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    keep(line);
    let entry: { level?: number; msg?: string; port?: number };
    try {
      entry = JSON.parse(line);
    } catch {
      entry = {};
    }
    if (entry.msg !== undefined) {
      const key = `${LEVELS[entry.level ?? 30] ?? entry.level} ${entry.msg}`;
      logCounts.set(key, (logCounts.get(key) ?? 0) + 1);
      if (entry.msg.includes('relay listening') && typeof entry.port === 'number') {
        resolvePort(entry.port);
      }
    }
    options.onLine?.(line, 'stdout');
  });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    keep(line);
    stderr = `${stderr}${line}\n`.slice(-STDERR_TAIL);
    inspector ??= inspectorUrl(line);
    options.onLine?.(line, 'stderr');
  });

  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  let timer: NodeJS.Timeout | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`relay did not start in ${startTimeoutMs} ms:\n${lines.join('\n')}`));
    }, startTimeoutMs);
    void listening.then(resolve);
    void exited.then(({ code, signal }) =>
      reject(new Error(`relay exited (${code ?? signal}) while starting:\n${lines.join('\n')}`)),
    );
  }).finally(() => clearTimeout(timer));
  const url = `http://127.0.0.1:${port}`;
  try {
    await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(startTimeoutMs) });
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`relay did not answer /healthz: ${error}\n${lines.join('\n')}`);
  }

  const isRunning = () => child.exitCode === null && child.signalCode === null;
  const kill = async () => {
    if (isRunning()) child.kill('SIGKILL');
    await exited;
  };
  return {
    child,
    pid: child.pid!,
    port,
    url,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    options,
    exited,
    isRunning,
    logCounts,
    tail: () => lines.slice(),
    stderrTail: () => stderr,
    rssBytes() {
      if (!isRunning()) return null;
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = /VmRSS:\s+(\d+) kB/.exec(status);
        return kb ? Number(kb[1]) * 1024 : null;
      } catch {
        return null;
      }
    },
    async memoryAfterGc() {
      if (!inspector || !isRunning()) return null;
      try {
        return await memoryAfterGc(inspector);
      } catch {
        return null;
      }
    },
    async metrics() {
      const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
      const values = new Map<string, number>();
      for (const line of (await res.text()).split('\n')) {
        if (line.startsWith('#') || line.trim() === '') continue;
        const at = line.lastIndexOf(' ');
        values.set(line.slice(0, at), Number(line.slice(at + 1)));
      }
      return values;
    },
    async stop(graceMs = 15_000) {
      if (!isRunning()) return (await exited).code;
      child.kill('SIGTERM');
      const escalate = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const { code } = await exited;
      clearTimeout(escalate);
      return code;
    },
    kill,
    async restart() {
      await kill();
      return startRelay(options);
    },
  };
}

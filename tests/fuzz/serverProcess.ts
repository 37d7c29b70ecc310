/**
 * The relay as a real child process, watched from outside: its structured log counted line by
 * line (a long fuzz run writes tens of thousands of lines), its stderr kept for a crash's stack,
 * its resident memory read from /proc, its memory after a full collection read through the
 * inspector (bound to 127.0.0.1) and its Prometheus metrics fetched over HTTP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { repoRoot } from '../support/process.ts';
import { inspectorUrl, type MemorySample, memoryAfterGc } from './inspector.ts';

/** An error-level line of the server's log, reduced to what a report needs. */
export type LoggedError = { msg: string; room?: string; seq?: number; err?: string };

export type ServerProcess = {
  pid: number;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `ws://127.0.0.1:<port>/sync` */
  wsUrl: string;
  /** Resolves when the process ends, with its exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** Log lines counted by `<level> <msg>`. */
  logCounts: Map<string, number>;
  /** The first error-level lines (at most 200). */
  errors: LoggedError[];
  /** The last 64 kB of stderr (where Node prints an uncaught exception). */
  stderrTail(): string;
  /** VmRSS of the process, bytes; null once it has exited. */
  rssBytes(): number | null;
  /** Memory after a full garbage collection; null if the inspector cannot be reached. */
  memoryAfterGc(): Promise<MemorySample | null>;
  /** The metrics endpoint parsed into `name{labels}` → value. */
  metrics(): Promise<Map<string, number>>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
};

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const STDERR_TAIL = 64 * 1024;

/** Every server process started here, killed if this process exits first. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Starts `grassroots serve` on 127.0.0.1 and a free port with the given data folder and extra
 * flags; resolves once it listens.
 */
export async function startServerProcess(
  dataDir: string,
  flags: readonly string[],
  startTimeoutMs = 30_000,
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      '--inspect=127.0.0.1:0',
      '--import',
      'tsx',
      'server/src/main.ts',
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--data',
      dataDir,
      '--client-dir',
      '',
      '--log-level',
      'info',
      ...flags,
    ],
    { cwd: repoRoot, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  live.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  const logCounts = new Map<string, number>();
  const errors: LoggedError[] = [];
  let stderr = '';
  let inspector: string | null = null;
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
    inspector ??= inspectorUrl(stderr);
  });
  let resolvePort: (port: number) => void = () => {};
  const listening = new Promise<number>((resolve) => {
    resolvePort = resolve;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let entry: {
      level?: number;
      msg?: string;
      port?: number;
      room?: string;
      seq?: number;
      err?: { message?: string };
    };
    try {
      entry = JSON.parse(line);
    } catch {
      stderr = `${stderr}${line}\n`.slice(-STDERR_TAIL);
      return;
    }
    const level = LEVELS[entry.level ?? 30] ?? String(entry.level);
    const key = `${level} ${entry.msg ?? ''}`;
    logCounts.set(key, (logCounts.get(key) ?? 0) + 1);
    if ((entry.level ?? 0) >= 50 && errors.length < 200) {
      errors.push({
        msg: entry.msg ?? '',
        ...(entry.room ? { room: entry.room } : {}),
        ...(entry.seq !== undefined ? { seq: entry.seq } : {}),
        ...(entry.err?.message ? { err: entry.err.message } : {}),
      });
    }
    if (entry.msg?.includes('relay listening') && typeof entry.port === 'number') {
      resolvePort(entry.port);
    }
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start:\n${stderr}`)),
      startTimeoutMs,
    );
    listening.then((p) => {
      clearTimeout(timer);
      resolve(p);
    });
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${stderr}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  return {
    pid: child.pid!,
    port,
    url,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    exited,
    isRunning,
    logCounts,
    errors,
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
      const text = await res.text();
      const values = new Map<string, number>();
      for (const line of text.split('\n')) {
        if (line.startsWith('#') || line.trim() === '') continue;
        const at = line.lastIndexOf(' ');
        values.set(line.slice(0, at), Number(line.slice(at + 1)));
      }
      return values;
    },
    async stop(graceMs = 15_000) {
      if (!isRunning()) return (await exited).code;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

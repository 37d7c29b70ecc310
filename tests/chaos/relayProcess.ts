import { type ChildProcess, spawn } from 'node:child_process';
import { Auth, SqliteStore, sqlitePath } from '@grassroots/server';
import { repoRoot } from '../support/process.ts';

/** A `grassroots serve` child process on 127.0.0.1. */
export type RelayProcess = {
  child: ChildProcess;
  pid: number;
  port: number;
  /** `ws://127.0.0.1:<port>/sync` */
  syncUrl: string;
  /** `http://127.0.0.1:<port>` */
  httpUrl: string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines the process wrote (stdout and stderr), for failure reports. */
  tail(): string[];
  /** Sends SIGKILL and waits for the process to be gone. */
  kill(): Promise<void>;
};

export type RelayProcessOptions = {
  dataDir: string;
  /** Extra `serve` flags (`--unload-after-ms 100` …); later flags win over earlier ones. */
  args?: readonly string[];
  /** Node flags placed before the script (`--expose-gc`). */
  nodeArgs?: readonly string[];
  /** Modules preloaded after tsx (`--import <file>`), so they may be TypeScript. */
  imports?: readonly string[];
  /** Extra environment of the child. */
  env?: Record<string, string>;
  /** Called with every complete line of stdout and stderr. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** How long to wait for "relay listening", ms. Default 20 000. */
  startTimeoutMs?: number;
};

const TAIL_LINES = 200;
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
 * Starts the relay as a real child process (like `grassroots serve`, with `--port 0` on
 * 127.0.0.1, no client files) and resolves once it listens. Unlike `spawnServer` it takes node
 * flags and a line listener, so a harness can preload a probe or react to log lines.
 */
export async function startRelayProcess(options: RelayProcessOptions): Promise<RelayProcess> {
  installExitHook();
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--import',
      'tsx',
      ...(options.imports ?? []).flatMap((file) => ['--import', file]),
      'server/src/main.ts',
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
    { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: 'info', ...options.env } },
  );
  live.add(child);
  const lines: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  let resolvePort: (port: number) => void = () => {};
  let timer: NodeJS.Timeout | undefined;
  const port = new Promise<number>((resolve, reject) => {
    resolvePort = resolve;
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`relay did not start:\n${lines.join('\n')}`));
    }, options.startTimeoutMs ?? 20_000);
    void exited.then(() => reject(new Error(`relay exited while starting:\n${lines.join('\n')}`)));
  }).finally(() => clearTimeout(timer));
  const readLines = (stream: 'stdout' | 'stderr') => {
    let partial = '';
    return (chunk: Buffer) => {
      partial += chunk.toString();
      let newline = partial.indexOf('\n');
      while (newline >= 0) {
        const line = partial.slice(0, newline);
        partial = partial.slice(newline + 1);
        lines.push(line);
        if (lines.length > TAIL_LINES) lines.shift();
        const listening = /"port":(\d+)[^\n]*relay listening/.exec(line);
        if (listening) resolvePort(Number(listening[1]));
        options.onLine?.(line, stream);
        newline = partial.indexOf('\n');
      }
    };
  };
  child.stdout!.on('data', readLines('stdout'));
  child.stderr!.on('data', readLines('stderr'));
  const listeningPort = await port;
  return {
    child,
    pid: child.pid!,
    port: listeningPort,
    syncUrl: `ws://127.0.0.1:${listeningPort}/sync`,
    httpUrl: `http://127.0.0.1:${listeningPort}`,
    exited,
    tail: () => lines.slice(),
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A workspace made straight in the data folder, with one editor token per writer identity. */
export type SeededWorkspace = { workspaceId: string; tokens: string[] };

/**
 * Creates a workspace and `members` editors in `<dataDir>/grassroots.sqlite` before any relay
 * runs, so that writers can authenticate as distinct authors.
 */
export async function seedWorkspace(dataDir: string, members: number): Promise<SeededWorkspace> {
  const store = new SqliteStore(sqlitePath(dataDir));
  try {
    const auth = new Auth(store);
    const created = await auth.createWorkspace('压测村');
    const tokens: string[] = [];
    for (let i = 0; i < members; i++) {
      const invite = await auth.createInvite(created.workspace.id, created.admin.id, {
        role: 'editor',
      });
      tokens.push((await auth.redeem(invite.token, `writer-${i}`)).token);
    }
    return { workspaceId: created.workspace.id, tokens };
  } finally {
    await store.close();
  }
}

/** Reads the relay's own gauges from `/metrics` (rooms in memory, open connections). */
export async function readRelayGauges(
  httpUrl: string,
): Promise<{ roomsLoaded: number; connections: number } | null> {
  try {
    const text = await (await fetch(`${httpUrl}/metrics`)).text();
    const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    return {
      roomsLoaded: gauge('grassroots_rooms_loaded'),
      connections: gauge('grassroots_connections'),
    };
  } catch {
    return null;
  }
}

/**
 * Our relay in its own process, for the relay benchmark: binds 127.0.0.1 on a free port and
 * prints `{ port, workspaceId, token }` as one JSON line once it listens. Stops on SIGTERM or
 * when its parent's stdin closes (closing the server as a deployment does: pending writes stored).
 *
 * Runs the compiled relay when BENCH_RELAY_LIB names its library (see `servers.ts`).
 *
 * Flags:
 * - `--limits unthrottled` (default): message and connection limits raised so the benchmark's
 *   traffic is never refused; `--limits production`: the configuration's defaults.
 * - `--data DIR`: keep the SQLite file and the workspace in DIR across restarts (the workspace
 *   and its token are written to DIR/bench-server.json the first time and reused). Without it a
 *   fresh folder is used and removed on stop.
 * - `--members N`: also make N editors of the workspace (through an invite, as devices join) and
 *   print their tokens as `memberTokens`, so clients connect as the members a deployment has
 *   rather than all as its admin. Default 0.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NewUpdate, StoredUpdate } from '@grassroots/server';

// BENCH_RELAY_LIB: the compiled relay library (`index.js` of a server build), as production runs
// the relay (`node server/dist/main.js`); without it, the TypeScript sources through tsx.
const compiled = process.env.BENCH_RELAY_LIB;
const { parseConfig, SqliteStore, startServer }: typeof import('@grassroots/server') = compiled
  ? await import(pathToFileURL(compiled).href)
  : await import('@grassroots/server');

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};
const limits = flag('limits') ?? 'unthrottled';
if (limits !== 'unthrottled' && limits !== 'production') {
  throw new Error(`--limits must be unthrottled or production, not ${limits}`);
}
const keptDir = flag('data');
const members = Number(flag('members') ?? 0);
if (!Number.isInteger(members) || members < 0 || members > 1000) {
  throw new Error(`--members must be a whole number from 0 to 1000, not ${flag('members')}`);
}
const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'grassroots-bench-'));

// BENCH_RELAY_CONFIG: settings to try, as JSON (e.g. '{"sqliteSynchronous":"normal"}'), and one
// that only the benchmark knows, to measure what storage costs by taking it away:
// "benchStore": "memory" (SQLite without a file: no disk writes, the same B-tree work) or "none"
// (rows only numbered and kept in a list: no SQLite work for appends at all).
const { benchStore, ...settings } = JSON.parse(process.env.BENCH_RELAY_CONFIG ?? '{}') as Record<
  string,
  unknown
>;
if (benchStore !== undefined && benchStore !== 'memory' && benchStore !== 'none') {
  throw new Error(`benchStore must be "memory" or "none", not ${JSON.stringify(benchStore)}`);
}

/** Appends only numbered and kept in memory: what the relay costs without storing (a measure). */
class UnstoredRows extends SqliteStore {
  private readonly rows = new Map<string, StoredUpdate[]>();

  override async appendUpdates(batch: readonly NewUpdate[]): Promise<number[]> {
    return batch.map(({ room, authorId, at, update }) => {
      const rows = this.rows.get(room) ?? [];
      this.rows.set(room, rows);
      const seq = rows.length + 1;
      rows.push({ seq, authorId, firstAt: at, lastAt: at, count: 1, update });
      return seq;
    });
  }

  override async loadUpdates(
    room: string,
    range: { afterSeq?: number; uptoSeq?: number } = {},
  ): Promise<StoredUpdate[]> {
    const { afterSeq = 0, uptoSeq = Number.MAX_SAFE_INTEGER } = range;
    return (this.rows.get(room) ?? []).filter((r) => r.seq > afterSeq && r.seq <= uptoSeq);
  }

  override async lastSeqs(rooms: readonly string[]): Promise<Map<string, number>> {
    return new Map(rooms.map((room) => [room, this.rows.get(room)?.length ?? 0]));
  }
}

const server = await startServer(
  parseConfig({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    clientDir: '',
    logLevel: 'silent',
    ...(limits === 'unthrottled'
      ? {
          messagesPerSecond: 1_000_000,
          messageBurst: 1_000_000,
          connectionsPerWindow: 1_000_000,
          // A fan-out room's clients share one token.
          maxConnectionsPerMember: 10_000,
        }
      : {}),
    ...settings,
  }),
  benchStore === undefined
    ? {}
    : {
        store: benchStore === 'memory' ? new SqliteStore(':memory:') : new UnstoredRows(':memory:'),
      },
);

type Identity = { workspaceId: string; token: string; memberTokens?: string[] };
const identityFile = join(dataDir, 'bench-server.json');
let identity: Identity;
if (existsSync(identityFile)) {
  identity = JSON.parse(readFileSync(identityFile, 'utf8')) as Identity;
} else {
  const { workspace, admin, adminToken } = await server.auth.createWorkspace('bench');
  identity = { workspaceId: workspace.id, token: adminToken };
  if (members > 0) {
    const { token: invite } = await server.auth.createInvite(workspace.id, admin.id, {
      role: 'editor',
      maxUses: members,
    });
    identity.memberTokens = [];
    for (let i = 0; i < members; i++) {
      identity.memberTokens.push((await server.auth.redeem(invite, `bench ${i + 1}`)).token);
    }
  }
  if (keptDir) writeFileSync(identityFile, JSON.stringify(identity));
}

let isStopping = false;
const stop = async () => {
  if (isStopping) return;
  isStopping = true;
  try {
    await server.close();
  } finally {
    if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();

process.stdout.write(`${JSON.stringify({ port: server.port, ...identity })}\n`);

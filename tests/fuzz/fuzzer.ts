/**
 * The relay fuzzer: a real server process, many connections of editors and viewers in several
 * rooms sending generated frames (frames.ts, Swarm.ts), then the checks that matter:
 *
 * - the process never crashed, and `/healthz` answers;
 * - every stored row of every room loads (applies in seq order to a fresh Y.Doc, and the rows
 *   merge), checked with the server's own SqliteStore once the server has stopped;
 * - a doc written by a stock y-websocket client before the barrage is byte-identical after it
 *   (its stored rows, and what a fresh client syncs);
 * - memory returns to its baseline once every connection closed and every room unloaded.
 *
 * Everything talks to 127.0.0.1 only, and every run is bounded in frames and in time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Auth, SqliteStore, sqlitePath } from '@grassroots/server';
import { roomName } from '@grassroots/shared';
import { type RelayProcess, startRelay } from '../support/process.ts';
import { makeCorpus } from './corpus.ts';
import { findCrashingFrame } from './culprit.ts';
import { type Frame, makeFrameSource } from './frames.ts';
import { isSameBytes, isSameRows, readRows, syncedState, writePreservedDoc } from './preserved.ts';
import {
  type FrameOrigin,
  type FrameRecord,
  hashOf,
  type Role,
  type SlotSpec,
  Swarm,
} from './Swarm.ts';
import { type BadRow, checkStoredRows } from './storedRows.ts';

export type FuzzOptions = {
  /** Frames to send in all. Default 100 000. */
  frames?: number;
  /** Seed of every generator; the same seed sends the same frames. Default random. */
  seed?: number;
  /** Concurrent connections (each reconnects when the server closes it). Default 16. */
  conns?: number;
  /** Share of the frames sent before the memory baseline is taken. Default 0.1. */
  warmupShare?: number;
  /** The barrage stops after this long (the checks still run). Default 10 minutes. */
  timeLimitMs?: number;
  /** After a crash: restart the server and go on, up to 10 crashes. Default false. */
  keepGoing?: boolean;
  /** After a crash: look for one frame that crashes a fresh server on its own. Default true. */
  isolateCrash?: boolean;
  /** Kinds of frame (or prefixes such as `awareness.`) to send. Default all. */
  only?: readonly string[];
  /** Kinds of frame (or prefixes) not to send. Default none. */
  exclude?: readonly string[];
  /**
   * Growth of what the server holds after a full garbage collection (V8 heap in use plus
   * external memory, read through its inspector) still counted as "returned". Default 16 MiB:
   * runs here end within a few MiB of their baseline; what is left is caches that fill once
   * (compiled code, SQLite's page cache, interned strings).
   */
  memoryToleranceBytes?: number;
  /**
   * The same for RSS, used only when the inspector cannot be reached. Default 48 MiB: an idle
   * server stays up to about 25 MiB above its pre-barrage RSS without any leak (V8 keeps heap it
   * grew under load until its memory reducer runs, glibc keeps freed buffers in its arenas).
   */
  rssToleranceBytes?: number;
  /** How long memory may take to come back after the barrage, ms. Default 20 s. */
  memorySettleMs?: number;
  /** Keep the data folder (it is always kept after a failure). Default false. */
  keepData?: boolean;
  /** Where progress lines go. Default nowhere. */
  progress?: (line: string) => void;
};

/** Settings of the fuzzed server; everything else is the server's default. */
export const SERVER_LIMITS = {
  /** Small, so that oversized frames are cheap to send. */
  maxMessageBytes: 256 * 1024,
  /** Rooms unload quickly once their connections are gone, so memory can be compared. */
  unloadAfterMs: 200,
  /** Every connection comes from 127.0.0.1: the per-address limit would refuse reconnects. */
  connectionsPerWindow: 1_000_000,
  /** The server's default, repeated here so frames can aim just under and over it. */
  maxAwarenessBytes: 64 * 1024,
} as const;

export type CrashReport = {
  code: number | null;
  signal: string | null;
  /** The end of the server's stderr: the uncaught exception and its stack. */
  stderr: string;
  /** The frames sent last before the crash, oldest first. */
  recent: FrameRecord[];
  /** A single frame that crashes a fresh server on its own (followed by a join), if found. */
  culprit: FrameRecord | null;
};

export type BadRowReport = BadRow & {
  /** The frame whose update this row is; null for merged rows or when it was not traced. */
  frame: FrameOrigin | null;
};

export type FuzzReport = {
  seed: number;
  options: {
    frames: number;
    conns: number;
    rooms: number;
    only: readonly string[] | null;
    exclude: readonly string[];
  };
  framesSent: number;
  byKind: Record<string, number>;
  /** Connections the server closed, by close code. */
  closedByCode: Record<string, number>;
  /** Close reasons, `code reason` → count. */
  closeReasons: Record<string, number>;
  /** Upgrades refused or failed, by HTTP status or error. */
  refusedUpgrades: Record<string, number>;
  connections: number;
  isAlive: boolean;
  crashes: CrashReport[];
  stored: {
    rooms: number;
    rows: number;
    bytes: number;
    bad: BadRowReport[];
    roomsWithPending: string[];
  };
  preserved: { room: string; rows: number; isRowsIdentical: boolean; isSyncIdentical: boolean };
  memory: {
    /** What is compared: heap in use plus external memory after a full collection, or RSS. */
    measure: 'heap+external after GC' | 'RSS';
    baselineBytes: number | null;
    afterBytes: number | null;
    toleranceBytes: number;
    /** RSS at the baseline and after (after a full collection when the inspector answered). */
    baselineRss: number | null;
    afterRss: number | null;
    connectionsLeft: number | null;
    roomsLeft: number | null;
    isReturned: boolean | null;
  };
  /** Error-level lines of the server's log, by message. */
  serverErrors: Record<string, number>;
  serverStopCode: number | null;
  durationMs: number;
  isStoppedEarly: boolean;
  failures: string[];
  /** The data folder, kept after a failure (or with `keepData`). */
  dataDir: string | null;
  /** A JSON file with the failures, the frames before each crash and the bad rows in hex. */
  framesFile: string | null;
};

const PRESERVED_DOC = 'preserved';
/** RSS this close to the baseline counts as fully back, and measuring stops early. */
const SETTLED_BYTES = 4 * 1024 * 1024;
const MAX_CRASHES = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (bytes: number | null) =>
  bytes === null ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** Mixes a seed and a number into a well-spread 32-bit seed. */
export const mixSeed = (seed: number, n: number): number => {
  let h = (seed ^ Math.imul(n + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
};

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    try {
      if (await check()) return true;
    } catch {
      // not yet
    }
    await sleep(50);
  }
  return false;
}

const serverFlags = (limits: Partial<typeof SERVER_LIMITS> = SERVER_LIMITS) =>
  Object.entries(limits).flatMap(([key, value]) => [
    `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    String(value),
  ]);

/** The relay under fuzz: the fuzz limits, and the inspector for exact memory figures. */
const startFuzzedRelay = (dataDir: string) =>
  startRelay({ dataDir, args: serverFlags(), isInspectable: true, startTimeoutMs: 30_000 });

/** A workspace with an editor and a viewer member per slot, written before the server starts. */
async function createMembers(dataDir: string, conns: number) {
  const store = new SqliteStore(sqlitePath(dataDir));
  try {
    const auth = new Auth(store);
    const created = await auth.createWorkspace('模糊测试村');
    const workspaceId = created.workspace.id;
    const member = async (role: Role, name: string) => {
      const { token } = await auth.createInvite(workspaceId, created.admin.id, { role });
      return (await auth.redeem(token, name)).token;
    };
    const editors: string[] = [];
    const viewers: string[] = [];
    for (let i = 0; i < conns; i++) {
      editors.push(await member('editor', `编辑${i}`));
      viewers.push(await member('viewer', `查看${i}`));
    }
    return { workspaceId, editors, viewers, preserver: await member('editor', '记录员') };
  } finally {
    await store.close();
  }
}

/**
 * Slot i: when i % 4 is 0 or 2 an editor and when 1 a viewer, in fuzz room ⌊i / 4⌋ mod rooms;
 * when 3 a viewer of the preserved doc (only viewers there, so nothing may change it).
 */
function planSlots(
  conns: number,
  rooms: number,
  seed: number,
  members: Awaited<ReturnType<typeof createMembers>>,
): (SlotSpec & { roomIndex: number })[] {
  return Array.from({ length: conns }, (_, index) => {
    const kind = index % 4;
    const role: Role = kind === 0 || kind === 2 ? 'editor' : 'viewer';
    const roomIndex = Math.floor(index / 4) % rooms;
    const doc = kind === 3 ? PRESERVED_DOC : `fuzz${roomIndex}`;
    return {
      index,
      role,
      room: roomName(members.workspaceId, doc),
      roomIndex,
      token: role === 'editor' ? members.editors[index]! : members.viewers[index]!,
      wantsAck: index % 3 === 0,
      seed: mixSeed(seed, 10_000 + index),
    };
  });
}

/**
 * Records every exit of the swarm's server as a crash (until `stop`), with the frames sent just
 * before. Restarts the server on the same data when keeping going; stops the swarm otherwise.
 */
function watchCrashes(swarm: Swarm, isRestarting: boolean, say: (line: string) => void) {
  const crashes: CrashReport[] = [];
  let isWatching = true;
  const watch = (server: RelayProcess) => {
    void server.exited.then(({ code, signal }) => {
      if (!isWatching) return;
      crashes.push({
        code,
        signal,
        stderr: server.stderrTail().slice(-6000),
        recent: swarm.recentFrames(),
        culprit: null,
      });
      say(`the server crashed (exit ${code ?? signal})`);
      if (isRestarting && crashes.length < MAX_CRASHES) {
        swarm.serverReady = server.restart().then((next) => {
          swarm.server = next;
          watch(next);
          return next;
        });
      } else swarm.isStopped = true;
    });
  };
  watch(swarm.server);
  return {
    crashes,
    stop() {
      isWatching = false;
    },
  };
}

/**
 * Asks `/healthz` every 2 s during the barrage: a server that is up but stuck (an endless loop on
 * some input) answers nothing. Returns a function that stops watching and tells if it was stuck.
 */
function watchLiveness(swarm: Swarm): () => boolean {
  let unanswered = 0;
  let isStuck = false;
  const timer = setInterval(() => {
    const server = swarm.server;
    if (!server.isRunning() || swarm.isStopped) return;
    fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(4_000) }).then(
      () => {
        unanswered = 0;
      },
      () => {
        if (++unanswered < 3 || !server.isRunning()) return;
        isStuck = true;
        swarm.isStopped = true;
      },
    );
  }, 2_000);
  return () => {
    clearInterval(timer);
    return isStuck;
  };
}

async function gauge(server: RelayProcess, name: string): Promise<number | null> {
  try {
    return (await server.metrics()).get(name) ?? null;
  } catch {
    return null;
  }
}

/** True once the server holds no connection and no room. */
const isIdle = async (server: RelayProcess) =>
  (await gauge(server, 'grassroots_connections')) === 0 &&
  (await gauge(server, 'grassroots_rooms_loaded')) === 0;

/** The lowest RSS sampled over `ms` (stopping early once `isLowEnough`); null if none. */
async function lowestRss(
  server: RelayProcess,
  ms: number,
  isLowEnough: (bytes: number) => boolean = () => false,
): Promise<number | null> {
  let lowest = Number.POSITIVE_INFINITY;
  await waitFor(() => {
    lowest = Math.min(lowest, server.rssBytes() ?? Number.POSITIVE_INFINITY);
    return isLowEnough(lowest);
  }, ms);
  return Number.isFinite(lowest) ? lowest : null;
}

/** What is compared for memory, and RSS alongside; `held` is null without the inspector. */
type MemoryReading = { held: number | null; rss: number | null };

/** Heap in use plus external memory after a full collection; RSS when that cannot be read. */
async function readMemory(server: RelayProcess): Promise<MemoryReading> {
  const sample = await server.memoryAfterGc();
  if (sample) return { held: sample.heapUsed + sample.external, rss: sample.rss };
  return { held: null, rss: await lowestRss(server, 1_500) };
}

/**
 * Reads memory until it is back within `tolerance` of `baseline` or `ms` passed, and returns the
 * lowest reading. Waiting matters even after a full collection: just-closed connections are held
 * until their close grace and unload timers fire.
 */
async function settledMemory(
  server: RelayProcess,
  baseline: MemoryReading,
  tolerance: { held: number; rss: number },
  ms: number,
) {
  const measure = baseline.held !== null ? 'held' : 'rss';
  const base = baseline[measure] ?? 0;
  // RSS falls slowly and unevenly: keep sampling until it is close, not merely within tolerance.
  const target = measure === 'held' ? base + tolerance.held : base + SETTLED_BYTES;
  let lowest: MemoryReading | null = null;
  const value = (r: MemoryReading | null) => r?.[measure] ?? Number.POSITIVE_INFINITY;
  await waitFor(async () => {
    const reading = await readMemory(server);
    if (value(reading) < value(lowest)) lowest = reading;
    return value(lowest) <= target;
  }, ms);
  const after = value(lowest);
  return {
    measure,
    after: Number.isFinite(after) ? after : null,
    afterRss: (lowest as MemoryReading | null)?.rss ?? null,
    isReturned: after <= base + tolerance[measure],
  } as const;
}

async function answersHealthz(server: RelayProcess): Promise<boolean> {
  if (!server.isRunning()) return false;
  try {
    const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    return res.status === 200 && ((await res.json()) as { ok?: boolean }).ok === true;
  } catch {
    return false;
  }
}

/** Runs the fuzzer with its checks; never throws for what it finds (see `failures`). */
export async function runFuzz(options: FuzzOptions = {}): Promise<FuzzReport> {
  const started = Date.now();
  const seed = (options.seed ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
  const frames = options.frames ?? 100_000;
  const conns = Math.max(1, options.conns ?? 16);
  const rooms = Math.max(1, Math.min(4, Math.ceil(conns / 4)));
  const exclude = options.exclude ?? [];
  const only = options.only ?? null;
  const tolerance = {
    held: options.memoryToleranceBytes ?? 16 * 1024 * 1024,
    rss: options.rssToleranceBytes ?? 48 * 1024 * 1024,
  };
  const say = options.progress ?? (() => {});
  const failures: string[] = [];

  // Setup: members, the server, and the doc that must come through unchanged.
  const dataDir = mkdtempSync(join(tmpdir(), `grassroots-fuzz-${seed}-`));
  const corpus = makeCorpus(seed);
  const members = await createMembers(dataDir, conns);
  const preservedRoom = roomName(members.workspaceId, PRESERVED_DOC);
  const server = await startFuzzedRelay(dataDir);
  const plan = corpus.find((d) => d.name.startsWith('plan')) ?? corpus[0]!;
  await writePreservedDoc(server, preservedRoom, members.preserver, plan);
  await waitFor(() => isIdle(server), 10_000);
  const preservedRows = await readRows(dataDir, preservedRoom);
  const preservedSync = await syncedState(server, preservedRoom, members.preserver);
  say(`seed ${seed}: preserved doc stored in ${preservedRows.length} rows; data in ${dataDir}`);

  const specs = planSlots(conns, rooms, seed, members);
  const otherIds = specs.map((s) => 100_000 + s.index);
  const swarm = new Swarm(
    server,
    specs.map((spec) => ({
      spec,
      source: makeFrameSource({
        seed: mixSeed(seed, spec.index),
        doc: corpus[spec.roomIndex % corpus.length]!,
        corpus,
        clientId: 100_000 + spec.index,
        otherIds,
        maxMessageBytes: SERVER_LIMITS.maxMessageBytes,
        maxAwarenessBytes: SERVER_LIMITS.maxAwarenessBytes,
        exclude,
        ...(only ? { only } : {}),
      }),
    })),
  );
  const crashWatch = watchCrashes(swarm, options.keepGoing ?? false, say);
  const { crashes } = crashWatch;
  const stopLiveness = watchLiveness(swarm);
  const deadline = setTimeout(
    () => {
      swarm.isStopped = true;
    },
    options.timeLimitMs ?? 10 * 60_000,
  );
  const progress = setInterval(
    () => say(`${swarm.framesSent} frames sent, ${swarm.connections} connections`),
    5_000,
  );

  // Warm-up, then the baseline once every connection closed and every room unloaded.
  const warmup = Math.min(frames, Math.round(frames * (options.warmupShare ?? 0.1)));
  await swarm.send(warmup);
  let baseline: MemoryReading | null = null;
  if (crashes.length === 0 && (await waitFor(() => isIdle(swarm.server), 15_000))) {
    baseline = await readMemory(swarm.server);
  }
  const crashesInWarmup = crashes.length;
  say(
    `warm-up: ${swarm.framesSent} frames; baseline: ${mib(baseline?.held ?? null)} held after a full GC, RSS ${mib(baseline?.rss ?? null)}`,
  );

  await swarm.send(frames - warmup);
  clearTimeout(deadline);
  clearInterval(progress);
  if (stopLiveness()) failures.push('the server stopped answering /healthz during the barrage');
  const isStoppedEarly = swarm.framesSent < frames && crashes.length === 0;
  if (isStoppedEarly) say(`time limit: ${swarm.framesSent} of ${frames} frames were sent`);
  swarm.destroy();
  if (options.keepGoing && crashes.length > 0) await swarm.serverReady;

  // After the barrage: alive, everything released, memory back, the preserved doc unchanged.
  const isAlive = await answersHealthz(swarm.server);
  const measure = baseline?.held === null ? 'rss' : 'held';
  const memory: FuzzReport['memory'] = {
    measure: measure === 'held' ? 'heap+external after GC' : 'RSS',
    baselineBytes: baseline?.[measure] ?? null,
    afterBytes: null,
    toleranceBytes: tolerance[measure],
    baselineRss: baseline?.rss ?? null,
    afterRss: null,
    connectionsLeft: null,
    roomsLeft: null,
    isReturned: null,
  };
  let preservedSyncAfter: Uint8Array | null = null;
  if (isAlive) {
    await waitFor(() => isIdle(swarm.server), 15_000);
    memory.connectionsLeft = await gauge(swarm.server, 'grassroots_connections');
    memory.roomsLeft = await gauge(swarm.server, 'grassroots_rooms_loaded');
    if (memory.connectionsLeft !== 0 || memory.roomsLeft !== 0) {
      failures.push(
        `connections or rooms not released: ${memory.connectionsLeft} connections and ${memory.roomsLeft} rooms still held`,
      );
    }
    if (baseline && crashes.length === crashesInWarmup) {
      const settled = await settledMemory(
        swarm.server,
        baseline,
        tolerance,
        options.memorySettleMs ?? 20_000,
      );
      memory.afterBytes = settled.after;
      memory.afterRss = settled.afterRss;
      memory.isReturned = settled.isReturned;
      if (!memory.isReturned) {
        failures.push(
          `memory did not return to its baseline: ${memory.measure} ${mib(memory.afterBytes)} after, ${mib(memory.baselineBytes)} before (tolerance ${mib(memory.toleranceBytes)})`,
        );
      }
    }
    try {
      preservedSyncAfter = await syncedState(swarm.server, preservedRoom, members.preserver);
    } catch (error) {
      failures.push(String(error));
    }
  }

  crashWatch.stop();
  const serverStopCode = swarm.server.isRunning() ? await swarm.server.stop() : null;
  if (serverStopCode !== null && serverStopCode !== 0) {
    failures.push(
      `the server exited with ${serverStopCode} on SIGTERM (expected 0 after draining)`,
    );
  }
  const serverErrors: Record<string, number> = {};
  for (const [key, count] of swarm.server.logCounts) {
    const [level, ...msg] = key.split(' ');
    if (level === 'error' || level === 'fatal') serverErrors[msg.join(' ')] = count;
  }

  // Every row of every room, read with the server's own store.
  const storedReport = await checkStoredRows(dataDir);
  const bad: BadRowReport[] = storedReport.bad.map((row) => ({
    ...row,
    frame: (row.update && swarm.updates.get(hashOf(row.update))) || null,
  }));
  const preservedAfter = storedReport.byRoom.get(preservedRoom) ?? [];
  const preserved = {
    room: preservedRoom,
    rows: preservedAfter.length,
    isRowsIdentical: isSameRows(preservedRows, preservedAfter),
    isSyncIdentical: preservedSyncAfter !== null && isSameBytes(preservedSync, preservedSyncAfter),
  };

  for (const crash of crashes) {
    const line = crash.stderr.split('\n').find((l) => /Error/.test(l)) ?? '(no error on stderr)';
    failures.push(`the server crashed (exit ${crash.code ?? crash.signal}): ${line.trim()}`);
  }
  if (crashes.length === 0 && !isAlive) failures.push('the server does not answer /healthz');
  for (const row of bad) {
    const from = row.frame
      ? ` from frame ${row.frame.kind} of slot ${row.frame.slot} #${row.frame.index}`
      : '';
    failures.push(
      row.seq === null
        ? `the rows of ${row.room} do not load when merged (${row.stage}: ${row.error})`
        : `stored row does not load: ${row.room} seq ${row.seq} (${row.stage}: ${row.error})${from}`,
    );
  }
  for (const [msg, count] of Object.entries(serverErrors)) {
    // What the server says when it finds stored rows it cannot load.
    if (/stored row|do not merge|stored update failed|could not load/.test(msg)) {
      failures.push(`the server logged "${msg}" ${count} times`);
    }
  }
  if (!preserved.isRowsIdentical) {
    failures.push(
      `the preserved doc's stored rows changed (${preservedRows.length} rows before, ${preservedAfter.length} after)`,
    );
  }
  if (preservedSyncAfter !== null && !preserved.isSyncIdentical) {
    failures.push(
      'a client syncing the preserved doc after the barrage gets other bytes than before',
    );
  }

  if (crashes.length > 0 && (options.isolateCrash ?? true)) {
    say('looking for a single frame that crashes a fresh server...');
    crashes[0]!.culprit = await isolateCrash(crashes[0]!.recent, say);
  }

  const isFailed = failures.length > 0;
  const framesFile = isFailed ? join(dataDir, 'failure.json') : null;
  if (framesFile) {
    writeFileSync(
      framesFile,
      failureJson({ seed, frames, conns, only, exclude, failures, crashes, bad }),
    );
  } else if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });

  return {
    seed,
    options: { frames, conns, rooms, only, exclude },
    framesSent: swarm.framesSent,
    byKind: swarm.byKind,
    closedByCode: swarm.closedByCode,
    closeReasons: swarm.closeReasons,
    refusedUpgrades: swarm.refusedUpgrades,
    connections: swarm.connections,
    isAlive,
    crashes,
    stored: {
      rooms: storedReport.rooms,
      rows: storedReport.rows,
      bytes: storedReport.bytes,
      bad,
      roomsWithPending: storedReport.roomsWithPending,
    },
    preserved,
    memory,
    serverErrors,
    serverStopCode,
    durationMs: Date.now() - started,
    isStoppedEarly,
    failures,
    dataDir: isFailed || options.keepData ? dataDir : null,
    framesFile,
  };
}

/** A frame as JSON: kind, size and bytes in hex (text frames as text). */
export const describeFrame = (frame: Frame) =>
  typeof frame.data === 'string'
    ? { kind: frame.kind, bytes: frame.data.length, text: frame.data }
    : {
        kind: frame.kind,
        bytes: frame.data.byteLength,
        hex: Buffer.from(frame.data).toString('hex'),
      };

const describeRecord = ({ frame, ...where }: FrameRecord) => ({
  ...where,
  ...describeFrame(frame),
});

function failureJson(failure: {
  seed: number;
  frames: number;
  conns: number;
  only: readonly string[] | null;
  exclude: readonly string[];
  failures: string[];
  crashes: CrashReport[];
  bad: BadRowReport[];
}): string {
  const { crashes, bad, ...rest } = failure;
  return JSON.stringify(
    {
      ...rest,
      crashes: crashes.map((c) => ({
        ...c,
        recent: c.recent.map(describeRecord),
        culprit: c.culprit && describeRecord(c.culprit),
      })),
      badRows: bad.map((row) => ({
        ...row,
        update: row.update && Buffer.from(row.update).toString('hex'),
      })),
    },
    null,
    1,
  );
}

/** Starts a fresh server and tries the frames sent before a crash one at a time, newest first. */
async function isolateCrash(
  recent: FrameRecord[],
  say: (line: string) => void,
): Promise<FrameRecord | null> {
  const dataDir = mkdtempSync(join(tmpdir(), 'grassroots-fuzz-isolate-'));
  const members = await createMembers(dataDir, 1);
  const server = await startFuzzedRelay(dataDir);
  try {
    const seen = new Set<string>();
    const candidates: FrameRecord[] = [];
    for (const record of recent.slice().reverse()) {
      const data = record.frame.data;
      const key = typeof data === 'string' ? `text:${data}` : hashOf(data);
      if (seen.has(key)) continue;
      seen.add(key);
      candidates.push(record);
    }
    say(`trying ${candidates.length} distinct frames one at a time`);
    const found = await findCrashingFrame(
      server,
      candidates.map((c) => c.frame),
      (n) => `${server.wsUrl}/${members.workspaceId}/isolate${n}?token=${members.editors[0]}`,
    );
    return found === null ? null : candidates[found]!;
  } finally {
    await server.stop(3_000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

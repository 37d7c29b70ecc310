import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore, sqlitePath } from '@grassroots/server';
import * as prng from 'lib0/prng';
import * as Y from 'yjs';
import { type RelayProcess, startRelay } from '../support/process.ts';
import { seedWorkspace } from '../support/seedWorkspace.ts';
import {
  loadRoom,
  markersOf,
  RawWriter,
  RoomBook,
  StockWriter,
  type UnexpectedClose,
  type Writer,
} from './Writer.ts';

/** When a round's relay is killed. */
export type KillMode =
  /** at a random moment of the writing */
  | 'random'
  /** as soon as the relay logs "room compacted" for a room whose writers all left */
  | 'afterCompaction'
  /** around the moment a room whose writers all left unloads and compacts */
  | 'atUnload';

const KILL_MODES: readonly KillMode[] = ['random', 'afterCompaction', 'atUnload'];

export type CrashLoopOptions = {
  /** Rounds of write-then-SIGKILL. Default 30. */
  rounds?: number;
  /** Seed of every choice the loop makes (rooms left quiet, kill mode and moment). Default 1. */
  seed?: number;
  /** Rooms written at once. Default 4. */
  rooms?: number;
  /** Writers per room, alternately raw and stock y-websocket clients. Default 3. */
  writersPerRoom?: number;
  /** The relay's `--unload-after-ms`. Default 80. */
  unloadAfterMs?: number;
  /** The relay's `--compact-after-rows`. Default 16. */
  compactAfterRows?: number;
  /** The relay's `--burst-gap-ms` (compaction merges rows closer than this). Default 30. */
  burstGapMs?: number;
  /** No new round starts after this long, ms. Default 10 minutes. */
  timeLimitMs?: number;
  /** Progress lines; default none. */
  log?: (line: string) => void;
  /** Keep the data folder (its path is in the report). Default: removed when nothing was lost. */
  keepDataDir?: boolean;
};

/** An update the relay vouched for that was not there afterwards. */
export type LostUpdate = {
  room: string;
  key: string;
  /** acked: an ack covered it; relayed: another client received it from the relay. */
  vouchedBy: 'acked' | 'relayed' | 'acked+relayed';
  /** The round after whose crash it was missing ("final" for the store opened after the stop). */
  missingAfter: number | 'final';
};

export type CrashLoopReport = {
  seed: number;
  rounds: number;
  dataDir: string;
  durationMs: number;
  /** Markers written, acknowledged and relayed (distinct). */
  written: number;
  acked: number;
  relayed: number;
  /** Containment checks made, summed over every restart and the final store check. */
  checks: { acked: number; relayed: number };
  lost: LostUpdate[];
  /** Written markers still not acknowledged after the final reconnection (should be 0). */
  unsettled: number;
  kills: Record<KillMode, number>;
  /** "room compacted" lines the relay logged, over all rounds. */
  compactions: number;
  /** Kills sent within 5 ms after a "room compacted" line. */
  killsRightAfterCompaction: number;
  /** Anything else that looked wrong (unexpected close codes, rows that do not apply…). */
  anomalies: string[];
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    sleep(ms).then(() => {
      throw new Error(`${what}: no answer in ${ms} ms`);
    }),
  ]);

type Room = { name: string; book: RoomBook; writers: Writer[] };

/**
 * The crash loop: writers with acks write to several rooms of a relay running as a child
 * process; some rooms are left by all their writers so they unload and compact; the relay is
 * killed with SIGKILL (at random, right after it logs "room compacted", or around the moment a
 * room unloads) and restarted on the same data folder. After each restart, before any writer
 * reconnects, a fresh client loads every room and every acknowledged or relayed marker must be in
 * it. At the end the writers reconnect until everything they wrote is acknowledged, the relay
 * stops, and the SQLite store itself is read back and checked the same way.
 */
export async function runCrashLoop(options: CrashLoopOptions = {}): Promise<CrashLoopReport> {
  const rounds = options.rounds ?? 30;
  const seed = options.seed ?? 1;
  const roomCount = options.rooms ?? 4;
  const writersPerRoom = options.writersPerRoom ?? 3;
  const unloadAfterMs = options.unloadAfterMs ?? 80;
  const compactAfterRows = options.compactAfterRows ?? 16;
  const burstGapMs = options.burstGapMs ?? 30;
  const deadline = Date.now() + (options.timeLimitMs ?? 10 * 60_000);
  const log = options.log ?? (() => {});
  const gen = prng.create(seed);
  const started = Date.now();

  const dataDir = mkdtempSync(join(tmpdir(), 'grassroots-chaos-'));
  const { workspaceId, tokens } = await seedWorkspace(dataDir, writersPerRoom);
  const relayArgs = [
    '--unload-after-ms',
    String(unloadAfterMs),
    '--compact-after-rows',
    String(compactAfterRows),
    '--burst-gap-ms',
    String(burstGapMs),
    // Every writer connects from 127.0.0.1: the per-address limit is not under test.
    '--connections-per-window',
    '1000000',
  ];

  const report: CrashLoopReport = {
    seed,
    rounds: 0,
    dataDir,
    durationMs: 0,
    written: 0,
    acked: 0,
    relayed: 0,
    checks: { acked: 0, relayed: 0 },
    lost: [],
    unsettled: 0,
    kills: { random: 0, afterCompaction: 0, atUnload: 0 },
    compactions: 0,
    killsRightAfterCompaction: 0,
    anomalies: [],
  };
  const closes = new Map<string, number>();
  const onUnexpectedClose = ({ code, reason }: UnexpectedClose) => {
    // 1006 is what a SIGKILLed relay (or a refused reconnect to it) leaves: expected here.
    if (code === 1006) return;
    const label = `${code} ${reason}`.trim();
    closes.set(label, (closes.get(label) ?? 0) + 1);
  };

  const rooms: Room[] = [];
  for (let r = 0; r < roomCount; r++) {
    const name = `${workspaceId}/chaos-${r}`;
    const book = new RoomBook();
    const writers: Writer[] = [];
    for (let w = 0; w < writersPerRoom; w++) {
      const Kind = (r + w) % 2 === 0 ? RawWriter : StockWriter;
      writers.push(new Kind(`r${r}w${w}`, name, tokens[w]!, book, onUnexpectedClose));
    }
    rooms.push({ name, book, writers });
  }
  const allWriters = rooms.flatMap((room) => room.writers);

  const check = (doc: Y.Doc, room: Room, missingAfter: number | 'final') => {
    const markers = markersOf(doc);
    const vouched = new Set([...room.book.acked, ...room.book.relayed]);
    report.checks.acked += room.book.acked.size;
    report.checks.relayed += room.book.relayed.size;
    for (const key of vouched) {
      if (markers.has(key)) continue;
      const isAcked = room.book.acked.has(key);
      const isRelayed = room.book.relayed.has(key);
      report.lost.push({
        room: room.name,
        key,
        vouchedBy: isAcked && isRelayed ? 'acked+relayed' : isAcked ? 'acked' : 'relayed',
        missingAfter,
      });
    }
  };

  const checkOnline = async (syncUrl: string, missingAfter: number) => {
    for (const room of rooms) {
      const doc = await loadRoom(syncUrl, room.name, tokens[0]!);
      check(doc, room, missingAfter);
      doc.destroy();
    }
  };

  let relay: RelayProcess | null = null;
  let lastCompactionAt = 0;
  /** Times of this round's "room compacted" lines. */
  let compactedAt: number[] = [];
  let onCompaction: (() => void) | null = null;
  const start = async () => {
    relay = await startRelay({
      dataDir,
      args: relayArgs,
      onLine: (line) => {
        if (line.includes('"room compacted"')) {
          report.compactions++;
          lastCompactionAt = performance.now();
          compactedAt.push(lastCompactionAt);
          onCompaction?.();
        } else if (/"level":(50|60)/.test(line)) {
          report.anomalies.push(`relay logged an error: ${line.slice(0, 300)}`);
        }
      },
    });
    return relay;
  };

  let ticker: NodeJS.Timeout | undefined;
  try {
    for (let round = 1; round <= rounds && Date.now() < deadline; round++) {
      const current = await start();
      if (round > 1) await checkOnline(current.wsUrl, round - 1);
      for (const writer of allWriters) writer.connect(current.wsUrl);
      await withTimeout(
        Promise.all(allWriters.map((w) => w.synced())),
        15_000,
        `round ${round}: writers syncing`,
      );

      const mode = prng.oneOf(gen, KILL_MODES as KillMode[]);
      const quietCount = prng.int32(gen, 1, Math.max(1, roomCount - 1));
      const quiet = shuffled(gen, roomCount).slice(0, quietCount);
      const quietAt = prng.int32(gen, 150, 450);
      const rejoinAfter = unloadAfterMs + prng.int32(gen, 20, 300);
      const randomKillAt = prng.int32(gen, 200, 1500);
      // The relay logs "room compacted" some 10-120 ms after the unload delay under this load.
      const unloadKillAt = quietAt + unloadAfterMs + prng.int32(gen, -5, 120);
      const compactionDelay = prng.bool(gen) ? 0 : prng.int32(gen, 1, 20);
      const isAbrupt = prng.bool(gen);

      const t0 = performance.now();
      compactedAt = [];
      const nextWriteAt = new Map<Writer, number>(allWriters.map((w) => [w, t0]));
      ticker = setInterval(() => {
        const now = performance.now();
        for (const writer of allWriters) {
          if (now < nextWriteAt.get(writer)!) continue;
          writer.write(gen);
          // Offline devices edit too, more slowly.
          const gap = writer.isConnected ? prng.int32(gen, 4, 20) : prng.int32(gen, 30, 120);
          nextWriteAt.set(writer, now + gap);
        }
      }, 3);

      const killed = new Promise<string>((resolve) => {
        const timers: NodeJS.Timeout[] = [];
        const kill = (why: string) => {
          for (const timer of timers) clearTimeout(timer);
          onCompaction = null;
          resolve(why);
        };
        timers.push(
          setTimeout(() => {
            for (const r of quiet) for (const w of rooms[r]!.writers) w.disconnect(isAbrupt);
            if (mode === 'afterCompaction') {
              onCompaction = () => {
                onCompaction = null;
                if (compactionDelay === 0) kill('right after "room compacted"');
                else
                  timers.push(
                    setTimeout(
                      () => kill(`${compactionDelay} ms after "room compacted"`),
                      compactionDelay,
                    ),
                  );
              };
            }
          }, quietAt),
        );
        // After a compaction or around an unload the room stays empty; in a random round its
        // writers come back, so a room may reload while it is being compacted.
        if (mode === 'random') {
          timers.push(
            setTimeout(() => {
              for (const r of quiet) for (const w of rooms[r]!.writers) w.connect(current.wsUrl);
            }, quietAt + rejoinAfter),
          );
        }
        if (mode === 'random') timers.push(setTimeout(() => kill('at random'), randomKillAt));
        if (mode === 'atUnload') {
          timers.push(
            setTimeout(
              () => kill(`${unloadKillAt - quietAt - unloadAfterMs} ms from the unload delay`),
              unloadKillAt,
            ),
          );
        }
        if (mode === 'afterCompaction') {
          // No compaction came (too few rows): kill anyway, late.
          timers.push(setTimeout(() => kill('no compaction seen'), quietAt + 2500));
        }
      });
      const why = await killed;
      const killAt = performance.now();
      await current.kill();
      clearInterval(ticker);
      for (const writer of allWriters) writer.disconnect(true);
      report.kills[mode]++;
      if (killAt - lastCompactionAt <= 5) report.killsRightAfterCompaction++;
      report.rounds = round;
      log(
        `round ${round}/${rounds}: ${mode}, rooms [${quiet.join(',')}] left at ${quietAt} ms` +
          `${mode === 'random' ? ` (back at ${quietAt + rejoinAfter} ms)` : ''}, ` +
          `compacted at [${compactedAt.map((t) => Math.round(t - t0)).join(',')}] ms, ` +
          `killed at ${Math.round(killAt - t0)} ms (${why}); totals: written ` +
          `${sum(rooms, 'written')}, acked ${sum(rooms, 'acked')}, relayed ` +
          `${sum(rooms, 'relayed')}, lost ${report.lost.length}`,
      );
    }

    // The last crash is checked like every other, then everyone reconnects and settles.
    const last = await start();
    await checkOnline(last.wsUrl, report.rounds);
    for (const writer of allWriters) writer.connect(last.wsUrl);
    const settleBy = Date.now() + 30_000;
    while (Date.now() < settleBy && allWriters.some((w) => w.ledger.unacked > 0)) await sleep(50);
    report.unsettled = allWriters.reduce((n, w) => n + w.ledger.unacked, 0);
    for (const writer of allWriters) writer.disconnect();
    const code = await last.stop();
    if (code !== 0) report.anomalies.push(`relay exited with ${code} on SIGTERM`);
    relay = null;

    const store = new SqliteStore(sqlitePath(dataDir));
    try {
      for (const room of rooms) {
        const doc = new Y.Doc({ gc: false });
        for (const row of await store.loadUpdates(room.name)) {
          try {
            Y.applyUpdate(doc, row.update);
          } catch (error) {
            report.anomalies.push(`${room.name}: stored row ${row.seq} does not apply: ${error}`);
          }
        }
        if (doc.store.pendingStructs || doc.store.pendingDs) {
          report.anomalies.push(`${room.name}: stored rows leave updates pending (a gap)`);
        }
        check(doc, room, 'final');
        const unwritten = [...room.book.written].filter((key) => !markersOf(doc).has(key));
        if (report.unsettled === 0 && unwritten.length > 0) {
          report.anomalies.push(
            `${room.name}: ${unwritten.length} written markers missing after everyone settled`,
          );
        }
      }
    } finally {
      await store.close();
    }
  } finally {
    clearInterval(ticker);
    const running = relay as RelayProcess | null;
    if (running) await running.kill();
    for (const writer of allWriters) writer.destroy();
  }

  for (const [close, count] of closes)
    report.anomalies.push(`connections closed ${count}× with ${close}`);
  for (const writer of allWriters) {
    if (writer.ledger.settledButUncovered.size > 0) {
      report.anomalies.push(
        `${writer.name}: ${writer.ledger.settledButUncovered.size} markers settled but not in the acked state vector`,
      );
    }
  }
  report.written = sum(rooms, 'written');
  report.acked = sum(rooms, 'acked');
  report.relayed = sum(rooms, 'relayed');
  report.durationMs = Date.now() - started;
  if (!options.keepDataDir && report.lost.length === 0) {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return report;
}

/** 0 … n-1 in a seeded random order. */
function shuffled(gen: prng.PRNG, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = prng.int32(gen, 0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

const sum = (rooms: Room[], what: 'written' | 'acked' | 'relayed') =>
  rooms.reduce((n, room) => n + room.book[what].size, 0);

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore, sqlitePath } from '@grassroots/server';
import { fragmentText } from '@grassroots/shared';
import * as awarenessProtocol from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { until } from './clients.ts';
import { writeLoadedDoc } from './loadedDoc.ts';
import { fixed, type ShapeReport, textTable } from './report.ts';
import { type BenchServer, type ServerKind, startBenchServer } from './servers.ts';
import { summarize } from './stats.ts';
import { bodyOf } from './typist.ts';
import { countingWebSocket, total, WireLog } from './wire.ts';

/** Options of runJoin. */
export type JoinOptions = {
  /** Edits in the loaded document (each one update, so one stored row on ours). Default 10,000. */
  edits?: number;
  /** Measured joins while the room is loaded. Default 20. */
  joins?: number;
  /** Joins before those, not counted (the first also proves the server holds every edit). Default 2. */
  warmups?: number;
  /** Server restarts, each followed by one measured join. Default 5. */
  restarts?: number;
  seed?: number;
  /** One join, ms. Default 30 s. */
  joinTimeoutMs?: number;
  /** Extra Node flags for the server processes. */
  nodeArgs?: readonly string[];
};

/** One join of a fresh client (empty doc, as a new device), times from `new WebsocketProvider`. */
export type JoinSample = {
  /** TCP connect, upgrade and (ours) token check: provider created → WebSocket open, ms. */
  openMs: number;
  /** WebSocket open → the provider's 'sync' event, ms. */
  syncEventMs: number;
  /** WebSocket open → the doc holds every edit (state vector and body equal to the author's), ms. */
  completeMs: number;
  /** WebSocket open → synced: both of the above (the later one), ms. */
  syncedMs: number;
  /** True when 'sync' fired before the doc held everything (the reference loading from disk). */
  isSyncEarly: boolean;
  receivedBytes: number;
  receivedMessages: number;
};

export type RestartSample = JoinSample & {
  /** Process spawned → listening, ms (Node start and module loading included). */
  serverStartMs: number;
};

/** What the join shape measured, for one server. */
export type JoinRun = {
  server: ServerKind;
  /** Edits written, and how long writing them through the server took, s. */
  edits: number;
  writeSeconds: number;
  /** The author's doc encoded (gc off, as the app keeps docs), bytes. */
  docBytes: number;
  /** Body characters and paragraphs at the end. */
  bodyChars: number;
  paragraphs: number;
  /** Ours only: rows and bytes in SQLite for the room before the restarts. */
  storedRows: number | null;
  storedBytes: number | null;
  /** (a) joins while another client is connected and the room is loaded. */
  loaded: JoinSample[];
  /** (b) the first client after each restart on the same data. */
  restarts: RestartSample[];
};

type Expected = { stateVector: string; body: string };

const AUTHOR_IDS = [2_817_904_213, 1_350_271_846, 3_966_120_587];

const stateVectorOf = (doc: Y.Doc) => Y.encodeStateVector(doc).toString();

/**
 * A stock client with an empty doc and no presence, its socket watched. Authors get fixed client
 * ids so that both servers are sent byte-identical edits.
 */
function makeClient(server: BenchServer, clientID?: number) {
  const wire = new WireLog();
  const doc = new Y.Doc({ gc: false });
  if (clientID !== undefined) doc.clientID = clientID;
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(null);
  const provider = new WebsocketProvider(server.serverUrl, server.room, doc, {
    WebSocketPolyfill: countingWebSocket(wire),
    params: server.params,
    awareness,
    disableBc: true,
    maxBackoffTime: 1000,
  });
  const destroy = async () => {
    const closes = wire.closes.length;
    const wasOpen = provider.wsconnected || provider.wsconnecting;
    provider.destroy();
    doc.destroy();
    // Wait for the close to be seen, so one join's teardown does not overlap the next join.
    if (wasOpen) await until(() => wire.closes.length > closes, 5_000, 'socket did not close');
  };
  return { wire, doc, provider, destroy };
}

/** Joins once and waits until the doc holds `expected` and the provider said 'sync'. */
async function joinOnce(server: BenchServer, expected: Expected, timeoutMs: number) {
  const startedAt = performance.now();
  const client = makeClient(server);
  let syncAt = Number.NaN;
  let completeAt = Number.NaN;
  client.provider.on('sync', (isSynced: boolean) => {
    if (isSynced && Number.isNaN(syncAt)) syncAt = performance.now();
  });
  const body = bodyOf(client.doc);
  // After the whole update is applied and cleaned up, not from inside the transaction.
  client.doc.on('afterAllTransactions', () => {
    if (!Number.isNaN(completeAt)) return;
    if (stateVectorOf(client.doc) !== expected.stateVector) return;
    if (body.toString() === expected.body) completeAt = performance.now();
  });
  try {
    await until(
      () => !Number.isNaN(syncAt) && !Number.isNaN(completeAt),
      timeoutMs,
      `join on ${server.kind} did not complete (sync ${!Number.isNaN(syncAt)}, complete ${!Number.isNaN(completeAt)})`,
      1,
    );
    const openAt = client.wire.opens[0]!;
    const sample: JoinSample = {
      openMs: openAt - startedAt,
      syncEventMs: syncAt - openAt,
      completeMs: completeAt - openAt,
      syncedMs: Math.max(syncAt, completeAt) - openAt,
      isSyncEarly: syncAt < completeAt - 1,
      receivedBytes: client.wire.receivedBytes,
      receivedMessages: total(client.wire.received),
    };
    return sample;
  } finally {
    await client.destroy();
  }
}

/**
 * The join shape on one server kind: three authors write a loaded minutes document (10,000 edits)
 * through the server; then (a) fresh clients join one at a time while one author stays connected,
 * and (b) the server is restarted on the same data and one fresh client joins, `restarts` times.
 * Ours keeps its SQLite folder; the reference persists through its own y-leveldb option.
 */
export async function runJoin(
  kind: ServerKind,
  {
    edits = 10_000,
    joins = 20,
    warmups = 2,
    restarts = 5,
    seed = 7,
    joinTimeoutMs = 30_000,
    nodeArgs = [],
  }: JoinOptions = {},
  log: (line: string) => void = () => {},
): Promise<JoinRun> {
  const dataDir = mkdtempSync(join(tmpdir(), `relay-join-${kind}-`));
  const start = () => startBenchServer(kind, { dataDir, nodeArgs });
  let server = await start();
  // Random-looking 32-bit ids, as Yjs draws them: their size shows in every encoded item.
  const authors = AUTHOR_IDS.map((id) => makeClient(server, id));
  try {
    await until(
      () => authors.every((a) => a.provider.synced),
      joinTimeoutMs,
      `authors did not connect to ${kind}`,
    );
    const writeStart = performance.now();
    await writeLoadedDoc(
      authors.map((a) => a.doc),
      {
        edits,
        seed,
        // The next author starts once everyone has the turn: people editing one after another.
        afterTurn: (author) => {
          const clock = Y.getState(author.store, author.clientID);
          return until(
            () => authors.every((a) => Y.getState(a.doc.store, author.clientID) >= clock),
            joinTimeoutMs,
            `authors did not receive each other's edits on ${kind}`,
            1,
          );
        },
      },
    );
    const writeSeconds = (performance.now() - writeStart) / 1000;
    const main = authors[0]!.doc;
    const expected: Expected = { stateVector: stateVectorOf(main), body: bodyOf(main).toString() };
    const docBytes = Y.encodeStateAsUpdate(main).byteLength;
    log(
      `  ${kind}: ${edits} edits written in ${writeSeconds.toFixed(1)} s, doc ${(docBytes / 1024).toFixed(0)} kB`,
    );
    for (const author of authors.slice(1)) await author.destroy();

    // (a) The room is loaded: author 0 stays connected while fresh clients join one by one.
    const loaded: JoinSample[] = [];
    for (let i = 0; i < warmups + joins; i++) {
      const sample = await joinOnce(server, expected, joinTimeoutMs);
      if (i >= warmups) loaded.push(sample);
    }
    await authors[0]!.destroy();
    await server.stop();

    let storedRows: number | null = null;
    let storedBytes: number | null = null;
    if (kind === 'grassroots') {
      const store = new SqliteStore(sqlitePath(dataDir));
      try {
        const stats = await store.roomStats(server.room);
        storedRows = stats.rows;
        storedBytes = stats.bytes;
      } finally {
        await store.close();
      }
    }

    // (b) A restart on the same data, then the first client.
    const restartSamples: RestartSample[] = [];
    for (let r = 0; r < restarts; r++) {
      const spawnedAt = performance.now();
      server = await start();
      const serverStartMs = performance.now() - spawnedAt;
      const sample = await joinOnce(server, expected, joinTimeoutMs);
      restartSamples.push({ ...sample, serverStartMs });
      await server.stop();
    }
    return {
      server: kind,
      edits,
      writeSeconds,
      docBytes,
      bodyChars: fragmentText(bodyOf(main)).length,
      paragraphs: bodyOf(main).length,
      storedRows,
      storedBytes,
      loaded,
      restarts: restartSamples,
    };
  } finally {
    for (const author of authors) await author.destroy().catch(() => {});
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (values: readonly number[]) => summarize(values).p50;

/**
 * The join shape against both servers, one after the other: each writes its own copy of the same
 * loaded document (same seed, so the same edits), then (a) and (b). For (b) the reference is
 * given its document back through its own persistence (y-leveldb, `YPERSISTENCE`): it loads the
 * whole log on its first restart, merges it into one entry then, and loads that afterwards.
 */
export async function runJoinShape(
  options: JoinOptions,
  log: (line: string) => void,
): Promise<ShapeReport> {
  const kinds: ServerKind[] = ['y-websocket', 'grassroots'];
  const runs: JoinRun[] = [];
  for (const kind of kinds) {
    const started = performance.now();
    const run = await runJoin(kind, options, log);
    runs.push(run);
    log(
      `  join on ${kind}: (a) median ${fixed(median(run.loaded.map((s) => s.syncedMs)), 1)} ms, ` +
        `(b) ${run.restarts.map((s) => fixed(s.syncedMs, 0)).join(' / ')} ms, ` +
        `${fixed((performance.now() - started) / 1000, 0)} s`,
    );
  }
  const docLines = runs.map(
    (r) =>
      `  ${r.server}: ${r.edits} edits by 3 authors written in ${fixed(r.writeSeconds, 1)} s; doc ` +
      `${fixed(r.docBytes / 1024, 0)} kB encoded (gc off), ${r.bodyChars} characters in ` +
      `${r.paragraphs} paragraphs` +
      (r.storedRows === null
        ? ''
        : `; stored: ${r.storedRows} rows, ${fixed((r.storedBytes ?? 0) / 1024, 0)} kB`),
  );
  const loadedTable = textTable(
    [
      'server',
      'joins',
      'synced p50 ms',
      'p95 ms',
      'max ms',
      'connect→open p50 ms',
      'kB received',
      'messages',
      'p50 < 100 ms',
      'p95 < 100 ms',
    ],
    runs.map((r) => {
      const synced = summarize(r.loaded.map((s) => s.syncedMs));
      return [
        r.server,
        String(r.loaded.length),
        fixed(synced.p50, 1),
        fixed(synced.p95, 1),
        fixed(synced.max, 1),
        fixed(median(r.loaded.map((s) => s.openMs)), 1),
        fixed(median(r.loaded.map((s) => s.receivedBytes)) / 1024, 0),
        fixed(median(r.loaded.map((s) => s.receivedMessages)), 0),
        synced.p50 < 100 ? 'yes' : 'NO',
        synced.p95 < 100 ? 'yes' : 'NO',
      ];
    }),
  );
  const restartTable = textTable(
    [
      'server',
      'restarts',
      '#1 synced ms',
      'p50 ms',
      'max ms',
      'each restart ms',
      "'sync' early",
      'server start ms',
      'all < 500 ms',
    ],
    runs.map((r) => {
      const synced = r.restarts.map((s) => s.syncedMs);
      const all = summarize(synced);
      return [
        r.server,
        String(r.restarts.length),
        fixed(synced[0] ?? Number.NaN, 0),
        fixed(all.p50, 0),
        fixed(all.max, 0),
        synced.map((ms) => fixed(ms, 0)).join(' / '),
        `${r.restarts.filter((s) => s.isSyncEarly).length} of ${r.restarts.length}`,
        fixed(median(r.restarts.map((s) => s.serverStartMs)), 0),
        all.max < 500 ? 'yes' : 'NO',
      ];
    }),
  );
  return {
    file: 'relay-join.json',
    lines: [
      'loaded document:',
      ...docLines,
      '',
      '(a) a fresh client joins while the room is loaded (one author still connected):',
      loadedTable,
      '',
      '(b) the first client after a server restart on the same data:',
      restartTable,
      '',
      "synced = WebSocket open → both the provider's 'sync' event and the doc holding every edit; " +
        "'sync' early = the event came before the doc was complete (then the later time counts)",
      `the reference in (b) runs with its own y-leveldb persistence: restart #1 loads the ${options.edits ?? 10_000}-entry ` +
        'log (and merges it), later restarts load the merged entry; ours loads every stored row each time',
    ],
    json: {
      workload: {
        edits: options.edits ?? 10_000,
        joins: options.joins ?? 20,
        warmups: options.warmups ?? 2,
        restarts: options.restarts ?? 5,
      },
      results: runs,
    },
    failures: [],
  };
}

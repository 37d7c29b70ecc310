/**
 * The soak (`pnpm soak [--minutes M]`): many rooms and devices with churn and offline edits
 * against the relay as a child process, rooms unloading and compacting, while the relay
 * process's memory is sampled (RSS from /proc, heap/external/arrayBuffers from a preloaded probe).
 * Prints a table over time, least-squares slopes over the steady phase, and memory after every
 * device left and the rooms unloaded. Writes bench-results/soak-<date>.json. Exits 1 on a crash
 * of the relay or a convergence failure; memory figures are reported, not judged.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SqliteStore, sqlitePath } from '@grassroots/server';
import * as Y from 'yjs';
import { markersOf } from '../chaos/Writer.ts';
import { repoRoot, startRelay } from '../support/process.ts';
import { seedWorkspace } from '../support/seedWorkspace.ts';
import { Fleet } from './Fleet.ts';
import { PROBE_TAG, type ProbeSample } from './memoryProbe.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rooms: { type: 'string', default: '20' },
    clients: { type: 'string', default: '50' },
    seed: { type: 'string', default: '1' },
    'idle-seconds': { type: 'string', default: '60' },
    'probe-seconds': { type: 'string', default: '5' },
    'malloc-arena-max': { type: 'string' },
    'unload-after-ms': { type: 'string', default: '3000' },
    'compact-after-rows': { type: 'string', default: '50' },
    out: { type: 'string' },
  },
});

const num = (name: string, raw: string | undefined, min: number, max: number): number => {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    console.error(`--${name} must be a number from ${min} to ${max}`);
    process.exit(2);
  }
  return value;
};

const minutes = num('minutes', values.minutes, 0.5, 120);
const roomCount = Math.round(num('rooms', values.rooms, 1, 500));
const clients = Math.round(num('clients', values.clients, 1, 1000));
const seed = Math.round(num('seed', values.seed, 0, 2 ** 32 - 1));
const idleSeconds = num('idle-seconds', values['idle-seconds'], 5, 600);
const probeSeconds = num('probe-seconds', values['probe-seconds'], 1, 60);
const unloadAfterMs = Math.round(num('unload-after-ms', values['unload-after-ms'], 0, 600_000));
const compactAfterRows = Math.round(
  num('compact-after-rows', values['compact-after-rows'], 2, 1e7),
);
const mallocArenaMax =
  values['malloc-arena-max'] === undefined
    ? undefined
    : Math.round(num('malloc-arena-max', values['malloc-arena-max'], 1, 64));
/** Samples before this are warm-up (rooms loading, first joins) and left out of the slopes. */
const warmupSeconds = Math.min(60, minutes * 12);
const MB = 1024 * 1024;

type Phase = 'start' | 'warmup' | 'steady' | 'settle' | 'idle';
type Sample = {
  /** Seconds since the relay started. */
  t: number;
  phase: Phase;
  afterGc: boolean;
  /** From /proc/<pid>/status: VmRSS, RssAnon (heap, malloc), RssFile (mapped files). */
  rss: number;
  rssAnon: number;
  rssFile: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  mallocedMemory: number;
  roomsLoaded: number | null;
  connections: number | null;
  onlineDevices: number;
  /** Only on samples taken after a forced GC: resident memory by kind of mapping. */
  smaps?: SmapsBreakdown;
};

/**
 * Resident bytes of the relay by kind of mapping, from /proc/<pid>/smaps. Heuristic: V8 maps
 * its heap one 256 KiB page at a time, so anonymous mappings of exactly that size are taken as
 * JS heap pages (committed, used or pooled); `[heap]` is glibc's main malloc arena (SQLite's
 * page cache, libuv, ws and other native allocations live there or in other anonymous
 * mappings).
 */
type SmapsBreakdown = {
  v8Pages: number;
  mallocBrk: number;
  otherAnon: number;
  nodeBinary: number;
  otherFiles: number;
};

function smapsBreakdown(pid: number): SmapsBreakdown | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return undefined;
  }
  const totals: SmapsBreakdown = {
    v8Pages: 0,
    mallocBrk: 0,
    otherAnon: 0,
    nodeBinary: 0,
    otherFiles: 0,
  };
  let name = '';
  let sizeKb = 0;
  for (const line of text.split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      name = mapping[1]!;
      continue;
    }
    if (line.startsWith('Size:')) sizeKb = Number(/\d+/.exec(line)?.[0]);
    if (!line.startsWith('Rss:')) continue;
    const rss = Number(/\d+/.exec(line)?.[0]) * 1024;
    if (name === '' && sizeKb === 256) totals.v8Pages += rss;
    else if (name === '[heap]') totals.mallocBrk += rss;
    else if (name === '' || name.startsWith('[')) totals.otherAnon += rss;
    else if (name === process.execPath) totals.nodeBinary += rss;
    else totals.otherFiles += rss;
  }
  return totals;
}

const procStatus = (pid: number) => {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]) * 1024;
  return { rss: kb('VmRSS'), rssAnon: kb('RssAnon'), rssFile: kb('RssFile') };
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Least-squares slope of y over x. */
function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

const mb = (bytes: number) => (bytes / MB).toFixed(1);
const pad = (s: string, n: number) => s.padStart(n);
const clock = (t: number) => `${Math.floor(t / 60)}:${String(Math.floor(t % 60)).padStart(2, '0')}`;
const METRICS = ['rss', 'heapUsed', 'heapTotal', 'external', 'arrayBuffers'] as const;

const header = `${pad('t', 6)} ${pad('phase', 9)} ${pad('rss MB', 7)} ${pad('anon', 6)} ${pad('heapUsed', 8)} ${pad('heapTot', 7)} ${pad('extern', 6)} ${pad('arrBuf', 6)} ${pad('malloc', 6)} ${pad('rooms', 5)} ${pad('conns', 5)}`;
const row = (s: Sample) =>
  `${pad(clock(s.t), 6)} ${pad(s.afterGc ? `${s.phase}+gc` : s.phase, 9)} ${pad(mb(s.rss), 7)} ${pad(mb(s.rssAnon), 6)} ${pad(mb(s.heapUsed), 8)} ${pad(mb(s.heapTotal), 7)} ${pad(mb(s.external), 6)} ${pad(mb(s.arrayBuffers), 6)} ${pad(mb(s.mallocedMemory), 6)} ${pad(String(s.roomsLoaded ?? '?'), 5)} ${pad(String(s.connections ?? '?'), 5)}`;

async function main(): Promise<number> {
  // Each stock y-websocket provider listens for the process's exit: one per device.
  process.setMaxListeners(clients + 20);
  const dataDir = mkdtempSync(join(tmpdir(), 'grassroots-soak-'));
  const { workspaceId, tokens } = await seedWorkspace(dataDir, 10);
  const rooms = Array.from({ length: roomCount }, (_, i) => `${workspaceId}/soak-${i}`);
  const failures: string[] = [];
  const samples: Sample[] = [];
  let phase: Phase = 'start';
  let compactions = 0;
  let relayErrors = 0;
  let fleet: Fleet | null = null;
  let gcWaiter: ((sample: Sample) => void) | null = null;
  let isStopping = false;

  console.log(
    `soak: ${minutes} min, ${roomCount} rooms, ${clients} devices, seed ${seed}, unload after ${unloadAfterMs} ms, compact after ${compactAfterRows} rows${mallocArenaMax ? `, MALLOC_ARENA_MAX=${mallocArenaMax}` : ''}`,
  );
  const startedAt = Date.now();
  let lastPrinted = -Infinity;
  const relay = await startRelay({
    dataDir,
    nodeArgs: ['--expose-gc'],
    imports: [fileURLToPath(new URL('./memoryProbe.ts', import.meta.url))],
    env: {
      SOAK_PROBE_MS: String(probeSeconds * 1000),
      ...(mallocArenaMax ? { MALLOC_ARENA_MAX: String(mallocArenaMax) } : {}),
    },
    args: [
      '--unload-after-ms',
      String(unloadAfterMs),
      '--compact-after-rows',
      String(compactAfterRows),
      '--burst-gap-ms',
      '2000',
      // All devices share 127.0.0.1: the per-address connection limit is not under test.
      '--connections-per-window',
      '1000000',
    ],
    onLine: (line, stream) => {
      if (stream === 'stderr' && line.includes(PROBE_TAG)) {
        const probe = JSON.parse(line) as ProbeSample;
        void record(probe);
      } else if (line.includes('"room compacted"')) compactions++;
      else if (/"level":(50|60)/.test(line)) {
        relayErrors++;
        if (relayErrors <= 5) console.log(`relay error: ${line.slice(0, 300)}`);
      }
    },
  });
  const record = async (probe: ProbeSample) => {
    let proc: ReturnType<typeof procStatus>;
    try {
      proc = procStatus(relay.pid);
    } catch {
      return; // the process is gone
    }
    const gauges = await relay.metrics().catch(() => null);
    const sample: Sample = {
      t: (probe.at - startedAt) / 1000,
      phase,
      afterGc: probe.afterGc,
      ...proc,
      heapUsed: probe.heapUsed,
      heapTotal: probe.heapTotal,
      external: probe.external,
      arrayBuffers: probe.arrayBuffers,
      mallocedMemory: probe.mallocedMemory,
      roomsLoaded: gauges?.get('grassroots_rooms_loaded') ?? null,
      connections: gauges?.get('grassroots_connections') ?? null,
      onlineDevices: fleet?.online ?? 0,
      ...(probe.afterGc ? { smaps: smapsBreakdown(relay.pid) } : {}),
    };
    samples.push(sample);
    if (sample.afterGc) {
      gcWaiter?.(sample);
      gcWaiter = null;
    }
    if (sample.afterGc || sample.t - lastPrinted >= 29.5) {
      if (!sample.afterGc) lastPrinted = sample.t;
      console.log(row(sample));
    }
  };
  const sampleAfterGc = () =>
    new Promise<Sample>((resolve) => {
      gcWaiter = resolve;
      relay.child.kill('SIGUSR2');
    });
  void relay.exited.then(({ code, signal }) => {
    if (!isStopping) failures.push(`relay crashed: exit ${code}, signal ${signal}`);
  });

  console.log(header);
  const fresh = await sampleAfterGc();
  fleet = new Fleet({
    syncUrl: relay.wsUrl,
    rooms,
    tokens,
    devices: clients,
    seed,
  });
  phase = 'warmup';
  fleet.start();
  const steadyFrom = Date.now() + warmupSeconds * 1000;
  const steadyUntil = startedAt + minutes * 60_000;
  while (Date.now() < steadyUntil && relay.isRunning()) {
    if (phase === 'warmup' && Date.now() >= steadyFrom) phase = 'steady';
    await sleep(250);
  }

  let unsettled = 0;
  let divergences: string[] = [];
  let beforeIdle: Sample | null = null;
  let afterIdle: Sample | null = null;
  let afterIdleGc: Sample | null = null;
  /** V8 hands freed pages back to the system some time after a GC, not at once. */
  let afterIdleLater: Sample | null = null;
  if (relay.isRunning()) {
    phase = 'settle';
    unsettled = await fleet.settle(60_000);
    if (unsettled > 0) failures.push(`${unsettled} edits never acknowledged`);
    divergences = await fleet.divergences(tokens[0]!, 20_000);
    failures.push(...divergences);
    beforeIdle = await sampleAfterGc();
    fleet.leaveAll();
    phase = 'idle';
    const idleUntil = Date.now() + idleSeconds * 1000;
    while (Date.now() < idleUntil && relay.isRunning()) await sleep(250);
    afterIdle = samples.filter((s) => s.phase === 'idle' && !s.afterGc).at(-1) ?? null;
    if (relay.isRunning()) afterIdleGc = await sampleAfterGc();
    await sleep(probeSeconds * 3000);
    if (relay.isRunning()) afterIdleLater = await sampleAfterGc();
  }

  isStopping = true;
  if (relay.isRunning()) {
    const code = await relay.stop();
    if (code !== 0) failures.push(`relay exited with ${code} on SIGTERM`);
  }

  // Everything acknowledged or relayed, and every edit once all settled, is in the store.
  let checked = 0;
  const store = new SqliteStore(sqlitePath(dataDir));
  try {
    for (const [i, name] of rooms.entries()) {
      const doc = new Y.Doc({ gc: false });
      for (const r of await store.loadUpdates(name)) Y.applyUpdate(doc, r.update);
      const markers = markersOf(doc);
      const book = fleet.books[i]!;
      const vouched = new Set([...book.acked, ...book.relayed]);
      if (unsettled === 0) for (const key of book.written) vouched.add(key);
      for (const key of fleet.abandoned) vouched.delete(key);
      checked += vouched.size;
      const missing = [...vouched].filter((key) => !markers.has(key));
      if (missing.length > 0) {
        failures.push(`${name}: ${missing.length} edits missing from the store (${missing[0]}…)`);
      }
      doc.destroy();
    }
  } finally {
    await store.close();
  }

  const steady = samples.filter((s) => s.phase === 'steady' && !s.afterGc);
  const slopes = Object.fromEntries(
    METRICS.map((key) => [key, slope(steady.map((s) => ({ x: s.t / 60, y: s[key] / MB })))]),
  ) as Record<(typeof METRICS)[number], number>;
  const written = fleet.books.reduce((n, b) => n + b.written.size, 0);
  const acked = fleet.books.reduce((n, b) => n + b.acked.size, 0);
  const relayed = fleet.books.reduce((n, b) => n + b.relayed.size, 0);

  console.log(
    `\nslopes over the steady phase (${steady.length} samples, ${clock(steady[0]?.t ?? 0)}-${clock(steady.at(-1)?.t ?? 0)}), MB/min:`,
  );
  for (const key of METRICS) console.log(`  ${key.padEnd(13)} ${slopes[key].toFixed(3)}`);
  const line = (label: string, s: Sample | null) => {
    if (!s) return `  ${label.padEnd(22)} (none)`;
    const maps = s.smaps
      ? `\n  ${''.padEnd(22)} resident by mapping: V8 heap pages ${mb(s.smaps.v8Pages)}, malloc [heap] ${mb(s.smaps.mallocBrk)}, other anonymous ${mb(s.smaps.otherAnon)}, node binary ${mb(s.smaps.nodeBinary)}, other files ${mb(s.smaps.otherFiles)}`
      : '';
    return `  ${label.padEnd(22)} rss ${mb(s.rss)} (anon ${mb(s.rssAnon)}, file ${mb(s.rssFile)}), heapUsed ${mb(s.heapUsed)}, heapTotal ${mb(s.heapTotal)}, external ${mb(s.external)}, arrayBuffers ${mb(s.arrayBuffers)}, V8 malloc ${mb(s.mallocedMemory)}, rooms ${s.roomsLoaded}, conns ${s.connections}${maps}`;
  };
  console.log('\nmemory (MB):');
  console.log(line('fresh, after GC', fresh));
  console.log(line('before idle, after GC', beforeIdle));
  console.log(line(`after ${idleSeconds} s idle`, afterIdle));
  console.log(line('after idle, after GC', afterIdleGc));
  console.log(line(`${probeSeconds * 3} s later, GC again`, afterIdleLater));
  const stats = fleet.stats;
  console.log(
    `\nedits ${written} (offline ${stats.offlineEdits}), acked ${acked}, relayed ${relayed}, checked in the store ${checked}; joins ${stats.joins}, leaves ${stats.leaves}, offline spells ${stats.offlineSpells}, raw reconnects ${stats.reconnects}; compactions ${compactions}; relay error lines ${relayErrors}; abandoned ${fleet.abandoned.size}`,
  );
  if (Object.keys(stats.closes).length > 0)
    console.log(`closes by the relay: ${JSON.stringify(stats.closes)}`);
  for (const failure of failures) console.log(`FAILED: ${failure}`);

  const out =
    values.out ??
    join(repoRoot, 'bench-results', `soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      {
        settings: {
          minutes,
          rooms: roomCount,
          clients,
          seed,
          idleSeconds,
          probeSeconds,
          unloadAfterMs,
          compactAfterRows,
          mallocArenaMax: mallocArenaMax ?? null,
          warmupSeconds,
          node: process.version,
        },
        slopesMBPerMin: slopes,
        fresh,
        beforeIdle,
        afterIdle,
        afterIdleGc,
        afterIdleLater,
        counts: { written, acked, relayed, checked, compactions, relayErrors, ...stats },
        abandoned: fleet.abandoned.size,
        unsettled,
        divergences,
        failures,
        samples,
      },
      null,
      2,
    ),
  );
  console.log(`\nwrote ${out}`);
  if (failures.length === 0) rmSync(dataDir, { recursive: true, force: true });
  else console.log(`data kept in ${dataDir}`);
  return failures.length === 0 ? 0 : 1;
}

process.exit(await main());

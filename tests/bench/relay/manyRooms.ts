/**
 * The many-rooms shape: how many deliveries a second one server process carries, and what each
 * costs it in CPU, when the load is many small rooms rather than one big one. Our relay against
 * the reference y-websocket server, each in its own process, same workload, same run.
 *
 * Workload, per step (a room count) and per server (a fresh process each time, the order of the
 * two servers alternating from step to step):
 * - `rooms` × `people` stock y-websocket clients (`WebsocketProvider` over `ws`, BroadcastChannel
 *   off) in this process, each with the app's presence (name and colour; renewed by y-protocols
 *   every 15 s, echoed by every other client as stock clients do). On our relay they connect as
 *   the workspace's editors (one member token per seat, made through an invite) and with `ack=1`,
 *   as the app does, so every update is stored, acknowledged and authenticated.
 * - Each client inserts EDIT_LENGTH ASCII characters at a seeded random position of its room's
 *   Y.Text `editsPerSecond` times a second (open loop, evenly spaced, a random phase per client),
 *   so each edit is one small update delivered to `people` - 1 others.
 * - warm-up `warmupSeconds`, then `measureSeconds` measured; then the edits stop and every edit
 *   must reach every other client of its room (and, on ours, be acknowledged to its author).
 * Per step: deliveries a second ((edit, receiving client) pairs applied in the measured window),
 * server CPU time per delivery (utime + stime of the server process over the window, divided by
 * those deliveries), fan-out latency (local insert → applied by each other client, edits sent in
 * the window) and the client process's CPU. Then the deliveries a second at which each server's
 * p99 crosses `goalMs`, interpolated between the steps on either side.
 *
 * Differences the figures include on purpose: our relay authenticates each connection, stores
 * every update in SQLite (synchronous=FULL, its default) before relaying it, and acknowledges
 * it to every connection of the room; the reference keeps the docs in memory and echoes each
 * update to its sender as well. Clients and servers share the machine's cores: the client process
 * applies every delivery too, so it weighs on both alike (its CPU is reported).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageType, SyncParam } from '@grassroots/shared';
import * as decoding from 'lib0/decoding';
import { WebSocket } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { EDIT_LENGTH, seededRandom, until } from './clients.ts';
import { fixed, type ShapeReport, textTable } from './report.ts';
import {
  type BenchServer,
  readCpuTimes,
  type ServerKind,
  startBenchServer,
  watchRss,
} from './servers.ts';
import { type LatencySummary, summarize } from './stats.ts';

/** Options of the many-rooms shape. */
export type ManyRoomsOptions = {
  /** Room counts, one step each, in increasing order. Default 100, 200, 300, 400, 500. */
  steps?: readonly number[];
  /** Clients per room. Default 5. */
  people?: number;
  /** Edits per client per second. Default 2. */
  editsPerSecond?: number;
  /** Default 5 s. */
  warmupSeconds?: number;
  /** Default 20 s. */
  measureSeconds?: number;
  /** The latency goal whose crossing is reported, p99 ms. Default 50. */
  goalMs?: number;
  /**
   * Steps are taken until both servers' p99 is past the goal this many steps in a row (or the
   * steps run out). Default 1.
   */
  stepsPastGoal?: number;
  /**
   * Which servers, in the order of the first step. Default both. Several of our relay may run
   * side by side with different settings (`config`, as `BENCH_RELAY_CONFIG`), told apart by label.
   */
  servers?: readonly ServerSpec[];
  /** Extra Node flags for the server processes (e.g. `--cpu-prof`). */
  nodeArgs?: readonly string[];
  seed?: number;
};

/** Default room counts of the steps. */
export const MANY_ROOMS_STEPS: readonly number[] = [100, 200, 300, 400, 500];

/** One edit on its way: when it was made and how many receivers have yet to apply it. */
type EditRecord = { sentAt: number; remaining: number; isMeasured: boolean };

type Person = {
  doc: Y.Doc;
  text: Y.Text;
  provider: WebsocketProvider;
  awareness: awarenessProtocol.Awareness;
  random: () => number;
  /** Offset of this client's edits within each period, ms. */
  phaseMs: number;
  edits: EditRecord[];
  /** Our relay's last ack (message 100) as it came, decoded at the end; acks received. */
  lastAck: Uint8Array | null;
  acks: number;
};

/**
 * A server of the shape: its kind, the label it is reported by, our relay's settings; `persist`:
 * the reference stores every update through its own y-leveldb option (in a fresh folder; LevelDB
 * writes without a disk sync), where by default it keeps its docs in memory only.
 */
export type ServerSpec = {
  kind: ServerKind;
  label: string;
  config?: Record<string, unknown>;
  persist?: boolean;
  /** Node flags for this server's process, after the run's own. */
  nodeArgs?: readonly string[];
};

/** What one step measured on one server. */
export type StepResult = {
  /** The server's label. */
  server: string;
  rooms: number;
  clients: number;
  /** Edits sent in the measured window, and per second. */
  edits: number;
  editsPerSecond: number;
  /** (edit, receiver) pairs applied in the measured window, and per second. */
  deliveries: number;
  deliveriesPerSecond: number;
  /** Of the (edit, receiver) pairs of edits sent in the window, the share that arrived. */
  arrived: number;
  latency: LatencySummary;
  serverCpuMs: number;
  /** Server CPU time per delivery, µs. */
  serverCpuUsPerDelivery: number;
  /** Of the server's CPU time, the share spent in the kernel (system calls, the network stack). */
  serverSystemShare: number;
  /** Of the server's CPU time, the share outside its JavaScript thread (garbage-collector helpers). */
  serverHelperShare: number;
  /** How often per second the server's JavaScript thread blocked and woke again. */
  serverWakeupsPerSecond: number;
  /** Server CPU over the window, % of one core. */
  serverCpuPercent: number;
  /** This process (every client), % of one core. */
  clientCpuPercent: number;
  peakRssMb: number;
  /** Every room's clients hold the same text and state vector at the end. */
  isConverged: boolean;
  /** Ours: acks received, and whether every client's last ack covers every edit it made. */
  acks: number;
  isEveryEditAcked: boolean | null;
  /** Ours: storage transactions a second in the window, and updates stored per transaction. */
  commitsPerSecond: number | null;
  rowsPerCommit: number | null;
  /** Connection closes during the step (any code). */
  closes: number;
  seconds: number;
};

const COLOURS = ['#e11d48', '#2563eb', '#16a34a', '#d97706', '#7c3aed'];
const CONNECT_WAVE = 50;
const CONNECT_TIMEOUT_MS = 60_000;
const SETTLE_TIMEOUT_MS = 30_000;

/** Ours: storage transactions and stored updates so far, from its /metrics. */
async function storageCounts(
  server: BenchServer,
): Promise<{ commits: number; rows: number } | null> {
  if (server.kind !== 'grassroots') return null;
  const url = `${server.serverUrl.replace(/^ws/, 'http').replace(/\/sync$/, '')}/metrics`;
  const text = await (await fetch(url)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return {
    commits: read('grassroots_storage_commits_total'),
    rows: read('grassroots_updates_stored_total'),
  };
}

const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** `rooms` rooms of `people` clients each, on one server, and the edits they make. */
class RoomSet {
  readonly persons: Person[] = [];
  /** Every person, by Yjs clientID. */
  private readonly byClient = new Map<number, Person>();
  /** Deliveries while `isCounting`. */
  deliveredInWindow = 0;
  isCounting = false;
  latencies: number[] = [];
  closes = 0;

  constructor(
    private readonly server: BenchServer,
    readonly rooms: number,
    readonly people: number,
    seed: number,
  ) {
    const random = seededRandom(seed);
    for (let r = 0; r < rooms; r++) {
      const room = server.roomOf(`room-${String(r).padStart(4, '0')}`);
      for (let p = 0; p < people; p++)
        this.add(room, p, seededRandom(Math.floor(random() * 2 ** 32)));
    }
  }

  private add(room: string, seat: number, random: () => number): void {
    const doc = new Y.Doc();
    const text = doc.getText('text');
    const awareness = new awarenessProtocol.Awareness(doc);
    const isOurs = this.server.kind === 'grassroots';
    const token = this.server.memberTokens[seat % Math.max(1, this.server.memberTokens.length)];
    const params: Record<string, string> = isOurs
      ? { [SyncParam.token]: token ?? this.server.params.token!, [SyncParam.ack]: '1' }
      : {};
    const provider = new WebsocketProvider(this.server.serverUrl, room, doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params,
      awareness,
      disableBc: true,
      maxBackoffTime: 1000,
      connect: false,
    });
    const person: Person = {
      doc,
      text,
      provider,
      awareness,
      random,
      phaseMs: 0,
      edits: [],
      lastAck: null,
      acks: 0,
    };
    // The app's clients read acks (trackProviderWrites); a stock provider would log each one as
    // an unknown message. Kept as it came and decoded at the end: reading is all a client owes.
    provider.messageHandlers[MessageType.ack] = (_encoder, decoder) => {
      person.lastAck = decoder.arr;
      person.acks++;
    };
    provider.on('connection-close', () => {
      this.closes++;
    });
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.local) return;
      const now = performance.now();
      for (const [client, after] of tr.afterState) {
        const before = tr.beforeState.get(client) ?? 0;
        if (after <= before || client === doc.clientID) continue;
        const author = this.byClient.get(client);
        if (!author) continue;
        for (let k = before / EDIT_LENGTH; k < after / EDIT_LENGTH; k++) {
          const record = author.edits[k];
          if (!record) continue;
          record.remaining--;
          if (this.isCounting) this.deliveredInWindow++;
          if (record.isMeasured) this.latencies.push(now - record.sentAt);
        }
      }
    });
    this.persons.push(person);
    this.byClient.set(doc.clientID, person);
  }

  /** Connects the clients a wave of rooms at a time, each with its presence; waits for sync. */
  async connect(): Promise<void> {
    const wave = CONNECT_WAVE * this.people;
    for (let i = 0; i < this.persons.length; i += wave) {
      const batch = this.persons.slice(i, i + wave);
      for (const person of batch) person.provider.connect();
      await until(
        () => batch.every((p) => p.provider.synced),
        CONNECT_TIMEOUT_MS,
        `${this.persons.length} clients did not sync with ${this.server.kind}`,
        20,
      );
    }
    this.persons.forEach((person, i) => {
      person.awareness.setLocalState({
        user: { name: `成员${(i % this.people) + 1}`, color: COLOURS[i % COLOURS.length] },
        cursor: null,
      });
    });
  }

  /**
   * Edits at `perSecond` per client for `ms`, open loop: client i's n-th edit is due at
   * start + n / perSecond + its phase. One timer walks the clients in order of phase.
   */
  async run(perSecond: number, ms: number, isMeasured: boolean): Promise<number> {
    const period = 1000 / perSecond;
    const order = this.persons
      .map((person) => {
        person.phaseMs = person.random() * period;
        return person;
      })
      .sort((a, b) => a.phaseMs - b.phaseMs);
    const start = performance.now();
    const total = Math.round((ms / 1000) * perSecond) * order.length;
    let n = 0;
    const dueAt = (k: number) =>
      start + Math.floor(k / order.length) * period + order[k % order.length]!.phaseMs;
    await new Promise<void>((done) => {
      const tick = () => {
        const now = performance.now();
        while (n < total && dueAt(n) <= now) this.edit(order[n++ % order.length]!, isMeasured);
        if (n >= total) {
          clearInterval(timer);
          done();
        }
      };
      const timer = setInterval(tick, 2);
    });
    return n;
  }

  private edit(person: Person, isMeasured: boolean): void {
    const k = person.edits.length;
    const content = (k % 36 ** EDIT_LENGTH).toString(36).padStart(EDIT_LENGTH, '0');
    const position = Math.floor(person.random() * (person.text.length + 1));
    person.edits.push({ sentAt: performance.now(), remaining: this.people - 1, isMeasured });
    person.text.insert(position, content);
  }

  /** Every edit made so far reached every other client of its room. */
  get isDelivered(): boolean {
    return this.persons.every((p) => p.edits.every((e) => e.remaining <= 0));
  }

  /** Measured (edit, receiver) pairs expected. */
  get measuredPairs(): number {
    let n = 0;
    for (const p of this.persons) for (const e of p.edits) if (e.isMeasured) n += this.people - 1;
    return n;
  }

  /** Each client's last ack covers every edit it made (ours only). */
  get isEveryEditAcked(): boolean {
    return this.persons.every((p) => {
      if (!p.lastAck) return false;
      const decoder = decoding.createDecoder(p.lastAck);
      decoding.readVarUint(decoder);
      const sv = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
      return (sv.get(p.doc.clientID) ?? 0) >= p.edits.length * EDIT_LENGTH;
    });
  }

  get acks(): number {
    return this.persons.reduce((n, p) => n + p.acks, 0);
  }

  /** Every room's clients hold the same text and state vector. */
  get isConverged(): boolean {
    for (let i = 0; i < this.persons.length; i += this.people) {
      const room = this.persons.slice(i, i + this.people);
      const text = room[0]!.text.toString();
      const sv = Y.encodeStateVector(room[0]!.doc).toString();
      const agree = room.every(
        (p) => p.text.toString() === text && Y.encodeStateVector(p.doc).toString() === sv,
      );
      if (!agree) return false;
    }
    return true;
  }

  destroy(): void {
    for (const { provider, doc, awareness } of this.persons) {
      provider.destroy();
      awareness.destroy();
      doc.destroy();
    }
  }
}

/** One step on one server: a fresh process, fresh clients, warm-up, the measured window. */
async function runStep(
  { kind, label, config, persist = false, nodeArgs: ownNodeArgs = [] }: ServerSpec,
  rooms: number,
  options: Required<Omit<ManyRoomsOptions, 'steps' | 'servers' | 'stepsPastGoal' | 'goalMs'>>,
): Promise<StepResult> {
  const { people, editsPerSecond, warmupSeconds, measureSeconds, nodeArgs, seed } = options;
  const dataDir = persist ? mkdtempSync(join(tmpdir(), 'grassroots-bench-leveldb-')) : undefined;
  const server = await startBenchServer(kind, {
    nodeArgs: [...nodeArgs, ...ownNodeArgs],
    members: people,
    config,
    dataDir,
  });
  const rss = watchRss(server.pid, 200);
  let set: RoomSet | null = null;
  try {
    set = new RoomSet(server, rooms, people, seed + rooms);
    await set.connect();
    await set.run(editsPerSecond, warmupSeconds * 1000, false);

    set.latencies = [];
    set.deliveredInWindow = 0;
    set.isCounting = true;
    const closesBefore = set.closes;
    const stored0 = await storageCounts(server);
    const t0 = performance.now();
    const cpu0 = { server: readCpuTimes(server.pid), client: ownCpuMs() };
    const edits = await set.run(editsPerSecond, measureSeconds * 1000, true);
    const cpu1 = { server: readCpuTimes(server.pid), client: ownCpuMs() };
    const seconds = (performance.now() - t0) / 1000;
    set.isCounting = false;
    const stored1 = await storageCounts(server);
    const commits = stored0 && stored1 ? stored1.commits - stored0.commits : null;
    const deliveries = set.deliveredInWindow;

    const done = set;
    await until(
      () => done.isDelivered && (kind !== 'grassroots' || done.isEveryEditAcked),
      SETTLE_TIMEOUT_MS,
      `${label}, ${rooms} rooms: edits still on their way`,
      100,
    ).catch((error: unknown) => console.warn(`  ${(error as Error).message}`));
    const serverSystemMs = cpu1.server.system - cpu0.server.system;
    const serverCpuMs = cpu1.server.user - cpu0.server.user + serverSystemMs;
    return {
      server: label,
      rooms,
      clients: set.persons.length,
      edits,
      editsPerSecond: edits / seconds,
      deliveries,
      deliveriesPerSecond: deliveries / seconds,
      arrived: set.latencies.length / Math.max(1, set.measuredPairs),
      latency: summarize(set.latencies),
      serverCpuMs,
      serverCpuUsPerDelivery: (serverCpuMs * 1000) / Math.max(1, deliveries),
      serverSystemShare: serverSystemMs / Math.max(1, serverCpuMs),
      serverHelperShare:
        1 - (cpu1.server.mainThread - cpu0.server.mainThread) / Math.max(1, serverCpuMs),
      serverWakeupsPerSecond: (cpu1.server.wakeups - cpu0.server.wakeups) / seconds,
      serverCpuPercent: serverCpuMs / seconds / 10,
      clientCpuPercent: (cpu1.client - cpu0.client) / seconds / 10,
      peakRssMb: rss.peak() / 1024 / 1024,
      isConverged: set.isConverged,
      acks: set.acks,
      isEveryEditAcked: kind === 'grassroots' ? set.isEveryEditAcked : null,
      commitsPerSecond: commits === null ? null : commits / seconds,
      rowsPerCommit:
        commits === null || !stored0 || !stored1
          ? null
          : (stored1.rows - stored0.rows) / Math.max(1, commits),
      closes: set.closes - closesBefore,
      seconds,
    };
  } finally {
    rss.stop();
    set?.destroy();
    await server.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Per step, each server's median CPU per delivery over its runs (`--repeat`: labels with `#2`,
 * `#3`… are runs of the same server) and, beside ours, the ratio to the reference's median: the
 * figure the relay is held to. Run to run this VM moves by ±20 %, so one run says little.
 */
export function medianCpuLines(results: readonly StepResult[]): string[] {
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const lines: string[] = [];
  for (const rooms of [...new Set(results.map((r) => r.rooms))]) {
    const byServer = new Map<string, number[]>();
    for (const r of results.filter((x) => x.rooms === rooms)) {
      const label = r.server.replace(/#\d+$/, '');
      byServer.set(label, [...(byServer.get(label) ?? []), r.serverCpuUsPerDelivery]);
    }
    const reference = byServer.get('y-websocket');
    const base = reference ? median(reference) : null;
    const parts = [...byServer].map(([label, xs]) => {
      const m = median(xs);
      const ratio = base && label !== 'y-websocket' ? ` (${fixed(m / base, 2)}×)` : '';
      return `${label} ${fixed(m, 1)}${ratio} of ${xs.length}`;
    });
    lines.push(`  ${rooms} rooms: ${parts.join('; ')}`);
  }
  return lines;
}

/** Where a server's p99 crosses the goal, in deliveries/s: interpolated, or a bound. */
export type Crossing = { server: string; text: string; deliveriesPerSecond: number | null };

/**
 * The deliveries/s at which p99 latency crosses `goalMs`: linear between the last step under the
 * goal and the first one over it (by deliveries/s); "> x" when no step crossed, "< x" when the
 * first already had.
 */
export function crossing(server: string, steps: readonly StepResult[], goalMs: number): Crossing {
  const own = steps.filter((s) => s.server === server);
  const over = own.findIndex((s) => s.latency.p99 > goalMs);
  if (own.length === 0) return { server, text: 'n/a', deliveriesPerSecond: null };
  if (over < 0) {
    const top = Math.max(...own.map((s) => s.deliveriesPerSecond));
    return { server, text: `> ${fixed(top, 0)}`, deliveriesPerSecond: null };
  }
  const hi = own[over]!;
  if (over === 0) {
    return { server, text: `< ${fixed(hi.deliveriesPerSecond, 0)}`, deliveriesPerSecond: null };
  }
  const lo = own[over - 1]!;
  const f = (goalMs - lo.latency.p99) / (hi.latency.p99 - lo.latency.p99);
  const at = lo.deliveriesPerSecond + f * (hi.deliveriesPerSecond - lo.deliveriesPerSecond);
  return { server, text: fixed(at, 0), deliveriesPerSecond: at };
}

/** Runs the many-rooms shape; `log` gets progress lines. */
export async function runManyRoomsShape(
  options: ManyRoomsOptions,
  log: (line: string) => void,
): Promise<ShapeReport> {
  const {
    steps = MANY_ROOMS_STEPS,
    people = 5,
    editsPerSecond = 2,
    warmupSeconds = 5,
    measureSeconds = 20,
    goalMs = 50,
    stepsPastGoal = 1,
    servers = [
      { kind: 'y-websocket', label: 'y-websocket' },
      { kind: 'grassroots', label: 'grassroots' },
    ],
    nodeArgs = [],
    seed = 20_261_201,
  } = options;
  log(
    `many rooms: ${people} clients a room, ${editsPerSecond} edits/s each of ${EDIT_LENGTH} chars, ` +
      `${warmupSeconds} s warm-up + ${measureSeconds} s measured; rooms ${steps.join(', ')}; ` +
      `stop once p99 > ${goalMs} ms on every server for ${stepsPastGoal} step(s)`,
  );
  const results: StepResult[] = [];
  const pastGoal = new Map<string, number>(servers.map((s) => [s.label, 0]));
  for (const [i, rooms] of steps.entries()) {
    // Alternate the order so neither server always runs on a warmer (or busier) machine.
    const order = i % 2 === 0 ? servers : [...servers].reverse();
    for (const spec of order) {
      const started = performance.now();
      const result = await runStep(spec, rooms, {
        people,
        editsPerSecond,
        warmupSeconds,
        measureSeconds,
        nodeArgs,
        seed,
      });
      results.push(result);
      pastGoal.set(spec.label, result.latency.p99 > goalMs ? pastGoal.get(spec.label)! + 1 : 0);
      log(
        `  ${rooms} rooms ${spec.label}: ${fixed(result.deliveriesPerSecond, 0)} deliveries/s, ` +
          `${fixed(result.serverCpuUsPerDelivery, 1)} µs CPU each, p99 ${fixed(result.latency.p99, 1)} ms, ` +
          (result.commitsPerSecond === null
            ? ''
            : `${fixed(result.commitsPerSecond, 0)} commits/s, `) +
          `server ${fixed(result.serverCpuPercent, 0)} %, clients ${fixed(result.clientCpuPercent, 0)} %, ` +
          `${fixed((performance.now() - started) / 1000, 0)} s`,
      );
    }
    if ([...pastGoal.values()].every((n) => n >= stepsPastGoal)) break;
  }
  const crossings = servers.map((s) => crossing(s.label, results, goalMs));
  const table = textTable(
    [
      'rooms',
      'server',
      'edits/s',
      'deliv/s',
      'srv µs/deliv',
      'kernel',
      'helpers',
      'wakeups/s',
      'srv CPU %',
      'cli CPU %',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'arrived',
      'acked',
      'commits/s',
      'upd/commit',
      'closes',
      'peak RSS MB',
      'converged',
    ],
    results.map((r) => [
      String(r.rooms),
      r.server,
      fixed(r.editsPerSecond, 0),
      fixed(r.deliveriesPerSecond, 0),
      fixed(r.serverCpuUsPerDelivery, 1),
      `${fixed(100 * r.serverSystemShare, 0)} %`,
      `${fixed(100 * r.serverHelperShare, 0)} %`,
      fixed(r.serverWakeupsPerSecond, 0),
      fixed(r.serverCpuPercent, 0),
      fixed(r.clientCpuPercent, 0),
      fixed(r.latency.p50, 1),
      fixed(r.latency.p95, 1),
      fixed(r.latency.p99, 1),
      fixed(r.latency.max, 0),
      `${fixed(100 * r.arrived, 1)} %`,
      r.isEveryEditAcked === null ? '-' : r.isEveryEditAcked ? 'all' : 'NO',
      r.commitsPerSecond === null ? '-' : fixed(r.commitsPerSecond, 0),
      r.rowsPerCommit === null ? '-' : fixed(r.rowsPerCommit, 1),
      String(r.closes),
      fixed(r.peakRssMb, 0),
      r.isConverged ? 'yes' : 'NO',
    ]),
    2,
  );
  const failures = results.flatMap((r) => [
    ...(r.isConverged ? [] : [`many rooms: rooms diverged on ${r.server} with ${r.rooms} rooms`]),
    ...(r.isEveryEditAcked === false
      ? [`many rooms: edits not acknowledged on ${r.server} with ${r.rooms} rooms`]
      : []),
  ]);
  return {
    file: 'relay-many-rooms.json',
    lines: [
      table,
      '',
      `p99 crosses ${goalMs} ms at (deliveries/s): ` +
        crossings.map((c) => `${c.server} ${c.text}`).join(', '),
      '',
      'srv µs/deliv, median of the runs (× the reference’s median):',
      ...medianCpuLines(results),
      '',
      'deliv/s = (edit, receiving client) pairs applied per second in the measured window; ' +
        'srv µs/deliv = server process CPU (user + system) / deliveries; kernel: its share in ' +
        'system calls; helpers: its share outside the JavaScript thread (GC helpers); ' +
        'wakeups/s: times the JavaScript thread blocked and woke; CPU % of one core; ' +
        'latency: local insert → applied by each other client of the room; ' +
        'acked: every client’s last ack covers all its edits (ours); commits/s, upd/commit: ' +
        'our storage transactions and updates stored per transaction (/metrics)',
    ],
    json: {
      workload: {
        steps,
        people,
        editsPerSecond,
        editLength: EDIT_LENGTH,
        warmupSeconds,
        measureSeconds,
        goalMs,
        stepsPastGoal,
      },
      results,
      crossings,
    },
    failures,
  };
}

/**
 * The fan-out shape: latency, delivered updates per second and server memory of our relay against
 * the reference y-websocket server, same workload, same run.
 *
 * Workload, per server and per N in ROOM_SIZES (a fresh server process and a fresh room each time):
 * - N stock y-websocket clients (`WebsocketProvider` over `ws`, BroadcastChannel off, no awareness
 *   state) in this process join one room and finish their first sync.
 * - Every edit inserts 4 ASCII characters at a seeded random position of one shared Y.Text, by the
 *   clients in turn (round-robin), so each edit is one small update fanned out to N - 1 others.
 * - warm-up: WARMUP_EDITS edits at the fixed rate, not counted.
 * - fixed rate (open loop): RATE edits/s in total, whatever N, for RATE_MS. Latency is measured
 *   here: from the local insert to the moment each *other* client's doc has applied the edit (one
 *   clock, this process; edits are identified by author clientID and clock). Delivered updates/s
 *   here is just RATE × (N - 1) unless a server falls behind.
 * - saturated (closed loop): SATURATED_EDITS edits as fast as they are absorbed, at most WINDOW
 *   in flight (sent but not yet applied everywhere). Its delivered updates/s, i.e. (edit, receiver)
 *   pairs per second from first send to last delivery, is the throughput figure.
 * - then every doc must hold the same text and state vector (convergence), or the run fails.
 * Server RSS is sampled from /proc/<pid>/status every 50 ms over the whole round; the peak is
 * reported, with the server's CPU time for both measured phases.
 *
 * Differences the figures include on purpose: our relay authenticates each connection, stores
 * every update in SQLite before relaying it, and keeps gc off; the reference keeps the doc in
 * memory only and also echoes each update back to its sender. Our relay runs with its message
 * and connection limits raised (`unthrottled`), so only speed is compared here. Clients and
 * servers share the machine's cores, so client-side work (up to 99 docs applying every edit)
 * weighs on both alike.
 *
 * Environment: BENCH_RELAY_SIZES (default 2,20,100), BENCH_RELAY_RATE (default 40).
 */
import { EDIT_LENGTH, type PhaseLog, Swarm } from './clients.ts';
import type { ShapeReport } from './report.ts';
import { readCpuMs, type ServerKind, startBenchServer, watchRss } from './servers.ts';
import { type LatencySummary, summarize } from './stats.ts';

const ROOM_SIZES: readonly number[] = process.env.BENCH_RELAY_SIZES
  ? process.env.BENCH_RELAY_SIZES.split(',').map(Number)
  : [2, 20, 100];
const SERVERS: readonly ServerKind[] = ['y-websocket', 'grassroots'];
const RATE = Number(process.env.BENCH_RELAY_RATE ?? 40);
const RATE_MS = 8_000;
const WARMUP_EDITS = 80;
const SATURATED_EDITS = 800;
const REPETITIONS = 2;
const WINDOW = 100;
const CONNECT_TIMEOUT_MS = 30_000;
const PHASE_TIMEOUT_MS = 60_000;
const SEED = 20_240_601;

/** The fan-out workload's figures, for benchmarks that run it on other deployments. */
export const FANOUT_WORKLOAD = {
  roomSizes: ROOM_SIZES,
  rate: RATE,
  rateMs: RATE_MS,
  warmupEdits: WARMUP_EDITS,
  saturatedEdits: SATURATED_EDITS,
  window: WINDOW,
  connectTimeoutMs: CONNECT_TIMEOUT_MS,
  phaseTimeoutMs: PHASE_TIMEOUT_MS,
  seed: SEED,
} as const;

/** One measured phase of one round, before repetitions are pooled. */
type PhaseRun = { log: PhaseLog; clients: number; serverCpuMs: number; clientCpuMs: number };

type PhaseResult = LatencySummary & {
  edits: number;
  /** (edit, receiving client) pairs. */
  deliveries: number;
  /** From the first send to the last delivery, summed over repetitions. */
  seconds: number;
  deliveredPerSecond: number;
  /** CPU time of the server process, ms. */
  serverCpuMs: number;
  /** Server CPU time per delivered update, µs. */
  serverCpuUsPerDelivery: number;
  /** CPU time of this process (all N clients), ms. */
  clientCpuMs: number;
};

type RoundRun = {
  fixedRate: PhaseRun;
  saturated: PhaseRun;
  peakRssBytes: number;
  isConverged: boolean;
  textLength: number;
};

type RoundResult = {
  server: ServerKind;
  clients: number;
  repetitions: number;
  fixedRate: PhaseResult;
  saturated: PhaseResult;
  peakRssMb: number;
  isConverged: boolean;
  /** Text length at the end of each repetition (each must be every edit × EDIT_LENGTH). */
  textLengths: number[];
};

/** Pools repetitions: latencies together, deliveries and times summed. */
const pooled = (runs: readonly PhaseRun[]): PhaseResult => {
  const sum = (f: (run: PhaseRun) => number) => runs.reduce((total, run) => total + f(run), 0);
  const seconds = sum((r) => (r.log.lastDeliveryAt - r.log.firstSendAt) / 1000);
  const deliveries = sum((r) => r.log.edits * (r.clients - 1));
  const serverCpuMs = sum((r) => r.serverCpuMs);
  return {
    ...summarize(runs.flatMap((r) => r.log.latencies)),
    edits: sum((r) => r.log.edits),
    deliveries,
    seconds,
    deliveredPerSecond: deliveries / seconds,
    serverCpuMs,
    serverCpuUsPerDelivery: (serverCpuMs * 1000) / deliveries,
    clientCpuMs: sum((r) => r.clientCpuMs),
  };
};

const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** One repetition: a fresh server process, N fresh clients, warm-up, both phases, convergence. */
async function runRound(
  kind: ServerKind,
  clients: number,
  seed: number,
  nodeArgs: readonly string[],
): Promise<RoundRun> {
  const server = await startBenchServer(kind, { nodeArgs });
  const rss = watchRss(server.pid);
  let swarm: Swarm | null = null;
  try {
    swarm = new Swarm(server, clients, seed);
    await swarm.connect(CONNECT_TIMEOUT_MS);
    await swarm.runAtRate(RATE, (WARMUP_EDITS / RATE) * 1000, PHASE_TIMEOUT_MS);

    const cpuNow = () => ({ server: readCpuMs(server.pid), client: ownCpuMs() });
    const cpu0 = cpuNow();
    const fixedLog = await swarm.runAtRate(RATE, RATE_MS, PHASE_TIMEOUT_MS);
    const cpu1 = cpuNow();
    const saturatedLog = await swarm.runSaturated(SATURATED_EDITS, WINDOW, PHASE_TIMEOUT_MS);
    const cpu2 = cpuNow();

    const { isConverged, length } = swarm.isConverged();
    const expectedLength = (WARMUP_EDITS + fixedLog.edits + saturatedLog.edits) * EDIT_LENGTH;
    const phase = (log: PhaseLog, from: typeof cpu0, to: typeof cpu0): PhaseRun => ({
      log,
      clients,
      serverCpuMs: to.server - from.server,
      clientCpuMs: to.client - from.client,
    });
    return {
      fixedRate: phase(fixedLog, cpu0, cpu1),
      saturated: phase(saturatedLog, cpu1, cpu2),
      peakRssBytes: rss.peak(),
      isConverged: isConverged && length === expectedLength,
      textLength: length,
    };
  } finally {
    rss.stop();
    swarm?.destroy();
    await server.stop();
  }
}

const fixed = (value: number, digits: number) => value.toFixed(digits);

function table(results: readonly RoundResult[]): string {
  const header = [
    'N',
    'server',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'upd/s @rate',
    'upd/s max',
    'sat p99 ms',
    'srv µs/upd',
    'cli CPU s',
    'peak RSS MB',
    'converged',
  ];
  const rows = results.map((r) => [
    String(r.clients),
    r.server,
    fixed(r.fixedRate.p50, 2),
    fixed(r.fixedRate.p95, 2),
    fixed(r.fixedRate.p99, 2),
    fixed(r.fixedRate.max, 1),
    fixed(r.fixedRate.deliveredPerSecond, 0),
    fixed(r.saturated.deliveredPerSecond, 0),
    fixed(r.saturated.p99, 1),
    fixed(
      ((r.fixedRate.serverCpuMs + r.saturated.serverCpuMs) * 1000) /
        (r.fixedRate.deliveries + r.saturated.deliveries),
      1,
    ),
    fixed((r.fixedRate.clientCpuMs + r.saturated.clientCpuMs) / 1000, 2),
    fixed(r.peakRssMb, 1),
    r.isConverged ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Largest room of the shape: each provider adds a process 'exit' listener. */
export const FANOUT_MAX_CLIENTS = Math.max(...ROOM_SIZES);

/** Runs the fan-out shape against both servers; `log` gets progress lines. */
export async function runFanout(
  nodeArgs: readonly string[],
  log: (line: string) => void,
): Promise<ShapeReport> {
  log(
    `fan-out: ${RATE} edits/s for ${RATE_MS / 1000} s (after ${WARMUP_EDITS} warm-up edits), then ` +
      `${SATURATED_EDITS} edits with ${WINDOW} in flight; ${EDIT_LENGTH} chars per edit; N = ${ROOM_SIZES.join(', ')}`,
  );
  const results: RoundResult[] = [];
  for (const clients of ROOM_SIZES) {
    const runs = new Map<ServerKind, RoundRun[]>(SERVERS.map((kind) => [kind, []]));
    for (let rep = 0; rep < REPETITIONS; rep++) {
      // Alternate the order (A B, B A, …) so neither server always runs on a warmer machine.
      const order = rep % 2 === 0 ? SERVERS : [...SERVERS].reverse();
      for (const kind of order) {
        const started = performance.now();
        const run = await runRound(kind, clients, SEED + clients * 100 + rep, nodeArgs);
        runs.get(kind)!.push(run);
        log(
          `  N=${clients} ${kind} #${rep + 1}: p99 ${fixed(summarize(run.fixedRate.log.latencies).p99, 2)} ms, ` +
            `saturated ${fixed(pooled([run.saturated]).deliveredPerSecond, 0)} upd/s, ` +
            `converged ${run.isConverged ? 'yes' : 'NO'} (${run.textLength} chars), ` +
            `${fixed((performance.now() - started) / 1000, 1)} s`,
        );
      }
    }
    for (const kind of SERVERS) {
      const reps = runs.get(kind)!;
      results.push({
        server: kind,
        clients,
        repetitions: reps.length,
        fixedRate: pooled(reps.map((r) => r.fixedRate)),
        saturated: pooled(reps.map((r) => r.saturated)),
        peakRssMb: Math.max(...reps.map((r) => r.peakRssBytes)) / 1024 / 1024,
        isConverged: reps.every((r) => r.isConverged),
        textLengths: reps.map((r) => r.textLength),
      });
    }
  }
  const diverged = results.filter((r) => !r.isConverged);
  return {
    file: 'relay.json',
    lines: [
      table(results),
      '',
      'latency: local insert → applied by each other client, at the fixed rate; upd/s = (edit, receiver) pairs/s; ' +
        'upd/s max and sat p99 from the saturated phase',
    ],
    json: {
      workload: {
        roomSizes: ROOM_SIZES,
        rate: RATE,
        rateMs: RATE_MS,
        warmupEdits: WARMUP_EDITS,
        saturatedEdits: SATURATED_EDITS,
        window: WINDOW,
        repetitions: REPETITIONS,
        editLength: EDIT_LENGTH,
      },
      results,
    },
    failures: diverged.map((r) => `fan-out: docs did not converge on ${r.server} N=${r.clients}`),
  };
}

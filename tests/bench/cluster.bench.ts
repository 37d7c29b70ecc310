/**
 * Cluster benchmark: the same workloads on three deployments, side by side in one run:
 *
 * - `sqlite`:   one relay process on SQLite;
 * - `postgres`: one relay process on PostgreSQL;
 * - `cluster`:  two relay processes on PostgreSQL with the Redis bus, every room's clients split
 *               over both (so fan-out crosses processes: store, doorbell, read back, relay).
 *
 * PostgreSQL and Redis are real throwaway servers on 127.0.0.1 (tests/support/services.ts), the
 * relays real `grassroots serve` processes (tests/support/process.ts), each setup on fresh storage.
 * Two shapes:
 * - `fanout`: the relay benchmark's fan-out workload (relay/fanout.ts) per room size;
 * - `rooms`:  many small rooms (default 500 × 3 clients, each editing once a second for 60 s).
 * Every client asks for acks (`ack=1`, as the app does). Reported per setup: fan-out latency
 * (write → applied by each other client of the room), acked writes/s, CPU per delivery of the
 * relays together and, separately, of PostgreSQL (postmaster and backends) and Redis. Every
 * room's clients must end with the same doc (text and state vector) holding every edit.
 *
 * Run: `corepack pnpm bench:cluster` (about 7 minutes), or choose:
 *   --shape fanout|rooms|all        --setup sqlite|postgres|cluster|all   (comma-separate)
 *   --sizes 2,20,100   (fan-out room sizes)
 *   --rooms N (500)   --per-room N (3)   --rate R (edits/s per client, 1)   --seconds S (60)
 *   --durability full|relaxed   (full: SQLite synchronous=full, PostgreSQL fsync on; default full)
 * Writes bench-results/cluster.json and bench-results/cluster.md (the tables, also printed).
 * Exit code 1 when a setup fails to run or a room does not converge.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FanoutResult, runFanoutOn } from './cluster/fanoutShape.ts';
import { MANY_ROOMS_DEFAULTS, type ManyRoomsResult, runManyRoomsOn } from './cluster/manyRooms.ts';
import {
  type Durability,
  SETUP_KINDS,
  SETUP_LABELS,
  type Services,
  type Setup,
  type SetupKind,
  startServices,
  startSetup,
} from './cluster/setups.ts';
import { FANOUT_WORKLOAD } from './relay/fanout.ts';
import { codeState, fixed, markdownTable } from './relay/report.ts';

const SHAPES = ['fanout', 'rooms'] as const;
type Shape = (typeof SHAPES)[number];

type Flags = {
  shapes: Shape[];
  setups: SetupKind[];
  sizes: number[];
  rooms: number;
  perRoom: number;
  rate: number;
  seconds: number;
  durability: Durability;
};

const USAGE =
  'usage: cluster.bench.ts [--shape fanout|rooms|all] [--setup sqlite|postgres|cluster|all] ' +
  '[--sizes 2,20,100] [--rooms N] [--per-room N] [--rate R] [--seconds S] [--durability full|relaxed]';

function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = {
    shapes: [],
    setups: [],
    sizes: [...FANOUT_WORKLOAD.roomSizes],
    ...MANY_ROOMS_DEFAULTS,
    durability: 'full',
  };
  const number = (name: string, value: string, min: number, max: number, isWhole = true) => {
    const n = Number(value);
    if (!Number.isFinite(n) || (isWhole && !Number.isInteger(n)) || n < min || n > max) {
      throw new Error(
        `--${name} must be a ${isWhole ? 'whole ' : ''}number from ${min} to ${max}\n${USAGE}`,
      );
    }
    return n;
  };
  const list = <T extends string>(name: string, value: string, all: readonly T[]): T[] =>
    value.split(',').flatMap((item) => {
      if (item === 'all') return [...all];
      if ((all as readonly string[]).includes(item)) return [item as T];
      throw new Error(`unknown ${name} "${item}"\n${USAGE}`);
    });
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const [name, inline] = arg.startsWith('--') ? arg.slice(2).split('=', 2) : [arg];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
    switch (name) {
      case 'shape':
        flags.shapes.push(...list('shape', value, SHAPES));
        break;
      case 'setup':
        flags.setups.push(...list('setup', value, SETUP_KINDS));
        break;
      case 'sizes':
        flags.sizes = value.split(',').map((n) => number('sizes', n, 2, 200));
        break;
      case 'rooms':
        flags.rooms = number(name, value, 1, 5000);
        break;
      case 'per-room':
        flags.perRoom = number(name, value, 2, 50);
        break;
      case 'rate':
        flags.rate = number(name, value, 0.01, 100, false);
        break;
      case 'seconds':
        flags.seconds = number(name, value, 1, 3600);
        break;
      case 'durability':
        if (value !== 'full' && value !== 'relaxed') {
          throw new Error(`--durability must be full or relaxed\n${USAGE}`);
        }
        flags.durability = value;
        break;
      default:
        throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    }
  }
  flags.shapes =
    flags.shapes.length === 0 ? [...SHAPES] : SHAPES.filter((s) => flags.shapes.includes(s));
  flags.setups =
    flags.setups.length === 0
      ? [...SETUP_KINDS]
      : SETUP_KINDS.filter((s) => flags.setups.includes(s));
  return flags;
}

/** A figure, or a dash where the setup has no such part. */
const maybe = (value: number | null, digits: number) =>
  value === null ? '—' : fixed(value, digits);

const percent = (share: number | null) => maybe(share === null ? null : share * 100, 0);

function fanoutTable(results: readonly FanoutResult[]): string {
  return markdownTable(
    [
      'N',
      'setup',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'acked writes/s',
      'ack p99 ms',
      'relays µs/delivery',
      'PG µs/delivery',
      'Redis µs/delivery',
      'CPU stall %',
      'converged',
    ],
    results.map((r) => [
      String(r.clients),
      r.setup,
      fixed(r.fixedRate.p50, 2),
      fixed(r.fixedRate.p95, 2),
      fixed(r.fixedRate.p99, 2),
      fixed(r.saturated.ackedWritesPerSecond, 0),
      fixed(r.saturated.ackP99, 1),
      fixed(r.cpu.relaysUsPerDelivery, 1),
      maybe(r.cpu.postgresUsPerDelivery, 1),
      maybe(r.cpu.redisUsPerDelivery, 1),
      percent(r.cpu.cpuStalled),
      r.isConverged ? 'yes' : 'NO',
    ]),
    2,
  );
}

function roomsTable(results: readonly ManyRoomsResult[]): string {
  return markdownTable(
    [
      'setup',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'acked writes/s',
      'ack p99 ms',
      'relays µs/delivery',
      'relays CPU %',
      'PG µs/delivery',
      'Redis µs/delivery',
      'CPU stall %',
      'converged rooms',
    ],
    results.map((r) => [
      r.setup,
      fixed(r.measured.p50, 2),
      fixed(r.measured.p95, 2),
      fixed(r.measured.p99, 2),
      fixed(r.measured.max, 1),
      `${fixed(r.measured.ackedWritesPerSecond, 0)} of ${fixed(r.offeredWritesPerSecond, 0)}`,
      fixed(r.measured.ackP99, 1),
      fixed(r.cpu.relaysUsPerDelivery, 1),
      fixed(r.cpu.relaysCores * 100, 0),
      maybe(r.cpu.postgresUsPerDelivery, 1),
      maybe(r.cpu.redisUsPerDelivery, 1),
      percent(r.cpu.cpuStalled),
      `${r.convergedRooms}/${r.rooms}`,
    ]),
  );
}

/** Stops whatever is running when the benchmark ends or is interrupted: last in, first out. */
const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | null = null;
/** Runs the cleanups once; a second caller (a signal during the first) waits for the same. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => console.error('cleanup failed:', error));
    }
  })().finally(() => {
    cleaning = null;
  });
  return cleaning;
}
// Ctrl-C reaches the whole process group: PostgreSQL and Redis start shutting down by themselves,
// and tsx passes the signal on too, so more than one may arrive.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping relays, PostgreSQL and Redis`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  let flags: Flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const maxClients = Math.max(...flags.sizes, flags.rooms * flags.perRoom);
  // Each provider adds a process 'exit' listener.
  process.setMaxListeners(maxClients * 2 + 20);
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const code = codeState(repoRoot);
  const command = `corepack pnpm bench:cluster ${process.argv.slice(2).join(' ')}`.trim();
  console.log(
    `cluster bench: ${flags.shapes.join(', ')} on ${flags.setups.join(', ')}; ` +
      `durability ${flags.durability}; commit ${code.commit}` +
      (code.uncommittedRelayChanges.length > 0
        ? ` with uncommitted changes in ${code.uncommittedRelayChanges.length} server/shared files`
        : ''),
  );
  const log = (line: string) => console.log(line);
  const began = performance.now();
  const loadAverageAtStart = loadavg()[0] ?? 0;
  const failures: string[] = [];
  const fanout: FanoutResult[] = [];
  const manyRooms: ManyRoomsResult[] = [];
  try {
    let services: Services | null = null;
    if (flags.setups.some((s) => s !== 'sqlite')) {
      services = await startServices(flags.durability);
      const started = services;
      cleanups.push(() => started.stop());
    }
    for (const shape of flags.shapes) {
      if (shape === 'fanout') {
        log(
          `\nfan-out: N = ${flags.sizes.join(', ')}; ${FANOUT_WORKLOAD.rate} edits/s for ` +
            `${FANOUT_WORKLOAD.rateMs / 1000} s, then ${FANOUT_WORKLOAD.saturatedEdits} edits ` +
            `with ${FANOUT_WORKLOAD.window} in flight`,
        );
      } else {
        log(
          `\nmany rooms: ${flags.rooms} rooms × ${flags.perRoom} clients, ${flags.rate} edit/s ` +
            `each, for ${flags.seconds} s`,
        );
      }
      for (const kind of flags.setups) {
        let setup: Setup | null = null;
        const stop = async () => {
          await setup?.stop();
        };
        try {
          setup = await startSetup(kind, services, { durability: flags.durability, label: shape });
          cleanups.push(stop);
          if (shape === 'fanout') {
            await runFanoutOn(setup, flags.sizes, log, (result) => fanout.push(result));
          } else {
            const result = await runManyRoomsOn(setup, flags, log);
            manyRooms.push(result);
            log(
              `  ${result.setup}: p99 ${fixed(result.measured.p99, 2)} ms, ` +
                `${fixed(result.measured.ackedWritesPerSecond, 0)} acked writes/s, ` +
                `${result.convergedRooms}/${result.rooms} rooms converged`,
            );
          }
        } catch (error) {
          // One setup failing (a timeout, a relay that died) does not hide the others' figures.
          const died = (setup?.relays ?? [])
            .filter((relay) => !relay.isRunning())
            .map((relay) => `\n  relay ${relay.pid} exited:\n${relay.stderrTail().slice(-2000)}`);
          const message = `${shape} on ${SETUP_LABELS[kind]}: ${(error as Error).message}${died.join('')}`;
          log(`  FAILED ${message}`);
          failures.push(message);
        } finally {
          const at = cleanups.indexOf(stop);
          if (at >= 0) cleanups.splice(at, 1);
          await stop();
        }
      }
    }
  } finally {
    await cleanUp();
  }
  for (const r of fanout) {
    if (!r.isConverged)
      failures.push(`fan-out N=${r.clients} on ${r.setup}: docs did not converge`);
  }
  for (const r of manyRooms) {
    if (r.unsettled) failures.push(`many rooms on ${r.setup}: ${r.unsettled}`);
    if (!r.isConverged) {
      failures.push(
        `many rooms on ${r.setup}: ${r.rooms - r.convergedRooms} rooms did not converge`,
      );
    }
  }

  const loadAverageAtEnd = loadavg()[0] ?? 0;
  const minutes = (performance.now() - began) / 60_000;
  const markdown = [
    `# Cluster benchmark (${new Date().toISOString().slice(0, 16)} UTC, commit ${code.commit})`,
    '',
    `\`${command}\`: durability ${flags.durability}; Node ${process.version}; ` +
      `load average ${fixed(loadAverageAtStart, 2)} at start, ${fixed(loadAverageAtEnd, 2)} at end; ` +
      `${fixed(minutes, 1)} min.`,
    ...(fanout.length > 0
      ? [
          '',
          `## Fan-out: one room of N clients`,
          '',
          fanoutTable(fanout),
          '',
          `Latency at ${FANOUT_WORKLOAD.rate} edits/s for ${FANOUT_WORKLOAD.rateMs / 1000} s; ` +
            `acked writes/s and ack p99 from ${FANOUT_WORKLOAD.saturatedEdits} edits with ` +
            `${FANOUT_WORKLOAD.window} in flight; CPU per delivery over both phases.`,
        ]
      : []),
    ...(manyRooms.length > 0
      ? [
          '',
          `## Many rooms: ${flags.rooms} rooms × ${flags.perRoom} clients, ${flags.rate} edit/s each, ${flags.seconds} s`,
          '',
          roomsTable(manyRooms),
          '',
          'acked writes/s: acks received per second over the second half of the writing, of the ' +
            'writes offered (short of them: the deployment fell behind); ' +
            'relays CPU %: of one core, over the measured time.',
        ]
      : []),
    '',
    'Latency: a write → applied by each other client of its room (one clock: all clients run in ' +
      'the benchmark process). Delivery: (write, receiving client). PG: postmaster and backends. ' +
      "Relays, PostgreSQL, Redis and the clients share the machine's cores with whatever else runs " +
      'there; CPU stall %: share of the measured time in which some runnable task on the machine ' +
      'waited for a CPU (/proc/pressure/cpu): when high, latencies include waiting for a core.',
    ...(failures.length > 0 ? ['', '**Failures**', '', ...failures.map((f) => `- ${f}`)] : []),
  ].join('\n');
  console.log(`\n${markdown}\n`);

  const outDir = join(repoRoot, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'cluster.md'), `${markdown}\n`);
  writeFileSync(
    join(outDir, 'cluster.json'),
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        node: process.version,
        code,
        command,
        loadAverageAtStart,
        loadAverageAtEnd,
        durability: flags.durability,
        workload: {
          fanout: { ...FANOUT_WORKLOAD, roomSizes: flags.sizes },
          manyRooms: {
            rooms: flags.rooms,
            perRoom: flags.perRoom,
            rate: flags.rate,
            seconds: flags.seconds,
          },
        },
        fanout,
        manyRooms,
        failures,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`written ${join(outDir, 'cluster.json')} and cluster.md`);
  console.log(`cluster bench took ${fixed(minutes, 1)} min`);
  if (failures.length > 0) throw new Error(failures.join('\n'));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

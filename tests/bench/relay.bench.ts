/**
 * Relay benchmark: our relay against the reference y-websocket server (`@y/websocket-server`
 * 0.1.1), each in its own process, same workload, same run. Three shapes:
 *
 * - `fanout` (relay/fanout.ts): rooms of 2, 20 and 100 clients; fan-out latency at a fixed rate,
 *   throughput when saturated, server CPU and peak RSS. Writes bench-results/relay.json.
 * - `meeting` (relay/meeting.ts): 30 people in one minutes document for 3 minutes, each a stock
 *   y-websocket client with the app's presence (user, colour, a caret of Yjs relative positions)
 *   typing in bursts, the caret following every keystroke. Reports closes by code (who was cut
 *   off), convergence, keystroke fan-out latency, awareness traffic per connection, server CPU and
 *   peak RSS. Our relay runs at its production limits. Writes bench-results/relay-meeting.json.
 * - `join` (relay/join.ts): a minutes document of 10,000 edits by three authors (about 270 kB encoded),
 *   written through the server; then (a) fresh clients joining while the room is loaded and
 *   (b) the first client after a server restart on the same data. Writes relay-join.json.
 * - `many-rooms` (relay/manyRooms.ts): N rooms of 5 stock clients, each making 2 small edits a
 *   second (ours: editors' tokens, acks on), N stepped up (100, 200, 300…) until both servers'
 *   p99 passes 50 ms; per step deliveries/s, server CPU per delivery and fan-out latency, and the
 *   deliveries/s where p99 crosses 50 ms. Writes relay-many-rooms.json.
 *
 * Run: `corepack pnpm bench:relay` (every shape, about 20 minutes), or choose:
 *   --shape fanout|meeting|join|many-rooms|all   (repeat or comma-separate; default all)
 *   --meeting-seconds S               (default 180)   --meeting-people N   (default 30)
 *   --caret keystroke|tiptap          (default keystroke; see CaretModel in relay/meeting.ts)
 *   --edits N (default 10000)   --joins N (default 20)   --restarts N (default 5)
 *   --rooms N,N,…  (many-rooms steps; default 100,200,300,400,500)
 *   --rooms-seconds S (measured per step, default 20)
 *   --repeat N        (many-rooms: every server N times per step, in turn; default 1)
 *   --servers grassroots,y-websocket  (many-rooms: which servers; default both, e.g. to profile ours;
 *                         add y-websocket-leveldb for the reference persisting every update
 *                         through its y-leveldb option, LevelDB without disk syncs)
 *   --variant NAME=JSON  (many-rooms, repeatable: one more of our relay, reported as grassroots/NAME,
 *                         with these settings, e.g. --variant 'c20={"commitIntervalMs":20}', to
 *                         measure what a setting costs and buys side by side in one run; a
 *                         "nodeArgs" list in the JSON gives that process Node flags too, e.g.
 *                         'semi={"nodeArgs":["--max-semi-space-size=32"]}')
 * Environment: BENCH_RELAY_SIZES, BENCH_RELAY_RATE (fan-out), BENCH_RELAY_NODE_ARGS (extra Node
 * flags for the server processes, e.g. "--cpu-prof").
 *
 * Exit code 1 when the run itself fails or clients still connected disagree at the end; a server
 * that cuts people off or misses a goal is reported, not failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FANOUT_MAX_CLIENTS, runFanout } from './relay/fanout.ts';
import { runJoinShape } from './relay/join.ts';
import { MANY_ROOMS_STEPS, runManyRoomsShape } from './relay/manyRooms.ts';
import { type CaretModel, runMeetingShape } from './relay/meeting.ts';
import { codeState, fixed, type ShapeReport } from './relay/report.ts';
import type { ServerKind } from './relay/servers.ts';

const SHAPES = ['fanout', 'meeting', 'join', 'many-rooms'] as const;
const SERVER_KINDS: readonly ServerKind[] = ['y-websocket', 'grassroots'];
/** Many-rooms only: the reference persisting through its y-leveldb option. */
const LEVELDB = 'y-websocket-leveldb';
type Shape = (typeof SHAPES)[number];

type Flags = {
  shapes: Shape[];
  meetingSeconds: number;
  meetingPeople: number;
  caret: CaretModel;
  edits: number;
  joins: number;
  restarts: number;
  rooms: number[];
  roomsSeconds: number;
  /** Many-rooms: every server this many times per step, interleaved (to see the noise). */
  repeat: number;
  servers: ServerKind[];
  /** Many-rooms: also the reference with its LevelDB persistence. */
  withLevelDb: boolean;
  variants: { name: string; config: Record<string, unknown>; nodeArgs: string[] }[];
};

const USAGE =
  'usage: relay.bench.ts [--shape fanout|meeting|join|many-rooms|all] [--meeting-seconds S] ' +
  '[--meeting-people N] [--caret keystroke|tiptap] [--edits N] [--joins N] [--restarts N] ' +
  '[--rooms N,N,…] [--rooms-seconds S] [--repeat N] [--servers grassroots,y-websocket,y-websocket-leveldb] [--variant NAME=JSON]…';

/** The servers `times` times over, in turn, the later rounds labelled #2, #3… */
function repeated<T extends { label: string }>(times: number, servers: readonly T[]): T[] {
  const all: T[] = [...servers];
  for (let round = 2; round <= times; round++)
    all.push(...servers.map((s) => ({ ...s, label: `${s.label}#${round}` })));
  return all;
}

function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = {
    shapes: [],
    meetingSeconds: 180,
    meetingPeople: 30,
    caret: 'keystroke',
    edits: 10_000,
    joins: 20,
    restarts: 5,
    rooms: [...MANY_ROOMS_STEPS],
    roomsSeconds: 20,
    repeat: 1,
    servers: [...SERVER_KINDS],
    withLevelDb: false,
    variants: [],
  };
  const count = (name: string, value: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`--${name} must be a whole number from ${min} to ${max}\n${USAGE}`);
    }
    return n;
  };
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
        for (const shape of value.split(',')) {
          if (shape === 'all') flags.shapes.push(...SHAPES);
          else if ((SHAPES as readonly string[]).includes(shape)) flags.shapes.push(shape as Shape);
          else throw new Error(`unknown shape "${shape}"\n${USAGE}`);
        }
        break;
      case 'meeting-seconds':
        flags.meetingSeconds = count(name, value, 5, 3600);
        break;
      case 'meeting-people':
        flags.meetingPeople = count(name, value, 2, 200);
        break;
      case 'caret':
        if (value !== 'keystroke' && value !== 'tiptap') {
          throw new Error(`--caret must be keystroke or tiptap\n${USAGE}`);
        }
        flags.caret = value;
        break;
      case 'edits':
        flags.edits = count(name, value, 10, 1_000_000);
        break;
      case 'joins':
        flags.joins = count(name, value, 1, 1000);
        break;
      case 'restarts':
        flags.restarts = count(name, value, 0, 100);
        break;
      case 'rooms':
        flags.rooms = value.split(',').map((n) => count(name, n, 1, 5000));
        if (flags.rooms.some((n, j) => j > 0 && n <= flags.rooms[j - 1]!)) {
          throw new Error(`--rooms must increase step by step\n${USAGE}`);
        }
        break;
      case 'rooms-seconds':
        flags.roomsSeconds = count(name, value, 2, 600);
        break;
      case 'repeat':
        flags.repeat = count(name, value, 1, 10);
        break;
      case 'servers': {
        const kinds = value.split(',');
        if (kinds.some((k) => k !== LEVELDB && !(SERVER_KINDS as readonly string[]).includes(k))) {
          throw new Error(`--servers takes ${[...SERVER_KINDS, LEVELDB].join(', ')}\n${USAGE}`);
        }
        flags.servers = SERVER_KINDS.filter((k) => kinds.includes(k));
        flags.withLevelDb = kinds.includes(LEVELDB);
        break;
      }
      case 'variant': {
        const at = value.indexOf('=');
        const variant = at > 0 ? value.slice(0, at) : '';
        let config: unknown;
        try {
          config = JSON.parse(value.slice(at + 1));
        } catch {
          config = null;
        }
        if (!/^[\w-]+$/.test(variant) || typeof config !== 'object' || config === null) {
          throw new Error(`--variant takes NAME={"setting":value,…}\n${USAGE}`);
        }
        const { nodeArgs, ...settings } = config as Record<string, unknown>;
        const isFlags = (v: unknown): v is string[] =>
          Array.isArray(v) && v.every((a) => typeof a === 'string' && a.startsWith('--'));
        if (nodeArgs !== undefined && !isFlags(nodeArgs)) {
          throw new Error(`--variant: "nodeArgs" must be a list of Node flags\n${USAGE}`);
        }
        flags.variants.push({ name: variant, config: settings, nodeArgs: nodeArgs ?? [] });
        break;
      }
      default:
        throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    }
  }
  if (flags.shapes.length === 0) flags.shapes.push(...SHAPES);
  flags.shapes = SHAPES.filter((s) => flags.shapes.includes(s));
  return flags;
}

async function main(): Promise<void> {
  let flags: Flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const nodeArgs = (process.env.BENCH_RELAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // Each provider adds a process 'exit' listener.
  process.setMaxListeners(
    Math.max(FANOUT_MAX_CLIENTS, flags.meetingPeople, Math.max(...flags.rooms) * 5) * 2 + 20,
  );
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const code = codeState(repoRoot);
  console.log(
    `relay bench: ${flags.shapes.join(', ')}; commit ${code.commit}` +
      (code.uncommittedRelayChanges.length > 0
        ? ` with uncommitted changes in ${code.uncommittedRelayChanges.length} server/shared files`
        : ''),
  );
  const failures: string[] = [];
  const began = performance.now();
  for (const shape of flags.shapes) {
    const loadAverageAtStart = loadavg()[0] ?? 0;
    const log = (line: string) => console.log(line);
    let report: ShapeReport;
    if (shape === 'fanout') report = await runFanout(nodeArgs, log);
    else if (shape === 'meeting') {
      log(
        `meeting: ${flags.meetingPeople} people for ${flags.meetingSeconds} s, caret per ${flags.caret}`,
      );
      report = await runMeetingShape(
        {
          people: flags.meetingPeople,
          seconds: flags.meetingSeconds,
          caret: flags.caret,
          nodeArgs,
        },
        log,
      );
    } else if (shape === 'many-rooms') {
      report = await runManyRoomsShape(
        {
          steps: flags.rooms,
          measureSeconds: flags.roomsSeconds,
          servers: repeated(flags.repeat, [
            ...flags.servers.map((kind) => ({ kind, label: kind })),
            ...(flags.withLevelDb
              ? [{ kind: 'y-websocket' as const, label: 'y-websocket+leveldb', persist: true }]
              : []),
            ...flags.variants.map(({ name: variant, config, nodeArgs: ownNodeArgs }) => ({
              kind: 'grassroots' as const,
              label: `grassroots/${variant}`,
              config,
              nodeArgs: ownNodeArgs,
            })),
          ]),
          nodeArgs,
        },
        log,
      );
    } else {
      log(`join: ${flags.edits} edits, ${flags.joins} joins, ${flags.restarts} restarts`);
      report = await runJoinShape(
        { edits: flags.edits, joins: flags.joins, restarts: flags.restarts, nodeArgs },
        log,
      );
    }
    const loadAverageAtEnd = loadavg()[0] ?? 0;
    console.log(`\n${report.lines.join('\n')}`);
    console.log(
      `load average (1 min) ${fixed(loadAverageAtStart, 2)} at start, ${fixed(loadAverageAtEnd, 2)} at end\n`,
    );
    const outFile = join(repoRoot, 'bench-results', report.file);
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(
      outFile,
      `${JSON.stringify(
        {
          at: new Date().toISOString(),
          node: process.version,
          code,
          // Other work on the machine shows up as noise; the 1-minute load average says how much.
          loadAverageAtStart,
          loadAverageAtEnd,
          ...report.json,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`written ${outFile}\n`);
    failures.push(...report.failures);
  }
  console.log(`relay bench took ${fixed((performance.now() - began) / 60_000, 1)} min`);
  if (failures.length > 0) throw new Error(failures.join('\n'));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

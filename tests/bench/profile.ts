/**
 * Summarises V8 CPU profiles (`node --cpu-prof`, e.g. the relay benchmark's server processes with
 * BENCH_RELAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR"): where the busy time went, by function
 * (self time and total time, i.e. with what it called) and by file or package.
 *
 * Run: `corepack pnpm exec tsx tests/bench/profile.ts FILE.cpuprofile… [--top N] [--from S] [--to S]
 *   [--match TEXT]`
 *   --top N      rows per table (default 30)
 *   --from/--to  only samples in this window, seconds from the profile's start
 *   --match TEXT total-time table only for functions whose name or file contains TEXT
 *   --within TEXT only samples whose stack holds a function whose name or file contains TEXT
 * Several files are added together (one per process or per run).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
};

/** Pseudo-frames V8 records for time spent outside JavaScript. */
const IDLE = '(idle)';

/** Where a frame's code comes from: a package, a file of the project, or Node itself. */
function origin(url: string): string {
  if (url === '') return '(native / VM)';
  if (url.startsWith('node:')) return 'node:internal';
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1]!;
  const own = /\/(server|shared|client|tests)\/(.*)$/.exec(path);
  return own ? `${own[1]}/${own[2]}` : basename(path);
}

const frameKey = (f: CallFrame): string => {
  const name = f.functionName || '(anonymous)';
  if (f.url === '') return name;
  const where = origin(f.url);
  // Within a package, the file too (lib0/encoding.js, yjs/yjs.mjs).
  const file =
    where.includes('/') || where.startsWith('node:') ? where : `${where}/${basename(f.url)}`;
  return `${name}  ${file}:${f.lineNumber + 1}`;
};

type Totals = {
  busyUs: number;
  idleUs: number;
  self: Map<string, number>;
  total: Map<string, number>;
  byOrigin: Map<string, number>;
};

const add = (map: Map<string, number>, key: string, us: number) =>
  map.set(key, (map.get(key) ?? 0) + us);

/** Adds one profile's samples in [fromS, toS) (seconds from its start) to `totals`. */
function accumulate(
  profile: CpuProfile,
  totals: Totals,
  fromS = 0,
  toS = Infinity,
  within: string | null = null,
): void {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  let t = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    // timeDeltas[i] is the time since the previous sample: the time this sample stands for.
    const us = profile.timeDeltas[i] ?? 0;
    t += us;
    const seconds = t / 1e6;
    if (seconds < fromS || seconds >= toS || us <= 0) continue;
    const leaf = byId.get(profile.samples[i]!)!;
    if (leaf.callFrame.functionName === IDLE) {
      totals.idleUs += us;
      continue;
    }
    // Total time: each function once per stack, however deep it recurses.
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      seen.add(frameKey(byId.get(id)!.callFrame));
    }
    if (within !== null && ![...seen].some((key) => key.includes(within))) continue;
    totals.busyUs += us;
    add(totals.self, frameKey(leaf.callFrame), us);
    add(totals.byOrigin, origin(leaf.callFrame.url), us);
    for (const key of seen) add(totals.total, key, us);
  }
}

function table(title: string, map: Map<string, number>, busyUs: number, top: number): string {
  const rows = [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = rows.map(
    ([key, us]) =>
      `${(us / 1000).toFixed(0).padStart(9)} ms ${((100 * us) / busyUs).toFixed(1).padStart(5)} %  ${key}`,
  );
  return [`${title}`, ...lines].join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const files: string[] = [];
  let top = 30;
  let fromS = 0;
  let toS = Infinity;
  let match: string | null = null;
  let within: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--top') top = Number(args[++i]);
    else if (arg === '--from') fromS = Number(args[++i]);
    else if (arg === '--to') toS = Number(args[++i]);
    else if (arg === '--match') match = args[++i] ?? null;
    else if (arg === '--within') within = args[++i] ?? null;
    else files.push(arg);
  }
  if (files.length === 0) {
    console.error(
      'usage: profile.ts FILE.cpuprofile… [--top N] [--from S] [--to S] [--match TEXT] [--within TEXT]',
    );
    process.exit(2);
  }
  const totals: Totals = {
    busyUs: 0,
    idleUs: 0,
    self: new Map(),
    total: new Map(),
    byOrigin: new Map(),
  };
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    accumulate(profile, totals, fromS, toS, within);
  }
  const busy = totals.busyUs;
  const total = match
    ? new Map([...totals.total].filter(([key]) => key.includes(match)))
    : totals.total;
  console.log(
    `${files.length} profile(s): busy ${(busy / 1e6).toFixed(2)} s, idle ${(totals.idleUs / 1e6).toFixed(2)} s` +
      (fromS > 0 || toS < Infinity ? ` (window ${fromS}–${toS} s)` : '') +
      (within ? ` (stacks through "${within}")` : ''),
  );
  console.log(`\n${table('self time by file or package', totals.byOrigin, busy, top)}`);
  console.log(`\n${table('self time by function', totals.self, busy, top)}`);
  console.log(`\n${table('total time by function (with callees)', total, busy, top)}`);
}

main();

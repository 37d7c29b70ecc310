/**
 * `pnpm bench:storage` — what one stored update costs the relay's process in SqliteStore.
 *
 * The relay commits the writes of every room every `commitIntervalMs` (10 ms) in one
 * transaction (CommitBatcher → `SqliteStore.appendUpdates`). This runs that alone: N rooms,
 * commits of R rows each to rooms picked at random (each row an update of 40–100 bytes, as a few
 * typed characters encode), through the real store on a file in a temp folder, at
 * `synchronous = FULL` (the default: every commit syncs the WAL) and NORMAL (no sync per commit).
 * Reports the process CPU per commit and per row (user and system), the wall time per commit,
 * Tells apart what a commit costs whatever it holds (the sync) from what each row costs (the
 * B-tree page of its room, written whole to the WAL and later to the file).
 *
 * Run: `corepack pnpm bench:storage [--commits N] [--rooms N,N] [--rows N,N]`
 *   --commits N   commits per case (default 2000)
 *   --rooms N,N   rooms the rows go to (default 100,500)
 *   --rows N,N    rows per commit (default 1,10,40)
 * Writes bench-results/storage.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '@grassroots/server';

type Case = { rooms: number; rows: number; synchronous: 'full' | 'normal' };
type Result = Case & {
  commits: number;
  cpuPerCommitUs: number;
  userPerCommitUs: number;
  systemPerCommitUs: number;
  cpuPerRowUs: number;
  wallPerCommitUs: number;
};

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};
const list = (name: string, fallback: number[]): number[] => {
  const value = arg(name);
  if (value === undefined) return fallback;
  const xs = value.split(',').map(Number);
  if (xs.some((x) => !Number.isInteger(x) || x < 1 || x > 100_000)) {
    throw new Error(`--${name} takes whole numbers from 1 to 100000, comma-separated`);
  }
  return xs;
};
const COMMITS = list('commits', [2000])[0]!;
const ROOMS = list('rooms', [100, 500]);
const ROWS = list('rows', [1, 10, 40]);

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function runCase(c: Case): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'grassroots-bench-storage-'));
  const store = new SqliteStore(join(dir, 'bench.sqlite'), { synchronous: c.synchronous });
  try {
    const random = rng(c.rooms * 1000 + c.rows);
    // Room names as the relay makes them: workspace id / doc id.
    const rooms = Array.from(
      { length: c.rooms },
      (_, i) => `w${String(i % 7).padStart(21, '0')}/d${String(i).padStart(21, '0')}`,
    );
    const payload = (): Uint8Array => {
      const bytes = new Uint8Array(40 + Math.floor(random() * 60));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      return bytes;
    };
    const batch = () =>
      Array.from({ length: c.rows }, () => ({
        room: rooms[Math.floor(random() * rooms.length)]!,
        authorId: 'm-0123456789abcdef',
        at: Date.now(),
        update: payload(),
      }));
    // Warm-up: every room has rows and pages of its own before the measured commits.
    for (let i = 0; i < Math.max(50, (c.rooms * 3) / c.rows); i++)
      await store.appendUpdates(batch());
    const batches = Array.from({ length: COMMITS }, batch);
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (const rows of batches) await store.appendUpdates(rows);
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return {
      ...c,
      commits: COMMITS,
      cpuPerCommitUs: (used.user + used.system) / COMMITS,
      userPerCommitUs: used.user / COMMITS,
      systemPerCommitUs: used.system / COMMITS,
      cpuPerRowUs: (used.user + used.system) / (COMMITS * c.rows),
      wallPerCommitUs: (wall * 1000) / COMMITS,
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const results: Result[] = [];
  for (const rooms of ROOMS) {
    for (const rows of ROWS) {
      for (const synchronous of ['full', 'normal'] as const) {
        const r = await runCase({ rooms, rows, synchronous });
        results.push(r);
        console.log(
          `${String(rooms).padStart(5)} rooms ${String(rows).padStart(3)} rows/commit ` +
            `${synchronous.padEnd(6)}: ${r.cpuPerCommitUs.toFixed(0).padStart(5)} µs CPU a commit ` +
            `(user ${r.userPerCommitUs.toFixed(0)}, system ${r.systemPerCommitUs.toFixed(0)}), ` +
            `${r.cpuPerRowUs.toFixed(1)} µs a row, ${r.wallPerCommitUs.toFixed(0)} µs wall a commit`,
        );
      }
    }
  }
  const out = join(
    resolve(dirname(fileURLToPath(import.meta.url)), '../..'),
    'bench-results',
    'storage.json',
  );
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ commits: COMMITS, results }, null, 2)}\n`);
  console.log(`written ${out}`);
}

await main();

/**
 * `corepack pnpm fuzz [--frames N] [--seed S] [--conns C] [--only kinds] [--exclude kinds]
 * [--keep-going] [--no-isolate] [--keep-data] [--time-limit SECONDS]`
 *
 * Kinds are comma-separated frame kinds or prefixes of them (`awareness.,update.mutated.flip`), as
 * the summary names them.
 *
 * Fuzzes the relay (a real server process on 127.0.0.1) and checks that it survived, that every
 * stored row loads, that a doc written before is unchanged and that memory came back. Prints the
 * seed first and with any failure; the same seed and flags send the same frames again. Exits 1
 * on any failure, 2 on bad flags.
 */
import { runFuzz } from './fuzzer.ts';
import { formatReport } from './report.ts';

const USAGE =
  'usage: pnpm fuzz [--frames N] [--seed S] [--conns C] [--only kind,...] [--exclude kind,...] [--keep-going] [--no-isolate] [--keep-data] [--time-limit SECONDS]';

function parseArgs(argv: string[]) {
  const out = {
    frames: 100_000,
    seed: Math.floor(Math.random() * 2 ** 32),
    conns: 16,
    only: null as string[] | null,
    exclude: [] as string[],
    keepGoing: false,
    isolate: true,
    keepData: false,
    timeLimitSeconds: 600,
  };
  const int = (name: string, value: string | undefined, min: number, max: number) => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < min || n > max) {
      throw new Error(`--${name} needs an integer from ${min} to ${max}`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--frames':
        out.frames = int('frames', value(), 1, 10_000_000);
        break;
      case '--seed':
        out.seed = int('seed', value(), 0, 2 ** 32 - 1);
        break;
      case '--conns':
        out.conns = int('conns', value(), 1, 500);
        break;
      case '--only':
        out.only = (value() ?? '').split(',').filter(Boolean);
        break;
      case '--exclude':
        out.exclude = (value() ?? '').split(',').filter(Boolean);
        break;
      case '--time-limit':
        out.timeLimitSeconds = int('time-limit', value(), 1, 24 * 3600);
        break;
      case '--keep-going':
        out.keepGoing = true;
        break;
      case '--no-isolate':
        out.isolate = false;
        break;
      case '--keep-data':
        out.keepData = true;
        break;
      case '--help':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
    }
  }
  return out;
}

async function main() {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`fuzz: ${(error as Error).message}`);
    process.exit(2);
  }
  console.log(
    `fuzz: seed ${args.seed}, ${args.frames} frames, ${args.conns} connections (replay with --seed ${args.seed})`,
  );
  const report = await runFuzz({
    frames: args.frames,
    seed: args.seed,
    conns: args.conns,
    exclude: args.exclude,
    ...(args.only ? { only: args.only } : {}),
    keepGoing: args.keepGoing,
    isolateCrash: args.isolate,
    keepData: args.keepData,
    timeLimitMs: args.timeLimitSeconds * 1000,
    progress: (line) => console.log(`fuzz: ${line}`),
  });
  console.log(formatReport(report));
  process.exit(report.failures.length > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error('fuzz: the fuzzer itself failed:', error);
  process.exit(1);
});

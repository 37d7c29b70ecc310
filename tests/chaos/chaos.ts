/**
 * The crash loop (`pnpm chaos [--rounds N] [--seed S]`): writers with acks under load, the relay
 * SIGKILLed at random moments and around compaction, restarted on the same data; every
 * acknowledged or relayed update must survive. Exits 1 when anything was lost.
 */
import { parseArgs } from 'node:util';
import { type CrashLoopReport, runCrashLoop } from './crashLoop.ts';

const MAX_ROUNDS = 500;

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '30' },
    seed: { type: 'string' },
    rooms: { type: 'string', default: '4' },
    writers: { type: 'string', default: '3' },
    'keep-data': { type: 'boolean', default: false },
  },
});

const int = (name: string, raw: string | undefined, min: number, max: number): number => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`--${name} must be an integer from ${min} to ${max}`);
    process.exit(2);
  }
  return value;
};

const rounds = int('rounds', values.rounds, 1, MAX_ROUNDS);
const seed =
  values.seed === undefined
    ? Math.floor(Math.random() * 2 ** 31)
    : int('seed', values.seed, 0, 2 ** 32 - 1);
const rooms = int('rooms', values.rooms, 1, 50);
const writersPerRoom = int('writers', values.writers, 1, 20);

console.log(
  `crash loop: seed ${seed}, ${rounds} rounds, ${rooms} rooms × ${writersPerRoom} writers (replay: pnpm chaos --rounds ${rounds} --seed ${seed})`,
);
let report: CrashLoopReport;
try {
  report = await runCrashLoop({
    rounds,
    seed,
    rooms,
    writersPerRoom,
    // Bounded: no new round after 20 minutes, whatever --rounds says.
    timeLimitMs: 20 * 60_000,
    keepDataDir: values['keep-data'],
    log: (line) => console.log(`  ${line}`),
  });
} catch (error) {
  console.error(`crash loop failed (seed ${seed}):`, error);
  process.exit(1);
}

console.log(`
seed                     ${report.seed}
rounds                   ${report.rounds}
updates written          ${report.written}
acked updates checked    ${report.acked} distinct, ${report.checks.acked} checks
relayed updates checked  ${report.relayed} distinct, ${report.checks.relayed} checks
kills                    random ${report.kills.random}, after compaction ${report.kills.afterCompaction}, at unload ${report.kills.atUnload}
compactions logged       ${report.compactions} (kills within 5 ms after one: ${report.killsRightAfterCompaction})
unsettled at the end     ${report.unsettled}
lost                     ${report.lost.length}
time                     ${(report.durationMs / 1000).toFixed(1)} s`);
for (const anomaly of report.anomalies) console.log(`anomaly: ${anomaly}`);
if (report.lost.length > 0) {
  console.log(`\nLOST (seed ${report.seed}; data kept in ${report.dataDir}):`);
  for (const lost of report.lost.slice(0, 50)) {
    console.log(
      `  ${lost.room} ${lost.key} (${lost.vouchedBy}) missing after ${lost.missingAfter}`,
    );
  }
}
const isFailed = report.lost.length > 0 || report.unsettled > 0;
process.exit(isFailed ? 1 : 0);

/** The fuzzer's summary as text, for the CLI and for a failing test's message. */
import type { FuzzReport } from './fuzzer.ts';

const mib = (bytes: number | null) =>
  bytes === null ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MiB`;

const table = (counts: Record<string, number>, limit = 50) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([key, n]) => `    ${String(n).padStart(7)}  ${key}`)
    .join('\n') || '    (none)';

/** The command that sends the same frames again. */
export function replayCommand({ seed, options }: FuzzReport): string {
  const { frames, conns, only, exclude } = options;
  const kinds = [
    ...(only ? [`--only ${only.join(',')}`] : []),
    ...(exclude.length > 0 ? [`--exclude ${exclude.join(',')}`] : []),
  ];
  return [`corepack pnpm fuzz --seed ${seed} --frames ${frames} --conns ${conns}`, ...kinds].join(
    ' ',
  );
}

/** Formats a report: counts, checks, then failures with the seed to replay them. */
export function formatReport(report: FuzzReport): string {
  const { memory, stored, preserved } = report;
  const lines = [
    `seed ${report.seed}: ${report.framesSent} of ${report.options.frames} frames over ${report.connections} connections (${report.options.conns} at a time, ${report.options.rooms} rooms + the preserved doc) in ${(report.durationMs / 1000).toFixed(1)} s`,
    '  frames sent by kind:',
    table(report.byKind),
    '  connections closed by the server, by code:',
    table(report.closedByCode),
    '  most frequent close reasons:',
    table(report.closeReasons, 12),
  ];
  if (report.isStoppedEarly) lines.push('  the time limit stopped the barrage early');
  if (Object.keys(report.refusedUpgrades).length > 0) {
    lines.push('  upgrades refused or failed:', table(report.refusedUpgrades));
  }
  lines.push(
    `  server alive at the end: ${report.isAlive ? 'yes' : 'NO'}; crashes: ${report.crashes.length}; exit on SIGTERM: ${report.serverStopCode ?? 'n/a'}`,
    `  stored rows checked: ${stored.rows} rows (${mib(stored.bytes)}) in ${stored.rooms} rooms; ${stored.bad.length} do not load; ${stored.roomsWithPending.length} rooms hold updates waiting for missing ones`,
    `  preserved doc: ${preserved.rows} rows, ${preserved.isRowsIdentical ? 'identical' : 'CHANGED'}; a fresh client's sync: ${preserved.isSyncIdentical ? 'identical' : 'DIFFERENT or not checked'}`,
    `  memory (${memory.measure}): baseline ${mib(memory.baselineBytes)}, after ${mib(memory.afterBytes)}, tolerance ${mib(memory.toleranceBytes)}: ${memory.isReturned === null ? 'not compared' : memory.isReturned ? 'returned' : 'NOT returned'}; RSS ${mib(memory.baselineRss)} → ${mib(memory.afterRss)}; connections left ${memory.connectionsLeft ?? 'n/a'}, rooms left ${memory.roomsLeft ?? 'n/a'}`,
  );
  if (Object.keys(report.serverErrors).length > 0) {
    lines.push('  error lines in the server log:', table(report.serverErrors));
  }
  for (const [i, crash] of report.crashes.entries()) {
    lines.push(`  crash ${i + 1}: exit ${crash.code ?? crash.signal}; stderr ends:`);
    lines.push(
      ...crash.stderr
        .trim()
        .split('\n')
        .slice(-14)
        .map((l) => `    | ${l}`),
    );
    lines.push('    last frames before it (slot/index kind bytes room):');
    for (const r of crash.recent.slice(-8)) {
      const size = typeof r.frame.data === 'string' ? r.frame.data.length : r.frame.data.byteLength;
      lines.push(`      ${r.slot}/${r.index} ${r.frame.kind} ${size} ${r.room}`);
    }
    if (crash.culprit) {
      const { frame, slot, index } = crash.culprit;
      const size = typeof frame.data === 'string' ? frame.data.length : frame.data.byteLength;
      const head =
        typeof frame.data === 'string'
          ? JSON.stringify(frame.data.slice(0, 80))
          : Buffer.from(frame.data.subarray(0, 48)).toString('hex');
      lines.push(
        `    a fresh server crashes on one frame followed by a client joining its room: slot ${slot} frame #${index}, ${frame.kind}, ${size} bytes: ${head}…`,
      );
    } else if (i === 0)
      lines.push('    no single frame crashed a fresh server on its own (or the search was off)');
  }
  for (const row of stored.bad.slice(0, 10)) {
    const hex = row.update ? Buffer.from(row.update.subarray(0, 64)).toString('hex') : '';
    const from = row.frame
      ? `; sent as ${row.frame.kind} by slot ${row.frame.slot} (#${row.frame.index}); update ${hex}${row.update && row.update.byteLength > 64 ? '…' : ''}`
      : '';
    lines.push(
      `  bad row ${row.room} seq ${row.seq ?? '(all merged)'}: ${row.stage}: ${row.error}${from}`,
    );
  }
  if (report.failures.length === 0) {
    lines.push(`PASSED (seed ${report.seed})`);
  } else {
    lines.push(
      `FAILED (seed ${report.seed}):`,
      ...report.failures.slice(0, 30).map((f) => `  - ${f}`),
    );
    if (report.failures.length > 30) lines.push(`  … and ${report.failures.length - 30} more`);
    lines.push(`  replay: ${replayCommand(report)}`);
    if (report.framesFile) lines.push(`  frames and bad rows written to ${report.framesFile}`);
  }
  return lines.join('\n');
}

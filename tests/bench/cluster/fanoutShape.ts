/**
 * The relay benchmark's fan-out workload (relay/fanout.ts: the same rate, warm-up, saturated
 * phase and seeds) on each deployment. Per room size N, a fresh room on the setup's relays:
 * N stock y-websocket clients that ask for acks (`ack=1`, as the app does), split over the relay
 * processes (client i on relay i mod count, so in the two-process setup every room spans both);
 * warm-up, the fixed rate (fan-out latency), the saturated phase (acked writes/s), convergence.
 * One repetition per size.
 */
import { EDIT_LENGTH, type PhaseLog, Swarm } from '../relay/clients.ts';
import { FANOUT_WORKLOAD as W } from '../relay/fanout.ts';
import { fixed } from '../relay/report.ts';
import {
  type CpuFigures,
  cpuFigures,
  cpuSample,
  type LatencyFigures,
  latencyFigures,
} from './figures.ts';
import { SETUP_LABELS, type Setup } from './setups.ts';

/** The figures of one room size on one setup. */
export type FanoutResult = {
  setup: string;
  clients: number;
  /** Fan-out latency at the fixed rate, ms. */
  fixedRate: LatencyFigures & { edits: number };
  /** The saturated phase: acked writes/s is its throughput. */
  saturated: LatencyFigures & {
    edits: number;
    ackedWritesPerSecond: number;
    deliveredPerSecond: number;
  };
  /** Over both measured phases. */
  cpu: CpuFigures;
  isConverged: boolean;
  textLength: number;
};

/**
 * Runs every room size on one started setup; `onResult` gets each size's figures as soon as they
 * are measured (so a later size that fails does not lose them), `log` a progress line.
 */
export async function runFanoutOn(
  setup: Setup,
  sizes: readonly number[],
  log: (line: string) => void,
  onResult: (result: FanoutResult) => void,
): Promise<void> {
  for (const clients of sizes) {
    const started = performance.now();
    const swarm = new Swarm(setup.endpoints(`fanout-${clients}`), clients, W.seed + clients * 100, {
      wantsAcks: true,
    });
    try {
      await swarm.connect(W.connectTimeoutMs);
      await swarm.runAtRate(W.rate, (W.warmupEdits / W.rate) * 1000, W.phaseTimeoutMs);
      const cpu0 = cpuSample(setup);
      const fixedLog = await swarm.runAtRate(W.rate, W.rateMs, W.phaseTimeoutMs);
      const saturatedLog = await swarm.runSaturated(W.saturatedEdits, W.window, W.phaseTimeoutMs);
      const cpu1 = cpuSample(setup);
      const { isConverged, length } = swarm.isConverged();
      const expectedLength = (W.warmupEdits + fixedLog.edits + saturatedLog.edits) * EDIT_LENGTH;
      const deliveries = (fixedLog.edits + saturatedLog.edits) * (clients - 1);
      const result: FanoutResult = {
        setup: SETUP_LABELS[setup.kind],
        clients,
        fixedRate: { ...latencyFigures(fixedLog), edits: fixedLog.edits },
        saturated: {
          ...latencyFigures(saturatedLog),
          edits: saturatedLog.edits,
          ackedWritesPerSecond: perSecond(saturatedLog.acked, saturatedLog, 'ack'),
          deliveredPerSecond: perSecond(
            saturatedLog.edits * (clients - 1),
            saturatedLog,
            'delivery',
          ),
        },
        cpu: cpuFigures(cpu0, cpu1, deliveries),
        isConverged: isConverged && length === expectedLength,
        textLength: length,
      };
      onResult(result);
      log(
        `  N=${clients} ${result.setup}: p99 ${fixed(result.fixedRate.p99, 2)} ms, ` +
          `${fixed(result.saturated.ackedWritesPerSecond, 0)} acked writes/s, ` +
          `converged ${result.isConverged ? 'yes' : 'NO'} (${length} chars), ` +
          `${fixed((performance.now() - started) / 1000, 1)} s`,
      );
    } finally {
      swarm.destroy();
    }
  }
}

/** `count` per second of a phase, from its first send to its last ack or delivery. */
function perSecond(count: number, log: PhaseLog, until: 'ack' | 'delivery'): number {
  const end = until === 'ack' ? log.lastAckAt : log.lastDeliveryAt;
  const seconds = (end - log.firstSendAt) / 1000;
  return seconds > 0 ? count / seconds : 0;
}

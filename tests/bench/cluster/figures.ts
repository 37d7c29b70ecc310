/** Figures both cluster shapes report: latencies of a phase, and CPU per delivery. */
import { readFileSync } from 'node:fs';
import type { PhaseLog } from '../relay/clients.ts';
import { summarize } from '../relay/stats.ts';
import type { CpuSample, Setup } from './setups.ts';

/** Fan-out latency (write → applied by each other client) and ack latency (write → acked), ms. */
export type LatencyFigures = {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  ackP50: number;
  ackP99: number;
};

export function latencyFigures(log: PhaseLog): LatencyFigures {
  const fanout = summarize(log.latencies);
  const acks = summarize(log.ackLatencies);
  return {
    samples: fanout.samples,
    p50: fanout.p50,
    p95: fanout.p95,
    p99: fanout.p99,
    max: fanout.max,
    ackP50: acks.p50,
    ackP99: acks.p99,
  };
}

/**
 * CPU counters of a setup and of this process (the clients), the machine's CPU pressure, and the
 * time they were read.
 */
export type CpuMark = CpuSample & { clients: number; stalledUs: number | null; at: number };

export function cpuSample(setup: Setup): CpuMark {
  const { user, system } = process.cpuUsage();
  return {
    ...setup.cpu(),
    clients: (user + system) / 1000,
    stalledUs: cpuStalledUs(),
    at: performance.now(),
  };
}

/**
 * Time in which at least one runnable task on the machine waited for a CPU, µs since boot (Linux
 * pressure stall information); null where the kernel does not report it.
 */
function cpuStalledUs(): number | null {
  try {
    const some = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return some ? Number(some[1]) : null;
  } catch {
    return null;
  }
}

/** CPU between two marks: totals (ms), per delivery (µs) and as cores busy over the wall time. */
export type CpuFigures = {
  deliveries: number;
  wallSeconds: number;
  relaysMs: number;
  relaysUsPerDelivery: number;
  relaysCores: number;
  postgresMs: number | null;
  postgresUsPerDelivery: number | null;
  redisMs: number | null;
  redisUsPerDelivery: number | null;
  /** This process: every client's doc, socket and timers. */
  clientsMs: number;
  /**
   * Share of the time in which some runnable task on the machine (ours or anyone's) waited for a
   * CPU: near 0 on an idle machine, near 1 when every core is contended.
   */
  cpuStalled: number | null;
};

export function cpuFigures(from: CpuMark, to: CpuMark, deliveries: number): CpuFigures {
  const wallSeconds = (to.at - from.at) / 1000;
  const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
  const perDelivery = (ms: number | null) => (ms === null ? null : (ms * 1000) / deliveries);
  const relaysMs = to.relays - from.relays;
  const postgresMs = delta(from.postgres, to.postgres);
  const redisMs = delta(from.redis, to.redis);
  return {
    deliveries,
    wallSeconds,
    relaysMs,
    relaysUsPerDelivery: perDelivery(relaysMs)!,
    relaysCores: relaysMs / 1000 / wallSeconds,
    postgresMs,
    postgresUsPerDelivery: perDelivery(postgresMs),
    redisMs,
    redisUsPerDelivery: perDelivery(redisMs),
    clientsMs: to.clients - from.clients,
    cpuStalled:
      from.stalledUs === null || to.stalledUs === null
        ? null
        : (to.stalledUs - from.stalledUs) / 1e6 / wallSeconds,
  };
}

/** Figures both cluster shapes report: latencies of a phase, and CPU per delivery. */
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

/** CPU counters of a setup and of this process (the clients), with the time they were read. */
export type CpuMark = CpuSample & { clients: number; at: number };

export function cpuSample(setup: Setup): CpuMark {
  const { user, system } = process.cpuUsage();
  return { ...setup.cpu(), clients: (user + system) / 1000, at: performance.now() };
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
  };
}

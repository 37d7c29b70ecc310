import { Counter, Gauge, Registry } from 'prom-client';

/** The relay's Prometheus metrics, on a registry of its own (several relays can share a process). */
export function createMetrics() {
  const registry = new Registry();
  const labels = { registers: [registry] };
  return {
    registry,
    roomsLoaded: new Gauge({
      name: 'grassroots_rooms_loaded',
      help: 'Rooms held in memory',
      ...labels,
    }),
    connections: new Gauge({
      name: 'grassroots_connections',
      help: 'Open WebSocket connections',
      ...labels,
    }),
    updatesStored: new Counter({
      name: 'grassroots_updates_stored_total',
      help: 'Updates committed to storage',
      ...labels,
    }),
    bytesStored: new Counter({
      name: 'grassroots_update_bytes_stored_total',
      help: 'Bytes of updates committed to storage',
      ...labels,
    }),
    storeFailures: new Counter({
      name: 'grassroots_store_failures_total',
      help: 'Storage writes that failed and were retried',
      ...labels,
    }),
    loadFailures: new Counter({
      name: 'grassroots_load_failures_total',
      help: 'Rooms whose stored state could not be loaded',
      ...labels,
    }),
    messagesRejected: new Counter({
      name: 'grassroots_messages_rejected_total',
      help: 'WebSocket messages refused, by reason',
      labelNames: ['reason'] as const,
      ...labels,
    }),
    connectionsRefused: new Counter({
      name: 'grassroots_connections_refused_total',
      help: 'WebSocket upgrades refused, by HTTP status',
      labelNames: ['status'] as const,
      ...labels,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

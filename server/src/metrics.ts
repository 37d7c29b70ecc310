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
    storageCommits: new Counter({
      name: 'grassroots_storage_commits_total',
      help: 'Storage transactions that appended updates (several rooms and updates each, UPD-6)',
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
    historyRebuilds: new Counter({
      name: 'grassroots_history_rebuilds_total',
      help: 'Rooms whose history was rebuilt from the stored log (not found in the history cache)',
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
    messagesAfterClose: new Counter({
      name: 'grassroots_messages_after_close_total',
      help: 'Messages that arrived on a connection the relay had decided to close (ignored)',
      ...labels,
    }),
    refusalsNotLogged: new Counter({
      name: 'grassroots_refusals_not_logged_total',
      help: 'Refusals not logged because the connection already had one of that kind logged',
      ...labels,
    }),
    awarenessDropped: new Counter({
      name: 'grassroots_awareness_entries_dropped_total',
      help: 'Awareness entries about client ids the sender does not own (echoes), dropped',
      ...labels,
    }),
    updatesUnappliable: new Counter({
      name: 'grassroots_updates_unappliable_total',
      help: 'Updates that decoded but failed to apply; refused, and the room reloaded',
      ...labels,
    }),
    pendingDropped: new Counter({
      name: 'grassroots_pending_structs_dropped_total',
      help: 'Times a room dropped structs waiting for their dependencies (too many, or the index)',
      ...labels,
    }),
    syncsDelayed: new Counter({
      name: 'grassroots_syncs_delayed_total',
      help: "First syncs that waited for their member's budget (SYNC-2): asked for again and again",
      ...labels,
    }),
    rowsCaughtUp: new Counter({
      name: 'grassroots_rows_caught_up_total',
      help: 'Stored rows another relay process committed, read from storage and applied here',
      ...labels,
    }),
    fanoutErrors: new Counter({
      name: 'grassroots_fanout_errors_total',
      help: 'Fan-out bus errors (bus unreachable, unreadable message); rooms catch up from storage',
      ...labels,
    }),
    roomsReset: new Counter({
      name: 'grassroots_rooms_reset_total',
      help: 'Rooms reloaded from storage because their doc in memory could not be trusted',
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

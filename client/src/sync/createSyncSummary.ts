import { type Accessor, createSignal, onCleanup } from 'solid-js';
import type { SyncSummary, WorkspaceSync } from './WorkspaceSync.ts';

/** The workspace's sync summary as a signal, updated whenever a doc or connection changes. */
export function createSyncSummary(sync: WorkspaceSync): Accessor<SyncSummary> {
  const [summary, setSummary] = createSignal(sync.summary(), { equals: false });
  onCleanup(sync.onChange(() => setSummary(sync.summary())));
  // Coarse clock so "saved at" stays honest when nothing else changes.
  const timer = setInterval(() => setSummary(sync.summary()), 30_000);
  onCleanup(() => clearInterval(timer));
  return summary;
}

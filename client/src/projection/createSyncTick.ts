import { type Accessor, createSignal, onCleanup } from 'solid-js';
import type { WorkspaceSync } from '../sync/WorkspaceSync.ts';

/**
 * A number that moves on when a doc of the workspace changed: at most once per `everyMs` while
 * people type (a projection read from every doc is not redone for each keystroke), and at once
 * when the device has finished building its docs (the complete picture shows without waiting).
 * Read it in a memo that reads the docs.
 */
export function createSyncTick(sync: WorkspaceSync, everyMs = 500): Accessor<number> {
  const [tick, setTick] = createSignal(0);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let wasLoading = sync.isLoading;
  const off = sync.onChange(() => {
    if (wasLoading && !sync.isLoading) {
      wasLoading = false;
      setTick((n) => n + 1);
      return;
    }
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      setTick((n) => n + 1);
    }, everyMs);
  });
  onCleanup(() => {
    off();
    if (timer !== null) clearTimeout(timer);
  });
  return tick;
}

import { createSignal } from 'solid-js';
import { saveBlob } from '../history/saveBlob.ts';

/** Runs one export at a time and keeps its state (busy, error) for the screen. */
export function createExport(): {
  run: (make: () => Promise<Blob> | Blob, fileName: string) => Promise<void>;
  isBusy: () => boolean;
  error: () => string | null;
} {
  const [isBusy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  return {
    run: async (make, fileName) => {
      if (isBusy()) return;
      setBusy(true);
      setError(null);
      try {
        saveBlob(await make(), fileName);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      } finally {
        setBusy(false);
      }
    },
    isBusy,
    error,
  };
}

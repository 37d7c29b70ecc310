import { type Accessor, createSignal, onCleanup } from 'solid-js';

/** Whether the browser says it has a network, following `online`/`offline` events. */
export function createIsOnline(): Accessor<boolean> {
  const [isOnline, setOnline] = createSignal(navigator.onLine);
  const update = () => setOnline(navigator.onLine);
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  onCleanup(() => {
    window.removeEventListener('online', update);
    window.removeEventListener('offline', update);
  });
  return isOnline;
}

/**
 * A composition with no input-method event for this long stops holding: the input method or the
 * page went away without ending it. A person reading a candidate list sends no event at all, and a
 * change let through under a composition that is still live can leave its pinyin in the text (an
 * 8 s pause did, with 5 s here), so this is long. On Android ProseMirror ends a composition silent
 * for 5 s itself, and the gate stops holding then anyway.
 */
export const HOLD_IDLE_MS = 20_000;
/** However long a composition lasts, nothing waits longer than this. */
export const HOLD_MAX_MS = 30_000;
/**
 * While something waits, the gate looks this often whether the composition is still live: one
 * ended without an event (ProseMirror on Android after 5 s of silence) lets it through then.
 */
const RECHECK_MS = 1_000;

/** Options of `makeHoldGate`. */
export type HoldGateOptions<T> = {
  /** True while the person composes with an input method (ProseMirror's `view.composing`). */
  isComposing: () => boolean;
  /** Receives what passes the gate, in the order it arrived. */
  deliver: (items: T[]) => void;
  /** A composition silent for this long holds nothing; default `HOLD_IDLE_MS`. */
  idleMs?: number;
  /** Nothing waits longer than this, composing or not; default `HOLD_MAX_MS`. */
  maxHoldMs?: number;
  /** The clock; default `Date.now`. */
  now?: () => number;
};

export type HoldGate<T> = {
  /** Passes an item on at once, or keeps it while a composition is live (IME-1). */
  push(item: T): void;
  /** Call on every `compositionstart` and `compositionupdate`: the composition is alive. */
  noteComposing(): void;
  /** Passes on what waits unless a live composition still holds it; call after `compositionend`. */
  settle(): void;
  /** How many items wait. */
  readonly waiting: number;
  /** Stops the timer and forgets what waits. */
  cleanup(): void;
};

/**
 * A gate that holds items back while an input method composes and lets them through, in order,
 * once it ended (IME-1). It never holds when nobody composes, nor for a composition that has been
 * silent for `idleMs` (the input method went away without ending it), nor anything longer than
 * `maxHoldMs`: a timer lets things through then even if nobody calls `settle`.
 */
export function makeHoldGate<T>(options: HoldGateOptions<T>): HoldGate<T> {
  const idleMs = options.idleMs ?? HOLD_IDLE_MS;
  const maxHoldMs = options.maxHoldMs ?? HOLD_MAX_MS;
  const now = options.now ?? Date.now;
  let queue: T[] = [];
  let heldSince = 0;
  let lastComposing = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const isHolding = (at: number) =>
    options.isComposing() &&
    at - lastComposing < idleMs &&
    (queue.length === 0 || at - heldSince < maxHoldMs);

  const release = () => {
    clearTimeout(timer);
    timer = undefined;
    const items = queue;
    queue = [];
    if (items.length > 0) options.deliver(items);
  };

  const settle = () => {
    if (queue.length === 0) return;
    const at = now();
    if (!isHolding(at)) {
      release();
      return;
    }
    // Look again when the composition would count as silent, or the wait as too long, and every
    // RECHECK_MS until then.
    clearTimeout(timer);
    const until = Math.min(lastComposing + idleMs, heldSince + maxHoldMs, at + RECHECK_MS);
    timer = setTimeout(settle, Math.max(0, until - at));
  };

  return {
    push(item) {
      const at = now();
      if (queue.length === 0 && !isHolding(at)) {
        options.deliver([item]);
        return;
      }
      if (queue.length === 0) heldSince = at;
      queue.push(item);
      settle();
    },
    noteComposing() {
      lastComposing = now();
    },
    settle,
    get waiting() {
      return queue.length;
    },
    cleanup() {
      clearTimeout(timer);
      timer = undefined;
      queue = [];
    },
  };
}

/**
 * SYNC-J1: how long a device waits before reconnecting after its connection to the relay
 * closed. Exponential, capped, and drawn at random below the ceiling ("full jitter"), so that a
 * relay restart does not bring every device of a county back in the same 100 ms.
 */
export const RECONNECT_MIN_MS = 100;
export const RECONNECT_BASE_MS = 500;
export const RECONNECT_MAX_MS = 10_000;

/** The wait before reconnect attempt `attempt` (1 for the first), given `random` in [0, 1). */
export function reconnectDelay(attempt: number, random: number): number {
  const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.round(RECONNECT_MIN_MS + random * (ceiling - RECONNECT_MIN_MS));
}

import { describe, expect, it } from 'vitest';
import { RECONNECT_MAX_MS, RECONNECT_MIN_MS, reconnectDelay } from './reconnectDelay.ts';

describe('reconnectDelay', () => {
  it('SYNC-J1 spreads a crowd that lost the relay at once over the first second, not 100 ms', () => {
    // 1,000 devices closed by one restart, each drawing its own wait for the first attempt.
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const waits = Array.from({ length: 1000 }, () => reconnectDelay(1, random()));
    const busiest = Math.max(
      ...Array.from(
        { length: 10 },
        (_, i) => waits.filter((w) => w >= i * 100 && w < (i + 1) * 100).length,
      ),
    );
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(RECONNECT_MIN_MS);
    expect(Math.max(...waits)).toBeLessThanOrEqual(1000);
    // No 100 ms window gets more than a fifth of the crowd (without jitter it gets all of it).
    expect(busiest).toBeLessThan(200);
  });

  it('SYNC-J1 backs off exponentially up to a cap', () => {
    expect(reconnectDelay(1, 0.999)).toBeLessThanOrEqual(1000);
    expect(reconnectDelay(3, 0.999)).toBeGreaterThan(3000);
    expect(reconnectDelay(30, 0.999)).toBeLessThanOrEqual(RECONNECT_MAX_MS);
    expect(reconnectDelay(30, 0)).toBe(RECONNECT_MIN_MS);
  });
});

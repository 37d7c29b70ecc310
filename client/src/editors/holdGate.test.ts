import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HOLD_IDLE_MS, HOLD_MAX_MS, makeHoldGate } from './holdGate.ts';

/** A gate over strings whose composing state the test sets, with what it delivered. */
function gateFor(options: { idleMs?: number; maxHoldMs?: number } = {}) {
  let isComposing = false;
  const delivered: string[][] = [];
  const gate = makeHoldGate<string>({
    ...options,
    isComposing: () => isComposing,
    deliver: (items) => delivered.push(items),
  });
  return {
    gate,
    delivered,
    /** Starts (and keeps alive) a composition, as `compositionstart`/`compositionupdate` do. */
    compose: () => {
      isComposing = true;
      gate.noteComposing();
    },
    endComposition: () => {
      isComposing = false;
    },
  };
}

describe('makeHoldGate', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('IME-1 passes every item on at once, one by one, when nobody composes', () => {
    const { gate, delivered } = gateFor();
    gate.push('a');
    expect(delivered).toEqual([['a']]);
    gate.push('b');
    expect(delivered).toEqual([['a'], ['b']]);
    expect(gate.waiting).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('IME-1 holds items while a composition is live and passes them on, in order, once it ended', () => {
    const { gate, delivered, compose, endComposition } = gateFor();
    compose();
    gate.push('a');
    vi.advanceTimersByTime(1000);
    compose();
    gate.push('b');
    expect(delivered).toEqual([]);
    expect(gate.waiting).toBe(2);
    // Settling while the composition goes on changes nothing.
    gate.settle();
    expect(delivered).toEqual([]);
    endComposition();
    gate.settle();
    expect(delivered).toEqual([['a', 'b']]);
    expect(gate.waiting).toBe(0);
    gate.push('c');
    expect(delivered).toEqual([['a', 'b'], ['c']]);
  });

  it('IME-1 an item arriving after the composition ended takes what waited along, in order', () => {
    const { gate, delivered, compose, endComposition } = gateFor();
    compose();
    gate.push('a');
    endComposition();
    gate.push('b');
    expect(delivered).toEqual([['a', 'b']]);
  });

  it('IME-1 a composition that goes silent (the input method or the page went away) stops holding after the idle time', () => {
    const { gate, delivered, compose } = gateFor();
    compose();
    gate.push('a');
    vi.advanceTimersByTime(HOLD_IDLE_MS - 1);
    expect(delivered).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(delivered).toEqual([['a']]);
    // Still "composing" but silent: nothing is held any more.
    gate.push('b');
    expect(delivered).toEqual([['a'], ['b']]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('IME-1 a composition that ends without an event (ProseMirror on Android) holds nothing a second later', () => {
    const { gate, delivered, compose, endComposition } = gateFor();
    compose();
    gate.push('a');
    vi.advanceTimersByTime(500);
    endComposition();
    expect(delivered).toEqual([]);
    vi.advanceTimersByTime(500);
    expect(delivered).toEqual([['a']]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('IME-1 nothing waits longer than the longest hold, however long the composition goes on', () => {
    const { gate, delivered, compose } = gateFor();
    compose();
    gate.push('a');
    for (let ms = 0; ms < HOLD_MAX_MS - 1000; ms += 1000) {
      vi.advanceTimersByTime(1000);
      compose();
    }
    gate.push('b');
    expect(delivered).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(delivered).toEqual([['a', 'b']]);
  });

  it('IME-1 a composition keeps holding while it stays alive past the idle time', () => {
    const { gate, delivered, compose, endComposition } = gateFor({
      idleMs: 100,
      maxHoldMs: 10_000,
    });
    compose();
    gate.push('a');
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(90);
      compose();
    }
    expect(delivered).toEqual([]);
    endComposition();
    gate.settle();
    expect(delivered).toEqual([['a']]);
  });

  it('IME-1 holds nothing when no composition event was seen', () => {
    const delivered: string[][] = [];
    const gate = makeHoldGate<string>({
      isComposing: () => true,
      deliver: (items) => delivered.push(items),
    });
    gate.push('a');
    expect(delivered).toEqual([['a']]);
  });

  it('cleanup stops the timer and forgets what waited', () => {
    const { gate, delivered, compose } = gateFor();
    compose();
    gate.push('a');
    gate.cleanup();
    vi.advanceTimersByTime(HOLD_MAX_MS);
    expect(delivered).toEqual([]);
    expect(gate.waiting).toBe(0);
  });
});

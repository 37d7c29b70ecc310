import { describe, expect, it } from 'vitest';
import type { Fanout, FanoutMessage, FanoutPort } from './Fanout.ts';

type Listener = { port: FanoutPort; heard: FanoutMessage[] };

const join = (fanout: Fanout): Listener => {
  const heard: FanoutMessage[] = [];
  return { port: fanout.join((m) => heard.push(m)), heard };
};

/** Waits until `check` holds, polling; fails after `ms`. */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Publishes marker doorbells (seq 0) on `room` from `from` until `to` hears one: after that, a
 * subscription made before is in effect, and everything `from` published before the marker has
 * been delivered (one publisher's messages arrive in order).
 */
async function settle(from: Listener, to: Listener, room: string): Promise<void> {
  const isMarker = (m: FanoutMessage) => m.kind === 'stored' && m.room === room && m.seq === 0;
  const deadline = Date.now() + 5000;
  while (!to.heard.some(isMarker)) {
    if (Date.now() > deadline) throw new Error(`no marker on ${room}`);
    from.port.publish({ kind: 'stored', room, seq: 0 });
    await new Promise((r) => setTimeout(r, 20));
  }
  // Drop the markers so the tests only see what they published.
  for (let i = to.heard.length - 1; i >= 0; i--) if (isMarker(to.heard[i]!)) to.heard.splice(i, 1);
}

/**
 * The behaviour every fan-out must show. `makeBus(n)` returns n fan-outs on one bus (the same
 * object n times for an in-process bus; n connections, as n processes would hold, for a shared
 * one), all closed by the test.
 */
export function describeFanoutContract(
  engine: string,
  makeBus: (n: number) => Promise<Fanout[]>,
): void {
  const close = (fanouts: Fanout[]) => Promise.all([...new Set(fanouts)].map((f) => f.close()));

  describe(`${engine} fan-out contract`, () => {
    it('FAN-1 a room message reaches the holders of that room only, never its sender', async () => {
      const bus = await makeBus(3);
      const [a, b, c] = bus.map(join) as [Listener, Listener, Listener];
      a.port.subscribe('w/r');
      b.port.subscribe('w/r');
      c.port.subscribe('w/other');
      await settle(c, b, 'w/r');
      await settle(a, c, 'w/other');
      a.port.publish({ kind: 'stored', room: 'w/r', seq: 7 });
      a.port.publish({ kind: 'awareness', room: 'w/r', payloads: [new Uint8Array([1, 2, 3])] });
      await settle(a, b, 'w/r');
      await settle(a, c, 'w/other');
      expect(b.heard).toEqual([
        { kind: 'stored', room: 'w/r', seq: 7 },
        { kind: 'awareness', room: 'w/r', payloads: [new Uint8Array([1, 2, 3])] },
      ]);
      expect(c.heard).toEqual([]);
      expect(a.heard.filter((m) => m.kind !== 'stored' || m.seq !== 0)).toEqual([]);
      await close(bus);
    });

    it('FAN-2 a member message reaches every other member of the bus, whatever it holds', async () => {
      const bus = await makeBus(3);
      const [a, b, c] = bus.map(join) as [Listener, Listener, Listener];
      b.port.subscribe('w/r');
      const member = { kind: 'member', memberId: 'm1', code: 4403, reason: 'revoked' } as const;
      // Control messages have no room to settle on: retry until both heard one.
      await until(() => {
        if (!b.heard.some((m) => m.kind === 'member') || !c.heard.some((m) => m.kind === 'member'))
          a.port.publish(member);
        return b.heard.some((m) => m.kind === 'member') && c.heard.some((m) => m.kind === 'member');
      });
      expect(b.heard.find((m) => m.kind === 'member')).toEqual(member);
      expect(c.heard.find((m) => m.kind === 'member')).toEqual(member);
      expect(a.heard).toEqual([]);
      await close(bus);
    });

    it('FAN-3 after unsubscribing or leaving, nothing more of the room arrives', async () => {
      const bus = await makeBus(3);
      const [a, b, c] = bus.map(join) as [Listener, Listener, Listener];
      for (const l of [b, c]) l.port.subscribe('w/r');
      await settle(a, b, 'w/r');
      await settle(a, c, 'w/r');
      b.port.unsubscribe('w/r');
      c.port.leave();
      // b still hears another room, so the bus can prove delivery has happened.
      b.port.subscribe('w/s');
      await settle(a, b, 'w/s');
      a.port.publish({ kind: 'stored', room: 'w/r', seq: 9 });
      await settle(a, b, 'w/s');
      expect(b.heard).toEqual([]);
      expect(c.heard).toEqual([]);
      await close(bus);
    });

    it("FAN-8 once subscribe resolves, the room's messages are delivered; a presence query reaches the other holders", async () => {
      const bus = await makeBus(2);
      const [a, b] = bus.map(join) as [Listener, Listener];
      await a.port.subscribe('w/q');
      await b.port.subscribe('w/q');
      // No settling: the promise alone says the subscription is in effect.
      a.port.publish({ kind: 'awareness-query', room: 'w/q' });
      a.port.publish({ kind: 'stored', room: 'w/q', seq: 3 });
      await until(() => b.heard.length === 2, 2000);
      expect(b.heard).toEqual([
        { kind: 'awareness-query', room: 'w/q' },
        { kind: 'stored', room: 'w/q', seq: 3 },
      ]);
      // Subscribing again to a room held already resolves too.
      await b.port.subscribe('w/q');
      expect(a.heard).toEqual([]);
      await close(bus);
    });

    it('FAN-4 awareness batches arrive whole and in publish order', async () => {
      const bus = await makeBus(2);
      const [a, b] = bus.map(join) as [Listener, Listener];
      b.port.subscribe('w/r');
      await settle(a, b, 'w/r');
      const payloads = Array.from({ length: 50 }, (_, i) => new Uint8Array([i, i + 1, 255]));
      for (let i = 0; i < 50; i += 5)
        a.port.publish({ kind: 'awareness', room: 'w/r', payloads: payloads.slice(i, i + 5) });
      await until(() => b.heard.length === 10);
      expect(b.heard.flatMap((m) => (m.kind === 'awareness' ? m.payloads : []))).toEqual(payloads);
      await close(bus);
    });
  });
}

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { describeFanoutContract } from './Fanout.contract.ts';
import { type FanoutMessage, LocalFanout } from './Fanout.ts';
import { RedisFanout } from './RedisFanout.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A throwaway Redis server for this run (tests/support/globalServices.ts). */
    redisUrl: string;
  }
}

describeFanoutContract('LocalFanout', async (n) => {
  const bus = new LocalFanout();
  return Array.from({ length: n }, () => bus);
});

let run = 0;
describeFanoutContract('RedisFanout', async (n) => {
  // A prefix per test keeps tests from hearing each other on the shared server.
  const prefix = `contract${++run}:`;
  const bus = Array.from({ length: n }, () => new RedisFanout({ url: inject('redisUrl'), prefix }));
  await Promise.all(bus.map((f) => f.ready()));
  return bus;
});

describe('RedisFanout when Redis drops a connection', () => {
  /** Closes this process's connection named `name` from Redis's side, as a restart would. */
  async function kill(name: string): Promise<void> {
    const admin = new Redis(inject('redisUrl'));
    try {
      const list = (await admin.client('LIST')) as string;
      const ids = list
        .split('\n')
        .filter((line) => line.includes(` name=${name} `))
        .map((line) => /^id=(\d+)/.exec(line)?.[1]);
      expect(ids).toHaveLength(1);
      await admin.client('KILL', 'ID', ids[0]!);
    } finally {
      admin.disconnect();
    }
  }

  async function until(check: () => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('FAN-9 tells its ports once the bus is up again; the rooms are subscribed again by then and publishing works', async () => {
    const prefix = `drop${++run}:`;
    const name = `fanout-test-${randomBytes(4).toString('hex')}`;
    const here = new RedisFanout({ url: inject('redisUrl'), prefix, name });
    const there = new RedisFanout({ url: inject('redisUrl'), prefix });
    try {
      await Promise.all([here.ready(), there.ready()]);
      let connected = 0;
      const heardHere: FanoutMessage[] = [];
      const heardThere: FanoutMessage[] = [];
      const port = here.join(
        (m) => heardHere.push(m),
        () => connected++,
      );
      const other = there.join((m) => heardThere.push(m));
      await Promise.all([port.subscribe('w/r'), other.subscribe('w/r')]);
      // Joined while the bus was up: nothing to tell.
      expect(connected).toBe(0);

      await kill(`${name}:subscribe`);
      await until(() => connected === 1, 5000);
      // No settling: when told, the subscription is in effect again.
      other.publish({ kind: 'stored', room: 'w/r', seq: 4 });
      await until(() => heardHere.length === 1, 2000);
      expect(heardHere).toEqual([{ kind: 'stored', room: 'w/r', seq: 4 }]);

      await kill(`${name}:publish`);
      await until(() => connected === 2, 5000);
      port.publish({ kind: 'stored', room: 'w/r', seq: 5 });
      await until(() => heardThere.length === 1, 2000);
      expect(heardThere).toEqual([{ kind: 'stored', room: 'w/r', seq: 5 }]);
    } finally {
      await Promise.all([here.close(), there.close()]);
    }
  }, 20_000);
});

import { inject } from 'vitest';
import { describeFanoutContract } from './Fanout.contract.ts';
import { LocalFanout } from './Fanout.ts';
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

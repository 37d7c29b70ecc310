/**
 * Vitest global setup for the projects whose tests are about PostgreSQL and Redis: starts one
 * throwaway server of each for the run (see services.ts) and hands their URLs to the tests through
 * `inject('postgresUrl')` / `inject('redisUrl')`. Stopped, data removed, when the run ends.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres, startRedis } from './services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    redisUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  project.provide('postgresUrl', postgres.url);
  project.provide('redisUrl', redis.url);
  return async () => {
    await Promise.all([postgres.stop(), redis.stop()]);
  };
}

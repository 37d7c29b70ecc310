import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { describeStoreContract } from './DocStore.contract.ts';
import { PostgresStore } from './PostgresStore.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A throwaway PostgreSQL server for this run (tests/support/globalServices.ts). */
    postgresUrl: string;
  }
}

const admin = new pg.Pool({ connectionString: inject('postgresUrl'), max: 2 });
afterAll(() => admin.end());

/** A store on a database of its own, created for the test. */
async function freshStore(): Promise<PostgresStore> {
  const name = `contract_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(inject('postgresUrl'));
  url.pathname = `/${name}`;
  return PostgresStore.open({ url: url.toString() });
}

describeStoreContract('PostgresStore', freshStore, async (store) =>
  PostgresStore.open({ url: (store as unknown as PostgresStore).url }),
);

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import * as Y from 'yjs';
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

describe('PostgresStore when its connection dies in the middle of a transaction', () => {
  it('the append fails, the process keeps running and the next append takes a new connection', async () => {
    const store = await freshStore();
    const doc = new Y.Doc();
    const update = (text: string) => {
      const before = Y.encodeStateVector(doc);
      doc.getText('t').insert(0, text);
      return Y.encodeStateAsUpdate(doc, before);
    };
    const row = (text: string) => ({ room: 'w/r', authorId: 'a', at: 1, update: update(text) });
    expect(await store.appendUpdates([row('一')])).toEqual([1]);
    // Another connection holds the room's row, so the next append waits inside its transaction
    // until the server ends its connection (as a restart or a failover does).
    const holder = new pg.Client({ connectionString: store.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT * FROM rooms WHERE room = 'w/r' FOR UPDATE`);
    // Its failure is caught as it happens: it may come before the terminate query's own answer.
    const append = store.appendUpdates([row('二')]).then(
      () => null,
      (error: unknown) => error,
    );
    let waiting: number | undefined;
    for (let tries = 0; waiting === undefined && tries < 500; tries++) {
      const { rows } = await holder.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      waiting = rows[0]?.pid;
      if (waiting === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    expect(waiting).toBeDefined();
    await holder.query('SELECT pg_terminate_backend($1)', [waiting]);
    expect(await append).toBeInstanceOf(Error);
    await holder.query('ROLLBACK');
    await holder.end();
    expect(await store.appendUpdates([row('三')])).toEqual([2]);
    await store.close();
  });
});

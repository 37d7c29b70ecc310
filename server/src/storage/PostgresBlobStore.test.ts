import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { completeSampled, describeBlobStoreContract } from './BlobStore.contract.ts';
import { BlobStoreError } from './BlobStore.ts';
import { PostgresBlobStore } from './PostgresBlobStore.ts';

const admin = new pg.Pool({ connectionString: inject('postgresUrl'), max: 2 });
const pools: pg.Pool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await admin.end();
});

/** A database of its own, created for the test; `relays` pools on it, as many relay processes. */
async function freshDatabase(relays: number): Promise<pg.Pool[]> {
  const name = `blobs_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(inject('postgresUrl'));
  url.pathname = `/${name}`;
  const made = Array.from(
    { length: relays },
    () => new pg.Pool({ connectionString: url.toString(), max: 4 }),
  );
  pools.push(...made);
  return made;
}

describeBlobStoreContract('PostgresBlobStore', async () => {
  const [pool] = await freshDatabase(1);
  return PostgresBlobStore.open(pool!);
});

describe('PostgresBlobStore shared by relay processes', () => {
  it('BLOB-10 uploads of one workspace starting on two relay processes at once start in turn: the quota holds', async () => {
    const [p1, p2] = await freshDatabase(2);
    const stores = await Promise.all([PostgresBlobStore.open(p1!), PostgresBlobStore.open(p2!)]);
    const quota = 3500;
    const files = Array.from({ length: 16 }, (_, i) =>
      Uint8Array.from({ length: 1000 }, (_, k) => (k * 13 + i) % 251),
    );
    const taken = await Promise.all(
      files.map((bytes, i) => {
        const store = stores[i % 2]!;
        const hash = createHash('sha256').update(bytes).digest('hex');
        return store.startingInTurn('w', async () => {
          const used = await store.usage('w', hash);
          if (used.bytes + bytes.length > quota) return false;
          await store.write('w', hash, { type: 'image/jpeg', size: 1000 }, 0, bytes.slice(0, 100));
          return true;
        });
      }),
    );
    expect(taken.filter(Boolean)).toHaveLength(3);
    expect((await stores[0]!.usage('w')).bytes).toBe(3000);
  });

  it('BLOB-10 a relay whose lock connection is cut while an upload starts fails that start and goes on', async () => {
    const [pool] = await freshDatabase(1);
    const store = await PostgresBlobStore.open(pool!);
    // The database ends the session holding the workspace's lock (a restart, a failover).
    const cut = store.startingInTurn('w', async () => {
      const { rows } = await admin.query<{ pid: number }>(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 7262023 AND granted",
      );
      expect(rows).toHaveLength(1);
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      // The lost connection's error arrives while the work still runs.
      await new Promise((resolve) => setTimeout(resolve, 200));
      return 'done';
    });
    await expect(cut).rejects.toThrow();
    // The process is still here (an error of a checked-out connection nobody listened to threw
    // out of it), and the next start takes the lock on another connection.
    expect(await store.startingInTurn('w', async () => 'next')).toBe('next');
  });

  it('BLOB-15 a completed upload is put together and hashed by PostgreSQL: never the whole file in this process', async () => {
    const [pool] = await freshDatabase(1);
    const store = await PostgresBlobStore.open(pool!);
    // Large beside what else the process allocates meanwhile: read whole, the peak grows by all
    // of it (and again as a query parameter).
    const size = 32 * 1024 * 1024;
    // The last chunk completes it: memory outside the heap and in it is sampled meanwhile.
    const { hash, growth } = await completeSampled(
      store,
      size,
      new Uint8Array(2 * 1024 * 1024).fill(9),
      () => {
        const m = process.memoryUsage();
        return m.arrayBuffers + m.heapUsed;
      },
    );
    expect(growth).toBeLessThan(size / 2);
    expect((await store.info('w', hash))?.size).toBe(size);
    // Read back a slice at a time, it is the same bytes.
    const opened = await store.open('w', hash);
    const again = createHash('sha256');
    for await (const part of opened!.stream) again.update(part as Buffer);
    expect(again.digest('hex')).toBe(hash);
    // A wrong hash is still found, and nothing of it is kept.
    const wrong = 'f'.repeat(64);
    const small = { type: 'application/pdf' as const, size: 10 };
    await store.write('w', wrong, small, 0, new Uint8Array(5));
    const refused = await store.write('w', wrong, small, 5, new Uint8Array(5)).catch((e) => e);
    expect(refused).toBeInstanceOf(BlobStoreError);
    expect((refused as BlobStoreError).code).toBe('hash-mismatch');
    expect(await store.info('w', wrong)).toBeNull();
    expect(await store.state('w', wrong)).toEqual({ offset: 0, isComplete: false });
    // Tens of megabytes through PostgreSQL: seconds on a loaded machine.
  }, 60_000);

  it('BLOB-4 an upload whose chunks reach different relays completes, and two relays given one chunk at once keep it once', async () => {
    const [p1, p2] = await freshDatabase(2);
    const [a, b] = await Promise.all([PostgresBlobStore.open(p1!), PostgresBlobStore.open(p2!)]);
    const bytes = Uint8Array.from({ length: 2500 }, (_, i) => (i * 7) % 251);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const meta = { type: 'image/jpeg' as const, size: 2500 };
    await a.write('w', hash, meta, 0, bytes.slice(0, 1000));
    // The same chunk resent through both relays at once (a retry after a lost answer).
    const results = await Promise.allSettled([
      a.write('w', hash, meta, 1000, bytes.slice(1000, 2000)),
      b.write('w', hash, meta, 1000, bytes.slice(1000, 2000)),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(BlobStoreError);
    expect((refused.reason as BlobStoreError).offset).toBe(2000);
    expect(await b.state('w', hash)).toEqual({ offset: 2000, isComplete: false });
    expect(await b.write('w', hash, meta, 2000, bytes.slice(2000))).toEqual({
      offset: 2500,
      isComplete: true,
    });
    const read = await a.read('w', hash);
    expect(Buffer.from(read!.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(await a.usage('w')).toEqual({ bytes: 2500, files: 1 });
  });
});

import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { describeBlobStoreContract } from './BlobStore.contract.ts';
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

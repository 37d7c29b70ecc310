import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type BlobStore, BlobStoreError, IDLE_UPLOAD_MS } from './BlobStore.ts';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = (n: number, seed = 1) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 251);

async function refusal(p: Promise<unknown>): Promise<BlobStoreError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BlobStoreError);
  return error as BlobStoreError;
}

/**
 * BLOB-15: stores a PDF of `size` bytes, `chunk` repeated, in `store`'s workspace "w", and sends
 * its last chunk while `taken()` (memory, bytes) is sampled every millisecond: the file read
 * whole while it is hashed shows as a peak. Resolves with its hash and how far `taken()` rose.
 */
export async function completeSampled(
  store: BlobStore,
  size: number,
  chunk: Uint8Array,
  taken: () => number,
): Promise<{ hash: string; growth: number }> {
  const whole = createHash('sha256');
  for (let at = 0; at < size; at += chunk.byteLength) whole.update(chunk);
  const hash = whole.digest('hex');
  const meta = { type: 'application/pdf' as const, size };
  for (let at = 0; at < size - chunk.byteLength; at += chunk.byteLength)
    await store.write('w', hash, meta, at, chunk);
  const base = taken();
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, taken());
  }, 1);
  try {
    const done = await store.write('w', hash, meta, size - chunk.byteLength, chunk);
    expect(done.isComplete).toBe(true);
  } finally {
    clearInterval(sampler);
  }
  return { hash, growth: peak - base };
}

/**
 * The behaviour every BlobStore engine must show. An engine's test file calls this once with a
 * factory for a fresh, empty store (an S3-compatible engine: a fresh bucket or prefix).
 */
export function describeBlobStoreContract(
  engine: string,
  makeStore: () => Promise<BlobStore>,
): void {
  describe(`${engine} blob store contract`, () => {
    it('BLOB-1 a blob written whole is read back byte for byte with its type and size, only in its own workspace', async () => {
      const store = await makeStore();
      const bytes = bytesOf(3000);
      const hash = sha(bytes);
      expect(await store.info('w1', hash)).toBeNull();
      expect(await store.state('w1', hash)).toEqual({ offset: 0, isComplete: false });
      const state = await store.write('w1', hash, { type: 'image/jpeg', size: 3000 }, 0, bytes);
      expect(state).toEqual({ offset: 3000, isComplete: true });
      const read = await store.read('w1', hash);
      expect(read?.info).toEqual({ hash, type: 'image/jpeg', size: 3000 });
      expect(Buffer.from(read!.bytes).equals(Buffer.from(bytes))).toBe(true);
      expect(await store.info('w1', hash)).toEqual({ hash, type: 'image/jpeg', size: 3000 });
      // BLOB-12: streamed, the same bytes.
      const opened = await store.open('w1', hash);
      expect(opened?.info).toEqual({ hash, type: 'image/jpeg', size: 3000 });
      const parts: Buffer[] = [];
      for await (const part of opened!.stream) parts.push(Buffer.from(part as Uint8Array));
      expect(Buffer.concat(parts).equals(Buffer.from(bytes))).toBe(true);
      expect(await store.open('w2', hash)).toBeNull();
      // Another workspace knowing the hash gets nothing.
      expect(await store.read('w2', hash)).toBeNull();
      expect(await store.info('w2', hash)).toBeNull();
    });

    it('BLOB-12 a file of several megabytes streams whole and in order', async () => {
      const store = await makeStore();
      const bytes = bytesOf(2_600_000);
      const hash = sha(bytes);
      await store.write('w', hash, { type: 'application/pdf', size: bytes.byteLength }, 0, bytes);
      const parts: Buffer[] = [];
      for await (const part of (await store.open('w', hash))!.stream)
        parts.push(Buffer.from(part as Uint8Array));
      // Read a slice at a time, not at once.
      expect(parts.length).toBeGreaterThan(1);
      expect(Buffer.concat(parts).equals(Buffer.from(bytes))).toBe(true);
    });

    it('BLOB-3 a blob whose bytes do not hash to its name is refused and leaves nothing, not even a partial upload', async () => {
      const store = await makeStore();
      const bytes = bytesOf(500);
      const wrong = sha(bytesOf(500, 2));
      const error = await refusal(
        store.write('w', wrong, { type: 'image/png', size: 500 }, 0, bytes),
      );
      expect(error.code).toBe('hash-mismatch');
      expect(await store.read('w', wrong)).toBeNull();
      expect(await store.state('w', wrong)).toEqual({ offset: 0, isComplete: false });
    });

    it('BLOB-4 an upload in chunks is unreadable until its last byte, reports its offset, and resumes from it', async () => {
      const store = await makeStore();
      const bytes = bytesOf(10_000);
      const hash = sha(bytes);
      const meta = { type: 'application/pdf' as const, size: 10_000 };
      expect(await store.write('w', hash, meta, 0, bytes.subarray(0, 4000))).toEqual({
        offset: 4000,
        isComplete: false,
      });
      expect(await store.read('w', hash)).toBeNull();
      expect(await store.info('w', hash)).toBeNull();
      // A client that lost the answer re-sends from 0, or skips ahead: told where the store is.
      const stale = await refusal(store.write('w', hash, meta, 0, bytes.subarray(0, 4000)));
      expect(stale.code).toBe('offset');
      expect(stale.offset).toBe(4000);
      const ahead = await refusal(store.write('w', hash, meta, 8000, bytes.subarray(8000)));
      expect(ahead.offset).toBe(4000);
      const { offset } = await store.state('w', hash);
      expect(offset).toBe(4000);
      await store.write('w', hash, meta, offset, bytes.subarray(offset, 7000));
      const done = await store.write('w', hash, meta, 7000, bytes.subarray(7000));
      expect(done).toEqual({ offset: 10_000, isComplete: true });
      expect(Buffer.from((await store.read('w', hash))!.bytes).equals(Buffer.from(bytes))).toBe(
        true,
      );
    });

    it('BLOB-4 chunks of another size or type than the upload in progress, or past the declared size, are refused', async () => {
      const store = await makeStore();
      const bytes = bytesOf(1000);
      const hash = sha(bytes);
      await store.write('w', hash, { type: 'image/jpeg', size: 1000 }, 0, bytes.subarray(0, 400));
      const other = await refusal(
        store.write('w', hash, { type: 'image/png', size: 1000 }, 400, bytes.subarray(400)),
      );
      expect(other.code).toBe('type-mismatch');
      const past = await refusal(
        store.write('w', hash, { type: 'image/jpeg', size: 1000 }, 400, bytesOf(700)),
      );
      expect(past.code).toBe('size');
      expect(await store.state('w', hash)).toEqual({ offset: 400, isComplete: false });
    });

    it('BLOB-5 writing a blob that is already complete changes nothing and reports it complete (same bytes, same name)', async () => {
      const store = await makeStore();
      const bytes = bytesOf(200);
      const hash = sha(bytes);
      const meta = { type: 'image/webp' as const, size: 200 };
      await store.write('w', hash, meta, 0, bytes);
      expect(await store.write('w', hash, meta, 0, bytes)).toEqual({
        offset: 200,
        isComplete: true,
      });
      expect((await store.read('w', hash))?.info.size).toBe(200);
    });

    it('BLOB-4 chunks of one upload sent at once never interleave: one lands, the other learns the offset', async () => {
      const store = await makeStore();
      const bytes = bytesOf(2000);
      const hash = sha(bytes);
      const meta = { type: 'image/jpeg' as const, size: 2000 };
      const results = await Promise.allSettled([
        store.write('w', hash, meta, 0, bytes.subarray(0, 1000)),
        store.write('w', hash, meta, 0, bytes.subarray(0, 1000)),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await store.state('w', hash)).toEqual({ offset: 1000, isComplete: false });
    });

    it('BLOB-9 uploads that received nothing for the given age are dropped; fresher ones and complete blobs stay', async () => {
      const store = await makeStore();
      const DAY = 24 * 3_600_000;
      const [given, fresh, done] = [1, 2, 3].map((seed) => bytesOf(2000, seed));
      const meta = { type: 'image/jpeg' as const, size: 2000 };
      await store.write('w1', sha(given!), meta, 0, given!.slice(0, 500));
      await store.write('w2', sha(fresh!), meta, 0, fresh!.slice(0, 700));
      await store.write('w1', sha(done!), meta, 0, done!);
      // Nothing is old enough a day on.
      expect(await store.dropStaleUploads(7 * DAY, Date.now() + DAY)).toBe(0);
      expect(await store.state('w1', sha(given!))).toEqual({ offset: 500, isComplete: false });
      // A week and a day on, both uploads are old; the complete blob stays.
      expect(await store.dropStaleUploads(7 * DAY, Date.now() + 8 * DAY)).toBe(2);
      expect(await store.state('w1', sha(given!))).toEqual({ offset: 0, isComplete: false });
      expect(await store.state('w2', sha(fresh!))).toEqual({ offset: 0, isComplete: false });
      expect((await store.read('w1', sha(done!)))?.info.size).toBe(2000);
      // The device that comes back starts its upload again, and it completes.
      expect(await store.write('w1', sha(given!), meta, 0, given!)).toEqual({
        offset: 2000,
        isComplete: true,
      });
      expect(await store.dropStaleUploads(7 * DAY, Date.now() + 30 * DAY)).toBe(0);
    });

    it('BLOB-4 an empty chunk changes nothing: the next chunk still goes on from the same offset', async () => {
      const store = await makeStore();
      const bytes = bytesOf(2000, 9);
      const hash = sha(bytes);
      const meta = { type: 'image/jpeg' as const, size: 2000 };
      await store.write('w', hash, meta, 0, bytes.slice(0, 1000));
      expect(await store.write('w', hash, meta, 1000, new Uint8Array(0))).toEqual({
        offset: 1000,
        isComplete: false,
      });
      expect(await store.write('w', hash, meta, 1000, bytes.slice(1000))).toEqual({
        offset: 2000,
        isComplete: true,
      });
      expect(Buffer.from((await store.read('w', hash))!.bytes).equals(Buffer.from(bytes))).toBe(
        true,
      );
    });

    it('BLOB-10 usage counts complete blobs and uploads in progress at their declared size, per workspace', async () => {
      const store = await makeStore();
      expect(await store.usage('w1')).toEqual({ bytes: 0, files: 0 });
      const [a, b, c] = [1, 2, 3].map((seed) => bytesOf(3000, seed));
      await store.write('w1', sha(a!), { type: 'image/jpeg', size: 3000 }, 0, a!);
      await store.write(
        'w1',
        sha(b!),
        { type: 'application/pdf', size: 3000 },
        0,
        b!.slice(0, 1000),
      );
      await store.write('w2', sha(c!), { type: 'image/png', size: 3000 }, 0, c!);
      expect(await store.usage('w1')).toEqual({ bytes: 6000, files: 2 });
      expect(await store.usage('w2')).toEqual({ bytes: 3000, files: 1 });
      // The upload asking whether it fits is left out of what it is compared with.
      expect(await store.usage('w1', sha(b!))).toEqual({ bytes: 3000, files: 1 });
      // Stored again, nothing is counted twice; completed, the upload counts once.
      await store.write('w1', sha(a!), { type: 'image/jpeg', size: 3000 }, 0, a!);
      await store.write(
        'w1',
        sha(b!),
        { type: 'application/pdf', size: 3000 },
        1000,
        b!.slice(1000),
      );
      expect(await store.usage('w1')).toEqual({ bytes: 6000, files: 2 });
      // A refused upload (its bytes hash to another name) takes nothing.
      await refusal(store.write('w1', sha(c!), { type: 'image/png', size: 3000 }, 0, a!));
      expect(await store.usage('w1')).toEqual({ bytes: 6000, files: 2 });
    });

    it('BLOB-10 uploads of a workspace start in turn: a quota check and the first chunk it lets through never interleave with another upload starting', async () => {
      const store = await makeStore();
      const quota = 3500;
      const files = Array.from({ length: 12 }, (_, i) => bytesOf(1000, i + 10));
      const start = (bytes: Uint8Array) =>
        store.startingInTurn('w', async () => {
          const used = await store.usage('w', sha(bytes));
          if (used.bytes + bytes.length > quota) return false;
          await store.write(
            'w',
            sha(bytes),
            { type: 'image/jpeg', size: 1000 },
            0,
            bytes.slice(0, 100),
          );
          return true;
        });
      // Another workspace's starts go on beside them.
      const other = bytesOf(1000, 99);
      const [taken, elsewhere] = await Promise.all([
        Promise.all(files.map(start)),
        store.startingInTurn('v', () =>
          store.write('v', sha(other), { type: 'image/jpeg', size: 1000 }, 0, other),
        ),
      ]);
      expect(taken.filter(Boolean)).toHaveLength(3);
      expect((await store.usage('w')).bytes).toBe(3000);
      expect(elsewhere.isComplete).toBe(true);
      // Work that fails lets the next one start.
      await expect(
        store.startingInTurn('w', async () => {
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect(await store.startingInTurn('w', async () => 'next')).toBe('next');
    });

    it('BLOB-16 an upload that received nothing for an hour counts at what it holds; it knows when it last received bytes', async () => {
      const store = await makeStore();
      const [done, idle] = [1, 2].map((seed) => bytesOf(3000, seed));
      const before = Date.now();
      await store.write('w', sha(done!), { type: 'image/jpeg', size: 3000 }, 0, done!);
      await store.write('w', sha(idle!), { type: 'image/png', size: 3000 }, 0, idle!.slice(0, 700));
      const touched = await store.touchedAt('w', sha(idle!));
      expect(touched).not.toBeNull();
      // Within a clock tick or two of the write (file times are kept to the millisecond or so).
      expect(touched!).toBeGreaterThanOrEqual(before - 1000);
      expect(touched!).toBeLessThanOrEqual(Date.now() + 1000);
      expect(await store.touchedAt('w', sha(done!))).toBeNull();
      expect(await store.touchedAt('w', sha(bytesOf(10, 3)))).toBeNull();
      // Its declared size while it may still go on; what it holds once idle for an hour.
      expect(await store.usage('w', undefined, touched! + IDLE_UPLOAD_MS - 60_000)).toEqual({
        bytes: 6000,
        files: 2,
      });
      expect(await store.usage('w', undefined, touched! + IDLE_UPLOAD_MS + 60_000)).toEqual({
        bytes: 3700,
        files: 2,
      });
      // Completed, it counts whole, and has no time of an upload any more.
      await store.write('w', sha(idle!), { type: 'image/png', size: 3000 }, 700, idle!.slice(700));
      expect(await store.touchedAt('w', sha(idle!))).toBeNull();
      expect(await store.usage('w', undefined, Date.now() + 2 * IDLE_UPLOAD_MS)).toEqual({
        bytes: 6000,
        files: 2,
      });
    });
  });
}

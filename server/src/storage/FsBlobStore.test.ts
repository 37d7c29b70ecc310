import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { completeSampled, describeBlobStoreContract } from './BlobStore.contract.ts';
import { FsBlobStore } from './FsBlobStore.ts';

const freshRoot = () => mkdtempSync(join(tmpdir(), 'grassroots-blobs-'));

describeBlobStoreContract('FsBlobStore', async () => new FsBlobStore(freshRoot()));

describe('FsBlobStore on the disk', () => {
  it('BLOB-15 hashes a completed upload as it reads it: never the whole file in memory', async () => {
    const store = new FsBlobStore(freshRoot());
    // Large beside what else the process allocates meanwhile (other tests' buffers not yet
    // collected): read whole, the peak grows by all of it.
    const size = 96 * 1024 * 1024;
    // The last chunk completes it: memory outside the heap is sampled while it is hashed.
    const { growth } = await completeSampled(
      store,
      size,
      new Uint8Array(8 * 1024 * 1024).fill(7),
      () => process.memoryUsage().arrayBuffers,
    );
    expect(growth).toBeLessThan(size / 2);
    // A wrong hash is still found, the same way.
    const wrong = 'f'.repeat(64);
    await store.write('w', wrong, { type: 'application/pdf', size: 10 }, 0, new Uint8Array(5));
    await expect(
      store.write('w', wrong, { type: 'application/pdf', size: 10 }, 5, new Uint8Array(5)),
    ).rejects.toThrow(/hash/);
  });

  it('BLOB-10 counts a blob once when a crash left its upload meta beside the complete one, and ignores what is not a meta', async () => {
    const root = freshRoot();
    const store = new FsBlobStore(root);
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => i % 251);
    const hash = createHash('sha256').update(bytes).digest('hex');
    await store.write('w', hash, { type: 'image/png', size: 5000 }, 0, bytes);
    // The relay stopped between putting the meta in place and removing the upload's own.
    const partial = join(root, 'w', 'partial');
    mkdirSync(partial, { recursive: true });
    writeFileSync(join(partial, `${hash}.json`), JSON.stringify({ type: 'image/png', size: 5000 }));
    // An upload's meta cut off by a crash, a temporary file and a stranger's file.
    writeFileSync(join(partial, `${'b'.repeat(64)}.json`), '{"type":"image/pn');
    writeFileSync(join(root, 'w', hash.slice(0, 2), `${hash}.json.tmp`), '{}');
    writeFileSync(join(partial, 'notes.json'), '{"size": 99999}');
    expect(await store.usage('w')).toEqual({ bytes: 5000, files: 1 });
  });

  it('BLOB-13 reads the meta files once, not at every ask: again only after an upload started, completed or was dropped', async () => {
    const root = freshRoot();
    const store = new FsBlobStore(root);
    const blob = (seed: number) => {
      const bytes = Uint8Array.from({ length: 3000 }, (_, i) => (i * seed) % 251);
      return { bytes, hash: createHash('sha256').update(bytes).digest('hex') };
    };
    const a = blob(3);
    await store.write('w', a.hash, { type: 'image/png', size: 3000 }, 0, a.bytes);
    expect(await store.usage('w')).toEqual({ bytes: 3000, files: 1 });
    // A meta put in place behind the store's back is not seen: nothing was read again.
    const b = blob(5);
    mkdirSync(join(root, 'w', b.hash.slice(0, 2)), { recursive: true });
    writeFileSync(
      join(root, 'w', b.hash.slice(0, 2), `${b.hash}.json`),
      JSON.stringify({ type: 'image/png', size: 7000 }),
    );
    const asked = await Promise.all(Array.from({ length: 20 }, () => store.usage('w')));
    expect(asked.every((u) => u.bytes === 3000)).toBe(true);
    // An upload starting is a change: read again, that meta with it, the upload at its size.
    const c = blob(7);
    await store.write('w', c.hash, { type: 'image/png', size: 3000 }, 0, c.bytes.slice(0, 1000));
    expect(await store.usage('w')).toEqual({ bytes: 13_000, files: 3 });
    expect(await store.usage('w', c.hash)).toEqual({ bytes: 10_000, files: 2 });
    // Completed: counted once.
    await store.write('w', c.hash, { type: 'image/png', size: 3000 }, 1000, c.bytes.slice(1000));
    expect(await store.usage('w')).toEqual({ bytes: 13_000, files: 3 });
    // Dropped as stale: gone.
    const d = blob(11);
    await store.write('w', d.hash, { type: 'image/png', size: 3000 }, 0, d.bytes.slice(0, 10));
    expect(await store.usage('w')).toEqual({ bytes: 16_000, files: 4 });
    expect(await store.dropStaleUploads(0, Date.now() + 60_000)).toBe(1);
    expect(await store.usage('w')).toEqual({ bytes: 13_000, files: 3 });
    // Another workspace is its own.
    expect(await store.usage('v')).toEqual({ bytes: 0, files: 0 });
  });
});

import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeBlobStoreContract } from './BlobStore.contract.ts';
import { FsBlobStore } from './FsBlobStore.ts';

const freshRoot = () => mkdtempSync(join(tmpdir(), 'grassroots-blobs-'));

describeBlobStoreContract('FsBlobStore', async () => new FsBlobStore(freshRoot()));

describe('FsBlobStore on the disk', () => {
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
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBlobStoreContract } from './BlobStore.contract.ts';
import { FsBlobStore } from './FsBlobStore.ts';

describeBlobStoreContract(
  'FsBlobStore',
  async () => new FsBlobStore(mkdtempSync(join(tmpdir(), 'grassroots-blobs-'))),
);

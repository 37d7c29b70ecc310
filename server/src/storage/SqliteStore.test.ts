import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStoreContract } from './DocStore.contract.ts';
import { SqliteStore } from './SqliteStore.ts';

describeStoreContract(
  'SqliteStore (file)',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grassroots-sqlite-'));
    return new SqliteStore(join(dir, 'test.sqlite'));
  },
  async (store) => new SqliteStore((store as SqliteStore).db.name),
);

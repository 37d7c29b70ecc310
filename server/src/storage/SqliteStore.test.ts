import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

describe('SqliteStore durability', () => {
  it('syncs every commit (synchronous=FULL) unless told otherwise, so an ack survives a power cut', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grassroots-sqlite-'));
    const full = new SqliteStore(join(dir, 'a.sqlite'));
    const normal = new SqliteStore(join(dir, 'b.sqlite'), { synchronous: 'normal' });
    // SQLite: 1 = NORMAL, 2 = FULL.
    expect(full.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(normal.db.pragma('synchronous', { simple: true })).toBe(1);
    full.db.close();
    normal.db.close();
  });
});

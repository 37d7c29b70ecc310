import { describe, expect, it } from 'vitest';
import { parseMeta } from './IdbLocalStore.ts';

describe('a doc meta read from IndexedDB (untrusted)', () => {
  it('SYNC-1 keeps a whole, non-negative ackedSeq and reads anything else as unknown', () => {
    const base = { ackedStateVector: new Uint8Array([0]), ackedAt: 5, hasUnsettledChanges: false };
    expect(parseMeta({ ...base, ackedSeq: 7 })?.ackedSeq).toBe(7);
    expect(parseMeta({ ...base, ackedSeq: 0 })?.ackedSeq).toBe(0);
    for (const bad of [-1, 1.5, '3', 2 ** 60, Number.NaN, null, undefined, { n: 1 }]) {
      expect(parseMeta({ ...base, ackedSeq: bad })?.ackedSeq, String(bad)).toBeNull();
    }
    // Written before the field existed: no seq, the rest as it was.
    expect(parseMeta(base)).toEqual({ ...base, ackedSeq: null, ackedStoreId: null });
    expect(parseMeta('not a meta')).toBeNull();
  });

  it('SYNC-3 keeps the store id a seq is of, and reads anything but a short string as unknown', () => {
    const base = { ackedStateVector: new Uint8Array([0]), ackedAt: 5, hasUnsettledChanges: false };
    const id = '0b9d6f2e-6a43-4f8e-9a51-7f0c2d1e3b4a';
    expect(parseMeta({ ...base, ackedSeq: 3, ackedStoreId: id })?.ackedStoreId).toBe(id);
    for (const bad of ['', 'x'.repeat(201), 7, null, undefined, { id }]) {
      expect(parseMeta({ ...base, ackedStoreId: bad })?.ackedStoreId, String(bad)).toBeNull();
    }
  });
});

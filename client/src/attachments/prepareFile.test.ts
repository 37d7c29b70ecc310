import { digest } from 'lib0/hash/sha256';
import { describe, expect, it } from 'vitest';
import { fitWithin, sha256Hex } from './prepareFile.ts';

describe('making a file ready to attach', () => {
  it('BLOB-C1 shrinks the long edge to 1600 px keeping the shape, and never enlarges', () => {
    expect(fitWithin(4000, 3000)).toEqual({ width: 1600, height: 1200 });
    expect(fitWithin(3000, 4000)).toEqual({ width: 1200, height: 1600 });
    expect(fitWithin(8000, 10)).toEqual({ width: 1600, height: 2 });
    expect(fitWithin(1200, 900)).toEqual({ width: 1200, height: 900 });
  });

  it('BLOB-3 names a file by the lowercase hex SHA-256 of its bytes, with or without crypto.subtle', async () => {
    const bytes = new TextEncoder().encode('abc');
    const expected = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(await sha256Hex(new Blob([bytes]))).toBe(expected);
    expect([...digest(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('')).toBe(expected);
  });
});

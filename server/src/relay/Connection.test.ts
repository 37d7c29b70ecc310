import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { ackMessage } from './Connection.ts';

describe('ackMessage', () => {
  it('writes message 100 exactly as lib0 encodes it, at every varUint length', () => {
    const cases: [number, number][] = [
      [0, 0],
      [5, 1],
      [127, 127],
      [128, 128],
      [300, 16_384],
      [20_000, 2 ** 31 + 5],
    ];
    for (const [length, settled] of cases) {
      const stateVector = new Uint8Array(length).map((_, i) => (i * 7) & 0xff);
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 100);
      encoding.writeVarUint8Array(encoder, stateVector);
      encoding.writeVarUint(encoder, settled);
      const message = ackMessage(stateVector, settled);
      expect(new Uint8Array(message)).toEqual(encoding.toUint8Array(encoder));
      const decoder = decoding.createDecoder(message);
      expect(decoding.readVarUint(decoder)).toBe(100);
      expect(decoding.readVarUint8Array(decoder)).toEqual(stateVector);
      expect(decoding.readVarUint(decoder)).toBe(settled);
      expect(decoding.hasContent(decoder)).toBe(false);
    }
  });
});

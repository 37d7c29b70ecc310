import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { inspectUpdate } from '../../../server/src/relay/updates.ts';
import {
  minimalThrowingUpdates,
  pendingThrowingUpdates,
  throwingUpdates,
} from '../../support/poisonUpdates.ts';

/**
 * Reproductions of the fuzzer's "an update failed to apply" (UPD-1/UPD-3): updates that
 * `inspectUpdate` accepts, the last of which throws in `Y.applyUpdate` (an item integrated with
 * offset > 0 right after a GC struct of its own client).
 */
describe('updates that pass inspectUpdate but throw in Y.applyUpdate', () => {
  const cases = {
    'the fuzzer frame, after ordinary updates': throwingUpdates,
    'minimal: a GC struct, then an overlapping item with no origin': minimalThrowingUpdates,
    'pending: the item first, then the GC struct sets it off': pendingThrowingUpdates,
  };
  for (const [name, make] of Object.entries(cases)) {
    it(name, () => {
      const { setup, poison } = make();
      const doc = new Y.Doc({ gc: false });
      doc.getText('ordinary').insert(0, 'some ordinary content');
      for (const update of setup) {
        expect(() => inspectUpdate(doc, update)).not.toThrow();
        Y.applyUpdate(doc, update);
      }
      const last = poison.at(-1)!;
      for (const update of poison.slice(0, -1)) {
        expect(() => inspectUpdate(doc, update)).not.toThrow();
        Y.applyUpdate(doc, update);
      }
      expect(inspectUpdate(doc, last)).toBe('change');
      expect(() => Y.applyUpdate(doc, last)).toThrow(
        /Cannot read properties of undefined \(reading 'origin'\)/,
      );
    });
  }
});

import { createDemoVillage } from '@grassroots/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { gcFlood } from '../../../tests/support/poisonUpdates.ts';
import { countUpdateParts, MalformedUpdate } from './updates.ts';

/** What decoding makes an object of: structs, values of `ContentAny` and JSON, deletion ranges. */
function partsByDecoding(update: Uint8Array): number {
  const { structs, ds } = Y.decodeUpdate(update);
  let parts = structs.length;
  for (const s of structs) {
    if (
      s instanceof Y.Item &&
      (s.content instanceof Y.ContentAny || s.content instanceof Y.ContentJSON)
    )
      parts += s.content.getLength();
  }
  for (const ranges of ds.clients.values()) parts += ranges.length;
  return parts;
}

describe('countUpdateParts (UPD-9)', () => {
  it('counts what decoding makes of every document of a demo village, and of every content kind', () => {
    const demo = createDemoVillage({ seed: 3, start: '2026-01-05', docs: 12, entries: 40 });
    const updates = [demo.index, ...demo.docs.map((d) => d.doc)].map((d) =>
      Y.encodeStateAsUpdate(d),
    );
    // Every kind of content, overwritten and deleted values, and a doc without gc.
    const all = new Y.Doc({ gc: false });
    all.getText('t').insert(0, '村道', { bold: true });
    all.getText('t').insertEmbed(1, { image: 'x' });
    all.getArray('a').insert(0, [1, 'two', { three: [3] }, new Uint8Array([4]), null, true]);
    all.getMap('m').set('doc', new Y.Doc({ guid: 'sub' }));
    all.getMap('m').set('v', 1);
    all.getMap('m').set('v', 2);
    all.getXmlFragment('x').insert(0, [new Y.XmlElement('paragraph'), new Y.XmlText('字')]);
    all.getText('t').delete(0, 1);
    updates.push(Y.encodeStateAsUpdate(all));
    for (const update of updates) {
      expect(countUpdateParts(update, Number.MAX_SAFE_INTEGER)).toBe(partsByDecoding(update));
    }
    expect(updates.reduce((n, u) => n + countUpdateParts(u, Infinity), 0)).toBeGreaterThan(1_000);
  });

  it('stops as soon as the count passes the limit, and refuses what Yjs cannot decode', () => {
    const flood = gcFlood(1_000_000);
    expect(flood.byteLength).toBeLessThan(2_100_000);
    expect(countUpdateParts(flood, 1_000)).toBe(1_001);
    expect(countUpdateParts(flood, Infinity)).toBe(1_000_000);
    expect(() => countUpdateParts(flood.subarray(0, 1_000), Infinity)).toThrow(MalformedUpdate);
    expect(() => countUpdateParts(new Uint8Array([1, 1, 0, 0, 0b00011111]), Infinity)).toThrow(
      MalformedUpdate,
    );
  });
});

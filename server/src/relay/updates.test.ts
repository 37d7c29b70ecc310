import { createDemoVillage } from '@grassroots/shared';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { gcFlood } from '../../../tests/support/poisonUpdates.ts';
import {
  countUpdateParts,
  inspectUpdate,
  MAX_TYPE_DEPTH,
  MalformedUpdate,
  structClients,
} from './updates.ts';

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
  // Each client's block, and each client of the delete set, is a part of its own.
  parts += new Set(structs.map((s) => s.id.client)).size;
  for (const ranges of ds.clients.values()) parts += ranges.length + 1;
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
    expect(countUpdateParts(flood, Infinity)).toBe(1_000_001);
    expect(() => countUpdateParts(flood.subarray(0, 1_000), Infinity)).toThrow(MalformedUpdate);
    expect(() => countUpdateParts(new Uint8Array([1, 1, 0, 0, 0b00011111]), Infinity)).toThrow(
      MalformedUpdate,
    );
  });
});

describe('structClients (UPD-13)', () => {
  it('names the clients an update has structs under, from one block or many', () => {
    const doc = new Y.Doc();
    doc.clientID = 7;
    doc.getText('t').insert(0, '一');
    expect(structClients(Y.encodeStateAsUpdate(doc))).toEqual([7]);
    const sv = Y.encodeStateVector(doc);
    doc.getText('t').delete(0, 1);
    // Only a deletion: no structs.
    expect(structClients(Y.encodeStateAsUpdate(doc, sv))).toEqual([]);
    doc.clientID = 9;
    doc.getText('t').insert(0, '二');
    expect(structClients(Y.encodeStateAsUpdate(doc)).sort()).toEqual([7, 9]);
  });
});

describe('client blocks without structs (UPD-9)', () => {
  it('count as parts: 2.3 million of them (16 MB) counted as nothing before', () => {
    const encoder = encoding.createEncoder();
    const blocks = 600_000;
    encoding.writeVarUint(encoder, blocks);
    for (let c = 0; c < blocks; c++) {
      encoding.writeVarUint(encoder, 0); // no structs
      encoding.writeVarUint(encoder, 1_000_000 + c); // client
      encoding.writeVarUint(encoder, 0); // clock
    }
    encoding.writeVarUint(encoder, 0); // no deletions
    const empty = encoding.toUint8Array(encoder);
    expect(() => Y.decodeUpdate(empty)).not.toThrow();
    expect(countUpdateParts(empty, Infinity)).toBe(blocks);
    expect(countUpdateParts(empty, 500_000)).toBe(500_001);
  });
});

describe('updates that name a client twice (UPD-12)', () => {
  it('are refused: Yjs would apply only the last block, and the checks would read the other', () => {
    const block = (client: number, n: number) => {
      const doc = new Y.Doc();
      doc.clientID = client;
      for (let i = 0; i < n; i++) doc.getArray('a').push([new Y.Map()]);
      return Y.encodeStateAsUpdate(doc);
    };
    // Two updates of client 5, each one block; joined by hand as one update of two blocks.
    const one = block(5, 3);
    const two = block(5, 2);
    const joined = new Uint8Array(one.byteLength + two.byteLength - 2);
    joined[0] = 2;
    joined.set(one.subarray(1, one.byteLength - 1), 1);
    joined.set(two.subarray(1), one.byteLength - 1);
    expect(() => Y.decodeUpdate(joined)).not.toThrow();
    expect(() => countUpdateParts(joined, 1000)).toThrow(/come twice/);
    expect(countUpdateParts(one, 1000)).toBeGreaterThan(0);
  });
});

describe('nesting of shared types (UPD-12)', () => {
  /** Maps nested `depth` deep under root map `m`, key `x` at each level; the innermost map. */
  const nest = (doc: Y.Doc, depth: number, from?: Y.Map<unknown>) => {
    let cur = from ?? doc.getMap('m');
    doc.transact(() => {
      for (let i = 0; i < depth; i++) {
        const inner = new Y.Map<unknown>();
        cur.set('x', inner);
        cur = inner;
      }
    });
    return cur;
  };
  /** What `change` adds to `doc`, as an update a device would send the relay holding `doc`. */
  const delta = (doc: Y.Doc, change: (copy: Y.Doc) => void, client = 77) => {
    const copy = new Y.Doc();
    copy.clientID = client;
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    const sv = Y.encodeStateVector(copy);
    change(copy);
    return Y.encodeStateAsUpdate(copy, sv);
  };
  const innermost = (doc: Y.Doc) => {
    let cur = doc.getMap('m');
    for (let next = cur.get('x'); next instanceof Y.Map; next = cur.get('x')) cur = next;
    return cur;
  };

  it('refuses 20,000 maps nested in one update, and takes the app-sized nesting', () => {
    const deep = new Y.Doc();
    nest(deep, 20_000);
    expect(() => inspectUpdate(new Y.Doc(), Y.encodeStateAsUpdate(deep))).toThrow(
      /nested deeper than 256/,
    );
    const fine = new Y.Doc();
    nest(fine, MAX_TYPE_DEPTH - 1);
    expect(inspectUpdate(new Y.Doc(), Y.encodeStateAsUpdate(fine))).toBe('change');
  });

  it('counts the levels the doc already holds, whether an item names its parent or only an origin', () => {
    const relay = new Y.Doc();
    nest(relay, 200);
    // 60 more under the innermost map: its item names that map as its parent.
    expect(() =>
      inspectUpdate(
        relay,
        delta(relay, (c) => nest(c, 60, innermost(c))),
      ),
    ).toThrow(MalformedUpdate);
    expect(
      inspectUpdate(
        relay,
        delta(relay, (c) => nest(c, 40, innermost(c))),
      ),
    ).toBe('change');
    // Setting `x` again in the map at depth 199 names only the old value as its origin.
    const again = delta(relay, (c) => {
      let cur = c.getMap('m');
      for (let i = 0; i < 199; i++) cur = cur.get('x') as Y.Map<unknown>;
      const fresh = new Y.Map<unknown>();
      cur.set('x', fresh);
      nest(c, 70, fresh);
    });
    const { structs } = Y.decodeUpdate(again);
    expect(structs.some((s) => s instanceof Y.Item && s.parent === null)).toBe(true);
    expect(() => inspectUpdate(relay, again)).toThrow(MalformedUpdate);
  });

  it('follows long chains of origins at one level without refusing them (20,000 paragraphs pasted)', () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment('body');
    // One paste: each paragraph's origin is the one before it. Inserted in one call (one at a
    // time at the end walks the fragment each time, seconds on a busy machine).
    const paragraphs = Array.from({ length: 20_000 }, (_, i) => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(`第${i}段`)]);
      return p;
    });
    fragment.insert(0, paragraphs);
    expect(fragment.length).toBe(20_000);
    expect(inspectUpdate(new Y.Doc(), Y.encodeStateAsUpdate(doc))).toBe('change');
  }, 30_000);
});

import * as prng from 'lib0/prng';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeStructChunks } from './chunks.ts';

/** Three authors typing, deleting, pasting long text (one merged item), maps and XML. */
function busyDoc(seed: number): Y.Doc {
  const gen = prng.create(seed);
  const docs = [1, 2, 3].map((id) => {
    const d = new Y.Doc({ gc: false });
    d.clientID = id * 1000 + seed;
    return d;
  });
  const sync = () => {
    for (const a of docs)
      for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  };
  for (let round = 0; round < 40; round++) {
    const d = prng.oneOf(gen, docs);
    const text = d.getText('body');
    const op = prng.int32(gen, 0, 5);
    if (op === 0 && text.length > 4) text.delete(prng.int32(gen, 0, text.length - 3), 2);
    else if (op === 1) text.insert(text.length, '村'.repeat(prng.int32(gen, 100, 3000)));
    else if (op === 2) d.getMap('meta').set(`k${round}`, { n: round, s: 'x'.repeat(round) });
    else if (op === 3) d.getXmlFragment('xml').insert(0, [new Y.XmlText(`段落${round}😀`)]);
    else text.insert(prng.int32(gen, 0, text.length), prng.word(gen, 1, 20));
    if (round % 7 === 0) sync();
  }
  sync();
  return docs[0]!;
}

const replay = (chunks: Uint8Array[], source: Y.Doc, base?: Y.Doc): Y.Doc => {
  const target = base ?? new Y.Doc({ gc: false });
  for (const chunk of chunks) Y.applyUpdate(target, chunk);
  // The final sync step 2: delete set (and anything pending) only.
  Y.applyUpdate(target, Y.encodeStateAsUpdate(source, Y.encodeStateVector(source)));
  return target;
};

describe('first sync of a big doc in chunks from memory', () => {
  it('chunks rebuild the document exactly and each stays within the chunk size', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const source = busyDoc(seed);
      const chunkBytes = 4096;
      const chunks = encodeStructChunks(source, new Map(), chunkBytes);
      expect(chunks.length, `seed ${seed}`).toBeGreaterThan(3);
      for (const c of chunks) expect(c.byteLength, `seed ${seed}`).toBeLessThanOrEqual(chunkBytes);
      const target = replay(chunks, source);
      expect(target.getText('body').toString(), `seed ${seed}`).toBe(
        source.getText('body').toString(),
      );
      expect(target.getMap('meta').toJSON()).toEqual(source.getMap('meta').toJSON());
      expect(target.getXmlFragment('xml').toString()).toBe(source.getXmlFragment('xml').toString());
      expect(Y.encodeStateVector(target)).toEqual(Y.encodeStateVector(source));
      expect(target.store.pendingStructs).toBeNull();
    }
  });

  it('sends only what a client lacks beyond its state vector', () => {
    const source = busyDoc(9);
    const client = new Y.Doc({ gc: false });
    Y.applyUpdate(client, Y.encodeStateAsUpdate(source));
    source.getText('body').insert(0, '新'.repeat(5000));
    const sv = Y.decodeStateVector(Y.encodeStateVector(client));
    const chunks = encodeStructChunks(source, sv, 4096);
    const bytes = chunks.reduce((n, c) => n + c.byteLength, 0);
    expect(bytes).toBeLessThan(16_000); // the 5000 new characters, not the whole doc
    replay(chunks, source, client);
    expect(client.getText('body').toString()).toBe(source.getText('body').toString());
  });

  it('a client that has everything gets no chunk', () => {
    const source = busyDoc(11);
    const sv = Y.decodeStateVector(Y.encodeStateVector(source));
    expect(encodeStructChunks(source, sv, 4096)).toEqual([]);
  });
});

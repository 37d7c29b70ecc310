import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { relistedKey } from './relisting.ts';

/** The update `change` makes to a copy of `room`'s doc. */
function updateOf(room: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc({ gc: false });
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(room));
  const before = Y.encodeStateVector(doc);
  change(doc);
  return Y.encodeStateAsUpdate(doc, before);
}

describe('DEL-2 relistedKey', () => {
  it('finds a deleted key set again, by itself or through the neighbour it inherits its key from', () => {
    const room = new Y.Doc({ gc: false });
    room.getMap('docs').set('d1', new Y.Map());
    room.getMap('docs').set('d2', new Y.Map());
    const deleted = new Set(['d1']);
    // Set again: the new value's left neighbour is the old one, in the room's doc.
    expect(
      relistedKey(
        updateOf(room, (d) => d.getMap('docs').set('d1', 1)),
        room,
        'docs',
        deleted,
      ),
    ).toBe('d1');
    expect(
      relistedKey(
        updateOf(room, (d) => d.getMap('docs').set('d2', 1)),
        room,
        'docs',
        deleted,
      ),
    ).toBeNull();
    // Set twice in one update: the second inherits its place from the first, in the update.
    const twice = updateOf(room, (d) => {
      d.getMap('docs').set('d1', 1);
      d.getMap('docs').set('d1', 2);
    });
    expect(relistedKey(twice, room, 'docs', deleted)).toBe('d1');
  });

  it('DEL-4 follows a chain of neighbours as long as the update', () => {
    const room = new Y.Doc({ gc: false });
    room.getMap('docs').set('d1', new Y.Map());
    // 20,000 maps inserted onto a root array: each one's neighbour is the one before.
    const junk = updateOf(room, (d) =>
      d.getArray('junk').insert(
        0,
        Array.from({ length: 20_000 }, () => new Y.Map()),
      ),
    );
    expect(relistedKey(junk, room, 'docs', new Set(['d1']))).toBeNull();
    // A deleted key set 5,000 times in one update: the last value is found through all the
    // earlier ones, back to the value the room holds.
    const again = updateOf(room, (d) =>
      d.transact(() => {
        for (let i = 0; i < 5_000; i++) d.getMap('docs').set('d1', i);
      }),
    );
    expect(relistedKey(again, room, 'docs', new Set(['d1']))).toBe('d1');
  }, 30_000);
});

import * as Y from 'yjs';

/** True when the structs with clocks [clock, clock+len) exist in the doc and are all deleted. */
function isRangeDeleted(doc: Y.Doc, client: number, clock: number, len: number): boolean {
  const structs = doc.store.clients.get(client);
  if (!structs || structs.length === 0) return false;
  const last = structs[structs.length - 1]!;
  if (clock + len > last.id.clock + last.length) return false;
  const end = clock + len;
  for (let i = Y.findIndexSS(structs, clock); i < structs.length; i++) {
    const struct = structs[i]!;
    if (struct.id.clock >= end) break;
    if (!struct.deleted) return false;
  }
  return true;
}

/** Thrown for an update that decodes but could never be applied. */
export class MalformedUpdate extends Error {
  override name = 'MalformedUpdate';
}

const pointsForward = (from: Y.ID, to: unknown): boolean =>
  to instanceof Y.ID && to.client === from.client && to.clock >= from.clock;

/**
 * Yjs decodes an item that names itself (or a later clock of its own client) as its origin,
 * right origin or parent, but applying it throws or loops. A client never sends such an item;
 * refusing it keeps it out of storage, where it would break every later replay of the doc.
 */
function assertWellFormed(struct: Y.Item | Y.GC | Y.Skip): void {
  if (!(struct instanceof Y.Item)) return;
  if (
    pointsForward(struct.id, struct.origin) ||
    pointsForward(struct.id, struct.rightOrigin) ||
    pointsForward(struct.id, struct.parent)
  ) {
    throw new MalformedUpdate('an item refers to itself or to a later item of its own client');
  }
}

/**
 * An item that starts below the doc's clock for its client and continues past it is integrated
 * from that offset, with the struct just before the offset as its left neighbour. When that
 * struct is a GC (no `right`), Yjs throws half-way. An honest client encodes against the relay's
 * state vector and never overlaps like this; refuse it before it is applied.
 */
function assertNoGcOverlap(doc: Y.Doc, struct: Y.Item | Y.GC | Y.Skip): void {
  if (!(struct instanceof Y.Item)) return;
  const { client, clock } = struct.id;
  const state = Y.getState(doc.store, client);
  if (state <= clock || state >= clock + struct.length) return;
  const structs = doc.store.clients.get(client);
  if (!structs) return;
  if (structs[Y.findIndexSS(structs, state - 1)] instanceof Y.GC) {
    throw new MalformedUpdate('an item overlaps a garbage-collected range of its own client');
  }
}

/**
 * Decodes an update once and tells whether applying it would change `doc`: 'noop' when every
 * struct is already there and every deletion already happened (a reconnect handshake resends
 * the whole delete set), 'change' otherwise. Throws when Yjs cannot decode it, before anything
 * is stored.
 */
export function inspectUpdate(doc: Y.Doc, update: Uint8Array): 'noop' | 'change' {
  const { structs, ds } = Y.decodeUpdate(update);
  for (const struct of structs) {
    assertWellFormed(struct);
    assertNoGcOverlap(doc, struct);
  }
  for (const items of ds.clients.values()) {
    for (const item of items) {
      // Yjs throws on an empty range when it applies the delete set.
      if (item.len <= 0) throw new MalformedUpdate('a deletion covers no characters');
    }
  }
  let effect: 'noop' | 'change' = 'noop';
  for (const struct of structs) {
    if (struct.id.clock + struct.length > Y.getState(doc.store, struct.id.client))
      effect = 'change';
  }
  if (effect === 'change') return effect;
  for (const [client, items] of ds.clients) {
    for (const item of items) {
      if (!isRangeDeleted(doc, client, item.clock, item.len)) return 'change';
    }
  }
  return 'noop';
}

/** An update with no structs and an empty delete set encodes to two zero bytes. */
export const isEmptyUpdate = (update: Uint8Array): boolean =>
  update.byteLength <= 2 && update.every((b) => b === 0);

import * as Y from 'yjs';

/** Throws when Yjs cannot decode the bytes as an update (checked before anything is stored). */
export function assertDecodable(update: Uint8Array): void {
  Y.decodeUpdate(update);
}

/** True when the structs in `structs` with clocks [clock, clock+len) exist and are all deleted. */
function isRangeDeleted(doc: Y.Doc, client: number, clock: number, len: number): boolean {
  const structs = doc.store.clients.get(client);
  if (!structs || structs.length === 0) return false;
  const last = structs[structs.length - 1]!;
  if (clock + len > last.id.clock + last.length) return false;
  let i = Y.findIndexSS(structs, clock);
  const end = clock + len;
  while (i < structs.length) {
    const struct = structs[i]!;
    if (struct.id.clock >= end) break;
    if (!struct.deleted) return false;
    i++;
  }
  return true;
}

/**
 * True when applying `update` would not change `doc`: every struct is already there and every
 * deletion already happened. Cheap: reads the update's metadata and touches only the ranges it
 * names, so a client's reconnect handshake (which resends its delete set) is recognised as empty.
 */
export function isNoop(doc: Y.Doc, update: Uint8Array): boolean {
  const { to } = Y.parseUpdateMeta(update);
  for (const [client, clock] of to) {
    if (clock > Y.getState(doc.store, client)) return false;
  }
  const { ds } = Y.decodeUpdate(update);
  for (const [client, items] of ds.clients) {
    for (const item of items) {
      if (!isRangeDeleted(doc, client, item.clock, item.len)) return false;
    }
  }
  return true;
}

/** An update with no structs and an empty delete set encodes to two zero bytes. */
export const isEmptyUpdate = (update: Uint8Array): boolean =>
  update.byteLength <= 2 && update.every((b) => b === 0);

import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/**
 * Yjs updates that the relay's pre-check (`inspectUpdate`, server/src/relay/updates.ts) accepts
 * one by one, but whose last one throws inside `Y.applyUpdate` on a `new Y.Doc({ gc: false })`:
 * `TypeError: Cannot read properties of undefined (reading 'origin')` at `Item.integrate`
 * (yjs/src/structs/Item.js, the conflict loop `compareIDs(this.origin, o.origin)`).
 *
 * The shape every variant shares: the doc holds a `GC` struct of client C covering clock k−1,
 * and an `Item` of client C that starts before k (so Yjs integrates it with `offset > 0`), names
 * no origin of its own client (so `getMissing` does not turn it into a GC) and has a live parent
 * type. `Item.integrate(transaction, offset > 0)` then takes `getItemCleanEnd(C, k−1)` — the GC —
 * as its left neighbour; a GC has no `.right`, so the conflict loop starts with `o = undefined`
 * and reads `o.origin`. The fuzzer's "an update failed to apply; the room reloads from storage"
 * is this (see the frame in {@link throwingUpdates}).
 */

/** Client id of the crafted structs (the one in the fuzzer's frame). */
const CLIENT = 70_000;

/** `structs` (all of client `client`, consecutive clocks from `clock`) with an empty delete set. */
function encodeStructs(client: number, clock: number, structs: (Y.Item | Y.GC)[]): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  encoding.writeVarUint(encoder.restEncoder, 1); // one client
  encoding.writeVarUint(encoder.restEncoder, structs.length);
  encoder.writeClient(client);
  encoding.writeVarUint(encoder.restEncoder, clock); // first clock
  for (const struct of structs) struct.write(encoder, 0);
  encoding.writeVarUint(encoder.restEncoder, 0); // empty delete set
  return encoder.toUint8Array();
}

/** A GC struct of {@link CLIENT} covering clocks [clock, clock+len): what a `gc: true` peer sends. */
function gcUpdate(clock: number, len: number): Uint8Array {
  return encodeStructs(CLIENT, clock, [new Y.GC(Y.createID(CLIENT, clock), len)]);
}

/**
 * An item of {@link CLIENT} at [clock, clock+len) with no origin, no right origin, and the root
 * type `rootName` as its parent.
 */
function orphanItemUpdate(clock: number, len: number, rootName: string): Uint8Array {
  const item = new Y.Item(
    Y.createID(CLIENT, clock),
    null,
    null,
    null,
    null,
    rootName as never, // Item.write encodes a string parent as a root type's name
    null,
    new Y.ContentDeleted(len),
  );
  return encodeStructs(CLIENT, clock, [item]);
}

/**
 * The smallest form, two crafted updates of client 70000 (hex):
 * - setup `0101f0a20400000a00`: a GC struct at clocks [0, 10);
 * - poison `0101f0a204050101016d0a00`: a deleted item at clocks [5, 15), no origins, parent the
 *   root type `m`. Yjs integrates it with offset 5, its left neighbour the GC at clock 4: throws.
 */
export function minimalThrowingUpdates(): { setup: Uint8Array[]; poison: Uint8Array[] } {
  return { setup: [gcUpdate(0, 10)], poison: [orphanItemUpdate(5, 10, 'm')] };
}

/**
 * The same two updates the other way round: the item arrives first and, its clock 5 being ahead
 * of the doc's state for client 70000, waits in `store.pendingStructs` (applying it throws
 * nothing). The GC update that follows is harmless on its own, but Yjs then retries the pending
 * item, now with offset 5: the *later, innocent* update is the one that throws. `inspectUpdate`
 * sees only the update in hand, so it cannot blame the first one.
 */
export function pendingThrowingUpdates(): { setup: Uint8Array[]; poison: Uint8Array[] } {
  return { setup: [orphanItemUpdate(5, 10, 'm')], poison: [gcUpdate(0, 10)] };
}

/** The frame the relay fuzzer reported, verbatim (a ContentDeleted item of client 70000 at clocks
 * [45, 16429), parent the ID (1000122,128) with parentSub '', plus a deletion of an unknown client). */
export const FUZZER_FRAME_HEX = '0101f0a2042d2100ba853d80010080800101dcefbe8f05017f8080808010';

/**
 * The fuzzer's own frame, with the room state it needs, built from ordinary updates only (no GC
 * struct on the wire):
 * - setup[0]: client 1000122 types 128 characters into the text `t` (clocks 0..127), then puts a
 *   `Y.Map` into the array `a` (clock 128: the frame's parent, a live type);
 * - setup[1]: an item of client 70000 at clocks [0, 50) whose parent is the ID (1000122,5), a
 *   character, not a type: Yjs finds no parent type and stores a GC of [0, 50) instead;
 * - poison[0]: the fuzzer frame, an item of client 70000 at [45, ...): offset 5, left neighbour
 *   the GC at clock 44, parent the live map: throws.
 */
export function throwingUpdates(): { setup: Uint8Array[]; poison: Uint8Array[] } {
  const author = new Y.Doc({ gc: false });
  author.clientID = 1_000_122;
  author.getText('t').insert(0, 'x'.repeat(128));
  author.getArray('a').insert(0, [new Y.Map()]);
  const content = Y.encodeStateAsUpdate(author);
  author.destroy();
  const becomesGc = encodeStructs(CLIENT, 0, [
    new Y.Item(
      Y.createID(CLIENT, 0),
      null,
      null,
      null,
      null,
      Y.createID(1_000_122, 5) as never, // a character of `t`: no type, so the item becomes a GC
      null,
      new Y.ContentString('y'.repeat(50)),
    ),
  ]);
  return { setup: [content, becomesGc], poison: [Buffer.from(FUZZER_FRAME_HEX, 'hex')] };
}

/**
 * An update of `n` garbage-collected structs of one character each, 2 bytes a struct: cheap to
 * send, about a microsecond each to decode (UPD-9).
 */
export function gcFlood(n: number, client = 7, clock = 0): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, n);
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, clock);
  for (let i = 0; i < n; i++) {
    encoding.writeUint8(e, 0);
    encoding.writeVarUint(e, 1);
  }
  encoding.writeVarUint(e, 0);
  return encoding.toUint8Array(e);
}

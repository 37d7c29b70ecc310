import * as decoding from 'lib0/decoding';
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

/** UPD-12: the deepest nesting of shared types (maps, arrays, texts, XML) a doc may hold. */
export const MAX_TYPE_DEPTH = 256;

type Struct = Y.Item | Y.GC | Y.Skip;

/** Depth of the type an item of the doc sits in: 0 in a root type; counted to one past the bound. */
function depthInDoc(item: Y.Item): number {
  let depth = 0;
  let type = item.parent as Y.AbstractType<unknown> | null;
  while (type?._item && depth <= MAX_TYPE_DEPTH) {
    depth++;
    type = type._item.parent as Y.AbstractType<unknown> | null;
  }
  return depth;
}

const tooDeep = () => new MalformedUpdate(`shared types nested deeper than ${MAX_TYPE_DEPTH}`);

/**
 * UPD-12: refuses an update that would nest shared types deeper than `MAX_TYPE_DEPTH`. Yjs
 * deletes a type by recursion: 20,000 maps nested in one update (accepted) made any later
 * deletion of the outer one throw (`Maximum call stack size exceeded`) half-way, every time,
 * and the room reset. The app nests a few levels (rich text: lists in lists, about 20 at most).
 * An item names its parent, or only an origin whose parent it shares; both are followed, in the
 * update and in the doc, each walk stopping past the bound.
 */
function assertShallow(doc: Y.Doc, structs: readonly Struct[]): void {
  if (!structs.some((s) => s instanceof Y.Item && s.content instanceof Y.ContentType)) return;
  // The update's structs by client, in clock order and without gaps (as decoded; a client named
  // twice is refused by `countUpdateParts`), to find the one holding a clock.
  const byClient = new Map<number, Struct[]>();
  for (const s of structs) {
    const list = byClient.get(s.id.client);
    if (list) list.push(s);
    else byClient.set(s.id.client, [s]);
  }
  const inUpdate = (id: Y.ID): Y.Item | null => {
    const list = byClient.get(id.client);
    const last = list?.at(-1);
    if (!list || !last || id.clock < list[0]!.id.clock || id.clock >= last.id.clock + last.length)
      return null;
    const s = list[Y.findIndexSS(list, id.clock)];
    return s instanceof Y.Item ? s : null;
  };
  const inDoc = (id: Y.ID): Y.Item | null => {
    if (id.clock >= Y.getState(doc.store, id.client)) return null;
    const s = Y.getItem(doc.store, id);
    return s instanceof Y.Item ? s : null;
  };
  /** Depths of the update's items, once each: the depth of the type each sits in. */
  const known = new Map<Y.Item, number>();
  const path: { item: Y.Item; step: 0 | 1 }[] = [];
  const onPath = new Set<Y.Item>();
  const depthOf = (start: Y.Item): number => {
    // Up the chain of parents and origins to an item whose depth is known, then back down.
    path.length = 0;
    onPath.clear();
    let item: Y.Item | null = start;
    let base = 0;
    while (item !== null) {
      const cached = known.get(item);
      if (cached !== undefined) {
        base = cached;
        break;
      }
      if (onPath.has(item)) throw new MalformedUpdate('items name each other as parent or origin');
      onPath.add(item);
      const parent = item.parent;
      if (typeof parent === 'string') {
        path.push({ item, step: 0 });
        break;
      }
      const next: Y.ID | null = parent instanceof Y.ID ? parent : (item.origin ?? item.rightOrigin);
      // A named parent is one level up; an origin sits beside, at the same depth.
      path.push({ item, step: parent instanceof Y.ID ? 1 : 0 });
      if (next === null) break;
      const fromUpdate = inUpdate(next);
      if (fromUpdate !== null) {
        item = fromUpdate;
        continue;
      }
      // In the doc, or not there yet (waiting for a dependency: counted from the top).
      const fromDoc = inDoc(next);
      if (fromDoc !== null) base = depthInDoc(fromDoc);
      break;
    }
    let depth = base;
    for (let k = path.length - 1; k >= 0; k--) {
      depth += path[k]!.step;
      known.set(path[k]!.item, depth);
    }
    return depth;
  };
  for (const s of structs) {
    if (
      s instanceof Y.Item &&
      s.content instanceof Y.ContentType &&
      depthOf(s) + 1 > MAX_TYPE_DEPTH
    ) {
      throw tooDeep();
    }
  }
}

/** Each client's clock in `doc`: what `assertIntegratedShallow` compares against. */
export function clocksOf(doc: Y.Doc): Map<number, number> {
  return new Map([...doc.store.clients.keys()].map((c) => [c, Y.getState(doc.store, c)]));
}

/**
 * UPD-12 after the fact: structs that waited for a dependency the room lacked were counted from
 * the top; once they are placed, every type placed since `before` is measured in the doc itself.
 * Throws `MalformedUpdate` when one is nested deeper than `MAX_TYPE_DEPTH` (the doc is then
 * changed: the room reloads).
 */
export function assertIntegratedShallow(doc: Y.Doc, before: Map<number, number>): void {
  for (const [client, structs] of doc.store.clients) {
    const from = before.get(client) ?? 0;
    if (Y.getState(doc.store, client) <= from) continue;
    for (let i = from === 0 ? 0 : Y.findIndexSS(structs, from); i < structs.length; i++) {
      const struct = structs[i]!;
      if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentType)) continue;
      if (depthInDoc(struct) + 1 > MAX_TYPE_DEPTH) throw tooDeep();
    }
  }
}

/**
 * Decodes an update once and tells whether applying it would change `doc`: 'noop' when every
 * struct is already there and every deletion already happened (a reconnect handshake resends
 * the whole delete set), 'change' otherwise. Throws when Yjs cannot decode it, before anything
 * is stored.
 */
export function inspectUpdate(
  doc: Y.Doc,
  update: Uint8Array,
  writing?: Set<number>,
): 'noop' | 'change' {
  const { structs, ds } = Y.decodeUpdate(update);
  for (const struct of structs) {
    assertWellFormed(struct);
    assertNoGcOverlap(doc, struct);
  }
  assertShallow(doc, structs);
  for (const items of ds.clients.values()) {
    for (const item of items) {
      // Yjs throws on an empty range when it applies the delete set.
      if (item.len <= 0) throw new MalformedUpdate('a deletion covers no characters');
    }
  }
  let effect: 'noop' | 'change' = 'noop';
  for (const struct of structs) {
    if (struct.id.clock + struct.length > Y.getState(doc.store, struct.id.client)) {
      effect = 'change';
      // UPD-13: the clients it writes new structs under.
      writing?.add(struct.id.client);
    }
  }
  if (effect === 'change') return effect;
  for (const [client, items] of ds.clients) {
    for (const item of items) {
      if (!isRangeDeleted(doc, client, item.clock, item.len)) return 'change';
    }
  }
  return 'noop';
}

/**
 * UPD-13: the clients an update has structs under. A row of one client (most are) is read from
 * its first block's header alone; others are walked as `countUpdateParts` walks them.
 */
export function structClients(update: Uint8Array): number[] {
  const d = decoding.createDecoder(update);
  if (decoding.readVarUint(d) === 1) {
    const structs = decoding.readVarUint(d);
    const client = decoding.readVarUint(d);
    return structs > 0 ? [client] : [];
  }
  const clients: number[] = [];
  countUpdateParts(update, Number.POSITIVE_INFINITY, clients);
  return clients;
}

/** An update with no structs and an empty delete set encodes to two zero bytes. */
export const isEmptyUpdate = (update: Uint8Array): boolean =>
  update.byteLength <= 2 && update.every((b) => b === 0);

/**
 * UPD-9: the parts of an update (v1 encoding) that decoding it makes an object of each: structs,
 * values of `ContentAny` and `ContentJSON`, deletion ranges. Counted by reading it, without
 * making any, and only up to `limit`: one more is returned as soon as the count passes it.
 * Decoding takes about 1.2 µs a part, and a part can be 2 bytes (a GC struct), so 16 MiB of
 * them took the relay 8.5 s and 800 MB before anything could refuse it. Each client's block and
 * each client of the delete set counts as a part too. Throws `MalformedUpdate` where Yjs would
 * not decode it either. `clients` receives the clients it has structs under (UPD-13).
 */
export function countUpdateParts(update: Uint8Array, limit: number, clients?: number[]): number {
  const d = decoding.createDecoder(update);
  let parts = 0;
  const skipString = () => decoding.readVarUint8Array(d);
  const skipId = () => {
    decoding.readVarUint(d);
    decoding.readVarUint(d);
  };
  try {
    const blocks = decoding.readVarUint(d);
    const seen = new Set<number>();
    for (let c = 0; c < blocks; c++) {
      const structs = decoding.readVarUint(d);
      const client = decoding.readVarUint(d);
      // Yjs applies only the last block of a client and drops the others, which the checks
      // before it would read as well (UPD-12). An encoder writes each client once.
      if (seen.has(client)) throw new MalformedUpdate("a client's structs come twice");
      seen.add(client);
      if (structs > 0) clients?.push(client);
      // A client's block is a part too, with or without structs: 2.3 million empty ones (16 MB)
      // counted as nothing and took the relay a second to decode.
      if (++parts > limit) return parts;
      decoding.readVarUint(d); // clock
      for (let i = 0; i < structs; i++) {
        if (++parts > limit) return parts;
        const info = decoding.readUint8(d);
        const ref = info & 0b11111;
        if (ref === 0 || info === 10) {
          decoding.readVarUint(d); // a GC's or a skip's length
          continue;
        }
        if ((info & 0b10000000) !== 0) skipId(); // origin
        if ((info & 0b01000000) !== 0) skipId(); // right origin
        if ((info & 0b11000000) === 0) {
          if (decoding.readVarUint(d) === 1) skipString();
          else skipId(); // parent: an item
          if ((info & 0b00100000) !== 0) skipString();
        }
        switch (ref) {
          case 1: // deleted: a length
            decoding.readVarUint(d);
            break;
          case 2: // JSON: strings
          case 8: {
            // any: values
            const n = decoding.readVarUint(d);
            for (let k = 0; k < n; k++) {
              if (++parts > limit) return parts;
              if (ref === 2) skipString();
              else decoding.readAny(d);
            }
            break;
          }
          case 3: // binary
          case 4: // string
          case 5: // embed (JSON text)
            skipString();
            break;
          case 6: // format: key, JSON text
            skipString();
            skipString();
            break;
          case 7: {
            // a type: an XML element or hook has a name
            const typeRef = decoding.readVarUint(d);
            if (typeRef === 3 || typeRef === 5) skipString();
            else if (typeRef > 6) throw new MalformedUpdate('unknown type');
            break;
          }
          case 9: // subdocument: guid, options
            skipString();
            decoding.readAny(d);
            break;
          default:
            throw new MalformedUpdate('unknown content');
        }
      }
    }
    const deleting = decoding.readVarUint(d);
    for (let c = 0; c < deleting; c++) {
      decoding.readVarUint(d); // client
      const ranges = decoding.readVarUint(d);
      parts += ranges + 1;
      if (parts > limit) return parts;
      for (let i = 0; i < ranges; i++) skipId(); // clock, length
    }
  } catch (error) {
    if (error instanceof MalformedUpdate) throw error;
    throw new MalformedUpdate('Yjs cannot decode it');
  }
  return parts;
}

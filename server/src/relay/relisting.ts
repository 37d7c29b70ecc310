import * as Y from 'yjs';

/** Where an item of an update lands: a root type's name (or null when nested) and its map key. */
type Place = { root: string | null; key: string | null } | null;

/** The place of an item the room's doc already holds; null when it holds none there. */
function storedPlace(doc: Y.Doc, id: Y.ID): Place {
  let struct: Y.AbstractStruct;
  try {
    struct = Y.getItem(doc.store, id);
  } catch {
    return null;
  }
  if (!(struct instanceof Y.Item)) return null;
  const parent = struct.parent as Y.AbstractType<unknown> | null;
  if (!parent) return null;
  return { root: parent._item === null ? Y.findRootTypeKey(parent) : null, key: struct.parentSub };
}

/**
 * The first of `ids` an update would set as a key of the root map `rootName` (DEL-2), read from
 * the update's structs without applying it: an item names its parent and key, or inherits them
 * from its left (else right) neighbour, as Yjs does when it integrates it; neighbours are looked
 * up in the update itself, then in the room's doc. Null when it sets none of them.
 */
export function relistedKey(
  update: Uint8Array,
  doc: Y.Doc,
  rootName: string,
  ids: ReadonlySet<string>,
): string | null {
  const items = Y.decodeUpdate(update).structs.filter((s): s is Y.Item => s instanceof Y.Item);
  const byClient = new Map<number, Y.Item[]>();
  for (const item of items) {
    const list = byClient.get(item.id.client) ?? [];
    list.push(item);
    byClient.set(item.id.client, list);
  }
  // An update's structs come per client in clock order: found by binary search (a linear scan per
  // lookup made a chain of 120k nested items a minute of work, DEL-4).
  const own = (id: Y.ID): Y.Item | undefined => {
    const list = byClient.get(id.client);
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = list[mid]!;
      if (id.clock < s.id.clock) hi = mid - 1;
      else if (id.clock >= s.id.clock + s.length) lo = mid + 1;
      else return s;
    }
    return undefined;
  };
  const places = new Map<Y.Item, Place>();
  /**
   * Where an item lands, by itself or by its neighbour, followed without recursion: a chain of
   * neighbours can be as long as the update.
   */
  const placeOf = (first: Y.Item): Place => {
    const chain: Y.Item[] = [];
    let item: Y.Item | undefined = first;
    let place: Place = null;
    while (item) {
      if (places.has(item)) {
        place = places.get(item) ?? null;
        break;
      }
      // A neighbour chain that loops back is broken input: it lands nowhere.
      places.set(item, null);
      chain.push(item);
      const parent = item.parent as unknown;
      if (typeof parent === 'string') {
        place = { root: parent, key: item.parentSub };
        break;
      }
      if (parent instanceof Y.ID) {
        place = { root: null, key: item.parentSub };
        break;
      }
      const neighbour: Y.ID | null = item.origin ?? item.rightOrigin;
      if (!neighbour) break;
      const inUpdate = own(neighbour);
      if (!inUpdate) {
        place = storedPlace(doc, neighbour);
        break;
      }
      item = inUpdate;
    }
    // Every item of the chain inherits the parent and key its end found, as Yjs integrates it.
    for (const x of chain) places.set(x, place);
    return place;
  };
  for (const item of items) {
    const place = placeOf(item);
    if (place?.root === rootName && place.key !== null && ids.has(place.key)) return place.key;
  }
  return null;
}

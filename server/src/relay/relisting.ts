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
  const own = (id: Y.ID) =>
    byClient
      .get(id.client)
      ?.find((s) => s.id.clock <= id.clock && id.clock < s.id.clock + s.length);
  const places = new Map<Y.Item, Place>();
  const placeOf = (item: Y.Item): Place => {
    if (places.has(item)) return places.get(item) ?? null;
    // A neighbour chain that loops back is broken input: it lands nowhere.
    places.set(item, null);
    let place: Place = null;
    const parent = item.parent as unknown;
    if (typeof parent === 'string') place = { root: parent, key: item.parentSub };
    else if (parent instanceof Y.ID) place = { root: null, key: item.parentSub };
    else {
      const neighbour = item.origin ?? item.rightOrigin;
      if (neighbour) {
        const inUpdate = own(neighbour);
        place = inUpdate ? placeOf(inUpdate) : storedPlace(doc, neighbour);
      }
    }
    places.set(item, place);
    return place;
  };
  for (const item of items) {
    const place = placeOf(item);
    if (place?.root === rootName && place.key !== null && ids.has(place.key)) return place.key;
  }
  return null;
}

/**
 * Mutations of real Yjs updates: byte-level ones (flip, truncate, splice, duplicate, change a
 * varint, cross two updates) and structural ones (decode, point an item's origin, right origin
 * or parent somewhere else, swap its content, widen the delete set, re-encode), which give
 * updates that still decode but may not apply.
 */
import * as encoding from 'lib0/encoding';
import * as prng from 'lib0/prng';
import * as Y from 'yjs';

export const BYTE_MUTATIONS = [
  'flip',
  'truncate',
  'splice',
  'duplicate',
  'varint',
  'crossover',
] as const;
export type Mutation = (typeof BYTE_MUTATIONS)[number] | 'structural';

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
};

const varUint = (value: number): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, value);
  return encoding.toUint8Array(e);
};

/** Values that tend to break decoders: edges of 7-bit groups, 32-bit and safe-integer limits. */
export const interestingNumber = (gen: prng.PRNG, around = 0): number =>
  prng.oneOf(gen, [
    0,
    1,
    Math.max(0, around - 1),
    around + 1,
    around * 2,
    127,
    128,
    16_383,
    16_384,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 53 - 1,
    prng.uint32(gen, 0, 2 ** 32 - 1),
  ]);

/** One byte-level mutation of `update`; `donor` is another real update (for crossover). */
export function mutateBytes(
  gen: prng.PRNG,
  update: Uint8Array,
  donor: Uint8Array,
  mutation: (typeof BYTE_MUTATIONS)[number],
): Uint8Array {
  const n = update.byteLength;
  const pos = () => prng.int32(gen, 0, Math.max(0, n - 1));
  switch (mutation) {
    case 'flip': {
      const out = update.slice();
      const flips = prng.int32(gen, 1, 4);
      for (let i = 0; i < flips && n > 0; i++) {
        const at = pos();
        out[at] = prng.bool(gen)
          ? out[at]! ^ (1 << prng.int32(gen, 0, 7))
          : prng.uint32(gen, 0, 255);
      }
      return out;
    }
    case 'truncate': {
      if (prng.bool(gen)) return update.slice(0, pos());
      const from = pos();
      return concat(update.subarray(0, from), update.subarray(from + prng.int32(gen, 1, 16)));
    }
    case 'splice': {
      const at = pos();
      const junk = prng.uint8Array(gen, prng.int32(gen, 1, 16));
      const replace = prng.bool(gen) ? junk.byteLength : 0;
      return concat(update.subarray(0, at), junk, update.subarray(at + replace));
    }
    case 'duplicate': {
      const from = pos();
      const piece = update.subarray(from, from + prng.int32(gen, 1, 64));
      const at = pos();
      return concat(update.subarray(0, at), piece, update.subarray(at));
    }
    case 'varint': {
      // Read whatever varint starts at a random byte and write a different value in its place.
      const at = pos();
      let end = at;
      let value = 0;
      let mult = 1;
      while (end < n && end - at < 8) {
        const b = update[end++]!;
        value += (b & 0x7f) * mult;
        mult *= 128;
        if (b < 0x80) break;
      }
      return concat(
        update.subarray(0, at),
        varUint(interestingNumber(gen, value)),
        update.subarray(end),
      );
    }
    case 'crossover':
      return concat(
        update.subarray(0, pos()),
        donor.subarray(prng.int32(gen, 0, donor.byteLength)),
      );
  }
}

type Struct = Y.Item | Y.GC | Y.Skip;

const randomId = (gen: prng.PRNG, clients: number[]): Y.ID =>
  Y.createID(
    prng.bool(gen) ? prng.oneOf(gen, clients) : prng.uint32(gen, 0, 2 ** 32 - 1),
    prng.bool(gen) ? prng.int32(gen, 0, 400) : interestingNumber(gen),
  );

/** Writes structs (grouped by client, in order) and a delete set as a V1 update. */
export function encodeStructs(
  structs: Struct[],
  ds: Map<number, { clock: number; len: number }[]>,
) {
  const encoder = new Y.UpdateEncoderV1();
  const groups: Struct[][] = [];
  for (const s of structs) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.id.client === s.id.client) last.push(s);
    else groups.push([s]);
  }
  encoding.writeVarUint(encoder.restEncoder, groups.length);
  for (const group of groups) {
    encoding.writeVarUint(encoder.restEncoder, group.length);
    encoder.writeClient(group[0]!.id.client);
    encoding.writeVarUint(encoder.restEncoder, group[0]!.id.clock);
    for (const s of group) s.write(encoder, 0);
  }
  encoding.writeVarUint(encoder.restEncoder, ds.size);
  for (const [client, ranges] of ds) {
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, ranges.length);
    for (const r of ranges) {
      encoding.writeVarUint(encoder.restEncoder, r.clock);
      encoding.writeVarUint(encoder.restEncoder, r.len);
    }
  }
  return encoder.toUint8Array();
}

/**
 * Decodes a real update, changes what one or two items refer to (origin, right origin, parent,
 * map key, content, client or first clock) or widens its delete set, and re-encodes it. Returns
 * null when the update cannot be decoded or re-encoded.
 */
export function mutateStructure(
  gen: prng.PRNG,
  update: Uint8Array,
  clients: number[],
): Uint8Array | null {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    return null;
  }
  const structs = decoded.structs as Struct[];
  const ds = new Map<number, { clock: number; len: number }[]>();
  for (const [client, items] of decoded.ds.clients) {
    ds.set(
      client,
      items.map((i) => ({ clock: i.clock, len: i.len })),
    );
  }
  const items = structs.filter((s): s is Y.Item => s instanceof Y.Item);
  const changes = prng.int32(gen, 1, 2);
  for (let c = 0; c < changes; c++) {
    const item = items.length > 0 ? prng.oneOf(gen, items) : null;
    const what = prng.int32(gen, 0, 8);
    if (!item || what === 8) {
      const client = prng.bool(gen) ? prng.oneOf(gen, clients) : prng.uint32(gen, 0, 2 ** 32 - 1);
      const ranges = ds.get(client) ?? [];
      ranges.push({ clock: interestingNumber(gen), len: interestingNumber(gen, 1) });
      ds.set(client, ranges);
      continue;
    }
    switch (what) {
      case 0:
        item.origin = prng.bool(gen) ? randomId(gen, clients) : null;
        break;
      case 1:
        item.rightOrigin = prng.bool(gen) ? randomId(gen, clients) : null;
        break;
      case 2:
        item.origin = null;
        item.rightOrigin = null;
        item.parent = prng.bool(gen)
          ? (prng.oneOf(gen, ['', 'meta', 'body', 'entries', prng.utf16String(gen, 8)]) as never)
          : (randomId(gen, clients) as never);
        item.parentSub = prng.bool(gen) ? prng.oneOf(gen, ['title', '', 'x']) : null;
        break;
      case 3:
        item.parentSub = item.parentSub === null ? 'key' : null;
        break;
      case 4:
        item.content = prng.oneOf(gen, [
          () => new Y.ContentString(prng.utf16String(gen, 10)),
          () => new Y.ContentDeleted(interestingNumber(gen, 1) || 1),
          () => new Y.ContentAny([null, 1, 'x']),
          () => new Y.ContentType(new Y.Map()),
          () => new Y.ContentType(new Y.XmlElement('p')),
          () => new Y.ContentFormat('bold', true),
          () => new Y.ContentEmbed({ src: 'x' }),
          () => new Y.ContentBinary(prng.uint8Array(gen, 4)),
          () => new Y.ContentJSON([{}]),
        ])();
        break;
      case 5:
        item.id = Y.createID(prng.oneOf(gen, clients), item.id.clock);
        break;
      case 6:
        item.id = Y.createID(item.id.client, interestingNumber(gen, item.id.clock));
        break;
      default: {
        // An origin pointing at another item of the same update, in either direction.
        const other = prng.oneOf(gen, items);
        if (prng.bool(gen)) item.origin = other.lastId;
        else item.rightOrigin = other.id;
      }
    }
    if (item.origin === null && item.rightOrigin === null && item.parent === null) {
      item.parent = 'fuzz' as never;
    }
  }
  try {
    return encodeStructs(structs, ds);
  } catch {
    return null;
  }
}

import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

type Segment = { client: number; clock: number; count: number; bytes: Uint8Array };

/** A struct, or a slice [start, end) of one, to encode. */
type Piece = { struct: Y.Item | Y.GC; start: number; end: number };

/** Upper bound of the encoded size of a piece (string content: 3 bytes a UTF-16 unit at most). */
function estimate(piece: Piece): number {
  const { struct } = piece;
  if (struct instanceof Y.Item && struct.content instanceof Y.ContentString) {
    return 32 + 3 * (piece.end - piece.start);
  }
  if (struct instanceof Y.Item && struct.content instanceof Y.ContentDeleted) return 32;
  if (struct instanceof Y.GC) return 16;
  return 32 + 64 * (piece.end - piece.start);
}

/**
 * Cuts the structs of one client from `clock` on into pieces; a long run of text (Yjs merges
 * consecutive typing into one item) is cut into slices of at most `maxChars` UTF-16 units, never
 * inside a surrogate pair.
 */
function* pieces(structs: (Y.Item | Y.GC)[], clock: number, maxChars: number): Generator<Piece> {
  for (let i = Y.findIndexSS(structs, clock); i < structs.length; i++) {
    const struct = structs[i]!;
    let start = Math.max(0, clock - struct.id.clock);
    const isText = struct instanceof Y.Item && struct.content instanceof Y.ContentString;
    if (!isText) {
      yield { struct, start, end: struct.length };
      continue;
    }
    const text = (struct.content as Y.ContentString).str;
    while (start < struct.length) {
      let end = Math.min(struct.length, start + maxChars);
      const code = text.charCodeAt(end - 1);
      if (end < struct.length && code >= 0xd800 && code <= 0xdbff) end--;
      yield { struct, start, end };
      start = end;
    }
  }
}

/** Encodes a piece the way `Item.write(encoder, offset)` does, stopping at `end`. */
function writePiece(encoder: Y.UpdateEncoderV1, { struct, start, end }: Piece): void {
  if (end === struct.length) {
    struct.write(encoder, start);
    return;
  }
  // Only text is sliced short of its end: write the slice as an item of its own, as Yjs would
  // after splitting it there (the left part keeps the origins; its right part follows).
  const item = struct as Y.Item;
  const { client, clock } = item.id;
  const slice = new Y.Item(
    Y.createID(client, clock + start),
    null,
    start > 0 ? Y.createID(client, clock + start - 1) : item.origin,
    null,
    item.rightOrigin,
    item.parent,
    item.parentSub,
    new Y.ContentString((item.content as Y.ContentString).str.slice(start, end)),
  );
  slice.write(encoder, 0);
}

/**
 * Encodes the structs `doc` holds beyond `stateVector` as a series of Yjs updates (format v1) of
 * at most about `chunkBytes` each, without delete sets: a big document's first sync, served from
 * memory in pieces a phone can take. Clients are written from the highest id down, as Yjs itself
 * does. The delete set and any pending structs follow in a final sync step 2.
 */
export function encodeStructChunks(
  doc: Y.Doc,
  stateVector: Map<number, number>,
  chunkBytes: number,
): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let segments: Segment[] = [];
  let chunkSize = 0;
  const finishChunk = () => {
    if (segments.length === 0) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, segments.length);
    for (const s of segments) {
      encoding.writeVarUint(encoder, s.count);
      encoding.writeVarUint(encoder, s.client);
      encoding.writeVarUint(encoder, s.clock);
      encoding.writeUint8Array(encoder, s.bytes);
    }
    encoding.writeVarUint(encoder, 0); // empty delete set
    chunks.push(encoding.toUint8Array(encoder));
    segments = [];
    chunkSize = 0;
  };
  const maxChars = Math.max(16, Math.floor(chunkBytes / 4));
  const clients = Array.from(doc.store.clients.entries()).sort((a, b) => b[0] - a[0]);
  for (const [client, structs] of clients) {
    const first = structs[0];
    const last = structs[structs.length - 1];
    if (!first || !last) continue;
    const have = stateVector.get(client) ?? 0;
    if (last.id.clock + last.length <= have) continue;
    let encoder = new Y.UpdateEncoderV1();
    let count = 0;
    let segmentClock = Math.max(have, first.id.clock);
    const closeSegment = () => {
      if (count === 0) return;
      const bytes = encoder.toUint8Array();
      segments.push({ client, clock: segmentClock, count, bytes });
      chunkSize += bytes.byteLength + 16;
      encoder = new Y.UpdateEncoderV1();
      count = 0;
    };
    for (const piece of pieces(structs as (Y.Item | Y.GC)[], segmentClock, maxChars)) {
      const pending = count === 0 ? 0 : encoding.length(encoder.restEncoder);
      if (chunkSize + pending + estimate(piece) > chunkBytes && chunkSize + pending > 0) {
        closeSegment();
        finishChunk();
      }
      if (count === 0) segmentClock = piece.struct.id.clock + piece.start;
      writePiece(encoder, piece);
      count++;
    }
    closeSegment();
  }
  finishChunk();
  return chunks;
}

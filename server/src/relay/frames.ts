import { MessageType } from '@grassroots/shared';

/**
 * WebSocket frames as a server writes them (RFC 6455: FIN, opcode 2, no mask, no extension),
 * header and payload in one Buffer. Built once, the same bytes can be written to every connection
 * of a room; the messages the relay sends most (relays, acks) are encoded straight into one.
 */

/** Bytes of `n` as a lib0 varUint (7 bits a byte). */
export const varUintLength = (n: number): number => {
  let length = 1;
  while (n > 0x7f) {
    n = Math.floor(n / 128);
    length++;
  }
  return length;
};

/** Writes `n` as a lib0 varUint at `at`; returns the offset after it. */
export const writeVarUint = (target: Uint8Array, at: number, n: number): number => {
  while (n > 0x7f) {
    target[at++] = 0x80 | (n & 0x7f);
    n = Math.floor(n / 128);
  }
  target[at++] = n;
  return at;
};

/**
 * `Y.encodeStateVector(doc)`, the same bytes (clients in descending order, as Yjs writes them),
 * written straight into one array. A room encodes its state vector after every batch it stores
 * (its acks carry it); Yjs's way (a Map of the clocks, its entries copied and sorted with a
 * comparison function, a growing encoder) was a fifth of the work after a small batch.
 */
export function encodeStateVector(clients: ReadonlyMap<number, readonly StructRun[]>): Uint8Array {
  // Client ids are whole numbers below 2^53: a Float64Array sorts them by value, without a
  // comparison function.
  const ids = new Float64Array(clients.size);
  let i = 0;
  for (const id of clients.keys()) ids[i++] = id;
  ids.sort();
  const clocks = new Float64Array(ids.length);
  let length = varUintLength(ids.length);
  for (let k = 0; k < ids.length; k++) {
    const structs = clients.get(ids[k]!)!;
    const last = structs[structs.length - 1]!;
    clocks[k] = last.id.clock + last.length;
    length += varUintLength(ids[k]!) + varUintLength(clocks[k]!);
  }
  const bytes = new Uint8Array(length);
  let at = writeVarUint(bytes, 0, ids.length);
  for (let k = ids.length - 1; k >= 0; k--) {
    at = writeVarUint(bytes, at, ids[k]!);
    at = writeVarUint(bytes, at, clocks[k]!);
  }
  return bytes;
}

/** What `encodeStateVector` reads of a Yjs struct: its id's clock and its length. */
type StructRun = { id: { clock: number }; length: number };

/** A frame of `length` payload bytes with its header written; returns it and the payload offset. */
function frameOf(length: number): [Buffer, number] {
  const headerLength = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x82;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 0x10000) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 0x100000000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  return [frame, headerLength];
}

/** A binary message as one frame. */
export function binaryFrame(payload: Uint8Array): Buffer {
  const [frame, at] = frameOf(payload.byteLength);
  frame.set(payload, at);
  return frame;
}

/** Sync type of an update (y-protocols' messageYjsUpdate). */
const SYNC_UPDATE = 2;

/** `varUint(0) varUint(2) varUint8Array(update)`: a Yjs update as y-websocket relays it. */
export function syncUpdateFrame(update: Uint8Array): Buffer {
  const [frame, start] = frameOf(2 + varUintLength(update.byteLength) + update.byteLength);
  frame[start] = MessageType.sync;
  frame[start + 1] = SYNC_UPDATE;
  frame.set(update, writeVarUint(frame, start + 2, update.byteLength));
  return frame;
}

/** Message 100: `varUint(100) varUint8Array(stateVector) varUint(settled) varUint(seq)`. */
export function ackFrame(stateVector: Uint8Array, settled: number, seq: number): Buffer {
  const svLength = stateVector.byteLength;
  const [frame, start] = frameOf(
    varUintLength(MessageType.ack) +
      varUintLength(svLength) +
      svLength +
      varUintLength(settled) +
      varUintLength(seq),
  );
  const at = writeVarUint(frame, writeVarUint(frame, start, MessageType.ack), svLength);
  frame.set(stateVector, at);
  writeVarUint(frame, writeVarUint(frame, at + svLength, settled), seq);
  return frame;
}

/** The message a frame made here carries, without its header (no copy). */
export const messageOf = (frame: Buffer): Buffer =>
  frame.subarray(frame[1] === 126 ? 4 : frame[1] === 127 ? 10 : 2);

import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

export type StateVector = Map<number, number>;

/** True when every clock of `local` is at most the one in `acked` (the server has it all). */
export function isCoveredBy(local: StateVector, acked: StateVector | null): boolean {
  for (const [client, clock] of local) {
    if (clock === 0) continue;
    if (!acked || (acked.get(client) ?? 0) < clock) return false;
  }
  return true;
}

export function stateVectorOf(doc: Y.Doc): StateVector {
  return Y.decodeStateVector(Y.encodeStateVector(doc));
}

/** Encodes a state vector in the Yjs v1 layout, so `Y.decodeStateVector` reads it back. */
export function encodeStateVectorMap(sv: StateVector): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, sv.size);
  for (const [client, clock] of sv) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
  }
  return encoding.toUint8Array(encoder);
}

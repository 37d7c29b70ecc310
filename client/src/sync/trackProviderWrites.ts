import { MessageType } from '@grassroots/shared';
import * as decoding from 'lib0/decoding';
import { messageYjsSyncStep2, messageYjsUpdate } from 'y-protocols/sync';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { ConnectionWrites, SyncedDoc } from './SyncedDoc.ts';
import type { StateVector } from './stateVectors.ts';

/** True for a y-websocket message the server may store: sync step 2 or a sync update. */
export function isWriteMessage(data: unknown): boolean {
  let bytes: Uint8Array;
  if (data instanceof Uint8Array) bytes = data;
  else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
  else return false;
  try {
    const decoder = decoding.createDecoder(bytes);
    if (decoding.readVarUint(decoder) !== MessageType.sync) return false;
    const syncType = decoding.readVarUint(decoder);
    return syncType === messageYjsSyncStep2 || syncType === messageYjsUpdate;
  } catch {
    return false;
  }
}

/**
 * Reads the body of an ack (message 100): the stored state vector, how many of this connection's
 * writes are settled, and the seq up to which every stored row was sent on it. A relay that sends
 * no count or no seq gives null for it.
 */
export function readAck(decoder: decoding.Decoder): {
  stateVector: StateVector;
  writesSettled: number | null;
  seq: number | null;
} {
  const stateVector = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
  const writesSettled = decoding.hasContent(decoder) ? decoding.readVarUint(decoder) : null;
  const seq = decoding.hasContent(decoder) ? decoding.readVarUint(decoder) : null;
  return { stateVector, writesSettled, seq };
}

/**
 * Connects a provider's acks and sent writes to its doc: each WebSocket the provider opens gets
 * its own count of write messages (its `send` is wrapped), and acks received on it settle them.
 * Register before the provider connects. Returns a cleanup.
 */
export function trackProviderWrites(provider: WebsocketProvider, synced: SyncedDoc): () => void {
  let current: ConnectionWrites | null = null;
  const endCurrent = () => {
    current?.end();
    current = null;
  };
  const onStatus = ({ status }: { status: string }) => {
    if (status !== 'connecting') return;
    // A new WebSocket was just created (y-websocket emits this right after making it).
    endCurrent();
    const ws = provider.ws;
    if (!ws) return;
    const writes = synced.trackConnection();
    current = writes;
    const send = ws.send.bind(ws);
    ws.send = (data) => {
      send(data);
      if (isWriteMessage(data)) writes.noteWriteSent();
    };
  };
  provider.on('status', onStatus);
  provider.on('connection-close', endCurrent);
  provider.messageHandlers[MessageType.ack] = (_encoder, decoder) => {
    const { stateVector, writesSettled, seq } = readAck(decoder);
    if (!current) return;
    // Before the server's step 2 has arrived, rows the seq counts may still be on their way.
    // Noted first: the ack's own change event then finds it.
    if (provider.synced) synced.noteAckAfterSync(seq);
    current.applyAck(stateVector, writesSettled);
  };
  return () => {
    provider.off('status', onStatus);
    provider.off('connection-close', endCurrent);
    endCurrent();
  };
}

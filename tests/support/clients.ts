import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

/** The stock y-websocket client, exactly as an app would use it, plus a way to wait for sync. */
export function stockClient(
  wsUrl: string,
  room: string,
  token: string,
  options: { doc?: Y.Doc; WebSocketPolyfill?: unknown } = {},
) {
  const doc = options.doc ?? new Y.Doc();
  const provider = new WebsocketProvider(wsUrl, room, doc, {
    params: { token },
    // biome-ignore lint/suspicious/noExplicitAny: y-websocket types the polyfill as the DOM WebSocket
    WebSocketPolyfill: (options.WebSocketPolyfill ?? WebSocket) as any,
    disableBc: true,
  });
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve();
    provider.once('sync', (isSynced: boolean) => isSynced && resolve());
  });
  return {
    doc,
    provider,
    synced,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export type RawMessage = { type: number; bytes: Uint8Array };

/** A bare WebSocket speaking the protocol by hand, for malformed input and message inspection. */
export async function rawClient(url: string) {
  const ws = new WebSocket(url);
  const messages: RawMessage[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('message', (data: Buffer) => {
    const bytes = new Uint8Array(data);
    messages.push({ type: decoding.readVarUint(decoding.createDecoder(bytes)), bytes });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return { ws, messages, closed, send: (bytes: Uint8Array) => ws.send(bytes) };
}

/** Resolves with the HTTP status a refused upgrade answered with. */
export function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('error', (e) => reject(e));
  });
}

export const syncStep1 = (doc: Y.Doc) => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  syncProtocol.writeSyncStep1(e, doc);
  return encoding.toUint8Array(e);
};

export const updateMessage = (update: Uint8Array) => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
};

/** Applies every sync message of a raw client to a doc (to see what the server sent). */
export function applySyncMessages(doc: Y.Doc, messages: RawMessage[]): void {
  for (const m of messages) {
    if (m.type !== 0) continue;
    const d = decoding.createDecoder(m.bytes);
    decoding.readVarUint(d);
    syncProtocol.readSyncMessage(d, encoding.createEncoder(), doc, null);
  }
}

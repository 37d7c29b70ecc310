import { MessageType } from '@grassroots/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as prng from 'lib0/prng';
import WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { AckLedger, writeKind } from './AckLedger.ts';

/** Root map holding one unique key per marker update. */
export const MARKERS = 'markers';
/** A key every writer overwrites, so that stored rows carry deletions too; never checked. */
const HOT_KEY = '~hot';
/** Root text edited (inserted and deleted) alongside the markers; never checked. */
const NOTES = 'notes';

/** What the relay vouched for in one room, by marker key. */
export class RoomBook {
  /** Every marker any writer of the room wrote. */
  readonly written = new Set<string>();
  /** Markers an ack proved stored. */
  readonly acked = new Set<string>();
  /** Markers another client received from the relay. */
  readonly relayed = new Set<string>();
}

/** How a connection of a writer ended when the harness did not end it. */
export type UnexpectedClose = { writer: string; code: number; reason: string };

/**
 * One device editing one room: its own Y.Doc (kept across connections, so edits made while
 * disconnected are sent on the next connection) and a ledger of what the relay acknowledged.
 */
export abstract class Writer {
  readonly doc = new Y.Doc();
  readonly ledger: AckLedger;
  private readonly markers = this.doc.getMap<string>(MARKERS);
  private readonly notes = this.doc.getText(NOTES);
  private nextMarker = 0;

  constructor(
    readonly name: string,
    readonly room: string,
    protected readonly token: string,
    protected readonly book: RoomBook,
    protected readonly onUnexpectedClose: (close: UnexpectedClose) => void = () => {},
  ) {
    this.ledger = new AckLedger((key) => book.acked.add(key));
    this.markers.observe((event) => {
      if (event.transaction.local) return;
      for (const key of event.keysChanged) {
        if (key !== HOT_KEY && this.markers.has(key)) book.relayed.add(key);
      }
    });
  }

  /** Opens a connection to `ws://…/sync`; edits made meanwhile are sent once it is open. */
  abstract connect(syncUrl: string): void;
  /** Ends the connection (abruptly: without a close handshake). */
  abstract disconnect(isAbrupt?: boolean): void;
  /** Resolves once the current connection received the relay's sync step 2. */
  abstract synced(): Promise<void>;
  abstract get isConnected(): boolean;
  abstract destroy(): void;

  /** Writes one marker (a unique map key) and, now and then, edits that delete. */
  write(gen: prng.PRNG): string {
    const key = `${this.name}.${this.nextMarker++}`;
    const clock = Y.getState(this.doc.store, this.doc.clientID);
    const writesBefore = this.ledger.writesSent;
    const connectedBefore = this.isConnected;
    this.markers.set(key, prng.word(gen, 2, 12));
    const wasSent = connectedBefore && this.ledger.writesSent > writesBefore;
    this.ledger.track(key, this.doc.clientID, clock, wasSent);
    this.book.written.add(key);
    const roll = prng.real53(gen);
    if (roll < 0.15) this.markers.set(HOT_KEY, key);
    else if (roll < 0.3) {
      const length = this.notes.length;
      if (length > 300) this.notes.delete(prng.int32(gen, 0, length - 40), 30);
      else this.notes.insert(prng.int32(gen, 0, length), `${prng.word(gen, 1, 8)} `);
    }
    return key;
  }

  /** What the doc holds, to compare devices with a freshly loaded copy. */
  contents(): ReturnType<typeof contentsOf> {
    return contentsOf(this.doc);
  }
}

const syncStep1 = (doc: Y.Doc): Uint8Array => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
};

const updateMessage = (update: Uint8Array): Uint8Array => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
};

const readAck = (decoder: decoding.Decoder) => ({
  stateVector: Y.decodeStateVector(decoding.readVarUint8Array(decoder)),
  writesSettled: decoding.readVarUint(decoder),
});

const roomUrl = (syncUrl: string, room: string, token: string, wantsAck: boolean) =>
  `${syncUrl}/${room}?token=${encodeURIComponent(token)}${wantsAck ? '&ack=1' : ''}`;

/** A writer speaking the y-websocket protocol by hand over `ws`, with `ack=1`. */
export class RawWriter extends Writer {
  private ws: WebSocket | null = null;
  private isOpen = false;
  private syncedOnce: Promise<void> = Promise.resolve();

  constructor(
    name: string,
    room: string,
    token: string,
    book: RoomBook,
    onUnexpectedClose?: (close: UnexpectedClose) => void,
  ) {
    super(name, room, token, book, onUnexpectedClose);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this) return;
      this.sendWrite(updateMessage(update), false);
    });
  }

  get isConnected(): boolean {
    return this.isOpen;
  }

  synced(): Promise<void> {
    return this.syncedOnce;
  }

  connect(syncUrl: string): void {
    this.disconnect(true);
    const ws = new WebSocket(roomUrl(syncUrl, this.room, this.token, true));
    this.ws = ws;
    this.syncedOnce = new Promise<void>((resolve) => {
      ws.on('open', () => {
        if (this.ws !== ws) return;
        this.isOpen = true;
        this.ledger.opened();
        ws.send(syncStep1(this.doc));
      });
      ws.on('message', (data: Buffer) => {
        if (this.ws !== ws) return;
        this.receive(ws, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), resolve);
      });
    });
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.isOpen = false;
      this.onUnexpectedClose({ writer: this.name, code, reason: reason.toString() });
    });
    // A refused or reset connection ends in 'close'; the error itself says nothing more.
    ws.on('error', () => {});
  }

  private receive(ws: WebSocket, bytes: Uint8Array, onSynced: () => void): void {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    if (type === MessageType.sync) {
      const reply = encoding.createEncoder();
      encoding.writeVarUint(reply, MessageType.sync);
      const syncType = syncProtocol.readSyncMessage(decoder, reply, this.doc, this);
      if (syncType === syncProtocol.messageYjsSyncStep1 && ws === this.ws) {
        this.sendWrite(encoding.toUint8Array(reply), true);
      }
      if (syncType === syncProtocol.messageYjsSyncStep2) onSynced();
    } else if (type === MessageType.ack) {
      const { stateVector, writesSettled } = readAck(decoder);
      this.ledger.ack(stateVector, writesSettled);
    }
  }

  private sendWrite(message: Uint8Array, isSyncStep2: boolean): void {
    const ws = this.ws;
    if (!this.isOpen || ws === null || ws.readyState !== WebSocket.OPEN) return;
    ws.send(message);
    this.ledger.wrote(isSyncStep2);
  }

  disconnect(isAbrupt = false): void {
    const ws = this.ws;
    this.ws = null;
    this.isOpen = false;
    if (!ws) return;
    if (isAbrupt) ws.terminate();
    else ws.close();
  }

  destroy(): void {
    this.disconnect(true);
    this.doc.destroy();
  }
}

/**
 * A writer using the stock y-websocket `WebsocketProvider`, taught to read acks: a handler for
 * message 100, and a count of the write messages its socket sends.
 */
export class StockWriter extends Writer {
  readonly provider: WebsocketProvider;
  private syncedOnce: Promise<void> = Promise.resolve();
  private resolveSynced: () => void = () => {};

  constructor(
    name: string,
    room: string,
    token: string,
    book: RoomBook,
    onUnexpectedClose?: (close: UnexpectedClose) => void,
  ) {
    super(name, room, token, book, onUnexpectedClose);
    const awareness = new awarenessProtocol.Awareness(this.doc);
    // No presence: its renewals would only add traffic that is not under test.
    awareness.setLocalState(null);
    this.provider = new WebsocketProvider('ws://127.0.0.1:9/sync', room, this.doc, {
      connect: false,
      params: { token, ack: '1' },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      // Node has a global BroadcastChannel: without this, writers would sync around the relay.
      disableBc: true,
      awareness,
      maxBackoffTime: 500,
    });
    this.provider.messageHandlers[MessageType.ack] = (_encoder, decoder) => {
      const { stateVector, writesSettled } = readAck(decoder);
      this.ledger.ack(stateVector, writesSettled);
    };
    this.provider.on('status', ({ status }) => {
      const ws = this.provider.ws;
      if (status === 'connecting' && ws) {
        const send = ws.send.bind(ws);
        ws.send = (data) => {
          send(data);
          if (!(data instanceof Uint8Array)) return;
          const kind = writeKind(data);
          if (kind) this.ledger.wrote(kind === 'syncStep2');
        };
      }
      if (status === 'connected') this.ledger.opened();
    });
    this.provider.on('sync', (isSynced) => {
      if (isSynced) this.resolveSynced();
    });
    this.provider.on('connection-close', (event) => {
      if (event && this.provider.shouldConnect) {
        this.onUnexpectedClose({ writer: this.name, code: event.code, reason: event.reason });
      }
    });
  }

  get isConnected(): boolean {
    return this.provider.wsconnected;
  }

  synced(): Promise<void> {
    return this.syncedOnce;
  }

  connect(syncUrl: string): void {
    this.provider.disconnect();
    this.syncedOnce = new Promise<void>((resolve) => {
      this.resolveSynced = resolve;
    });
    this.provider.serverUrl = syncUrl;
    this.provider.connect();
  }

  disconnect(isAbrupt = false): void {
    const ws = this.provider.ws as unknown as WebSocket | null;
    if (isAbrupt && ws) ws.terminate();
    this.provider.disconnect();
  }

  destroy(): void {
    this.provider.destroy();
    this.doc.destroy();
  }
}

/**
 * Loads a room the way a new device would: an empty doc sends sync step 1 and takes the relay's
 * answer. Rejects when no step 2 arrived within `timeoutMs`.
 */
export async function loadRoom(
  syncUrl: string,
  room: string,
  token: string,
  timeoutMs = 15_000,
): Promise<Y.Doc> {
  const doc = new Y.Doc();
  const ws = new WebSocket(roomUrl(syncUrl, room, token, false));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${room}: no sync step 2 in time`)),
        timeoutMs,
      );
      ws.on('open', () => ws.send(syncStep1(doc)));
      ws.on('message', (data: Buffer) => {
        const decoder = decoding.createDecoder(new Uint8Array(data));
        if (decoding.readVarUint(decoder) !== MessageType.sync) return;
        const syncType = syncProtocol.readSyncMessage(
          decoder,
          encoding.createEncoder(),
          doc,
          'relay',
        );
        if (syncType === syncProtocol.messageYjsSyncStep2) {
          clearTimeout(timer);
          resolve();
        }
      });
      ws.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      ws.on('close', (code) => {
        clearTimeout(timer);
        reject(new Error(`${room}: closed with ${code} before syncing`));
      });
    });
  } finally {
    ws.terminate();
  }
  return doc;
}

/** Marker keys a loaded doc holds. */
export const markersOf = (doc: Y.Doc): Y.Map<string> => doc.getMap<string>(MARKERS);

/** The checked and unchecked contents of a writer's doc or a loaded one, comparable as JSON. */
export const contentsOf = (doc: Y.Doc): { markers: [string, string][]; notes: string } => ({
  // Sorted: a map's iteration order depends on the order its entries arrived in.
  markers: [...doc.getMap<string>(MARKERS).entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
  notes: doc.getText(NOTES).toString(),
});

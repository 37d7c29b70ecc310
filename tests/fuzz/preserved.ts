/**
 * The doc that must come through the barrage unchanged: written by a stock y-websocket client
 * before it, then compared byte for byte (its stored rows, and what a fresh client syncs).
 */
import { SqliteStore, type StoredUpdate, sqlitePath } from '@grassroots/server';
import * as Y from 'yjs';
import { stockClient } from '../support/clients.ts';
import type { RelayProcess } from '../support/process.ts';
import type { CorpusDoc } from './corpus.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const isSameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

/** Writes the demo plan and a few edits with a stock client; resolves once the server stored them. */
export async function writePreservedDoc(
  server: RelayProcess,
  room: string,
  token: string,
  plan: CorpusDoc,
): Promise<void> {
  const writer = stockClient(server.wsUrl, room, token);
  const reader = stockClient(server.wsUrl, room, token);
  try {
    await Promise.all([writer.synced, reader.synced]);
    Y.applyUpdate(writer.doc, plan.full);
    writer.doc.getText('note').insert(0, '这份记录在模糊测试前写入，之后一个字节也不能变。');
    writer.doc.getMap('meta').set('sealed', true);
    // The server relays only what it stored: once the reader has everything, it is stored.
    const target = Y.encodeStateVector(writer.doc);
    for (const start = Date.now(); !isSameBytes(Y.encodeStateVector(reader.doc), target); ) {
      if (Date.now() - start > 15_000) throw new Error('the preserved doc was not stored in 15 s');
      await sleep(20);
    }
  } finally {
    writer.destroy();
    reader.destroy();
  }
}

/** What a fresh stock client holds once it synced the room (`Y.encodeStateAsUpdate`). */
export async function syncedState(
  server: RelayProcess,
  room: string,
  token: string,
): Promise<Uint8Array> {
  const client = stockClient(server.wsUrl, room, token);
  try {
    const isSynced = await Promise.race([
      client.synced.then(() => true),
      sleep(15_000).then(() => false),
    ]);
    if (!isSynced) throw new Error(`a stock client did not sync ${room} within 15 s`);
    return Y.encodeStateAsUpdate(client.doc);
  } finally {
    client.destroy();
  }
}

/** The room's stored rows, read with the server's own store (SQLite allows this while it runs). */
export async function readRows(dataDir: string, room: string): Promise<StoredUpdate[]> {
  const store = new SqliteStore(sqlitePath(dataDir));
  try {
    return await store.loadUpdates(room);
  } finally {
    await store.close();
  }
}

/** Same seqs with the same bytes, in the same order. */
export const isSameRows = (a: readonly StoredUpdate[], b: readonly StoredUpdate[]): boolean =>
  a.length === b.length &&
  a.every((row, i) => row.seq === b[i]!.seq && isSameBytes(row.update, b[i]!.update));

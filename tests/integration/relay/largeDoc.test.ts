import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { rawClient, stockClient, syncStep1 } from '../../support/clients.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

let server: TestServer;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await server.stop();
});

/** A client that, like many phones and proxies, accepts no single message over 1 MB. */
class SmallFrameWebSocket extends WebSocket {
  constructor(url: string | URL | null, protocols?: string | string[]) {
    super(url as string | URL, protocols, { maxPayload: 1024 * 1024 });
  }
}

describe('a 10 MB document', () => {
  it('finishes its first sync in bounded chunks, even for a client that refuses big messages', async () => {
    server = await startTestServer({ syncChunkBytes: 256 * 1024 });
    const room = `${server.workspaceId}/big`;
    const source = new Y.Doc();
    const text = source.getText('body');
    let previous = Y.encodeStateVector(source);
    const piece = '村'.repeat(35_000); // ~105 KB of UTF-8 per update
    for (let i = 0; i < 100; i++) {
      text.insert(text.length, piece);
      const update = Y.encodeStateAsUpdate(source, previous);
      previous = Y.encodeStateVector(source);
      await server.store.appendUpdates([{ room, authorId: 'author', at: Date.now(), update }]);
    }
    const stats = await server.store.roomStats(room);
    expect(stats.bytes).toBeGreaterThan(10 * 1024 * 1024);

    const raw = await rawClient(`${server.wsUrl}/${room}?token=${server.adminToken}`);
    raw.send(syncStep1(new Y.Doc()));
    const client = stockClient(server.wsUrl, room, server.adminToken, {
      WebSocketPolyfill: SmallFrameWebSocket,
    });
    cleanups.push(client.destroy, () => raw.ws.close());
    await client.synced;
    expect(client.doc.getText('body').length).toBe(text.length);
    expect(client.doc.getText('body').toString()).toBe(text.toString());
    // Every message the server sent stayed within the chunk size (plus framing).
    const largest = Math.max(...raw.messages.map((m) => m.bytes.byteLength));
    expect(raw.messages.filter((m) => m.type === 0).length).toBeGreaterThan(10);
    expect(largest).toBeLessThan(256 * 1024 + 64);
  });
});

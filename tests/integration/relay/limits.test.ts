import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { rawClient, syncStep1, upgradeStatus } from '../../support/clients.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('limits', () => {
  it('connection attempts per address are limited with 429', async () => {
    server = await startTestServer({ connectionsPerWindow: 3, connectionWindowMs: 60_000 });
    const url = `${server.wsUrl}/${server.workspaceId}/d?token=${server.adminToken}`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push(await upgradeStatus(url));
    expect(statuses).toEqual([101, 101, 101, 429, 429]);
  });

  it('messages per connection are limited: a flood closes with 4429 and a clear reason', async () => {
    server = await startTestServer({ messagesPerSecond: 5, messageBurst: 10 });
    const raw = await rawClient(
      `${server.wsUrl}/${server.workspaceId}/d?token=${server.adminToken}`,
    );
    const step1 = syncStep1(new Y.Doc());
    for (let i = 0; i < 50; i++) raw.send(step1);
    const closed = await raw.closed;
    expect(closed.code).toBe(4429);
    expect(closed.reason).toMatch(/too many messages/);
  });

  it('what a connection sends while its room loads is bounded', async () => {
    server = await startTestServer({ maxPendingMessages: 3 });
    // Make the load slow enough that the messages arrive first.
    const inner = server.store.loadUpdates.bind(server.store);
    server.store.loadUpdates = async (room, range) => {
      await new Promise((r) => setTimeout(r, 300));
      return inner(room, range);
    };
    const raw = await rawClient(
      `${server.wsUrl}/${server.workspaceId}/slow?token=${server.adminToken}`,
    );
    const step1 = syncStep1(new Y.Doc());
    for (let i = 0; i < 10; i++) raw.send(step1);
    const closed = await raw.closed;
    expect(closed.code).toBe(4429);
    expect(closed.reason).toMatch(/before the document loaded/);
  });
});

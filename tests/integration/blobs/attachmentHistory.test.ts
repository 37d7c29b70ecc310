import { createHash } from 'node:crypto';
import {
  addAttachment,
  addEntry,
  createDoc,
  initFeedbackLog,
  readAttachments,
  removeAttachment,
} from '@grassroots/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { stockClient } from '../../support/clients.ts';
import { eventually, startTestServer, type TestServer } from '../../support/server.ts';

let server: TestServer;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await server.stop();
});

async function stored(docId: string, doc: Y.Doc) {
  const everything = Y.encodeStateAsUpdate(doc);
  await eventually(async () => {
    const rows = await server.store.loadUpdates(`${server.workspaceId}/${docId}`);
    const there = new Y.Doc({ gc: false });
    for (const r of rows) Y.applyUpdate(there, r.update);
    expect(Y.snapshotContainsUpdate(Y.snapshot(there), everything)).toBe(true);
  });
}

describe('attachments in a record', () => {
  it('ATT-2 an attachment added and then removed is in the record’s history both times, and its blob stays on the relay', async () => {
    server = await startTestServer({ burstGapMs: 1 });
    const editor = await server.member('editor', '王芳');
    const photo = Uint8Array.from({ length: 3000 }, (_, i) => i % 256);
    photo.set([0xff, 0xd8, 0xff]);
    const hash = createHash('sha256').update(photo).digest('hex');
    const put = await fetch(
      `${server.url}/api/workspaces/${server.workspaceId}/blobs/${hash}?offset=0&size=3000&type=image/jpeg`,
      { method: 'PUT', headers: { authorization: `Bearer ${editor.token}` }, body: photo.slice() },
    );
    expect(put.status).toBe(200);

    const c = stockClient(server.wsUrl, `${server.workspaceId}/log`, editor.token, {
      doc: createDoc(),
    });
    cleanups.push(c.destroy);
    await c.synced;
    initFeedbackLog(c.doc, { title: '民情日志' });
    const entry = addEntry(c.doc, {
      receivedAt: Date.now(),
      channel: 'home-visit',
      category: 'infrastructure',
      summary: '路灯坏了',
    });
    await stored('log', c.doc);
    const id = addAttachment(c.doc, {
      target: entry,
      hash,
      type: 'image/jpeg',
      size: 3000,
      width: 1600,
      height: 1200,
      name: '路灯.jpg',
      addedBy: { name: '王芳' },
    });
    await stored('log', c.doc);
    removeAttachment(c.doc, id);
    await stored('log', c.doc);
    expect(readAttachments(c.doc)).toEqual([]);

    const res = await fetch(
      `${server.url}/api/workspaces/${server.workspaceId}/docs/log/history?locale=zh-CN`,
      { headers: { authorization: `Bearer ${server.adminToken}` } },
    );
    const body = (await res.json()) as {
      entries: { changes: { path: string; op: string; label: string }[] }[];
    };
    const attachmentChanges = body.entries
      .flatMap((e) => e.changes)
      .filter((ch) => ch.path === `attachments/${id}`);
    expect(attachmentChanges.map((ch) => ch.op).sort()).toEqual(['added', 'removed']);
    expect(
      attachmentChanges.every((ch) => ch.label.includes('附件') && ch.label.includes('路灯.jpg')),
    ).toBe(true);
    const blob = await fetch(`${server.url}/api/workspaces/${server.workspaceId}/blobs/${hash}`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(blob.status).toBe(200);
  });
});

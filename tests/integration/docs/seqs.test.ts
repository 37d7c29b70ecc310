/**
 * SYNC-1: what lets a device bring up to date only the docs that changed. Each ack carries the
 * seq up to which every stored row was sent on that connection, and `POST …/docs/seqs` gives the
 * last stored seq of many docs in one request.
 */
import {
  addDocEntry,
  createDoc,
  INDEX_DOC_ID,
  initIndex,
  initPlan,
  MessageType,
} from '@grassroots/shared';
import * as decoding from 'lib0/decoding';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { rawClient, stockClient, syncStep1, updateMessage } from '../../support/clients.ts';
import { eventually, startTestServer, type TestServer } from '../../support/server.ts';

let server: TestServer;
const cleanups: (() => void)[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await server.stop();
});

const room = (docId: string) => `${server.workspaceId}/${docId}`;

const seqsOf = (token: string | null, body: unknown) =>
  fetch(`${server.url}/api/workspaces/${server.workspaceId}/docs/seqs`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** The seq an ack names (its last field), or null for an ack without one. */
function ackSeq(bytes: Uint8Array): number | null {
  const d = decoding.createDecoder(bytes);
  decoding.readVarUint(d);
  decoding.readVarUint8Array(d);
  decoding.readVarUint(d);
  return decoding.hasContent(d) ? decoding.readVarUint(d) : null;
}

function device(token: string, docId: string) {
  const c = stockClient(server.wsUrl, room(docId), token, { doc: createDoc() });
  cleanups.push(c.destroy);
  return c;
}

describe('SYNC-1 which docs changed since a device last synced', () => {
  it('an ack names the seq up to which every stored row was sent on the connection', async () => {
    const writer = device(server.adminToken, 'plan1');
    await writer.synced;
    writer.doc.getText('t').insert(0, '第一季度');
    await eventually(async () =>
      expect((await server.store.lastSeqs([room('plan1')])).get(room('plan1'))).toBe(1),
    );

    const raw = await rawClient(
      `${server.wsUrl}/${room('plan1')}?token=${server.adminToken}&ack=1`,
    );
    cleanups.push(() => raw.ws.close());
    raw.send(syncStep1(new Y.Doc()));
    const seqs = () =>
      raw.messages.filter((m) => m.type === MessageType.ack).map((m) => ackSeq(m.bytes));
    await eventually(() => expect(seqs()).toEqual([1]));

    // Another device's change is relayed, then acked with the new seq.
    writer.doc.getText('t').insert(0, '伽师县');
    await eventually(() => expect(seqs().at(-1)).toBe(2));
    const relayed = new Y.Doc();
    for (const m of raw.messages) {
      if (m.type !== 0) continue;
      const d = decoding.createDecoder(m.bytes);
      decoding.readVarUint(d);
      const kind = decoding.readVarUint(d);
      if (kind === 1 || kind === 2) Y.applyUpdate(relayed, decoding.readVarUint8Array(d));
    }
    expect(relayed.getText('t').toString()).toBe('伽师县第一季度');

    // Its own write is acked with the seq it was stored at.
    const mine = new Y.Doc();
    Y.applyUpdate(mine, Y.encodeStateAsUpdate(relayed));
    mine.getText('t').insert(0, '！');
    raw.send(updateMessage(Y.encodeStateAsUpdate(mine, Y.encodeStateVector(relayed))));
    await eventually(() => expect(seqs().at(-1)).toBe(3));
  });

  it('POST …/docs/seqs gives every member the last stored seq of each doc named, 0 for a doc never stored, and leaves deleted docs out', async () => {
    const index = device(server.adminToken, INDEX_DOC_ID);
    await index.synced;
    initIndex(index.doc, { name: '测试村' });
    for (const id of ['plan1', 'plan2']) {
      addDocEntry(index.doc, { id, kind: 'plan', title: id, createdAt: 10 });
      const plan = device(server.adminToken, id);
      await plan.synced;
      initPlan(plan.doc, { title: id });
      if (id === 'plan2') plan.doc.getText('t').insert(0, '再写一点');
    }
    const stored = async () =>
      server.store.lastSeqs([room('plan1'), room('plan2'), room(INDEX_DOC_ID)]);
    await eventually(async () => {
      const s = await stored();
      expect(s.get(room('plan2'))).toBeGreaterThan(s.get(room('plan1'))!);
      expect(s.get(room('plan1'))).toBeGreaterThan(0);
    });
    const s = await stored();
    const viewer = await server.member('viewer');
    const res = await seqsOf(viewer.token, {
      ids: ['plan1', 'plan2', INDEX_DOC_ID, 'never', 'plan1.comments'],
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      seqs: {
        plan1: s.get(room('plan1')),
        plan2: s.get(room('plan2')),
        [INDEX_DOC_ID]: s.get(room(INDEX_DOC_ID)),
        never: 0,
        'plan1.comments': 0,
      },
      // SYNC-3: the store's own id, the same in every answer.
      storeId: await server.store.storeId(),
    });

    const deleted = await fetch(`${server.url}/api/workspaces/${server.workspaceId}/docs/plan2`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(deleted.status).toBe(200);
    const after = (await (await seqsOf(viewer.token, { ids: ['plan1', 'plan2'] })).json()) as {
      seqs: Record<string, number>;
    };
    expect(Object.keys(after.seqs)).toEqual(['plan1']);
  });

  it('POST …/docs/seqs refuses strangers and bad bodies with a clear error', async () => {
    expect((await seqsOf(null, { ids: [] })).status).toBe(401);
    const other = await server.auth.createWorkspace('别的村');
    const stranger = await fetch(`${server.url}/api/workspaces/${server.workspaceId}/docs/seqs`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${other.adminToken}`,
      },
      body: JSON.stringify({ ids: [] }),
    });
    expect([401, 403]).toContain(stranger.status);
    for (const body of [
      '{"ids": "plan1"}',
      '{"ids": ["../x"]}',
      '{"ids": [1]}',
      '{"ids": [], "more": 1}',
      'not json',
      JSON.stringify({ ids: Array.from({ length: 5001 }, (_, i) => `d${i}`) }),
    ]) {
      const res = await seqsOf(server.adminToken, body);
      expect(res.status, body.slice(0, 40)).toBe(400);
      const json = (await res.json()) as { error?: unknown };
      expect(typeof json.error, body.slice(0, 40)).toBe('string');
    }
  });
});

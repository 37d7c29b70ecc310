import {
  addDocEntry,
  CloseCode,
  createDoc,
  INDEX_DOC_ID,
  INDEX_DOCS_ROOT,
  initIndex,
  initPlan,
  MessageType,
  ROSTER_DOC_ID,
  readIndex,
  readPlan,
  setPlanTitle,
} from '@grassroots/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
  applySyncMessages,
  rawClient,
  stockClient,
  syncStep1,
  updateMessage,
} from '../../support/clients.ts';
import { eventually, startTestServer, type TestServer } from '../../support/server.ts';
import { slowRequest } from '../../support/slowRequest.ts';

let server: TestServer;
const cleanups: (() => void)[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await server.stop();
});

const api = (path: string, token: string, method = 'GET') =>
  fetch(`${server.url}/api/workspaces/${server.workspaceId}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
  });

const room = (docId: string) => `${server.workspaceId}/${docId}`;
const syncUrl = (docId: string, token: string) =>
  `${server.wsUrl}/${room(docId)}?token=${encodeURIComponent(token)}`;

function device(token: string, docId: string, doc: Y.Doc = createDoc()) {
  const c = stockClient(server.wsUrl, room(docId), token, { doc });
  cleanups.push(c.destroy);
  return c;
}

/** The index as the server stores it. */
async function storedIndex() {
  const doc = createDoc();
  for (const r of await server.store.loadUpdates(room(INDEX_DOC_ID))) Y.applyUpdate(doc, r.update);
  return readIndex(doc);
}

/** A workspace with a plan listed in the index, written by the admin's device. */
async function workspaceWithPlan() {
  const index = device(server.adminToken, INDEX_DOC_ID);
  await index.synced;
  initIndex(index.doc, { name: '测试村' });
  addDocEntry(index.doc, { id: 'plan1', kind: 'plan', title: '2025年工作计划', createdAt: 10 });
  const plan = device(server.adminToken, 'plan1');
  await plan.synced;
  initPlan(plan.doc, { title: '2025年工作计划' });
  await eventually(async () => {
    expect((await storedIndex()).docs.map((d) => d.id)).toEqual(['plan1']);
    expect((await server.store.roomStats(room('plan1'))).rows).toBeGreaterThan(0);
  });
  return { index, plan };
}

const closeOf = (ws: { once: (e: 'close', f: (code: number) => void) => void }) =>
  new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

describe('deleting a document (DEL-1, IDX-7)', () => {
  it('DEL-1 only an admin deletes; the entry leaves the index, non-admins are closed out, the history stays', async () => {
    await workspaceWithPlan();
    const editor = await server.member('editor');
    const viewer = await server.member('viewer');
    const editorIndex = device(editor.token, INDEX_DOC_ID);
    await editorIndex.synced;
    await eventually(() => expect(readIndex(editorIndex.doc).docs).toHaveLength(1));
    const editorOnPlan = await rawClient(syncUrl('plan1', editor.token));
    editorOnPlan.send(syncStep1(createDoc()));
    const rowsBefore = (await server.store.roomStats(room('plan1'))).rows;

    expect((await api('/docs/plan1', editor.token, 'DELETE')).status).toBe(403);
    expect((await api('/docs/deleted', editor.token)).status).toBe(403);
    const res = await api('/docs/plan1', server.adminToken, 'DELETE');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: 'plan1', kind: 'plan', title: '2025年工作计划' });

    // The open editor connection to the doc is closed with the deleted code; so is a new one.
    expect((await editorOnPlan.closed).code).toBe(CloseCode.docDeleted);
    for (const token of [editor.token, viewer.token]) {
      const again = await rawClient(syncUrl('plan1', token));
      expect((await again.closed).code).toBe(CloseCode.docDeleted);
    }
    // Every device sees the entry gone; the server committed it as the admin.
    await eventually(() => expect(readIndex(editorIndex.doc).docs).toEqual([]));
    expect((await storedIndex()).docs).toEqual([]);
    const indexRows = await server.store.loadUpdates(room(INDEX_DOC_ID));
    const admin = (await server.auth.listMembers(server.workspaceId)).find(
      (m) => m.role === 'admin',
    );
    expect(indexRows.at(-1)?.authorId).toBe(admin?.id);
    // Its history too is kept to admins.
    expect((await api('/docs/plan1/history', editor.token)).status).toBe(404);
    expect((await api('/docs/plan1/history', viewer.token)).status).toBe(404);
    expect((await api('/docs/plan1/history', server.adminToken)).status).toBe(200);
    // DEL-6: so is the index's history, whose versions still list it with its title.
    const first = indexRows[0]!.seq;
    for (const path of [
      `/docs/${INDEX_DOC_ID}/versions/${indexRows.at(-2)!.seq}`,
      `/docs/${INDEX_DOC_ID}/compare?from=${first}`,
      `/docs/${INDEX_DOC_ID}/history`,
      `/docs/${INDEX_DOC_ID}/history.csv`,
    ]) {
      for (const token of [editor.token, viewer.token]) {
        const refused = await api(path, token);
        expect(refused.status, path).toBe(403);
        expect(await refused.text()).not.toContain('2025年工作计划');
      }
      expect((await api(path, server.adminToken)).status, path).toBe(200);
    }
    const listing = await api(
      `/docs/${INDEX_DOC_ID}/versions/${indexRows.at(-2)!.seq}`,
      server.adminToken,
    );
    expect(Buffer.from(await listing.arrayBuffer()).toString()).toContain('2025年工作计划');
    // The doc's history is still stored, and an admin still opens it.
    expect((await server.store.roomStats(room('plan1'))).rows).toBe(rowsBefore);
    const adminView = device(server.adminToken, 'plan1');
    await adminView.synced;
    expect(readPlan(adminView.doc).title).toBe('2025年工作计划');
    // Admins list it with who deleted it.
    const listed = (await (await api('/docs/deleted', server.adminToken)).json()) as {
      docs: { id: string; title: string; deletedBy: { id: string } | null }[];
    };
    expect(listed.docs.map((d) => [d.id, d.title, d.deletedBy?.id])).toEqual([
      ['plan1', '2025年工作计划', admin?.id],
    ]);
    // Deleting again is a conflict; unknown docs, the index and the roster are refused.
    expect((await api('/docs/plan1', server.adminToken, 'DELETE')).status).toBe(409);
    expect((await api('/docs/nope', server.adminToken, 'DELETE')).status).toBe(404);
    expect((await api(`/docs/${INDEX_DOC_ID}`, server.adminToken, 'DELETE')).status).toBe(400);
    addDocEntry(editorIndex.doc, { id: ROSTER_DOC_ID, kind: 'roster', title: '名册' });
    await eventually(async () =>
      expect((await storedIndex()).docs.map((d) => d.id)).toContain(ROSTER_DOC_ID),
    );
    expect((await api(`/docs/${ROSTER_DOC_ID}`, server.adminToken, 'DELETE')).status).toBe(400);
  });

  it('DEL-2 an editor writing the index cannot list a deleted doc again; other index writes still go through', async () => {
    await workspaceWithPlan();
    const editor = await server.member('editor');
    // The editor's device holds the index with the entry, as it was before the deletion.
    const attacker = await rawClient(syncUrl(INDEX_DOC_ID, editor.token));
    const mine = createDoc();
    attacker.send(syncStep1(mine));
    await eventually(() => {
      applySyncMessages(mine, attacker.messages.splice(0));
      expect(readIndex(mine).docs).toHaveLength(1);
    });
    expect((await api('/docs/plan1', server.adminToken, 'DELETE')).status).toBe(200);
    await eventually(() => {
      applySyncMessages(
        mine,
        attacker.messages.filter((m) => m.type === MessageType.sync),
      );
      expect(readIndex(mine).docs).toEqual([]);
    });
    const denials = () => attacker.messages.filter((m) => m.type === MessageType.auth).length;

    // 1. Listing it again the way the app lists a doc (the new entry sits after the deleted one).
    const before = Y.encodeStateVector(mine);
    addDocEntry(mine, { id: 'plan1', kind: 'plan', title: '复活', createdAt: 10 });
    attacker.send(updateMessage(Y.encodeStateAsUpdate(mine, before)));
    await eventually(() => expect(denials()).toBe(1));

    // 2. A doc with no history setting the key straight on the root map.
    const fresh = new Y.Doc();
    const entry = new Y.Map<unknown>();
    fresh.getMap(INDEX_DOCS_ROOT).set('plan1', entry);
    entry.set('kind', 'plan');
    entry.set('title', new Y.Text('复活'));
    attacker.send(updateMessage(Y.encodeStateAsUpdate(fresh)));
    await eventually(() => expect(denials()).toBe(2));
    expect(attacker.ws.readyState).toBe(attacker.ws.OPEN);

    // Neither was stored or relayed: the stored index and another device do not list it.
    expect((await storedIndex()).docs).toEqual([]);
    const other = device(server.adminToken, INDEX_DOC_ID);
    await other.synced;
    expect(readIndex(other.doc).docs).toEqual([]);

    // Listing another doc still works for the same editor.
    const another = stockClient(server.wsUrl, room(INDEX_DOC_ID), editor.token, {
      doc: createDoc(),
    });
    cleanups.push(another.destroy);
    await another.synced;
    addDocEntry(another.doc, { id: 'plan2', kind: 'plan', title: '新计划' });
    await eventually(async () =>
      expect((await storedIndex()).docs.map((d) => d.id)).toEqual(['plan2']),
    );
  });

  it('DEL-5 restoring the index to a version that listed a deleted doc is refused; the doc stays deleted', async () => {
    await workspaceWithPlan();
    const editor = await server.member('editor');
    const listedAt = (await server.store.roomStats(room(INDEX_DOC_ID))).lastSeq;
    expect((await api('/docs/plan1', server.adminToken, 'DELETE')).status).toBe(200);
    await eventually(async () => expect((await storedIndex()).docs).toEqual([]));
    const restore = await fetch(
      `${server.url}/api/workspaces/${server.workspaceId}/docs/${INDEX_DOC_ID}/restore`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${server.adminToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ seq: listedAt }),
      },
    );
    expect(restore.status).toBe(409);
    expect(((await restore.json()) as { reason: string }).reason).toBe('restoreRefused');
    // An editor may not even read the index's history (DEL-6).
    const asEditor = await fetch(
      `${server.url}/api/workspaces/${server.workspaceId}/docs/${INDEX_DOC_ID}/restore`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${editor.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ seq: listedAt }),
      },
    );
    expect(asEditor.status).toBe(403);
    expect((await storedIndex()).docs).toEqual([]);
    const deleted = (await (await api('/docs/deleted', server.adminToken)).json()) as {
      docs: { id: string }[];
    };
    expect(deleted.docs.map((d) => d.id)).toEqual(['plan1']);
  });

  it('DEL-1 a restore under way when the doc is deleted does not write into it (404)', async () => {
    const { plan } = await workspaceWithPlan();
    const editor = await server.member('editor');
    const firstSeq = (await server.store.roomStats(room('plan1'))).lastSeq;
    setPlanTitle(plan.doc, '2025年工作计划（修订）');
    await eventually(async () =>
      expect((await server.store.roomStats(room('plan1'))).lastSeq).toBeGreaterThan(firstSeq),
    );
    const rowsBefore = (await server.store.roomStats(room('plan1'))).rows;
    // Started before the deletion (its route found the doc), its body arrives after it.
    const restore = await slowRequest(
      server.url,
      'POST',
      `/api/workspaces/${server.workspaceId}/docs/plan1/restore`,
      editor.token,
      { seq: firstSeq },
    );
    expect((await api('/docs/plan1', server.adminToken, 'DELETE')).status).toBe(200);
    const answer = await restore.finish();
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text)).toMatchObject({ reason: 'docDeleted' });
    expect((await server.store.roomStats(room('plan1'))).rows).toBe(rowsBefore);
  });

  it('DEL-2 a listing sent before the deletion that waits for a change of its own is not released by a later write', async () => {
    await workspaceWithPlan();
    const editor = await server.member('editor');
    const attacker = await rawClient(syncUrl(INDEX_DOC_ID, editor.token));
    // Two changes of one crafted device (a client id above any other, so that its entry for
    // plan1 wins over the stored one): a harmless listing kept back, then plan1 listed after it.
    const mine = createDoc();
    mine.clientID = 0xffff_fff0;
    addDocEntry(mine, { id: 'plan2', kind: 'plan', title: '新计划', createdAt: 20 });
    const first = Y.encodeStateAsUpdate(mine);
    const middle = Y.encodeStateVector(mine);
    addDocEntry(mine, { id: 'plan1', kind: 'plan', title: '复活', createdAt: 30 });
    const second = Y.encodeStateAsUpdate(mine, middle);
    // Sent before the deletion, the second waits for the first: nothing of it is stored.
    attacker.send(updateMessage(second));
    // A step 1 after it is answered once the update before it was handled.
    attacker.send(syncStep1(createDoc()));
    await eventually(() =>
      expect(attacker.messages.some((m) => m.type === MessageType.sync)).toBe(true),
    );
    expect((await api('/docs/plan1', server.adminToken, 'DELETE')).status).toBe(200);
    // The first, sent after it, lists plan2 only; it must not set the waiting listing off.
    attacker.send(updateMessage(first));
    await eventually(async () =>
      expect((await storedIndex()).docs.map((d) => d.id)).toContain('plan2'),
    );
    expect((await storedIndex()).docs.map((d) => d.id)).toEqual(['plan2']);
    const other = device(server.adminToken, INDEX_DOC_ID);
    await other.synced;
    expect(readIndex(other.doc).docs.map((d) => d.id)).toEqual(['plan2']);
  });

  it('DEL-2 a write to the index that waits for a change the relay lacks is asked for again, and lands with it', async () => {
    await workspaceWithPlan();
    const editor = await server.member('editor');
    const raw = await rawClient(syncUrl(INDEX_DOC_ID, editor.token));
    const mine = createDoc();
    addDocEntry(mine, { id: 'plan2', kind: 'plan', title: '二', createdAt: 20 });
    const middle = Y.encodeStateVector(mine);
    addDocEntry(mine, { id: 'plan3', kind: 'plan', title: '三', createdAt: 30 });
    const second = Y.encodeStateAsUpdate(mine, middle);
    const stepOnes = () =>
      raw.messages.filter((m) => m.type === MessageType.sync && m.bytes[1] === 0);
    await eventually(() => expect(stepOnes()).toHaveLength(1)); // the greeting
    // The later change alone (its base went by another tab's socket, say): dropped, and asked for.
    raw.send(updateMessage(second));
    await eventually(() => expect(stepOnes()).toHaveLength(2));
    // The device answers the relay's step 1 as a stock client does: all the relay lacks.
    const asked = stepOnes()[1]!.bytes;
    const dec = decoding.createDecoder(asked);
    decoding.readVarUint(dec);
    decoding.readVarUint(dec);
    const relaySV = decoding.readVarUint8Array(dec);
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MessageType.sync);
    syncProtocol.writeSyncStep2(enc, mine, relaySV);
    raw.send(encoding.toUint8Array(enc));
    await eventually(async () =>
      expect((await storedIndex()).docs.map((d) => d.id).sort()).toEqual([
        'plan1',
        'plan2',
        'plan3',
      ]),
    );
  });

  it('DEL-3 an admin restores a deleted doc: listed again as it was, open to everyone again', async () => {
    const { plan } = await workspaceWithPlan();
    setPlanTitle(plan.doc, '改过的标题');
    await eventually(async () => {
      const doc = createDoc();
      for (const r of await server.store.loadUpdates(room('plan1'))) Y.applyUpdate(doc, r.update);
      expect(readPlan(doc).title).toBe('改过的标题');
    });
    const editor = await server.member('editor');
    expect((await api('/docs/plan1', server.adminToken, 'DELETE')).status).toBe(200);
    expect((await api('/docs/plan1/undelete', editor.token, 'POST')).status).toBe(403);
    expect((await api('/docs/plan2/undelete', server.adminToken, 'POST')).status).toBe(404);
    const res = await api('/docs/plan1/undelete', server.adminToken, 'POST');
    expect(res.status).toBe(200);
    expect((await storedIndex()).docs).toEqual([
      { id: 'plan1', kind: 'plan', title: '2025年工作计划', createdAt: 10, archived: false },
    ]);
    const listed = (await (await api('/docs/deleted', server.adminToken)).json()) as {
      docs: unknown[];
    };
    expect(listed.docs).toEqual([]);
    const editorPlan = device(editor.token, 'plan1');
    await editorPlan.synced;
    expect(readPlan(editorPlan.doc).title).toBe('改过的标题');
  });

  it('DEL-1 the deletion survives a restart of the server', async () => {
    await workspaceWithPlan();
    const editor = await server.member('editor');
    expect((await api('/docs/plan1', server.adminToken, 'DELETE')).status).toBe(200);
    for (const c of cleanups.splice(0)) c();
    await server.close();
    const restarted = await startTestServer({ dataDir: server.dataDir });
    try {
      const ws = new (await import('ws')).default(
        `${restarted.wsUrl}/${room('plan1')}?token=${encodeURIComponent(editor.token)}`,
      );
      expect(await closeOf(ws)).toBe(CloseCode.docDeleted);
    } finally {
      await restarted.close();
    }
  });
});

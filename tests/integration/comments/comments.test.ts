import {
  addComment,
  addDocEntry,
  CloseCode,
  commentsDocId,
  editComment,
  INDEX_DOC_ID,
  initIndex,
  MAX_COMMENT_CHARS,
  readComments,
  setCommentResolved,
} from '@grassroots/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { COMMENT_BURST_BYTES } from '../../../server/src/relay/Relay.ts';
import { rawClient, stockClient, syncStep1, updateMessage } from '../../support/clients.ts';
import { eventually, startTestServer, type TestServer } from '../../support/server.ts';

let server: TestServer;
const cleanups: (() => void)[] = [];
/** The record commented on, as an editor's device stored it (CMT-11: viewers comment on these). */
const storeRecord = async (docId: string) => {
  const doc = new Y.Doc();
  doc.getText('body').insert(0, '党员大会记录');
  await server.store.appendUpdates([
    { room: room(docId), update: Y.encodeStateAsUpdate(doc), authorId: 'editor', at: 1 },
  ]);
};
beforeEach(async () => {
  server = await startTestServer();
  await storeRecord(RECORD);
});
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await server.stop();
});

const RECORD = 'minutes1';
const COMMENTS = commentsDocId(RECORD);
const room = (docId: string) => `${server.workspaceId}/${docId}`;
const client = (token: string, docId = COMMENTS) => {
  const c = stockClient(server.wsUrl, room(docId), token);
  cleanups.push(c.destroy);
  return c;
};
/** What storage holds for a room, rebuilt as a doc. */
const stored = async (docId: string) => {
  const doc = new Y.Doc();
  for (const row of await server.store.loadUpdates(room(docId))) Y.applyUpdate(doc, row.update);
  return doc;
};
const comment = (authorId: string, id: string, text = '这个票数对不上') => ({
  id,
  authorId,
  authorName: '乡镇审核员',
  text,
  target: { kind: 'doc' as const },
  at: Date.UTC(2026, 11, 1, 2),
});

/**
 * Sends an update on a raw connection. Refused: the relay answers "permission denied" (an auth
 * message) and stores nothing. Accepted: a row is stored and no refusal comes.
 */
const sendRaw = async (token: string, docId: string, update: Uint8Array) => {
  const raw = await rawClient(`${server.wsUrl}/${room(docId)}?token=${token}`);
  cleanups.push(() => raw.ws.close());
  const rowsBefore = (await server.store.loadUpdates(room(docId))).length;
  raw.send(syncStep1(new Y.Doc()));
  raw.send(updateMessage(update));
  return {
    refused: () =>
      eventually(() => expect(raw.messages.some((m) => m.type === 2)).toBe(true)).then(async () => {
        await server.relay.settle(room(docId));
        expect(await server.store.loadUpdates(room(docId))).toHaveLength(rowsBefore);
      }),
    accepted: () =>
      eventually(async () =>
        expect((await server.store.loadUpdates(room(docId))).length).toBe(rowsBefore + 1),
      ).then(() => expect(raw.messages.some((m) => m.type === 2)).toBe(false)),
  };
};

/** A doc holding what the server holds of a room (to build updates on top of it). */
const copyOf = async (docId: string) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(await stored(docId)));
  return doc;
};
/** The update `change` makes on a copy of the stored doc. */
const changeOn = async (docId: string, change: (doc: Y.Doc) => void) => {
  const doc = await copyOf(docId);
  const before = Y.encodeStateVector(doc);
  change(doc);
  return Y.encodeStateAsUpdate(doc, before);
};

describe('comments (CMT)', () => {
  it('CMT-1: a viewer’s comment is accepted, stored and reaches an editor live', async () => {
    const viewer = await server.member('viewer', '乡镇审核员');
    const editor = await server.member('editor', '李书记');
    const reviewer = client(viewer.token);
    const writer = client(editor.token);
    await Promise.all([reviewer.synced, writer.synced]);
    addComment(reviewer.doc, comment(viewer.id, 'c1'));
    await eventually(() =>
      expect(readComments(writer.doc).map((c) => c.text)).toEqual(['这个票数对不上']),
    );
    await server.relay.settle(room(COMMENTS));
    const rows = await server.store.loadUpdates(room(COMMENTS));
    expect(rows.map((r) => r.authorId)).toEqual([viewer.id]);
    expect(readComments(await stored(COMMENTS))[0]?.authorId).toBe(viewer.id);
  });

  it('WORK-1: a member whose refused comment writes spent their share of the relay is closed out', async () => {
    await server.stop();
    // A share of 1 ms a second with 1 s at once: the first write of 1,500 comments (read,
    // checked and applied, all charged: UPD-9) fits; hundreds of refused checks do not.
    server = await startTestServer({ workMsPerSecond: 1, workBurstMs: 1_000 });
    await storeRecord(RECORD);
    const viewer = await server.member('viewer', '乡镇审核员');
    // A comments doc of some size: each check of a write reads all of it.
    const own = client(viewer.token);
    await own.synced;
    own.doc.transact(() => {
      for (let i = 0; i < 1_500; i++) addComment(own.doc, comment(viewer.id, `c${i}`, `意见 ${i}`));
    });
    await eventually(async () => expect(readComments(await stored(COMMENTS))).toHaveLength(1_500));
    // Comments in someone else's name, refused one after the other.
    const raw = await rawClient(`${server.wsUrl}/${room(COMMENTS)}?token=${viewer.token}`);
    cleanups.push(() => raw.ws.close());
    let code = 0;
    void raw.closed.then((c) => {
      code = c.code;
    });
    for (let i = 0; i < 300 && code === 0; i++) {
      raw.send(
        updateMessage(await changeOn(COMMENTS, (d) => addComment(d, comment('someone', `x${i}`)))),
      );
      await new Promise((r) => setTimeout(r, 5));
    }
    // Closed for the work its checks took, long before the message rate (1000 at once) would.
    expect((await raw.closed).code).toBe(CloseCode.rateLimited);
    expect(raw.messages.filter((m) => m.type === 2).length).toBeLessThan(300);
    expect(
      (await server.store.loadUpdates(room(COMMENTS))).every((r) => r.authorId === viewer.id),
    ).toBe(true);
  });

  it('CMT-12: a member who added a burst of comment bytes is closed out until it is paid back; others are not', async () => {
    const viewer = await server.member('viewer', '乡镇审核员');
    const editor = await server.member('editor', '李书记');
    // 180 comments of full length in Chinese, 1.08 MB: a device back from weeks offline at most.
    const burst = await changeOn(COMMENTS, (d) =>
      d.transact(() => {
        for (let i = 0; i < 180; i++)
          addComment(d, comment(viewer.id, `b${i}`, '村'.repeat(MAX_COMMENT_CHARS)));
      }),
    );
    expect(burst.byteLength).toBeGreaterThan(COMMENT_BURST_BYTES);
    await (await sendRaw(viewer.token, COMMENTS, burst)).accepted();
    // The next write of that member, however small, waits: its connection is closed (4429).
    const raw = await rawClient(`${server.wsUrl}/${room(COMMENTS)}?token=${viewer.token}`);
    cleanups.push(() => raw.ws.close());
    raw.send(
      updateMessage(await changeOn(COMMENTS, (d) => addComment(d, comment(viewer.id, 'x')))),
    );
    expect((await raw.closed).code).toBe(CloseCode.rateLimited);
    await server.relay.settle(room(COMMENTS));
    expect(readComments(await stored(COMMENTS))).toHaveLength(180);
    // Another member comments as before.
    const reply = await changeOn(COMMENTS, (d) =>
      addComment(d, comment(editor.id, 'e1', '已核实')),
    );
    await (await sendRaw(editor.token, COMMENTS, reply)).accepted();
  });

  it('CMT-11: a viewer comments only on a record the server holds; an editor on any', async () => {
    const viewer = await server.member('viewer');
    const editor = await server.member('editor');
    const made = commentsDocId('made-up');
    // Before, a viewer filled comments rooms of made-up records without end.
    const own = await changeOn(made, (doc) => addComment(doc, comment(viewer.id, 'c1')));
    await (await sendRaw(viewer.token, made, own)).refused();
    // An editor's device may send a comment before the record it made offline.
    const editors = await changeOn(made, (doc) => addComment(doc, comment(editor.id, 'c2')));
    await (await sendRaw(editor.token, made, editors)).accepted();
    // Once the record is stored, the viewer's next connection comments.
    await storeRecord('made-up');
    const again = await changeOn(made, (doc) => addComment(doc, comment(viewer.id, 'c3')));
    await (await sendRaw(viewer.token, made, again)).accepted();
    expect(readComments(await stored(made)).map((c) => c.id)).toEqual(['c2', 'c3']);
  });

  it('CMT-1: a viewer’s edit of the record itself is still refused', async () => {
    const viewer = await server.member('viewer');
    const update = await changeOn(RECORD, (doc) => doc.getText('title').insert(0, '篡改'));
    await (await sendRaw(viewer.token, RECORD, update)).refused();
    expect(await server.store.loadUpdates(room(RECORD))).toHaveLength(1);
  });

  it('CMT-2: a comment in another member’s name is refused, for viewers and editors alike', async () => {
    const viewer = await server.member('viewer');
    const editor = await server.member('editor');
    const forged = await changeOn(COMMENTS, (doc) => addComment(doc, comment(editor.id, 'c1')));
    await (await sendRaw(viewer.token, COMMENTS, forged)).refused();
    const forged2 = await changeOn(COMMENTS, (doc) => addComment(doc, comment(viewer.id, 'c2')));
    await (await sendRaw(editor.token, COMMENTS, forged2)).refused();
    expect(await server.store.loadUpdates(room(COMMENTS))).toHaveLength(0);
  });

  it('CMT-2: an editor’s comment in its own name is fine', async () => {
    const editor = await server.member('editor');
    const own = await changeOn(COMMENTS, (doc) =>
      addComment(doc, comment(editor.id, 'c1', '已回访')),
    );
    await (await sendRaw(editor.token, COMMENTS, own)).accepted();
    expect(readComments(await stored(COMMENTS)).map((c) => c.text)).toEqual(['已回访']);
  });

  it('CMT-3: only its author changes a comment’s text; CMT-4: anyone resolves and reopens', async () => {
    const viewer = await server.member('viewer', '乡镇审核员');
    const editor = await server.member('editor', '李书记');
    const reviewer = client(viewer.token);
    await reviewer.synced;
    addComment(reviewer.doc, comment(viewer.id, 'c1'));
    await eventually(async () => expect(readComments(await stored(COMMENTS))).toHaveLength(1));

    const rewrite = await changeOn(COMMENTS, (doc) => editComment(doc, 'c1', '没问题', 1));
    await (await sendRaw(editor.token, COMMENTS, rewrite)).refused();
    expect(readComments(await stored(COMMENTS))[0]?.text).toBe('这个票数对不上');

    const by = { memberId: editor.id, name: '李书记', at: 2 };
    const resolve = await changeOn(COMMENTS, (doc) => setCommentResolved(doc, 'c1', true, by));
    await (await sendRaw(editor.token, COMMENTS, resolve)).accepted();
    expect(readComments(await stored(COMMENTS))[0]?.resolved).toBe(true);

    const reopen = await changeOn(COMMENTS, (doc) =>
      setCommentResolved(doc, 'c1', false, { ...by, memberId: viewer.id }),
    );
    await (await sendRaw(viewer.token, COMMENTS, reopen)).accepted();
    expect(readComments(await stored(COMMENTS))[0]?.resolved).toBe(false);

    const ownEdit = await changeOn(COMMENTS, (doc) => editComment(doc, 'c1', '票数差两票', 3));
    await (await sendRaw(viewer.token, COMMENTS, ownEdit)).accepted();
    expect(readComments(await stored(COMMENTS))[0]?.text).toBe('票数差两票');
  });

  it('CMT-5: a comment’s author, target and time never change; a comment is never removed', async () => {
    const viewer = await server.member('viewer');
    const reviewer = client(viewer.token);
    await reviewer.synced;
    addComment(reviewer.doc, comment(viewer.id, 'c1'));
    await eventually(async () => expect(readComments(await stored(COMMENTS))).toHaveLength(1));
    const root = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>('comments');
    const steal = await changeOn(COMMENTS, (doc) => root(doc).get('c1')?.set('authorId', 'x'));
    await (await sendRaw(viewer.token, COMMENTS, steal)).refused();
    const remove = await changeOn(COMMENTS, (doc) => root(doc).delete('c1'));
    await (await sendRaw(viewer.token, COMMENTS, remove)).refused();
    expect(readComments(await stored(COMMENTS))[0]?.authorId).toBe(viewer.id);
  });

  it('CMT-6: a write to any other root, or of a malformed comment, is refused', async () => {
    const viewer = await server.member('viewer');
    const other = await changeOn(COMMENTS, (doc) => doc.getText('body').insert(0, '篡改'));
    await (await sendRaw(viewer.token, COMMENTS, other)).refused();
    const malformed = await changeOn(COMMENTS, (doc) => {
      const map = new Y.Map<unknown>();
      map.set('id', 'c9');
      map.set('authorId', viewer.id);
      doc.getMap('comments').set('c9', map);
    });
    await (await sendRaw(viewer.token, COMMENTS, malformed)).refused();
    expect(await server.store.loadUpdates(room(COMMENTS))).toHaveLength(0);
  });

  it('CMT-1: the comments of a deleted document are kept to admins with it (DEL-1)', async () => {
    const viewer = await server.member('viewer');
    const index = client(server.adminToken, INDEX_DOC_ID);
    await index.synced;
    initIndex(index.doc, { name: '测试村' });
    addDocEntry(index.doc, { id: RECORD, kind: 'minutes', title: '党员大会', createdAt: 10 });
    await eventually(async () =>
      expect((await server.store.roomStats(room(INDEX_DOC_ID))).rows).toBeGreaterThan(0),
    );
    const open = await rawClient(`${server.wsUrl}/${room(COMMENTS)}?token=${viewer.token}`);
    const closed = open.closed;
    const res = await fetch(`${server.url}/api/workspaces/${server.workspaceId}/docs/${RECORD}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(res.status).toBe(200);
    expect((await closed).code).toBe(CloseCode.docDeleted);
    const again = await rawClient(`${server.wsUrl}/${room(COMMENTS)}?token=${viewer.token}`);
    expect((await again.closed).code).toBe(CloseCode.docDeleted);
  });
});

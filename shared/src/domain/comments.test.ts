import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addComment,
  COMMENTS_ROOT,
  commentsWriteCheck,
  commentsWriteRefusal,
  commentThreads,
  editComment,
  MAX_COMMENT_CHARS,
  MAX_COMMENTS_PER_DOC,
  readComments,
  setCommentResolved,
  unresolvedCount,
} from './comments.ts';
import { createDoc } from './doc.ts';

const base = { authorName: '乡镇审核员', target: { kind: 'doc' as const }, at: 1 };

describe('comments (CMT)', () => {
  it('replies group under their comment; resolving a thread takes it out of the count', () => {
    const doc = createDoc();
    addComment(doc, { ...base, id: 'c1', authorId: 'v1', text: '票数对不上' });
    addComment(doc, { ...base, id: 'c2', authorId: 'e1', text: '已更正', parentId: 'c1', at: 2 });
    addComment(doc, { ...base, id: 'c3', authorId: 'v1', text: '回访在哪里？', at: 3 });
    const threads = commentThreads(readComments(doc));
    expect(threads.map((t) => [t.root.id, t.replies.map((r) => r.id)])).toEqual([
      ['c1', ['c2']],
      ['c3', []],
    ]);
    expect(unresolvedCount(doc)).toBe(2);
    setCommentResolved(doc, 'c1', true, { memberId: 'e1', name: '李书记', at: 4 });
    expect(unresolvedCount(doc)).toBe(1);
  });

  it('CMT-6: an update whose effect waits on changes the room lacks is refused, unapplied', () => {
    const room = createDoc();
    const device = new Y.Doc();
    addComment(device, { ...base, id: 'c1', authorId: 'v1', text: '第一条' });
    const first = Y.encodeStateAsUpdate(device);
    const before = Y.encodeStateVector(device);
    addComment(device, { ...base, id: 'c2', authorId: 'v1', text: '第二条' });
    const second = Y.encodeStateAsUpdate(device, before);
    expect(commentsWriteRefusal(room, second, 'v1')).toMatch(/depends/);
    expect(commentsWriteRefusal(room, first, 'v1')).toBeNull();
    expect(readComments(room)).toEqual([]);
  });

  it('CMT-10: a comments room holds at most MAX_COMMENTS_PER_DOC comments; resolving still works', () => {
    const room = createDoc();
    room.transact(() => {
      for (let i = 0; i < MAX_COMMENTS_PER_DOC - 1; i++)
        addComment(room, { ...base, id: `c${i}`, authorId: 'v1', text: `意见${i}` });
    });
    const device = new Y.Doc();
    Y.applyUpdate(device, Y.encodeStateAsUpdate(room));
    const sv = Y.encodeStateVector(device);
    addComment(device, { ...base, id: 'last', authorId: 'v1', text: '最后一条' });
    const last = Y.encodeStateAsUpdate(device, sv);
    expect(commentsWriteRefusal(room, last, 'v1')).toBeNull();
    Y.applyUpdate(room, last);
    const sv2 = Y.encodeStateVector(device);
    addComment(device, { ...base, id: 'more', authorId: 'v1', text: '再一条' });
    expect(commentsWriteRefusal(room, Y.encodeStateAsUpdate(device, sv2), 'v1')).toMatch(
      /as many comments/,
    );
    const resolver = new Y.Doc();
    Y.applyUpdate(resolver, Y.encodeStateAsUpdate(room));
    const sv3 = Y.encodeStateVector(resolver);
    setCommentResolved(resolver, 'c1', true, { memberId: 'e1', name: '李书记', at: 5 });
    expect(commentsWriteRefusal(room, Y.encodeStateAsUpdate(resolver, sv3), 'e1')).toBeNull();
  });

  it('CMT-4: a comment is resolved in the resolver’s own name', () => {
    const room = createDoc();
    addComment(room, { ...base, id: 'c1', authorId: 'v1', text: '第一条' });
    const device = new Y.Doc();
    Y.applyUpdate(device, Y.encodeStateAsUpdate(room));
    const sv = Y.encodeStateVector(device);
    setCommentResolved(device, 'c1', true, { memberId: 'e2', name: '别人', at: 2 });
    const update = Y.encodeStateAsUpdate(device, sv);
    expect(commentsWriteRefusal(room, update, 'e1')).toMatch(/own name/);
    expect(commentsWriteRefusal(room, update, 'e2')).toBeNull();
  });

  it('CMT-4: a resolver named while the comment is open is refused, and so is resolving under it', () => {
    const room = createDoc();
    addComment(room, { ...base, id: 'c1', authorId: 'v1', text: '第一条' });
    const device = new Y.Doc();
    Y.applyUpdate(device, Y.encodeStateAsUpdate(room));
    const sv = Y.encodeStateVector(device);
    const map = device.getMap<Y.Map<unknown>>(COMMENTS_ROOT).get('c1')!;
    map.set('resolvedBy', 'admin');
    const naming = Y.encodeStateAsUpdate(device, sv);
    expect(commentsWriteRefusal(room, naming, 'v2')).toMatch(/own name/);
    // Stored anyway (an older relay took it), resolving alone then is refused too.
    Y.applyUpdate(room, naming);
    const sv2 = Y.encodeStateVector(device);
    map.set('resolved', true);
    expect(commentsWriteRefusal(room, Y.encodeStateAsUpdate(device, sv2), 'v2')).toMatch(
      /own name/,
    );
    // A name typed for a resolver no one is, on an open comment: refused as well.
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(room));
    const sv3 = Y.encodeStateVector(other);
    other.getMap<Y.Map<unknown>>(COMMENTS_ROOT).get('c1')!.set('resolvedByName', '王书记');
    expect(commentsWriteRefusal(room, Y.encodeStateAsUpdate(other, sv3), 'v2')).toMatch(/own name/);
    // Nor may a new comment come with a resolver named.
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(room));
    const sv6 = Y.encodeStateVector(fresh);
    fresh.transact(() => {
      const c = new Y.Map<unknown>();
      fresh.getMap(COMMENTS_ROOT).set('c9', c);
      const fields = {
        id: 'c9',
        authorId: 'v2',
        authorName: '审核员',
        createdAt: 9,
        text: '请改正',
        target: { kind: 'doc' },
        parentId: null,
        resolved: false,
        resolvedBy: 'admin',
        resolvedByName: '王书记',
        resolvedAt: 9,
      };
      for (const [k, v] of Object.entries(fields)) c.set(k, v);
    });
    expect(commentsWriteRefusal(room, Y.encodeStateAsUpdate(fresh, sv6), 'v2')).toMatch(
      /not resolved/,
    );
    // Resolving and reopening as the app does pass.
    const honest = new Y.Doc();
    Y.applyUpdate(honest, Y.encodeStateAsUpdate(room));
    const sv4 = Y.encodeStateVector(honest);
    setCommentResolved(honest, 'c1', true, { memberId: 'v2', name: '审核员', at: 3 });
    expect(commentsWriteRefusal(room, Y.encodeStateAsUpdate(honest, sv4), 'v2')).toBeNull();
    Y.applyUpdate(room, Y.encodeStateAsUpdate(honest, sv4));
    const sv5 = Y.encodeStateVector(honest);
    setCommentResolved(honest, 'c1', false, { memberId: 'v3', name: '另一位', at: 4 });
    expect(commentsWriteRefusal(room, Y.encodeStateAsUpdate(honest, sv5), 'v3')).toBeNull();
  });

  it('CMT-9: a field item holding many values (only its last is read) is refused', () => {
    const room = createDoc();
    addComment(room, { ...base, id: 'c1', authorId: 'v1', text: '第一条' });
    const crafted = new Y.Doc({ gc: false });
    Y.applyUpdate(crafted, Y.encodeStateAsUpdate(room));
    const sv = Y.encodeStateVector(crafted);
    const map = crafted.getMap<Y.Map<unknown>>(COMMENTS_ROOT).get('c1')!;
    crafted.transact((tr) => {
      const left = map._map.get('resolvedAt') ?? null;
      const clock = Y.getState(crafted.store, crafted.clientID);
      const values = ['x'.repeat(100_000), 'y'.repeat(100_000), null];
      new Y.Item(
        Y.createID(crafted.clientID, clock),
        left,
        left?.lastId ?? null,
        null,
        null,
        map,
        'resolvedAt',
        new Y.ContentAny(values),
      ).integrate(tr, 0);
    });
    // What every member reads of it is unchanged: null.
    expect(map.get('resolvedAt')).toBeNull();
    const update = Y.encodeStateAsUpdate(crafted, sv);
    expect(update.byteLength).toBeGreaterThan(200_000);
    expect(commentsWriteRefusal(room, update, 'v2')).toMatch(/one value/);
  });

  it('CMT-9: values overwritten inside the update itself (kept, read by nobody) are refused; what devices write is not', () => {
    const room = createDoc();
    // One comment whose text was set twelve times to 100 KB in the same update, then to '好'.
    const junk = new Y.Doc();
    addComment(junk, { ...base, id: 'c1', authorId: 'v1', text: '好' });
    const hidden = Y.encodeStateAsUpdate(junk);
    const crafted = new Y.Doc({ gc: false });
    crafted.transact(() => {
      const map = new Y.Map<unknown>();
      crafted.getMap(COMMENTS_ROOT).set('c1', map);
      for (const [k, v] of junk.getMap<Y.Map<unknown>>(COMMENTS_ROOT).get('c1')!.entries())
        map.set(k, v);
      for (let i = 0; i < 12; i++) map.set('text', 'x'.repeat(100_000));
      map.set('text', '好');
    });
    const bloated = Y.encodeStateAsUpdate(crafted);
    expect(bloated.byteLength).toBeGreaterThan(1_000_000);
    expect(commentsWriteRefusal(room, bloated, 'v1')).toMatch(/overwrites itself/);
    expect(commentsWriteRefusal(room, hidden, 'v1')).toBeNull();

    // A device offline for a while: 30 comments of full length, and one of them edited 3 times.
    const device = createDoc();
    for (let i = 0; i < 30; i++) {
      addComment(device, {
        ...base,
        id: `d${i}`,
        authorId: 'v1',
        text: '村'.repeat(MAX_COMMENT_CHARS),
        at: i + 1,
      });
    }
    for (let i = 0; i < 3; i++) editComment(device, 'd0', '改'.repeat(MAX_COMMENT_CHARS), 100 + i);
    expect(commentsWriteRefusal(room, Y.encodeStateAsUpdate(device), 'v1')).toBeNull();
    // Back online with the room's comments, then twelve more edits of one before the next sync.
    Y.applyUpdate(room, Y.encodeStateAsUpdate(device));
    const synced = Y.encodeStateVector(device);
    for (let i = 0; i < 12; i++)
      editComment(device, 'd1', `${'改'.repeat(MAX_COMMENT_CHARS - 1)}${i % 10}`, 200 + i);
    const edits = Y.encodeStateAsUpdate(device, synced);
    expect(edits.byteLength).toBeGreaterThan(12 * 3 * MAX_COMMENT_CHARS);
    expect(commentsWriteRefusal(room, edits, 'v1')).toBeNull();
    // Another tab's comments, already in the room, sent again with one short reply: only what is
    // new to the room counts.
    addComment(device, { ...base, id: 'r1', authorId: 'v1', text: '好', parentId: 'd0', at: 300 });
    const again = Y.encodeStateAsUpdate(device);
    expect(again.byteLength).toBeGreaterThan(30 * 3 * MAX_COMMENT_CHARS);
    expect(commentsWriteRefusal(room, again, 'v1')).toBeNull();
  });
  it('CMT-6 CMT-12: an edit may not put a Y type in place of a field; the bytes new to the room are counted', () => {
    const room = createDoc();
    addComment(room, { ...base, id: 'c1', authorId: 'v1', text: '好' });
    const device = new Y.Doc();
    Y.applyUpdate(device, Y.encodeStateAsUpdate(room));
    const sv = Y.encodeStateVector(device);
    // Reads as '好' through toJSON; the embed of 200 KB is invisible to the schema.
    device.transact(() => {
      const text = new Y.Text();
      device.getMap<Y.Map<unknown>>(COMMENTS_ROOT).get('c1')!.set('text', text);
      text.insert(0, '好');
      text.insertEmbed(1, { junk: 'x'.repeat(200_000) });
    });
    const nested = Y.encodeStateAsUpdate(device, sv);
    expect(commentsWriteRefusal(room, nested, 'v1')).toMatch(/plain fields/);
    // Set and overwritten within the update, so only the plain value is left to read: a type
    // with a tag name of 1 MB, a subdocument of 200 KB, a field named with 2 MB.
    const overwritten = (write: (comment: Y.Map<unknown>, doc: Y.Doc) => void) => {
      // Without garbage collection, as a crafted client sends it.
      const d = new Y.Doc({ gc: false });
      Y.applyUpdate(d, Y.encodeStateAsUpdate(room));
      const at = Y.encodeStateVector(d);
      d.transact(() => write(d.getMap<Y.Map<unknown>>(COMMENTS_ROOT).get('c1')!, d));
      return Y.encodeStateAsUpdate(d, at);
    };
    const tagged = overwritten((c) => {
      c.set('resolvedByName', new Y.XmlElement('x'.repeat(1_000_000)));
      c.set('resolvedByName', '李书记');
    });
    expect(tagged.byteLength).toBeGreaterThan(1_000_000);
    expect(commentsWriteRefusal(room, tagged, 'e1')).toMatch(/plain fields/);
    const subdoc = overwritten((c) => {
      c.set('resolvedByName', new Y.Doc({ guid: 'g'.repeat(200_000) }));
      c.set('resolvedByName', '李书记');
    });
    expect(subdoc.byteLength).toBeGreaterThan(200_000);
    expect(commentsWriteRefusal(room, subdoc, 'e1')).toMatch(/plain fields/);
    // A new comment, with the field added and removed in the same update.
    const key = overwritten((_c, d) => {
      addComment(d, { ...base, id: 'c9', authorId: 'e1', text: '好', at: 5 });
      const added = d.getMap<Y.Map<unknown>>(COMMENTS_ROOT).get('c9')!;
      added.set('k'.repeat(2_000_000), 0);
      added.delete('k'.repeat(2_000_000));
    });
    expect(key.byteLength).toBeGreaterThan(2_000_000);
    expect(commentsWriteRefusal(room, key, 'e1')).toMatch(/not a comment/);

    // A plain comment: its bytes are its fields' (the text in UTF-8: 3 bytes a character here).
    const next = new Y.Doc();
    Y.applyUpdate(next, Y.encodeStateAsUpdate(room));
    const sv2 = Y.encodeStateVector(next);
    addComment(next, { ...base, id: 'c2', authorId: 'v1', text: '村'.repeat(1000), at: 2 });
    const plainUpdate = Y.encodeStateAsUpdate(next, sv2);
    const plain = commentsWriteCheck(room, plainUpdate, 'v1');
    expect(plain.refusal).toBeNull();
    expect(plain.newBytes).toBe(plainUpdate.byteLength);
    expect(plain.newBytes).toBeGreaterThan(3000);
    // Sent again whole, what the room holds already is not counted.
    Y.applyUpdate(room, Y.encodeStateAsUpdate(next));
    addComment(next, { ...base, id: 'c3', authorId: 'v1', text: '好', parentId: 'c2', at: 3 });
    const again = commentsWriteCheck(room, Y.encodeStateAsUpdate(next), 'v1');
    expect(again.refusal).toBeNull();
    expect(again.newBytes).toBeLessThan(300);
  });
});

import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addComment,
  commentsWriteRefusal,
  commentThreads,
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
});

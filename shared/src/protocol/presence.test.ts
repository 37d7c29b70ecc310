import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { isDrawableCaret, stampPresence } from './presence.ts';

const caretOf = (doc: Y.Doc) => {
  const text = doc.getText('body');
  text.insert(0, '会议内容');
  const at = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, 2));
  return { anchor: at, head: at };
};

describe('presence states (AW-6)', () => {
  it('draws a person with a caret Yjs wrote, or with none', () => {
    const cursor = caretOf(new Y.Doc());
    expect(isDrawableCaret({ user: { name: '李书记', color: '#123abc' }, cursor })).toBe(true);
    expect(isDrawableCaret({ user: { name: '李书记' } })).toBe(true);
    expect(isDrawableCaret({ user: { name: '李书记' }, cursor: null })).toBe(true);
  });

  it('does not draw a state the caret plugin would throw on or paint from elsewhere', () => {
    const cursor = caretOf(new Y.Doc());
    for (const state of [
      null,
      'text',
      { cursor },
      { user: 'text', cursor },
      { user: { name: '' }, cursor },
      { user: { name: '王书记', color: 'url(https://example.invalid/x)' } },
      { user: { name: '王书记' }, cursor: { anchor: null, head: null } },
      {
        user: { name: '王书记' },
        cursor: { anchor: { type: { client: -1, clock: 0 } }, head: {} },
      },
      { user: { name: '王书记' }, cursor: { anchor: {}, head: {}, extra: 1 } },
    ]) {
      expect(isDrawableCaret(state)).toBe(false);
    }
  });

  it('names the member the relay knows and drops what it cannot read', () => {
    const member = { id: 'm1', displayName: '乡镇审核' };
    expect(
      stampPresence(
        { user: { name: '王书记', color: 'red', memberId: 'm2' }, cursor: { anchor: 1 }, x: 2 },
        member,
      ),
    ).toEqual({ user: { name: '乡镇审核', memberId: 'm1' }, cursor: null, x: 2 });
    const cursor = caretOf(new Y.Doc());
    expect(stampPresence({ user: { name: 'a', color: '#00ff00' }, cursor }, member)).toEqual({
      user: { name: '乡镇审核', memberId: 'm1', color: '#00ff00' },
      cursor,
    });
    expect(stampPresence({ doing: '审阅' }, member)).toEqual({ doing: '审阅' });
  });
});

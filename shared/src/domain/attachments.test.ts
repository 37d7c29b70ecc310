import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addAttachment, readAttachments, removeAttachment } from './attachments.ts';
import { createDoc } from './doc.ts';

const photo = (target: string | null, name = 'sign-in.jpg') => ({
  target,
  hash: 'a'.repeat(64),
  type: 'image/jpeg' as const,
  size: 1234,
  width: 1600,
  height: 1200,
  name,
  addedBy: { name: '王芳', memberId: 'm1' },
});

describe('attachments', () => {
  it('ATT-1 ATT-3 an attachment added on one device reaches another whole, listed under its target', () => {
    const a = createDoc();
    const id = addAttachment(a, { ...photo('entry-1'), addedAt: 5 });
    addAttachment(a, {
      ...photo(null, 'sheet.pdf'),
      type: 'application/pdf',
      width: null,
      height: null,
      addedAt: 6,
    });
    const b = createDoc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(readAttachments(b, 'entry-1')).toEqual([{ ...photo('entry-1'), id, addedAt: 5 }]);
    expect(readAttachments(b, null).map((x) => x.name)).toEqual(['sheet.pdf']);
    expect(readAttachments(b)).toHaveLength(2);
  });

  it('ATT-1 a malformed attachment is refused and nothing is written', () => {
    const doc = createDoc();
    expect(() => addAttachment(doc, { ...photo(null), hash: 'not-a-hash' })).toThrow();
    expect(() =>
      addAttachment(doc, { ...photo(null), type: 'text/html' as 'image/jpeg' }),
    ).toThrow();
    expect(readAttachments(doc)).toEqual([]);
  });

  it('ATT-2 removing an attachment drops it from the record while the record keeps it in its past', () => {
    const doc = createDoc();
    const id = addAttachment(doc, photo('t1'));
    const before = Y.snapshot(doc);
    removeAttachment(doc, id);
    expect(readAttachments(doc)).toEqual([]);
    const past = Y.createDocFromSnapshot(doc, before);
    expect(readAttachments(past).map((x) => x.id)).toEqual([id]);
  });
});

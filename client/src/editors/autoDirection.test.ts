import { getSchema } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { describe, expect, it } from 'vitest';
import { directionDecorations } from './autoDirection.ts';

const schema = getSchema([StarterKit.configure({ undoRedo: false })]);

/** The node names that carry `dir="auto"`, in document order. */
function autoNodes(json: unknown): string[] {
  const doc = schema.nodeFromJSON(json);
  return directionDecorations(doc)
    .find()
    .map((d) => {
      expect((d as unknown as { type: { attrs: unknown } }).type.attrs).toEqual({ dir: 'auto' });
      return doc.nodeAt(d.from)?.type.name ?? '?';
    });
}

const text = (t: string) => ({ type: 'text', text: t });
const paragraph = (t: string) => ({ type: 'paragraph', content: [text(t)] });

describe('rich text direction', () => {
  it('gives every paragraph and heading its own dir="auto"', () => {
    expect(
      autoNodes({
        type: 'doc',
        content: [
          paragraph('يىغىن باشلاندى'),
          { type: 'heading', attrs: { level: 3 }, content: [text('会议内容')] },
          paragraph('李明'),
          { type: 'blockquote', content: [paragraph('ئىزاھات')] },
        ],
      }),
    ).toEqual(['paragraph', 'heading', 'paragraph', 'paragraph']);
  });

  it('sets a list item’s direction on the item, not on its paragraph, so the marker follows the text', () => {
    expect(
      autoNodes({
        type: 'doc',
        content: [
          {
            type: 'bulletList',
            content: [
              { type: 'listItem', content: [paragraph('بىرىنچى')] },
              {
                type: 'listItem',
                content: [
                  paragraph('第二'),
                  {
                    type: 'orderedList',
                    content: [{ type: 'listItem', content: [paragraph('ئىچكى')] }],
                  },
                ],
              },
            ],
          },
        ],
      }),
    ).toEqual(['listItem', 'listItem', 'listItem']);
  });
});

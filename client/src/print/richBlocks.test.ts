import { fragmentText, RICH_MAX_DEPTH, type RichBlock, richBlocks } from '@grassroots/shared';
import { getSchema } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';

// The editor's own schema and y-prosemirror's own encoding: what a minutes body really holds.
const schema = getSchema([StarterKit.configure({ undoRedo: false })]);

function fragmentOf(content: unknown[]): Y.XmlFragment {
  const doc = new Y.Doc({ gc: false });
  const fragment = doc.getXmlFragment('body');
  prosemirrorJSONToYXmlFragment(schema, { type: 'doc', content }, fragment);
  return fragment;
}

type Json = Record<string, unknown>;
const text = (t: string, ...marks: string[]): Json =>
  marks.length
    ? { type: 'text', text: t, marks: marks.map((type) => ({ type })) }
    : { type: 'text', text: t };
const p = (...content: Json[]): Json => ({ type: 'paragraph', content });
const li = (...content: Json[]): Json => ({ type: 'listItem', content });

/** Every text of the blocks, a line per block, as the plain text has it. */
function linesOf(blocks: readonly RichBlock[]): string[] {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.kind === 'paragraph' || b.kind === 'heading')
      out.push(b.runs.map((r) => ('text' in r ? r.text : '\n')).join(''));
    else if (b.kind === 'list') for (const item of b.items) out.push(...linesOf(item));
    else if (b.kind === 'quote') out.push(...linesOf(b.blocks));
    else if (b.kind === 'code') out.push(b.text);
  }
  return out;
}

describe('richBlocks (RICH-1)', () => {
  it('reads what the editor writes: headings, numbered and bullet lists (nested, with their start), marks and line breaks', () => {
    const fragment = fragmentOf([
      { type: 'heading', attrs: { level: 3 }, content: [text('会议议程')] },
      {
        type: 'orderedList',
        attrs: { start: 3 },
        content: [
          li(p(text('讨论'), text('水渠维修', 'bold'), text('方案'))),
          li(p(text('通报低保评议')), {
            type: 'bulletList',
            content: [li(p(text('一组', 'italic', 'bold')))],
          }),
        ],
      },
      p(text('第一行'), { type: 'hardBreak' }, text('第二行')),
      p(),
      { type: 'blockquote', content: [p(text('ئىزاھات'))] },
      { type: 'codeBlock', content: [text('2025-01')] },
      { type: 'horizontalRule' },
      p(text('删除', 'strike'), text('x', 'code')),
    ]);
    expect(richBlocks(fragment)).toEqual([
      { kind: 'heading', level: 3, runs: [{ text: '会议议程', marks: [] }] },
      {
        kind: 'list',
        ordered: true,
        start: 3,
        items: [
          [
            {
              kind: 'paragraph',
              runs: [
                { text: '讨论', marks: [] },
                { text: '水渠维修', marks: ['bold'] },
                { text: '方案', marks: [] },
              ],
            },
          ],
          [
            { kind: 'paragraph', runs: [{ text: '通报低保评议', marks: [] }] },
            {
              kind: 'list',
              ordered: false,
              start: 1,
              items: [[{ kind: 'paragraph', runs: [{ text: '一组', marks: ['bold', 'italic'] }] }]],
            },
          ],
        ],
      },
      {
        kind: 'paragraph',
        runs: [{ text: '第一行', marks: [] }, { lineBreak: true }, { text: '第二行', marks: [] }],
      },
      { kind: 'quote', blocks: [{ kind: 'paragraph', runs: [{ text: 'ئىزاھات', marks: [] }] }] },
      { kind: 'code', text: '2025-01' },
      { kind: 'rule' },
      {
        kind: 'paragraph',
        runs: [
          { text: '删除', marks: ['strike'] },
          { text: 'x', marks: ['code'] },
        ],
      },
    ]);
  });

  it('keeps the same text as the plain text search and history read', () => {
    const fragment = fragmentOf([
      p(text('一、'), text('安全', 'bold')),
      { type: 'bulletList', content: [li(p(text('甲'))), li(p(text('乙')))] },
      { type: 'blockquote', content: [p(text('丙'))] },
    ]);
    expect(linesOf(richBlocks(fragment))).toEqual(
      fragmentText(fragment)
        .split('\n')
        .filter((l) => l !== ''),
    );
  });

  it('never throws or drops text on what a hostile or newer client wrote: unknown nodes, bad attributes, deep nesting', () => {
    const doc = new Y.Doc({ gc: false });
    const fragment = doc.getXmlFragment('body');
    const unknown = new Y.XmlElement('mention');
    unknown.insert(0, [new Y.XmlText('买买提')]);
    const heading = new Y.XmlElement('heading');
    heading.setAttribute('level', 'ninety' as unknown as string);
    heading.insert(0, [new Y.XmlText('标题')]);
    const list = new Y.XmlElement('orderedList');
    list.setAttribute('start', -5 as unknown as string);
    const stray = new Y.XmlElement('paragraph');
    stray.insert(0, [new Y.XmlText('不在条目里')]);
    list.insert(0, [stray]);
    // A line break holding text, which no editor makes.
    const hidden = new Y.XmlElement('hardBreak');
    hidden.insert(0, [new Y.XmlText('藏在换行里')]);
    const withBreak = new Y.XmlElement('paragraph');
    withBreak.insert(0, [new Y.XmlText('前'), hidden]);
    fragment.insert(0, [unknown, heading, list, new Y.XmlText('顶层文字'), withBreak]);
    // Lists nested far deeper than any editor makes: 500 levels (built from the top, each
    // level inserted into the one above it, as a stream of updates would build it).
    let parent: Y.XmlFragment | Y.XmlElement = fragment;
    for (let i = 0; i < 500; i++) {
      const l = new Y.XmlElement('bulletList');
      parent.insert(parent.length, [l]);
      const item = new Y.XmlElement('listItem');
      l.insert(0, [item]);
      parent = item;
    }
    const deepest = new Y.XmlElement('paragraph');
    parent.insert(0, [deepest]);
    deepest.insert(0, [new Y.XmlText('最深处')]);

    const blocks = richBlocks(fragment);
    expect(blocks.slice(0, 5)).toEqual([
      { kind: 'paragraph', runs: [{ text: '买买提', marks: [] }] },
      { kind: 'heading', level: 3, runs: [{ text: '标题', marks: [] }] },
      {
        kind: 'list',
        ordered: true,
        start: 1,
        items: [[{ kind: 'paragraph', runs: [{ text: '不在条目里', marks: [] }] }]],
      },
      { kind: 'paragraph', runs: [{ text: '顶层文字', marks: [] }] },
      {
        kind: 'paragraph',
        runs: [{ text: '前', marks: [] }, { lineBreak: true }, { text: '藏在换行里', marks: [] }],
      },
    ]);
    // The deep list keeps its first levels, then its text.
    let level: RichBlock = blocks[5]!;
    let depth = 0;
    while (level.kind === 'list') {
      level = level.items[0]![0]!;
      depth++;
    }
    expect(depth).toBe(RICH_MAX_DEPTH);
    expect(level).toEqual({ kind: 'paragraph', runs: [{ text: '最深处', marks: [] }] });
    // Search and history read it too, past their own depth without recursion.
    expect(fragmentText(fragment).split('\n')).toEqual([
      '买买提',
      '标题',
      '不在条目里',
      '顶层文字',
      '前',
      '藏在换行里',
      '最深处',
    ]);
  });
});

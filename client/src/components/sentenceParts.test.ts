import { describe, expect, it } from 'vitest';
import { sentenceParts } from './sentenceParts.ts';

describe('sentenceParts', () => {
  it('sets typed text apart and keeps the sentence around it as it reads', () => {
    expect(sentenceParts('{name}（{reason}）', { name: 'ئەخمەت', reason: '请假' })).toEqual([
      { text: 'ئەخمەت' },
      '（',
      { text: '请假' },
      '）',
    ]);
  });

  it('writes numbers in as text and leaves unknown placeholders as they are', () => {
    expect(sentenceParts('第{n}条 {other}', { n: 3 })).toEqual(['第', '3', '条 {other}']);
  });

  it('puts markup in as it is', () => {
    const element = { element: 'list' };
    expect(sentenceParts('缺席：{list}', { list: element })).toEqual(['缺席：', element]);
  });
});

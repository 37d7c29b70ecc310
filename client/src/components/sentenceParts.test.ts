import { describe, expect, it } from 'vitest';
import { namesIn, sentenceParts } from './sentenceParts.ts';

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

describe('namesIn', () => {
  it('finds names transcribed with middle dots and leaves the rest as it is', () => {
    expect(namesIn('01-05 22:06 已登记（买买提·艾力）：镇规划建设办')).toEqual([
      { text: '01-05 22:06 已登记（', isName: false },
      { text: '买买提·艾力', isName: true },
      { text: '）：镇规划建设办', isName: false },
    ]);
    expect(namesIn('阿布都热合曼·吐尔逊·买买提')).toEqual([
      { text: '阿布都热合曼·吐尔逊·买买提', isName: true },
    ]);
    expect(namesIn('李秀英 · 3组')).toEqual([{ text: '李秀英 · 3组', isName: false }]);
    expect(namesIn('')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { gluePunctuation, isolatedRuns, namesIn, sentenceParts } from './sentenceParts.ts';

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

describe('gluePunctuation', () => {
  it('keeps the brackets and punctuation around a short value on its line', () => {
    expect(
      gluePunctuation(
        sentenceParts('已于 {time} 定稿（{name}），只读。', { time: 'x', name: '王建国' }),
      ),
    ).toEqual([
      '已于 ',
      { text: 'x' },
      ' 定稿',
      { text: '王建国', before: '（', after: '），' },
      '只读。',
    ]);
  });

  it('shares a run between two values and leaves long values and markup alone', () => {
    const long = '很长的一段说明文字，超过了二十个字的长度限制，可以在行内换行';
    expect(gluePunctuation(sentenceParts('（{a}）、（{b}）', { a: '甲', b: long }))).toEqual([
      { text: '甲', before: '（', after: '）、' },
      '（',
      { text: long },
      '）',
    ]);
    const element = { element: 'list' };
    expect(gluePunctuation(sentenceParts('缺席（{list}）', { list: element }))).toEqual([
      '缺席（',
      element,
      '）',
    ]);
  });

  it('keeps Uyghur quotes and the punctuation after them with a short value', () => {
    expect(
      gluePunctuation(
        sentenceParts('ئاۋاز بېرىش «{motion}»: ', { motion: '同意村道养护经费使用方案' }),
      ),
    ).toEqual([
      'ئاۋاز بېرىش ',
      { text: '同意村道养护经费使用方案', before: '«', after: '»:' },
      ' ',
    ]);
  });
});

describe('isolatedRuns', () => {
  const [fsi, pdi] = ['\u2068', '\u2069'];
  it('cuts a translated sentence at its isolates, nested as they are', () => {
    expect(isolatedRuns(`ۋەزىپە ${fsi}入户走访${pdi} ئۆزگەرتىلدى`)).toEqual([
      'ۋەزىپە ',
      { isolate: ['入户走访'] },
      ' ئۆزگەرتىلدى',
    ]);
    expect(isolatedRuns(`${fsi}ۋەزىپە ${fsi}入户走访${pdi}${pdi}: 3`)).toEqual([
      { isolate: ['ۋەزىپە ', { isolate: ['入户走访'] }] },
      ': 3',
    ]);
  });

  it('lets quotes around an isolated value join the sentence, not a left-to-right run of their own', () => {
    // desc.item's {name} is desc.quote's «{text}», whose {text} is isolated twice.
    const label = `${fsi}${fsi}ۋەزىپە${pdi} ${fsi}«${fsi}${fsi}入户走访（已补充六组）${pdi}${pdi}»${pdi}${pdi} نامى ئۆزگەرتىلدى`;
    expect(isolatedRuns(label)).toEqual([
      { isolate: ['ۋەزىپە'] },
      ' «',
      { isolate: ['入户走访（已补充六组）'] },
      '» نامى ئۆزگەرتىلدى',
    ]);
  });

  it('keeps a number isolated and reads unclosed isolates to the end', () => {
    expect(isolatedRuns(`+${fsi}12${pdi} ${fsi}abc`)).toEqual([
      '+',
      { isolate: ['12'] },
      ' ',
      { isolate: ['abc'] },
    ]);
    expect(isolatedRuns('plain')).toEqual(['plain']);
  });
});

import { describe, expect, it } from 'vitest';
import { compareNames, makeCompareNames, sortByName, uyghurKey } from './collate.ts';

/** The Uyghur alphabet in its order. */
const ALPHABET = 'ا ە ب پ ت ج چ خ د ر ز ژ س ش غ ف ق ك گ ڭ ل م ن ھ و ۇ ۆ ۈ ۋ ې ى ي'.split(' ');

/** Uyghur names in alphabet order (CLDR: the vowel-initial names, written with ئ, first). */
const UYGHUR_NAMES = [
  'ئابدۇللا',
  'ئەخمەت',
  'ئوسمان',
  'ئۇيغۇر',
  'ئۆمەر',
  'ئۈمىد',
  'ئېلى',
  'ئىبراھىم',
  'بەختىيار',
  'پەرىدە',
  'تۇرسۇن',
  'جامال',
  'چىمەنگۈل',
  'خالىدە',
  'دىلنۇر',
  'رەيھان',
  'زەينەپ',
  'ژالە',
  'سابىر',
  'شىرىن',
  'غەيرەت',
  'قادىر',
  'كامىل',
  'كېرىم',
  'گۈلنار',
  'لەيلى',
  'مەمەت',
  'مەھەممەت',
  'نۇر',
  'ھەسەن',
  'ۋاھىت',
  'يۈسۈپ',
];

/** Chinese names in pinyin order. */
const CHINESE_NAMES = [
  '阿依古丽', // a
  '艾力', // ai
  '陈静', // chen
  '李娜', // li
  '刘洋', // liu
  '王芳', // wang
  '吴敏', // wu
  '张伟', // zhang
  '赵磊', // zhao
  '周杰', // zhou
];

/** A deterministic shuffle, so a failure repeats. */
function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const sorted = (names: readonly string[], locale: string) =>
  shuffled(names).sort(compareNames(locale));

describe('Uyghur names', () => {
  // Node's ICU has CLDR's Uyghur collation; Chromium's has none and rebuilds it on the root one.
  const ways = [
    { way: 'ICU', compare: makeCompareNames('ug', true) },
    { way: 'rebuilt on the root collation (Chromium)', compare: makeCompareNames('ug', false) },
  ];

  for (const { way, compare } of ways) {
    it(`NAME-1 sort in the order of the Uyghur alphabet (${way})`, () => {
      expect(shuffled(ALPHABET).sort(compare)).toEqual(ALPHABET);
      expect(shuffled(UYGHUR_NAMES).sort(compare)).toEqual(UYGHUR_NAMES);
    });
  }

  it('NAME-2 sort the same both ways, for any two strings of Uyghur letters, digits and spaces', () => {
    const icu = makeCompareNames('ug', true);
    const rebuilt = makeCompareNames('ug', false);
    const letters = [...ALPHABET, 'ئ', ' ', '1', '2'];
    let s = 42;
    const next = (n: number) => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s % n;
    };
    const word = () =>
      Array.from({ length: 1 + next(6) }, () => letters[next(letters.length)]).join('');
    for (let i = 0; i < 5000; i++) {
      const a = word();
      const b = word();
      expect(Math.sign(rebuilt(a, b)), `${a} / ${b}`).toBe(Math.sign(icu(a, b)));
    }
  });

  it('NAME-2 rebuild only the four letters the Uyghur tailoring moves', () => {
    expect(uyghurKey('مەكتەپ')).not.toBe('مەكتەپ');
    expect(uyghurKey('ئابدۇللا')).not.toBe('ئابدۇللا');
    expect(uyghurKey('قادىر')).toBe('قادىر');
  });

  it('NAME-1 sort by the Uyghur alphabet in the Chinese and English UI too', () => {
    expect(sorted(UYGHUR_NAMES, 'zh-CN')).toEqual(UYGHUR_NAMES);
    expect(sorted(UYGHUR_NAMES, 'en')).toEqual(UYGHUR_NAMES);
    expect(sorted(UYGHUR_NAMES, 'ug-CN')).toEqual(UYGHUR_NAMES);
  });
});

describe('Chinese names', () => {
  it('NAME-1 sort by pinyin in every UI language', () => {
    for (const locale of ['zh-CN', 'en', 'ug']) {
      expect(sorted(CHINESE_NAMES, locale), locale).toEqual(CHINESE_NAMES);
    }
  });

  it('NAME-1 sort by pinyin, not by code point', () => {
    expect([...CHINESE_NAMES].sort()).not.toEqual(CHINESE_NAMES);
  });
});

describe('English names', () => {
  it('NAME-1 sort alphabetically, case and accents second, numbers by value', () => {
    const names = ['adam', 'Alice', 'bob', 'Émile', 'Group 2', 'Group 10', 'zoe', 'Zoë'];
    expect(sorted(names, 'en')).toEqual([
      'adam',
      'Alice',
      'bob',
      'Émile',
      'Group 2',
      'Group 10',
      'zoe',
      'Zoë',
    ]);
  });
});

describe('names of several scripts', () => {
  const mixed = ['Alice', '王芳', 'بەختىيار', 'bob', '阿依古丽', 'ئەخمەت', '1号'];

  it("NAME-1 put each UI language's own script first", () => {
    expect(sorted(mixed, 'zh-CN')).toEqual([
      '1号',
      '阿依古丽',
      '王芳',
      'Alice',
      'bob',
      'ئەخمەت',
      'بەختىيار',
    ]);
    expect(sorted(mixed, 'en')).toEqual([
      '1号',
      'Alice',
      'bob',
      'ئەخمەت',
      'بەختىيار',
      '阿依古丽',
      '王芳',
    ]);
    for (const compare of [makeCompareNames('ug', true), makeCompareNames('ug', false)]) {
      expect(shuffled(mixed).sort(compare)).toEqual([
        '1号',
        'ئەخمەت',
        'بەختىيار',
        'Alice',
        'bob',
        '阿依古丽',
        '王芳',
      ]);
    }
  });

  it('NAME-1 are in a consistent order (every pair of a sorted list compares in order)', () => {
    const names = [...UYGHUR_NAMES, ...CHINESE_NAMES, ...mixed, 'Zoë', '  张三', '\u200fئەلى'];
    for (const compare of [
      compareNames('zh-CN'),
      compareNames('en'),
      makeCompareNames('ug', true),
      makeCompareNames('ug', false),
    ]) {
      const list = shuffled(names, 3).sort(compare);
      for (let i = 0; i < list.length; i++) {
        for (let j = i + 1; j < list.length; j++) {
          expect(compare(list[i]!, list[j]!), `${list[i]} / ${list[j]}`).toBeLessThanOrEqual(0);
          expect(compare(list[j]!, list[i]!), `${list[j]} / ${list[i]}`).toBeGreaterThanOrEqual(0);
        }
      }
    }
  });
});

describe('sorting', () => {
  it('NAME-1 keeps the order of people with the same name (stable)', () => {
    const people = [
      { id: 'c', name: '王芳' },
      { id: 'a', name: '李娜' },
      { id: 'b', name: '王芳' },
      { id: 'd', name: '李娜' },
    ];
    expect(sortByName(people, (p) => p.name, 'zh-CN').map((p) => p.id)).toEqual([
      'a',
      'd',
      'c',
      'b',
    ]);
    // A copy: the input keeps its order.
    expect(people.map((p) => p.id)).toEqual(['c', 'a', 'b', 'd']);
  });

  it('NAME-1 makes the order of a locale once', () => {
    expect(compareNames('ug')).toBe(compareNames('ug'));
    expect(compareNames('zh-CN')).not.toBe(compareNames('en'));
  });
});

import { describe, expect, it } from 'vitest';
import {
  compileQuery,
  matchesKey,
  matchesQuery,
  matchInFields,
  searchKey,
  searchSnippet,
  searchWords,
} from './search.ts';

/** Whether a query finds a text of one field. */
const finds = (text: string, query: string) => matchesQuery([text], query);

// A feedback entry as a village cadre would write it: "The road in front of our school is
// broken; when it rains it turns to mud."
const ENTRY = 'مەكتەپنىڭ ئالدىدىكى يول بۇزۇلۇپ كەتتى، يامغۇر ياغسا لاي بولىدۇ.';

describe('Uyghur text', () => {
  it('SEARCH-1 is found by any one of its words', () => {
    for (const word of ENTRY.split(/[\s،.]+/u).filter(Boolean)) {
      expect(finds(ENTRY, word), word).toBe(true);
    }
  });

  it('SEARCH-1 is found by a stem typed without the suffixes the text carries', () => {
    expect(finds(ENTRY, 'مەكتەپ')).toBe(true); // مەكتەپنىڭ
    expect(finds(ENTRY, 'يامغۇر')).toBe(true);
    expect(finds(ENTRY, 'بۇزۇل')).toBe(true); // بۇزۇلۇپ
    expect(finds(ENTRY, 'ئالدى')).toBe(true); // ئالدىدىكى
  });

  it('SEARCH-1 is found by a stem whose last a/e the suffix raised to i or é (مەكتەپ → مەكتىپىمىز)', () => {
    expect(finds('مەكتىپىمىزدە سۇ يوق', 'مەكتەپ')).toBe(true);
    expect(finds('بالىلار مەكتەپكە بارالمىدى', 'بالا')).toBe(true);
    expect(finds('ئېتى يوقاپ كەتتى', 'ئات')).toBe(true);
    expect(finds('قەلىمى يوق', 'قەلەم')).toBe(true);
    // A one-syllable stem raises to é, never to i: "horse" does not find "dog".
    expect(finds('ئىت قاۋىدى', 'ئات')).toBe(false);
    // A stem ending in two consonants keeps its vowel.
    expect(finds('دىرسى', 'دەرس')).toBe(false);
  });

  it('SEARCH-1 needs every word of the query', () => {
    expect(finds(ENTRY, 'مەكتەپ يامغۇر')).toBe(true);
    expect(finds(ENTRY, 'مەكتەپ دوختۇرخانا')).toBe(false);
    expect(finds(ENTRY, 'دوختۇرخانا')).toBe(false);
  });

  it('SEARCH-2 is found whatever Arabic presentation forms either side is written in', () => {
    // مەكتەپ and ئۇيغۇر in the glyph codes of the old Uyghur fonts.
    const legacySchool = '\uFEE3\uFEEA\uFEDB\uFE98\uFEEA\uFB56';
    const legacyUyghur = '\uFBF0\uFEF3\uFED0\uFBD8\uFEAD';
    expect(finds(`${legacySchool}نىڭ`, 'مەكتەپ')).toBe(true);
    expect(finds(ENTRY, legacySchool)).toBe(true);
    expect(finds('ئۇيغۇر تىلى', legacyUyghur)).toBe(true);
    expect(finds(`${legacyUyghur} تىلى`, 'ئۇيغۇر')).toBe(true);
    // ى in its Uyghur initial and medial forms (U+FBE8, U+FBE9).
    expect(finds('ئ\uFBE9\uFEDF\uFEE4\uFBE9', 'ئىلمى')).toBe(true);
  });

  it('SEARCH-2 ignores tatweel, harakat and zero-width or bidi characters', () => {
    expect(finds('مەكـــتەپـنىڭ', 'مەكتەپ')).toBe(true);
    expect(finds(ENTRY, 'مەكـتەپ')).toBe(true);
    expect(finds('مَەكْتەپ', 'مەكتەپ')).toBe(true);
    expect(finds('مەك\u200dتەپ\u200cنىڭ', 'مەكتەپنىڭ')).toBe(true);
    expect(finds('\u200fمەكتەپ\u061c', 'مەكتەپ')).toBe(true);
    expect(finds(ENTRY, '\u2067مەكتەپ\u2069')).toBe(true);
  });

  it('SEARCH-3 finds text typed on Arabic and Persian keyboards (ه for ە and ھ, ی for ى and ي, ک for ك)', () => {
    // Arabic keyboard: heh for both ە and ھ.
    expect(finds('مهكتهپنىڭ ئالدى', 'مەكتەپ')).toBe(true);
    expect(finds(ENTRY, 'مهكتهپ')).toBe(true);
    expect(finds('ههممه ئادەم', 'ھەممە')).toBe(true);
    expect(finds('ھەممە ئادەم', 'ههممه')).toBe(true);
    // Persian keyboard: ی for i and y, ک for k.
    expect(finds('ئالدیدیکی یول', 'ئالدىدىكى')).toBe(true);
    expect(finds('ئالدیدیکی یول', 'يول')).toBe(true);
    expect(finds(ENTRY, 'ئالدیدیکی یول')).toBe(true);
    // ئ typed as ى with a combining hamza; ۇ as waw with damma, ۈ as waw with a small alef.
    expect(finds('\u0649\u0654ۇيغۇر', 'ئۇيغۇر')).toBe(true);
    expect(finds('ئو\u064Fيغو\u064Fر', 'ئۇيغۇر')).toBe(true);
    expect(finds('ئو\u0670زۈم', 'ئۈزۈم')).toBe(true);
  });

  it('SEARCH-3 keeps Uyghur letters apart that a Uyghur keyboard types apart', () => {
    // ە (e) is not ھ (h), ى (i) is not ي (y): only the ambiguous ه and ی match both.
    expect(finds('مەكتەپ', 'مھكتھپ')).toBe(false);
    expect(finds('مىللەت', 'ميللەت')).toBe(false);
    // o, u, ö, ü make different words: "fire", "win", "pass".
    expect(finds('ئۆتتى', 'ئوت')).toBe(false);
    expect(finds('ئۇتتى', 'ئوت')).toBe(false);
    expect(finds('ئوت كەتتى', 'ئوت')).toBe(true);
    expect(finds('ئېلى', 'ئىلى')).toBe(false);
  });

  it('SEARCH-1 splits a query at Uyghur and Chinese punctuation', () => {
    expect(searchWords('مەكتەپ، يول؛ يامغۇر؟')).toEqual(['مەكتەپ', 'يول', 'يامغۇر']);
    expect(finds(ENTRY, '«مەكتەپ»')).toBe(true);
  });
});

describe('Chinese, numbers and mixed text', () => {
  const zh = '张大爷反映村口路灯坏了，申请低保';
  it('SEARCH-1 matches a Chinese query as a substring, with no word breaks needed', () => {
    expect(finds(zh, '低保')).toBe(true);
    expect(finds(zh, '路灯坏了')).toBe(true);
    expect(finds(zh, '申请低保')).toBe(true);
    expect(finds(zh, '低保申请')).toBe(false);
    expect(finds(zh, '路灯 张大爷')).toBe(true);
    expect(finds(zh, '路灯，低保')).toBe(true);
    expect(finds(zh, '路灯 医保')).toBe(false);
  });

  it('SEARCH-1 finds mixed Uyghur, Chinese and numbers by words of each', () => {
    const mixed = '2024-yili 3-ئاي: مەكتەپ 门口 路灯 5 دانە بۇزۇلغان';
    expect(finds(mixed, '门口 مەكتەپ 5')).toBe(true);
    expect(finds(mixed, '路灯 بۇزۇل')).toBe(true);
    expect(finds(mixed, '路灯 6')).toBe(false);
    // Arabic-Indic and full-width digits are digits.
    expect(finds(mixed, '٥ دانە')).toBe(true);
    expect(finds(mixed, '۲۰۲۴')).toBe(true);
    expect(finds(mixed, '２０２４')).toBe(true);
  });

  it('SEARCH-2 folds full-width Latin', () => {
    expect(finds('ABC 合作社', 'ａｂｃ')).toBe(true);
  });
});

describe('Latin script', () => {
  it('SEARCH-2 is case-insensitive in English', () => {
    expect(finds('Street LAMP broken near the School', 'lamp school')).toBe(true);
    expect(finds('street lamp', 'LAMP')).toBe(true);
    expect(finds('street lamp', 'lamps')).toBe(false);
  });

  it('SEARCH-3 leaves Latin-script Uyghur (ULY) as it is: case folded, letters and scripts not mixed', () => {
    expect(finds('Mektepning aldidiki yol buzulup ketti', 'MEKTEP yol')).toBe(true);
    expect(finds('yéza komitéti', 'YÉZA')).toBe(true);
    // The same é, composed or not.
    expect(finds('ye\u0301za', 'yéza')).toBe(true);
    // é is not e, and ULY is not transliterated to or from the Arabic script.
    expect(finds('yéza', 'yeza')).toBe(false);
    expect(finds('مەكتەپ', 'mektep')).toBe(false);
    expect(finds('mektep', 'مەكتەپ')).toBe(false);
  });
});

describe('matching', () => {
  it('SEARCH-1 matches words in any field but never across two fields', () => {
    expect(matchesQuery(['مەكتەپ', null, 'يول'], 'مەكتەپ يول')).toBe(true);
    expect(matchesQuery(['street', 'lamp'], 'tla')).toBe(false);
    expect(matchesQuery([undefined, ''], 'x')).toBe(false);
  });

  it('SEARCH-1 matches everything with an empty query or one of punctuation alone', () => {
    expect(finds('anything', '')).toBe(true);
    expect(finds('anything', '  ，、 ')).toBe(true);
    expect(compileQuery(' ، ').words).toHaveLength(0);
  });

  it('SEARCH-1 compiles a query once for many texts', () => {
    const q = compileQuery('مەكتەپ 路灯');
    const keys = [ENTRY, 'مەكتەپ 路灯', '路灯'].map(searchKey);
    expect(keys.map((k) => matchesKey(k, q))).toEqual([false, true, false]);
  });

  it('SEARCH-2 is idempotent in search form', () => {
    for (const text of [ENTRY, 'ﻣﻪﻛﺘﻪﭖ', 'مەکـتەپ', 'ＡＢＣ', '٥ دانە', 'Yéza', '\u0649\u0654ۇ']) {
      expect(searchKey(searchKey(text))).toBe(searchKey(text));
    }
  });

  describe('SEARCH-4 where a query matched', () => {
    const snippet = (text: string, query: string, skip = '') =>
      searchSnippet(text, compileQuery(query), skip === '' ? '' : searchKey(skip));

    it('SEARCH-4 shows the first field holding the word, as written, with some context and "…" where cut', () => {
      const long = `${'甲'.repeat(30)}自来水${'乙'.repeat(50)}`;
      expect(snippet(`无关\n${long}\n自来水`, '自来水')).toEqual({
        before: `…${'甲'.repeat(16)}`,
        match: '自来水',
        after: `${'乙'.repeat(40)}…`,
      });
      expect(snippet('三组路灯坏了', '路灯')).toEqual({
        before: '三组',
        match: '路灯',
        after: '坏了',
      });
      expect(snippet('三组路灯坏了', '水渠')).toBeNull();
    });

    it('SEARCH-4 maps a match in search form back to the text as written', () => {
      // Full width, tatweel and presentation forms are folded for matching, shown as typed.
      expect(snippet('请联系 ＺＨＡＮＧ 师傅', 'zhang')?.match).toBe('ＺＨＡＮＧ');
      expect(snippet('يول مەکـتەپ ئالدىدا', 'مەكتەپ')).toEqual({
        before: 'يول ',
        match: 'مەکـتەپ',
        after: ' ئالدىدا',
      });
      expect(snippet('ﻣﻪﻛﺘﻪﭖ ئالدى', 'مەكتەپ')?.match).toBe('ﻣﻪﻛﺘﻪﭖ');
      // A stem found in its raised form, typed with an Arabic keyboard's heh.
      expect(snippet('مەكتىپىمىزنىڭ ھويلىسى', 'مهكتهپ')?.match).toBe('مەكتىپ');
      // Never half of a character outside the basic plane.
      const withEmoji = `${'😀'.repeat(20)}路灯${'😀'.repeat(30)}`;
      const cut = snippet(withEmoji, '路灯');
      expect(cut?.before).toBe(`…${'😀'.repeat(8)}`);
      expect(cut?.after).toBe(`${'😀'.repeat(20)}…`);
    });

    it('SEARCH-4 keeps a letter and its marks together, and marks a character that became several', () => {
      // ۇ typed as و with a damma: the damma is inside the mark, not left after it.
      expect(snippet('ئوقو\u064Fغۇچى', 'ئوقۇ')).toEqual({
        before: '',
        match: 'ئوقو\u064F',
        after: 'غۇچى',
      });
      // …nor pulled in from the letter before the match.
      expect(snippet('ئو\u064Fيغۇر', 'يغۇر')).toEqual({
        before: 'ئو\u064F',
        match: 'يغۇر',
        after: '',
      });
      // ㈠ is "(一)" in search form: the whole character is marked, never nothing.
      expect(snippet('第㈠条规定', '一')).toEqual({ before: '第', match: '㈠', after: '条规定' });
      // The context never starts with a mark cut from its letter.
      const accents = `x${'e\u0301'.repeat(20)}z路灯`;
      expect(snippet(accents, '路灯')?.before).toMatch(/^…e/u);
    });

    it('SEARCH-4 uses the text in search form when the caller keeps it, and the text itself otherwise', () => {
      const text = '无关\n研究自来水入户工程';
      const q = compileQuery('自来水');
      expect(searchSnippet(text, q, '', searchKey(text))).toEqual(searchSnippet(text, q));
      // A kept form of other lines than the text's is not trusted.
      expect(searchSnippet(text, q, '', 'stale')?.match).toBe('自来水');
    });

    it('SEARCH-4 skips the words the title holds; none when it holds them all', () => {
      expect(snippet('研究自来水入户工程', '支委会 自来水', '3月支委会')?.match).toBe('自来水');
      expect(snippet('支委会研究自来水', '支委会', '3月支委会')).toBeNull();
    });
  });

  describe('SEARCH-5 where in a doc a query matched', () => {
    const match = (fields: string[], query: string, skip = '') =>
      matchInFields(fields, compileQuery(query), skip === '' ? '' : searchKey(skip));

    it("SEARCH-5 finds the first query word in field order, as written, the title's words skipped", () => {
      const fields = ['三组', '研究自来水入户', '路灯和自来水'];
      expect(match(fields, '自来水')).toEqual({ field: 1, start: 2, end: 5 });
      // Word order first, then fields: the first word's first field wins over an earlier field.
      expect(match(fields, '路灯 自来水')).toEqual({ field: 2, start: 0, end: 2 });
      expect(match(fields, '支委会 自来水', '3月支委会')).toEqual({ field: 1, start: 2, end: 5 });
      expect(match(fields, '支委会', '3月支委会')).toBeNull();
      expect(match(fields, '水渠')).toBeNull();
      expect(match([], '自来水')).toBeNull();
    });

    it('SEARCH-5 maps back to the field as written, as the snippet does', () => {
      const field = 'يول مەکـتەپ ئالدىدا';
      const found = match(['', field], 'مەكتەپ');
      expect(found).toEqual({ field: 1, start: 4, end: 11 });
      expect(field.slice(found!.start, found!.end)).toBe('مەکـتەپ');
      const dammaField = 'ئوقو\u064Fغۇچى';
      const damma = match([dammaField], 'ئوقۇ')!;
      expect(dammaField.slice(damma.start, damma.end)).toBe('ئوقو\u064F');
    });

    it("SEARCH-5 uses the caller's search forms of the fields when given", () => {
      const fields = ['甲', '乙'];
      // A caller that keeps the fields' search forms is believed: matching runs on them.
      expect(matchInFields(fields, compileQuery('乙'), '', (i) => ['乙', '甲'][i]!)).toEqual({
        field: 0,
        start: 0,
        end: 1,
      });
    });
  });
});

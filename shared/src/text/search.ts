/**
 * Search that works for Uyghur (Arabic script), Chinese and English text alike.
 *
 * Text and query are brought to one form by `searchKey`; a query matches when each of its
 * words occurs in the text (a substring, so a Chinese query needs no word breaks and a Uyghur
 * stem finds its inflected forms: "مەكتەپ" finds "مەكتەپنىڭ").
 *
 * What is folded, and why (the Uyghur Arabic alphabet has 32 letters plus the hamza carrier ئ:
 * ا ە ب پ ت ج چ خ د ر ز ژ س ش غ ف ق ك گ ڭ ل م ن ھ و ۇ ۆ ۈ ۋ ې ى ي):
 * - NFKC: presentation forms (text converted from the old glyph-based encodings, e.g. ﻣﻪﻛﺘﻪﭖ),
 *   the Uyghur ligatures of ئ with a vowel (U+FBEA…), full-width Latin and digits.
 * - Case (English; Latin-script Uyghur keeps its é, ö, ü: it is not transliterated either way).
 * - Marks Uyghur does not write: tatweel (U+0640), harakat and Quranic marks, and every format
 *   character (zero-width joiner and non-joiner, bidi marks, BOM).
 * - Letters only other keyboards type, where the Uyghur letter meant is certain: keheh ک (U+06A9,
 *   Persian keyboards) is kaf ك (Uyghur has one k); alef with hamza or madda is alef; Arabic-Indic
 *   digits are 0–9; ى or ی followed by a combining hamza is ئ; waw with a damma, a small alef or a
 *   small v above, typed where the keyboard has no ۇ / ۈ / ۆ, is that letter.
 *
 * Two letters from other keyboards stand for either of two Uyghur letters, so they are not
 * folded into one of them but match both (`compileQuery`), while the Uyghur letters themselves
 * stay apart (ى "i" and ي "y", ە "e" and ھ "h" are different letters, and a Uyghur keyboard types
 * each as itself):
 * - Arabic heh ه (U+0647): Arabic keyboards type it for both ە and ھ, and the old presentation
 *   forms of ە (ﻩ ﻪ) become it under NFKC. Heh goal ہ (U+06C1, U+06C2) is treated the same.
 * - Farsi yeh ی (U+06CC): Persian keyboards type it for both ى and ي.
 * The Uyghur standard keyboard types the Uyghur letters themselves: ە U+06D5, ھ U+06BE, ى U+0649,
 * ي U+064A, ك U+0643, گ U+06AF, ڭ U+06AD, ې U+06D0, ۇ U+06C7, ۆ U+06C6, ۈ U+06C8, ۋ U+06CB,
 * ئ U+0626 (as in XKB's "Uyghur Standard Keyboard Map", symbols/cn(ug); Windows' Uyghur layout
 * and the Android Uyghur keyboards follow that layout, ئ typed before a vowel as its own key).
 *
 * Not folded, on purpose: و ۇ ۆ ۈ (o, u, ö, ü make different words: ئوت, ئۇت, ئۆت), ې and ى, the
 * high hamza ٴ (U+0674, Kazakh), Traditional and Simplified Chinese.
 */

/** Letters folded to one letter before matching (see the module comment). */
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  '\u06A9': '\u0643', // ک keheh → ك kaf
  '\u0622': '\u0627', // آ
  '\u0623': '\u0627', // أ
  '\u0625': '\u0627', // إ
  '\u0671': '\u0627', // ٱ
  '\u06C0': '\u06D5', // ۀ (ە with hamza above, as NFC composes it) → ە
  '\u06C1': '\u0647', // ہ heh goal → the heh that matches ە and ھ
  '\u06C2': '\u0647',
};
const LETTER_FOLD_RE = /[\u06A9\u0622\u0623\u0625\u0671\u06C0\u06C1\u06C2]/g;

/** Letters typed with a combining mark where the keyboard lacks the Uyghur letter. */
const SEQUENCE_FOLDS: Readonly<Record<string, string>> = {
  '\u0649\u0654': '\u0626', // ى + hamza above → ئ
  '\u06CC\u0654': '\u0626', // ی + hamza above → ئ
  '\u0648\u064F': '\u06C7', // و + damma → ۇ
  '\u0648\u0670': '\u06C8', // و + small alef → ۈ
  '\u0648\u065A': '\u06C6', // و + small v above → ۆ
};
const SEQUENCE_FOLD_RE = /\u0649\u0654|\u06CC\u0654|\u0648\u064F|\u0648\u0670|\u0648\u065A/g;

/** Arabic-Indic (U+0660…) and extended Arabic-Indic (U+06F0…) digits. */
const ARABIC_DIGIT_RE = /[\u0660-\u0669\u06F0-\u06F9]/g;

/**
 * Tatweel, Arabic harakat and Quranic marks (none is written in Uyghur), and every format
 * character: ZWJ, ZWNJ, bidi marks and isolates, the Arabic letter mark, BOM, soft hyphen.
 */
const DROPPED_RE =
  /[\u0640\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E4\u06E7\u06E8\u06EA-\u06ED\u08CA-\u08E1\u08E3-\u08FF]|\p{Cf}/gu;

/**
 * The form text is searched in: NFKC, lower case, Arabic presentation forms, tatweel, harakat
 * and zero-width characters gone, keyboard variants of Uyghur letters folded (module comment).
 * Idempotent: `searchKey(searchKey(x)) === searchKey(x)`.
 */
export function searchKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(SEQUENCE_FOLD_RE, (s) => SEQUENCE_FOLDS[s] ?? s)
    .replace(DROPPED_RE, '')
    .replace(LETTER_FOLD_RE, (c) => LETTER_FOLDS[c] ?? c)
    .replace(ARABIC_DIGIT_RE, (d) => {
      const cp = d.charCodeAt(0);
      return String(cp - (cp >= 0x06f0 ? 0x06f0 : 0x0660));
    });
}

/**
 * Splits a query into words at white space, punctuation and symbols (Chinese and Arabic
 * punctuation too). A run of Chinese is one word and matches as a substring: word breaking by
 * `Intl.Segmenter` would cut it into dictionary words (differently in Node's and Chromium's ICU)
 * and so find entries that only hold the pieces.
 */
const WORD_BREAK_RE = /[\p{White_Space}\p{P}\p{S}]+/u;

/** The words of a query in search form; an empty query has none. */
export function searchWords(query: string): string[] {
  return searchKey(query).split(WORD_BREAK_RE).filter(Boolean);
}

/** What a letter of a query may match in the text (the letters other keyboards blur). */
const LETTER_CLASSES: Readonly<Record<string, string>> = {
  '\u06D5': '\u06D5\u0647', // ە: ە or heh
  '\u06BE': '\u06BE\u0647', // ھ: ھ or heh
  '\u0647': '\u0647\u06D5\u06BE', // heh: either
  '\u0649': '\u0649\u06CC', // ى: ى or Farsi yeh
  '\u064A': '\u064A\u06CC', // ي: ي or Farsi yeh
  '\u06CC': '\u06CC\u0649\u064A', // Farsi yeh: either
};

const ARABIC_LETTER_RE = /[\u0620-\u064A\u066E-\u06D5\u06EE\u06EF\u06FA-\u06FF]/;
/** Uyghur vowel letters (with the heh that may stand for ە). */
const VOWELS = 'اەېىوۇۆۈه';
/** A word whose last syllable holds ا or ە, followed by at most one consonant. */
const RAISABLE_RE = new RegExp(`^(.*)([اەه])([^${VOWELS}]?)$`, 'u');

/** One query word: a pattern (when it needs one) and the plain text otherwise. */
type CompiledWord = { text: string; pattern: RegExp | null };

/** A query compiled once and matched against many texts (`matchesKey`). */
export type SearchQuery = { readonly words: readonly CompiledWord[] };

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function letterPattern(c: string, raisedTo = ''): string {
  const cls = (LETTER_CLASSES[c] ?? c) + (raisedTo ? (LETTER_CLASSES[raisedTo] ?? raisedTo) : '');
  return cls.length > 1 ? `[${cls}]` : escapeRe(cls);
}

/**
 * A Uyghur stem's last a/e is written i (or é in a one-syllable stem) before many suffixes:
 * مەكتەپ → مەكتىپىمىز, بالا → بالىلار, ئات → ئېتى. A word of three letters or more with ا or ە in
 * its last syllable also matches the raised spelling, so a stem typed as it is written alone
 * still finds those forms.
 */
function compileWord(word: string): CompiledWord {
  const chars = [...word];
  const raisable = chars.length >= 3 ? RAISABLE_RE.exec(word) : null;
  const needsPattern = raisable !== null || chars.some((c) => c in LETTER_CLASSES);
  if (!needsPattern) return { text: word, pattern: null };
  let source: string;
  if (raisable) {
    const [, head = '', vowel = '', tail = ''] = raisable;
    const syllables = [...head].filter((c) => VOWELS.includes(c)).length + 1;
    const raisedTo = syllables > 1 ? 'ى' : 'ې';
    source = [
      ...[...head].map((c) => letterPattern(c)),
      letterPattern(vowel, raisedTo),
      ...[...tail].map((c) => letterPattern(c)),
    ].join('');
  } else {
    source = chars.map((c) => letterPattern(c)).join('');
  }
  return { text: word, pattern: new RegExp(source, 'u') };
}

/** Compiles a query for `matchesKey`; compile once per query, not once per text. */
export function compileQuery(query: string): SearchQuery {
  return {
    words: searchWords(query).map((w) =>
      ARABIC_LETTER_RE.test(w) ? compileWord(w) : { text: w, pattern: null },
    ),
  };
}

/** Whether a query has no words (then every text matches). */
export function isEmptyQuery(query: SearchQuery): boolean {
  return query.words.length === 0;
}

/** Whether text already in search form (`searchKey`) holds every word of the query. */
export function matchesKey(key: string, query: SearchQuery): boolean {
  return query.words.every((w) => (w.pattern ? w.pattern.test(key) : key.includes(w.text)));
}

/**
 * Whether every word of the query occurs in one of the fields (a field is searched as a whole;
 * a word never spans two fields). An empty query matches everything. Missing fields are skipped.
 */
export function matchesQuery(
  fields: readonly (string | null | undefined)[],
  query: string | SearchQuery,
): boolean {
  const q = typeof query === 'string' ? compileQuery(query) : query;
  if (isEmptyQuery(q)) return true;
  return matchesKey(searchKey(fields.filter(Boolean).join('\n')), q);
}

/** Where a query word matched in a field, with some of the field's text either side (SEARCH-4). */
export type SearchSnippet = {
  /** Text before the match; starts with "…" when the field goes on before it. */
  before: string;
  /** The matched text as the field holds it (not in search form). */
  match: string;
  /** Text after the match; ends with "…" when the field goes on after it. */
  after: string;
};

/** Characters of context a snippet keeps before and after its match. */
const SNIPPET_BEFORE = 16;
const SNIPPET_AFTER = 40;

/** Where a word first occurs in text in search form: [start, end), or null. */
function findWord(key: string, word: CompiledWord): [number, number] | null {
  if (word.pattern) {
    const m = word.pattern.exec(key);
    return m ? [m.index, m.index + m[0].length] : null;
  }
  const at = key.indexOf(word.text);
  return at < 0 ? null : [at, at + word.text.length];
}

const isLowSurrogate = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
};

/** An offset moved off the middle of a surrogate pair: back to the pair's start, or past it. */
const codePointStart = (s: string, i: number) =>
  i > 0 && i < s.length && isLowSurrogate(s, i) ? i - 1 : i;
const codePointEnd = (s: string, i: number) =>
  i > 0 && i < s.length && isLowSurrogate(s, i) ? i + 1 : i;

const MARK_RE = /\p{M}/u;
/** An offset moved past combining marks, so that none is cut from the letter it belongs to. */
function pastMarks(s: string, i: number): number {
  let at = i;
  while (at < s.length && MARK_RE.test(s[at]!)) at++;
  return at;
}

/** The length in search form of the field's first `n` characters. */
const keyLength = (field: string, n: number) => searchKey(field.slice(0, n)).length;

/** The smallest offset whose prefix, in search form, is at least `k` characters long. */
function firstReaching(field: string, k: number): number {
  let lo = 0;
  let hi = field.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyLength(field, mid) >= k) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The largest offset whose prefix, in search form, is at most `k` characters long. */
function lastWithin(field: string, k: number): number {
  let lo = 0;
  let hi = field.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (keyLength(field, mid) <= k) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The part of `field` that a match [start, end) of its search form (`searchKey` may shorten or
 * lengthen text: NFKC, dropped marks, folded sequences) came from: from after everything that
 * comes before the match to the end of everything it needs (a character that became several, a
 * letter's combining marks), never half a character.
 */
function fieldRange(field: string, start: number, end: number): [number, number] {
  const from = codePointStart(field, lastWithin(field, start));
  const to = Math.max(lastWithin(field, end), firstReaching(field, end));
  return [from, Math.max(from, codePointEnd(field, pastMarks(field, to)))];
}

/** Where a query matched in a list of fields: the field's index and [start, end) in it as written. */
export type FieldMatch = { field: number; start: number; end: number };

/**
 * SEARCH-4. The first field holding the first query word that `skipKey` (the title in search
 * form, say) does not hold, with where in it the word is, as the field is written (a match in
 * search form mapped back: never half a character, a letter's marks kept with it). Null when every
 * word is in `skipKey`, or when no word is in any field. `keyOf`, a field's search form when the
 * caller keeps it, saves bringing each field to search form again.
 */
export function matchInFields(
  fields: readonly string[],
  query: SearchQuery,
  skipKey = '',
  keyOf: (i: number) => string = (i) => searchKey(fields[i]!),
): FieldMatch | null {
  for (const word of query.words) {
    if (skipKey !== '' && findWord(skipKey, word) !== null) continue;
    for (let i = 0; i < fields.length; i++) {
      const found = findWord(keyOf(i), word);
      if (found === null) continue;
      const [start, end] = fieldRange(fields[i]!, found[0], found[1]);
      return { field: i, start, end };
    }
  }
  return null;
}

/**
 * SEARCH-4. Where in `text` (fields, one per line) the query matched, for a result list to show:
 * the match `matchInFields` finds, cut to some context around it. `textKey`, the whole text in
 * search form when the caller keeps it, saves bringing each field to search form again.
 */
export function searchSnippet(
  text: string,
  query: SearchQuery,
  skipKey = '',
  textKey?: string,
): SearchSnippet | null {
  const fields = text.split('\n');
  // The text in search form keeps its line breaks: its lines are the fields' search forms.
  const keys = textKey?.split('\n');
  const found = matchInFields(
    fields,
    query,
    skipKey,
    keys && keys.length === fields.length ? (i) => keys[i]! : undefined,
  );
  if (found === null) return null;
  const field = fields[found.field]!;
  const { start, end } = found;
  const from = pastMarks(field, codePointEnd(field, Math.max(0, start - SNIPPET_BEFORE)));
  const to = pastMarks(field, codePointEnd(field, Math.min(field.length, end + SNIPPET_AFTER)));
  return {
    before: (from > 0 ? '…' : '') + field.slice(Math.min(from, start), start),
    match: field.slice(start, end),
    after: field.slice(end, to) + (to < field.length ? '…' : ''),
  };
}

/**
 * Names in the order people of a language expect, built on `Intl.Collator`.
 *
 * What the ICU builds here can do (checked with Node 20.20 / ICU 78.2 / CLDR 48 and Debian's
 * Chromium 150):
 * - 'zh-CN': both sort Chinese by pinyin (CLDR's default Chinese collation), Han before Latin.
 *   A polyphonic surname is read in its most common reading (曾 as céng, 长 as cháng…).
 * - 'ug': Node's full ICU has CLDR's Uyghur collation (prepared by the Uyghur Computer Science
 *   Association): ا ە ب پ ت ج چ خ د ر ز ژ س ش غ ف ق ك گ ڭ ل م ن ھ و ۇ ۆ ۈ ۋ ې ى ي, Arabic
 *   script before other scripts. The hamza carrier ئ keeps its root place before ا, so names
 *   that begin with a vowel (ئابدۇللا, ئۆمەر, ئىبراھىم) come first, ordered by that vowel.
 *   Chromium's ICU data has no 'ug' collation at all: `Intl.Collator('ug')` falls back to the
 *   root order, where ە sorts after ھ, ڭ before گ, ۆ before ۇ and ې last. There the same order
 *   is rebuilt on the root collator (`uyghurKey`), and Arabic script is put first.
 * - 'en': English order, case-insensitive at first.
 *
 * The village's names are ordered by their own script whatever the UI language: Chinese names
 * by pinyin and Arabic-script names by the Uyghur alphabet, also in the English or Chinese UI
 * (a Uyghur village keeps its roster in Chinese too). Only the order between scripts and that
 * of other scripts follow the UI locale.
 */

/** Compares two names; 0 only for names the collator finds equal. */
export type NameCompare = (a: string, b: string) => number;

const OPTIONS: Intl.CollatorOptions = { usage: 'sort', numeric: true };

/** Uyghur letters the root collator puts elsewhere, each written as a letter found where Uyghur wants it. */
const UYGHUR_STAND_INS: Readonly<Record<string, string>> = {
  ە: '\u066E', // ٮ sorts between ا and ب
  گ: '\u06AB', // ګ sorts between ك and ڭ
  ۇ: '\u06C5', // ۅ sorts between و and ۆ
  ې: '\u06CF', // ۏ sorts between ۋ and ى
};
const UYGHUR_MOVED_RE = /[ەگۇې]/g;

/**
 * A name rewritten so that the root collation orders it as CLDR's Uyghur collation does (the
 * four letters the Uyghur tailoring moves stand in for by letters Uyghur does not use).
 */
export function uyghurKey(name: string): string {
  return name.replace(UYGHUR_MOVED_RE, (c) => UYGHUR_STAND_INS[c] ?? c);
}

/** Whether this ICU carries CLDR's Uyghur tailoring (Node does; Chromium does not). */
function hasUyghurCollation(): boolean {
  return new Intl.Collator('ug').compare('ە', 'ب') < 0;
}

type Script = 'han' | 'arabic' | 'other';
const HAN_RE = /^\p{Script=Han}/u;
const ARABIC_RE = /^(?=\p{L})\p{Script=Arabic}/u;
const LEADING_RE = /^[\s\p{Cf}]+/u;
const FIRST_LETTER_RE = /^\p{L}/u;

/** The script a name begins with (its first letter, past spaces and format characters). */
function scriptOf(name: string): Script {
  const s = name.replace(LEADING_RE, '');
  return HAN_RE.test(s) ? 'han' : ARABIC_RE.test(s) ? 'arabic' : 'other';
}

/** The collator of one language: 'ug' as Chromium has none, else `Intl.Collator`. */
function languageCompare(locale: string, icuUyghur: boolean): NameCompare {
  if (locale !== 'ug' || icuUyghur) return new Intl.Collator(locale, OPTIONS).compare;
  const root = new Intl.Collator('und', OPTIONS).compare;
  // CLDR's Uyghur collation puts Arabic script before other scripts ([reorder Arab]), after
  // digits and punctuation.
  const rank = (name: string) =>
    scriptOf(name) === 'arabic' ? 1 : FIRST_LETTER_RE.test(name.replace(LEADING_RE, '')) ? 2 : 0;
  return (a, b) => rank(a) - rank(b) || root(uyghurKey(a), uyghurKey(b));
}

/** The collation locale of a UI locale: 'ug', 'ug-CN', 'ug-Arab-CN' → 'ug'. */
function collationLocale(locale: string): string {
  const lang = locale.toLowerCase().split(/[-_]/)[0] ?? '';
  if (lang === 'ug') return 'ug';
  if (lang === 'zh') return 'zh-CN';
  return locale;
}

/**
 * Builds a name comparison for a UI locale; `icuUyghur` says whether to trust `Intl` for 'ug'
 * (default: when this ICU has the tailoring). Exposed for tests of both ways; use `compareNames`.
 */
export function makeCompareNames(
  locale: string,
  icuUyghur: boolean = hasUyghurCollation(),
): NameCompare {
  const ui = collationLocale(locale);
  const local = languageCompare(ui, icuUyghur);
  const chinese = ui === 'zh-CN' ? local : languageCompare('zh-CN', icuUyghur);
  const uyghur = ui === 'ug' ? local : languageCompare('ug', icuUyghur);
  // Names of one script (Han, Arabic) sort by that script's own order. Every collation here
  // keeps the names that begin with one script together, so this stays a total order.
  return (a, b) => {
    const sa = scriptOf(a);
    if (sa !== 'other' && sa === scriptOf(b)) return (sa === 'han' ? chinese : uyghur)(a, b);
    return local(a, b);
  };
}

const cache = new Map<string, NameCompare>();

/**
 * The name order of a UI locale ('zh-CN', 'en', 'ug'; others go to `Intl.Collator` as they
 * are), made once per locale. Sorting with it is stable: equal names keep their order.
 */
export function compareNames(locale: string): NameCompare {
  let compare = cache.get(locale);
  if (!compare) {
    compare = makeCompareNames(locale);
    cache.set(locale, compare);
  }
  return compare;
}

/** A copy of `items` in name order (stable), names read once each by `nameOf`. */
export function sortByName<T>(
  items: readonly T[],
  nameOf: (item: T) => string,
  locale: string,
): T[] {
  const compare = compareNames(locale);
  return items
    .map((item) => ({ item, name: nameOf(item) }))
    .sort((x, y) => compare(x.name, y.name))
    .map((x) => x.item);
}

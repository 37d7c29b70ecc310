/**
 * The one translation system (I18N-1): a catalogue per locale holding everything a person reads —
 * UI, domain labels, history descriptions, export and CSV headers, error messages — used alike
 * by the client, the relay and the shared model. Errors travel as codes with parameters and are
 * put into words here, in the reader's locale.
 *
 * Adding a locale is one catalogue file plus its line in CATALOGUES. Messages are plain templates
 * with `{name}` parameters: none of our three languages needs plural forms in a message (Chinese
 * and Uyghur do not inflect a noun after a number; the English messages are phrased to avoid
 * it), and dates, numbers and collation come from the platform's Intl, so a message-format
 * library would add parsing to every phone's bundle without adding a feature we use.
 */
import { en } from './en.ts';
import type { LabelTables, LocaleMeta } from './shape.ts';
import type { Catalogue, MessageKey } from './types.ts';
import { ug } from './ug.ts';
import { zhCN } from './zh-CN.ts';

export type { LabelTables, LocaleMeta } from './shape.ts';
export type { Catalogue, MessageKey } from './types.ts';

/** Every locale, in the order the language picker shows them. */
export const CATALOGUES = {
  'zh-CN': zhCN,
  ug,
  en,
} satisfies Record<string, Catalogue>;

export type Locale = keyof typeof CATALOGUES;
export const LOCALES = Object.keys(CATALOGUES) as Locale[];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && Object.hasOwn(CATALOGUES, value);
}

export type Params = Readonly<Record<string, string | number>>;

/**
 * Fills `{name}` placeholders; a placeholder without a value stays as it is. `{name|one|other}`
 * is the word for that count (English: "1 {n|entry|entries}"): `one` for 1, `other` otherwise.
 */
export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template
    .replace(/\{(\w+)\|([^|{}]*)\|([^|{}]*)\}/g, (m, name: string, one: string, other: string) =>
      Object.hasOwn(params, name) ? (Number(params[name]) === 1 ? one : other) : m,
    )
    .replace(/\{(\w+)\}/g, (m, name: string) =>
      Object.hasOwn(params, name) ? String(params[name]) : m,
    );
}

/**
 * Sentences (each with its own closing punctuation) as one text: Chinese sentences follow each
 * other without a space after a full-width stop, others (English, Uyghur) with one.
 */
export function joinSentences(...sentences: readonly string[]): string {
  let text = '';
  for (const sentence of sentences) {
    if (sentence === '') continue;
    text += text === '' || /[。！？；）」』]$/.test(text) ? sentence : ` ${sentence}`;
  }
  return text;
}

/**
 * A parameter isolated for a right-to-left sentence (I18N-3): first-strong isolate … pop, so a
 * Chinese name reads left to right, a date or number keeps its digits in order ("2025-03-12", not
 * the "12-03-2025" the bidi algorithm makes of digits after Arabic letters), and neither drags
 * the punctuation around it.
 */
const isolated = (params: Params): Params =>
  Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, v === '' ? v : `\u2068${v}\u2069`]),
  );

/**
 * Parameters joined by a slash or a dash ("{done}/{total}", "{min}–{max}"): one left-to-right
 * isolate around the whole, or a right-to-left sentence draws the two isolated numbers in swapped
 * places ("37/27" for 27 of 37).
 */
const JOINED_PARAMS = /\{\w+\}(?:[/–]\{\w+\})+/g;

/** The message for a key in a locale, parameters filled in. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const catalogue: Catalogue = CATALOGUES[locale] ?? CATALOGUES[DEFAULT_LOCALE];
  const message = catalogue.messages[key] ?? key;
  if (!params || catalogue.meta.dir !== 'rtl') return format(message, params);
  return format(
    message.replace(JOINED_PARAMS, (joined) => `\u2066${joined}\u2069`),
    isolated(params),
  );
}

export type EnumName = keyof LabelTables;
export type EnumValue<E extends EnumName> = keyof LabelTables[E] & string;

/** The label of one enum value: `labelOf('meetingType', 'party-lecture', 'zh-CN')` → `党课`. */
export function labelOf<E extends EnumName>(
  enumName: E,
  value: EnumValue<E>,
  locale: Locale,
): string {
  const catalogue: Catalogue = CATALOGUES[locale] ?? CATALOGUES[DEFAULT_LOCALE];
  const table = catalogue.labels[enumName] as Readonly<Record<string, string>>;
  // Unknown values can arrive from a newer schema version: show the raw value instead of nothing.
  return Object.hasOwn(table, value) ? (table[value] as string) : String(value);
}

/** A locale's own facts: name, direction and Intl tag. */
export function localeMeta(locale: Locale): LocaleMeta {
  return (CATALOGUES[locale] ?? CATALOGUES[DEFAULT_LOCALE]).meta;
}

/** A translator bound to one locale, as the describers, exports and server routes use it. */
export type Translator = {
  readonly locale: Locale;
  t: (key: MessageKey, params?: Params) => string;
  label: <E extends EnumName>(enumName: E, value: EnumValue<E>) => string;
};

export function translator(locale: Locale): Translator {
  return {
    locale,
    t: (key, params) => translate(locale, key, params),
    label: (enumName, value) => labelOf(enumName, value, locale),
  };
}

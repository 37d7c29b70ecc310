import { MEETING_TYPES, type MeetingType } from '../domain/schema.ts';
import { LOCALES, type Locale, labelOf, translate } from './index.ts';
import type { MessageKey } from './types.ts';

/** The titles a document gets without anyone typing them, each with the values it is made of. */
const MADE_TITLES = [
  { key: 'min.autoTitle', params: ['month', 'day', 'type'] },
  { key: 'docs.titleOfNewMinutes', params: ['date'] },
  { key: 'docs.titleOfNewPlan', params: ['year'] },
  { key: 'docs.titleOfNewFeedback', params: ['year'] },
] as const satisfies readonly { key: MessageKey; params: readonly string[] }[];

const VALUE_PATTERNS: Record<string, string> = {
  month: '(\\d{1,2})',
  day: '(\\d{1,2})',
  date: '(\\d{4}-\\d{2}-\\d{2})',
  year: '(\\d{4})',
};

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const stripIsolates = (s: string) => s.replace(/[\u2066-\u2069]/g, '');

type Matcher = {
  locale: Locale;
  key: MessageKey;
  pattern: RegExp;
  /** The names of the values, in the order the pattern captures them. */
  names: string[];
  /** A meeting type by its label in the matcher's locale. */
  types: Map<string, MeetingType>;
};

let matchers: Matcher[] | null = null;

/** A pattern for each made title in each locale, built once. */
function allMatchers(): Matcher[] {
  if (matchers) return matchers;
  matchers = [];
  for (const locale of LOCALES) {
    const types = new Map(MEETING_TYPES.map((m) => [labelOf('meetingType', m, locale), m]));
    const typePattern = `(${[...types.keys()]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|')})`;
    for (const made of MADE_TITLES) {
      const template = stripIsolates(translate(locale, made.key));
      const names: string[] = [];
      const source = template
        .split(/(\{\w+\})/)
        .map((part) => {
          const name = /^\{(\w+)\}$/.exec(part)?.[1];
          if (name === undefined) return escapeRegExp(part);
          names.push(name);
          return name === 'type' ? typePattern : (VALUE_PATTERNS[name] ?? '(.+?)');
        })
        .join('');
      matchers.push({ locale, key: made.key, pattern: new RegExp(`^${source}$`), names, types });
    }
  }
  return matchers;
}

/** The made title `title` is, in whichever language it was made, with its values; else null. */
function matchMade(title: string): { m: Matcher; found: RegExpExecArray } | null {
  // A Uyghur device stored its values isolated (U+2066–2069) before titles were stripped of them.
  const typed = stripIsolates(title).trim();
  if (typed === '') return null;
  for (const m of allMatchers()) {
    const found = m.pattern.exec(typed);
    if (found) return { m, found };
  }
  return null;
}

/** The catalogue key of the title nobody typed that `title` is, in any language; else null. */
export function madeTitleKey(title: string): MessageKey | null {
  return matchMade(title)?.m.key ?? null;
}

/**
 * I18N-5: the title a reader sees. A title nobody typed (a new record's first title, 会议记录
 * 2025-03-20; a year's plan or log, 2025年工作计划; a record of minutes named by its kind and day,
 * 3月20日党员大会) is stored in the language of the device that made it; it is said again in the
 * reader's language. A title anyone typed is shown as typed.
 */
export function titleFor(title: string, locale: Locale): string {
  const made = matchMade(title);
  // Typed, or already in the reader's language: as stored (03月 stays 03月).
  if (made === null || made.m.locale === locale) return title;
  const { m, found } = made;
  const params: Record<string, string | number> = {};
  m.names.forEach((name, i) => {
    const value = found[i + 1] ?? '';
    if (name === 'type') {
      const type = m.types.get(value);
      params.type = type ? labelOf('meetingType', type, locale) : value;
    } else params[name] = name === 'month' || name === 'day' ? Number(value) : value;
  });
  return stripIsolates(translate(locale, m.key, params));
}

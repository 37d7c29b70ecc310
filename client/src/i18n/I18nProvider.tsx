import {
  type Accessor,
  createContext,
  createSignal,
  type JSX,
  type ParentProps,
  useContext,
} from 'solid-js';
import { type EnumName, type EnumValue, labelOf } from '../model/domain.ts';
import { en } from './en.ts';
import type { Locale } from './locale.ts';
import { type MessageKey, zhCN } from './zh-CN.ts';

const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const LOCALE_KEY = 'grassroots.locale';

export type Params = Record<string, string | number>;

export type I18n = {
  locale: Accessor<Locale>;
  setLocale: (locale: Locale) => void;
  /** The message for a key in the current locale, with `{param}`s filled in. */
  t: (key: MessageKey, params?: Params) => string;
  /** The label of a domain enum value, from the shared labels module. */
  label: <E extends EnumName>(enumName: E, value: EnumValue<E>) => string;
};

/** Fills `{name}` placeholders. */
export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) =>
    name in params ? String(params[name]) : m,
  );
}

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(LOCALE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // storage can be blocked in some in-app browsers; default below
  }
  return 'zh-CN';
}

/** A reactive catalogue; Simplified Chinese unless the person chose English on this device. */
export function createI18n(start: Locale = initialLocale()): I18n {
  const [locale, setLocaleSignal] = createSignal<Locale>(start);
  const setLocale = (next: Locale) => {
    setLocaleSignal(next);
    document.documentElement.lang = next;
    try {
      localStorage.setItem(LOCALE_KEY, next);
    } catch {
      // not remembered; still switched for this visit
    }
  };
  document.documentElement.lang = start;
  return {
    locale,
    setLocale,
    t: (key, params) => format(CATALOGUES[locale()][key] ?? key, params),
    label: (enumName, value) => labelOf(enumName, value, locale()),
  };
}

const I18nContext = createContext<I18n>();

export function I18nProvider(props: ParentProps<{ i18n: I18n }>): JSX.Element {
  return <I18nContext.Provider value={props.i18n}>{props.children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n: wrap the app in <I18nProvider i18n={createI18n()}>');
  return i18n;
}

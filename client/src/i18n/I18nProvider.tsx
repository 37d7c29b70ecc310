import {
  DEFAULT_LOCALE,
  DomainError,
  type EnumName,
  type EnumValue,
  isLocale,
  LOCALES,
  type Locale,
  labelOf,
  localeMeta,
  type MessageKey,
  type Params,
  titleFor,
  translate,
} from '@grassroots/shared';
import {
  type Accessor,
  createContext,
  createSignal,
  type JSX,
  type ParentProps,
  useContext,
} from 'solid-js';

export { format, type Params } from '@grassroots/shared';

const LOCALE_KEY = 'grassroots.locale';

export type I18n = {
  locale: Accessor<Locale>;
  setLocale: (locale: Locale) => void;
  /** The message for a key in the current locale, with `{param}`s filled in. */
  t: (key: MessageKey, params?: Params) => string;
  /** The label of a domain enum value, from the same catalogue. */
  label: <E extends EnumName>(enumName: E, value: EnumValue<E>) => string;
  /** What a person reads for an error: a model or relay error by its reason, else a plain note. */
  errorText: (error: unknown) => string;
  /**
   * A document's title as this reader sees it (I18N-5): one nobody typed in the reader's
   * language, an empty one as 未命名.
   */
  docTitle: (title: string) => string;
};

/** An error from the relay's HTTP API or the model: its `reason` and `params` (I18N-2). */
type ReasonedError = { reason: string; params?: Params };

function hasReason(error: unknown): error is ReasonedError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { reason?: unknown }).reason === 'string'
  );
}

/** The locale for a browser language list: `ug-CN` → ug, `en-US` → en, anything else zh-CN. */
export function localeFromLanguages(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const lang = tag.toLowerCase().split('-')[0];
    const match = LOCALES.find(
      (l) => l.toLowerCase() === tag.toLowerCase() || l.split('-')[0] === lang,
    );
    if (match) return match;
  }
  return DEFAULT_LOCALE;
}

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(LOCALE_KEY);
    if (isLocale(saved)) return saved;
  } catch {
    // storage can be blocked in some in-app browsers; default below
  }
  return localeFromLanguages(typeof navigator === 'undefined' ? [] : navigator.languages);
}

/** Puts the locale's language and direction on the document (`<html lang dir>`). */
function applyToDocument(locale: Locale): void {
  const root = document.documentElement;
  root.lang = locale;
  root.dir = localeMeta(locale).dir;
}

/**
 * A reactive catalogue: the person's choice on this device, else the browser's language when we
 * have it (a Uyghur phone opens in Uyghur), else Simplified Chinese.
 */
export function createI18n(start: Locale = initialLocale()): I18n {
  const [locale, setLocaleSignal] = createSignal<Locale>(start);
  const setLocale = (next: Locale) => {
    setLocaleSignal(next);
    applyToDocument(next);
    try {
      localStorage.setItem(LOCALE_KEY, next);
    } catch {
      // not remembered; still switched for this visit
    }
  };
  applyToDocument(start);
  const t = (key: MessageKey, params?: Params) => translate(locale(), key, params);
  return {
    locale,
    setLocale,
    t,
    label: (enumName, value) => labelOf(enumName, value, locale()),
    docTitle: (title) => (title.trim() === '' ? t('docs.untitled') : titleFor(title, locale())),
    errorText: (error) => {
      if (error instanceof DomainError || hasReason(error)) {
        const key = `error.${error.reason}` as MessageKey;
        const text = translate(locale(), key, error.params);
        if (text !== key) return text;
      }
      return t('common.unexpectedError');
    },
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

import { compareNames, type NameCompare, sortByName } from '../model/domain.ts';
import { useI18n } from './I18nProvider.tsx';

/** Names in the order of the UI language (NAME-1); both read the language when called. */
export type NameOrder = {
  /** The name comparison of the current UI language. */
  compare: () => NameCompare;
  /** A copy of `items` in name order (stable: people of one name keep their order). */
  sort: <T>(items: readonly T[], nameOf: (item: T) => string) => T[];
};

/**
 * The order people and names are listed in: that of the current UI language (a 'ug' locale
 * sorts by the Uyghur alphabet), Chinese names by pinyin and Uyghur names by the Uyghur alphabet
 * in every language. Called in a reactive scope, a list re-sorts when the language is switched.
 */
export function useNameOrder(): NameOrder {
  const { locale } = useI18n();
  return {
    compare: () => compareNames(locale()),
    sort: (items, nameOf) => sortByName(items, nameOf, locale()),
  };
}

import { LOCALES, translate } from '@grassroots/shared';
import type { I18n } from './I18nProvider.tsx';

/**
 * Where a step of a 四议两公开 case was made public, as the reader reads it. Publishing to the
 * board records the online board as the place in the publisher's language; a reader of another
 * language reads it in their own. A place typed by a person is theirs and stays as typed.
 */
export function publicationPlace(where: string, t: I18n['t']): string {
  const isOnlineBoard = LOCALES.some((l) => translate(l, 'board.whereOnline') === where);
  return isOnlineBoard ? t('board.whereOnline') : where;
}

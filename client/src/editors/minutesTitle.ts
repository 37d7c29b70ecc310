import {
  beijingDate,
  LOCALES,
  type Locale,
  labelOf,
  type MeetingType,
  madeTitleKey,
  translate,
} from '@grassroots/shared';

/**
 * MIN-15: the title a minutes record takes from its kind and day while nobody has named it
 * (3月20日党员大会, as records are named on paper); null without a start.
 */
export function autoMinutesTitle(
  locale: Locale,
  meetingType: MeetingType,
  startsAt: number | null,
): string | null {
  if (startsAt === null) return null;
  const date = beijingDate(startsAt);
  const [, month, day] = date.split('-').map(Number);
  // A title is stored text: without the isolates a right-to-left sentence puts around its values.
  return translate(locale, 'min.autoTitle', {
    month: month ?? 0,
    day: day ?? 0,
    type: labelOf('meetingType', meetingType, locale),
  }).replace(/[\u2066-\u2069]/g, '');
}

/**
 * True while a record's title is one nobody chose: empty, a new record's first title, or the
 * title its kind and day gave it (in any language: the record may have been made on a device in
 * another one). Such a title follows the kind and day as they change; a typed one never does.
 */
export function isUnnamedMinutesTitle(
  title: string,
  meetingType: MeetingType,
  startsAt: number | null,
): boolean {
  const t = title.trim();
  if (t === '' || madeTitleKey(t) === 'docs.titleOfNewMinutes') return true;
  return LOCALES.some((locale) => autoMinutesTitle(locale, meetingType, startsAt) === t);
}

import { CATALOGUES, format, translate } from '@grassroots/shared';
import type { Locale } from '../i18n/locale.ts';
import { formatBeijingDateTime } from '../i18n/time.ts';

type Parts = { year: string; month: number; day: number; time: string };

function partsOf(at: number): Parts {
  const s = formatBeijingDateTime(at); // YYYY-MM-DD HH:mm
  return {
    year: s.slice(0, 4),
    month: Number(s.slice(5, 7)),
    day: Number(s.slice(8, 10)),
    time: s.slice(11, 16),
  };
}

/**
 * A calendar day as the locale writes it (`3月3日`, `Mar 3, 2024`, `3-مارت`), from the catalogue:
 * browsers differ in which locales their Intl has dates for (Chromium has none for Uyghur).
 */
function dayOf(p: Parts, locale: Locale, withYear: boolean): string {
  const months = translate(locale, 'date.monthNames').split(/[,،]/);
  const month = months[p.month - 1] ?? String(p.month);
  const params = { year: p.year, month, day: p.day };
  // Parameters are whole words here: no isolates inside one date.
  return format(CATALOGUES[locale].messages[withYear ? 'date.dayYear' : 'date.day'], params);
}

/**
 * A time span on a Beijing clock, short: `3月3日 14:05–14:20`, `3月3日 14:05 – 3月4日 09:10`, or
 * one time when both ends fall in the same minute. The year is shown only when it is not the
 * current one. The caller adds the "Beijing time" label.
 */
export function formatSpan(
  firstAt: number,
  lastAt: number,
  locale: Locale,
  now: number = Date.now(),
): string {
  const a = partsOf(firstAt);
  const b = partsOf(lastAt);
  const thisYear = partsOf(now).year;
  const aDay = dayOf(a, locale, a.year !== thisYear);
  if (a.year === b.year && a.month === b.month && a.day === b.day) {
    return a.time === b.time ? `${aDay} ${a.time}` : `${aDay} ${a.time}–${b.time}`;
  }
  return `${aDay} ${a.time} – ${dayOf(b, locale, b.year !== thisYear)} ${b.time}`;
}

/** One instant, short, on a Beijing clock (the caller adds the label). */
export function formatAt(at: number, locale: Locale, now: number = Date.now()): string {
  return formatSpan(at, at, locale, now);
}

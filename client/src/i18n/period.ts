import type { Period } from '../model/domain.ts';
import type { I18n } from './I18nProvider.tsx';
import { beijingDay, formatBeijingDateTime } from './time.ts';

/**
 * A period as people say it: 2025年第2周（01-06–01-12）, 2025年1月, 2025年第一季度, 2025年 (and
 * the English forms). Periods are Beijing time (TIME-2); the week shows its first and last day.
 */
export function periodLabel(period: Period, t: I18n['t']): string {
  const [yearText, rest] = period.key.split('-');
  const year = Number(yearText);
  switch (period.unit) {
    case 'year':
      return t('period.year', { year });
    case 'quarter':
      return t('period.quarter', { year, quarter: Number(rest?.slice(1)) });
    case 'month':
      return t('period.month', { year, month: Number(rest) });
    case 'week':
      return t('period.week', {
        year,
        week: Number(rest?.slice(1)),
        from: beijingDay(period.start).slice(5),
        to: beijingDay(period.end - 1).slice(5),
      });
  }
}

/**
 * When a ledger or report was judged: "统计截至 2025-12-31 24:00（北京时间）" when it was judged at
 * the end of its span (the end is the next day's midnight), else the instant itself.
 */
export function asOfText(now: number, spanEnd: number, t: I18n['t']): string {
  return now === spanEnd
    ? t('ledger.asOfEnd', { day: beijingDay(spanEnd - 1) })
    : t('ledger.asOf', { time: formatBeijingDateTime(now) });
}

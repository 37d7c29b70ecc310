import { describe, expect, it } from 'vitest';
import {
  addDays,
  beijingDate,
  beijingInstant,
  beijingParts,
  endOfBeijingDate,
  formatBeijing,
  isCalendarDate,
  monthPeriod,
  periodOf,
  periodsBetween,
  quarterPeriod,
  receivedInstantOf,
  startOfBeijingDate,
  yearPeriod,
} from './time.ts';

describe('Beijing time', () => {
  it('TIME-1 an instant at 23:30 UTC is the next day in Beijing', () => {
    const at = Date.UTC(2025, 0, 31, 23, 30);
    expect(beijingDate(at)).toBe('2025-02-01');
    expect(formatBeijing(at)).toBe('2025-02-01 07:30');
    expect(beijingParts(at)).toMatchObject({ year: 2025, month: 2, day: 1, hour: 7, weekday: 6 });
  });

  it('TIME-1 Beijing midnight is 16:00 UTC the day before; calendar days round-trip', () => {
    expect(new Date(startOfBeijingDate('2025-03-01')).toISOString()).toBe(
      '2025-02-28T16:00:00.000Z',
    );
    expect(endOfBeijingDate('2025-03-01') - startOfBeijingDate('2025-03-01')).toBe(86_400_000);
    expect(beijingDate(startOfBeijingDate('2024-02-29'))).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(() => startOfBeijingDate('2025-13-01')).toThrow(RangeError);
  });

  it('TIME-1 something received today is stamped now, never later the same day; another day at its noon', () => {
    // 00:05 on 2 Dec in Beijing is 16:05 UTC on 1 Dec: noon would lie 12 hours in the future,
    // and a ledger "as of" now would leave the entry out.
    const justAfterMidnight = Date.UTC(2026, 11, 1, 16, 5);
    expect(beijingDate(justAfterMidnight)).toBe('2026-12-02');
    expect(receivedInstantOf('2026-12-02', justAfterMidnight)).toBe(justAfterMidnight);
    expect(receivedInstantOf('2026-12-01', justAfterMidnight)).toBe(
      startOfBeijingDate('2026-12-01') + 12 * 3600_000,
    );
    expect(receivedInstantOf('2026-12-03', justAfterMidnight)).toBe(
      startOfBeijingDate('2026-12-03') + 12 * 3600_000,
    );
    // A time given is that time of that day, never later than now; a malformed one is not given.
    expect(receivedInstantOf('2026-11-28', justAfterMidnight, '07:30')).toBe(
      startOfBeijingDate('2026-11-28') + 7.5 * 3600_000,
    );
    expect(receivedInstantOf('2026-12-02', justAfterMidnight, '08:00')).toBe(justAfterMidnight);
    expect(receivedInstantOf('2026-12-02', justAfterMidnight, '00:01')).toBe(
      startOfBeijingDate('2026-12-02') + 60_000,
    );
    expect(receivedInstantOf('2026-11-28', justAfterMidnight, '25:00')).toBe(
      startOfBeijingDate('2026-11-28') + 12 * 3600_000,
    );
  });

  it('TIME-2 weeks start on Monday in Beijing and carry ISO week numbers', () => {
    // Sunday 2025-01-05 23:30 UTC is Monday 07:30 in Beijing: week 2.
    const w = periodOf('week', Date.UTC(2025, 0, 5, 23, 30));
    expect(w.key).toBe('2025-W02');
    expect(beijingDate(w.start)).toBe('2025-01-06');
    expect(beijingDate(w.end)).toBe('2025-01-13');
    // Sunday 2025-01-05 15:59 UTC is still Sunday 23:59 in Beijing: week 1, which began in 2024.
    const w1 = periodOf('week', Date.UTC(2025, 0, 5, 15, 59));
    expect(w1.key).toBe('2025-W01');
    expect(beijingDate(w1.start)).toBe('2024-12-30');
    expect(periodOf('week', beijingInstant(2026, 12, 31, 12)).key).toBe('2026-W53');
    expect(periodOf('week', beijingInstant(2027, 1, 3, 12)).key).toBe('2026-W53');
  });

  it('TIME-2 months and quarters are cut at Beijing midnight', () => {
    const newYear = Date.UTC(2024, 11, 31, 16, 30); // 2025-01-01 00:30 Beijing
    expect(periodOf('month', newYear).key).toBe('2025-01');
    expect(periodOf('quarter', newYear).key).toBe('2025-Q1');
    expect(periodOf('quarter', Date.UTC(2025, 2, 31, 15, 59)).key).toBe('2025-Q1');
    expect(periodOf('quarter', Date.UTC(2025, 2, 31, 16, 0)).key).toBe('2025-Q2');
    const dec = monthPeriod(2025, 12);
    expect(new Date(dec.start).toISOString()).toBe('2025-11-30T16:00:00.000Z');
    expect(new Date(dec.end).toISOString()).toBe('2025-12-31T16:00:00.000Z');
  });

  it('TIME-2 periodsBetween lists every overlapping period in order', () => {
    const keys = periodsBetween(
      'month',
      beijingInstant(2025, 1, 15),
      beijingInstant(2025, 4, 1),
    ).map((p) => p.key);
    expect(keys).toEqual(['2025-01', '2025-02', '2025-03']);
    expect(
      periodsBetween('quarter', beijingInstant(2025, 1, 1), beijingInstant(2026, 1, 1)),
    ).toHaveLength(4);
  });

  it('TIME-2 years and quarters by number are cut at Beijing midnight', () => {
    const y = yearPeriod(2025);
    expect(y.key).toBe('2025');
    expect(new Date(y.start).toISOString()).toBe('2024-12-31T16:00:00.000Z');
    expect(new Date(y.end).toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(periodOf('year', Date.UTC(2025, 11, 31, 16, 0)).key).toBe('2026');
    expect(quarterPeriod(2025, 4)).toEqual(periodOf('quarter', beijingInstant(2025, 11, 15)));
    expect(quarterPeriod(2025, 2).key).toBe('2025-Q2');
  });
});

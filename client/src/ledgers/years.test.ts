import { describe, expect, it } from 'vitest';
import { reportOpening } from './years.ts';

describe('the period a report opens on (LEDGER-7)', () => {
  it('opens on the month and quarter before in the first ten days, else on the current ones', () => {
    expect(reportOpening({ year: 2026, month: 12, day: 5 })).toEqual({
      month: { year: 2026, month: 11 },
      quarter: { year: 2026, quarter: 4 },
    });
    expect(reportOpening({ year: 2026, month: 12, day: 11 })).toEqual({
      month: { year: 2026, month: 12 },
      quarter: { year: 2026, quarter: 4 },
    });
    expect(reportOpening({ year: 2026, month: 10, day: 10 })).toEqual({
      month: { year: 2026, month: 9 },
      quarter: { year: 2026, quarter: 3 },
    });
  });

  it('goes back across the new year', () => {
    expect(reportOpening({ year: 2027, month: 1, day: 1 })).toEqual({
      month: { year: 2026, month: 12 },
      quarter: { year: 2026, quarter: 4 },
    });
  });
});

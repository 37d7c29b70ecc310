import { describe, expect, it } from 'vitest';
import { WorkBudget } from './workBudget.ts';

describe('WORK-1 WorkBudget', () => {
  it('lets a member work up to its burst, then makes it wait until the debt is paid back', () => {
    let now = 0;
    const budget = new WorkBudget(200, 1_000, () => now);
    expect(budget.waitFor('a')).toBe(0);
    budget.charge('a', 900);
    expect(budget.waitFor('a')).toBe(0);
    budget.charge('a', 500);
    // 400 ms of work owed at 200 ms a second: 2 s.
    expect(budget.waitFor('a')).toBe(2_000);
    expect(budget.waitFor('b')).toBe(0);
    now += 1_000;
    expect(budget.waitFor('a')).toBe(1_000);
    now += 1_000;
    expect(budget.waitFor('a')).toBe(0);
  });

  it('charges the time of the work it runs, also when the work throws', () => {
    const budget = new WorkBudget(1, 100);
    const spin = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end) {}
    };
    budget.run('a', () => spin(150));
    expect(budget.waitFor('a')).toBeGreaterThan(0);
    expect(() =>
      budget.run('b', () => {
        spin(150);
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(budget.waitFor('b')).toBeGreaterThan(0);
  });
});

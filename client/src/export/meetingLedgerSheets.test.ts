import {
  beijingInstant,
  cadencePreset,
  createDoc,
  initMinutes,
  type Locale,
  labelOf,
  meetingLedger,
  readMinutes,
  translate,
} from '@grassroots/shared';
import { describe, expect, it } from 'vitest';
import { meetingLedgerSheets, periodStateText, startedNote } from './meetingLedgerSheets.ts';

const ctxOf = (locale: Locale) => ({
  t: (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) =>
    translate(locale, key, params),
  label: ((name: 'cadenceState', value: string) => labelOf(name, value as never, locale)) as never,
  village: '新村',
  spanText: '2026年',
});

/** A workspace begun on 2026-11-20 with one 党小组会 that day, judged on 2026-12-05. */
const startedAt = beijingInstant(2026, 11, 20, 10, 0);
const minutes = createDoc();
initMinutes(minutes, {
  title: '党小组会',
  meetingType: 'party-group',
  startsAt: startedAt,
  place: '村委会',
});
const ledger = meetingLedger(
  [{ docId: 'm1', data: readMinutes(minutes) }],
  cadencePreset('seed'),
  null,
  { year: 2026 },
  { now: beijingInstant(2026, 12, 5, 12, 0), startedAt },
);

describe('the 三会一课 台账 of a workspace begun late in the year, as sheets', () => {
  it('LEDGER-9 a period before the start says 开始使用前, never 未开, in the sheets as on screen', () => {
    const ctx = ctxOf('zh-CN');
    const [summary, periods] = meetingLedgerSheets(ledger, ctx);
    const stateCol = periods!.columns.findIndex((c) => c.header === '情况');
    const states = periods!.rows.map((r) => r[stateCol]);
    // Each row says what the screen says of it (the same function), and the ones before the
    // start say they are not counted.
    expect(states).toEqual(ledger.rows.map((r) => periodStateText(r, ctx)));
    const before = ledger.rows.flatMap((r, i) => (r.beforeStart ? [i] : []));
    expect(before.length).toBeGreaterThan(46);
    expect(before.every((i) => states[i] === '开始使用前（不计）')).toBe(true);
    // What is missed is only what ended after the start.
    expect(states.filter((s) => s === '未开')).toHaveLength(
      ledger.rows.filter((r) => r.missed).length,
    );
    expect(ledger.rows.filter((r) => r.missed).every((r) => r.period.end > startedAt)).toBe(true);

    // The totals: a column of their own, and the note says where counting starts.
    const headers = summary!.columns.map((c) => c.header);
    const group = summary!.rows.find((r) => r[0] === '党小组会')!;
    expect(group[headers.indexOf('未开')]).toBe(1);
    expect(group[headers.indexOf('开始使用前')]).toBe(46);
    expect(summary!.note).toContain('开始使用：2026-11-20。此前结束的期间不计为未开。');
    expect(periods!.note).toContain('开始使用：2026-11-20');
  });

  it('LEDGER-9 says so in Uyghur too', () => {
    const ctx = ctxOf('ug');
    const [, periods] = meetingLedgerSheets(ledger, ctx);
    const i = ledger.rows.findIndex((r) => r.beforeStart);
    expect(periods!.rows[i]).toContain(translate('ug', 'ledger.beforeStart'));
    expect(startedNote(ledger, ctx.t)).toContain('2026-11-20');
  });

  it('LEDGER-9 a ledger with nothing before the start has no note', () => {
    const fromJanuary = meetingLedger(
      [],
      cadencePreset('seed'),
      null,
      { year: 2026 },
      {
        startedAt: beijingInstant(2025, 6, 1),
      },
    );
    expect(startedNote(fromJanuary, ctxOf('zh-CN').t)).toBeNull();
  });
});

import { beijingInstant, type FeedbackLedgerRow, labelOf, translate } from '@grassroots/shared';
import { describe, expect, it } from 'vitest';
import { historyLines, timeline } from './feedbackLedgerSheets.ts';

const ctx = {
  t: (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) =>
    translate('zh-CN', key, params),
  label: ((name: 'feedbackStatus', value: string) =>
    labelOf(name, value as never, 'zh-CN')) as never,
};

const at = (day: number, hour: number) => beijingInstant(2025, 3, day, hour, 0);

/**
 * A row whose history has a status change, a relay and a response at one instant, and relays and
 * responses stored out of time order (back-dated, or merged from two devices), one by nobody named.
 */
const history = {
  statusHistory: [
    { to: 'received', at: at(5, 9), by: '陈明', note: '' },
    { to: 'relayed', at: at(6, 10), by: '陈明', note: '转镇里' },
  ],
  relays: [
    { to: '镇规划建设办', at: at(6, 10), by: '陈明', note: '' },
    { to: '村委会', at: at(5, 15), by: null, note: '' },
  ],
  responses: [
    { at: at(7, 8), by: '王芳', text: '已修好' },
    { at: at(6, 10), by: '王芳', text: '已派人查看' },
  ],
} satisfies Pick<FeedbackLedgerRow, 'statusHistory' | 'relays' | 'responses'>;
const row = history as FeedbackLedgerRow;

describe('the 台账 lines of an entry', () => {
  it('LEDGER-2 one time order for the screen, the order of the log and the 办理单 (feedbackEvents)', () => {
    // Each time is a left-to-right run of its own (its date before its hour in a Uyghur line).
    const isolated = timeline(row, ctx);
    expect(isolated.every((l) => /^\u2066\d\d-\d\d \d\d:\d\d\u2069 /.test(l))).toBe(true);
    const lines = isolated.map((l) => l.replace(/[\u2066\u2069]/g, ''));
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^03-05 09:00 /);
    // The relay to the village committee, by nobody named: no name in brackets.
    expect(lines[1]).toMatch(/^03-05 15:00 .*村委会/);
    expect(lines[1]).not.toMatch(/（/);
    // At one instant: the status change, then the relay, then the response.
    expect(lines[2]).toMatch(/^03-06 10:00 .*转镇里/);
    expect(lines[3]).toMatch(/^03-06 10:00 .*镇规划建设办/);
    expect(lines[4]).toMatch(/^03-06 10:00 .*已派人查看.*王芳/);
    expect(lines[5]).toMatch(/^03-07 08:00 .*已修好/);
  });

  it('LEDGER-2 each kind on its own, in time order, a response without its timeline label', () => {
    const h = historyLines(row, ctx);
    expect(h.statuses.map((l) => l.at)).toEqual([at(5, 9), at(6, 10)]);
    expect(h.relays.map((l) => l.at)).toEqual([at(5, 15), at(6, 10)]);
    expect(h.responses.map((l) => l.text)).toEqual([
      '03-06 10:00 已派人查看（王芳）',
      '03-07 08:00 已修好（王芳）',
    ]);
    expect(timeline(row, ctx)[4]).not.toBe(h.responses[0]!.text);
  });
});

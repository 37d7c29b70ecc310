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

/** A row whose history has a status change, a relay and a response at one instant. */
const row = {
  statusHistory: [
    { to: 'open', at: at(5, 9), by: '陈明', note: '' },
    { to: 'relayed', at: at(6, 10), by: '陈明', note: '转镇里' },
  ],
  relays: [{ to: '镇规划建设办', at: at(6, 10), by: '陈明', note: '' }],
  responses: [{ at: at(6, 10), by: '王芳', text: '已派人查看' }],
} as unknown as FeedbackLedgerRow;

describe('the 台账 lines of an entry', () => {
  it('LEDGER-2 one time order for the screen, the order of the log and the 办理单 (feedbackEvents)', () => {
    const lines = timeline(row, ctx);
    expect(lines).toHaveLength(4);
    // At the same instant: the status change, then the relay, then the response.
    expect(lines[0]).toMatch(/^03-05 09:00 /);
    expect(lines[1]).toContain('转镇里');
    expect(lines[2]).toContain('镇规划建设办');
    expect(lines[3]).toContain('已派人查看');
    expect(lines[3]).toContain('王芳');
    expect(lines.slice(1).every((l) => l.startsWith('03-06 10:00 '))).toBe(true);
  });

  it('LEDGER-2 each kind on its own, in time order, a response without its timeline label', () => {
    const h = historyLines(row, ctx);
    expect(h.statuses.map((l) => l.at)).toEqual([at(5, 9), at(6, 10)]);
    expect(h.relays.map((l) => l.text)).toEqual([timeline(row, ctx)[2]]);
    expect(h.responses).toHaveLength(1);
    expect(h.responses[0]!.text).toMatch(/^03-06 10:00 已派人查看/);
    expect(timeline(row, ctx)[3]).not.toBe(h.responses[0]!.text);
  });
});

import { LOCALES, translate } from '@grassroots/shared';
import { describe, expect, it } from 'vitest';
import type { HistoryEntryInfo } from '../api/relayApi.ts';
import { entryVersionLabel, labelShowsValues } from './entryLabels.ts';

describe('a compared change that names its values', () => {
  it('is told apart in every language, so compare never shows the values twice', () => {
    for (const locale of LOCALES) {
      const label = translate(locale, 'desc.changed', {
        field: 'owner',
        before: '张伟',
        after: '王建国',
      });
      expect(labelShowsValues(label), locale).toBe(true);
    }
    expect(labelShowsValues('标题已修改')).toBe(false);
  });
});

describe('an entry as a version to pick', () => {
  it('sets the author and what they did apart, so a Uyghur name keeps the dots of a Chinese line in place', () => {
    const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
      translate('zh-CN', key, params);
    const label = entryVersionLabel(
      {
        number: 3,
        lastAt: '2025-12-01T03:32:00Z',
        author: { displayName: 'ئابدۇللا' },
        changes: [{ label: '正文 +12 字' }],
        mark: null,
      } as unknown as HistoryEntryInfo,
      t,
      'zh-CN',
    );
    expect(label).toMatch(/^#3 · .+ · \u2068ئابدۇللا\u2069 · \u2068正文 \+12 字\u2069$/);
  });
});

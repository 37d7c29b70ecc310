import { describe, expect, it } from 'vitest';
import { translate } from './index.ts';
import { titleFor } from './titles.ts';

describe('titles nobody typed, in the reader’s language (I18N-5)', () => {
  it('says a record named by its kind and day again in each language, from any', () => {
    const zh = '12月4日支委会';
    const ug = titleFor(zh, 'ug');
    expect(ug).not.toBe(zh);
    expect(ug).toContain('12');
    expect(titleFor(ug, 'zh-CN')).toBe(zh);
    expect(titleFor(titleFor(zh, 'en'), 'zh-CN')).toBe(zh);
    expect(titleFor('3月20日党员大会', 'zh-CN')).toBe('3月20日党员大会');
  });

  it('says a new record’s first title, a year’s plan and log, again', () => {
    expect(titleFor('会议记录 2025-03-20', 'en')).toBe('Minutes 2025-03-20');
    expect(titleFor('Work plan 2026', 'zh-CN')).toBe('2026年工作计划');
    expect(titleFor(titleFor('2026年民情日志', 'ug'), 'zh-CN')).toBe('2026年民情日志');
  });

  it('reads a title a Uyghur device stored with its values isolated, and leaves one in the reader’s language as stored', () => {
    const stored = translate('ug', 'docs.titleOfNewPlan', { year: '2026' });
    expect(stored).toMatch(/[\u2066-\u2069]/);
    expect(titleFor(stored, 'zh-CN')).toBe('2026年工作计划');
    expect(titleFor('03月20日党员大会', 'zh-CN')).toBe('03月20日党员大会');
    expect(titleFor('03月20日党员大会', 'en')).toBe(titleFor('3月20日党员大会', 'en'));
  });

  it('shows a typed title as typed, even one that starts like a made one', () => {
    for (const typed of [
      '阳光村2025年阶段性工作计划',
      '3月20日党员大会（补记）',
      '支部委员会：村道养护',
      '会议记录 2025-03-20 草稿',
      '',
    ]) {
      expect(titleFor(typed, 'ug')).toBe(typed);
    }
  });
});

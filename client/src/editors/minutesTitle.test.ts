import { beijingInstant, translate } from '@grassroots/shared';
import { describe, expect, it } from 'vitest';
import { autoMinutesTitle, isUnnamedMinutesTitle } from './minutesTitle.ts';

const AT = beijingInstant(2025, 3, 20, 9, 30);

describe('MIN-15 a record nobody named is named by its kind and day', () => {
  it('names it as records are named on paper, in each language', () => {
    expect(autoMinutesTitle('zh-CN', 'party-members', AT)).toBe('3月20日党员大会');
    expect(autoMinutesTitle('zh-CN', 'party-members', null)).toBeNull();
    expect(autoMinutesTitle('en', 'branch-committee', AT)).toBe('Branch committee meeting, 3/20');
    expect(autoMinutesTitle('ug', 'party-members', AT)).toMatch(/^3-ئاينىڭ 20-كۈنىدىكى /);
  });

  it('knows a title nobody chose, in any language, and leaves a typed one alone', () => {
    expect(isUnnamedMinutesTitle('会议记录 2026-12-04', 'other', null)).toBe(true);
    // A Uyghur device's first title, as stored now (plain) and before (its date isolated).
    const ugNew = translate('ug', 'docs.titleOfNewMinutes', { date: '2026-12-04' });
    expect(isUnnamedMinutesTitle(ugNew, 'other', null)).toBe(true);
    expect(isUnnamedMinutesTitle(ugNew.replace(/[\u2066-\u2069]/g, ''), 'other', null)).toBe(true);
    expect(isUnnamedMinutesTitle('', 'other', AT)).toBe(true);
    expect(isUnnamedMinutesTitle('3月20日党员大会', 'party-members', AT)).toBe(true);
    const ug = autoMinutesTitle('ug', 'party-members', AT)!;
    expect(isUnnamedMinutesTitle(ug, 'party-members', AT)).toBe(true);
    // Named by the kind it had before: still nobody's choice only for that kind and day.
    expect(isUnnamedMinutesTitle('3月20日党员大会', 'branch-committee', AT)).toBe(false);
    expect(isUnnamedMinutesTitle('三月党员大会（补记）', 'party-members', AT)).toBe(false);
    expect(isUnnamedMinutesTitle('会议记录 2026-12-04 补', 'other', null)).toBe(false);
  });
});

import { LOCALES, translate } from '@grassroots/shared';
import { describe, expect, it } from 'vitest';
import { labelShowsValues } from './entryLabels.ts';

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

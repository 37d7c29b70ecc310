import { describe, expect, it } from 'vitest';
import { formatAt, formatSpan } from './formatSpan.ts';

// 2025-03-03 10:05 and 10:20 Beijing time (UTC+8).
const at = Date.UTC(2025, 2, 3, 2, 5);
const later = at + 15 * 60_000;
const now = Date.UTC(2025, 5, 1);

describe('formatSpan (I18N-4)', () => {
  it('writes a day as each locale does, from the catalogue, whatever the browser’s Intl has', () => {
    expect(formatAt(at, 'zh-CN', now)).toBe('3月3日 10:05');
    expect(formatAt(at, 'en', now)).toBe('Mar 3 10:05');
    expect(formatAt(at, 'ug', now)).toBe('3-مارت 10:05');
    expect(formatSpan(at, later, 'ug', now)).toBe('3-مارت 10:05–10:20');
  });

  it('names the year when it is not the current one', () => {
    const nextYear = Date.UTC(2026, 5, 1);
    expect(formatAt(at, 'zh-CN', nextYear)).toBe('2025年3月3日 10:05');
    expect(formatAt(at, 'en', nextYear)).toBe('Mar 3, 2025 10:05');
    expect(formatAt(at, 'ug', nextYear)).toBe('2025-يىلى 3-مارت 10:05');
  });
});

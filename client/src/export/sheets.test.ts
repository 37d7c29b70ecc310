import { describe, expect, it } from 'vitest';
import { fileNameOf } from './sheets.ts';

describe('the name of an exported file', () => {
  it('keeps the spaces between Uyghur words and drops what no system allows', () => {
    expect(fileNameOf(['خەلق ئەھۋالى  خاتىرىسى', 'a/b:c', ' 2025-Q4 '], 'csv')).toBe(
      'خەلق ئەھۋالى خاتىرىسى_abc_2025-Q4.csv',
    );
    expect(fileNameOf(['\u2068阳光村\u2069', '', '/'], 'xlsx')).toBe('阳光村.xlsx');
    expect(fileNameOf([], 'xlsx')).toBe('export.xlsx');
  });
});

import { translate } from '@grassroots/shared';
import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';
import { fileNameOf, plainCell, type Sheet } from './sheets.ts';

describe('what goes into an exported file', () => {
  it('keeps the spaces between Uyghur words in a file name and drops what no system allows', () => {
    expect(fileNameOf(['خەلق ئەھۋالى  خاتىرىسى', 'a/b:c', ' 2025-Q4 '], 'csv')).toBe(
      'خەلق ئەھۋالى خاتىرىسى_abc_2025-Q4.csv',
    );
    expect(fileNameOf(['\u2068阳光村\u2069', '', '/'], 'xlsx')).toBe('阳光村.xlsx');
    expect(fileNameOf([], 'xlsx')).toBe('export.xlsx');
  });

  it('writes a Uyghur sentence naming a person without the direction isolates the screen needs', async () => {
    // The screen's sentence isolates the name, so a Chinese name keeps its order in a Uyghur line.
    const sentence = translate('ug', 'report.totalOf', { period: '2025年第四季度' });
    expect(sentence).toContain('\u2068');
    expect(plainCell(sentence)).toBe('2025年第四季度 جەمئىي');
    expect(plainCell(3)).toBe(3);
    expect(plainCell(null)).toBeNull();
    const sheet: Sheet = {
      name: 's',
      title: 't',
      note: 'n',
      columns: [{ header: '\u2068名字\u2069' }, { header: 'n' }],
      rows: [[sentence, 2]],
    };
    const bytes = await toCsv(sheet).arrayBuffer();
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text).toBe('\uFEFF名字,n\r\n2025年第四季度 جەمئىي,2\r\n');
  });
});

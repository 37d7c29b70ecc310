import type { Cell, Sheet } from './sheets.ts';

/** UTF-8 byte order mark: without it Excel reads a CSV as the local code page and garbles Chinese. */
const BOM = '\uFEFF';

function field(cell: Cell): string {
  if (cell === null) return '';
  const text = String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One sheet as CSV (RFC 4180: CRLF line ends, quoted fields), UTF-8 with a byte order mark so
 * Excel opens Chinese text correctly. The title and note are left out: a CSV is the table only.
 */
export function toCsv(sheet: Sheet): Blob {
  const lines = [sheet.columns.map((c) => field(c.header)), ...sheet.rows.map((r) => r.map(field))];
  return new Blob([`${BOM + lines.map((l) => l.join(',')).join('\r\n')}\r\n`], {
    type: 'text/csv;charset=utf-8',
  });
}

import type * as ExcelJS from 'exceljs';
import { HEADER_ROW, type Sheet } from './sheets.ts';

type ExcelModule = typeof ExcelJS;

let loading: Promise<ExcelModule> | null = null;

/**
 * exceljs, loaded the first time someone exports: it is large (its own chunk, about 240 kB gzip)
 * and most visits never export. The build without polyfills: the app targets ES2020 browsers.
 */
function loadExcel(): Promise<ExcelModule> {
  loading ??= import('exceljs/dist/exceljs.bare.min.js').then((mod) => {
    const m = mod as unknown as { default?: ExcelModule } & ExcelModule;
    return m.default ?? m;
  });
  return loading;
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The sheets as an XLSX workbook: per sheet a bold title, a note line, bold column heads that stay
 * in view when scrolling, and the rows (numbers stay numbers); right to left for an rtl locale.
 * Works offline once the app's files are cached.
 */
export async function toXlsx(
  sheets: readonly Sheet[],
  options: { rightToLeft?: boolean } = {},
): Promise<Blob> {
  const Excel = await loadExcel();
  const workbook = new Excel.Workbook();
  workbook.creator = 'Grassroots';
  for (const sheet of sheets) {
    const ws = workbook.addWorksheet(sheet.name.slice(0, 31), {
      // A Uyghur workbook reads right to left, as spreadsheet programs show Arabic-script sheets.
      views: [{ state: 'frozen', ySplit: HEADER_ROW, rightToLeft: options.rightToLeft === true }],
    });
    ws.columns = sheet.columns.map((c) => ({ width: c.width ?? 12 }));
    ws.getCell(1, 1).value = sheet.title;
    ws.getCell(1, 1).font = { bold: true, size: 14 };
    ws.getCell(2, 1).value = sheet.note;
    const head = ws.getRow(HEADER_ROW);
    sheet.columns.forEach((c, i) => {
      const cell = head.getCell(i + 1);
      cell.value = c.header;
      cell.font = { bold: true };
      cell.alignment = { vertical: 'middle', wrapText: true };
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } };
    });
    sheet.rows.forEach((row, r) => {
      const line = ws.getRow(HEADER_ROW + 1 + r);
      row.forEach((value, i) => {
        if (value === null) return;
        const cell = line.getCell(i + 1);
        cell.value = value;
        cell.alignment = { vertical: 'top', wrapText: typeof value === 'string' };
      });
    });
  }
  const buffer = await workbook.xlsx.writeBuffer();
  return new Blob([buffer], { type: XLSX_TYPE });
}

import ExcelJS from 'exceljs';

/** A sheet read back from an exported workbook: its title and note rows, column heads and rows. */
export type ReadSheet = {
  title: string;
  note: string;
  header: string[];
  rows: (string | number | null)[][];
  /** Whether the sheet is shown right to left. */
  rightToLeft: boolean;
};

/** Rows 1 and 2 are title and note, row 3 the column heads (client/src/export/sheets.ts). */
const HEADER_ROW = 3;

function plain(v: ExcelJS.CellValue): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
  return String(v);
}

/** Reads every sheet of an XLSX file with exceljs, as the client's export wrote it. */
export async function readWorkbook(path: string): Promise<Map<string, ReadSheet>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const out = new Map<string, ReadSheet>();
  workbook.eachSheet((ws) => {
    const width = ws.getRow(HEADER_ROW).cellCount;
    const row = (n: number) =>
      Array.from({ length: width }, (_, i) => plain(ws.getRow(n).getCell(i + 1).value));
    const rows: (string | number | null)[][] = [];
    for (let n = HEADER_ROW + 1; n <= ws.rowCount; n++) rows.push(row(n));
    out.set(ws.name, {
      title: String(plain(ws.getCell(1, 1).value) ?? ''),
      note: String(plain(ws.getCell(2, 1).value) ?? ''),
      header: row(HEADER_ROW).map((h) => String(h ?? '')),
      rows,
      rightToLeft: ws.views[0]?.rightToLeft === true,
    });
  });
  return out;
}

/**
 * A spreadsheet as plain data: named sheets, each a title, a note line, column heads and rows of
 * cells. Views build it from the shared model's ledgers and reports (labels and formatting only,
 * never a figure of their own); `xlsx.ts` and `csv.ts` write it out.
 */

/** One cell: text, a number (kept a number in the spreadsheet), or empty. */
export type Cell = string | number | null;

export type Column = {
  header: string;
  /** Width in characters; default 12. */
  width?: number;
};

export type Sheet = {
  /** The tab's name (at most 31 characters, no []:*?/\). */
  name: string;
  /** First row: what the sheet is. */
  title: string;
  /** Second row: when it was judged, in Beijing time, and any filters. */
  note: string;
  columns: Column[];
  rows: Cell[][];
};

/** Row index (1-based) of the column heads in a written sheet: title, note, heads. */
export const HEADER_ROW = 3;

/**
 * The direction isolates (U+2066–2069) the app puts around a name or a date inside a Uyghur
 * sentence. Cells keep them: a spreadsheet needs them as the screen does, or a date after
 * Uyghur words reads backwards. A file name has no use for them.
 */
const ISOLATES = /[\u2066-\u2069]/g;

/**
 * A file name safe on every system: the parts joined with `_`, unsafe characters and direction
 * isolates dropped, spaces kept as one (Uyghur words are separated by them).
 */
export function fileNameOf(parts: readonly string[], extension: string): string {
  const base = parts
    .map((p) =>
      p
        .replace(ISOLATES, '')
        .replace(/[\\/:*?"<>|]+/g, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter(Boolean)
    .join('_');
  return `${base || 'export'}.${extension}`;
}

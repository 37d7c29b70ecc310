/**
 * The foot of every printed page (PRINT-1): what the paper is on one side, "page N of M" on the
 * other, as CSS page-margin boxes, so pages that come apart can be put back in order and every
 * page of a 台账 says what it belongs to.
 */

/** A CSS string literal of any text: quotes and backslashes escaped, line breaks as spaces. */
export function cssString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\n\r\f]/g, ' ')}"`;
}

/** Longest title kept in the foot, in characters; a longer one ends with "…". */
export const FOOTER_TITLE_MAX = 60;

/**
 * The stylesheet of the page foot. `pageOf` is the reader's "page {page} of {pages}"; the title
 * is any text (a record's title is a member's input) and is quoted, never read as CSS.
 */
export function pageFooterCss(options: {
  title: string;
  pageOf: string;
  rightToLeft: boolean;
}): string {
  const numbers = options.pageOf
    .split(/(\{pages?\})/)
    .filter((part) => part !== '')
    .map((part) =>
      part === '{page}' ? 'counter(page)' : part === '{pages}' ? 'counter(pages)' : cssString(part),
    )
    .join(' ');
  const chars = [...options.title.trim()];
  const title =
    chars.length > FOOTER_TITLE_MAX
      ? `${chars.slice(0, FOOTER_TITLE_MAX - 1).join('')}…`
      : chars.join('');
  const [start, end] = options.rightToLeft ? ['right', 'left'] : ['left', 'right'];
  const box = `font-size: 8pt; color: #555; direction: ${options.rightToLeft ? 'rtl' : 'ltr'};`;
  return [
    '@page {',
    `  @bottom-${start} { content: ${cssString(title)}; ${box} }`,
    `  @bottom-${end} { content: ${numbers}; ${box} }`,
    '}',
  ].join('\n');
}

/**
 * A foot's title: the village, then what the paper is, each in a first-strong isolate (U+2068 …
 * U+2069) as the ledgers' titles are (I18N-3): a Chinese village name in a Uyghur foot keeps its
 * place and order instead of being drawn into the right-to-left words around it, and neither part
 * drags the "·" between them.
 */
export function footerTitle(village: string, what: string): string {
  return [village.trim(), what.trim()]
    .filter((s) => s !== '')
    .map((s) => `\u2068${s}\u2069`)
    .join(' · ');
}

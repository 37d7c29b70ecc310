import { execFileSync } from 'node:child_process';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

/** Where the pages of printed PDFs are kept to be looked at (not in the repository). */
export const pdfShots = process.env.SHOTS_DIR ?? join(tmpdir(), 'shots');

/** A PDF's text (poppler's pdftotext), in reading order per line. */
export function pdfText(path: string): string {
  return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
}

/**
 * pdftotext breaks long lines, may space out CJK and wraps right-to-left runs in bidi controls:
 * compare without whitespace and those controls.
 */
export const squash = (s: string): string => s.replace(/[\s\u202a-\u202e\u2066-\u2069]+/g, '');

/** Every page of a PDF as PNG (80 dpi) under `pdfShots`; returns their file names. */
export async function pdfPages(path: string, name: string): Promise<string[]> {
  await mkdir(pdfShots, { recursive: true });
  // Pages of an earlier run of the same name (a longer PDF) would be counted too.
  const isPage = (file: string) =>
    file.startsWith(`${name}-`) && /^\d+\.png$/.test(file.slice(name.length + 1));
  for (const old of (await readdir(pdfShots)).filter(isPage)) await rm(join(pdfShots, old));
  execFileSync('pdftoppm', ['-png', '-r', '80', path, join(pdfShots, name)]);
  return (await readdir(pdfShots)).filter(isPage).sort();
}

/** The text of each page of a PDF, without whitespace (see `squash`). */
export function pdfPageTexts(path: string): string[] {
  const pages = pdfText(path).split('\f').map(squash);
  // pdftotext ends the last page with a form feed too.
  if (pages.at(-1) === '') pages.pop();
  return pages;
}

/**
 * Checks the foot of every page (PRINT-1): the paper's title and "page N of M" in the reader's
 * words (`pageOf` with `{page}` and `{pages}`). Returns the number of pages.
 */
export function expectPageFeet(path: string, title: string, pageOf: string): number {
  const pages = pdfPageTexts(path);
  pages.forEach((text, i) => {
    const numbers = pageOf
      .replace('{pages}', String(pages.length))
      .replace('{page}', String(i + 1));
    expect(text, `page ${i + 1}`).toContain(squash(numbers));
    expect(text, `page ${i + 1}`).toContain(squash(title));
  });
  return pages.length;
}

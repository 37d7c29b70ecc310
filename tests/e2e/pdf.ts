import { execFileSync } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the pages of printed PDFs are kept to be looked at (not in the repository). */
export const pdfShots = process.env.SHOTS_DIR ?? join(tmpdir(), 'shots');

/** A PDF's text (poppler's pdftotext), in reading order per line. */
export function pdfText(path: string): string {
  return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
}

/** pdftotext breaks long lines and may space out CJK: compare without whitespace. */
export const squash = (s: string): string => s.replace(/\s+/g, '');

/** Every page of a PDF as PNG (80 dpi) under `pdfShots`; returns their file names. */
export async function pdfPages(path: string, name: string): Promise<string[]> {
  await mkdir(pdfShots, { recursive: true });
  execFileSync('pdftoppm', ['-png', '-r', '80', path, join(pdfShots, name)]);
  return (await readdir(pdfShots)).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'));
}

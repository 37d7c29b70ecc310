import type { JSX } from 'solid-js';

/** A value for a `{param}`: typed text (set apart), a number, or markup put in as it is. */
export type SentenceParam = string | number | { element: JSX.Element };

export type SentencePart = string | { text: string } | { element: JSX.Element };

/** A `{name}` template cut into its literal text and the values put into it. */
export function sentenceParts(
  template: string,
  params: Record<string, SentenceParam>,
): SentencePart[] {
  const parts: SentencePart[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    const value = params[m[1] ?? ''];
    if (value === undefined) continue;
    if (m.index > last) parts.push(template.slice(last, m.index));
    parts.push(
      typeof value === 'number'
        ? String(value)
        : typeof value === 'string'
          ? { text: value }
          : value,
    );
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  return parts;
}

/** A name transcribed into Han characters, its parts joined by middle dots: 买买提·艾力. */
const TRANSCRIBED_NAME = /\p{Script=Han}+(?:[·・‧]\p{Script=Han}+)+/gu;

/** Plain text cut into the runs between transcribed names and the names themselves. */
export function namesIn(text: string): { text: string; isName: boolean }[] {
  const parts: { text: string; isName: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(TRANSCRIBED_NAME)) {
    if (m.index > last) parts.push({ text: text.slice(last, m.index), isName: false });
    parts.push({ text: m[0], isName: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), isName: false });
  return parts;
}

import type { JSX } from 'solid-js';

/** A value for a `{param}`: typed text (set apart), a number, or markup put in as it is. */
export type SentenceParam = string | number | { element: JSX.Element };

export type SentencePart = string | { text: string } | { element: JSX.Element };

/** Values up to this long (a name, a unit, a short title) are kept whole on a line when they fit. */
export const WHOLE_CHARS = 20;

/** A short value with the brackets and punctuation that must stay on its line. */
export type GluedPart =
  | string
  | { text: string; before: string; after: string }
  | { text: string }
  | { element: JSX.Element };

// « and » are Uyghur's quotation marks; ، ؛ ؟ its comma, semicolon and question mark.
const OPENING = /[（(“‘《「『【〔[«]+$/;
const CLOSING = /^[）)”’》」』】〕\]»，。、；：！？,.;:!?،؛؟]+/;

/**
 * A value kept whole on a line takes the opening bracket before it and the closing bracket or
 * punctuation after it along: "（" never ends a line, "）" and "，" never start one, as a short
 * name goes to the next line (定稿（ / 王建国）→ 定稿 / （王建国），).
 */
export function gluePunctuation(parts: readonly SentencePart[]): GluedPart[] {
  const out: GluedPart[] = [...parts];
  for (let i = 0; i < out.length; i++) {
    const part = out[i]!;
    if (typeof part === 'string' || !('text' in part) || part.text.length > WHOLE_CHARS) continue;
    const prev = out[i - 1];
    const next = out[i + 1];
    const before = typeof prev === 'string' ? (OPENING.exec(prev)?.[0] ?? '') : '';
    const after = typeof next === 'string' ? (CLOSING.exec(next)?.[0] ?? '') : '';
    if (before === '' && after === '') continue;
    if (before !== '') out[i - 1] = (prev as string).slice(0, -before.length);
    if (after !== '') out[i + 1] = (next as string).slice(after.length);
    out[i] = { text: part.text, before, after };
  }
  return out.filter((p) => p !== '');
}

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

/**
 * Text with values set apart by Unicode isolates (FSI, LRI or RLI … PDI, as `translate` and the
 * change describer put them), as runs: plain text and isolated runs, nested as they were.
 */
export type IsolatedRun = string | { isolate: IsolatedRun[] };

const OPENS_ISOLATE = /[\u2066-\u2068]/;
const CLOSES_ISOLATE = '\u2069';

/** True when a run's own text (not its nested runs) has a letter or digit that gives it a direction. */
const hasOwnDirection = (runs: readonly IsolatedRun[]) =>
  runs.some((r) => typeof r === 'string' && /[\p{L}\p{N}]/u.test(r));

/**
 * Cuts text at its isolates. An isolate with nothing of its own that has a direction (the quotes
 * «…» around a value that is itself isolated) is not one: it would take left to right by default
 * and carry the quotes off the sentence, so its runs join the text around it.
 */
export function isolatedRuns(text: string): IsolatedRun[] {
  const stack: IsolatedRun[][] = [[]];
  let plain = '';
  const flush = () => {
    if (plain !== '') stack.at(-1)!.push(plain);
    plain = '';
  };
  const close = () => {
    flush();
    const runs = stack.pop()!;
    const parent = stack.at(-1)!;
    if (hasOwnDirection(runs)) parent.push({ isolate: runs });
    else parent.push(...runs);
  };
  for (const ch of text) {
    if (OPENS_ISOLATE.test(ch)) {
      flush();
      stack.push([]);
    } else if (ch === CLOSES_ISOLATE) {
      if (stack.length > 1) close();
    } else plain += ch;
  }
  while (stack.length > 1) close();
  flush();
  // Plain text cut by an isolate that joined it is one run again.
  const join = (runs: IsolatedRun[]): IsolatedRun[] =>
    runs.reduce<IsolatedRun[]>((out, r) => {
      const last = out.at(-1);
      if (typeof r === 'string' && typeof last === 'string') out[out.length - 1] = last + r;
      else out.push(typeof r === 'string' ? r : { isolate: join(r.isolate) });
      return out;
    }, []);
  return join(stack[0]!);
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

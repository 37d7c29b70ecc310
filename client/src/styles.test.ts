import { describe, expect, it } from 'vitest';
import css from './styles.css?raw';

/**
 * The layout mirrors under `dir="rtl"` (the Uyghur UI) only if nothing in it says left or
 * right: margins, paddings, borders, offsets, alignment and corners are all written in logical
 * terms (inline-start/end), and every field a person types into takes the direction of its text.
 */

const tsxFiles = Object.entries(
  import.meta.glob<string>(['./**/*.tsx', '!./**/*.test.tsx'], {
    query: '?raw',
    import: 'default',
    eager: true,
  }),
).map(([name, text]) => ({ name: name.replace(/^\.\//, ''), text }));

/**
 * Declarations that may stay physical, as `selector { property: value }` exactly as reported
 * below, each with its reason (a printed page's margins, say, would be one, being the paper's
 * own edges).
 */
const PHYSICAL_ALLOWED: readonly string[] = [
  // The tabs' row fades on the screen side where WorkspaceShell measured tabs out of view
  // (`data-more-left`/`-right`, from screen positions): the same in either direction of writing.
  '.topbar .tabs[data-more-left], .topbar .tabs[data-more-right] { --fade-left: 0px }',
  '.topbar .tabs[data-more-left], .topbar .tabs[data-more-right] { --fade-right: 0px }',
  '.topbar .tabs[data-more-left], .topbar .tabs[data-more-right] { --tabs-fade: linear-gradient( to right, transparent, #000 var(--fade-left), #000 calc(100% - var(--fade-right)), transparent ) }',
  '.topbar .tabs[data-more-left] { --fade-left: 2.5rem }',
  '.topbar .tabs[data-more-right] { --fade-right: 2.5rem }',
];

type Declaration = { selector: string; property: string; value: string; line: number };

/** Every declaration of a stylesheet with the selector (or at-rule) it sits in. */
function declarations(source: string): Declaration[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
  const out: Declaration[] = [];
  const selectors: string[] = [];
  let start = 0;
  const flush = (end: number) => {
    const chunk = text.slice(start, end);
    const colon = chunk.indexOf(':');
    if (selectors.length > 0 && colon > 0 && chunk.trim() !== '') {
      const lead = chunk.length - chunk.trimStart().length;
      out.push({
        selector: selectors.at(-1) ?? '',
        property: chunk.slice(0, colon).trim().toLowerCase(),
        value: chunk
          .slice(colon + 1)
          .trim()
          .replace(/\s+/g, ' '),
        line: text.slice(0, start + lead).split('\n').length,
      });
    }
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') {
      selectors.push(text.slice(start, i).trim().replace(/\s+/g, ' '));
      start = i + 1;
    } else if (c === ';') {
      flush(i);
      start = i + 1;
    } else if (c === '}') {
      flush(i);
      selectors.pop();
      start = i + 1;
    }
  }
  return out;
}

/** Shorthands whose four values run top, right, bottom, left. */
const BOX_SHORTHANDS = new Set([
  'margin',
  'padding',
  'inset',
  'border-width',
  'border-style',
  'border-color',
  'scroll-margin',
  'scroll-padding',
]);

/** Splits a value on spaces outside parentheses (`minmax(0, 1fr)` stays one). */
function words(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let word = '';
  for (const c of value) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ' ' && depth === 0) {
      if (word) out.push(word);
      word = '';
    } else word += c;
  }
  if (word) out.push(word);
  return out;
}

/** Why a declaration only works left to right, or null when it mirrors. */
function physicalProblem({ property, value }: Declaration): string | null {
  if (/(^|-)(left|right)(-|$)/.test(property)) return `physical property ${property}`;
  if (/\b(left|right)\b/i.test(value)) return `physical value in ${property}`;
  if (/\btranslate(x|3d)?\(/i.test(value) && !/^translate(x|3d)?\(\s*0[\s,)]/i.test(value))
    return `horizontal translate in ${property} (flip it under :dir(rtl))`;
  if (BOX_SHORTHANDS.has(property)) {
    const [, right, , left] = words(value.replace(/\s*!important$/, ''));
    if (left !== undefined && left !== right)
      return `${property} with different left and right values`;
  }
  if (property === 'border-radius') {
    // Up to four corners, clockwise from the top left (before a "/" for elliptical corners).
    const [tl, tr = tl, br = tl, bl = tr] = words(value.split('/')[0] ?? '');
    if (tl !== tr || br !== bl) return 'border-radius with different left and right corners';
  }
  return null;
}

const report = (d: Declaration) => `${d.selector} { ${d.property}: ${d.value} }`;

describe('styles.css mirrors under dir="rtl"', () => {
  const all = declarations(css);

  it('reads the stylesheet (guards the checks below against an empty parse)', () => {
    expect(all.length).toBeGreaterThan(500);
    expect(all).toContainEqual(
      expect.objectContaining({ selector: '.timeline', property: 'padding-inline-start' }),
    );
  });

  it('has no physical left/right property, value, shorthand, corner or translate', () => {
    const problems = all
      .filter((d) => !PHYSICAL_ALLOWED.includes(report(d)))
      .flatMap((d) => {
        const why = physicalProblem(d);
        return why === null ? [] : [`styles.css:${d.line} ${report(d)}: ${why}`];
      });
    expect(problems).toEqual([]);
  });

  it('catches each kind of physical rule (the check itself works)', () => {
    const sample = `
      .a { margin-left: 1px; }
      .b { text-align: right; }
      .c { float: left; }
      .d { padding: 0 1rem 0 2rem; }
      .e { border-radius: 4px 4px 4px 0; }
      .f { transform: translateX(4px); }
      @media (min-width: 1px) { .g { border-top-right-radius: 2px; } }
      .h { margin: 0 auto; padding: 1px 2px 3px; inset-inline-start: 0; border-radius: 50%; }
      .i { transform: translateY(2px); grid-template-columns: minmax(0, 1fr) 2fr; }`;
    expect(
      declarations(sample)
        .filter((d) => physicalProblem(d) !== null)
        .map((d) => d.selector),
    ).toEqual(['.a', '.b', '.c', '.d', '.e', '.f', '.g']);
  });

  it('flips arrows that point back or forward when the text runs right to left', () => {
    expect(all).toContainEqual(
      expect.objectContaining({
        selector: '.bidi-flip:dir(rtl)',
        property: 'transform',
        value: 'scaleX(-1)',
      }),
    );
  });
});

describe('components mirror under dir="rtl"', () => {
  it('have no inline style that says left or right', () => {
    const problems = tsxFiles.flatMap(({ name, text }) => {
      const styles = [
        ...text.matchAll(/style=\{\{([\s\S]*?)\}\}/g),
        ...text.matchAll(/style="([^"]*)"/g),
        ...text.matchAll(/\.style\.(\w+)/g),
        ...text.matchAll(/setProperty\(\s*['"]([^'"]+)/g),
      ];
      return styles
        .filter((m) => /(left|right)/i.test(m[1] ?? '') || /translate(x|3d)?\(/i.test(m[1] ?? ''))
        .map((m) => `${name}: ${m[0]}`);
    });
    expect(problems).toEqual([]);
  });
});

/** Input types that hold no free text (their direction is the format's own). */
const NOT_TEXT = new Set([
  'checkbox',
  'radio',
  'date',
  'datetime-local',
  'time',
  'month',
  'week',
  'number',
  'range',
  'color',
  'file',
  'hidden',
  'submit',
  'button',
]);

/** An input's type: `type="date"`, or the fallback in `type={props.type ?? 'date'}`. */
function inputType(tag: string): string {
  const m = /\stype=(?:"([\w-]+)"|\{[^}]*'([\w-]+)'\s*\})/.exec(tag);
  return m?.[1] ?? m?.[2] ?? 'text';
}

/** Each `<input …>`/`<textarea …>` opening tag in a TSX source, braces and strings respected. */
function openingTags(text: string, tag: 'input' | 'textarea'): string[] {
  const tags: string[] = [];
  const pattern = new RegExp(`<${tag}[\\s>/]`, 'g');
  for (const m of text.matchAll(pattern)) {
    let depth = 0;
    let quote: string | null = null;
    for (let i = m.index; i < text.length; i++) {
      const c = text[i] ?? '';
      if (quote) {
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'" || c === '`') quote = c;
      else if (c === '{') depth++;
      else if (c === '}') depth--;
      else if (c === '>' && depth === 0) {
        tags.push(text.slice(m.index, i + 1));
        break;
      }
    }
  }
  return tags;
}

describe('typed text takes its own direction', () => {
  it('every text input and textarea sets dir (auto for what a person types)', () => {
    const tags = tsxFiles.flatMap(({ name, text }) =>
      [...openingTags(text, 'input'), ...openingTags(text, 'textarea')].map((tag) => ({
        name,
        tag,
      })),
    );
    expect(tags.length).toBeGreaterThan(15);
    const missing = tags
      .filter(({ tag }) => !NOT_TEXT.has(inputType(tag)))
      .filter(({ tag }) => !/\sdir=/.test(tag))
      .map(({ name, tag }) => `${name}: ${tag.split('\n')[0]}`);
    expect(missing).toEqual([]);
  });

  it('finds a tag without dir (the check itself works)', () => {
    const sample = '<input\n  value={x()}\n  onInput={(e) => set(e.currentTarget.value)}\n/>';
    expect(openingTags(sample, 'input')).toEqual([sample]);
  });
});

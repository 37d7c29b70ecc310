import { describe, expect, it } from 'vitest';
import { cssString, FOOTER_TITLE_MAX, footerTitle, pageFooterCss } from './pageFooter.ts';

describe('the foot of a printed page (PRINT-1)', () => {
  it('numbers the page in the reader’s words and names the paper on the other side', () => {
    expect(
      pageFooterCss({
        title: '阳光村 · 民情日志台账',
        pageOf: '第 {page} 页 共 {pages} 页',
        rightToLeft: false,
      }),
    ).toBe(
      [
        '@page {',
        '  @bottom-left { content: "阳光村 · 民情日志台账"; font-size: 8pt; color: #555; direction: ltr; }',
        '  @bottom-right { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 8pt; color: #555; direction: ltr; }',
        '}',
      ].join('\n'),
    );
    const ug = pageFooterCss({
      title: 'يېزا',
      pageOf: '{page}-بەت، جەمئىي {pages} بەت',
      rightToLeft: true,
    });
    expect(ug).toContain('@bottom-right { content: "يېزا";');
    expect(ug).toContain(
      '@bottom-left { content: counter(page) "-بەت، جەمئىي " counter(pages) " بەت";',
    );
    expect(ug).toContain('direction: rtl');
  });

  it('quotes any title as text: a title cannot end the string or add rules', () => {
    const hostile = 'x"; } body { display: none } @page { @top-left { content: "\\';
    const css = pageFooterCss({
      title: hostile,
      pageOf: 'Page {page} of {pages}',
      rightToLeft: false,
    });
    // One rule with two boxes, whatever the title says.
    expect(css.split('\n')).toHaveLength(4);
    expect(cssString('a"b\\c\nd')).toBe('"a\\"b\\\\c d"');
    // The title's box: its only quotes not escaped are the two around it.
    const titleBox = css.split('\n')[1]!;
    expect(titleBox.replace(/\\./g, '').match(/"/g)).toHaveLength(2);
    expect(css).toContain(cssString(hostile));
  });

  it('shortens a long title and leaves out what is empty', () => {
    const long = '很'.repeat(100);
    const css = pageFooterCss({ title: long, pageOf: '{page}/{pages}', rightToLeft: false });
    expect(css).toContain(`"${'很'.repeat(FOOTER_TITLE_MAX - 1)}…"`);
    expect(footerTitle(' 阳光村 ', '')).toBe('\u2068阳光村\u2069');
    expect(footerTitle('阳光村', '会议记录')).toBe('\u2068阳光村\u2069 · \u2068会议记录\u2069');
  });

  it('isolates the village and the paper’s name, so a Chinese name keeps its order in a Uyghur foot', () => {
    const title = footerTitle('阳光村 3组', 'ئاممىۋى ئەھۋال ۋاراقچىسى');
    expect(title).toBe('\u2068阳光村 3组\u2069 · \u2068ئاممىۋى ئەھۋال ۋاراقچىسى\u2069');
    // The isolates reach the page foot's CSS string as they are.
    expect(pageFooterCss({ title, pageOf: '{page}/{pages}', rightToLeft: true })).toContain(
      `content: "${title}";`,
    );
  });
});

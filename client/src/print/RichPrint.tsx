import type { RichBlock, RichMark, RichRun } from '@grassroots/shared';
import { For, type JSX, Show } from 'solid-js';
import { Dynamic } from 'solid-js/web';

/**
 * Rich text on paper with its structure: headings, numbered and bullet lists, quotes, line breaks
 * and marks. Its headings are below the sheet's own section headings (h3, h4).
 */
export function RichPrint(props: {
  blocks: readonly RichBlock[];
  /**
   * The blocks of a list item: the item reads in the direction of its text (`dir="auto"`, as
   * the editor draws it, so its number sits on the side its text starts); a `dir` of their own
   * would hide their text from it.
   */
  isInItem?: boolean;
}): JSX.Element {
  return (
    <For each={props.blocks}>{(block) => <Block block={block} isInItem={props.isInItem} />}</For>
  );
}

function Block(props: { block: RichBlock; isInItem?: boolean }): JSX.Element {
  const b = props.block;
  const dir = props.isInItem ? undefined : 'auto';
  switch (b.kind) {
    case 'paragraph':
      return (
        <p dir={dir}>
          <Runs runs={b.runs} />
        </p>
      );
    case 'heading':
      return (
        <Show
          when={b.level <= 3}
          fallback={
            <h4 class="print-rich-heading" dir={dir}>
              <Runs runs={b.runs} />
            </h4>
          }
        >
          <h3 class="print-rich-heading" dir={dir}>
            <Runs runs={b.runs} />
          </h3>
        </Show>
      );
    case 'list': {
      const items = (
        <For each={b.items}>
          {(item) => (
            <li dir="auto">
              <RichPrint blocks={item} isInItem />
            </li>
          )}
        </For>
      );
      return b.ordered ? <ol start={b.start}>{items}</ol> : <ul>{items}</ul>;
    }
    case 'quote':
      return (
        <blockquote>
          <RichPrint blocks={b.blocks} />
        </blockquote>
      );
    case 'code':
      return <pre dir={dir}>{b.text}</pre>;
    case 'rule':
      return <hr />;
  }
}

function Runs(props: { runs: readonly RichRun[] }): JSX.Element {
  return <For each={props.runs}>{(run) => ('text' in run ? <Marked run={run} /> : <br />)}</For>;
}

const MARK_TAG = { bold: 'strong', italic: 'em', underline: 'u', strike: 's', code: 'code' };

/** A run's text inside the elements of its marks (bold outermost, code innermost). */
function Marked(props: { run: { text: string; marks: readonly RichMark[] } }): JSX.Element {
  let node: JSX.Element = props.run.text;
  for (const mark of [...props.run.marks].reverse()) {
    const inner = node;
    node = <Dynamic component={MARK_TAG[mark]}>{inner}</Dynamic>;
  }
  return node;
}

import { For, type JSX } from 'solid-js';
import {
  type GluedPart,
  gluePunctuation,
  type IsolatedRun,
  isolatedRuns,
  type SentenceParam,
  type SentencePart,
  sentenceParts,
  WHOLE_CHARS,
} from './sentenceParts.ts';

/** Parts of a sentence as they are drawn: values in `<bdi>`, short ones kept whole on a line. */
function Parts(props: { parts: GluedPart[] }): JSX.Element {
  return (
    <For each={props.parts}>
      {(part) =>
        typeof part === 'string' ? (
          part
        ) : 'before' in part ? (
          <span class="whole">
            {part.before}
            <bdi>{part.text}</bdi>
            {part.after}
          </span>
        ) : 'text' in part ? (
          <bdi class={part.text.length <= WHOLE_CHARS ? 'whole' : undefined}>{part.text}</bdi>
        ) : (
          part.element
        )
      }
    </For>
  );
}

/**
 * A translated sentence with what people typed (names, titles, motions) set in it as runs of
 * their own direction (`<bdi>`): a Uyghur name inside a Chinese sentence reads right to left
 * without pulling the numbers and brackets beside it along, and a Chinese name inside a Uyghur
 * sentence stays left to right. `template` is the catalogue's message with its `{param}`s left
 * in, i.e. `t(key)` without params; the text read is the same as `t(key, params)`. A short value
 * (a name) goes to the next line whole rather than break inside (`.whole`).
 */
export function Sentence(props: {
  template: string;
  params: Record<string, SentenceParam>;
}): JSX.Element {
  return <Parts parts={gluePunctuation(sentenceParts(props.template, props.params))} />;
}

/** Runs as parts: an isolate of plain text is a value; one holding isolates is markup. */
function partsOf(runs: readonly IsolatedRun[]): SentencePart[] {
  return runs.map((r) =>
    typeof r === 'string'
      ? r
      : r.isolate.every((x) => typeof x === 'string')
        ? { text: r.isolate.join('') }
        : {
            element: (
              <bdi>
                <Parts parts={gluePunctuation(partsOf(r.isolate))} />
              </bdi>
            ),
          },
  );
}

/**
 * A sentence already translated, its values set apart by Unicode isolates (a history line from
 * the relay, `t(key, params)`), drawn as `Sentence` draws one: each value in a `<bdi>`, a short
 * one with its quotes or brackets kept whole on a line. A browser keeps the isolates' order
 * within a line but breaks a line inside them, which put «, a title's halves and » on different
 * lines in a Uyghur sentence.
 */
export function IsolatedText(props: { text: string }): JSX.Element {
  return <Parts parts={gluePunctuation(partsOf(isolatedRuns(props.text)))} />;
}

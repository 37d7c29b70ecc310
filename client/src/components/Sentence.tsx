import { For, type JSX } from 'solid-js';
import {
  gluePunctuation,
  type SentenceParam,
  sentenceParts,
  WHOLE_CHARS,
} from './sentenceParts.ts';

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
  return (
    <For each={gluePunctuation(sentenceParts(props.template, props.params))}>
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

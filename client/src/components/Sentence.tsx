import { For, type JSX } from 'solid-js';
import { type SentenceParam, sentenceParts } from './sentenceParts.ts';

/**
 * A translated sentence with what people typed (names, titles, motions) set in it as runs of
 * their own direction (`<bdi>`): a Uyghur name inside a Chinese sentence reads right to left
 * without pulling the numbers and brackets beside it along, and a Chinese name inside a Uyghur
 * sentence stays left to right. `template` is the catalogue's message with its `{param}`s left
 * in, i.e. `t(key)` without params; the text read is the same as `t(key, params)`.
 */
export function Sentence(props: {
  template: string;
  params: Record<string, SentenceParam>;
}): JSX.Element {
  return (
    <For each={sentenceParts(props.template, props.params)}>
      {(part) =>
        typeof part === 'string' ? part : 'text' in part ? <bdi>{part.text}</bdi> : part.element
      }
    </For>
  );
}

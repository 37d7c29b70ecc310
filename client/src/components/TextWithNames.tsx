import { For, type JSX } from 'solid-js';
import { namesIn } from './sentenceParts.ts';

/**
 * Text made elsewhere (a ledger's history line) with each transcribed name kept whole on a line:
 * a line may break after the middle dot of 买买提·艾力, which splits a person's name in two.
 */
export function TextWithNames(props: { text: string }): JSX.Element {
  return (
    <For each={namesIn(props.text)}>
      {(part) => (part.isName ? <span class="name-run">{part.text}</span> : part.text)}
    </For>
  );
}

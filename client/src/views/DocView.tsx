import type { JSX } from 'solid-js';

export function DocView(props: { docId: string }): JSX.Element {
  return <p>{props.docId}</p>;
}

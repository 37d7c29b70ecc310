import type { JSX } from 'solid-js';

export function DocsView(): JSX.Element {
  return <p>…</p>;
}

import type { JSX } from 'solid-js';

export function DashboardView(): JSX.Element {
  return <p>…</p>;
}

import type { JSX } from 'solid-js';
import { beijingDay } from '../i18n/time.ts';

/**
 * A Beijing day (2025-02-01) in running text, isolated left to right: among Uyghur words the
 * bidi algorithm would otherwise draw it as 01-02-2025 (I18N-3); never broken at its hyphens.
 */
export function Day(props: { at: number }): JSX.Element {
  return (
    <bdi dir="ltr" class="day">
      {beijingDay(props.at)}
    </bdi>
  );
}

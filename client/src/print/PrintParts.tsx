import { localeMeta } from '@grassroots/shared';
import { For, type JSX } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { pageFooterCss } from './pageFooter.ts';

/** Above a sheet, on screen only: back to where it came from, print, and what printing does. */
export function PrintBar(props: {
  back: string;
  hint: string;
  /** What the back link says (default: 返回记录, back to the record). */
  backLabel?: string;
}): JSX.Element {
  const { t } = useI18n();
  return (
    <div class="print-bar no-print">
      <a class="btn" href={props.back}>
        {props.backLabel ?? t('print.back')}
      </a>
      <button type="button" class="btn primary" onClick={() => window.print()}>
        {t('print.print')}
      </button>
      <span class="small muted">{props.hint}</span>
    </div>
  );
}

/** The foot of a sheet: a closing line, then a line to sign for each of `signs`. */
export function PrintFoot(props: {
  line: JSX.Element;
  lineClass: string;
  signs: readonly string[];
}): JSX.Element {
  return (
    <footer class="print-foot">
      <p class={props.lineClass}>{props.line}</p>
      <p class="print-signatures">
        <For each={props.signs}>{(sign) => <span>{sign}</span>}</For>
      </p>
    </footer>
  );
}

/**
 * Numbers every printed page and names on each what it belongs to (PRINT-1). Mounted by each
 * printable screen with its title; gone with it.
 */
export function PageFooter(props: { title: string }): JSX.Element {
  const { t, locale } = useI18n();
  return (
    <style>
      {pageFooterCss({
        title: props.title,
        pageOf: t('print.pageOf'),
        rightToLeft: localeMeta(locale()).dir === 'rtl',
      })}
    </style>
  );
}

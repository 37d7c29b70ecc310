import { type JSX, lazy, Suspense } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';
import type { RichTextEditorProps } from './RichTextEditor.tsx';

const RichTextEditor = lazy(() => import('./RichTextEditor.tsx'));

/** The rich-text editor, fetched on first use so the first screen stays small. */
export function LazyRichText(props: RichTextEditorProps): JSX.Element {
  const { t } = useI18n();
  return (
    <Suspense
      fallback={
        <p class="muted" data-rich-pending>
          {t('rich.loading')}
        </p>
      }
    >
      <RichTextEditor {...props} />
    </Suspense>
  );
}

import { type Component, type JSX, lazy, Show, Suspense } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { type DocKind, isDocKind } from '../model/domain.ts';
import type { EditorProps } from './editorProps.ts';

/**
 * The editor of each listed kind (KIND-1), each in its own chunk. The table is typed by the
 * shared `DocKind`, so a kind added there without an editor here fails to compile.
 */
const EDITORS: { readonly [K in DocKind]: Component<EditorProps> } = {
  plan: lazy(() => import('./PlanEditor.tsx')),
  minutes: lazy(() => import('./MinutesEditor.tsx')),
  feedback: lazy(() => import('./FeedbackEditor.tsx')),
  roster: lazy(() => import('./RosterEditor.tsx')),
};

/**
 * Shows the editor of a doc's kind. A kind this build does not know (written by a newer version)
 * is said so, never opened in another kind's editor; no kind yet means the doc is not here.
 */
export function KindEditor(props: { kind: string | null; editor: EditorProps }): JSX.Element {
  const { t } = useI18n();
  return (
    <Show when={props.kind} fallback={<p class="empty">{t('docs.notLoaded')}</p>}>
      {(kind) => (
        <Show
          when={isDocKind(kind()) ? (kind() as DocKind) : null}
          fallback={
            <p class="empty" data-unknown-kind={kind()}>
              {t('docs.unknownKind')}
            </p>
          }
        >
          {(known) => (
            <Suspense fallback={<p class="muted">{t('app.loading')}</p>}>
              <Dynamic component={EDITORS[known()]} {...props.editor} />
            </Suspense>
          )}
        </Show>
      )}
    </Show>
  );
}

import { For, type JSX, Show } from 'solid-js';
import { useApp } from '../AppContext.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';

/** Unreadable local entries are skipped, never fatal: this says so, with details on request. */
export function ProblemsNotice(): JSX.Element {
  const { t } = useI18n();
  const app = useApp();
  return (
    <Show when={app.problems().length > 0}>
      <div class="banner problem-banner" role="status">
        <p>{t('app.storageProblems', { n: app.problems().length })}</p>
        <details>
          <summary>{t('app.showDetails')}</summary>
          <ul class="small">
            <For each={app.problems()}>
              {(p) => (
                <li>
                  <code>{p.docId ?? '-'}</code> <code>{p.key}</code> {p.message}
                </li>
              )}
            </For>
          </ul>
        </details>
      </div>
    </Show>
  );
}

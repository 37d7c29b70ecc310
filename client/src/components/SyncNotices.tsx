import { type JSX, Show } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { useWorkspace } from '../WorkspaceContext.tsx';

/**
 * What the badge cannot say in a few words: changes this device could not store (it is full).
 * Rendered inside the sticky header, so that it stays in sight while the person keeps typing far
 * down a long document; it stays until the trouble is over.
 */
export function SyncNotices(): JSX.Element {
  const { t } = useI18n();
  const ws = useWorkspace();
  return (
    <Show when={ws.summary().writeTrouble}>
      {(trouble) => (
        <div class="sync-notice storage-notice" role="alert" data-trouble={trouble()}>
          <p class="sync-notice-text">
            {t(trouble() === 'full' ? 'storage.full' : 'storage.failed')}
          </p>
          <details>
            <summary>{t('app.showDetails')}</summary>
            <p class="sync-notice-more">{t('storage.help')}</p>
          </details>
        </div>
      )}
    </Show>
  );
}

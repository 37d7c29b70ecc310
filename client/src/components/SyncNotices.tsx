import { INDEX_DOC_ID } from '@grassroots/shared';
import { For, type JSX, Show } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';
import type { Refusal } from '../sync/WorkspaceSync.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';

/**
 * What the badge cannot say in a few words: changes this device could not store (it is full),
 * and changes the server refused. Rendered inside the sticky header, so that it stays in sight
 * while the person keeps typing far down a long document; each stays until its trouble is over.
 */
export function SyncNotices(): JSX.Element {
  const { docTitle, t } = useI18n();
  const ws = useWorkspace();
  const docName = (docId: string) => {
    if (docId === INDEX_DOC_ID) return t('refused.indexDoc');
    return docTitle(ws.index.docs.find((d) => d.id === docId)?.title ?? '');
  };
  const refusalText = (r: Refusal) =>
    t('refused.message', {
      reason: t(r.reason === 'tooLarge' ? 'refused.tooLarge' : 'refused.malformed'),
      doc: docName(r.docId),
    });
  return (
    <>
      <Show when={ws.signedOut()}>
        {(why) => (
          <div class="sync-notice signed-out-notice" role="alert" data-why={why()}>
            <p class="sync-notice-text">
              {t(why() === 'removed' ? 'signedOut.removed' : 'signedOut.elsewhere')}
            </p>
            <Show when={ws.summary().pendingChanges > 0}>
              <p class="sync-notice-more">
                {t('signedOut.unsynced', { n: ws.summary().pendingChanges })}
              </p>
            </Show>
          </div>
        )}
      </Show>
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
      <For each={ws.summary().refusals}>
        {(r) => (
          <div
            class="sync-notice refused-notice"
            role="alert"
            data-doc={r.docId}
            data-code={r.code}
          >
            <p class="sync-notice-text">{refusalText(r)}</p>
            <div class="sync-notice-actions">
              <button
                type="button"
                class="btn small sync-notice-retry"
                onClick={() => ws.sync.retryRefused()}
              >
                {t('refused.retry')}
              </button>
              <details>
                <summary>{t('app.showDetails')}</summary>
                <p class="sync-notice-more">{t('refused.help')}</p>
                <p class="sync-notice-more is-code">
                  {t('refused.details', { code: r.code, detail: r.detail })}
                </p>
              </details>
            </div>
          </div>
        )}
      </For>
    </>
  );
}

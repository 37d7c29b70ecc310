import { For, type JSX, Show } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { beijingDay } from '../i18n/time.ts';
import type { DocKind } from '../model/domain.ts';
import { createDocument } from '../model/workspaceModel.ts';
import { hrefOf, navigate } from '../routing/routes.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';

/** Every document of the workspace, from the index doc (available offline), and "new" buttons. */
export function DocsView(): JSX.Element {
  const { t, label } = useI18n();
  const ws = useWorkspace();
  const docs = () =>
    ws.index.docs
      .filter((d) => !d.archived)
      .slice()
      .reverse();
  const create = (kind: DocKind) => {
    const title =
      kind === 'plan'
        ? t('docs.newPlan')
        : kind === 'minutes'
          ? t('docs.newMinutes')
          : t('docs.newFeedback');
    const docId = createDocument(ws.sync, kind, title);
    navigate({ name: 'doc', workspaceId: ws.entry.id, docId });
  };
  return (
    <>
      <h1>{t('docs.title')}</h1>
      <Show when={ws.can('write')}>
        <div class="btn-row new-doc">
          <button type="button" class="btn primary" onClick={() => create('plan')}>
            {t('docs.newPlan')}
          </button>
          <button type="button" class="btn primary" onClick={() => create('minutes')}>
            {t('docs.newMinutes')}
          </button>
          <button type="button" class="btn primary" onClick={() => create('feedback')}>
            {t('docs.newFeedback')}
          </button>
        </div>
      </Show>
      <Show when={docs().length > 0} fallback={<p class="empty">{t('docs.empty')}</p>}>
        <ul class="card-list doc-list">
          <For each={docs()}>
            {(d) => (
              <li class="card" data-doc-id={d.id} data-kind={d.kind}>
                <a
                  class="card-link"
                  href={hrefOf({ name: 'doc', workspaceId: ws.entry.id, docId: d.id })}
                >
                  <strong>{d.title || t('docs.untitled')}</strong>
                  <span class="muted small">
                    {label('docKind', d.kind)} ·{' '}
                    {t('docs.created', { date: beijingDay(d.createdAt) })}
                  </span>
                </a>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </>
  );
}

import { For, type JSX, Show } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { beijingDay } from '../i18n/time.ts';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { DOC_KINDS, type DocKind, kindInfo } from '../model/domain.ts';
import { createDocument } from '../model/workspaceModel.ts';
import { hrefOf, navigate } from '../routing/routes.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';

/**
 * The "new" button of each listed kind a workspace has many of, and the title a new doc starts
 * with. Typed by `DocKind`: a new kind fails to compile until it is given one (null: a kind a
 * workspace has one of, kept on its own screen).
 */
const NEW_DOC: { readonly [K in DocKind]: MessageKey | null } = {
  plan: 'docs.newPlan',
  minutes: 'docs.newMinutes',
  feedback: 'docs.newFeedback',
  roster: null,
};

/** Every document of the workspace, from the index doc (available offline), and "new" buttons. */
export function DocsView(): JSX.Element {
  const { t, label } = useI18n();
  const ws = useWorkspace();
  const docs = () =>
    ws.index.docs
      .filter((d) => !d.archived)
      .slice()
      .reverse();
  const creatable = DOC_KINDS.filter((kind) => kindInfo(kind).fixedId === null);
  const create = (kind: DocKind) => {
    const key = NEW_DOC[kind];
    if (key === null) return;
    const docId = createDocument(ws.sync, kind, t(key));
    navigate({ name: 'doc', workspaceId: ws.entry.id, docId });
  };
  return (
    <>
      <h1>{t('docs.title')}</h1>
      <Show when={ws.can('write')}>
        <div class="btn-row new-doc">
          <For each={creatable}>
            {(kind) => {
              const key = NEW_DOC[kind];
              return (
                <Show when={key}>
                  {(k) => (
                    <button type="button" class="btn primary" onClick={() => create(kind)}>
                      {t(k())}
                    </button>
                  )}
                </Show>
              );
            }}
          </For>
        </div>
      </Show>
      <Show
        when={docs().length > 0 || ws.index.unknownDocs.length > 0}
        fallback={<p class="empty">{t('docs.empty')}</p>}
      >
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
          <For each={ws.index.unknownDocs}>
            {(d) => (
              <li class="card" data-doc-id={d.id} data-kind={d.kind}>
                <a
                  class="card-link"
                  href={hrefOf({ name: 'doc', workspaceId: ws.entry.id, docId: d.id })}
                >
                  <strong>{d.title || t('docs.untitled')}</strong>
                  <span class="muted small">{t('docs.unknownKindShort')}</span>
                </a>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </>
  );
}

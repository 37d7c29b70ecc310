import { type JSX, onCleanup, Show } from 'solid-js';
import type { EditorProps } from '../editors/editorProps.ts';
import { KindEditor } from '../editors/KindEditor.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { renameDoc } from '../model/domain.ts';
import { hrefOf } from '../routing/routes.ts';
import { presenceColor } from '../sync/presenceColor.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';

/** Opens one doc live (provider + presence) and shows the editor of its kind. */
export function DocView(props: { docId: string }): JSX.Element {
  const { t } = useI18n();
  const ws = useWorkspace();
  const session = ws.sync.acquire(props.docId);
  onCleanup(() => session.release());
  const entry = () => ws.index.docs.find((d) => d.id === props.docId);
  // A listed doc of a kind this build does not know keeps its kind, so it is never shown as another.
  const kind = () =>
    entry()?.kind ?? ws.index.unknownDocs.find((d) => d.id === props.docId)?.kind ?? null;
  const editorProps: EditorProps = {
    docId: props.docId,
    session,
    get canEdit() {
      return ws.can('write');
    },
    user: {
      name: ws.entry.displayName,
      color: presenceColor(ws.entry.memberId),
      memberId: ws.entry.memberId,
    },
    onTitle: (title) => {
      if (entry()) renameDoc(ws.sync.indexDoc, props.docId, title);
    },
    services: () => ws.index.services,
    plans: () =>
      ws.index.docs
        .filter((d) => d.kind === 'plan' && !d.archived)
        .map((d) => ({ id: d.id, title: d.title })),
  };
  return (
    <>
      <Show when={kind() === 'minutes' || !ws.entry.isLocalDemo}>
        <div class="doc-actions">
          <Show when={kind() === 'minutes'}>
            <a
              class="btn small"
              href={hrefOf({ name: 'print', workspaceId: ws.entry.id, docId: props.docId })}
            >
              {t('docs.print')}
            </a>
          </Show>
          <Show when={!ws.entry.isLocalDemo}>
            <a
              class="btn small"
              href={hrefOf({ name: 'history', workspaceId: ws.entry.id, docId: props.docId })}
            >
              {t('history.open')}
            </a>
          </Show>
        </div>
      </Show>
      <KindEditor kind={kind()} editor={editorProps} />
    </>
  );
}

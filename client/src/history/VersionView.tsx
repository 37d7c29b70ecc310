import type { AnyDocKind } from '@grassroots/shared';
import { createResource, type JSX, Match, onCleanup, Switch } from 'solid-js';
import { type DocAddress, historyApi } from '../api/relayApi.ts';
import type { EditorProps } from '../editors/editorProps.ts';
import { KindEditor } from '../editors/KindEditor.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { presenceColor } from '../sync/presenceColor.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import { makeStaticSession } from './makeStaticSession.ts';

/**
 * The editor of a kind over one past version, read-only: the same editors (and chunks) as the
 * live doc, so a version looks like the document.
 */
function StaticEditor(props: { docId: string; kind: AnyDocKind; update: Uint8Array }) {
  const ws = useWorkspace();
  const { session, cleanup } = makeStaticSession(props.update);
  onCleanup(cleanup);
  const editorProps: EditorProps = {
    docId: props.docId,
    session,
    canEdit: false,
    user: {
      name: ws.entry.displayName,
      color: presenceColor(ws.entry.memberId, ws.entry.colour),
      memberId: ws.entry.memberId,
    },
    onTitle: () => {},
    services: () => ws.index.services,
    plans: () =>
      ws.index.docs
        .filter((d) => d.kind === 'plan' && !d.archived)
        .map((d) => ({ id: d.id, title: d.title })),
  };
  return <KindEditor kind={props.kind} editor={editorProps} />;
}

/** Fetches the doc as it was at `seq` and shows it in its own editor, read-only. */
export function VersionView(props: {
  address: DocAddress;
  docId: string;
  kind: AnyDocKind;
  seq: number;
  /** When the version was made, already formatted. */
  time: string;
}): JSX.Element {
  const { t, errorText } = useI18n();
  const [update] = createResource(
    () => props.seq,
    (seq) => historyApi.version(props.address, seq),
  );
  return (
    <div class="history-version">
      <p class="history-version-notice" role="status">
        {t('history.versionNotice', { time: props.time })}
      </p>
      <Switch>
        <Match when={update.state === 'errored'}>
          <p class="error" role="alert">
            {t('history.loadFailed', { message: errorText(update.error) })}
          </p>
        </Match>
        <Match when={update.state === 'ready' && update()} keyed>
          {(bytes) => <StaticEditor docId={props.docId} kind={props.kind} update={bytes} />}
        </Match>
        <Match when={true}>
          <p class="muted">{t('history.versionLoading')}</p>
        </Match>
      </Switch>
    </div>
  );
}

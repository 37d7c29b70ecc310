import { type JSX, Show } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { createDocument } from '../model/workspaceModel.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import { DocView } from './DocView.tsx';

/**
 * The workspace's standing roster (one doc per workspace, synced and edited offline like the
 * others). Until one is kept, editors can start it; attendance is counted against it.
 */
export function RosterView(): JSX.Element {
  const { t } = useI18n();
  const ws = useWorkspace();
  return (
    <Show
      when={ws.rosterDocId()}
      keyed
      fallback={
        <section class="panel roster-start">
          <h1>{t('roster.title')}</h1>
          <p>{t('roster.none')}</p>
          <Show
            when={ws.can('write')}
            fallback={<p class="muted small">{t('roster.noneViewer')}</p>}
          >
            <button
              type="button"
              class="btn primary"
              onClick={() => createDocument(ws.sync, 'roster', t('roster.defaultTitle'))}
            >
              {t('roster.create')}
            </button>
          </Show>
        </section>
      }
    >
      {(docId) => <DocView docId={docId} />}
    </Show>
  );
}

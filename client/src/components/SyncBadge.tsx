import { type JSX, Match, Switch } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { formatBeijingShort } from '../i18n/time.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';

/**
 * Where this device stands with the server, always visible. "Saved" only ever means the relay
 * acknowledged committing every change this device has.
 */
export function SyncBadge(): JSX.Element {
  const { t } = useI18n();
  const ws = useWorkspace();
  const s = () => ws.summary();
  /** Attached files waiting for upload count among the changes waiting (BLOB-C1). */
  const uploads = () => ws.pendingUploads().size;
  const waiting = () => s().pendingChanges + uploads();
  /** Waiting files the relay refused at their last try (BLOB-C4): not "syncing", they cannot. */
  const refusedUploads = () =>
    [...ws.uploadRefusals().keys()].filter((h) => !ws.blobs.unlisted().has(h)).length;
  const hasUnsaved = () => s().unsavedDocs > 0 || uploads() > 0;
  /**
   * What waits, in things a person made: documents and files. A count of changes counted
   * keystrokes (18 after three edits) that nobody could match to what they did.
   */
  const whatWaits = () => {
    const docs = s().unsavedDocs;
    const files = uploads();
    if (docs > 0 && files > 0) return t('badge.waitingBoth', { docs, files });
    if (files > 0) return t('badge.waitingFiles', { n: files });
    return t('badge.waitingDocs', { n: Math.max(1, docs) });
  };
  const time = () => {
    const at = s().savedAt;
    return at === null ? '' : formatBeijingShort(at);
  };
  /**
   * A message with the save time in it. The time is Beijing time, which a reader in Xinjiang could
   * take for local time: the zone is in the text (dropped on the narrowest screens) and the title.
   */
  const withTime = (key: 'badge.saved' | 'badge.offlineSaved'): JSX.Element => {
    const [before, after = ''] = t(key, { time: '\u0000' }).split('\u0000');
    return (
      <span class="sync-text">
        {before}
        <time class="sync-time">
          {/* Digits in their own order also inside a right-to-left sentence. */}
          <bdi dir="ltr">{time()}</bdi>
          <span class="sync-zone">{t('badge.timeZone')}</span>
        </time>
        {after}
      </span>
    );
  };
  const state = () => {
    const x = s();
    if (x.connection === 'local') return 'local';
    if (x.connection === 'denied') return 'denied';
    // A refusal outlasts going offline: the refused change still cannot reach the server.
    if (x.refusals.length > 0 || refusedUploads() > 0) return 'refused';
    if (x.connection === 'offline') return 'offline';
    if (x.connection === 'connecting') return 'connecting';
    return x.isSyncing || hasUnsaved() ? 'syncing' : 'saved';
  };
  return (
    <output
      class="sync-badge"
      data-state={state()}
      data-pending={waiting()}
      data-uploads={uploads()}
      aria-live="polite"
      aria-label={t('badge.label')}
      title={s().savedAt === null ? undefined : t('badge.savedAtTitle', { time: time() })}
    >
      <span class="sync-dot" aria-hidden="true" />
      <Switch>
        <Match when={state() === 'local'}>{t('badge.local')}</Match>
        <Match when={state() === 'denied'}>{t('badge.denied')}</Match>
        <Match when={state() === 'refused' && s().refusals.length > 0}>{t('badge.refused')}</Match>
        <Match when={state() === 'refused'}>
          {t('badge.uploadsRefused', { n: refusedUploads() })}
        </Match>
        <Match when={state() === 'offline' && s().isLoading}>{t('badge.checking')}</Match>
        <Match when={state() === 'offline' && hasUnsaved()}>
          {t('badge.offlineWaiting', { what: whatWaits() })}
        </Match>
        <Match when={state() === 'offline' && s().savedAt !== null}>
          {withTime('badge.offlineSaved')}
        </Match>
        <Match when={state() === 'offline'}>{t('badge.offlineNever')}</Match>
        <Match when={state() === 'connecting'}>{t('badge.connecting')}</Match>
        <Match when={state() === 'syncing' && hasUnsaved()}>
          {t('badge.syncingWaiting', { what: whatWaits() })}
        </Match>
        <Match when={state() === 'syncing'}>{t('badge.syncing')}</Match>
        <Match when={state() === 'saved' && s().savedAt !== null}>{withTime('badge.saved')}</Match>
        <Match when={state() === 'saved'}>{t('badge.savedNoTime')}</Match>
      </Switch>
    </output>
  );
}

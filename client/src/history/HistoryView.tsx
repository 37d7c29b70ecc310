import { createSignal, For, type JSX, Match, Show, Switch } from 'solid-js';
import {
  type DocAddress,
  type HistoryAuthor,
  type HistoryEntryInfo,
  historyApi,
  type NamedVersionInfo,
} from '../api/relayApi.ts';
import { Sentence } from '../components/Sentence.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import type { Locale } from '../i18n/locale.ts';
import { hrefOf } from '../routing/routes.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import { CompareView } from './CompareView.tsx';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { createHistoryList } from './createHistoryList.ts';
import { createIsOnline } from './createIsOnline.ts';
import { entryVersionLabel } from './entryLabels.ts';
import { formatAt, formatSpan } from './formatSpan.ts';
import { AuthorName, HistoryEntryList, NamedVersionList } from './HistoryEntryList.tsx';
import { saveBlob } from './saveBlob.ts';
import { VersionView } from './VersionView.tsx';

/** A version picked from the list: an entry (the doc after it) or a named version. */
type Selection = {
  seq: number;
  /** When, formatted short on a Beijing clock (no label) in a language: read again on a switch. */
  time: (locale: Locale) => string;
  author: HistoryAuthor | null;
  entry: HistoryEntryInfo | null;
};

type Mode = 'version' | 'current' | 'entry' | 'other';

/** A failed fetch (no network, server unreachable) rather than an answer from the server. */
const isNetworkError = (e: unknown) => e instanceof TypeError;

/**
 * The history of one doc, opened on request: entries newest first with paging, any version shown
 * read-only in the doc's own editor, comparisons, named versions, restore and CSV export. It reads
 * from the server, so offline it says so instead.
 */
export default function HistoryView(props: { docId: string }): JSX.Element {
  const { docTitle, t, locale, errorText } = useI18n();
  const ws = useWorkspace();
  const isOnline = createIsOnline();
  const address = (): DocAddress => ({
    origin: ws.entry.serverOrigin,
    workspaceId: ws.entry.id,
    docId: props.docId,
    token: ws.entry.memberToken,
  });
  const list = createHistoryList(address, locale, () => isOnline() && !ws.entry.isLocalDemo);
  const docEntry = () => ws.index.docs.find((d) => d.id === props.docId);
  const title = () => docTitle(docEntry()?.title ?? '');
  const docHref = hrefOf({ name: 'doc', workspaceId: ws.entry.id, docId: props.docId });
  const kind = () => list.kind() ?? docEntry()?.kind ?? null;

  const [selected, setSelected] = createSignal<Selection | null>(null);
  const [mode, setMode] = createSignal<Mode>('version');
  const [otherSeq, setOtherSeq] = createSignal<number | null>(null);
  const [status, setStatus] = createSignal<{
    /** Read again on a language switch. */
    text: () => string;
    isError: boolean;
    /** Offer the way back to the document (after a restore). */
    hasDocLink?: boolean;
  } | null>(null);
  const [versionName, setVersionName] = createSignal('');
  const [isNaming, setNaming] = createSignal(false);
  const [isExporting, setExporting] = createSignal(false);
  const [isConfirming, setConfirming] = createSignal(false);
  const [isRestoring, setRestoring] = createSignal(false);
  const [isConfirmingRevert, setConfirmingRevert] = createSignal(false);
  const [isReverting, setReverting] = createSignal(false);
  let detailHeading: HTMLHeadingElement | undefined;

  const withLabel = (span: string) => t('history.span', { span });
  const messageOf = (e: unknown) => (isNetworkError(e) ? t('history.offline') : errorText(e));
  const latestSeq = () => list.entries()[0]?.toSeq ?? null;
  const isCurrent = () => selected()?.seq === latestSeq();

  /** A version's name for headings and pickers. */
  const labelOfSeq = (seq: number): string => {
    if (seq === 0) return t('history.start');
    const named = list.named().find((n) => n.seq === seq);
    if (named) return named.name;
    const entry = list.entries().find((e) => e.toSeq === seq);
    if (entry)
      return t('history.versionNumbered', {
        n: entry.number,
        time: withLabel(formatAt(Date.parse(entry.lastAt), locale())),
      });
    return `#${seq}`;
  };

  const select = (next: Selection) => {
    setSelected(next);
    if (mode() === 'entry' && !next.entry) setMode('version');
    if (otherSeq() === next.seq) setOtherSeq(null);
    setStatus(null);
    queueMicrotask(() => {
      detailHeading?.focus({ preventScroll: true });
      if (window.matchMedia('(max-width: 959px)').matches)
        detailHeading?.scrollIntoView({ block: 'start' });
    });
  };
  const selectEntry = (e: HistoryEntryInfo) =>
    select({
      seq: e.toSeq,
      time: (l) => formatSpan(Date.parse(e.firstAt), Date.parse(e.lastAt), l),
      author: e.author,
      entry: e,
    });
  const selectNamed = (n: NamedVersionInfo) =>
    select({
      seq: n.seq,
      time: (l) => formatAt(Date.parse(n.at), l),
      author: n.author,
      entry: list.entries().find((e) => e.toSeq === n.seq) ?? null,
    });

  const otherOptions = () => {
    const seen = new Set<number>([selected()?.seq ?? -1]);
    const options: { seq: number; label: string }[] = [];
    for (const n of list.named()) {
      if (seen.has(n.seq)) continue;
      seen.add(n.seq);
      options.push({ seq: n.seq, label: `◆ ${n.name}` });
    }
    for (const e of list.entries()) {
      if (seen.has(e.toSeq)) continue;
      seen.add(e.toSeq);
      options.push({ seq: e.toSeq, label: entryVersionLabel(e, t, locale()) });
    }
    return options;
  };

  const exportCsv = async () => {
    setExporting(true);
    try {
      saveBlob(await historyApi.csv(address(), locale()), `history-${props.docId}.csv`);
    } catch (e) {
      setStatus({
        text: () => t('history.exportFailed', { message: messageOf(e) }),
        isError: true,
      });
    } finally {
      setExporting(false);
    }
  };

  const nameVersion = async (e: SubmitEvent) => {
    e.preventDefault();
    const name = versionName().trim();
    if (!name || isNaming()) return;
    setNaming(true);
    try {
      await historyApi.nameVersion(address(), name);
      setVersionName('');
      setStatus({ text: () => t('history.nameDone', { name }), isError: false });
      await list.reload();
    } catch (err) {
      setStatus({ text: () => t('common.error', { message: messageOf(err) }), isError: true });
    } finally {
      setNaming(false);
    }
  };

  const restore = async () => {
    const target = selected();
    if (!target) return;
    setRestoring(true);
    try {
      await historyApi.restore(address(), target.seq);
      setConfirming(false);
      setSelected(null);
      setStatus({
        text: () => t('history.restoreDone', { time: withLabel(target.time(locale())) }),
        isError: false,
        hasDocLink: true,
      });
      await list.reload();
    } catch (err) {
      setConfirming(false);
      setStatus({ text: () => t('common.error', { message: messageOf(err) }), isError: true });
    } finally {
      setRestoring(false);
    }
  };

  /** HIST-9: undoes what the selected entry's author changed from that entry on. */
  const revertMember = async () => {
    const entry = selected()?.entry;
    if (!entry) return;
    setReverting(true);
    const params = () => ({
      name: entry.author.displayName,
      time: withLabel(formatAt(Date.parse(entry.firstAt), locale())),
    });
    try {
      const result = await historyApi.revertMember(address(), entry.author.id, entry.fromSeq);
      setConfirmingRevert(false);
      setSelected(null);
      setStatus({
        text: () => t(result.isChanged ? 'history.revertDone' : 'history.revertNothing', params()),
        isError: false,
        hasDocLink: result.isChanged,
      });
      await list.reload();
    } catch (err) {
      setConfirmingRevert(false);
      setStatus({ text: () => t('common.error', { message: messageOf(err) }), isError: true });
    } finally {
      setReverting(false);
    }
  };

  const ModeButton = (p: { mode: Mode; label: string }) => (
    <button
      type="button"
      class="btn small"
      aria-pressed={mode() === p.mode}
      onClick={() => setMode(p.mode)}
    >
      {p.label}
    </button>
  );

  return (
    <div class="history-page">
      <p class="history-back">
        <a href={docHref}>
          <span class="bidi-flip" aria-hidden="true">
            ←
          </span>
          {t('history.back')}
        </a>
      </p>
      <header class="history-header">
        <h1>
          <Sentence template={t('history.title')} params={{ title: title() }} />
        </h1>
        <p class="history-intro muted small">
          {t(ws.can('restore') ? 'history.intro' : 'history.introReadOnly')}
        </p>
      </header>
      <Switch>
        <Match when={ws.entry.isLocalDemo}>
          <p class="panel notice">{t('history.localDemo')}</p>
        </Match>
        <Match when={!isOnline() || isNetworkError(list.error())}>
          <div class="panel notice history-offline" role="status">
            <p class="history-offline-text">{t('history.offline')}</p>
            <Show when={isOnline()}>
              <button type="button" class="btn" onClick={() => void list.reload()}>
                {t('history.retry')}
              </button>
            </Show>
          </div>
        </Match>
        <Match when={true}>
          <div class="history-tools">
            <Show when={ws.can('nameVersion')}>
              <form class="history-name-form" onSubmit={nameVersion}>
                <label class="field">
                  <span>{t('history.nameLabel')}</span>
                  <input
                    dir="auto"
                    name="versionName"
                    maxLength={120}
                    placeholder={t('history.namePlaceholder')}
                    value={versionName()}
                    onInput={(e) => setVersionName(e.currentTarget.value)}
                  />
                </label>
                <button
                  type="submit"
                  class="btn"
                  disabled={isNaming() || versionName().trim() === ''}
                >
                  {t('history.nameSubmit')}
                </button>
              </form>
            </Show>
            <button
              type="button"
              class="btn history-export"
              disabled={isExporting()}
              onClick={() => void exportCsv()}
            >
              {isExporting() ? t('history.exporting') : t('history.export')}
            </button>
          </div>
          <div aria-live="polite">
            <Show when={status()}>
              {(s) => (
                <p
                  class="history-status"
                  classList={{ error: s().isError }}
                  role={s().isError ? 'alert' : 'status'}
                >
                  {s().text()}{' '}
                  <Show when={s().hasDocLink}>
                    <a href={docHref}>{t('history.back')}</a>
                  </Show>
                </p>
              )}
            </Show>
          </div>
          <Show when={list.error() && !isNetworkError(list.error())}>
            <p class="error" role="alert">
              {t('history.loadFailed', { message: messageOf(list.error()) })}{' '}
              <button type="button" class="btn-link" onClick={() => void list.reload()}>
                {t('history.retry')}
              </button>
            </p>
          </Show>
          <div class="history-layout">
            <div class="history-side">
              <Show when={list.named().length > 0}>
                <NamedVersionList
                  named={list.named()}
                  selectedSeq={selected()?.seq ?? null}
                  onSelect={selectNamed}
                />
              </Show>
              <section class="history-entries" aria-labelledby="history-entries-heading">
                <div class="history-entries-head">
                  <h2 id="history-entries-heading">{t('history.entries')}</h2>
                  <Show when={list.total() > 0}>
                    <span class="small muted">{t('history.count', { n: list.total() })}</span>
                  </Show>
                </div>
                <Show
                  when={!list.isLoading() || list.entries().length > 0}
                  fallback={<p class="muted">{t('history.loading')}</p>}
                >
                  <Show
                    when={list.entries().length > 0}
                    fallback={<p class="empty">{t('history.empty')}</p>}
                  >
                    <HistoryEntryList
                      entries={list.entries()}
                      named={list.named()}
                      selectedSeq={selected()?.seq ?? null}
                      onSelect={selectEntry}
                    />
                  </Show>
                  <Show when={list.hasMore()}>
                    <button
                      type="button"
                      class="btn history-more"
                      disabled={list.isLoadingMore()}
                      onClick={() => void list.loadMore()}
                    >
                      {list.isLoadingMore() ? t('history.loadingMore') : t('history.loadMore')}
                    </button>
                  </Show>
                </Show>
              </section>
            </div>
            <section
              class="history-detail panel"
              classList={{ 'is-empty': selected() === null }}
              aria-labelledby="history-detail-heading"
            >
              <h2 id="history-detail-heading" tabindex="-1" ref={detailHeading}>
                {selected()
                  ? t('history.versionOf', {
                      time: selected()!.entry
                        ? t('history.versionNumbered', {
                            n: selected()!.entry!.number,
                            time: withLabel(selected()!.time(locale())),
                          })
                        : withLabel(selected()!.time(locale())),
                    })
                  : t('history.detail')}
              </h2>
              <Show
                when={selected()}
                keyed
                fallback={<p class="muted">{t('history.selectPrompt')}</p>}
              >
                {(sel) => (
                  <>
                    <p class="history-detail-author">
                      <AuthorName author={sel.author} />
                    </p>
                    <fieldset class="history-modes">
                      <legend class="sr-only">{t('history.modes')}</legend>
                      <ModeButton mode="version" label={t('history.modeVersion')} />
                      <Show when={sel.entry}>
                        <ModeButton mode="entry" label={t('history.modeEntry')} />
                      </Show>
                      <ModeButton mode="current" label={t('history.modeCurrent')} />
                      <ModeButton mode="other" label={t('history.modeOther')} />
                    </fieldset>
                    <div class="history-detail-actions">
                      <Show
                        when={!isCurrent()}
                        fallback={
                          <p class="history-current-note small muted">{t('history.isCurrent')}</p>
                        }
                      >
                        <Show when={ws.can('restore')}>
                          <button
                            type="button"
                            class="btn primary history-restore"
                            onClick={() => setConfirming(true)}
                          >
                            {t('history.restore')}
                          </button>
                        </Show>
                      </Show>
                      <Show when={ws.can('revertMember') && sel.entry}>
                        {(entry) => (
                          <button
                            type="button"
                            class="btn history-revert-member"
                            onClick={() => setConfirmingRevert(true)}
                          >
                            <Sentence
                              template={t('history.revertMember')}
                              params={{ name: entry().author.displayName }}
                            />
                          </button>
                        )}
                      </Show>
                    </div>
                    {/* The two look alike: say what each leaves of others' work. */}
                    <Show
                      when={
                        !isCurrent() && ws.can('restore') && ws.can('revertMember') && sel.entry
                      }
                    >
                      {(entry) => (
                        <p class="small muted history-choice-hint">
                          <Sentence
                            template={t('history.choiceHint')}
                            params={{ name: entry().author.displayName }}
                          />
                        </p>
                      )}
                    </Show>
                    <Switch>
                      <Match when={mode() === 'version'}>
                        <Show when={kind()} keyed>
                          {(k) => (
                            <VersionView
                              address={address()}
                              docId={props.docId}
                              kind={k}
                              seq={sel.seq}
                              time={sel.time(locale())}
                            />
                          )}
                        </Show>
                      </Match>
                      <Match when={mode() === 'current'}>
                        <CompareView
                          address={address()}
                          from={sel.seq}
                          to={null}
                          locale={locale()}
                          heading={t('history.compareHeading', {
                            from: labelOfSeq(sel.seq),
                            to: t('history.current'),
                          })}
                        />
                      </Match>
                      <Match when={mode() === 'entry' && sel.entry}>
                        {(entry) => (
                          <CompareView
                            address={address()}
                            from={entry().fromSeq - 1}
                            to={entry().toSeq}
                            locale={locale()}
                            heading={t('history.compareHeading', {
                              from: labelOfSeq(entry().fromSeq - 1),
                              to: labelOfSeq(entry().toSeq),
                            })}
                          />
                        )}
                      </Match>
                      <Match when={mode() === 'other'}>
                        <label class="field history-other">
                          <span>{t('history.otherVersion')}</span>
                          <select
                            name="otherVersion"
                            value={otherSeq() === null ? '' : String(otherSeq())}
                            onChange={(e) =>
                              setOtherSeq(
                                e.currentTarget.value === '' ? null : Number(e.currentTarget.value),
                              )
                            }
                          >
                            <option value="">{t('history.chooseOther')}</option>
                            <For each={otherOptions()}>
                              {(o) => <option value={String(o.seq)}>{o.label}</option>}
                            </For>
                          </select>
                        </label>
                        <Show when={otherSeq()} keyed>
                          {(other) => {
                            const from = Math.min(other, sel.seq);
                            const to = Math.max(other, sel.seq);
                            return (
                              <CompareView
                                address={address()}
                                from={from}
                                to={to}
                                locale={locale()}
                                heading={t('history.compareHeading', {
                                  from: labelOfSeq(from),
                                  to: labelOfSeq(to),
                                })}
                              />
                            );
                          }}
                        </Show>
                      </Match>
                    </Switch>
                  </>
                )}
              </Show>
            </section>
          </div>
          <ConfirmDialog
            isOpen={isConfirming()}
            title={t('history.restoreTitle')}
            message={t('history.restoreConfirm', { time: selected()?.time(locale()) ?? '' })}
            confirmLabel={isRestoring() ? t('history.restoring') : t('history.restoreSubmit')}
            isBusy={isRestoring()}
            onConfirm={() => void restore()}
            onCancel={() => setConfirming(false)}
          />
          <ConfirmDialog
            isOpen={isConfirmingRevert()}
            title={
              <Sentence
                template={t('history.revertTitle')}
                params={{ name: selected()?.entry?.author.displayName ?? '' }}
              />
            }
            message={
              <Sentence
                template={t('history.revertConfirm')}
                params={{
                  name: selected()?.entry?.author.displayName ?? '',
                  time: selected()?.entry
                    ? formatAt(Date.parse(selected()!.entry!.firstAt), locale())
                    : '',
                }}
              />
            }
            confirmLabel={isReverting() ? t('history.reverting') : t('history.revertSubmit')}
            isBusy={isReverting()}
            onConfirm={() => void revertMember()}
            onCancel={() => setConfirmingRevert(false)}
          />
        </Match>
      </Switch>
    </div>
  );
}

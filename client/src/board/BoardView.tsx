import { createResource, createSignal, For, type JSX, lazy, Show, Suspense } from 'solid-js';
import { boardApi } from '../api/relayApi.ts';
import { Sentence } from '../components/Sentence.tsx';
import { ConfirmDialog } from '../history/ConfirmDialog.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { formatBeijingDateTime } from '../i18n/time.ts';
import { type PublicationInfo, PublicLimits, type PublishedItem } from '../model/domain.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import { createCanReachRelay, useBoardAddress, useBoardErrorText } from './PublishToBoard.tsx';

/** The QR code and its library load only when someone opens one. */
const InviteQr = lazy(() => import('../views/InviteQr.tsx').then((m) => ({ default: m.InviteQr })));

const newSourceId = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .slice(0, 20);

/**
 * 村务公开栏 in the app: what the public page shows now (withdraw), a notice form, the public
 * link with its QR code (admins rotate it) and the members-only record of every publication.
 * Everything here talks to the relay: offline it says so and changes nothing.
 */
export function BoardView(): JSX.Element {
  const { t } = useI18n();
  const ws = useWorkspace();
  const address = useBoardAddress();
  const canReach = createCanReachRelay();
  const failureText = useBoardErrorText();
  const isServer = () => !ws.entry.isLocalDemo;
  const [board, { refetch: refetchBoard }] = createResource(isServer, () => boardApi.get(address));
  const [history, { refetch: refetchHistory }] = createResource(isServer, () =>
    boardApi.history(address),
  );
  const [error, setError] = createSignal<string | null>(null);
  const [isBusy, setBusy] = createSignal(false);
  const [withdrawing, setWithdrawing] = createSignal<PublishedItem | null>(null);
  const [isRotating, setRotating] = createSignal(false);
  const [showQr, setShowQr] = createSignal(false);
  const [title, setTitle] = createSignal('');
  const [body, setBody] = createSignal('');
  /** A notice was sent without its title or text: said under the form, in the app's language. */
  const [isMissing, setMissing] = createSignal(false);

  const act = async (run: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await run();
      return true;
    } catch (err) {
      setError(failureText(err));
      return false;
    } finally {
      setBusy(false);
      await Promise.all([refetchBoard(), refetchHistory()]);
    }
  };
  const who = (p: { displayName: string } | null) => p?.displayName ?? t('board.removedMember');
  /** A time kept left to right inside a sentence of any direction. */
  const when = (iso: string) => ({
    element: (
      <bdi dir="ltr" class="nowrap">
        {formatBeijingDateTime(Date.parse(iso))}
      </bdi>
    ),
  });
  const disabled = () => !canReach() || isBusy();

  return (
    <>
      <h1>{t('board.heading')}</h1>
      {/* A member who may not publish (a township reviewer) reads what the village has made public. */}
      <p class="muted">{ws.can('publish') ? t('board.intro') : t('board.introReader')}</p>
      <Show when={isServer()} fallback={<p class="warning">{t('board.localDemo')}</p>}>
        <Show when={!canReach()}>
          <p class="warning" role="note">
            {t('board.offline')}
          </p>
        </Show>
        <Show when={error()}>
          {(e) => (
            <p class="error" role="alert">
              {e()}
            </p>
          )}
        </Show>
        <Show when={board.error}>
          <p class="error">{t('board.loadFailed', { message: failureText(board.error) })}</p>
        </Show>

        <section class="panel board-link" aria-labelledby="board-link-title">
          <h2 id="board-link-title">{t('board.link')}</h2>
          <Show when={board()?.url} fallback={<p class="muted">{t('board.noLink')}</p>}>
            {(url) => (
              <>
                <p>
                  <a class="board-public-url" href={url()} target="_blank" rel="noopener" dir="ltr">
                    {url()}
                  </a>
                </p>
                <div class="btn-row">
                  <button
                    type="button"
                    class="btn"
                    name="showQr"
                    aria-expanded={showQr()}
                    onClick={() => setShowQr(!showQr())}
                  >
                    {t('board.showQr')}
                  </button>
                  <a class="btn" href={url()} target="_blank" rel="noopener">
                    {t('board.openPublic')}
                  </a>
                </div>
                <Show when={showQr()}>
                  <Suspense fallback={<p class="muted">{t('app.loading')}</p>}>
                    <InviteQr url={url()} label={t('board.qrLabel')} hint={t('board.qrHint')} />
                  </Suspense>
                </Show>
              </>
            )}
          </Show>
          <Show when={ws.can('managePublicLink')}>
            <div class="btn-row">
              <button
                type="button"
                class="btn"
                name="rotateLink"
                disabled={disabled()}
                onClick={() =>
                  board()?.url ? setRotating(true) : void act(() => boardApi.rotateLink(address))
                }
              >
                {board()?.url ? t('board.rotateLink') : t('board.makeLink')}
              </button>
            </div>
          </Show>
        </section>

        <section class="panel" aria-labelledby="board-items-title">
          <h2 id="board-items-title">{t('board.published')}</h2>
          <Show
            when={(board()?.items.length ?? 0) > 0}
            fallback={<p class="empty">{t('board.none')}</p>}
          >
            <ul class="plain-list board-items">
              <For each={board()?.items}>
                {(p) => (
                  <li class="board-item" data-item-id={p.itemId}>
                    <div>
                      <span class="tag">{t(`board.kind.${p.item.kind}`)}</span>{' '}
                      <strong>
                        <bdi>{p.item.title}</bdi>
                      </strong>
                      <div class="muted small">
                        <Sentence
                          template={t('board.postedAt')}
                          params={{ date: when(p.firstPublishedAt) }}
                        />
                        <Show when={p.version > 1}>
                          {' · '}
                          <Sentence
                            template={t('board.updatedAt')}
                            params={{ date: when(p.publishedAt) }}
                          />
                        </Show>
                      </div>
                    </div>
                    <Show when={ws.can('publish')}>
                      <button
                        type="button"
                        class="btn small"
                        name="withdraw"
                        aria-label={t('board.withdrawNamed', { title: p.item.title })}
                        disabled={disabled()}
                        onClick={() => setWithdrawing(p)}
                      >
                        {t('board.withdraw')}
                      </button>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </section>

        <Show when={ws.can('publish')}>
          <section class="panel" aria-labelledby="board-notice-title">
            <h2 id="board-notice-title">{t('board.noticeForm')}</h2>
            <form
              class="form board-notice-form"
              // The app's own words, in the app's language, not the browser's bubble.
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                const notice = { title: title().trim(), body: body().trim() };
                setMissing(!notice.title || !notice.body);
                if (!notice.title || !notice.body) return;
                void act(() =>
                  boardApi.publish(address, { kind: 'notice', sourceId: newSourceId(), ...notice }),
                ).then((ok) => {
                  if (!ok) return;
                  setTitle('');
                  setBody('');
                });
              }}
            >
              <label class="field">
                <span>{t('board.noticeTitle')}</span>
                <input
                  dir="auto"
                  name="noticeTitle"
                  required
                  aria-invalid={isMissing() && !title().trim()}
                  maxLength={PublicLimits.titleChars}
                  value={title()}
                  onInput={(e) => setTitle(e.currentTarget.value)}
                />
              </label>
              <label class="field">
                <span>{t('board.noticeBody')}</span>
                <textarea
                  dir="auto"
                  name="noticeBody"
                  required
                  aria-invalid={isMissing() && !body().trim()}
                  rows={5}
                  maxLength={PublicLimits.textChars}
                  value={body()}
                  onInput={(e) => setBody(e.currentTarget.value)}
                />
              </label>
              <Show when={isMissing() && (!title().trim() || !body().trim())}>
                <p class="error" role="alert" data-testid="notice-missing">
                  {t('board.noticeMissing')}
                </p>
              </Show>
              <button type="submit" class="btn primary" disabled={disabled()}>
                {canReach() ? t('board.publish') : t('board.offlineButton')}
              </button>
            </form>
          </section>
        </Show>

        <section class="panel" aria-labelledby="board-history-title">
          <h2 id="board-history-title">{t('board.history')}</h2>
          <p class="muted small">{t('board.historyHint')}</p>
          <Show
            when={(history()?.publications.length ?? 0) > 0}
            fallback={<p class="empty">{t('board.noHistory')}</p>}
          >
            <ol class="plain-list board-history">
              <For each={history()?.publications}>
                {(p: PublicationInfo) => (
                  <li data-item-id={p.itemId} data-version={p.version}>
                    <span class="tag">{t(`board.kind.${p.kind}`)}</span> <bdi>{p.title}</bdi>
                    <div class="muted small">
                      <Sentence
                        template={t('board.historyPublished')}
                        params={{
                          date: when(p.publishedAt),
                          who: who(p.publishedBy),
                          version: p.version,
                        }}
                      />
                      <Show when={p.withdrawnAt}>
                        {(at) => (
                          <>
                            {' · '}
                            <Sentence
                              template={t('board.historyWithdrawn')}
                              params={{ date: when(at()), who: who(p.withdrawnBy) }}
                            />
                          </>
                        )}
                      </Show>
                      <Show when={p.isLive}>
                        {' · '}
                        <span class="tag ok">{t('board.historyLive')}</span>
                      </Show>
                      <Show when={!p.isLive && !p.withdrawnAt}>
                        {' · '}
                        {t('board.historyReplaced')}
                      </Show>
                    </div>
                  </li>
                )}
              </For>
            </ol>
          </Show>
        </section>
      </Show>

      <ConfirmDialog
        isOpen={withdrawing() !== null}
        title={t('board.withdraw')}
        message={t('board.withdrawConfirm', { title: withdrawing()?.item.title ?? '' })}
        confirmLabel={t('board.withdraw')}
        isBusy={isBusy()}
        onConfirm={() => {
          const itemId = withdrawing()?.itemId;
          setWithdrawing(null);
          if (itemId) void act(() => boardApi.withdraw(address, itemId));
        }}
        onCancel={() => setWithdrawing(null)}
      />
      <ConfirmDialog
        isOpen={isRotating()}
        title={t('board.rotateLink')}
        message={t('board.rotateConfirm')}
        confirmLabel={t('board.rotateLink')}
        isBusy={isBusy()}
        onConfirm={() => {
          setRotating(false);
          void act(() => boardApi.rotateLink(address));
        }}
        onCancel={() => setRotating(false)}
      />
    </>
  );
}

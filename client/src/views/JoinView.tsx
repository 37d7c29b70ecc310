import { displayNameSchema, type InvitePreview } from '@grassroots/shared';
import { createEffect, createSignal, type JSX, on, onCleanup, Show, untrack } from 'solid-js';
import { useApp } from '../AppContext.tsx';
import { RelayApiError, relayApi } from '../api/relayApi.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { navigate } from '../routing/routes.ts';
import { colourIndex } from '../sync/presenceColor.ts';

/**
 * Redeems an invite link: one network round trip, then the device is a member. The page first
 * asks where the invite leads, so it can name the workspace and role, and offer the first
 * admin's name when the invite hands over that admin.
 */
export function JoinView(props: { token: string }): JSX.Element {
  const { t, errorText } = useI18n();
  const app = useApp();
  const [name, setName] = createSignal('');
  const [isBusy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [isOnline, setOnline] = createSignal(navigator.onLine);
  const onNet = () => setOnline(navigator.onLine);
  window.addEventListener('online', onNet);
  window.addEventListener('offline', onNet);
  onCleanup(() => {
    window.removeEventListener('online', onNet);
    window.removeEventListener('offline', onNet);
  });
  const [preview, setPreview] = createSignal<InvitePreview | null>(null);
  /** The relay said the invite leads nowhere (unknown, expired or used up): no form to fill. */
  const [isInvalid, setInvalid] = createSignal(false);
  // Another invite opened in the same tab starts over: nothing of the last one is shown.
  createEffect(
    on(
      () => props.token,
      () => {
        setPreview(null);
        setInvalid(false);
        setError(null);
      },
      { defer: true },
    ),
  );
  // Asked where the invite leads when the page opens, and again once the network is back.
  createEffect(() => {
    const token = props.token;
    if (!isOnline() || untrack(preview) !== null || untrack(isInvalid)) return;
    let isCurrent = true;
    onCleanup(() => {
      isCurrent = false;
    });
    relayApi.previewInvite(location.origin, token).then(
      (p) => {
        if (!isCurrent) return;
        setPreview(p);
        // Offer the name the workspace was made with; a typo in it can be fixed here.
        if (p.displayName && name() === '') setName(p.displayName);
      },
      (err) => {
        if (isCurrent && err instanceof RelayApiError && err.status === 401) setInvalid(true);
        // Anything else (network, an older server): the plain form still works.
      },
    );
  });
  const isValid = () => displayNameSchema.safeParse(name()).success;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!isValid() || isBusy()) return;
    setBusy(true);
    setError(null);
    try {
      const result = await relayApi.redeemInvite(location.origin, props.token, name().trim());
      await app.saveWorkspace({
        id: result.workspaceId,
        name: result.workspaceName,
        serverOrigin: location.origin,
        memberId: result.memberId,
        memberToken: result.memberToken,
        role: result.role,
        displayName: result.displayName,
        joinedAt: Date.now(),
        colour: colourIndex(result.colour),
        isLocalDemo: false,
      });
      // The invite token has done its job: drop it from the address bar and history.
      history.replaceState(null, '', `${location.pathname}#/`);
      navigate({ name: 'workspace', workspaceId: result.workspaceId, view: 'dashboard' });
    } catch (err) {
      if (err instanceof RelayApiError && err.status >= 400 && err.status < 500) {
        setError(err.status === 400 ? errorText(err) : t('join.invalid'));
      } else {
        setError(t('join.failed', { message: errorText(err) }));
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="page narrow">
      <h1>{t('join.title')}</h1>
      <p class="join-intro">
        {(() => {
          const p = preview();
          if (isInvalid()) return '';
          if (!p) return t('join.intro');
          const role = t(`role.${p.role}`);
          if (p.displayName) {
            // A first admin still named by the role word ("管理员") is named once, not twice.
            return p.displayName.trim() === role
              ? t('join.claimIntroRole', { workspace: p.workspaceName, role })
              : t('join.claimIntro', { workspace: p.workspaceName, name: p.displayName, role });
          }
          return t('join.inviteIntro', { workspace: p.workspaceName, role });
        })()}
      </p>
      <Show when={isInvalid()}>
        <p class="error" role="alert">
          {t('join.invalid')}
        </p>
        <p>
          <a class="btn" href="#/">
            {t('home.title')}
          </a>
        </p>
      </Show>
      <Show when={!isInvalid()}>
        <form class="form" onSubmit={(e) => void submit(e)}>
          <label class="field">
            <span>{t('join.displayName')}</span>
            <input
              dir="auto"
              name="displayName"
              autocomplete="nickname"
              maxLength={40}
              placeholder={t('join.displayNameHint')}
              value={name()}
              onInput={(e) => setName(e.currentTarget.value)}
              required
            />
          </label>
          <Show when={!isOnline()}>
            <p class="warning">{t('join.offline')}</p>
          </Show>
          <button
            type="submit"
            class="btn primary"
            disabled={!isValid() || isBusy() || !isOnline()}
          >
            {isBusy() ? t('join.joining') : t('join.submit')}
          </button>
          <Show when={error()}>
            {(e) => (
              <p class="error" role="alert">
                {e()}
              </p>
            )}
          </Show>
        </form>
      </Show>
    </main>
  );
}

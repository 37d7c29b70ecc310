import type { Role } from '@grassroots/shared';
import { createResource, createSignal, For, type JSX, Show } from 'solid-js';
import { relayApi } from '../api/relayApi.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { useWorkspace } from '../WorkspaceContext.tsx';

const INVITE_ROLES: Role[] = ['editor', 'viewer', 'admin'];

/** Admins invite people as editors or viewers (township reviewers), and see who is a member. */
export function MembersView(): JSX.Element {
  const { t } = useI18n();
  const ws = useWorkspace();
  const entry = ws.entry;
  const [members] = createResource(() =>
    relayApi.listMembers(entry.serverOrigin, entry.id, entry.memberToken),
  );
  const [role, setRole] = createSignal<Role>('editor');
  const [invite, setInvite] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [isCopied, setCopied] = createSignal(false);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setCopied(false);
    try {
      const result = await relayApi.createInvite(entry.serverOrigin, entry.id, entry.memberToken, {
        role: role(),
      });
      setInvite(result.url);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const copy = async () => {
    const url = invite();
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // clipboard blocked (e.g. in-app browsers): the link stays selectable
    }
  };
  return (
    <Show when={ws.can('manageMembers')} fallback={<p>{t('members.onlyAdmin')}</p>}>
      <h1>{t('members.title')}</h1>
      <section class="panel">
        <h2>{t('members.invite')}</h2>
        <form class="form inline-form" onSubmit={(e) => void create(e)}>
          <label class="field">
            <span>{t('members.inviteRole')}</span>
            <select
              name="role"
              value={role()}
              onChange={(e) => setRole(e.currentTarget.value as Role)}
            >
              <For each={INVITE_ROLES}>{(r) => <option value={r}>{t(`role.${r}`)}</option>}</For>
            </select>
          </label>
          <button type="submit" class="btn primary" disabled={!navigator.onLine}>
            {t('members.createInvite')}
          </button>
        </form>
        <Show when={!navigator.onLine}>
          <p class="warning">{t('members.offline')}</p>
        </Show>
        <Show when={invite()}>
          {(url) => (
            <div class="invite-box">
              <p>{t('members.inviteReady')}</p>
              <input
                class="invite-url"
                readOnly
                value={url()}
                onFocus={(e) => e.currentTarget.select()}
              />
              <button type="button" class="btn" onClick={() => void copy()}>
                {isCopied() ? t('members.copied') : t('members.copy')}
              </button>
            </div>
          )}
        </Show>
        <Show when={error()}>
          {(e) => (
            <p class="error" role="alert">
              {t('common.error', { message: e() })}
            </p>
          )}
        </Show>
      </section>
      <section class="panel">
        <h2>{t('members.list')}</h2>
        <Show when={members.error}>
          <p class="error">{t('members.loadFailed', { message: String(members.error) })}</p>
        </Show>
        <ul class="plain-list">
          <For each={members()?.members.filter((m) => !m.revoked) ?? []}>
            {(m) => (
              <li>
                <strong>{m.displayName}</strong> <span class="muted">{t(`role.${m.role}`)}</span>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}

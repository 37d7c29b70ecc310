import type { BlobUsageInfo, InviteInfo, MemberInfo, Role } from '@grassroots/shared';
import {
  createMemo,
  createResource,
  createSignal,
  For,
  type JSX,
  lazy,
  Show,
  Suspense,
} from 'solid-js';
import { RelayApiError, relayApi } from '../api/relayApi.ts';
import { Sentence } from '../components/Sentence.tsx';
import { ConfirmDialog } from '../history/ConfirmDialog.tsx';
import { createIsOnline } from '../history/createIsOnline.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { useNameOrder } from '../i18n/nameOrder.ts';
import { beijingDay } from '../i18n/time.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';

const ROLES: Role[] = ['editor', 'viewer', 'admin'];
const EXPIRIES = [
  { key: '1d', hours: 24 },
  { key: '7d', hours: 24 * 7 },
  { key: '30d', hours: 24 * 30 },
  { key: 'never', hours: null },
] as const;
const USES = [1, 10, 50, null] as const;

/** The QR code and its library load only when someone opens one. */
const InviteQr = lazy(() => import('./InviteQr.tsx').then((m) => ({ default: m.InviteQr })));

const HOUR = 3_600_000;

/** Whether an invite can still be used, and if not, why. */
function inviteState(i: InviteInfo, now: number): 'live' | 'revoked' | 'expired' | 'usedUp' {
  if (i.revoked) return 'revoked';
  if (i.expiresAt !== null && Date.parse(i.expiresAt) <= now) return 'expired';
  if (i.maxUses !== null && i.uses >= i.maxUses) return 'usedUp';
  return 'live';
}

/**
 * Members and invites. Everyone sees who is a member; admins invite (link and QR code), see
 * every invite's expiry and uses and revoke it, change roles and remove members. The last admin
 * and oneself are left alone (the relay refuses those too).
 */
export function MembersView(): JSX.Element {
  const { t, errorText } = useI18n();
  const names = useNameOrder();
  const ws = useWorkspace();
  const entry = ws.entry;
  const isAdmin = () => ws.can('manageMembers');
  const isOnline = createIsOnline();
  const [members, { refetch: refetchMembers }] = createResource(() =>
    relayApi.listMembers(entry.serverOrigin, entry.id, entry.memberToken),
  );
  const [invites, { refetch: refetchInvites }] = createResource(isAdmin, () =>
    relayApi.listInvites(entry.serverOrigin, entry.id, entry.memberToken),
  );
  /** BLOB-10: what the workspace's files take on the relay, for the admin who must ask for more. */
  const [fileUsage] = createResource(isAdmin, () =>
    relayApi.blobUsage(entry.serverOrigin, entry.id, entry.memberToken),
  );
  const [error, setError] = createSignal<string | null>(null);
  const [confirming, setConfirming] = createSignal<
    | { kind: 'remove'; member: MemberInfo }
    | { kind: 'revoke'; invite: InviteInfo }
    | { kind: 'role'; member: MemberInfo; role: Role }
    | null
  >(null);
  const [isBusy, setBusy] = createSignal(false);

  const messageOf = (err: unknown) => {
    if (err instanceof RelayApiError && err.code === 'last_admin') return t('members.lastAdmin');
    if (err instanceof RelayApiError && err.code === 'conflict') return t('members.notSelf');
    return t('common.error', { message: errorText(err) });
  };
  /** Runs one change against the relay, then reloads what it touched. */
  const act = async (run: () => Promise<unknown>, reload: () => unknown) => {
    setError(null);
    setBusy(true);
    try {
      await run();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
      await reload();
    }
  };

  /** Members by name, in the order of the UI language (NAME-1). */
  const byName = createMemo(() => names.sort(members()?.members ?? [], (m) => m.displayName));
  const active = () => byName().filter((m) => !m.revoked);
  const removed = () => byName().filter((m) => m.revoked);
  const adminCount = () => active().filter((m) => m.role === 'admin').length;
  /** Admins manage others; the last admin stays an admin (and is always oneself here). */
  const canManage = (m: MemberInfo) =>
    isAdmin() && m.id !== entry.memberId && !(m.role === 'admin' && adminCount() <= 1);

  /** The sign-in link for a member's new phone, shown under that member's row. */
  const [deviceLink, setDeviceLink] = createSignal<{ memberId: string; url: string } | null>(null);
  const makeDeviceLink = (m: MemberInfo) =>
    act(async () => {
      const result = await relayApi.createDeviceInvite(
        entry.serverOrigin,
        entry.id,
        entry.memberToken,
        m.id,
      );
      setDeviceLink({ memberId: m.id, url: result.url });
    }, refetchInvites);
  /**
   * The link `workspace create` made with the workspace for its first admin: the workspace's
   * first invite, which signs that admin in (listed as such, not as a new phone's).
   */
  const firstInviteId = () => {
    const all = invites()?.invites ?? [];
    const first = all.reduce<InviteInfo | null>(
      (a, b) => (a === null || Date.parse(b.createdAt) < Date.parse(a.createdAt) ? b : a),
      null,
    );
    return first?.claimsMemberId ? first.id : null;
  };
  const nameOf = (memberId: string | null) =>
    memberId === null
      ? null
      : (members()?.members.find((m) => m.id === memberId)?.displayName ?? null);

  const changeRole = (m: MemberInfo, role: Role) =>
    act(
      () => relayApi.changeMemberRole(entry.serverOrigin, entry.id, entry.memberToken, m.id, role),
      refetchMembers,
    );
  const confirm = () => {
    const c = confirming();
    if (!c) return;
    if (c.kind === 'role') {
      void changeRole(c.member, c.role).then(() => setConfirming(null));
      return;
    }
    void act(
      () =>
        c.kind === 'remove'
          ? relayApi.removeMember(entry.serverOrigin, entry.id, entry.memberToken, c.member.id)
          : relayApi.revokeInvite(entry.serverOrigin, entry.id, entry.memberToken, c.invite.id),
      c.kind === 'remove' ? refetchMembers : refetchInvites,
    ).then(() => setConfirming(null));
  };

  return (
    <>
      <h1>{t('members.title')}</h1>
      <Show when={!isOnline()}>
        <p class="warning">{t('members.offline')}</p>
      </Show>
      <Show when={error()}>
        {(e) => (
          <p class="error" role="alert">
            {e()}
          </p>
        )}
      </Show>
      <Show when={isAdmin()}>
        <InvitePanel
          isOnline={isOnline()}
          onCreated={() => void refetchInvites()}
          onError={(err) => setError(messageOf(err))}
        />
      </Show>
      <section class="panel" aria-labelledby="members-list-title">
        <h2 id="members-list-title">{t('members.list')}</h2>
        <Show when={members.error}>
          <p class="error">{t('members.loadFailed', { message: String(members.error) })}</p>
        </Show>
        <Show when={!isAdmin()}>
          <p class="muted">{t('members.readOnly')}</p>
        </Show>
        <ul class="plain-list member-list">
          <For each={active()}>
            {(m) => (
              <li class="member-row" data-member={m.id}>
                <div class="member-who">
                  <span>
                    <strong>
                      <bdi>{m.displayName}</bdi>
                    </strong>
                    <Show when={m.id === entry.memberId}>
                      <span class="muted"> {t('members.you')}</span>
                    </Show>
                  </span>
                  <span class="muted small">
                    {t('members.joinedAt', { date: beijingDay(Date.parse(m.createdAt)) })}
                  </span>
                </div>
                <div class="btn-row member-actions">
                  <Show
                    when={canManage(m)}
                    fallback={<span class="tag member-role">{t(`role.${m.role}`)}</span>}
                  >
                    <select
                      aria-label={t('members.roleOf', { name: m.displayName })}
                      value={m.role}
                      disabled={!isOnline() || isBusy()}
                      onChange={(e) => {
                        // Asked first (what the member may do changes at once, on every device);
                        // the list shows the role it has until then.
                        const role = e.currentTarget.value as Role;
                        e.currentTarget.value = m.role;
                        setConfirming({ kind: 'role', member: m, role });
                      }}
                    >
                      <For each={ROLES}>{(r) => <option value={r}>{t(`role.${r}`)}</option>}</For>
                    </select>
                    <button
                      type="button"
                      class="btn small"
                      aria-label={t('members.removeLabel', { name: m.displayName })}
                      disabled={!isOnline() || isBusy()}
                      onClick={() => setConfirming({ kind: 'remove', member: m })}
                    >
                      {t('members.remove')}
                    </button>
                  </Show>
                  <Show when={isAdmin()}>
                    <button
                      type="button"
                      class="btn small"
                      aria-label={t('members.newDeviceLabel', { name: m.displayName })}
                      aria-expanded={deviceLink()?.memberId === m.id}
                      disabled={!isOnline() || isBusy()}
                      onClick={() =>
                        deviceLink()?.memberId === m.id
                          ? setDeviceLink(null)
                          : void makeDeviceLink(m)
                      }
                    >
                      {t('members.newDevice')}
                    </button>
                  </Show>
                </div>
                <Show when={deviceLink()?.memberId === m.id ? deviceLink() : null}>
                  {(link) => (
                    <div class="device-link">
                      <h3>
                        <Sentence
                          template={t('members.newDeviceTitle')}
                          params={{ name: m.displayName }}
                        />
                      </h3>
                      <p class="small">
                        <Sentence
                          template={t('members.newDeviceHint')}
                          params={{ name: m.displayName }}
                        />
                      </p>
                      <InviteLinkBox url={link().url} />
                    </div>
                  )}
                </Show>
              </li>
            )}
          </For>
        </ul>
        <Show when={removed().length > 0}>
          <h3 class="removed-title">{t('members.removed')}</h3>
          <p class="muted small">{t('members.removedHint')}</p>
          <ul class="plain-list member-list removed-members">
            <For each={removed()}>
              {(m) => (
                <li class="member-row muted">
                  <span>
                    <bdi>{m.displayName}</bdi>
                  </span>
                  <span class="tag">{t(`role.${m.role}`)}</span>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>
      <Show when={isAdmin()}>
        <section class="panel" aria-labelledby="invites-title">
          <h2 id="invites-title">{t('members.invites')}</h2>
          <Show when={invites.error}>
            <p class="error">{t('members.loadFailed', { message: String(invites.error) })}</p>
          </Show>
          <Show
            when={(invites()?.invites.length ?? 0) > 0}
            fallback={<p class="muted">{t('members.noInvites')}</p>}
          >
            <ul class="plain-list invite-list">
              <For each={[...(invites()?.invites ?? [])].reverse()}>
                {(i) => (
                  <InviteRow
                    invite={i}
                    claimedName={nameOf(i.claimsMemberId)}
                    isWorkspaceStart={i.id === firstInviteId()}
                    isOnline={isOnline()}
                    onRevoke={() => setConfirming({ kind: 'revoke', invite: i })}
                  />
                )}
              </For>
            </ul>
          </Show>
        </section>
      </Show>
      <Show when={isAdmin() && !fileUsage.error && fileUsage()}>
        {(u) => <FileUsagePanel usage={u()} />}
      </Show>
      <ConfirmDialog
        isOpen={confirming() !== null}
        title={(() => {
          const c = confirming();
          if (!c) return '';
          if (c.kind === 'role') {
            return (
              <Sentence
                template={t('members.roleTitle')}
                params={{ name: c.member.displayName, role: t(`role.${c.role}`) }}
              />
            );
          }
          return c.kind === 'remove' ? (
            <Sentence template={t('members.removeTitle')} params={{ name: c.member.displayName }} />
          ) : (
            t('members.revokeTitle')
          );
        })()}
        message={(() => {
          const c = confirming();
          if (!c) return '';
          if (c.kind === 'role') return t(`members.roleMessage.${c.role}`);
          return c.kind === 'remove' ? (
            <Sentence
              template={t('members.removeMessage')}
              params={{ name: c.member.displayName }}
            />
          ) : (
            t('members.revokeMessage')
          );
        })()}
        confirmLabel={
          confirming()?.kind === 'revoke'
            ? t('members.revoke')
            : confirming()?.kind === 'role'
              ? t('members.roleChange')
              : t('members.remove')
        }
        isBusy={isBusy()}
        onConfirm={confirm}
        onCancel={() => setConfirming(null)}
      />
    </>
  );
}

/** One invite: role, when made, expiry, uses, and revoke while it can still be used. */
function InviteRow(props: {
  invite: InviteInfo;
  /** The member a new-phone link signs in, by name. */
  claimedName: string | null;
  /** The link `workspace create` made for the first admin (labelled so, not as a new phone). */
  isWorkspaceStart: boolean;
  isOnline: boolean;
  onRevoke: () => void;
}): JSX.Element {
  const { t } = useI18n();
  const state = () => inviteState(props.invite, Date.now());
  const created = () => beijingDay(Date.parse(props.invite.createdAt));
  const expiry = () => {
    const at = props.invite.expiresAt;
    if (at === null) return t('members.neverExpires');
    const left = Date.parse(at) - Date.now();
    if (left <= 0) return t('members.expired');
    if (left < 24 * HOUR) return t('members.expiresInHours', { n: Math.ceil(left / HOUR) });
    return t('members.expiresInDays', { n: Math.ceil(left / (24 * HOUR)) });
  };
  const uses = () =>
    props.invite.maxUses === null
      ? t('members.usesUnlimited', { used: props.invite.uses })
      : t('members.usesOf', { used: props.invite.uses, max: props.invite.maxUses });
  return (
    <li class="invite-row" data-invite={props.invite.id} data-state={state()}>
      <div class="invite-facts">
        <span class="tag">{t(`role.${props.invite.role}`)}</span>
        <Show when={props.claimedName}>
          {(name) => (
            <span class="tag">
              <Sentence
                template={t(
                  props.isWorkspaceStart ? 'members.firstAdminLink' : 'members.forMember',
                )}
                params={{ name: name() }}
              />
            </span>
          )}
        </Show>
        <span class="small">{t('members.createdAt', { date: created() })}</span>
        <Show when={state() === 'live' || state() === 'expired'}>
          <span class={state() === 'expired' ? 'tag bad' : 'small'}>{expiry()}</span>
        </Show>
        <span class="small invite-uses">{uses()}</span>
        <Show when={state() === 'revoked'}>
          <span class="tag bad">{t('members.revoked')}</span>
        </Show>
        <Show when={state() === 'usedUp'}>
          <span class="tag">{t('members.usedUp')}</span>
        </Show>
      </div>
      <Show when={state() === 'live'}>
        <button
          type="button"
          class="btn small"
          aria-label={t('members.revokeLabel', {
            role: t(`role.${props.invite.role}`),
            date: created(),
          })}
          disabled={!props.isOnline}
          onClick={() => props.onRevoke()}
        >
          {t('members.revoke')}
        </button>
      </Show>
    </li>
  );
}

/** Makes an invite: role, how long and how often it works; shows the link and, on demand, a QR. */
function InvitePanel(props: {
  isOnline: boolean;
  onCreated: () => void;
  onError: (err: unknown) => void;
}): JSX.Element {
  const { t } = useI18n();
  const entry = useWorkspace().entry;
  const [role, setRole] = createSignal<Role>('editor');
  const [expiry, setExpiry] = createSignal<(typeof EXPIRIES)[number]['key']>('7d');
  const [maxUses, setMaxUses] = createSignal<(typeof USES)[number]>(10);
  const [invite, setInvite] = createSignal<string | null>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    setInvite(null);
    try {
      const hours = EXPIRIES.find((x) => x.key === expiry())?.hours ?? null;
      const uses = maxUses();
      const result = await relayApi.createInvite(entry.serverOrigin, entry.id, entry.memberToken, {
        role: role(),
        ...(hours === null ? {} : { expiresInHours: hours }),
        ...(uses === null ? {} : { maxUses: uses }),
      });
      setInvite(result.url);
      props.onCreated();
    } catch (err) {
      props.onError(err);
    }
  };
  return (
    <section class="panel" aria-labelledby="invite-title">
      <h2 id="invite-title">{t('members.invite')}</h2>
      <form class="form invite-form" onSubmit={(e) => void create(e)}>
        <label class="field">
          <span>{t('members.inviteRole')}</span>
          <select
            name="role"
            value={role()}
            onChange={(e) => setRole(e.currentTarget.value as Role)}
          >
            <For each={ROLES}>{(r) => <option value={r}>{t(`role.${r}`)}</option>}</For>
          </select>
        </label>
        <label class="field">
          <span>{t('members.inviteExpiry')}</span>
          <select
            name="expiry"
            value={expiry()}
            onChange={(e) => setExpiry(e.currentTarget.value as (typeof EXPIRIES)[number]['key'])}
          >
            <For each={EXPIRIES}>
              {(x) => <option value={x.key}>{t(`members.expiry.${x.key}`)}</option>}
            </For>
          </select>
        </label>
        <label class="field">
          <span>{t('members.inviteUses')}</span>
          <select
            name="maxUses"
            value={String(maxUses())}
            onChange={(e) => {
              const v = e.currentTarget.value;
              setMaxUses(v === 'null' ? null : (Number(v) as (typeof USES)[number]));
            }}
          >
            <For each={USES}>
              {(n) => (
                <option value={String(n)}>
                  {n === null
                    ? t('members.uses.unlimited')
                    : n === 1
                      ? t('members.uses.1')
                      : t('members.uses.n', { n })}
                </option>
              )}
            </For>
          </select>
        </label>
        <button type="submit" class="btn primary" disabled={!props.isOnline}>
          {t('members.createInvite')}
        </button>
      </form>
      <Show when={invite()}>
        {(url) => (
          <>
            <p>{t('members.inviteReady')}</p>
            <InviteLinkBox url={url()} />
          </>
        )}
      </Show>
    </section>
  );
}

/** A link to hand over: selectable, copied with one press, and as a QR code on demand. */
function InviteLinkBox(props: { url: string }): JSX.Element {
  const { t } = useI18n();
  const [isQrShown, setQrShown] = createSignal(false);
  const [isCopied, setCopied] = createSignal(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.url);
      setCopied(true);
    } catch {
      // clipboard blocked (e.g. in-app browsers): the link stays selectable
    }
  };
  return (
    <div class="invite-box">
      <input
        dir="ltr"
        class="invite-url"
        readOnly
        value={props.url}
        onFocus={(e) => e.currentTarget.select()}
      />
      <div class="btn-row">
        <button type="button" class="btn" onClick={() => void copy()}>
          {isCopied() ? t('members.copied') : t('members.copy')}
        </button>
        <button
          type="button"
          class="btn"
          aria-expanded={isQrShown()}
          onClick={() => setQrShown(!isQrShown())}
        >
          {isQrShown() ? t('members.hideQr') : t('members.showQr')}
        </button>
      </div>
      <Show when={isQrShown()}>
        <Suspense fallback={<p class="muted">{t('members.qrLoading')}</p>}>
          <InviteQr url={props.url} />
        </Suspense>
      </Show>
    </div>
  );
}

/** The space the workspace's photos and files take on the relay, and its limit (BLOB-10). */
function FileUsagePanel(props: { usage: BlobUsageInfo }): JSX.Element {
  const { t } = useI18n();
  const mb = (bytes: number) => Math.ceil(bytes / (1024 * 1024));
  const share = () => {
    const q = props.usage.quotaBytes;
    return q === null ? null : Math.min(1, props.usage.bytes / q);
  };
  return (
    <section class="panel file-usage" aria-labelledby="file-usage-title">
      <h2 id="file-usage-title">{t('att.title')}</h2>
      <Show
        when={props.usage.quotaBytes}
        fallback={
          <p>
            {t('members.filesUsageNoQuota', {
              used: mb(props.usage.bytes),
              files: props.usage.files,
            })}
          </p>
        }
      >
        {(quota) => (
          <>
            <p>
              {t('members.filesUsage', {
                used: mb(props.usage.bytes),
                quota: mb(quota()),
                files: props.usage.files,
              })}
            </p>
            <meter
              class="file-usage-meter"
              min={0}
              max={1}
              low={0.7}
              high={0.9}
              optimum={0}
              value={share() ?? 0}
              aria-hidden="true"
            />
            <Show when={(share() ?? 0) >= 0.9}>
              <p class="warning">{t('members.filesNearlyFull')}</p>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}

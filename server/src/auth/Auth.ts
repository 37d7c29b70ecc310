import {
  type CreateInviteBody,
  can,
  type InviteInfo,
  type InvitePreview,
  MEMBER_COLOURS,
  type MemberInfo,
  type Role,
} from '@grassroots/shared';
import { forbidden, HttpError, notFound, unauthorized } from '../errors.ts';
import type { AuthStore, Invite, Member, Workspace } from '../storage/DocStore.ts';
import { hashToken, newId, newToken } from './tokens.ts';

export type CreatedWorkspace = {
  workspace: Workspace;
  /** The first admin, under the name given. */
  admin: Member;
  /** The admin's token until the invite is redeemed (then the redeeming device's token counts). */
  adminToken: string;
  /** A one-use invite (7 days) that makes the device opening it this very admin. */
  inviteToken: string;
};

export const memberInfo = (m: Member, colour: number): MemberInfo => ({
  id: m.id,
  displayName: m.displayName,
  role: m.role,
  createdAt: new Date(m.createdAt).toISOString(),
  revoked: m.revokedAt !== null,
  colour,
});

/**
 * The members of a workspace as others see them, by id, each with their colour: their place in
 * the order they joined (removed members keep theirs: they stay stored), so the first
 * `MEMBER_COLOURS` never share one. A hash of the id gave two of two members the same.
 */
export function memberInfos(members: readonly Member[]): Map<string, MemberInfo> {
  const joined = [...members].sort((a, b) =>
    a.createdAt !== b.createdAt ? a.createdAt - b.createdAt : a.id < b.id ? -1 : 1,
  );
  const colours = new Map(joined.map((m, i) => [m.id, i % MEMBER_COLOURS] as const));
  return new Map(members.map((m) => [m.id, memberInfo(m, colours.get(m.id)!)] as const));
}

export const inviteInfo = (i: Invite): InviteInfo => ({
  id: i.id,
  role: i.role,
  createdAt: new Date(i.createdAt).toISOString(),
  expiresAt: i.expiresAt === null ? null : new Date(i.expiresAt).toISOString(),
  revoked: i.revokedAt !== null,
  uses: i.uses,
  maxUses: i.maxUses,
  claimsMemberId: i.claimsMemberId ?? null,
});

/** How long a link for a member's new device works: it hands over a member, so not for long. */
export const DEVICE_INVITE_HOURS = 24;

/** Workspaces, members, invites and the token checks in front of every room and API call. */
export class Auth {
  constructor(
    private readonly store: AuthStore,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Creates a workspace with its first admin under `adminName` and a one-use invite that claims
   * that admin: whoever opens it is this member (one admin, no second one made by the invite).
   */
  async createWorkspace(name: string, adminName = '管理员'): Promise<CreatedWorkspace> {
    const at = this.now();
    const workspace: Workspace = { id: newId(), name, createdAt: at };
    await this.store.createWorkspace(workspace);
    const adminToken = newToken('member');
    const admin: Member = {
      id: newId(),
      workspaceId: workspace.id,
      displayName: adminName,
      role: 'admin',
      createdAt: at,
      revokedAt: null,
    };
    await this.store.createMember(admin, hashToken(adminToken));
    const { token: inviteToken } = await this.createInvite(workspace.id, admin.id, {
      role: 'admin',
      maxUses: 1,
      expiresInHours: 24 * 7,
      claimsMemberId: admin.id,
    });
    return { workspace, admin, adminToken, inviteToken };
  }

  /**
   * The member a token belongs to, checked against the workspace asked for: no or unknown or
   * revoked token → 401; a token of another workspace → 403.
   */
  async authenticate(token: string | null | undefined, workspaceId: string): Promise<Member> {
    if (!token) throw unauthorized('a member token is required', 'tokenRequired');
    const member = await this.store.findMemberByTokenHash(hashToken(token));
    if (!member) throw unauthorized('unknown token', 'tokenUnknown');
    if (member.revokedAt !== null)
      throw unauthorized('this token has been revoked', 'tokenRevoked');
    if (member.workspaceId !== workspaceId) {
      throw forbidden('this token belongs to another workspace', 'otherWorkspace');
    }
    return member;
  }

  /** Like authenticate, and also requires the role to allow the action. */
  async authorize(
    token: string | null | undefined,
    workspaceId: string,
    action: Parameters<typeof can>[1],
  ): Promise<Member> {
    const member = await this.authenticate(token, workspaceId);
    if (!can(member.role, action)) throw forbidden(`a ${member.role} may not ${action}`);
    return member;
  }

  /**
   * MEM-7: a request with a body is authorized before the body is read (nothing is read for a
   * refused token) and again once it is here, before anything is done with it. A request may
   * take a minute to arrive: a member removed or demoted meanwhile is refused as they would be
   * after (a removed admin's invite sent slowly made a new admin after the removal).
   */
  async authorizeWithBody<T>(
    token: string | null | undefined,
    workspaceId: string,
    action: Parameters<typeof can>[1],
    read: () => Promise<T>,
  ): Promise<{ member: Member; body: T }> {
    await this.authorize(token, workspaceId, action);
    const body = await read();
    return { member: await this.authorize(token, workspaceId, action), body };
  }

  async workspace(id: string): Promise<Workspace> {
    const w = await this.store.getWorkspace(id);
    if (!w) throw notFound('no such workspace', 'workspaceNotFound');
    return w;
  }

  async createInvite(
    workspaceId: string,
    createdBy: string | null,
    body: CreateInviteBody & { claimsMemberId?: string },
  ): Promise<{ invite: Invite; token: string }> {
    const at = this.now();
    const token = newToken('invite');
    const invite: Invite = {
      id: newId(),
      workspaceId,
      role: body.role,
      createdBy,
      createdAt: at,
      expiresAt: body.expiresInHours === undefined ? null : at + body.expiresInHours * 3_600_000,
      revokedAt: null,
      uses: 0,
      maxUses: body.maxUses ?? null,
      claimsMemberId: body.claimsMemberId ?? null,
    };
    await this.store.createInvite(invite, hashToken(token));
    return { invite, token };
  }

  /**
   * A one-use link, valid for DEVICE_INVITE_HOURS, that signs a new device in as `memberId` (a
   * replaced or lost phone): whoever opens it is that member, with the member's role and history,
   * and the device it had is signed out. 404 for a removed or unknown member.
   */
  async createDeviceInvite(
    workspaceId: string,
    /** The admin who makes it; null when the server's operator does (CLI). */
    createdBy: string | null,
    memberId: string,
  ): Promise<{ invite: Invite; token: string }> {
    const member = await this.store.getMember(workspaceId, memberId);
    if (!member || member.revokedAt !== null) {
      throw notFound('no such member', 'memberNotFound');
    }
    // One live link per member: an earlier one (sent to the wrong person, lost) stops working.
    const at = this.now();
    for (const earlier of await this.store.listInvites(workspaceId)) {
      const isLive =
        earlier.revokedAt === null &&
        (earlier.expiresAt === null || earlier.expiresAt > at) &&
        (earlier.maxUses === null || earlier.uses < earlier.maxUses);
      if (isLive && earlier.claimsMemberId === memberId) {
        await this.store.revokeInvite(workspaceId, earlier.id, at);
      }
    }
    return this.createInvite(workspaceId, createdBy, {
      role: member.role,
      maxUses: 1,
      expiresInHours: DEVICE_INVITE_HOURS,
      claimsMemberId: member.id,
    });
  }

  /** What a live invite leads to; 401 if it is unknown, revoked, expired or used up. */
  async preview(inviteToken: string): Promise<InvitePreview> {
    const invite = await this.store.findLiveInvite(hashToken(inviteToken), this.now());
    if (!invite)
      throw unauthorized('this invite is unknown, revoked, expired or used up', 'inviteInvalid');
    const workspace = await this.workspace(invite.workspaceId);
    const claimed = invite.claimsMemberId
      ? await this.store.getMember(invite.workspaceId, invite.claimsMemberId)
      : null;
    return {
      workspaceName: workspace.name,
      role: invite.role,
      displayName: claimed?.displayName ?? null,
    };
  }

  /**
   * Turns an invite token into a member with a new token: a new member under `displayName`, or
   * the member the invite claims, now under `displayName` (the join page offers the name it was
   * made with, so a typo from the command line can be fixed). 401 if the invite is not live.
   */
  async redeem(
    inviteToken: string,
    displayName: string,
  ): Promise<{ member: Member; token: string; workspace: Workspace; isHandover: boolean }> {
    const token = newToken('member');
    const at = this.now();
    let isHandover = false;
    const member = await this.store.redeemInvite(hashToken(inviteToken), at, (invite) => {
      isHandover = Boolean(invite.claimsMemberId);
      return {
        member: {
          id: newId(),
          workspaceId: invite.workspaceId,
          displayName,
          role: invite.role as Role,
          createdAt: at,
          revokedAt: null,
        },
        tokenHash: hashToken(token),
      };
    });
    if (!member)
      throw unauthorized('this invite is unknown, revoked, expired or used up', 'inviteInvalid');
    return { member, token, workspace: await this.workspace(member.workspaceId), isHandover };
  }

  /** A member as others see them, with their colour (see `memberInfos`). */
  async infoOf(member: Member): Promise<MemberInfo> {
    const all = await this.listMembers(member.workspaceId);
    return memberInfos(all.some((m) => m.id === member.id) ? all : [...all, member]).get(
      member.id,
    )!;
  }

  listMembers(workspaceId: string): Promise<Member[]> {
    return this.store.listMembers(workspaceId);
  }

  listInvites(workspaceId: string): Promise<Invite[]> {
    return this.store.listInvites(workspaceId);
  }

  async revokeInvite(workspaceId: string, inviteId: string): Promise<void> {
    if (!(await this.store.revokeInvite(workspaceId, inviteId, this.now()))) {
      throw notFound('no such invite', 'inviteNotFound');
    }
  }

  /** Changes a member's role or name, or removes the member (kept, marked removed, for history). */
  async changeMember(
    workspaceId: string,
    memberId: string,
    change: { role?: Role; displayName?: string; revoke?: boolean },
  ): Promise<Member> {
    const updated = await this.store.updateMemberKeepingAnAdmin(workspaceId, memberId, {
      ...(change.role ? { role: change.role } : {}),
      ...(change.displayName ? { displayName: change.displayName } : {}),
      ...(change.revoke ? { revokedAt: this.now() } : {}),
    });
    if (!updated) throw notFound('no such member', 'memberNotFound');
    if (updated === 'last-admin') {
      throw new HttpError(
        409,
        'last_admin',
        'the last admin cannot be removed or demoted: make another member admin first',
        'lastAdmin',
      );
    }
    return updated;
  }
}

import type { Invite, Member, StoredUpdate } from './DocStore.ts';

/**
 * The rows both SQL engines store (same column names) and their mapping to the store's types, so
 * SQLite and PostgreSQL read members, invites and updates the same way.
 */
export type UpdateRow = {
  seq: number;
  author_id: string;
  first_at: number;
  last_at: number;
  count: number;
  data: Buffer;
};
export type MemberRow = {
  id: string;
  workspace_id: string;
  display_name: string;
  role: Member['role'];
  created_at: number;
  revoked_at: number | null;
};
export type InviteRow = {
  id: string;
  workspace_id: string;
  role: Invite['role'];
  created_by: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  uses: number;
  max_uses: number | null;
  claims_member_id: string | null;
};

export const toUpdate = (row: UpdateRow): StoredUpdate => ({
  seq: row.seq,
  authorId: row.author_id,
  firstAt: row.first_at,
  lastAt: row.last_at,
  count: row.count,
  update: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength),
});
export const toMember = (row: MemberRow): Member => ({
  id: row.id,
  workspaceId: row.workspace_id,
  displayName: row.display_name,
  role: row.role,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
});
export const toInvite = (row: InviteRow): Invite => ({
  id: row.id,
  workspaceId: row.workspace_id,
  role: row.role,
  createdBy: row.created_by,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  uses: row.uses,
  maxUses: row.max_uses,
  claimsMemberId: row.claims_member_id ?? null,
});
/** The bytes as a Buffer over the same memory (what both drivers bind). */
export const toBuffer = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The invite if it is live at `at` (not revoked, expired or used up), else null. */
export function liveInvite(invite: Invite, at: number): Invite | null {
  const isLive =
    invite.revokedAt === null &&
    (invite.expiresAt === null || invite.expiresAt > at) &&
    (invite.maxUses === null || invite.uses < invite.maxUses);
  return isLive ? invite : null;
}

import type { HistoryMark, Role } from '@grassroots/shared';

/** One stored row of a doc's update log: one or more updates of one author, merged. */
export type StoredUpdate = {
  /** Position in the room's log; rows are applied in this order. */
  seq: number;
  /** The authenticated member who sent it (never what a client claims). */
  authorId: string;
  /** Epoch ms of the first and last update merged into this row. */
  firstAt: number;
  lastAt: number;
  /** How many updates were merged into this row. */
  count: number;
  update: Uint8Array;
};

export type NewUpdate = {
  room: string;
  authorId: string;
  at: number;
  update: Uint8Array;
};

export type CompactOptions = {
  /** Only rows whose lastAt is before this epoch ms are merged. */
  before: number;
  /** Rows of one author closer together than this, ms, are merged. */
  burstGapMs: number;
  /** A merged row never grows past this many bytes. */
  maxRowBytes: number;
};

export type CompactResult = { rowsBefore: number; rowsAfter: number };

export type NamedVersion = {
  id: string;
  room: string;
  /** The log position the name refers to: the state after applying rows up to and including seq. */
  seq: number;
  name: string;
  authorId: string;
  at: number;
};

/** HIST-8: a stored row the server wrote for a restore or a member revert, and what it was. */
export type StoredMark = {
  room: string;
  seq: number;
  mark: HistoryMark;
  authorId: string;
  at: number;
};

/**
 * Durable log of every accepted update, per room, with its author and time. Appending is the
 * commit point: the relay relays an update only after `appendUpdates` resolved.
 */
export interface DocStore {
  /** Commits a batch atomically; resolves with the seq given to each, in order. */
  appendUpdates(batch: readonly NewUpdate[]): Promise<number[]>;
  /** Rows of a room in seq order, optionally only those with seq ≤ uptoSeq or > afterSeq. */
  loadUpdates(
    room: string,
    range?: { afterSeq?: number; uptoSeq?: number },
  ): Promise<StoredUpdate[]>;
  /** The last seq stored for each of the rooms (0 for a room with nothing stored). */
  lastSeqs(rooms: readonly string[]): Promise<Map<string, number>>;
  /**
   * SYNC-3: the id of this store's line of rows. Seqs are only comparable under one id: a store
   * made from a backup (restored, or a backup served as it is) gets a new one, because its rows
   * after the backup's moment differ from the ones devices were told of. Stable across restarts.
   */
  storeId(): Promise<string>;
  /**
   * SYNC-3: gives the store a new id: its rows were put back from elsewhere (a PostgreSQL dump
   * restored, a database file copied in by hand), so seqs devices kept are not of these rows.
   */
  renewStoreId(): Promise<void>;
  /** Number of rows and bytes stored for a room. */
  roomStats(room: string): Promise<{ rows: number; bytes: number; lastSeq: number }>;
  /** Merges consecutive rows of one author (one burst of work) into one, keeping author and times. */
  compact(room: string, options: CompactOptions): Promise<CompactResult>;
  addNamedVersion(version: NamedVersion): Promise<void>;
  listNamedVersions(room: string): Promise<NamedVersion[]>;
  /** Records what a stored row was (a restore, a member revert); compaction keeps it a row of its own. */
  addHistoryMark(mark: StoredMark): Promise<void>;
  /** The marks of a room in seq order; a stored mark that no longer parses is left out. */
  listHistoryMarks(room: string): Promise<StoredMark[]>;
  close(): Promise<void>;
}

export type Workspace = {
  id: string;
  name: string;
  createdAt: number;
  /**
   * The limit of its attached files set for this workspace by the operator, MB (0: none); null
   * or absent: the relay's `workspaceBlobQuotaMb` (BLOB-10).
   */
  blobQuotaMb?: number | null;
};

/**
 * The limit of a workspace's attached files, MB (0: none): its own, else the relay's (BLOB-10).
 * `w` is null for a workspace not stored.
 */
export const blobQuotaMbOf = (w: Workspace | null, relayMb: number): number =>
  w?.blobQuotaMb ?? relayMb;

export type Member = {
  id: string;
  workspaceId: string;
  displayName: string;
  role: Role;
  createdAt: number;
  revokedAt: number | null;
};

export type Invite = {
  id: string;
  workspaceId: string;
  role: Role;
  createdBy: string | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  uses: number;
  maxUses: number | null;
  /**
   * The member this invite hands over (the first admin, named when the workspace was made): the
   * device that redeems it becomes that member instead of a new one. Absent or null otherwise.
   */
  claimsMemberId?: string | null;
};

/** Workspaces, members and invites. Tokens are only ever stored as hashes. */
export interface AuthStore {
  createWorkspace(workspace: Workspace): Promise<void>;
  getWorkspace(id: string): Promise<Workspace | null>;
  /** Every workspace, oldest first (for the operator's CLI). */
  listWorkspaces(): Promise<Workspace[]>;
  /**
   * Sets a workspace's own limit of attached files, MB (0: none; null: the relay's default).
   * Resolves false when there is no such workspace.
   */
  setWorkspaceBlobQuota(id: string, mb: number | null): Promise<boolean>;
  createMember(member: Member, tokenHash: string): Promise<void>;
  findMemberByTokenHash(tokenHash: string): Promise<Member | null>;
  getMember(workspaceId: string, memberId: string): Promise<Member | null>;
  listMembers(workspaceId: string): Promise<Member[]>;
  updateMember(
    workspaceId: string,
    memberId: string,
    change: { role?: Role; displayName?: string; revokedAt?: number },
  ): Promise<Member | null>;
  createInvite(invite: Invite, tokenHash: string): Promise<void>;
  listInvites(workspaceId: string): Promise<Invite[]>;
  revokeInvite(workspaceId: string, inviteId: string, at: number): Promise<boolean>;
  /**
   * Redeems an invite atomically: checks it is live at `at`, counts the use and creates the
   * member; an invite that claims a member gives that member the new token hash and display
   * name instead (its earlier token stops working). Resolves null when the invite is unknown, revoked, expired or
   * used up, or claims a member who was removed.
   */
  redeemInvite(
    inviteTokenHash: string,
    at: number,
    makeMember: (invite: Invite) => { member: Member; tokenHash: string },
  ): Promise<Member | null>;
  /** The invite behind a token if it is live at `at` (not revoked, expired or used up), else null. */
  findLiveInvite(inviteTokenHash: string, at: number): Promise<Invite | null>;
  /**
   * Changes a member like `updateMember`, in one transaction with the check that the workspace
   * keeps at least one admin who is not removed: resolves 'last-admin' (and changes nothing)
   * when the change would demote or remove the last one.
   */
  updateMemberKeepingAnAdmin(
    workspaceId: string,
    memberId: string,
    change: { role?: Role; displayName?: string; revokedAt?: number },
  ): Promise<Member | null | 'last-admin'>;
}

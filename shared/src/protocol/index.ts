/**
 * The wire contract between the relay and its clients: room names, roles and what each may do,
 * close codes, message types and limits. Both ends import these so they agree.
 */
import { z } from 'zod';

/** Path prefix of the WebSocket endpoint: `ws://host:port/sync/<workspaceId>/<docId>`. */
export const SYNC_PATH = '/sync';

/** Id of the workspace index doc, the room every workspace has. */
export const INDEX_DOC_ID = 'index';

/** Workspace ids, doc ids and member ids: URL-safe, short. */
export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'ids are 1-64 characters of A-Z a-z 0-9 _ -');

export type RoomName = {
  workspaceId: string;
  docId: string;
  /** For a comments doc (`<recordId>.comments`), the record it comments on; else null. */
  commentsOf: string | null;
};

/** Ends the id of a document's companion comments doc. */
export const COMMENTS_DOC_SUFFIX = '.comments';

/** The id of the comments doc of a document: comments never change the record itself. */
export function commentsDocId(docId: string): string {
  return `${docId}${COMMENTS_DOC_SUFFIX}`;
}

/** The record a comments doc id belongs to, or null when the id is not a comments doc's. */
export function recordOfComments(docId: string): string | null {
  if (!docId.endsWith(COMMENTS_DOC_SUFFIX)) return null;
  const record = docId.slice(0, -COMMENTS_DOC_SUFFIX.length);
  return idSchema.safeParse(record).success ? record : null;
}

/**
 * Parses `<workspaceId>/<docId>` (a doc id, or a doc id and `.comments`); returns null when it is
 * not a valid room name.
 */
export function parseRoomName(name: string): RoomName | null {
  const parts = name.split('/');
  if (parts.length !== 2) return null;
  const [workspaceId, docId] = parts as [string, string];
  if (!idSchema.safeParse(workspaceId).success) return null;
  const commentsOf = recordOfComments(docId);
  if (commentsOf === null && !idSchema.safeParse(docId).success) return null;
  return { workspaceId, docId, commentsOf };
}

export function roomName(workspaceId: string, docId: string): string {
  return `${workspaceId}/${docId}`;
}

export const ROLES = ['admin', 'editor', 'viewer'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export type Action =
  | 'read'
  | 'write'
  | 'manageMembers'
  | 'finalise'
  | 'reopen'
  | 'restore'
  /** Undo everything one member changed in a doc since a point (HIST-9): admins only. */
  | 'revertMember'
  | 'nameVersion'
  | 'deleteDoc'
  /** Publish to and withdraw from the workspace's public board (PUB-2). */
  | 'publish'
  /** Create or rotate the public board's link (PUB-4): admins only. */
  | 'managePublicLink';

const PERMISSIONS: Record<Role, ReadonlySet<Action>> = {
  admin: new Set<Action>([
    'read',
    'write',
    'manageMembers',
    'finalise',
    'reopen',
    'restore',
    'revertMember',
    'nameVersion',
    'deleteDoc',
    'publish',
    'managePublicLink',
  ]),
  editor: new Set<Action>(['read', 'write', 'finalise', 'restore', 'nameVersion', 'publish']),
  viewer: new Set<Action>(['read']),
};

/** What a role may do. Viewers (township reviewers) read only; admins also manage members. */
export function can(role: Role, action: Action): boolean {
  return PERMISSIONS[role].has(action);
}

/**
 * y-websocket message types. 0-3 are the standard ones (sync, awareness, auth, queryAwareness);
 * ACK is our opt-in extra: only connections that ask for it with `?ack=1` ever receive it, so a
 * stock client never sees an unknown message type.
 */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /**
   * Server → client, after each storage commit and after the first sync:
   * `varUint8Array(stateVector) varUint(writesSettled) varUint(seq)`: the room's stored state
   * vector, how many sync step-2/update messages of this connection are settled (stored, or found
   * to change nothing), and the seq up to which every stored row of the room has been sent to
   * this connection (in its first sync or relayed since). A change that only deletes does not
   * move the state vector; the count covers it. A reader skips what it does not know at the end.
   */
  ack: 100,
} as const;

/** URL query parameter names understood by the relay. */
export const SyncParam = { token: 'token', ack: 'ack' } as const;

/** WebSocket close codes (4000-4999 is the application range). */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  badFrame: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  unknownRoom: 4404,
  /** The document was deleted by an admin: only admins may open its room until it is restored. */
  docDeleted: 4410,
  tooLarge: 4413,
  rateLimited: 4429,
  storageFailed: 4500,
  /** The server reloads the document from storage (after an update failed to apply): reconnect. */
  roomReset: 4502,
  serverShutdown: 4503,
} as const;
export type CloseCodeName = keyof typeof CloseCode;

/** Reason strings sent with auth refusals (y-protocols auth message) and close frames. */
export const Reason = {
  viewerCannotWrite: 'read-only: viewers cannot change documents',
  docIsFinal: 'read-only: this record is finalised',
  docDeleted: 'the document was deleted by an admin',
  commentRefused: 'comments: this change is not allowed',
} as const;

/** Defaults for limits; the server's config can override each. */
export const DefaultLimits = {
  /** Largest WebSocket message accepted, in bytes. */
  maxMessageBytes: 16 * 1024 * 1024,
  /** Largest chunk the server sends in one message when syncing a big doc. */
  syncChunkBytes: 256 * 1024,
  /** Largest JSON request body, in bytes. */
  maxJsonBytes: 64 * 1024,
} as const;

/** Token lengths and prefixes; tokens are random and the server keeps only their SHA-256 hash. */
export const TokenPrefix = { member: 'grm_', invite: 'gri_' } as const;

export const displayNameSchema = z.string().trim().min(1).max(40);

export const createInviteBodySchema = z.object({
  role: z.enum(['editor', 'viewer', 'admin']),
  /** Hours until the invite expires; omitted means it never expires (until revoked). */
  expiresInHours: z
    .number()
    .int()
    .positive()
    .max(24 * 365)
    .optional(),
  /** How many members may join with it; omitted means unlimited. */
  maxUses: z.number().int().positive().max(1000).optional(),
});
export type CreateInviteBody = z.infer<typeof createInviteBodySchema>;

export const redeemInviteBodySchema = z.object({
  token: z.string().min(8).max(200),
  displayName: displayNameSchema,
});
export type RedeemInviteBody = z.infer<typeof redeemInviteBodySchema>;

export const changeMemberBodySchema = z.object({
  role: roleSchema.optional(),
  displayName: displayNameSchema.optional(),
});

/** What `POST /api/invites/redeem` answers. */
export type RedeemInviteResult = {
  workspaceId: string;
  workspaceName: string;
  memberId: string;
  memberToken: string;
  role: Role;
  displayName: string;
  /** The member's colour (MemberInfo.colour). */
  colour: number;
};

/** What `POST /api/invites/preview` answers: where an invite leads, before anyone redeems it. */
export type InvitePreview = {
  workspaceName: string;
  role: Role;
  /** The member the invite hands over (the first admin), or null when it makes a new member. */
  displayName: string | null;
};

export const previewInviteBodySchema = z.object({ token: z.string().min(8).max(200) });

export type MemberInfo = {
  id: string;
  displayName: string;
  role: Role;
  createdAt: string;
  revoked: boolean;
  /**
   * The member's colour (carets, presence, history), an index into the app's palette of
   * `MEMBER_COLOURS`: their place among the workspace's members in the order they joined, so
   * the first that many never share one.
   */
  colour: number;
};

/** How many colours members are told apart by (MemberInfo.colour). */
export const MEMBER_COLOURS = 8;

export type InviteInfo = {
  id: string;
  role: Role;
  createdAt: string;
  expiresAt: string | null;
  revoked: boolean;
  uses: number;
  maxUses: number | null;
  /**
   * The member whose device this invite signs in (a new phone for that member, or the first
   * admin's claim); null for an invite that makes a new member.
   */
  claimsMemberId: string | null;
};

/** JSON error body of every 4xx/5xx answer of the REST API. */
export type ApiError = { error: string; message: string };

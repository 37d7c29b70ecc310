import type {
  AnyDocKind,
  BlobUsageInfo,
  ChangeItem,
  CreateInviteBody,
  InviteInfo,
  InvitePreview,
  MemberInfo,
  PublicationInfo,
  PublicItem,
  PublishedItem,
  RedeemInviteResult,
  Role,
  TextSegment,
} from '@grassroots/shared';

/**
 * An error answer of the relay's REST API: the stable `code` (`error`), and the `reason` and
 * `params` the UI puts into words in its own locale (I18N-2). `message` is the relay's wording
 * in the requested locale, kept for logs; people read `i18n.errorText(error)`.
 */
export class RelayApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly reason: string,
    readonly params: Readonly<Record<string, string | number>>,
    message: string,
  ) {
    super(message);
    this.name = 'RelayApiError';
  }
}

const REASON_OF_STATUS: Record<number, string> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'notFound',
  409: 'conflict',
  413: 'bodyTooLarge',
};

/** A RelayApiError from an error answer's status and body, whatever the body holds. */
export function relayApiError(status: number, body: unknown): RelayApiError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const reason =
    typeof b.reason === 'string' && /^[A-Za-z]{1,40}$/.test(b.reason)
      ? b.reason
      : (REASON_OF_STATUS[status] ?? (status >= 500 ? 'internal' : 'badRequest'));
  const params: Record<string, string | number> = {};
  if (typeof b.params === 'object' && b.params !== null) {
    for (const [k, v] of Object.entries(b.params).slice(0, 10)) {
      if (typeof v === 'number' || (typeof v === 'string' && v.length <= 200)) params[k] = v;
    }
  }
  return new RelayApiError(
    status,
    typeof b.error === 'string' ? b.error : 'http',
    reason,
    params,
    typeof b.message === 'string' ? b.message : String(status),
  );
}

/** Turns an error answer into a RelayApiError. */
async function failure(response: Response): Promise<RelayApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: the status says enough
  }
  return relayApiError(response.status, body);
}

/** A GET whose answer is not JSON (a Yjs update, a CSV file). */
async function fetchRaw(origin: string, path: string, token: string): Promise<Response> {
  const response = await fetch(`${origin}${path}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw await failure(response);
  return response;
}

async function call<T>(
  origin: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${origin}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? null : JSON.stringify(init.body),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: reported below
  }
  if (!response.ok) throw relayApiError(response.status, json);
  return json as T;
}

/** The relay's REST API as seen by one device (see server/API.md). */
export const relayApi = {
  /** Where an invite leads (workspace, role, and the name of the admin it hands over, if any). */
  previewInvite(origin: string, token: string): Promise<InvitePreview> {
    return call(origin, '/api/invites/preview', { method: 'POST', body: { token } });
  },
  redeemInvite(origin: string, token: string, displayName: string): Promise<RedeemInviteResult> {
    return call(origin, '/api/invites/redeem', {
      method: 'POST',
      body: { token, displayName },
    });
  },
  getWorkspace(
    origin: string,
    workspaceId: string,
    token: string,
  ): Promise<{
    id: string;
    name: string;
    me: { id: string; displayName: string; role: Role; colour?: unknown };
  }> {
    return call(origin, `/api/workspaces/${encodeURIComponent(workspaceId)}`, { token });
  },
  listMembers(
    origin: string,
    workspaceId: string,
    token: string,
  ): Promise<{ members: MemberInfo[] }> {
    return call(origin, `/api/workspaces/${encodeURIComponent(workspaceId)}/members`, { token });
  },
  /** What the workspace's attached files take on the relay, and its limit (BLOB-10). */
  blobUsage(origin: string, workspaceId: string, token: string): Promise<BlobUsageInfo> {
    return call(origin, `/api/workspaces/${encodeURIComponent(workspaceId)}/blobs`, { token });
  },
  createInvite(
    origin: string,
    workspaceId: string,
    token: string,
    body: CreateInviteBody,
  ): Promise<{ invite: InviteInfo; token: string; url: string }> {
    return call(origin, `/api/workspaces/${encodeURIComponent(workspaceId)}/invites`, {
      method: 'POST',
      token,
      body,
    });
  },
  /** A one-use link, valid for a day, that signs a member in on a new device (admins only). */
  createDeviceInvite(
    origin: string,
    workspaceId: string,
    token: string,
    memberId: string,
  ): Promise<{ invite: InviteInfo; token: string; url: string }> {
    return call(
      origin,
      `/api/workspaces/${encodeURIComponent(workspaceId)}/members/${encodeURIComponent(memberId)}/device-invite`,
      { method: 'POST', token },
    );
  },
  /** Every invite of the workspace, live or not (admins only). */
  listInvites(
    origin: string,
    workspaceId: string,
    token: string,
  ): Promise<{ invites: InviteInfo[] }> {
    return call(origin, `/api/workspaces/${encodeURIComponent(workspaceId)}/invites`, { token });
  },
  revokeInvite(
    origin: string,
    workspaceId: string,
    token: string,
    inviteId: string,
  ): Promise<{ ok: true }> {
    return call(
      origin,
      `/api/workspaces/${encodeURIComponent(workspaceId)}/invites/${encodeURIComponent(inviteId)}`,
      { method: 'DELETE', token },
    );
  },
  /** Changes a member's role (their open connections close and reconnect with it). */
  changeMemberRole(
    origin: string,
    workspaceId: string,
    token: string,
    memberId: string,
    role: Role,
  ): Promise<MemberInfo> {
    return call(
      origin,
      `/api/workspaces/${encodeURIComponent(workspaceId)}/members/${encodeURIComponent(memberId)}`,
      { method: 'PATCH', token, body: { role } },
    );
  },
  /** Removes a member: their token stops working; history keeps their name. */
  removeMember(
    origin: string,
    workspaceId: string,
    token: string,
    memberId: string,
  ): Promise<{ ok: true }> {
    return call(
      origin,
      `/api/workspaces/${encodeURIComponent(workspaceId)}/members/${encodeURIComponent(memberId)}`,
      { method: 'DELETE', token },
    );
  },
};

/** Who made a change, as the history API names them (role null for a member no longer listed). */
export type HistoryAuthor = {
  id: string;
  displayName: string;
  role: Role | null;
  /** MemberInfo.colour; checked where used. */
  colour?: unknown;
};

/** What a marked entry was: a restore (to which version) or a revert of one member's changes. */
export type HistoryMarkInfo =
  | {
      kind: 'restore';
      to: { seq: number; number: number; name: string | null; at: string | null };
    }
  | { kind: 'revert'; member: HistoryAuthor; fromSeq: number; since: string };

/** Consecutive stored changes of one author within one burst of work. */
export type HistoryEntryInfo = {
  id: string;
  /** 1 for the oldest entry, counting up. */
  number: number;
  mark: HistoryMarkInfo | null;
  fromSeq: number;
  toSeq: number;
  author: HistoryAuthor;
  /** ISO times. */
  firstAt: string;
  lastAt: string;
  updates: number;
  changes: ChangeItem[];
};

export type NamedVersionInfo = {
  id: string;
  seq: number;
  name: string;
  author: HistoryAuthor | null;
  at: string;
  /** True for the version named by finalising minutes ("定稿"). */
  isAutomatic: boolean;
};

export type HistoryPage = {
  kind: AnyDocKind | null;
  total: number;
  /** The `before` of the next (older) page, or null on the last one. */
  nextBefore: number | null;
  entries: HistoryEntryInfo[];
  named: NamedVersionInfo[];
};

export type Comparison = {
  kind: AnyDocKind | null;
  fields: ChangeItem[];
  /**
   * Per rich-text root (`body`, `notes`), short text of the doc (`title`, `place`) and changed
   * text of an item (`phases/<id>/goals`, the path of its field): runs that stayed, were
   * inserted or deleted.
   */
  text: Record<string, TextSegment[]>;
  authors: Record<string, HistoryAuthor>;
};

/** Where one doc is, for the history calls. */
export type DocAddress = { origin: string; workspaceId: string; docId: string; token: string };

const docPath = (a: DocAddress) =>
  `/api/workspaces/${encodeURIComponent(a.workspaceId)}/docs/${encodeURIComponent(a.docId)}`;

/** A doc's change history on the relay (server/API.md, "History"). Needs the network. */
export const historyApi = {
  page(
    a: DocAddress,
    options: { limit?: number; before?: number | null; locale: string },
  ): Promise<HistoryPage> {
    const q = new URLSearchParams({ limit: String(options.limit ?? 20), locale: options.locale });
    if (options.before != null) q.set('before', String(options.before));
    return call(a.origin, `${docPath(a)}/history?${q}`, { token: a.token });
  },
  /** The doc as it was at `seq`: one Yjs update to apply to an empty doc. */
  async version(a: DocAddress, seq: number): Promise<Uint8Array> {
    const response = await fetchRaw(a.origin, `${docPath(a)}/versions/${seq}`, a.token);
    return new Uint8Array(await response.arrayBuffer());
  },
  /** Version `from` against `to` (a seq, or the current state when null). */
  compare(a: DocAddress, from: number, to: number | null, locale: string): Promise<Comparison> {
    const q = new URLSearchParams({ from: String(from), locale });
    if (to !== null) q.set('to', String(to));
    return call(a.origin, `${docPath(a)}/compare?${q}`, { token: a.token });
  },
  nameVersion(a: DocAddress, name: string): Promise<NamedVersionInfo> {
    return call(a.origin, `${docPath(a)}/versions`, {
      method: 'POST',
      token: a.token,
      body: { name },
    });
  },
  restore(a: DocAddress, seq: number): Promise<{ ok: boolean; restoredTo: number; seq: number }> {
    return call(a.origin, `${docPath(a)}/restore`, {
      method: 'POST',
      token: a.token,
      body: { seq },
    });
  },
  /** Admins: undoes what one member changed from `fromSeq` on, as a new change. */
  revertMember(
    a: DocAddress,
    memberId: string,
    fromSeq: number,
  ): Promise<{ ok: boolean; isChanged: boolean; seq: number | null }> {
    return call(a.origin, `${docPath(a)}/revert-member`, {
      method: 'POST',
      token: a.token,
      body: { memberId, fromSeq },
    });
  },
  async csv(a: DocAddress, locale: string): Promise<Blob> {
    const q = new URLSearchParams({ locale });
    return (await fetchRaw(a.origin, `${docPath(a)}/history.csv?${q}`, a.token)).blob();
  },
};

/** A workspace on the relay, as the public board calls see it. */
export type BoardAddress = { origin: string; workspaceId: string; token: string };

const boardPath = (a: BoardAddress) =>
  `/api/workspaces/${encodeURIComponent(a.workspaceId)}/public`;

/** The workspace's public board (server/API.md, "Public board"). Needs the network. */
export const boardApi = {
  /** The live items and the public link (null before the first publication). */
  get(
    a: BoardAddress,
  ): Promise<{ publicId: string | null; url: string | null; items: PublishedItem[] }> {
    return call(a.origin, boardPath(a), { token: a.token });
  },
  /** Publishes an item, or replaces it when it was published before (editors and admins). */
  publish(
    a: BoardAddress,
    item: PublicItem,
  ): Promise<{ item: PublishedItem; publicId: string; url: string }> {
    return call(a.origin, `${boardPath(a)}/items`, { method: 'POST', token: a.token, body: item });
  },
  withdraw(a: BoardAddress, itemId: string): Promise<{ ok: true }> {
    return call(a.origin, `${boardPath(a)}/items/${encodeURIComponent(itemId)}`, {
      method: 'DELETE',
      token: a.token,
    });
  },
  /** Every version ever published, with who published and withdrew it (members only). */
  history(a: BoardAddress): Promise<{ publications: PublicationInfo[] }> {
    return call(a.origin, `${boardPath(a)}/history`, { token: a.token });
  },
  /** Makes the public link, or replaces it (the old one stops working): admins only. */
  rotateLink(a: BoardAddress): Promise<{ publicId: string; url: string }> {
    return call(a.origin, `${boardPath(a)}/link`, { method: 'POST', token: a.token, body: {} });
  },
};

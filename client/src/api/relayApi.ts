import type {
  CreateInviteBody,
  InviteInfo,
  MemberInfo,
  RedeemInviteResult,
  Role,
} from '@grassroots/shared';

/** An error answer of the relay's REST API (`{ error, message }` with a 4xx/5xx status). */
export class RelayApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RelayApiError';
  }
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
  if (!response.ok) {
    const err = (json ?? {}) as { error?: string; message?: string };
    throw new RelayApiError(
      response.status,
      err.error ?? 'http',
      err.message ?? `${response.status} ${response.statusText}`,
    );
  }
  return json as T;
}

/** The relay's REST API as seen by one device (see server/API.md). */
export const relayApi = {
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
  ): Promise<{ id: string; name: string; me: { id: string; displayName: string; role: Role } }> {
    return call(origin, `/api/workspaces/${encodeURIComponent(workspaceId)}`, { token });
  },
  listMembers(
    origin: string,
    workspaceId: string,
    token: string,
  ): Promise<{ members: MemberInfo[] }> {
    return call(origin, `/api/workspaces/${encodeURIComponent(workspaceId)}/members`, { token });
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
};

import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  changeMemberBodySchema,
  createInviteBodySchema,
  idSchema,
  previewInviteBodySchema,
  type RedeemInviteResult,
  redeemInviteBodySchema,
} from '@grassroots/shared';
import { type Auth, inviteInfo, memberInfos } from '../auth/Auth.ts';
import type { Config } from '../config.ts';
import { HttpError, notFound } from '../errors.ts';
import { bearer, readJson, sendJson } from './json.ts';

export type Route = {
  method: string;
  pattern: RegExp;
  handle: (req: IncomingMessage, res: ServerResponse, params: string[]) => Promise<void>;
};

const ID = '([A-Za-z0-9_-]{1,64})';
export const route = (method: string, path: string, handle: Route['handle']): Route => ({
  method,
  pattern: new RegExp(`^${path.replaceAll(':id', ID).replaceAll(':seq', '(\\d{1,15})')}$`),
  handle,
});

/** The public base URL for links: the configured one, else what the request was addressed to. */
export function baseUrl(req: IncomingMessage, config: Config): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/$/, '');
  const host = req.headers.host ?? `localhost:${config.port}`;
  return `http://${host}`;
}

export const inviteUrl = (base: string, token: string) => `${base}/#/join/${token}`;

/** Workspace, member and invite routes (see server/API.md). */
export function authRoutes(
  auth: Auth,
  config: Config,
  /** Called after a member's role changed or the member was removed (open sockets must close). */
  onMemberChanged: (memberId: string, change: 'role' | 'revoked' | 'newDevice') => void = () => {},
): Route[] {
  const body = <S extends Parameters<typeof readJson>[1]>(req: IncomingMessage, schema: S) =>
    readJson(req, schema, config.maxJsonBytes);
  return [
    route('GET', '/api/workspaces/:id', async (req, res, [ws]) => {
      const me = await auth.authenticate(bearer(req), ws!);
      const workspace = await auth.workspace(ws!);
      sendJson(res, 200, { id: workspace.id, name: workspace.name, me: await auth.infoOf(me) });
    }),
    route('GET', '/api/workspaces/:id/members', async (req, res, [ws]) => {
      await auth.authenticate(bearer(req), ws!);
      const members = await auth.listMembers(ws!);
      sendJson(res, 200, { members: [...memberInfos(members).values()] });
    }),
    route('PATCH', '/api/workspaces/:id/members/:id', async (req, res, [ws, id]) => {
      const { member: me, body: change } = await auth.authorizeWithBody(
        bearer(req),
        ws!,
        'manageMembers',
        () => body(req, changeMemberBodySchema),
      );
      if (id === me.id && change.role && change.role !== 'admin') {
        throw new HttpError(409, 'conflict', 'an admin cannot demote themselves', 'demoteSelf');
      }
      const before = await auth.listMembers(ws!).then((ms) => ms.find((m) => m.id === id));
      const updated = await auth.changeMember(ws!, id!, change);
      if (before && before.role !== updated.role) onMemberChanged(updated.id, 'role');
      sendJson(res, 200, await auth.infoOf(updated));
    }),
    route('DELETE', '/api/workspaces/:id/members/:id', async (req, res, [ws, id]) => {
      const me = await auth.authorize(bearer(req), ws!, 'manageMembers');
      if (id === me.id)
        throw new HttpError(409, 'conflict', 'an admin cannot remove themselves', 'removeSelf');
      await auth.changeMember(ws!, id!, { revoke: true });
      onMemberChanged(id!, 'revoked');
      sendJson(res, 200, { ok: true });
    }),
    route('POST', '/api/workspaces/:id/members/:id/device-invite', async (req, res, [ws, id]) => {
      const me = await auth.authorize(bearer(req), ws!, 'manageMembers');
      const { invite, token } = await auth.createDeviceInvite(ws!, me.id, id!);
      sendJson(res, 201, {
        invite: inviteInfo(invite),
        token,
        url: inviteUrl(baseUrl(req, config), token),
      });
    }),
    route('POST', '/api/workspaces/:id/invites', async (req, res, [ws]) => {
      const { member: me, body: input } = await auth.authorizeWithBody(
        bearer(req),
        ws!,
        'manageMembers',
        () => body(req, createInviteBodySchema),
      );
      const { invite, token } = await auth.createInvite(ws!, me.id, input);
      sendJson(res, 201, {
        invite: inviteInfo(invite),
        token,
        url: inviteUrl(baseUrl(req, config), token),
      });
    }),
    route('GET', '/api/workspaces/:id/invites', async (req, res, [ws]) => {
      await auth.authorize(bearer(req), ws!, 'manageMembers');
      const invites = await auth.listInvites(ws!);
      sendJson(res, 200, { invites: invites.map(inviteInfo) });
    }),
    route('DELETE', '/api/workspaces/:id/invites/:id', async (req, res, [ws, id]) => {
      await auth.authorize(bearer(req), ws!, 'manageMembers');
      await auth.revokeInvite(ws!, id!);
      sendJson(res, 200, { ok: true });
    }),
    route('POST', '/api/invites/preview', async (req, res) => {
      const input = await body(req, previewInviteBodySchema);
      sendJson(res, 200, await auth.preview(input.token));
    }),
    route('POST', '/api/invites/redeem', async (req, res) => {
      const input = await body(req, redeemInviteBodySchema);
      const { member, token, workspace, isHandover } = await auth.redeem(
        input.token,
        input.displayName,
      );
      // The device the member had is signed out: its token is gone, its sockets close now.
      if (isHandover) onMemberChanged(member.id, 'newDevice');
      const result: RedeemInviteResult = {
        workspaceId: workspace.id,
        workspaceName: workspace.name,
        memberId: member.id,
        memberToken: token,
        role: member.role,
        displayName: member.displayName,
        colour: (await auth.infoOf(member)).colour,
      };
      sendJson(res, 201, result);
    }),
  ];
}

/** Finds the route for a request: 404 for an unknown path, 405 for a known path's other methods. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; params: string[] } {
  let isPathKnown = false;
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    isPathKnown = true;
    if (r.method === method) {
      const params = m.slice(1);
      for (const p of params) idSchema.parse(p);
      return { route: r, params };
    }
  }
  if (isPathKnown) throw new HttpError(405, 'method_not_allowed', `${method} is not allowed here`);
  throw notFound('no such endpoint');
}

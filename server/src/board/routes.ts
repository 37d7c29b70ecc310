import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  type PublicationInfo,
  type PublicItem,
  PublicLimits,
  type PublishedItem,
  publicItemKey,
  publicItemSchema,
} from '@grassroots/shared';
import type { ServerDeps } from '../deps.ts';
import { HttpError, notFound } from '../errors.ts';
import { baseUrl, type Route, route } from '../http/api.ts';
import { bearer, readJson, sendJson } from '../http/json.ts';
import { TokenBucket } from '../relay/Connection.ts';
import type { LivePublication, StoredPublication } from '../storage/PublicBoardStore.ts';

/** Publications one member may make at once before the pace of one a minute (PUB-9). */
export const PUBLISH_BURST = 60;

/** A public board id: 128 random bits, url-safe (PUB-4). */
export const newPublicId = (): string => randomBytes(16).toString('base64url');

/** The public page of a board. */
export const publicPageUrl = (base: string, publicId: string) => `${base}/p/${publicId}`;

/** The item a stored version holds, or null when it no longer passes the schema. */
export function parsePublication(row: StoredPublication): PublicItem | null {
  try {
    const parsed = publicItemSchema.safeParse(JSON.parse(row.content));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A live item as the members' API lists it (with its board key, without who published it). */
export function publishedItem(row: LivePublication, withKey: boolean): PublishedItem | null {
  const item = parsePublication(row);
  if (!item) return null;
  return {
    ...(withKey ? { itemId: row.itemId } : {}),
    version: row.version,
    firstPublishedAt: new Date(row.firstPublishedAt).toISOString(),
    publishedAt: new Date(row.publishedAt).toISOString(),
    item,
  };
}

/**
 * The public board's members' API (server/API.md, "Public board"): editors and admins publish
 * and withdraw (PUB-1), members read the live items and the history of publications (PUB-5),
 * admins make or rotate the public link (PUB-4). The public page itself is `publicPage.ts`.
 */
export function publicBoardRoutes({ auth, store, config }: ServerDeps, now = Date.now): Route[] {
  const BOARD = '/api/workspaces/:id/public';
  const link = (req: IncomingMessage, publicId: string | null) =>
    publicId ? publicPageUrl(baseUrl(req, config), publicId) : null;
  // PUB-9: each publication is kept for good (PUB-5) and read by every page view, so a member
  // publishes at most a burst of PUBLISH_BURST, then one a minute.
  const publishBudgets = new Map<string, TokenBucket>();
  const mayPublish = (memberId: string) => {
    let bucket = publishBudgets.get(memberId);
    if (!bucket) {
      bucket = new TokenBucket(1 / 60, PUBLISH_BURST, now);
      publishBudgets.set(memberId, bucket);
    }
    return bucket.take();
  };

  return [
    route('GET', BOARD, async (req, res, [ws]) => {
      await auth.authenticate(bearer(req), ws!);
      const board = await store.getPublicBoard(ws!);
      const items = (await store.listLiveItems(ws!))
        .map((row) => publishedItem(row, true))
        .filter((x) => x !== null);
      sendJson(res, 200, {
        publicId: board?.publicId ?? null,
        url: link(req, board?.publicId ?? null),
        items,
      });
    }),

    route('POST', `${BOARD}/items`, async (req, res, [ws]) => {
      const { member: me, body: item } = await auth.authorizeWithBody(
        bearer(req),
        ws!,
        'publish',
        () => readJson(req, publicItemSchema, config.maxJsonBytes),
      );
      if (!mayPublish(me.id)) {
        throw new HttpError(429, 'too_many_requests', 'publishing too often', 'publishTooOften');
      }
      const itemId = publicItemKey(item);
      const live = await store.listLiveItems(ws!);
      if (!live.some((p) => p.itemId === itemId) && live.length >= PublicLimits.liveItems) {
        throw new HttpError(409, 'board_full', 'the board is full', 'boardFull', {
          limit: PublicLimits.liveItems,
        });
      }
      const content = JSON.stringify(item);
      const bytes = Buffer.byteLength(content);
      const current = live.find((p) => p.itemId === itemId);
      const currentBytes = current ? Buffer.byteLength(current.content) : 0;
      const liveBytes = live.reduce((sum, p) => sum + Buffer.byteLength(p.content), 0);
      // A board filled past it before the limit may still bring an item up to date, no larger.
      const isNoLarger = current !== undefined && bytes <= currentBytes;
      if (liveBytes - currentBytes + bytes > PublicLimits.boardMiB * 1024 * 1024 && !isNoLarger) {
        throw new HttpError(409, 'board_full', 'the board is too large', 'boardTooLarge', {
          limit: PublicLimits.boardMiB,
        });
      }
      const at = now();
      // The first publication gives the board its link (PUB-4).
      const board = await store.setPublicId(ws!, newPublicId(), at, { replace: false });
      const stored = await store.publishItem({
        workspaceId: ws!,
        itemId,
        kind: item.kind,
        title: item.title,
        content,
        publishedBy: me.id,
        publishedAt: at,
      });
      const first = live.find((p) => p.itemId === itemId)?.firstPublishedAt ?? at;
      sendJson(res, 201, {
        item: publishedItem({ ...stored, firstPublishedAt: first }, true),
        publicId: board.publicId,
        url: link(req, board.publicId),
      });
    }),

    route('DELETE', `${BOARD}/items/:id`, async (req, res, [ws, itemId]) => {
      const me = await auth.authorize(bearer(req), ws!, 'publish');
      if (!(await store.withdrawItem(ws!, itemId!, me.id, now()))) {
        throw notFound('no such item on the board', 'publicItemNotFound');
      }
      sendJson(res, 200, { ok: true });
    }),

    route('GET', `${BOARD}/history`, async (req, res, [ws]) => {
      await auth.authenticate(bearer(req), ws!);
      const people = new Map(
        (await auth.listMembers(ws!)).map((m) => [m.id, { id: m.id, displayName: m.displayName }]),
      );
      const rows = await store.listPublications(ws!);
      const latest = new Map<string, number>();
      for (const r of rows) latest.set(r.itemId, Math.max(latest.get(r.itemId) ?? 0, r.version));
      const publications: PublicationInfo[] = rows.map((r) => ({
        itemId: r.itemId,
        version: r.version,
        kind: r.kind as PublicationInfo['kind'],
        title: r.title,
        publishedAt: new Date(r.publishedAt).toISOString(),
        publishedBy: people.get(r.publishedBy) ?? null,
        withdrawnAt: r.withdrawnAt === null ? null : new Date(r.withdrawnAt).toISOString(),
        withdrawnBy: r.withdrawnBy === null ? null : (people.get(r.withdrawnBy) ?? null),
        isLive: r.withdrawnAt === null && latest.get(r.itemId) === r.version,
      }));
      sendJson(res, 200, { publications });
    }),

    route('POST', `${BOARD}/link`, async (req, res, [ws]) => {
      await auth.authorize(bearer(req), ws!, 'managePublicLink');
      // Making the link the first time, or rotating it: the old link stops working at once.
      const board = await store.setPublicId(ws!, newPublicId(), now(), { replace: true });
      sendJson(res, 200, { publicId: board.publicId, url: link(req, board.publicId) });
    }),
  ];
}

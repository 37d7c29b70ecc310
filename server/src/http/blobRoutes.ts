import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import {
  BlobParam,
  type BlobType,
  type BlobUsageInfo,
  blobHashSchema,
  isBlobType,
} from '@grassroots/shared';
import type { Auth } from '../auth/Auth.ts';
import type { Config } from '../config.ts';
import { Counts } from '../counts.ts';
import { badRequest, HttpError, notFound } from '../errors.ts';
import { type BlobStore, BlobStoreError, IDLE_UPLOAD_MS } from '../storage/BlobStore.ts';
import { type Route, route } from './api.ts';
import { bearer, requestUrl, sendJson } from './json.ts';

/** The first bytes each type must start with (BLOB-6): a PNG named .jpg is refused, so is HTML. */
const SIGNATURES: Record<BlobType, (b: Uint8Array) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((x, i) => b[i] === x),
  'image/webp': (b) =>
    String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' &&
    String.fromCharCode(...b.subarray(8, 12)) === 'WEBP',
  'application/pdf': (b) => String.fromCharCode(...b.subarray(0, 5)) === '%PDF-',
};

const EXTENSION: Record<BlobType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

/** Reads a request body of at most `limit` bytes; 413 beyond it. */
async function readBytes(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    throw new HttpError(413, 'too_large', `chunk over ${limit} bytes`, 'bodyTooLarge', { limit });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    if (size > limit) {
      throw new HttpError(413, 'too_large', `chunk over ${limit} bytes`, 'bodyTooLarge', { limit });
    }
    chunks.push(chunk as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function hashParam(value: string | undefined): string {
  const parsed = blobHashSchema.safeParse(value);
  if (!parsed.success) throw badRequest('a blob is named by its lowercase hex sha-256', 'blobName');
  return parsed.data;
}

/** The limits the blob routes apply (config; defaults from BlobLimits). */
export type BlobRouteLimits = Pick<
  Config,
  'maxImageBytes' | 'maxPdfBytes' | 'maxBlobChunkBytes' | 'workspaceBlobQuotaMb'
>;

const MIB = 1024 * 1024;
/** BLOB-12: downloads one member has running at once. */
export const DOWNLOADS_PER_MEMBER = 8;
/** BLOB-12: how long a download waits for its peer to take more before it is let go, ms. */
const DOWNLOAD_IDLE_MS = 60_000;

/**
 * Files attached to records (see server/API.md, BLOB-1..8): members download, editors and
 * admins upload in chunks that resume at the offset the relay reports.
 */
export function blobRoutes(
  auth: Auth,
  blobs: BlobStore,
  limits: BlobRouteLimits,
  /** A workspace's limit of attached files, MB (0: none): its own, else the relay's. */
  quotaMbOf: (workspaceId: string) => Promise<number>,
): Route[] {
  const BLOB = '/api/workspaces/:id/blobs/:id';
  /** Downloads running, per member (BLOB-12). */
  const downloads = new Counts();
  const maxBytes = (type: BlobType) =>
    type === 'application/pdf' ? limits.maxPdfBytes : limits.maxImageBytes;
  /** True for an upload not yet under way: new, or idle for `IDLE_UPLOAD_MS` (BLOB-16). */
  const isStarting = async (ws: string, hash: string) => {
    const state = await blobs.state(ws, hash);
    if (state.isComplete) return false;
    if (state.offset === 0) return true;
    const touchedAt = await blobs.touchedAt(ws, hash);
    return touchedAt !== null && Date.now() - touchedAt >= IDLE_UPLOAD_MS;
  };
  /**
   * BLOB-10: a new upload that would take the workspace past its quota is refused before any of
   * its bytes are kept: when its device asks where it stands (with the size, so a phone sends
   * nothing that would not fit) and again once its first chunk arrived. A blob the workspace has
   * passes (BLOB-5), and so does an upload under way, unless it was idle (BLOB-16: counted at what
   * it held, it is checked again like a new one).
   */
  const checkQuota = async (ws: string, hash: string, size: number) => {
    const quotaMb = await quotaMbOf(ws);
    if (quotaMb === 0) return;
    if (!(await isStarting(ws, hash))) return;
    const used = await blobs.usage(ws, hash);
    if (used.bytes + size <= quotaMb * MIB) return;
    throw new HttpError(507, 'insufficient_storage', 'the workspace quota is full', 'blobQuota', {
      quota: quotaMb,
      used: Math.ceil(used.bytes / MIB),
    });
  };
  return [
    route('GET', '/api/workspaces/:id/blobs', async (req, res, [ws]) => {
      await auth.authorize(bearer(req), ws!, 'read');
      const used = await blobs.usage(ws!);
      const quotaMb = await quotaMbOf(ws!);
      const info: BlobUsageInfo = { ...used, quotaBytes: quotaMb === 0 ? null : quotaMb * MIB };
      sendJson(res, 200, info);
    }),
    route('GET', BLOB, async (req, res, [ws, name]) => {
      const me = await auth.authorize(bearer(req), ws!, 'read');
      const hash = hashParam(name);
      // BLOB-12: a member downloads a few files at once (a phone shows a page of photos); more
      // wait. Each is read a slice at a time as the peer takes it.
      if (downloads.get(me.id) >= DOWNLOADS_PER_MEMBER) {
        throw new HttpError(
          429,
          'too_many_requests',
          'too many downloads at once',
          'tooManyDownloads',
        );
      }
      // Counted before the store is asked, so downloads started at once count each other.
      downloads.add(me.id);
      const done = () => downloads.remove(me.id);
      const found = await blobs.open(ws!, hash).catch((error: unknown) => {
        done();
        throw error;
      });
      if (!found) {
        done();
        throw notFound('no such blob', 'blobNotFound');
      }
      const { info, stream } = found;
      try {
        // BLOB-7: the stored type, never sniffed; a file name made of the hash, never of user text.
        const disposition = info.type === 'application/pdf' ? 'attachment' : 'inline';
        res.writeHead(200, {
          'Content-Type': info.type,
          'Content-Length': info.size,
          'Content-Disposition': `${disposition}; filename="${hash.slice(0, 16)}.${EXTENSION[info.type]}"`,
          'X-Content-Type-Options': 'nosniff',
          'Content-Security-Policy': "default-src 'none'; sandbox",
          // Content-addressed: the bytes of a name never change. Private: never in a shared cache.
          'Cache-Control': 'private, max-age=31536000, immutable',
          ETag: `"${hash}"`,
        });
        // A peer that stops reading for a while is let go: its download holds a file open.
        res.setTimeout(DOWNLOAD_IDLE_MS, () => res.destroy());
        await pipeline(stream, res);
      } catch {
        // The peer went away, was let go, or the file could not be read: the answer is cut off
        // (its length was promised), never completed with something else.
        res.destroy();
      } finally {
        stream.destroy();
        done();
      }
    }),
    route('GET', `${BLOB}/upload`, async (req, res, [ws, name]) => {
      await auth.authorize(bearer(req), ws!, 'write');
      const hash = hashParam(name);
      const size = requestUrl(req).searchParams.get(BlobParam.size);
      if (size !== null) {
        const bytes = Number(size);
        if (!Number.isSafeInteger(bytes) || bytes <= 0) {
          throw badRequest('size must be a whole number', 'badBody');
        }
        await checkQuota(ws!, hash, bytes);
      }
      sendJson(res, 200, await blobs.state(ws!, hash));
    }),
    route('PUT', BLOB, async (req, res, [ws, name]) => {
      await auth.authorize(bearer(req), ws!, 'write');
      const hash = hashParam(name);
      const url = requestUrl(req);
      const type = url.searchParams.get(BlobParam.type);
      if (!isBlobType(type)) {
        throw new HttpError(
          415,
          'unsupported_media_type',
          `type ${type} is not allowed`,
          'blobType',
        );
      }
      const size = Number(url.searchParams.get(BlobParam.size));
      const offset = Number(url.searchParams.get(BlobParam.offset) ?? '0');
      if (!Number.isSafeInteger(size) || size <= 0 || !Number.isSafeInteger(offset) || offset < 0) {
        throw badRequest('size and offset must be whole numbers', 'badBody');
      }
      const limit = maxBytes(type);
      if (size > limit) {
        throw new HttpError(413, 'too_large', `blob over ${limit} bytes`, 'blobTooLarge', {
          limit: Math.floor(limit / (1024 * 1024)),
        });
      }
      // A new upload before a byte is read (a phone learns at once that its file does not fit).
      if (offset === 0) await checkQuota(ws!, hash, size);
      const bytes = await readBytes(req, limits.maxBlobChunkBytes);
      // MEM-7: the member may have been removed or made a viewer while the chunk arrived.
      await auth.authorize(bearer(req), ws!, 'write');
      // Whether it starts (new, or idle: BLOB-16) is read once the chunk is here: a body sent
      // slowly must not carry an upload past its idle hour unchecked.
      const isStart = offset === 0 || (await isStarting(ws!, hash));
      if (offset === 0 && !SIGNATURES[type](bytes)) {
        throw new HttpError(415, 'unsupported_media_type', `bytes are not ${type}`, 'blobType');
      }
      try {
        const write = () => blobs.write(ws!, hash, { type, size }, offset, bytes);
        const state = isStart
          ? // Again now that the chunk is here, in turn with the others starting (BLOB-10: checked
            // side by side, 40 uploads of 2 MiB started at once took a 20 MB quota to 40 MB).
            await blobs.startingInTurn(ws!, async () => {
              await checkQuota(ws!, hash, size);
              return write();
            })
          : await write();
        sendJson(res, 200, state);
      } catch (error) {
        if (!(error instanceof BlobStoreError)) throw error;
        if (error.code === 'offset') {
          throw new HttpError(409, 'conflict', error.message, 'blobOffset', {
            offset: error.offset,
          });
        }
        if (error.code === 'hash-mismatch') {
          throw new HttpError(422, 'hash_mismatch', error.message, 'blobHashMismatch');
        }
        throw new HttpError(409, 'conflict', error.message, 'conflict');
      }
    }),
  ];
}

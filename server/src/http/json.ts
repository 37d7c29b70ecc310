import type { IncomingMessage, ServerResponse } from 'node:http';
import { translate } from '@grassroots/shared';
import type { z } from 'zod';
import { badRequest, HttpError } from '../errors.ts';
import { requestLocale } from './locale.ts';

/** Sends a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** The request's target as a URL, or null when it cannot be read (`GET //[`, a port of 99999). */
function parsedUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

/** The request's target as a URL; 400 when it cannot be read. */
export function requestUrl(req: IncomingMessage): URL {
  const url = parsedUrl(req);
  if (!url) throw new HttpError(400, 'bad_request', 'the request target is not a valid URL');
  return url;
}

/**
 * The JSON body of a refusal (I18N-2): the stable `error` name, the `reason` and `params` a
 * client puts into words in its own locale, and `message`, those words in the locale the
 * request asked for (`?locale=`, else Accept-Language, else zh-CN). The log detail stays here.
 */
export function errorBody(
  req: IncomingMessage,
  error: HttpError,
): { error: string; reason: string; params: Record<string, string | number>; message: string } {
  // Never throws: it answers requests whose target could not be read too.
  const url = parsedUrl(req) ?? new URL('http://localhost/');
  return {
    error: error.error,
    reason: error.reason,
    params: { ...error.params },
    message: translate(requestLocale(req, url), `error.${error.reason}`, error.params),
  };
}

/** Reads a JSON body of at most `limit` bytes and checks it against `schema`; 4xx otherwise. */
export async function readJson<S extends z.ZodType>(
  req: IncomingMessage,
  schema: S,
  limit: number,
): Promise<z.infer<S>> {
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    if (size > limit) {
      throw new HttpError(413, 'too_large', `body is larger than ${limit} bytes`, 'bodyTooLarge', {
        limit,
      });
    }
    chunks.push(chunk as Buffer);
  }
  let data: unknown;
  try {
    data = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw badRequest('body is not valid JSON', 'badJson');
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    const detail = result.error.issues
      .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
      .join('; ');
    const field = result.error.issues[0]?.path.join('.') || 'body';
    throw new HttpError(400, 'bad_request', `invalid body: ${detail}`, 'badBody', { field });
  }
  return result.data;
}

/**
 * Who a request comes from, for limits per address: the socket's peer, or behind a proxy of the
 * operator's (`trustProxy`) the last address of `X-Forwarded-For`, the one that proxy saw.
 */
export function clientAddress(req: IncomingMessage, trustProxy: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustProxy !== 1) return peer;
  const header = req.headers['x-forwarded-for'];
  const last = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').pop()?.trim();
  return last ? last.slice(0, 64) : peer;
}

/** The bearer token of a request, if any. */
export function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : null;
}

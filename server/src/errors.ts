import type { ErrorReason, Params } from '@grassroots/shared';

/**
 * A refusal with an HTTP status (REST and WebSocket upgrade), a stable error name and what a
 * person should read: `reason` names an `error.<reason>` message of the catalogues with its
 * `params` (I18N-2). `message` is a detail for the log and never crosses the wire.
 */
export class HttpError extends Error {
  readonly reason: ErrorReason;
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    reason?: ErrorReason,
    readonly params: Params = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.reason = reason ?? REASON_OF_STATUS[status] ?? 'badRequest';
  }
}

const REASON_OF_STATUS: Record<number, ErrorReason> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'notFound',
  405: 'methodNotAllowed',
  409: 'conflict',
  413: 'bodyTooLarge',
  415: 'unsupportedMediaType',
};

export const unauthorized = (message = 'a valid member token is required', reason?: ErrorReason) =>
  new HttpError(401, 'unauthorized', message, reason);
export const forbidden = (message: string, reason?: ErrorReason) =>
  new HttpError(403, 'forbidden', message, reason);
export const notFound = (message: string, reason?: ErrorReason) =>
  new HttpError(404, 'not_found', message, reason);
export const badRequest = (message: string, reason?: ErrorReason) =>
  new HttpError(400, 'bad_request', message, reason);

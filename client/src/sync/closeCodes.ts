import { CloseCode } from '@grassroots/shared';

/**
 * RFC 6455 "message too big". The relay's WebSocket library closes with it, before the relay
 * sees the message, when a message is larger than the relay's `maxMessageBytes`.
 */
export const MESSAGE_TOO_BIG = 1009;

/** Why the relay refused a change this device sent. */
export type RefusalReason = 'tooLarge' | 'malformed';

/**
 * What a close code of the relay means for this device:
 * - `refused`: the relay would not take a message this device sent (too large, unreadable).
 *   Sending the same state again gets the same answer, so it must not be resent at once.
 * - `denied`: this member may not use the room (revoked, wrong workspace, unknown room).
 * - `transient`: worth reconnecting (network, restarts, rate limits, storage trouble).
 */
export type CloseMeaning =
  | { kind: 'refused'; reason: RefusalReason }
  | { kind: 'denied' }
  | { kind: 'transient' };

export function meaningOfClose(code: number): CloseMeaning {
  if (code === MESSAGE_TOO_BIG || code === CloseCode.tooLarge)
    return { kind: 'refused', reason: 'tooLarge' };
  if (code === CloseCode.badFrame) return { kind: 'refused', reason: 'malformed' };
  // Being rate limited is a reason to come back later, not to give up.
  if (code === CloseCode.rateLimited) return { kind: 'transient' };
  // 4400-4499 mirror HTTP 4xx: the relay decided, reconnecting cannot change its mind.
  if (code >= 4400 && code < 4500) return { kind: 'denied' };
  return { kind: 'transient' };
}

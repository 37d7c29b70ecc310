/**
 * Presence (awareness) states as the app writes them and as the relay passes them on (AW-6 in
 * server/src/relay/SPEC.md): `user` (name, colour, member id) and `cursor` (a caret in a rich
 * text, written by the editor's caret plugin). A state is another member's input: the relay
 * names the sender itself and drops a caret it cannot read, and the client draws only what
 * passes these checks (a caret whose anchor was `null` stopped a reader's editor from saving).
 */
import { z } from 'zod';

/** The only colours the caret plugin draws: six hex digits. */
export const PRESENCE_COLOR = /^#[0-9a-fA-F]{6}$/;

const yId = z.object({
  client: z.number().int().nonnegative(),
  clock: z.number().int().nonnegative(),
});

/** A relative position as `Y.relativePositionToJSON` writes it. */
const relativePositionSchema = z
  .object({
    type: yId.nullable().optional(),
    tname: z.string().max(256).nullable().optional(),
    item: yId.nullable().optional(),
    assoc: z.number().int().optional(),
  })
  .strict();

/** A caret: where a selection starts and ends. */
export const presenceCursorSchema = z
  .object({ anchor: relativePositionSchema, head: relativePositionSchema })
  .strict();

/** Who a presence state is, as the client shows it. */
export const presenceUserSchema = z.object({
  name: z.string().min(1).max(200),
  color: z.string().regex(PRESENCE_COLOR).optional(),
  memberId: z.string().max(64).optional(),
});

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The state the relay passes on for a member's own state: `user` says who the connection's
 * member is (whatever name the device claims; its colour kept when drawable) and a `cursor` that
 * is not a readable caret becomes `null`. Other fields are kept.
 */
export function stampPresence(
  state: Record<string, unknown>,
  member: { id: string; displayName: string },
): Record<string, unknown> {
  const out = { ...state };
  if ('user' in out) {
    const claimed = out.user;
    const color =
      isObject(claimed) && typeof claimed.color === 'string' && PRESENCE_COLOR.test(claimed.color)
        ? claimed.color
        : null;
    out.user = { name: member.displayName, memberId: member.id, ...(color ? { color } : {}) };
  }
  if (out.cursor != null && !presenceCursorSchema.safeParse(out.cursor).success) out.cursor = null;
  return out;
}

/** Whether another device's state can be drawn as a caret: a person and a readable caret. */
export function isDrawableCaret(state: unknown): boolean {
  if (!isObject(state)) return false;
  if (!presenceUserSchema.safeParse(state.user).success) return false;
  return state.cursor == null || presenceCursorSchema.safeParse(state.cursor).success;
}

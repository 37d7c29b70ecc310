import type { HistoryMark } from '@grassroots/shared';
import { z } from 'zod';

const seq = z.number().int().nonnegative();
const markSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('restore'), toSeq: seq }),
  z.object({
    kind: z.literal('revert'),
    memberId: z.string().min(1).max(64),
    fromSeq: seq,
    since: z.number().int().nonnegative(),
  }),
]);

/** A stored mark read back (JSON text); null when it does not parse as one. */
export function parseHistoryMark(text: string): HistoryMark | null {
  try {
    const parsed = markSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

import type { MEMBER_COLOURS } from '@grassroots/shared';

/** Colours readable on white and distinct from each other; a member keeps one everywhere. */
const PALETTE = [
  '#b91c1c',
  '#1d4ed8',
  '#047857',
  '#7c3aed',
  '#b45309',
  '#0e7490',
  '#be185d',
  '#4d7c0f',
] as const satisfies { length: typeof MEMBER_COLOURS };

/** A colour the relay gave (MemberInfo.colour), or null when it is not one. */
export function colourIndex(value: unknown): number | null {
  return typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= 0 &&
    value < PALETTE.length
    ? value
    : null;
}

/**
 * A member's colour: the one the relay gave them (their place in the order members joined, so
 * the first eight never share one), or, until it is known (an older relay, a device that has not
 * asked yet), one picked from their id.
 */
export function presenceColor(memberId: string, colour?: unknown): string {
  const given = colourIndex(colour);
  if (given !== null) return PALETTE[given]!;
  let h = 0;
  for (let i = 0; i < memberId.length; i++) h = (h * 31 + memberId.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}

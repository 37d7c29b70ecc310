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
];

export function presenceColor(memberId: string): string {
  let h = 0;
  for (let i = 0; i < memberId.length; i++) h = (h * 31 + memberId.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}

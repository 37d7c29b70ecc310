const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `YYYY-MM-DD HH:mm` on a Beijing clock. Official times are Beijing time (UTC+8, no DST), also in
 * Xinjiang, so the UI says so next to times that could be misread.
 */
export function formatBeijingDateTime(at: number): string {
  const d = new Date(at + BEIJING_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** `MM-DD HH:mm` on a Beijing clock, for compact status lines. */
export function formatBeijingShort(at: number): string {
  return formatBeijingDateTime(at).slice(5);
}

/** The Beijing calendar day `YYYY-MM-DD` of an instant. */
export function beijingDay(at: number): string {
  return formatBeijingDateTime(at).slice(0, 10);
}

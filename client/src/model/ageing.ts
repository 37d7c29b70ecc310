import type { FeedbackEntry } from './domain.ts';

const DAY = 24 * 60 * 60 * 1000;
/** Fallback due times by urgency, used until the shared ageing rules are exported. */
const DUE_AFTER = { urgent: 3 * DAY, normal: 15 * DAY, low: 30 * DAY } as const;

/** When an entry should be resolved: its own due time, or one derived from its urgency. */
export function dueAtOf(entry: FeedbackEntry): number {
  return entry.dueAt ?? entry.receivedAt + DUE_AFTER[entry.urgency];
}

/** True when an entry is past its due time and not yet resolved. */
export function isOverdue(entry: FeedbackEntry, now: number): boolean {
  return entry.status !== 'resolved' && entry.status !== 'answered-back' && now >= dueAtOf(entry);
}

/** Entries a reviewer wants to see first: overdue unresolved, or resolved but not answered back. */
export function needsAttention(entry: FeedbackEntry, now: number): boolean {
  return isOverdue(entry, now) || entry.status === 'resolved';
}

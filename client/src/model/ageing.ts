import { dueAtOf, type FeedbackEntry, resolvedLateMsOf } from './domain.ts';

export { dueAtOf };

/** True when an entry is past its due time (shared AGE-1) and not yet resolved. */
export function isOverdue(entry: FeedbackEntry, now: number): boolean {
  return entry.status !== 'resolved' && entry.status !== 'answered-back' && now >= dueAtOf(entry);
}

/**
 * True when an entry was resolved after its due time (shared AGE-6) and is still resolved, as
 * its log stands (a resolution made a moment ago counts at once).
 */
export function isResolvedLate(entry: FeedbackEntry): boolean {
  return resolvedLateMsOf(entry) !== null;
}

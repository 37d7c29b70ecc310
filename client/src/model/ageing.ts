import { dueAtOf, type FeedbackEntry } from './domain.ts';

export { dueAtOf };

/** True when an entry is past its due time (shared AGE-1) and not yet resolved. */
export function isOverdue(entry: FeedbackEntry, now: number): boolean {
  return entry.status !== 'resolved' && entry.status !== 'answered-back' && now >= dueAtOf(entry);
}

/**
 * Transaction origins used by the client. The values are the shared model's origin names, so a
 * model operation run with `Origins.local` and our own writes read the same in observers.
 */
export const Origin = {
  /** A change made by the person on this device. */
  local: 'local',
  /** Updates read back from IndexedDB. */
  storage: 'storage',
  /**
   * Local changes read back from the journal (LOCAL-4): written to the log again like a new
   * local change, since IndexedDB may not have them.
   */
  journal: 'journal',
  /**
   * Changes of a doc passed into a rich-text editor's own copy of it (IME-1): the copy does not
   * pass them back.
   */
  fromDoc: 'fromDoc',
} as const;
export type Origin = (typeof Origin)[keyof typeof Origin];

/**
 * Transaction origins. Every write to a doc runs inside `doc.transact(fn, origin)` with one of
 * these, so observers can branch on where a change came from: what came from storage is not
 * written back, what came from another process is not published again, a migration or a restore
 * is labelled as such in history.
 */
export const Origins = {
  /** A person's edit on this device. */
  local: 'local',
  /** An update received from a peer or the relay. */
  remote: 'remote',
  /** State loaded from a local or server store. */
  storage: 'storage',
  /** An update relayed between server processes. */
  fanout: 'fanout',
  /** A schema upgrade written by the model (see doc.ts). */
  migration: 'migration',
  /** An earlier version restored from history. */
  restore: 'restore',
} as const;

export type Origin = (typeof Origins)[keyof typeof Origins];

export const ORIGINS: readonly Origin[] = Object.values(Origins);

/** True when a transaction origin is one of ours (providers may use their own objects as origins). */
export function isOrigin(value: unknown): value is Origin {
  return typeof value === 'string' && (ORIGINS as readonly string[]).includes(value);
}

/** Options every model operation accepts. */
export type OpOptions = {
  /** Transaction origin; default `Origins.local`. */
  origin?: Origin;
};

/**
 * Kind-generic entry points: open a doc (check its version, upgrade it if older) and read it.
 */
import type * as Y from 'yjs';
import { checkVersion, type Migration, upgrade, type VersionCheck } from './doc.ts';
import { FEEDBACK_MIGRATIONS, readFeedbackLog } from './feedback.ts';
import { INDEX_MIGRATIONS, readIndex } from './index-doc.ts';
import { MINUTES_MIGRATIONS, readMinutes } from './minutes.ts';
import { PLAN_MIGRATIONS, readPlan } from './plan.ts';
import type { AnyDocKind, FeedbackLogData, IndexData, MinutesData, PlanData } from './schema.ts';

/** The migrations of each kind. */
export const MIGRATIONS: Readonly<Record<AnyDocKind, readonly Migration[]>> = {
  plan: PLAN_MIGRATIONS,
  minutes: MINUTES_MIGRATIONS,
  feedback: FEEDBACK_MIGRATIONS,
  index: INDEX_MIGRATIONS,
};

/** Plain data of any kind, tagged by `kind`. */
export type DocData = PlanData | MinutesData | FeedbackLogData | IndexData;
export type DocDataOf<K extends AnyDocKind> = Extract<DocData, { kind: K }>;

export type OpenResult = VersionCheck & {
  /** True when this call upgraded the doc in place. */
  migrated: boolean;
};

/**
 * Opens a doc of a kind (DOC-2, DOC-3): an older doc is upgraded in place (origin `migration`)
 * unless `migrate: false` (a viewer's device, which may not write); a newer or other-kind doc is
 * reported `readOnly` with a reason to show, and left untouched.
 */
export function openDoc(
  doc: Y.Doc,
  kind: AnyDocKind,
  options: {
    /** Upgrade older docs in place; default true. */
    migrate?: boolean;
  } = {},
): OpenResult {
  const check = checkVersion(doc, kind);
  if (check.state === 'older' && options.migrate !== false) {
    upgrade(doc, kind, MIGRATIONS[kind]);
    return { ...checkVersion(doc, kind), migrated: true };
  }
  return { ...check, migrated: false };
}

/** Reads a doc of any kind as plain data (never writes). */
export function readDoc<K extends AnyDocKind>(kind: K, doc: Y.Doc): DocDataOf<K> {
  switch (kind) {
    case 'plan':
      return readPlan(doc) as DocDataOf<K>;
    case 'minutes':
      return readMinutes(doc) as DocDataOf<K>;
    case 'feedback':
      return readFeedbackLog(doc) as DocDataOf<K>;
    default:
      return readIndex(doc) as DocDataOf<K>;
  }
}

/**
 * Kind-generic entry points: check a doc's version, open it (upgrade it if older), read it,
 * create a blank doc of a kind, describe a change. Each dispatches through the kind registry
 * (kinds.ts), so there is no switch here to forget a kind in.
 */
import type * as Y from 'yjs';
import type { Locale } from '../i18n/index.ts';
import { DomainError } from './DomainError.ts';
import type { ChangeItem, DescribeOptions } from './describe.ts';
import { checkVersionOf, metaOfDoc, upgrade, type VersionCheck } from './doc.ts';
import { isAnyDocKind, type KindInit, kindInfo } from './kinds.ts';
import type { OpOptions } from './origins.ts';
import type { AnyDocKind, DocData, DocDataOf } from './schema.ts';

export type OpenResult = VersionCheck & {
  /** True when this call upgraded the doc in place. */
  migrated: boolean;
};

/** Reads the doc's kind and version and says whether this build may write it as `kind` (DOC-2, DOC-3). */
export function checkVersion(doc: Y.Doc, kind: AnyDocKind): VersionCheck {
  return checkVersionOf(doc, kindInfo(kind).versioning);
}

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
  const { versioning } = kindInfo(kind);
  const check = checkVersionOf(doc, versioning);
  if (check.state === 'older' && options.migrate !== false) {
    upgrade(doc, versioning);
    return { ...checkVersionOf(doc, versioning), migrated: true };
  }
  return { ...check, migrated: false };
}

/** Reads a doc of any kind as plain data (never writes). An unknown kind throws `unknown-kind` (KIND-1). */
export function readDoc<K extends AnyDocKind>(kind: K, doc: Y.Doc): DocDataOf<K> {
  return kindInfo(kind).read(doc);
}

/**
 * The kind a doc says it is in its meta map; null for a doc nobody has stamped yet. A kind this
 * build does not know throws `unknown-kind` (KIND-1). Creates no root in the doc.
 */
export function kindOfDoc(doc: Y.Doc): AnyDocKind | null {
  const { kind } = metaOfDoc(doc);
  if (kind === null) return null;
  if (!isAnyDocKind(kind)) kindInfo(kind);
  return kind as AnyDocKind;
}

/** Fills an empty doc as a new, blank doc of `kind` (the kind's defaults; the index: the workspace name and the 8+1 list). */
export function initDoc(kind: AnyDocKind, doc: Y.Doc, init: KindInit, opts?: OpOptions): void {
  kindInfo(kind).init(doc, init, opts);
}

/**
 * What changed between two plain reads of one doc (DESC-1); `options` carries exact text counts
 * (DESC-2) and marks a doc's creation (DESC-3).
 */
export function diffData(
  before: DocData,
  after: DocData,
  locale: Locale = 'zh-CN',
  options?: DescribeOptions,
): ChangeItem[] {
  if (before.kind !== after.kind) {
    throw new DomainError('wrong-kind', 'cannot compare documents of different kinds');
  }
  const describe = kindInfo(before.kind).describe as (
    a: DocData,
    b: DocData,
    l: Locale,
    o?: DescribeOptions,
  ) => ChangeItem[];
  return describe(before, after, locale, options);
}

/** What changed between two versions of a doc (DESC-1), e.g. for one history entry. */
export function describeChange(
  kind: AnyDocKind,
  before: Y.Doc,
  after: Y.Doc,
  locale: Locale = 'zh-CN',
): ChangeItem[] {
  return diffData(readDoc(kind, before), readDoc(kind, after), locale);
}

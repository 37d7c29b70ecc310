/**
 * The registry of document kinds: everything generic code needs to know about a kind, in one
 * table. Reading any doc, opening it (version check, migrations), creating a blank one,
 * describing a change between two versions, its label and whether the index lists it all go
 * through `kindInfo(kind)`.
 *
 * Adding a kind: name it in `DOC_KINDS` (schema.ts) with its data schema in `DOC_DATA_SCHEMAS`,
 * write its module (Y layout, `read…`, operations, versioning), a describer (describe.ts), its
 * label (the catalogues' `docKind` table, shared/src/i18n) and its entry here. Each of those is typed `Record<kind, …>`, so
 * a kind left out anywhere fails to compile instead of falling back to another kind at run time.
 *
 * Rule KIND-1 (SPEC.md): every kind has exactly one entry; an unknown kind at run time (a doc
 * or index entry written by a newer version) is a `DomainError` with code `unknown-kind`, never
 * read as some other kind.
 */
import type * as Y from 'yjs';
import { INDEX_DOC_ID } from '../protocol/index.ts';
import { DomainError } from './DomainError.ts';
import {
  type DataDescriber,
  describeFeedbackData,
  describeIndexData,
  describeMinutesData,
  describePlanData,
  describeRosterData,
} from './describe.ts';
import type { KindVersioning, Migration } from './doc.ts';
import { FEEDBACK_VERSIONING, initFeedbackLog, readFeedbackLog } from './feedback.ts';
import { INDEX_VERSIONING, initIndex, readIndex } from './index-doc.ts';
import { initMinutes, MINUTES_VERSIONING, readMinutes } from './minutes.ts';
import type { OpOptions } from './origins.ts';
import { initPlan, PLAN_VERSIONING, readPlan } from './plan.ts';
import { initRoster, ROSTER_DOC_ID, ROSTER_VERSIONING, readRoster } from './roster.ts';
import {
  ANY_DOC_KINDS,
  type AnyDocKind,
  DOC_DATA_SCHEMAS,
  DOC_KINDS,
  type DocDataOf,
  type DocKind,
} from './schema.ts';

/** What a blank doc of any kind starts from: its title (the index: the workspace name). */
export type KindInit = {
  title: string;
  /** Epoch ms; default now. */
  createdAt?: number;
};

/** Everything generic code needs to know about one kind. */
export type KindInfo<K extends AnyDocKind = AnyDocKind> = {
  readonly kind: K;
  /** The schema version this build writes and the migrations that lead to it (DOC-2). */
  readonly versioning: KindVersioning<K>;
  /** The zod schema `read` output passes. */
  readonly schema: (typeof DOC_DATA_SCHEMAS)[K];
  /** Plain data of a doc of this kind; never writes (an older doc is read through an upgraded copy). */
  readonly read: (doc: Y.Doc) => DocDataOf<K>;
  /** Fills an empty doc as a new, blank doc of this kind with the kind's defaults. */
  readonly init: (doc: Y.Doc, init: KindInit, opts?: OpOptions) => void;
  /** What changed between two plain reads (DESC-1). */
  readonly describe: DataDescriber<DocDataOf<K>>;
  /** True when docs of this kind are listed in the workspace index (`DOC_KINDS`). */
  readonly listed: boolean;
  /** The doc id of a kind a workspace has exactly one of (its room is `<workspaceId>/<id>`); null when a workspace has many. */
  readonly fixedId: string | null;
};

type Registry = { readonly [K in AnyDocKind]: KindInfo<K> };

/** The registry (KIND-1): one entry per kind, checked by the compiler. */
export const DOC_KIND_REGISTRY: Registry = {
  plan: {
    kind: 'plan',
    versioning: PLAN_VERSIONING,
    schema: DOC_DATA_SCHEMAS.plan,
    read: readPlan,
    init: (doc, init, opts) =>
      initPlan(doc, { title: init.title, createdAt: init.createdAt }, opts),
    describe: describePlanData,
    listed: true,
    fixedId: null,
  },
  minutes: {
    kind: 'minutes',
    versioning: MINUTES_VERSIONING,
    schema: DOC_DATA_SCHEMAS.minutes,
    read: readMinutes,
    // A new record starts as a party group meeting without a time: the most frequent meeting.
    init: (doc, init, opts) =>
      initMinutes(
        doc,
        {
          title: init.title,
          meetingType: 'party-group',
          startsAt: null,
          createdAt: init.createdAt,
        },
        opts,
      ),
    describe: describeMinutesData,
    listed: true,
    fixedId: null,
  },
  feedback: {
    kind: 'feedback',
    versioning: FEEDBACK_VERSIONING,
    schema: DOC_DATA_SCHEMAS.feedback,
    read: readFeedbackLog,
    init: (doc, init, opts) =>
      initFeedbackLog(doc, { title: init.title, createdAt: init.createdAt }, opts),
    describe: describeFeedbackData,
    listed: true,
    fixedId: null,
  },
  roster: {
    kind: 'roster',
    versioning: ROSTER_VERSIONING,
    schema: DOC_DATA_SCHEMAS.roster,
    read: readRoster,
    init: (doc, init, opts) =>
      initRoster(doc, { title: init.title, createdAt: init.createdAt }, opts),
    describe: describeRosterData,
    listed: true,
    fixedId: ROSTER_DOC_ID,
  },
  index: {
    kind: 'index',
    versioning: INDEX_VERSIONING,
    schema: DOC_DATA_SCHEMAS.index,
    read: readIndex,
    init: (doc, init, opts) =>
      initIndex(doc, { name: init.title, createdAt: init.createdAt }, opts),
    describe: describeIndexData,
    listed: false,
    fixedId: INDEX_DOC_ID,
  },
};

/** Every kind, in registry order. */
export const docKinds: readonly AnyDocKind[] = ANY_DOC_KINDS;

/** True when `value` names a kind this build knows. */
export function isAnyDocKind(value: unknown): value is AnyDocKind {
  return typeof value === 'string' && (ANY_DOC_KINDS as readonly string[]).includes(value);
}

/** True when `value` names a kind the index lists. */
export function isDocKind(value: unknown): value is DocKind {
  return typeof value === 'string' && (DOC_KINDS as readonly string[]).includes(value);
}

/**
 * The registry entry of a kind (KIND-1). A kind this build does not know throws a `DomainError`
 * with code `unknown-kind` (a doc from a newer version): nothing is read as another kind.
 */
export function kindInfo<K extends AnyDocKind>(kind: K): KindInfo<K>;
export function kindInfo(kind: string): KindInfo;
export function kindInfo(kind: string): KindInfo {
  if (!isAnyDocKind(kind)) {
    throw new DomainError(
      'unknown-kind',
      `unknown document kind "${kind}": it may come from a newer version of the app`,
    );
  }
  return DOC_KIND_REGISTRY[kind] as unknown as KindInfo;
}

/** The schema version this build writes, per kind (DOC-2). */
export const SCHEMA_VERSIONS: Readonly<Record<AnyDocKind, number>> = Object.fromEntries(
  ANY_DOC_KINDS.map((k) => [k, DOC_KIND_REGISTRY[k].versioning.schemaVersion]),
) as Record<AnyDocKind, number>;

/** The migrations of each kind. */
export const MIGRATIONS: Readonly<Record<AnyDocKind, readonly Migration[]>> = Object.fromEntries(
  ANY_DOC_KINDS.map((k) => [k, DOC_KIND_REGISTRY[k].versioning.migrations]),
) as Record<AnyDocKind, readonly Migration[]>;

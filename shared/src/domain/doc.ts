/**
 * What every document kind shares: creating a Y.Doc, the `meta` map with the kind and schema
 * version, upgrading older docs, refusing to write newer ones, and small Y helpers.
 *
 * Rules (see SPEC.md): DOC-1 docs keep deleted content; DOC-2 older docs are upgraded, writes
 * migrate in place and reads never write; DOC-3 newer docs are read-only; DOC-4 migrations are
 * idempotent and safe to run on two devices at once.
 */
import { simpleDiffString } from 'lib0/diff';
import * as Y from 'yjs';
import { DomainError, ReadOnlyDocError } from './DomainError.ts';
import { type OpOptions, type Origin, Origins } from './origins.ts';
import type { AnyDocKind } from './schema.ts';

/** Root map holding `kind`, `schemaVersion` and `createdAt`. */
export const META_ROOT = 'meta';

export type CreateDocOptions = {
  /** Fix the Yjs client id (deterministic demo data and tests); default random. */
  clientID?: number;
};

/**
 * A new, empty Y.Doc with garbage collection off (DOC-1): history and restore rebuild past
 * versions from deleted content, so it must be kept.
 */
export function createDoc(options: CreateDocOptions = {}): Y.Doc {
  const doc = new Y.Doc({ gc: false });
  if (options.clientID !== undefined) doc.clientID = options.clientID;
  return doc;
}

/** A migration rewrites a doc of version `from` to version `from + 1`, inside a transaction. */
export type Migration = { from: number; migrate: (doc: Y.Doc) => void };

/**
 * What the version machinery needs to know about one kind: its name, the schema version this
 * build writes and the migrations that lead there. Each kind module declares its own; the
 * registry (kinds.ts) collects them.
 */
export type KindVersioning<K extends AnyDocKind = AnyDocKind> = {
  readonly kind: K;
  readonly schemaVersion: number;
  readonly migrations: readonly Migration[];
};

export type VersionState = 'empty' | 'current' | 'older' | 'newer' | 'wrong-kind';

export type VersionCheck = {
  state: VersionState;
  kind: string | null;
  /** The version stored in the doc; 0 when the doc is empty (nothing synced or created yet). */
  version: number;
  /** True when this build must not write to the doc. */
  readOnly: boolean;
  /** Why it is read-only, in words a person can act on; null when writable. */
  reason: string | null;
};

function metaOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(META_ROOT);
}

/** Reads the doc's kind and version and says whether this build may write it. */
export function checkVersionOf(doc: Y.Doc, versioning: KindVersioning): VersionCheck {
  const { kind } = versioning;
  const meta = metaOf(doc);
  const storedKind = meta.get('kind');
  const storedVersion = meta.get('schemaVersion');
  const version = typeof storedVersion === 'number' ? storedVersion : 0;
  const k = typeof storedKind === 'string' ? storedKind : null;
  if (k === null && version === 0) {
    return { state: 'empty', kind: null, version: 0, readOnly: false, reason: null };
  }
  if (k !== null && k !== kind) {
    return {
      state: 'wrong-kind',
      kind: k,
      version,
      readOnly: true,
      reason: `This document is a ${k}, not a ${kind}.`,
    };
  }
  const current = versioning.schemaVersion;
  if (version > current) {
    const err = new ReadOnlyDocError(version, current, kind);
    return { state: 'newer', kind, version, readOnly: true, reason: err.message };
  }
  if (version < current) return { state: 'older', kind, version, readOnly: false, reason: null };
  return { state: 'current', kind, version, readOnly: false, reason: null };
}

/** Runs the migrations that take `doc` from its version to the current one (origin `migration`). */
export function upgrade(doc: Y.Doc, versioning: KindVersioning): void {
  const { kind, migrations } = versioning;
  const check = checkVersionOf(doc, versioning);
  if (check.state !== 'older') return;
  doc.transact(() => {
    const meta = metaOf(doc);
    for (let v = check.version; v < versioning.schemaVersion; v++) {
      const step = migrations.find((m) => m.from === v);
      if (!step) throw new DomainError('invalid', `no migration for ${kind} from version ${v}`);
      step.migrate(doc);
      meta.set('schemaVersion', v + 1);
    }
  }, Origins.migration);
}

/**
 * Prepares a doc for a write: refuses newer and wrong-kind docs with a typed error, stamps the
 * meta of an empty doc, upgrades an older one in place.
 */
export function prepareWrite(doc: Y.Doc, versioning: KindVersioning, origin: Origin): void {
  const check = checkVersionOf(doc, versioning);
  if (check.state === 'newer')
    throw new ReadOnlyDocError(check.version, versioning.schemaVersion, versioning.kind);
  if (check.state === 'wrong-kind')
    throw new DomainError('wrong-kind', check.reason ?? 'wrong kind');
  if (check.state === 'empty') stampMeta(doc, versioning, origin);
  if (check.state === 'older') upgrade(doc, versioning);
}

/**
 * The write wrapper every operation of a kind goes through: resolves the origin (default
 * `local`), prepares the doc (stamps an empty one, migrates an older one, refuses a newer one),
 * runs the kind's own `guard`, then `fn` in one transaction.
 */
export function makeWriter(
  versioning: KindVersioning,
  guard: (doc: Y.Doc) => void = () => {},
): (doc: Y.Doc, opts: OpOptions | undefined, fn: () => void) => void {
  return (doc, opts, fn) => {
    const origin = opts?.origin ?? Origins.local;
    prepareWrite(doc, versioning, origin);
    guard(doc);
    doc.transact(fn, origin);
  };
}

/** Writes kind and current version into an empty doc's meta. */
export function stampMeta(
  doc: Y.Doc,
  versioning: KindVersioning,
  origin: Origin,
  createdAt?: number,
): void {
  doc.transact(() => {
    const meta = metaOf(doc);
    meta.set('kind', versioning.kind);
    meta.set('schemaVersion', versioning.schemaVersion);
    if (createdAt !== undefined && !meta.has('createdAt')) meta.set('createdAt', createdAt);
  }, origin);
}

/**
 * The doc a reader should read: the doc itself, or for an older doc an upgraded copy, so that
 * reading never writes (a township reviewer's device may not write at all). Throws on a doc of
 * another kind.
 */
export function readableDoc(doc: Y.Doc, versioning: KindVersioning): Y.Doc {
  const check = checkVersionOf(doc, versioning);
  if (check.state === 'wrong-kind')
    throw new DomainError('wrong-kind', check.reason ?? 'wrong kind');
  if (check.state !== 'older') return doc;
  const copy = createDoc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  upgrade(copy, versioning);
  return copy;
}

/**
 * The kind and schema version a doc says it has in its meta map, without creating any root in
 * a doc that has none (a placeholder doc stays untouched). Null fields when unstamped.
 */
export function metaOfDoc(doc: Y.Doc): { kind: string | null; schemaVersion: number } {
  if (!doc.share.has(META_ROOT)) return { kind: null, schemaVersion: 0 };
  const meta = metaOf(doc);
  const kind = meta.get('kind');
  const version = meta.get('schemaVersion');
  return {
    kind: typeof kind === 'string' ? kind : null,
    schemaVersion: typeof version === 'number' ? version : 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Small Y helpers shared by the kind modules (not part of the package face).
// ---------------------------------------------------------------------------------------------

/** Replaces a Y.Text's content with the smallest edit, so concurrent edits elsewhere survive. */
export function setText(text: Y.Text, next: string): void {
  const current = text.toString();
  if (current === next) return;
  const d = simpleDiffString(current, next);
  if (d.remove > 0) text.delete(d.index, d.remove);
  if (d.insert.length > 0) text.insert(d.index, d.insert);
}

/** A new Y.Text holding `value`. */
export function newText(value: string): Y.Text {
  const t = new Y.Text();
  if (value) t.insert(0, value);
  return t;
}

/** The string value of a map field that holds a Y.Text (or, tolerantly, a plain string). */
export function textField(map: Y.Map<unknown>, key: string): string {
  const v = map.get(key);
  if (v instanceof Y.Text) return v.toString();
  return typeof v === 'string' ? v : '';
}

/** The Y.Text of a map field, created if missing. */
export function ensureText(map: Y.Map<unknown>, key: string): Y.Text {
  const v = map.get(key);
  if (v instanceof Y.Text) return v;
  const t = newText(typeof v === 'string' ? v : '');
  map.set(key, t);
  return t;
}

export function stringOr<T>(v: unknown, fallback: T): string | T {
  return typeof v === 'string' ? v : fallback;
}

export function numberOr<T>(v: unknown, fallback: T): number | T {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function oneOf<T extends string>(values: readonly T[], v: unknown, fallback: T): T {
  return typeof v === 'string' && (values as readonly string[]).includes(v) ? (v as T) : fallback;
}

/** Throws a `limit` error when a string is longer than allowed. */
export function checkLength(value: string, max: number, field: string): void {
  if (value.length > max) {
    throw new DomainError(
      'limit',
      `${field} is ${value.length} characters; the limit is ${max}`,
      'tooLong',
      { length: value.length, max },
    );
  }
}

/** Throws a `limit` error when a collection is full. */
export function checkCount(count: number, max: number, what: string): void {
  if (count >= max) throw new DomainError('limit', `at most ${max} ${what}`, 'tooMany', { max });
}

/** A child Y.Map of a map, or a `not-found` error. */
export function childMap(parent: Y.Map<unknown>, id: string, what: string): Y.Map<unknown> {
  const v = parent.get(id);
  if (!(v instanceof Y.Map)) throw new DomainError('not-found', `${what} ${id} not found`);
  return v as Y.Map<unknown>;
}

/** A child Y.Array of a map, created if missing. */
export function ensureArray<T>(map: Y.Map<unknown>, key: string): Y.Array<T> {
  const v = map.get(key);
  if (v instanceof Y.Array) return v as Y.Array<T>;
  const a = new Y.Array<T>();
  map.set(key, a);
  return a;
}

/**
 * Plain text of a rich-text fragment (Tiptap/ProseMirror layout: block elements holding text):
 * blocks are separated by newlines, formatting is dropped. For search and history, not display.
 * Past `TEXT_MAX_DEPTH` levels of nesting (no editor makes them; a hostile client can) the text
 * is read without recursion, so no fragment can overflow the stack.
 */
export function fragmentText(fragment: Y.XmlFragment | Y.XmlElement, depth = 0): string {
  if (depth >= TEXT_MAX_DEPTH && fragment instanceof Y.XmlElement) return deepText(fragment);
  const blocks: string[] = [];
  for (const child of fragment.toArray()) {
    if (child instanceof Y.XmlText) blocks.push(xmlTextString(child));
    else if (child instanceof Y.XmlElement) {
      const hasBlockChildren = child.toArray().some((c) => c instanceof Y.XmlElement);
      blocks.push(hasBlockChildren ? fragmentText(child, depth + 1) : inlineText(child));
    }
  }
  return blocks.join('\n');
}

const TEXT_MAX_DEPTH = 32;

/** The text of an element holding only text. */
function inlineText(el: Y.XmlElement): string {
  let s = '';
  for (const c of el.toArray()) {
    if (c instanceof Y.XmlText) s += xmlTextString(c);
  }
  return s;
}

/**
 * An element's text without recursion: the text of each element holding text on its own line,
 * a line break (`hardBreak`) as a newline.
 */
export function deepText(root: Y.XmlElement): string {
  const lines: string[] = [];
  let line = '';
  const stack: Array<Y.XmlElement | Y.XmlText | Y.XmlHook | null> = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null) {
      // The end of an element.
      if (line !== '') lines.push(line);
      line = '';
    } else if (node instanceof Y.XmlText) {
      line += xmlTextString(node);
    } else if (node instanceof Y.XmlElement) {
      if (node.nodeName === 'hardBreak') line += '\n';
      else stack.push(null);
      const children = node.toArray();
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

function xmlTextString(t: Y.XmlText): string {
  let s = '';
  for (const op of t.toDelta() as { insert?: unknown }[]) {
    if (typeof op.insert === 'string') s += op.insert;
  }
  return s;
}

/**
 * Replaces a fragment's content with one paragraph per line of `text` (Tiptap's `paragraph`
 * node). For generated content and imports; editors write through Tiptap.
 */
export function writeParagraphs(fragment: Y.XmlFragment, text: string): void {
  if (fragment.length > 0) fragment.delete(0, fragment.length);
  const paragraphs = text.split('\n').map((line) => {
    const p = new Y.XmlElement('paragraph');
    if (line) p.insert(0, [new Y.XmlText(line)]);
    return p;
  });
  fragment.insert(0, paragraphs);
}

/** A fractional position between two neighbours, for ordering in a Y.Map without moves (PLAN-2). */
export function orderBetween(before: number | null, after: number | null): number {
  if (before === null && after === null) return 1;
  if (before === null) return (after as number) - 1;
  if (after === null) return before + 1;
  return (before + after) / 2;
}

/** Sorts by `order`, ties by id, so every device shows the same order. */
export function byOrder<T extends { order: number; id: string }>(a: T, b: T): number {
  return a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

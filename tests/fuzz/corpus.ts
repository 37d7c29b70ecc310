/**
 * Real Yjs updates to fuzz with: the demo village's docs (their whole state) and small edits made
 * on copies of them, so that mutations start from bytes a real client sends and refer to items
 * that really exist in the rooms being fuzzed.
 */
import { createDemoVillage } from '@grassroots/shared';
import * as prng from 'lib0/prng';
import * as Y from 'yjs';

/** The shared types an edit may create or change. */
type Shared = Y.Map<unknown> | Y.Array<unknown> | Y.Text | Y.XmlText | Y.XmlFragment | Y.XmlElement;

type RootConstructor = new () => Shared;

/** One demo doc: its whole state and a few incremental updates made on top of it. */
export type CorpusDoc = {
  name: string;
  /** `Y.encodeStateAsUpdate` of the demo doc. */
  full: Uint8Array;
  /** Updates recorded while editing a copy of the doc (each refers to the demo's items). */
  edits: Uint8Array[];
  /** Client ids that appear in `full` and `edits`. */
  clients: number[];
  /** Root names with their type constructors, to open a copy with the same shared types. */
  roots: [string, RootConstructor][];
};

const TEXT_PIECES = [
  '村',
  '会议',
  'ok',
  '\n',
  '🚜',
  'a'.repeat(40),
  '',
  '\u0000',
  '\uD800',
  '议程',
];
const KEYS = ['title', 'status', 'x', '', '__proto__', 'constructor', 'k'.repeat(100)];

const randomValue = (gen: prng.PRNG): unknown =>
  prng.oneOf(gen, [
    () => null,
    () => prng.int32(gen, -1e6, 1e6),
    () => prng.real53(gen) * 1e300,
    () => prng.utf16String(gen, 20),
    () => prng.bool(gen),
    () => [1, 'two', { three: 3 }],
    () => ({ nested: { deep: [prng.word(gen)] } }),
    () => prng.uint8Array(gen, prng.int32(gen, 0, 16)),
  ])();

const randomNewType = (gen: prng.PRNG): Shared => {
  const pick = prng.int32(gen, 0, 3);
  if (pick === 0) return new Y.Map();
  if (pick === 1) return new Y.Array();
  if (pick === 2) return new Y.Text(prng.word(gen));
  return new Y.XmlText(prng.word(gen));
};

/** Every shared type reachable from the doc's roots (at most `limit`). */
function sharedTypes(doc: Y.Doc, limit = 400): Shared[] {
  const found: Shared[] = [];
  const visit = (value: unknown) => {
    if (found.length >= limit || !(value instanceof Y.AbstractType)) return;
    found.push(value as Shared);
    if (value instanceof Y.Map) for (const v of value.values()) visit(v);
    else if (value instanceof Y.Array) for (const v of value.toArray()) visit(v);
    else if (value instanceof Y.XmlFragment) for (const v of value.toArray()) visit(v);
  };
  for (const type of doc.share.values()) visit(type);
  return found;
}

const typesOf = new WeakMap<Y.Doc, { types: Shared[]; uses: number }>();

/**
 * Makes one random change to a shared type of `doc`, the way an editor would: typing, deleting,
 * formatting, setting map keys, inserting nested types. Deterministic for a given generator.
 */
export function randomEdit(doc: Y.Doc, gen: prng.PRNG): void {
  // Walking a big doc for every edit is slow: reuse the list for a few edits.
  let cached = typesOf.get(doc);
  if (!cached || cached.uses++ > 16) {
    cached = { types: sharedTypes(doc), uses: 0 };
    typesOf.set(doc, cached);
  }
  const types = cached.types;
  if (types.length === 0) return;
  const type = prng.oneOf(gen, types);
  doc.transact(() => {
    if (type instanceof Y.Text) {
      const at = prng.int32(gen, 0, type.length);
      const op = prng.int32(gen, 0, 2);
      if (op === 0 || type.length === 0) type.insert(at, prng.oneOf(gen, TEXT_PIECES) || 'x');
      else if (op === 1) type.delete(Math.min(at, type.length - 1), prng.int32(gen, 1, 8));
      else type.format(Math.min(at, type.length - 1), prng.int32(gen, 1, 5), { bold: true });
    } else if (type instanceof Y.Map) {
      const key = prng.oneOf(gen, [...KEYS, ...Array.from(type.keys()).slice(0, 5)]);
      const op = prng.int32(gen, 0, 3);
      if (op === 0) type.delete(key);
      else if (op === 1) type.set(key, randomNewType(gen));
      else type.set(key, randomValue(gen));
    } else if (type instanceof Y.Array) {
      const at = prng.int32(gen, 0, type.length);
      if (prng.bool(gen) && type.length > 0) {
        type.delete(Math.min(at, type.length - 1), 1);
      } else {
        type.insert(at, [prng.bool(gen) ? randomValue(gen) : randomNewType(gen)]);
      }
    } else if (type instanceof Y.XmlFragment) {
      const at = prng.int32(gen, 0, type.length);
      if (prng.bool(gen) && type.length > 0) type.delete(Math.min(at, type.length - 1), 1);
      else {
        const element = new Y.XmlElement(prng.oneOf(gen, ['paragraph', 'heading', 'p']));
        element.insert(0, [new Y.XmlText(prng.utf16String(gen, 12))]);
        type.insert(at, [prng.bool(gen) ? element : new Y.XmlText(prng.word(gen))]);
        if (type instanceof Y.XmlElement) type.setAttribute('level', String(at));
      }
    }
  });
}

/** A fresh doc holding `source`'s state, with the same root types, under its own client id. */
export function openCopy(source: CorpusDoc, clientID: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  for (const [name, Type] of source.roots) doc.get(name, Type);
  Y.applyUpdate(doc, source.full);
  return doc;
}

/**
 * The corpus: every doc of a small demo village (index, plan, minutes, feedback log), with
 * `editsPerDoc` recorded edits each. Deterministic for a seed.
 */
export function makeCorpus(seed: number, editsPerDoc = 40): CorpusDoc[] {
  const village = createDemoVillage({ docs: 6, entries: 20, seed: seed >>> 0 });
  const docs = [
    { name: 'index', doc: village.index },
    ...village.docs.map((d) => ({ name: `${d.kind}-${d.id}`, doc: d.doc })),
  ];
  return docs.map(({ name, doc }, i) => {
    const roots = Array.from(doc.share.entries()).map(
      ([rootName, type]): [string, RootConstructor] => [
        rootName,
        type.constructor as RootConstructor,
      ],
    );
    const entry: CorpusDoc = {
      name,
      full: Y.encodeStateAsUpdate(doc),
      edits: [],
      clients: [],
      roots,
    };
    const copy = openCopy(entry, 70_000 + i);
    copy.on('update', (update: Uint8Array) => entry.edits.push(update));
    const gen = prng.create(seed + i);
    for (let n = 0; n < editsPerDoc; n++) randomEdit(copy, gen);
    entry.clients = Array.from(copy.store.clients.keys());
    copy.destroy();
    return entry;
  });
}

/**
 * Change history, read from a doc's stored update log: how updates group into entries, who wrote
 * which characters and who deleted them, what a past version looked like, how two versions
 * differ, and the update that brings a doc back to a past version. Used by server and client.
 *
 * HIST-1 An entry is a run of consecutive stored rows by one author, each starting at most
 *        `burstGapMs` after the previous one ended. A boundary (a named version) always ends an
 *        entry, so every named version is the state after some entry.
 * HIST-2 Authorship is the authenticated member whose connection first delivered a struct (or a
 *        deletion) to the server — never a name a client puts into the doc.
 * HIST-3 A version is rebuilt by replaying the stored rows up to it into a fresh doc (gc off), so
 *        it is exact even when updates reached the server out of order.
 * HIST-4 Restore is a new change on top of the current state: everything done after the version
 *        is undone (inserted content deleted, deleted content re-inserted as copies). Devices that
 *        edited offline meanwhile merge with it like with any other change.
 */
import * as Y from 'yjs';

/** The metadata of a stored row that history needs (the update itself is separate). */
export type HistoryRow = {
  seq: number;
  authorId: string;
  firstAt: number;
  lastAt: number;
  count: number;
};

export type HistoryEntry = {
  /** `<fromSeq>-<toSeq>`: stable for as long as the rows are. */
  id: string;
  fromSeq: number;
  toSeq: number;
  authorId: string;
  firstAt: number;
  lastAt: number;
  /** How many client updates the entry holds. */
  updates: number;
};

/** HIST-1: groups rows (in seq order) into entries of one author and one burst of work. */
export function groupEntries(
  rows: readonly HistoryRow[],
  options: { burstGapMs: number; boundaries?: ReadonlySet<number> },
): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  let current: HistoryEntry | null = null;
  for (const row of rows) {
    const joins =
      current !== null &&
      current.authorId === row.authorId &&
      row.firstAt - current.lastAt <= options.burstGapMs &&
      !options.boundaries?.has(current.toSeq);
    if (joins && current) {
      current.toSeq = row.seq;
      current.lastAt = Math.max(current.lastAt, row.lastAt);
      current.updates += row.count;
      current.id = `${current.fromSeq}-${current.toSeq}`;
    } else {
      current = {
        id: `${row.seq}-${row.seq}`,
        fromSeq: row.seq,
        toSeq: row.seq,
        authorId: row.authorId,
        firstAt: row.firstAt,
        lastAt: row.lastAt,
        updates: row.count,
      };
      entries.push(current);
    }
  }
  return entries;
}

/** HIST-3: a fresh doc (gc off) holding the given updates, applied in order. */
export function replay(updates: Iterable<Uint8Array>, origin: unknown = 'storage'): Y.Doc {
  const doc = new Y.Doc({ gc: false });
  for (const update of updates) Y.applyUpdate(doc, update, origin);
  return doc;
}

type Range = { clock: number; end: number; authorId: string };

/** HIST-2: who first delivered each struct and each deletion, from the rows in seq order. */
export class Attribution {
  private readonly inserts = new Map<number, Range[]>();
  private readonly deletes = new Map<number, Range[]>();

  constructor(rows: Iterable<{ authorId: string; update: Uint8Array }>) {
    const seen = new Map<number, number>();
    for (const { authorId, update } of rows) {
      const { structs, ds } = Y.decodeUpdate(update);
      for (const struct of structs) {
        const client = struct.id.client;
        const end = struct.id.clock + struct.length;
        const known = seen.get(client) ?? 0;
        if (end <= known) continue;
        const start = Math.max(struct.id.clock, known);
        if (struct instanceof Y.Item || struct instanceof Y.GC) {
          push(this.inserts, client, { clock: start, end, authorId });
        }
        seen.set(client, end);
      }
      for (const [client, items] of ds.clients) {
        for (const item of items) {
          push(this.deletes, client, { clock: item.clock, end: item.clock + item.len, authorId });
        }
      }
    }
  }

  /** The member who wrote the struct with this id, if known. */
  authorOf(id: Y.ID): string | null {
    return find(this.inserts.get(id.client), id.clock);
  }

  /** The member who first deleted the struct with this id, if known. */
  deleterOf(id: Y.ID): string | null {
    return find(this.deletes.get(id.client), id.clock);
  }
}

function push(map: Map<number, Range[]>, client: number, range: Range) {
  const list = map.get(client);
  if (list) list.push(range);
  else map.set(client, [range]);
}

function find(ranges: Range[] | undefined, clock: number): string | null {
  if (!ranges) return null;
  for (const r of ranges) if (clock >= r.clock && clock < r.end) return r.authorId;
  return null;
}

/** True when the item existed and was not deleted in the snapshot. */
export function isVisibleIn(item: Y.Item, snapshot: Y.Snapshot): boolean {
  return (
    item.id.clock < (snapshot.sv.get(item.id.client) ?? 0) && !Y.isDeleted(snapshot.ds, item.id)
  );
}

export type TextSegment = {
  text: string;
  change: 'same' | 'inserted' | 'deleted';
  /** For inserted text its writer, for deleted text its deleter. */
  authorId: string | null;
  /** Index of the paragraph (block) the text belongs to, for display. */
  block: number;
};

/**
 * The text of a rich-text fragment (or a Y.Text) compared between two snapshots of one doc that
 * holds both (gc off): what stayed, what `to` added and what it removed, each run attributed.
 * Blocks (paragraphs, headings, list items) are numbered so a view can lay them out.
 */
export function diffText(
  type: Y.XmlFragment | Y.Text,
  from: Y.Snapshot,
  to: Y.Snapshot,
  attribution: Attribution,
): TextSegment[] {
  const segments: TextSegment[] = [];
  let block = 0;
  const emit = (text: string, change: TextSegment['change'], authorId: string | null) => {
    const last = segments[segments.length - 1];
    if (last && last.change === change && last.authorId === authorId && last.block === block) {
      last.text += text;
    } else {
      segments.push({ text, change, authorId, block });
    }
  };
  const walkText = (text: Y.Text | Y.XmlText) => {
    let item = text._start;
    while (item !== null) {
      if (item.content instanceof Y.ContentString) {
        const inFrom = isVisibleIn(item, from);
        const inTo = isVisibleIn(item, to);
        const str = item.content.str;
        if (inFrom && inTo) emit(str, 'same', null);
        else if (inTo) emit(str, 'inserted', attribution.authorOf(item.id));
        else if (inFrom) emit(str, 'deleted', attribution.deleterOf(item.id));
      }
      item = item.right;
    }
  };
  const walk = (parent: Y.XmlFragment | Y.XmlElement) => {
    let item = parent._start;
    while (item !== null) {
      const content = item.content;
      if (content instanceof Y.ContentType && (isVisibleIn(item, from) || isVisibleIn(item, to))) {
        const child = content.type;
        if (child instanceof Y.XmlText) walkText(child);
        else if (child instanceof Y.XmlElement) {
          const isBlock = child.nodeName !== 'hardBreak';
          walk(child);
          if (isBlock) block++;
        }
      }
      item = item.right;
    }
  };
  if (type instanceof Y.Text) walkText(type);
  else walk(type);
  return segments;
}

export type FieldChange = { path: string; before: unknown; after: unknown };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Structured parts compared as old → new, by path (`phases[id=p1].tasks[id=t2].status`). Arrays
 * of objects with an `id` are matched by id, so a moved or inserted item is not reported as a
 * change of every item after it.
 */
export function diffFields(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (Object.is(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((k) => diffFields(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const hasIds = (xs: unknown[]) => xs.every((x) => isPlainObject(x) && typeof x.id === 'string');
    if (hasIds(before) && hasIds(after)) {
      const byId = (xs: unknown[]) =>
        new Map(xs.map((x) => [(x as { id: string }).id, x as Record<string, unknown>]));
      const a = byId(before);
      const b = byId(after);
      const ids = new Set([...a.keys(), ...b.keys()]);
      return [...ids].flatMap((id) => diffFields(a.get(id), b.get(id), `${path}[id=${id}]`));
    }
    if (before.length === after.length) {
      return before.flatMap((x, i) => diffFields(x, after[i], `${path}[${i}]`));
    }
  }
  return [{ path, before, after }];
}

/**
 * HIST-4: the update that brings a doc whose log is `upTo` + `after` back to the state after
 * `upTo`, as a new change. Replays `after` under an UndoManager and undoes all of it.
 */
export function revertUpdate(upTo: Iterable<Uint8Array>, after: Iterable<Uint8Array>): Uint8Array {
  const replayOrigin = Symbol('replay');
  const doc = replay(upTo);
  const later = [...after];
  // The whole doc is the scope, so roots that only appear later are tracked too.
  const undo = new Y.UndoManager(doc, {
    trackedOrigins: new Set([replayOrigin]),
    captureTimeout: Number.POSITIVE_INFINITY,
    // Every replayed change is "remote" to this doc; undo must still override map values.
    ignoreRemoteMapChanges: true,
  });
  for (const update of later) Y.applyUpdate(doc, update, replayOrigin);
  const before = Y.encodeStateVector(doc);
  while (undo.undoStack.length > 0) undo.undo();
  const revert = Y.encodeStateAsUpdate(doc, before);
  undo.destroy();
  doc.destroy();
  return revert;
}

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

/**
 * HIST-3: a fresh doc (gc off) holding the given updates, applied in order. An update Yjs cannot
 * apply is skipped (and reported through `onBadUpdate`) so one bad stored row never hides the rest.
 */
export function replay(
  updates: Iterable<Uint8Array>,
  origin: unknown = 'storage',
  onBadUpdate: (index: number, error: unknown) => void = () => {},
): Y.Doc {
  const doc = new Y.Doc({ gc: false });
  let index = 0;
  for (const update of updates) {
    try {
      Y.applyUpdate(doc, update, origin);
    } catch (error) {
      onBadUpdate(index, error);
    }
    index++;
  }
  return doc;
}

type Range = { clock: number; end: number; authorId: string };

/** Index of the first range whose end is past `clock` (ranges sorted and disjoint). */
function firstEndingAfter(ranges: Range[], clock: number): number {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranges[mid]!.end <= clock) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Per client, disjoint sorted clock ranges with the member who delivered them first. Adding a
 * range fills only the gaps it covers: what was already attributed keeps its first author, and
 * clocks that arrive out of order are attributed all the same.
 */
class RangeMap {
  private readonly byClient = new Map<number, Range[]>();

  add(client: number, clock: number, end: number, authorId: string): void {
    let ranges = this.byClient.get(client);
    if (!ranges) {
      ranges = [];
      this.byClient.set(client, ranges);
    }
    const last = ranges[ranges.length - 1];
    if (!last || last.end <= clock) {
      if (last && last.end === clock && last.authorId === authorId) last.end = end;
      else ranges.push({ clock, end, authorId });
      return;
    }
    const gaps: Range[] = [];
    let at = clock;
    for (let i = firstEndingAfter(ranges, clock); at < end; i++) {
      const r = ranges[i];
      if (!r || r.clock >= end) {
        gaps.push({ clock: at, end, authorId });
        break;
      }
      if (r.clock > at) gaps.push({ clock: at, end: r.clock, authorId });
      at = Math.max(at, r.end);
    }
    for (const gap of gaps) ranges.splice(firstEndingAfter(ranges, gap.clock), 0, gap);
  }

  find(client: number, clock: number): string | null {
    const ranges = this.byClient.get(client);
    if (!ranges) return null;
    const r = ranges[firstEndingAfter(ranges, clock)];
    return r && r.clock <= clock ? r.authorId : null;
  }
}

/** HIST-2: who first delivered each struct and each deletion, from the rows in seq order. */
export class Attribution {
  private readonly inserts = new RangeMap();
  private readonly deletes = new RangeMap();

  constructor(rows: Iterable<{ authorId: string; update: Uint8Array }>) {
    for (const { authorId, update } of rows) {
      let decoded: ReturnType<typeof Y.decodeUpdate>;
      try {
        decoded = Y.decodeUpdate(update);
      } catch {
        continue;
      }
      for (const struct of decoded.structs) {
        // Skips are gaps in a merged update, not content: they attribute nothing.
        if (struct instanceof Y.Skip) continue;
        this.inserts.add(
          struct.id.client,
          struct.id.clock,
          struct.id.clock + struct.length,
          authorId,
        );
      }
      for (const [client, items] of decoded.ds.clients) {
        for (const item of items)
          this.deletes.add(client, item.clock, item.clock + item.len, authorId);
      }
    }
  }

  /** The member who wrote the struct with this id, if known. */
  authorOf(id: Y.ID): string | null {
    return this.inserts.find(id.client, id.clock);
  }

  /** The member who first deleted the struct with this id, if known. */
  deleterOf(id: Y.ID): string | null {
    return this.deletes.find(id.client, id.clock);
  }
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
  for (const update of later) {
    try {
      Y.applyUpdate(doc, update, replayOrigin);
    } catch {
      // A row Yjs cannot apply was never part of the doc: nothing of it to undo.
    }
  }
  const before = Y.encodeStateVector(doc);
  const deletedBefore = Y.createDeleteSetFromStructStore(doc.store);
  while (undo.undoStack.length > 0) undo.undo();
  const isChanged =
    !equalBytes(before, Y.encodeStateVector(doc)) ||
    !Y.equalDeleteSets(deletedBefore, Y.createDeleteSetFromStructStore(doc.store));
  // Nothing to undo: an empty update, so a restore to the current state adds no entry.
  const revert = isChanged ? Y.encodeStateAsUpdate(doc, before) : new Uint8Array([0, 0]);
  undo.destroy();
  doc.destroy();
  return revert;
}

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.byteLength === b.byteLength && a.every((x, i) => x === b[i]);

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
 * HIST-5 Comparing two versions marks exactly the characters inserted and deleted between them,
 *        each with the member who inserted (or first deleted) that character: every stored item is
 *        read in sub-ranges cut at the versions' state vectors, both delete sets and the
 *        attribution's range ends, because Yjs merges neighbouring items of one client (even with
 *        gc off) and one item can hold text from both sides of a version. Accepting the marks
 *        (keep same and inserted) gives the later text, rejecting them (keep same and deleted)
 *        the earlier text.
 * HIST-6 The counts an entry shows ("正文 +12 −3 字") are the characters inserted and deleted by
 *        CRDT identity between the entry's two versions (`countTextChanges`), the same ones
 *        compare marks.
 * HIST-7 The first entry of a doc reads as its creation: the values that were set, with no
 *        "before" taken from defaults nobody chose.
 * HIST-8 A restore and a member revert are stored rows the server marks with what they were
 *        (`HistoryMark`); a marked row is always an entry of its own, labelled with the mark.
 * HIST-9 Reverting one member's changes since a row undoes, as a new change, what that member's
 *        rows from there on did, and nothing else: text others typed (inside the member's text
 *        too) stays, map values others set later stay, deleted text comes back as copies.
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

/**
 * HIST-8: what a marked stored row was. A restore names the seq it went back to; a revert the
 * member whose changes it undid and the first row (and its time) it undid them from.
 */
export type HistoryMark =
  | { kind: 'restore'; toSeq: number }
  | { kind: 'revert'; memberId: string; fromSeq: number; since: number };

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

/**
 * HIST-1: groups rows (in seq order) into entries of one author and one burst of work. HIST-8:
 * rows in `alone` (marked restores and reverts) are entries of their own.
 */
export function groupEntries(
  rows: readonly HistoryRow[],
  options: {
    burstGapMs: number;
    boundaries?: ReadonlySet<number>;
    alone?: ReadonlySet<number>;
  },
): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  let current: HistoryEntry | null = null;
  for (const row of rows) {
    const joins =
      current !== null &&
      current.authorId === row.authorId &&
      row.firstAt - current.lastAt <= options.burstGapMs &&
      !options.boundaries?.has(current.toSeq) &&
      !options.alone?.has(current.toSeq) &&
      !options.alone?.has(row.seq);
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

  /** Adds to `cuts` every range start or end strictly inside (clock, end). */
  cutsIn(client: number, clock: number, end: number, cuts: number[]): void {
    const ranges = this.byClient.get(client);
    if (!ranges) return;
    for (let i = firstEndingAfter(ranges, clock); i < ranges.length; i++) {
      const r = ranges[i]!;
      if (r.clock >= end) break;
      if (r.clock > clock) cuts.push(r.clock);
      if (r.end < end) cuts.push(r.end);
    }
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

  /** Adds to `cuts` the clocks inside (clock, end) where the writer or the deleter changes. */
  cutsIn(client: number, clock: number, end: number, cuts: number[]): void {
    this.inserts.cutsIn(client, clock, end, cuts);
    this.deletes.cutsIn(client, clock, end, cuts);
  }
}

/** True when the item existed and was not deleted in the snapshot. */
export function isVisibleIn(item: Y.Item, snapshot: Y.Snapshot): boolean {
  return (
    item.id.clock < (snapshot.sv.get(item.id.client) ?? 0) && !Y.isDeleted(snapshot.ds, item.id)
  );
}

/** Adds to `cuts` the starts and ends of deleted ranges strictly inside (clock, end). */
function deleteCuts(
  ds: Y.Snapshot['ds'],
  client: number,
  clock: number,
  end: number,
  cuts: number[],
) {
  const ranges = ds.clients.get(client);
  if (!ranges) return;
  // Delete sets of snapshots are sorted and merged: find the first range ending after clock.
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const r = ranges[mid]!;
    if (r.clock + r.len <= clock) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < ranges.length; i++) {
    const r = ranges[i]!;
    if (r.clock >= end) break;
    if (r.clock > clock) cuts.push(r.clock);
    if (r.clock + r.len < end) cuts.push(r.clock + r.len);
  }
}

/** A run of one item's characters that is uniform for a comparison (HIST-5). */
type Run = { text: string; clock: number; inFrom: boolean; inTo: boolean };

/**
 * HIST-5: the item's text cut where its visibility in either snapshot, its writer or its deleter
 * can change. Reads only; the item (and the doc it lives in) are left as they are.
 */
function runsOf(
  item: Y.Item,
  str: string,
  from: Y.Snapshot,
  to: Y.Snapshot,
  attribution: Attribution | null,
): Run[] {
  const { client, clock } = item.id;
  const end = clock + str.length;
  const cuts: number[] = [];
  for (const sv of [from.sv.get(client) ?? 0, to.sv.get(client) ?? 0]) {
    if (sv > clock && sv < end) cuts.push(sv);
  }
  deleteCuts(from.ds, client, clock, end, cuts);
  deleteCuts(to.ds, client, clock, end, cuts);
  attribution?.cutsIn(client, clock, end, cuts);
  cuts.sort((a, b) => a - b);
  const runs: Run[] = [];
  let at = clock;
  for (const cut of [...cuts, end]) {
    if (cut <= at) continue;
    const id = Y.createID(client, at);
    runs.push({
      text: str.slice(at - clock, cut - clock),
      clock: at,
      inFrom: at < (from.sv.get(client) ?? 0) && !Y.isDeleted(from.ds, id),
      inTo: at < (to.sv.get(client) ?? 0) && !Y.isDeleted(to.ds, id),
    });
    at = cut;
  }
  return runs;
}

/** Visits every text run of a fragment (or a Y.Text) with the block it belongs to. */
function walkRuns(
  type: Y.XmlFragment | Y.Text,
  from: Y.Snapshot,
  to: Y.Snapshot,
  attribution: Attribution | null,
  visit: (run: Run, client: number, block: number, containers: readonly Y.Item[]) => void,
): void {
  let block = 0;
  // The paragraphs (and other elements) around the text, innermost last.
  const containers: Y.Item[] = [];
  const walkText = (text: Y.Text | Y.XmlText) => {
    let item = text._start;
    while (item !== null) {
      if (item.content instanceof Y.ContentString) {
        for (const run of runsOf(item, item.content.str, from, to, attribution))
          visit(run, item.id.client, block, containers);
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
        containers.push(item);
        if (child instanceof Y.XmlText) walkText(child);
        else if (child instanceof Y.XmlElement) {
          const isBlock = child.nodeName !== 'hardBreak';
          walk(child);
          if (isBlock) block++;
        }
        containers.pop();
      }
      item = item.right;
    }
  };
  if (type instanceof Y.Text) walkText(type);
  else walk(type);
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
 * HIST-5: the text of a rich-text fragment (or a Y.Text) compared between two snapshots of one
 * doc that holds both (gc off): what stayed, what `to` added and what it removed, each run
 * attributed. Blocks (paragraphs, headings, list items) are numbered so a view can lay them out.
 */
export function diffText(
  type: Y.XmlFragment | Y.Text,
  from: Y.Snapshot,
  to: Y.Snapshot,
  attribution: Attribution,
): TextSegment[] {
  const segments: TextSegment[] = [];
  const emit = (
    text: string,
    change: TextSegment['change'],
    authorId: string | null,
    block: number,
  ) => {
    const last = segments[segments.length - 1];
    if (last && last.change === change && last.authorId === authorId && last.block === block) {
      last.text += text;
    } else {
      segments.push({ text, change, authorId, block });
    }
  };
  walkRuns(type, from, to, attribution, (run, client, block, containers) => {
    const id = Y.createID(client, run.clock);
    if (run.inFrom && run.inTo) emit(run.text, 'same', null, block);
    else if (run.inTo) emit(run.text, 'inserted', attribution.authorOf(id), block);
    else if (run.inFrom) {
      // Text that reached a paragraph someone had already removed was removed with it: no row
      // names its characters, the paragraph's deleter removed them.
      let deleter = attribution.deleterOf(id);
      for (let i = containers.length - 1; deleter === null && i >= 0; i--)
        deleter = attribution.deleterOf(containers[i]!.id);
      emit(run.text, 'deleted', deleter, block);
    }
  });
  return segments;
}

/** Characters inserted and removed in a text between two versions. */
export type TextCount = { inserted: number; removed: number };

/**
 * HIST-6: how many characters of a fragment (or a Y.Text) `to` has that `from` had not, and the
 * other way round, by CRDT identity (a retyped character counts as removed and inserted).
 */
export function countTextChanges(
  type: Y.XmlFragment | Y.Text,
  from: Y.Snapshot,
  to: Y.Snapshot,
): TextCount {
  const count = { inserted: 0, removed: 0 };
  walkRuns(type, from, to, null, (run) => {
    if (run.inTo && !run.inFrom) count.inserted += run.text.length;
    else if (run.inFrom && !run.inTo) count.removed += run.text.length;
  });
  return count;
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
  return undoTracked(
    upTo,
    [...after].map((update) => ({ update, isTracked: true })),
    // Everything after the version is undone, so map values come back whoever set them later.
    true,
  );
}

/**
 * HIST-9: the update that undoes what one member's rows did, as a new change on top of the whole
 * log: `upTo` is the log before the chosen point, `after` the rows from there on in seq order
 * with their authors. Others' rows are replayed untracked, so their changes stay, map values
 * they set after the member included.
 */
export function revertMemberUpdate(
  upTo: Iterable<Uint8Array>,
  after: Iterable<{ authorId: string; update: Uint8Array }>,
  memberId: string,
): Uint8Array {
  return undoTracked(
    upTo,
    [...after].map((row) => ({ update: row.update, isTracked: row.authorId === memberId })),
    false,
  );
}

/** True when text (a paragraph, an XmlText, a Y.Text) under a type still shows characters. */
function holdsText(type: Y.AbstractType<unknown>): boolean {
  if (!(type instanceof Y.XmlElement || type instanceof Y.Text)) return false;
  for (let item = type._start; item !== null; item = item.right) {
    if (item.deleted) continue;
    if (item.content instanceof Y.ContentString) return true;
    if (item.content instanceof Y.ContentType && holdsText(item.content.type)) return true;
  }
  return false;
}

/** The updates Yjs emits while undoing the tracked rows, merged (an empty update when none). */
function undoTracked(
  upTo: Iterable<Uint8Array>,
  later: readonly { update: Uint8Array; isTracked: boolean }[],
  ignoreRemoteMapChanges: boolean,
): Uint8Array {
  const tracked = Symbol('tracked');
  const untracked = Symbol('untracked');
  const doc = replay(upTo);
  // The whole doc is the scope, so roots that only appear later are tracked too.
  const undo = new Y.UndoManager(doc, {
    trackedOrigins: new Set([tracked]),
    captureTimeout: Number.POSITIVE_INFINITY,
    ignoreRemoteMapChanges,
    // A paragraph the undone rows added stays when others' text is still in it (HIST-9).
    deleteFilter: (item) =>
      !(item.content instanceof Y.ContentType && holdsText(item.content.type)),
  });
  for (const { update, isTracked } of later) {
    try {
      Y.applyUpdate(doc, update, isTracked ? tracked : untracked);
    } catch {
      // A row Yjs cannot apply was never part of the doc: nothing of it to undo.
    }
  }
  const emitted: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => emitted.push(update));
  while (undo.undoStack.length > 0) undo.undo();
  undo.destroy();
  doc.destroy();
  // Nothing to undo: an empty update, so a restore to the current state adds no entry.
  return emitted.length === 0
    ? new Uint8Array([0, 0])
    : emitted.length === 1
      ? emitted[0]!
      : Y.mergeUpdates(emitted);
}

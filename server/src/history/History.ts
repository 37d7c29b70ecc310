import {
  type AnyDocKind,
  type Attachment,
  Attribution,
  type ChangeItem,
  countTextChanges,
  type DocData,
  describeAttachments,
  diffData,
  diffText,
  groupEntries,
  type HistoryEntry,
  type HistoryMark,
  isAnyDocKind,
  type Locale,
  MINUTES_ROOT,
  readAttachments,
  readDoc,
  replay,
  revertMemberUpdate,
  revertUpdate,
  type TextCounts,
  type TextSegment,
} from '@grassroots/shared';
import * as Y from 'yjs';
import type { DocStore, NamedVersion, StoredMark, StoredUpdate } from '../storage/DocStore.ts';
import type { Pacer } from '../workBudget.ts';

/**
 * The kind a doc says it is in its meta map (any kind of the shared registry); null for a doc
 * nobody has stamped yet, or one of a kind this build does not know (described generically).
 */
export function kindOf(doc: Y.Doc): AnyDocKind | null {
  // Read the meta root without creating typed roots in a placeholder-only doc.
  const meta = doc.share.has('meta') ? doc.getMap('meta') : null;
  const kind = meta?.get('kind');
  return isAnyDocKind(kind) ? kind : null;
}

/** An empty doc of the same kind, so the first entry reads as "everything added". */
const emptyDoc = () => new Y.Doc({ gc: false });

/** Root names holding rich text (XmlFragment) in a doc rebuilt from updates. */
function richTextRoots(doc: Y.Doc): string[] {
  const names: string[] = [];
  for (const [name, type] of doc.share) {
    const first = type._start;
    if (first?.content instanceof Y.ContentType) {
      const child = first.content.type;
      if (child instanceof Y.XmlElement || child instanceof Y.XmlText) names.push(name);
    } else if (type instanceof Y.XmlFragment) names.push(name);
  }
  return names.sort();
}

/**
 * HIST-6: characters inserted and removed between two snapshots, per long-text path the
 * describers use: rich-text roots by name (`body`, `notes`) and texts inside the items of root
 * maps (`tasks/<id>/notes`). Only texts that changed are listed.
 */
function textCountsBetween(doc: Y.Doc, from: Y.Snapshot, to: Y.Snapshot): TextCounts {
  const counts: Record<string, { inserted: number; removed: number }> = {};
  const note = (path: string, type: Y.XmlFragment | Y.Text) => {
    const count = countTextChanges(type, from, to);
    if (count.inserted > 0 || count.removed > 0) counts[path] = count;
  };
  const rich = richTextRoots(doc);
  for (const name of rich) note(name, doc.getXmlFragment(name));
  for (const [path, text] of itemTexts(doc, rich)) note(path, text);
  return counts;
}

/**
 * The texts inside the items of a doc's root maps, by the path the describers use
 * (`phases/<id>/goals`, `tasks/<id>/notes`); `rich` are the rich-text roots, skipped.
 */
function* itemTexts(doc: Y.Doc, rich: readonly string[]): Generator<[string, Y.Text]> {
  for (const [name, root] of doc.share) {
    if (rich.includes(name)) continue;
    for (const [id, item] of root._map) {
      const child = item.content instanceof Y.ContentType ? item.content.type : null;
      if (!(child instanceof Y.Map)) continue;
      for (const [key, inner] of child._map) {
        if (inner.content instanceof Y.ContentType && inner.content.type instanceof Y.Text)
          yield [`${name}/${id}/${key}`, inner.content.type];
      }
    }
  }
}

/** A copy of a room's doc as it was after `seq`; `next`: the index of the first row after it. */
type Cursor = { doc: Y.Doc | null; seq: number; next: number };

/** Applies rows as one transaction; a bad row must not hide the rest, so then one by one. */
function applyRows(doc: Y.Doc, updates: readonly Uint8Array[]): void {
  if (updates.length === 0) return;
  try {
    Y.applyUpdate(
      doc,
      updates.length === 1 ? updates[0]! : Y.mergeUpdates([...updates]),
      'storage',
    );
  } catch {
    for (const update of updates) {
      try {
        Y.applyUpdate(doc, update, 'storage');
      } catch {
        // Skipped; the relay logged it when it was stored.
      }
    }
  }
}

/** Stored bytes replayed between pauses when a copy of a doc is brought forward (WORK-2). */
const REPLAY_STEP_BYTES = 256 * 1024;

/** Plain reads of a doc kept per rebuilt history (HIST-10). */
const KEPT_READS = 8;

/** An entry as history shows it: its number (oldest is 1) and, for a marked row, the mark. */
export type NumberedEntry = HistoryEntry & { number: number; mark: HistoryMark | null };

/** Everything history needs about one room, rebuilt from its stored rows. */
class RoomHistory {
  readonly entries: NumberedEntry[];
  /** The doc with every stored row applied (gc off): every version can be cut from it. */
  readonly doc: Y.Doc;
  readonly attribution: Attribution;
  private readonly snapshots = new Map<number, Y.Snapshot>();
  private readonly descriptions = new Map<string, ChangeItem[]>();
  /**
   * Plain reads of the doc (and its attachments, ATT-2) after an entry end, shared by the
   * descriptions of neighbours.
   */
  private readonly reads = new Map<number, { data: DocData | null; attachments: Attachment[] }>();

  constructor(
    readonly rows: readonly StoredUpdate[],
    readonly named: readonly NamedVersion[],
    readonly marks: readonly StoredMark[],
    burstGapMs: number,
  ) {
    const markOf = new Map(marks.map((m) => [m.seq, m.mark]));
    this.entries = groupEntries(rows, {
      burstGapMs,
      boundaries: new Set(named.map((n) => n.seq)),
      alone: new Set(markOf.keys()),
    }).map((entry, i) => ({
      ...entry,
      number: i + 1,
      mark: entry.fromSeq === entry.toSeq ? (markOf.get(entry.toSeq) ?? null) : null,
    }));
    this.doc = new Y.Doc({ gc: false });
    this.attribution = new Attribution(rows);
    this.bytes = rows.reduce((n, r) => n + r.update.byteLength, 0);
  }

  /** Applies the stored rows to `doc`, an entry at a time, pausing as it goes (WORK-2). */
  async load(pacer?: Pacer): Promise<void> {
    const { rows } = this;
    // One transaction per entry (its rows merged) rather than one per stored update.
    let next = 0;
    for (const entry of this.entries) {
      const updates: Uint8Array[] = [];
      while (next < rows.length && rows[next]!.seq <= entry.toSeq)
        updates.push(rows[next++]!.update);
      applyRows(this.doc, updates);
      this.snapshots.set(entry.toSeq, Y.snapshot(this.doc));
      await pacer?.pause();
    }
  }

  /** The bytes of the stored rows it was rebuilt from: what the cache weighs it by. */
  readonly bytes: number;

  /** The doc's kind as the latest state says. */
  get kind(): AnyDocKind | null {
    return kindOf(this.doc);
  }

  /**
   * The plain reading of the doc after `seq` (an entry end; null for an unstamped doc) and its
   * attachments. Read from `cursor` when given: a doc at an earlier seq, brought forward by the
   * rows in between (a page's entries are read oldest first, so each read costs its own rows,
   * not a copy of the whole doc: a 5 MB plan's page of 50 took 7.7 s that way).
   */
  private readAt(
    seq: number,
    cursor?: Cursor,
  ): { data: DocData | null; attachments: Attachment[] } {
    const kept = this.reads.get(seq);
    if (kept) return kept;
    // HIST-10: a few reads are kept (neighbours share them as a page is described); each is the
    // whole doc as plain data, and keeping one per entry took gigabytes for large docs.
    while (this.reads.size >= KEPT_READS) {
      this.reads.delete(this.reads.keys().next().value as number);
    }
    const kind = this.kind;
    let doc: Y.Doc;
    if (cursor && this.advance(cursor, seq)) doc = cursor.doc!;
    else {
      doc = this.docAt(seq);
      if (cursor) {
        cursor.doc?.destroy();
        Object.assign(cursor, { doc, seq, next: this.rowsThrough(seq) });
      }
    }
    try {
      const read = {
        data: kind && kindOf(doc) === kind ? readDoc(kind, doc) : null,
        attachments: readAttachments(doc),
      };
      this.reads.set(seq, read);
      return read;
    } finally {
      if (!cursor) doc.destroy();
    }
  }

  /** How many rows are at or before `seq`. */
  private rowsThrough(seq: number): number {
    let low = 0;
    let high = this.rows.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.rows[mid]!.seq <= seq) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /**
   * Brings the cursor's doc forward to `seq` with the rows in between; false when it cannot (no
   * doc yet, a later seq, or rows left waiting for others, which only a full replay places).
   */
  private advance(cursor: Cursor, seq: number): boolean {
    if (!cursor.doc || cursor.seq > seq) return false;
    const end = this.rowsThrough(seq);
    applyRows(
      cursor.doc,
      this.rows.slice(cursor.next, end).map((r) => r.update),
    );
    cursor.seq = seq;
    cursor.next = end;
    const store = cursor.doc.store;
    return store.pendingStructs === null && store.pendingDs === null;
  }

  /**
   * A copy of the doc as it was after `seq`, replayed from the first row a few rows at a time
   * with pauses (WORK-2): cutting a copy of a large doc from a snapshot is one long step (600 ms
   * for a 5 MB plan). Destroy its doc when done.
   */
  async cursorAt(seq: number, pacer?: Pacer): Promise<Cursor> {
    const cursor: Cursor = { doc: new Y.Doc(), seq: 0, next: 0 };
    await this.forward(cursor, seq, pacer);
    return cursor;
  }

  /**
   * `advance` in steps with pauses between them; when rows are left waiting for others, the
   * cursor's doc is replaced by a copy cut from the snapshots (which place them).
   */
  async forward(cursor: Cursor, seq: number, pacer?: Pacer): Promise<void> {
    const end = this.rowsThrough(seq);
    let isPlaced = true;
    while (cursor.next < end) {
      let last = cursor.next;
      let bytes = 0;
      while (last < end && (last === cursor.next || bytes < REPLAY_STEP_BYTES)) {
        bytes += this.rows[last]!.update.byteLength;
        last++;
      }
      isPlaced = this.advance(cursor, this.rows[last - 1]!.seq);
      await pacer?.pause();
    }
    cursor.seq = Math.max(cursor.seq, seq);
    if (!isPlaced) {
      cursor.doc?.destroy();
      cursor.doc = this.docAt(seq);
    }
  }

  get lastSeq(): number {
    return this.rows[this.rows.length - 1]?.seq ?? 0;
  }

  /** The state after the row `seq` (or the closest earlier entry end). */
  docAt(seq: number): Y.Doc {
    if (seq >= this.lastSeq) return Y.createDocFromSnapshot(this.doc, Y.snapshot(this.doc));
    const snapshot = this.snapshots.get(seq);
    if (snapshot) return Y.createDocFromSnapshot(this.doc, snapshot);
    return replay(this.rows.filter((r) => r.seq <= seq).map((r) => r.update));
  }

  snapshotAt(seq: number): Y.Snapshot {
    if (seq >= this.lastSeq) return Y.snapshot(this.doc);
    return this.snapshots.get(seq) ?? Y.snapshot(this.docAt(seq));
  }

  /**
   * What each entry changed, in the given language (computed once per entry and language),
   * oldest first with one doc carried forward, pausing as it goes (WORK-2).
   */
  async describeAll(
    entries: readonly NumberedEntry[],
    locale: Locale,
    pacer?: Pacer,
  ): Promise<Map<string, ChangeItem[]>> {
    const found = new Map<string, ChangeItem[]>();
    const todo: NumberedEntry[] = [];
    for (const entry of entries) {
      const kept = this.descriptions.get(`${entry.id}:${locale}`);
      if (kept) found.set(entry.id, kept);
      else todo.push(entry);
    }
    todo.sort((a, b) => a.number - b.number);
    const first = todo[0];
    if (!first) return found;
    const start = first.number > 1 ? this.entries[first.number - 2]!.toSeq : first.toSeq;
    const cursor = await this.cursorAt(start, pacer);
    try {
      for (const entry of todo) {
        found.set(entry.id, this.describeOne(entry, locale, cursor));
        await pacer?.pause();
      }
    } finally {
      cursor.doc?.destroy();
    }
    return found;
  }

  private describeOne(entry: NumberedEntry, locale: Locale, cursor: Cursor): ChangeItem[] {
    const key = `${entry.id}:${locale}`;
    const cached = this.descriptions.get(key);
    if (cached) return cached;
    const previous = entry.number > 1 ? this.entries[entry.number - 2] : undefined;
    const before = previous ? this.readAt(previous.toSeq, cursor) : null;
    const after = this.readAt(entry.toSeq, cursor);
    const kind = this.kind;
    let changes: ChangeItem[] = [];
    if (kind && after.data) {
      // HIST-6: counts by CRDT identity, the characters compare marks for the same two versions.
      const textCounts = textCountsBetween(
        this.doc,
        previous ? this.snapshotAt(previous.toSeq) : Y.emptySnapshot,
        this.snapshotAt(entry.toSeq),
      );
      // HIST-7: before the first entry there was nothing, not an empty doc's defaults.
      changes = [
        ...diffData(before?.data ?? readDoc(kind, emptyDoc()), after.data, locale, {
          textCounts,
          isCreation: before?.data == null,
        }),
        // ATT-2: an attachment added or removed is a change of the record like any other.
        ...describeAttachments(before?.attachments ?? [], after.attachments, locale),
      ];
    }
    this.descriptions.set(key, changes);
    return changes;
  }
}

export type Comparison = {
  kind: AnyDocKind | null;
  fields: ChangeItem[];
  /**
   * Rich-text roots (by root name), the doc's short texts (its title, by key) and the changed
   * texts of its items (by path, `phases/<id>/goals`) compared run by run, with who wrote or
   * deleted each run.
   */
  text: Record<string, TextSegment[]>;
};

export type HistoryOptions = {
  store: DocStore;
  /** Updates of one author closer together than this form one entry, ms. */
  burstGapMs: number;
  /** Rooms whose rebuilt history is kept in memory. Default 16. */
  cacheSize?: number;
  /**
   * Stored bytes of the rooms whose rebuilt history is kept (a rebuilt doc with its snapshots
   * takes several times its rows): past it the least recently used go. Default 32 MiB.
   */
  cacheBytes?: number;
  /** Called after each rebuild of a room's history from its stored rows. */
  onRebuilt?: () => void;
};

/**
 * Reads history from the stored log: entries, versions, comparisons and restores. Rebuilt
 * histories are cached per room and reused until the room's log changes.
 */
export class History {
  private readonly cache = new Map<string, { key: string; history: RoomHistory }>();

  constructor(private readonly options: HistoryOptions) {}

  /** Rebuilds under way, by room: a request that needs the same one waits for it (HIST-10). */
  private readonly building = new Map<string, { key: string; history: Promise<RoomHistory> }>();

  /** A room's rebuilt history; a rebuild pauses as it goes (WORK-2). */
  private async room(room: string, pacer?: Pacer): Promise<RoomHistory> {
    const { store } = this.options;
    const stats = await store.roomStats(room);
    const named = await store.listNamedVersions(room);
    const marks = await store.listHistoryMarks(room);
    const key = `${stats.lastSeq}:${stats.rows}:${named.length}:${marks.length}`;
    const cached = this.cache.get(room);
    if (cached?.key === key) {
      // Most recently used last.
      this.cache.delete(room);
      this.cache.set(room, cached);
      return cached.history;
    }
    const pending = this.building.get(room);
    if (pending?.key === key) return pending.history;
    const history = this.rebuild(room, key, named, marks, pacer);
    this.building.set(room, { key, history });
    try {
      return await history;
    } finally {
      if (this.building.get(room)?.history === history) this.building.delete(room);
    }
  }

  private async rebuild(
    room: string,
    key: string,
    named: readonly NamedVersion[],
    marks: readonly StoredMark[],
    pacer?: Pacer,
  ): Promise<RoomHistory> {
    const rows = await this.options.store.loadUpdates(room);
    const history = new RoomHistory(rows, named, marks, this.options.burstGapMs);
    await history.load(pacer);
    const cached = this.cache.get(room);
    // A rebuild of an older log that finished last must not replace a newer one.
    if (cached && cached.history.lastSeq > history.lastSeq) return history;
    this.options.onRebuilt?.();
    cached?.history.doc.destroy();
    this.cache.delete(room);
    this.cache.set(room, { key, history });
    const weight = () => {
      let n = 0;
      for (const c of this.cache.values()) n += c.history.bytes;
      return n;
    };
    while (
      this.cache.size > (this.options.cacheSize ?? 16) ||
      (this.cache.size > 1 && weight() > (this.options.cacheBytes ?? 32 * 1024 * 1024))
    ) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.get(oldest)?.history.doc.destroy();
      this.cache.delete(oldest);
    }
    return history;
  }

  /** Entries newest first, `limit` at a time, each with its description. */
  async page(
    room: string,
    options: { beforeSeq?: number; limit: number; locale: Locale; pacer?: Pacer },
  ): Promise<{
    entries: (NumberedEntry & { changes: ChangeItem[] })[];
    nextBeforeSeq: number | null;
    named: NamedVersion[];
    total: number;
    kind: AnyDocKind | null;
  }> {
    const history = await this.room(room, options.pacer);
    const older = history.entries.filter(
      (e) => options.beforeSeq === undefined || e.toSeq < options.beforeSeq,
    );
    const page = older.slice(-options.limit).reverse();
    const last = page[page.length - 1];
    const described = await history.describeAll(page, options.locale, options.pacer);
    return {
      entries: page.map((e) => ({ ...e, changes: described.get(e.id) ?? [] })),
      nextBeforeSeq: last && older.length > page.length ? last.toSeq : null,
      named: [...history.named],
      total: history.entries.length,
      kind: kindOf(history.doc),
    };
  }

  /**
   * Entries after which the minutes were final and before which they were not: each names a
   * version by itself. Reads one map value per entry from the snapshots, without rebuilding docs.
   */
  async finalisations(room: string, pacer?: Pacer): Promise<HistoryEntry[]> {
    const history = await this.room(room, pacer);
    if (history.kind !== 'minutes') return [];
    const minutes = history.doc.getMap(MINUTES_ROOT);
    // Every value `state` was ever given (gc is off: overwritten ones stay, to the left).
    const reopenings: Y.Item[] = [];
    const finals: Y.Item[] = [];
    for (let item = minutes._map.get('state') ?? null; item; item = item.left) {
      (item.content.getContent()[0] === 'final' ? finals : reopenings).push(item);
    }
    let wasFinal = false;
    let before: Y.Snapshot = Y.emptySnapshot;
    const found: HistoryEntry[] = [];
    for (const entry of history.entries) {
      const at = history.snapshotAt(entry.toSeq);
      const isFinal = Y.typeMapGetSnapshot(minutes, 'state', at) === 'final';
      // Final before and after, but reopened and finalised again in between (another member
      // corrects the record): a finalisation too. Both must be written in the entry: a reopening
      // that lost to a concurrent finalisation finalised nothing.
      const isNew = ({ id }: Y.Item) =>
        id.clock >= (before.sv.get(id.client) ?? 0) && id.clock < (at.sv.get(id.client) ?? 0);
      const wasRefinalised = wasFinal && reopenings.some(isNew) && finals.some(isNew);
      if (isFinal && (!wasFinal || wasRefinalised)) found.push(entry);
      wasFinal = isFinal;
      before = at;
    }
    return found;
  }

  /** Every entry, oldest first (for the CSV export). */
  async all(
    room: string,
    locale: Locale,
    pacer?: Pacer,
  ): Promise<(NumberedEntry & { changes: ChangeItem[] })[]> {
    const history = await this.room(room, pacer);
    const described = await history.describeAll(history.entries, locale, pacer);
    return history.entries.map((e) => ({ ...e, changes: described.get(e.id) ?? [] }));
  }

  /** The doc as it was after row `seq`, as one Yjs update (load it into an empty doc). */
  async version(room: string, seq: number, pacer?: Pacer): Promise<Uint8Array> {
    const history = await this.room(room, pacer);
    const doc = history.docAt(seq);
    const update = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    return update;
  }

  /** The latest seq stored for a room (0 when nothing is). */
  async lastSeq(room: string): Promise<number> {
    return (await this.options.store.roomStats(room)).lastSeq;
  }

  /** Version `from` against version `to` (a seq, or the current state when omitted). */
  async compare(
    room: string,
    from: number,
    to: number | null,
    locale: Locale,
    pacer?: Pacer,
  ): Promise<Comparison> {
    const history = await this.room(room, pacer);
    const toSeq = to ?? history.lastSeq;
    const kind = kindOf(history.doc);
    const readVersion = (doc: Y.Doc) => ({
      data: kind ? readDoc(kind, doc) : null,
      attachments: readAttachments(doc),
    });
    // A copy brought forward from the earlier version to the later (WORK-2).
    const cursor = await history.cursorAt(Math.min(from, toSeq), pacer);
    const first = readVersion(cursor.doc!);
    await history.forward(cursor, Math.max(from, toSeq), pacer);
    const second = readVersion(cursor.doc!);
    cursor.doc!.destroy();
    const [before, after] = from <= toSeq ? [first, second] : [second, first];
    const fromSnapshot = history.snapshotAt(from);
    const toSnapshot = history.snapshotAt(toSeq);
    // HIST-6: the counts in the field list are the characters the text runs below mark.
    const textCounts = textCountsBetween(history.doc, fromSnapshot, toSnapshot);
    const fields =
      before.data && after.data
        ? [
            ...diffData(before.data, after.data, locale, { textCounts }),
            ...describeAttachments(before.attachments, after.attachments, locale),
          ]
        : [];
    const text: Record<string, TextSegment[]> = {};
    const rich = richTextRoots(history.doc);
    for (const name of rich) {
      text[name] = diffText(
        history.doc.getXmlFragment(name),
        fromSnapshot,
        toSnapshot,
        history.attribution,
      );
    }
    // Short texts of the doc itself (its title), marked character by character too (HIST-5).
    for (const [name, root] of history.doc.share) {
      if (rich.includes(name)) continue;
      for (const [key, item] of root._map) {
        if (!(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.Text))
          continue;
        if (key in text) continue;
        text[key] = diffText(item.content.type, fromSnapshot, toSnapshot, history.attribution);
      }
    }
    // The texts of items (a phase's goals, a task's notes) that changed, by their field's path:
    // the field list shows what changed in them run by run, not the whole old and new text.
    for (const [path, type] of itemTexts(history.doc, rich)) {
      if (textCounts[path])
        text[path] = diffText(type, fromSnapshot, toSnapshot, history.attribution);
    }
    return { kind, fields, text };
  }

  /** Every entry, oldest first, without descriptions (to name versions in labels). */
  async entries(room: string, pacer?: Pacer): Promise<readonly NumberedEntry[]> {
    return (await this.room(room, pacer)).entries;
  }

  /**
   * HIST-9: the update that undoes what `memberId`'s rows from `fromSeq` on did, as a new change;
   * others' rows are kept. Empty when the member changed nothing there.
   */
  async revertMemberUpdate(
    room: string,
    memberId: string,
    fromSeq: number,
    pacer?: Pacer,
  ): Promise<Uint8Array> {
    const history = await this.room(room, pacer);
    return revertMemberUpdate(
      history.rows.filter((r) => r.seq < fromSeq).map((r) => r.update),
      history.rows.filter((r) => r.seq >= fromSeq),
      memberId,
    );
  }

  /** The update that brings the room back to the state after `seq`, as a new change. */
  async restoreUpdate(room: string, seq: number, pacer?: Pacer): Promise<Uint8Array> {
    const history = await this.room(room, pacer);
    return revertUpdate(
      history.rows.filter((r) => r.seq <= seq).map((r) => r.update),
      history.rows.filter((r) => r.seq > seq).map((r) => r.update),
    );
  }
}

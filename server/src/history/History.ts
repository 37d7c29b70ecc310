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
  /** Plain reads of the doc after each entry, shared by the descriptions of neighbours. */
  private readonly reads = new Map<number, DocData | null>();
  /** The attachments after each entry end read so far (ATT-2). */
  private readonly attachmentReads = new Map<number, Attachment[]>();

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
    // One transaction per entry (its rows merged) rather than one per stored update.
    let next = 0;
    for (const entry of this.entries) {
      const updates: Uint8Array[] = [];
      while (next < rows.length && rows[next]!.seq <= entry.toSeq)
        updates.push(rows[next++]!.update);
      try {
        const merged = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
        Y.applyUpdate(this.doc, merged, 'storage');
      } catch {
        // One bad stored row must not hide the rest of the history: apply the entry row by row.
        for (const update of updates) {
          try {
            Y.applyUpdate(this.doc, update, 'storage');
          } catch {
            // Skipped; the relay logged it when it was stored.
          }
        }
      }
      this.snapshots.set(entry.toSeq, Y.snapshot(this.doc));
    }
    this.attribution = new Attribution(rows);
    this.bytes = rows.reduce((n, r) => n + r.update.byteLength, 0);
  }

  /** The bytes of the stored rows it was rebuilt from: what the cache weighs it by. */
  readonly bytes: number;

  /** The doc's kind as the latest state says. */
  get kind(): AnyDocKind | null {
    return kindOf(this.doc);
  }

  /** The plain reading of the doc after `seq` (an entry end), or null for an unstamped doc. */
  private readAt(seq: number): DocData | null {
    if (this.reads.has(seq)) return this.reads.get(seq)!;
    // HIST-10: a few reads are kept (neighbours share them as a page is described); each is the
    // whole doc as plain data, and keeping one per entry took gigabytes for large docs.
    while (this.reads.size >= KEPT_READS) {
      const oldest = this.reads.keys().next().value as number;
      this.reads.delete(oldest);
      this.attachmentReads.delete(oldest);
    }
    const kind = this.kind;
    const doc = this.docAt(seq);
    let data: DocData | null = null;
    try {
      data = kind && kindOf(doc) === kind ? readDoc(kind, doc) : null;
      this.attachmentReads.set(seq, readAttachments(doc));
    } finally {
      doc.destroy();
    }
    this.reads.set(seq, data);
    return data;
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

  /** What an entry changed, in the given language (computed once per entry and language). */
  describe(entry: NumberedEntry, locale: Locale): ChangeItem[] {
    const key = `${entry.id}:${locale}`;
    const cached = this.descriptions.get(key);
    if (cached) return cached;
    const index = this.entries.indexOf(entry);
    const previous = index > 0 ? this.entries[index - 1] : undefined;
    const after = this.readAt(entry.toSeq);
    const before = previous ? this.readAt(previous.toSeq) : null;
    const kind = this.kind;
    let changes: ChangeItem[] = [];
    if (kind && after) {
      // HIST-6: counts by CRDT identity, the characters compare marks for the same two versions.
      const textCounts = textCountsBetween(
        this.doc,
        previous ? this.snapshotAt(previous.toSeq) : Y.emptySnapshot,
        this.snapshotAt(entry.toSeq),
      );
      // HIST-7: before the first entry there was nothing, not an empty doc's defaults.
      changes = [
        ...diffData(before ?? readDoc(kind, emptyDoc()), after, locale, {
          textCounts,
          isCreation: before === null,
        }),
        // ATT-2: an attachment added or removed is a change of the record like any other.
        ...describeAttachments(
          previous ? (this.attachmentReads.get(previous.toSeq) ?? []) : [],
          this.attachmentReads.get(entry.toSeq) ?? [],
          locale,
        ),
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

  private async room(room: string): Promise<RoomHistory> {
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
    const history = this.rebuild(room, key, named, marks);
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
  ): Promise<RoomHistory> {
    const rows = await this.options.store.loadUpdates(room);
    const history = new RoomHistory(rows, named, marks, this.options.burstGapMs);
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
    options: { beforeSeq?: number; limit: number; locale: Locale },
  ): Promise<{
    entries: (NumberedEntry & { changes: ChangeItem[] })[];
    nextBeforeSeq: number | null;
    named: NamedVersion[];
    total: number;
    kind: AnyDocKind | null;
  }> {
    const history = await this.room(room);
    const older = history.entries.filter(
      (e) => options.beforeSeq === undefined || e.toSeq < options.beforeSeq,
    );
    const page = older.slice(-options.limit).reverse();
    const last = page[page.length - 1];
    return {
      entries: page.map((e) => ({ ...e, changes: history.describe(e, options.locale) })),
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
  async finalisations(room: string): Promise<HistoryEntry[]> {
    const history = await this.room(room);
    if (history.kind !== 'minutes') return [];
    const minutes = history.doc.getMap(MINUTES_ROOT);
    let wasFinal = false;
    const found: HistoryEntry[] = [];
    for (const entry of history.entries) {
      const isFinal =
        Y.typeMapGetSnapshot(minutes, 'state', history.snapshotAt(entry.toSeq)) === 'final';
      if (isFinal && !wasFinal) found.push(entry);
      wasFinal = isFinal;
    }
    return found;
  }

  /** Every entry, oldest first (for the CSV export). */
  async all(room: string, locale: Locale): Promise<(NumberedEntry & { changes: ChangeItem[] })[]> {
    const history = await this.room(room);
    return history.entries.map((e) => ({ ...e, changes: history.describe(e, locale) }));
  }

  /** The doc as it was after row `seq`, as one Yjs update (load it into an empty doc). */
  async version(room: string, seq: number): Promise<Uint8Array> {
    const history = await this.room(room);
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
  ): Promise<Comparison> {
    const history = await this.room(room);
    const toSeq = to ?? history.lastSeq;
    const before = history.docAt(from);
    const after = history.docAt(toSeq);
    const kind = kindOf(history.doc);
    const fromSnapshot = history.snapshotAt(from);
    const toSnapshot = history.snapshotAt(toSeq);
    // HIST-6: the counts in the field list are the characters the text runs below mark.
    const textCounts = textCountsBetween(history.doc, fromSnapshot, toSnapshot);
    const fields = kind
      ? [
          ...diffData(readDoc(kind, before), readDoc(kind, after), locale, { textCounts }),
          ...describeAttachments(readAttachments(before), readAttachments(after), locale),
        ]
      : [];
    before.destroy();
    after.destroy();
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
  async entries(room: string): Promise<readonly NumberedEntry[]> {
    return (await this.room(room)).entries;
  }

  /**
   * HIST-9: the update that undoes what `memberId`'s rows from `fromSeq` on did, as a new change;
   * others' rows are kept. Empty when the member changed nothing there.
   */
  async revertMemberUpdate(room: string, memberId: string, fromSeq: number): Promise<Uint8Array> {
    const history = await this.room(room);
    return revertMemberUpdate(
      history.rows.filter((r) => r.seq < fromSeq).map((r) => r.update),
      history.rows.filter((r) => r.seq >= fromSeq),
      memberId,
    );
  }

  /** The update that brings the room back to the state after `seq`, as a new change. */
  async restoreUpdate(room: string, seq: number): Promise<Uint8Array> {
    const history = await this.room(room);
    return revertUpdate(
      history.rows.filter((r) => r.seq <= seq).map((r) => r.update),
      history.rows.filter((r) => r.seq > seq).map((r) => r.update),
    );
  }
}

/**
 * Feedback log (民情日志): what villagers asked for and how it was handled. A service log, not a
 * file on persons: the only trace of who asked is an optional household or group label.
 *
 * Y layout, schema version 2 (private; root names below):
 * - `meta`        Y.Map  kind, schemaVersion, createdAt
 * - `log`         Y.Map  title: Y.Text
 * - `entries`     Y.Map<entryId, Y.Map> receivedAt, source, channel, category, summary: Y.Text,
 *                 urgency, dueAt, recordedBy
 * - `transitions` Y.Array<{id, entryId, to, at, by, note}>  append-only status log of all entries
 * - `relays`      Y.Array<{id, entryId, to, at, by, note}>  append-only
 * - `responses`   Y.Array<{id, entryId, at, by, text}>      append-only
 *
 * Version 1 kept the status as one overwritable `status`/`statusAt` field and the department in
 * `relayedTo` on the entry; version 2 replaces them by the append-only logs (see `FEEDBACK_MIGRATIONS`).
 *
 * Rules (SPEC.md):
 * - FB-1 entries are keyed by random ids: concurrent entries are all kept; summaries are Y.Text.
 * - FB-2 every status change is appended to `transitions` and never edited or removed: two
 *   devices moving one entry while apart keep both transitions.
 * - FB-3 the current status is the transition with the latest `at`; equal times are broken by
 *   position in the converged array (later wins). An entry with no transition is `received`.
 *   Every device derives the same status from the same log.
 * - FB-4 moving forward along received → relayed → in progress → resolved → answered back may skip
 *   steps; moving back (e.g. resolved → in progress when the fix did not hold) needs a note; a
 *   change may not be dated before the entry's last change.
 * - FB-5 answering back (回访) requires the entry to be resolved.
 * - FB-6 relaying to a department appends a relay and moves a `received` entry to `relayed`.
 * - FB-7 `importEntries` registers many entries with their history at once, each checked against
 *   FB-4 and FB-5 on its own (linear cost); if one is refused, nothing is written.
 * - DOC-4 (migration v1→v2) appends records with ids derived from the entry id, and readers drop
 *   duplicate ids, so two devices upgrading the same doc at once produce one history.
 */
import * as Y from 'yjs';
import { DomainError } from './DomainError.ts';
import {
  checkCount,
  checkLength,
  childMap,
  ensureText,
  type KindVersioning,
  type Migration,
  makeWriter,
  newText,
  numberOr,
  oneOf,
  readableDoc,
  setText,
  stampMeta,
  stringOr,
  textField,
} from './doc.ts';
import { newId } from './ids.ts';
import { type OpOptions, Origins } from './origins.ts';
import {
  FEEDBACK_CATEGORIES,
  FEEDBACK_CHANNELS,
  FEEDBACK_STATUSES,
  type FeedbackCategory,
  type FeedbackChannel,
  type FeedbackEntry,
  type FeedbackLogData,
  type FeedbackResponse,
  type FeedbackStatus,
  Limits,
  type Person,
  type Relay,
  type Transition,
  URGENCIES,
  type Urgency,
} from './schema.ts';
import {
  isCalendarDate,
  lastInstantOfBeijingDate,
  receivedInstantOf,
  startOfBeijingDate,
} from './time.ts';

export const FEEDBACK_LOG_ROOT = 'log';
export const FEEDBACK_ENTRIES_ROOT = 'entries';
export const FEEDBACK_TRANSITIONS_ROOT = 'transitions';
export const FEEDBACK_RELAYS_ROOT = 'relays';
export const FEEDBACK_RESPONSES_ROOT = 'responses';

type Rec = Record<string, unknown>;

const roots = (doc: Y.Doc) => ({
  log: doc.getMap<unknown>(FEEDBACK_LOG_ROOT),
  entries: doc.getMap<unknown>(FEEDBACK_ENTRIES_ROOT),
  transitions: doc.getArray<Rec>(FEEDBACK_TRANSITIONS_ROOT),
  relays: doc.getArray<Rec>(FEEDBACK_RELAYS_ROOT),
  responses: doc.getArray<Rec>(FEEDBACK_RESPONSES_ROOT),
});

/**
 * v1 → v2: the entry's `status`/`statusAt` becomes a `received` transition at `receivedAt` plus,
 * if further along, one transition to that status at `statusAt`; `relayedTo` becomes a relay.
 * Ids are derived from the entry id (DOC-4).
 */
export const FEEDBACK_MIGRATIONS: readonly Migration[] = [
  {
    from: 1,
    migrate(doc) {
      const { entries, transitions, relays } = roots(doc);
      const newTransitions: Rec[] = [];
      const newRelays: Rec[] = [];
      entries.forEach((v, entryId) => {
        if (!(v instanceof Y.Map)) return;
        const e = v as Y.Map<unknown>;
        const receivedAt = numberOr(e.get('receivedAt'), 0);
        const status = oneOf(FEEDBACK_STATUSES, e.get('status'), 'received');
        const statusAt = Math.max(numberOr(e.get('statusAt'), receivedAt), receivedAt);
        const by = e.get('recordedBy') ?? null;
        newTransitions.push(
          mkTransition(`v1r-${entryId}`, entryId, 'received', receivedAt, by, ''),
        );
        if (status !== 'received') {
          newTransitions.push(mkTransition(`v1s-${entryId}`, entryId, status, statusAt, null, ''));
        }
        const relayedTo = e.get('relayedTo');
        if (typeof relayedTo === 'string' && relayedTo) {
          newRelays.push({
            id: `v1d-${entryId}`,
            entryId,
            to: relayedTo,
            at: statusAt,
            by: null,
            note: '',
          });
        }
        e.delete('status');
        e.delete('statusAt');
        e.delete('relayedTo');
      });
      if (newTransitions.length) transitions.push(newTransitions);
      if (newRelays.length) relays.push(newRelays);
    },
  },
];

function mkTransition(
  id: string,
  entryId: string,
  to: FeedbackStatus,
  at: number,
  by: unknown,
  note: string,
): Rec {
  return { id, entryId, to, at, by, note };
}

/** Version 2: the append-only status, relay and response logs. */
export const FEEDBACK_SCHEMA_VERSION = 2;

export const FEEDBACK_VERSIONING: KindVersioning<'feedback'> = {
  kind: 'feedback',
  schemaVersion: FEEDBACK_SCHEMA_VERSION,
  migrations: FEEDBACK_MIGRATIONS,
};

const write = makeWriter(FEEDBACK_VERSIONING);

function plainPerson(p: Person | null | undefined): Person | null {
  if (!p) return null;
  const name = p.name.trim();
  if (!name) throw new DomainError('invalid', 'a person needs a name', 'nameRequired');
  checkLength(name, Limits.nameChars, 'name');
  return p.memberId ? { name, memberId: p.memberId } : { name };
}

function readPerson(v: unknown): Person | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Rec;
  if (typeof o.name !== 'string') return null;
  return typeof o.memberId === 'string' ? { name: o.name, memberId: o.memberId } : { name: o.name };
}

function checkEnum(values: readonly string[], v: string, what: string): void {
  if (!values.includes(v)) throw new DomainError('invalid', `unknown ${what} ${v}`);
}

function checkInstant(v: number | null | undefined, what: string): void {
  if (v != null && !(Number.isInteger(v) && v >= 0)) {
    throw new DomainError('invalid', `${what} must be epoch milliseconds`);
  }
}

/** A due instant set by hand is not before the entry was received (AGE-1). */
function checkDueAfterReceived(dueAt: number | null | undefined, receivedAt: number): void {
  if (dueAt != null && dueAt < receivedAt) {
    throw new DomainError('invalid', 'dueAt is before receivedAt', 'dueBeforeReceived');
  }
}

/** Fills an empty doc as a feedback log. */
export function initFeedbackLog(
  doc: Y.Doc,
  init: { title: string; createdAt?: number },
  opts?: OpOptions,
): void {
  checkLength(init.title, Limits.titleChars, 'title');
  const origin = opts?.origin ?? Origins.local;
  doc.transact(() => {
    stampMeta(doc, FEEDBACK_VERSIONING, origin, init.createdAt ?? Date.now());
    setText(ensureText(roots(doc).log, 'title'), init.title);
  }, origin);
}

export function setLogTitle(doc: Y.Doc, title: string, opts?: OpOptions): void {
  checkLength(title, Limits.titleChars, 'title');
  write(doc, opts, () => setText(ensureText(roots(doc).log, 'title'), title));
}

export type EntryInput = {
  receivedAt: number;
  /** Household or group label, optional and minimal ("三组 王家"). */
  source?: string | null;
  channel: FeedbackChannel;
  category: FeedbackCategory;
  summary: string;
  urgency?: Urgency;
  /** Explicit due instant; default derived from urgency (AGE-1). */
  dueAt?: number | null;
  recordedBy?: Person | null;
  id?: string;
};

/** Registers (登记) an entry: status `received` at `receivedAt`. Returns its id. */
export function addEntry(doc: Y.Doc, input: EntryInput, opts?: OpOptions): string {
  checkInstant(input.receivedAt, 'receivedAt');
  checkInstant(input.dueAt, 'dueAt');
  checkDueAfterReceived(input.dueAt, input.receivedAt);
  checkEnum(FEEDBACK_CHANNELS, input.channel, 'channel');
  checkEnum(FEEDBACK_CATEGORIES, input.category, 'category');
  checkEnum(URGENCIES, input.urgency ?? 'normal', 'urgency');
  checkLength(input.summary, Limits.summaryChars, 'summary');
  checkLength(input.source ?? '', Limits.sourceChars, 'source');
  checkCount(roots(doc).entries.size, Limits.entriesPerLog, 'entries');
  const recordedBy = plainPerson(input.recordedBy);
  const id = input.id ?? newId();
  write(doc, opts, () => {
    const e = new Y.Map<unknown>();
    e.set('receivedAt', input.receivedAt);
    e.set('source', input.source?.trim() || null);
    e.set('channel', input.channel);
    e.set('category', input.category);
    e.set('summary', newText(input.summary));
    e.set('urgency', input.urgency ?? 'normal');
    e.set('dueAt', input.dueAt ?? null);
    e.set('recordedBy', recordedBy);
    const { entries, transitions } = roots(doc);
    entries.set(id, e);
    transitions.push([mkTransition(`${id}-r`, id, 'received', input.receivedAt, recordedBy, '')]);
  });
  return id;
}

function entryMap(doc: Y.Doc, id: string): Y.Map<unknown> {
  return childMap(roots(doc).entries, id, 'entry');
}

export function setEntrySummary(doc: Y.Doc, id: string, summary: string, opts?: OpOptions): void {
  checkLength(summary, Limits.summaryChars, 'summary');
  const e = entryMap(doc, id);
  write(doc, opts, () => setText(ensureText(e, 'summary'), summary));
}

export type EntryCorrection = {
  summary?: string;
  source?: string | null;
  channel?: FeedbackChannel;
  category?: FeedbackCategory;
  urgency?: Urgency;
  dueAt?: number | null;
};

/**
 * Corrects a saved entry's registration (FB-8) in one change: every given field is checked
 * first (nothing is written when one is refused), and only what differs is written, so history
 * names just the fields that were corrected. The status history is not touched.
 */
export function correctEntry(
  doc: Y.Doc,
  id: string,
  fields: EntryCorrection,
  opts?: OpOptions,
): void {
  if (fields.summary !== undefined) checkLength(fields.summary, Limits.summaryChars, 'summary');
  if (fields.channel !== undefined) checkEnum(FEEDBACK_CHANNELS, fields.channel, 'channel');
  if (fields.category !== undefined) checkEnum(FEEDBACK_CATEGORIES, fields.category, 'category');
  if (fields.urgency !== undefined) checkEnum(URGENCIES, fields.urgency, 'urgency');
  if (fields.source) checkLength(fields.source, Limits.sourceChars, 'source');
  checkInstant(fields.dueAt, 'dueAt');
  const e = entryMap(doc, id);
  checkDueAfterReceived(fields.dueAt, numberOr(e.get('receivedAt'), 0));
  const changed = (key: string, value: unknown) =>
    value !== undefined && (e.get(key) ?? null) !== value;
  // A resolved entry was judged against its due day (AGE-6): moving the day, or the urgency it
  // follows, afterwards would rewrite whether it was late. Reopen it first.
  const status = currentStatus(entryTransitions(doc, id));
  if (
    (status === 'resolved' || status === 'answered-back') &&
    (changed('dueAt', fields.dueAt) || changed('urgency', fields.urgency))
  ) {
    throw new DomainError('invalid', 'the due of a resolved entry is fixed', 'dueOfClosed');
  }
  const source = fields.source === undefined ? undefined : fields.source?.trim() || null;
  const summary = e.get('summary');
  const isSummaryChanged =
    fields.summary !== undefined &&
    (summary instanceof Y.Text ? summary.toString() : '') !== fields.summary;
  write(doc, opts, () => {
    if (isSummaryChanged) setText(ensureText(e, 'summary'), fields.summary!);
    if (changed('source', source)) e.set('source', source);
    for (const key of ['channel', 'category', 'urgency', 'dueAt'] as const) {
      if (changed(key, fields[key])) e.set(key, fields[key]);
    }
  });
}

/**
 * The instant an entry was received, from the Beijing day (and optional "HH:MM") a person typed,
 * judged at `now` (TIME-1). A day still to come is refused (`receivedInFuture`): nothing was
 * heard then, and every status change made now would be dated before it.
 */
export function receivedAtOfDay(day: string, now: number, time = ''): number {
  if (!isCalendarDate(day)) {
    throw new DomainError('invalid', 'not a calendar day YYYY-MM-DD', 'calendarDay');
  }
  if (startOfBeijingDate(day) > now) {
    throw new DomainError('invalid', 'received on a day to come', 'receivedInFuture');
  }
  return receivedInstantOf(day, now, time);
}

/** The due instant of a 办理时限 typed as a Beijing day ('' for none: the urgency decides). */
export function dueAtOfDay(day: string): number | null {
  if (day === '') return null;
  if (!isCalendarDate(day)) {
    throw new DomainError('invalid', 'due must be a calendar day YYYY-MM-DD', 'calendarDay');
  }
  return lastInstantOfBeijingDate(day);
}

/** Removes an entry registered by mistake, with its logs. */
export function removeEntry(doc: Y.Doc, id: string, opts?: OpOptions): void {
  entryMap(doc, id);
  write(doc, opts, () => {
    const r = roots(doc);
    r.entries.delete(id);
    for (const arr of [r.transitions, r.relays, r.responses]) {
      for (let i = arr.length - 1; i >= 0; i--) if (arr.get(i)?.entryId === id) arr.delete(i, 1);
    }
  });
}

type ChangeOptions = { at?: number; by?: Person | null; note?: string; id?: string } & OpOptions;

const rank = (s: FeedbackStatus) => FEEDBACK_STATUSES.indexOf(s);

/** The workflow rules of one status change (FB-4, FB-5); throws a `transition` error. */
function checkTransition(
  current: FeedbackStatus,
  latestAt: number,
  to: FeedbackStatus,
  at: number,
  note: string | undefined,
): void {
  if (to === current)
    throw new DomainError('transition', `the entry is already ${to}`, 'statusUnchanged');
  if (rank(to) < rank(current) && !note?.trim()) {
    throw new DomainError(
      'transition',
      `moving back from ${current} to ${to} needs a note`,
      'backNeedsNote',
    );
  }
  if (to === 'answered-back' && current !== 'resolved') {
    throw new DomainError(
      'transition',
      'answer back only after the entry is resolved',
      'answerBackAfterResolved',
    );
  }
  if (at < latestAt) {
    throw new DomainError(
      'transition',
      'a status change cannot be dated before the last one',
      'statusBeforeLast',
    );
  }
}

/** Validates a status change (FB-4, FB-5) and returns the transition record to append. */
function transitionRecord(
  doc: Y.Doc,
  id: string,
  to: FeedbackStatus,
  options: ChangeOptions,
  at: number,
): Rec {
  checkEnum(FEEDBACK_STATUSES, to, 'status');
  checkLength(options.note ?? '', Limits.noteChars, 'note');
  checkInstant(at, 'at');
  const by = plainPerson(options.by);
  entryMap(doc, id);
  const history = entryTransitions(doc, id);
  checkTransition(
    currentStatus(history),
    history.reduce((m, t) => Math.max(m, t.at), 0),
    to,
    at,
    options.note,
  );
  return mkTransition(options.id ?? newId(), id, to, at, by, options.note ?? '');
}

/**
 * Moves an entry to another status (FB-2, FB-4): appends a transition. Moving back needs a note;
 * the change may not be dated before the entry's latest change.
 */
export function moveStatus(
  doc: Y.Doc,
  id: string,
  to: FeedbackStatus,
  options: ChangeOptions = {},
): void {
  const record = transitionRecord(doc, id, to, options, options.at ?? Date.now());
  write(doc, options, () => roots(doc).transitions.push([record]));
}

/** Relays (交办) the entry to a township office or department (FB-6). */
export function relayEntry(doc: Y.Doc, id: string, relay: { to: string } & ChangeOptions): void {
  const to = relay.to.trim();
  if (!to) throw new DomainError('invalid', 'relay needs a department', 'departmentRequired');
  checkLength(to, Limits.departmentChars, 'department');
  checkLength(relay.note ?? '', Limits.noteChars, 'note');
  const by = plainPerson(relay.by);
  entryMap(doc, id);
  const at = relay.at ?? Date.now();
  checkInstant(at, 'at');
  const r = roots(doc);
  const count = r.relays.toArray().filter((x) => x.entryId === id).length;
  checkCount(count, Limits.relaysPerEntry, 'relays per entry');
  const history = entryTransitions(doc, id);
  const current = currentStatus(history);
  const latest = history.reduce((m, t) => Math.max(m, t.at), 0);
  write(doc, relay, () => {
    const relayId = relay.id ?? newId();
    r.relays.push([{ id: relayId, entryId: id, to, at, by, note: relay.note ?? '' }]);
    if (current === 'received' && at >= latest) {
      r.transitions.push([mkTransition(`${relayId}-t`, id, 'relayed', at, by, to)]);
    }
  });
}

/** Adds a response to the entry's timeline; optionally moves its status in the same change. */
export function addResponse(
  doc: Y.Doc,
  id: string,
  response: { text: string; status?: FeedbackStatus } & ChangeOptions,
): string {
  if (!response.text.trim()) {
    throw new DomainError('invalid', 'a response needs its text', 'responseRequired');
  }
  checkLength(response.text, Limits.responseChars, 'response');
  const by = plainPerson(response.by);
  entryMap(doc, id);
  const r = roots(doc);
  const count = r.responses.toArray().filter((x) => x.entryId === id).length;
  checkCount(count, Limits.responsesPerEntry, 'responses per entry');
  const at = response.at ?? Date.now();
  checkInstant(at, 'at');
  const responseId = response.id ?? newId();
  // Validate the status change first: a transaction cannot be rolled back halfway.
  const transition = response.status
    ? transitionRecord(
        doc,
        id,
        response.status,
        {
          ...response,
          note: response.note ?? response.text.slice(0, Limits.noteChars),
          id: `${responseId}-t`,
        },
        at,
      )
    : null;
  // One transaction for the response and the status change, so history shows them as one edit.
  write(doc, response, () => {
    r.responses.push([{ id: responseId, entryId: id, at, by, text: response.text }]);
    if (transition) r.transitions.push([transition]);
  });
  return responseId;
}

/** Records the follow-up visit (回访) that closes the loop (FB-5). */
export function answerBack(doc: Y.Doc, id: string, options: ChangeOptions = {}): void {
  moveStatus(doc, id, 'answered-back', options);
}

export type ImportedEntry = EntryInput & {
  relays?: { to: string; at: number; by?: Person | null; note?: string; id?: string }[];
  responses?: { text: string; at: number; by?: Person | null; id?: string }[];
  /** Status changes after registration, in time order; checked against FB-4 and FB-5. */
  transitions?: {
    to: FeedbackStatus;
    at: number;
    by?: Person | null;
    note?: string;
    id?: string;
  }[];
};

/**
 * Registers many entries with their history in one transaction (FB-7): an existing ledger
 * (台账) brought in from a spreadsheet, or generated data. Each entry is checked on its own
 * against the same rules as the single operations, so the cost grows linearly; nothing is
 * written if any entry is refused. Returns the ids.
 */
export function importEntries(
  doc: Y.Doc,
  items: readonly ImportedEntry[],
  opts?: OpOptions,
): string[] {
  const { entries } = roots(doc);
  if (entries.size + items.length > Limits.entriesPerLog) {
    throw new DomainError('limit', `at most ${Limits.entriesPerLog} entries`, 'tooMany', {
      max: Limits.entriesPerLog,
    });
  }
  const prepared = items.map((item) => {
    checkInstant(item.receivedAt, 'receivedAt');
    checkInstant(item.dueAt, 'dueAt');
    checkDueAfterReceived(item.dueAt, item.receivedAt);
    checkEnum(FEEDBACK_CHANNELS, item.channel, 'channel');
    checkEnum(FEEDBACK_CATEGORIES, item.category, 'category');
    checkEnum(URGENCIES, item.urgency ?? 'normal', 'urgency');
    checkLength(item.summary, Limits.summaryChars, 'summary');
    checkLength(item.source ?? '', Limits.sourceChars, 'source');
    const id = item.id ?? newId();
    const recordedBy = plainPerson(item.recordedBy);
    let current: FeedbackStatus = 'received';
    let latest = item.receivedAt;
    const transitions = [mkTransition(`${id}-r`, id, 'received', item.receivedAt, recordedBy, '')];
    for (const t of item.transitions ?? []) {
      checkEnum(FEEDBACK_STATUSES, t.to, 'status');
      checkInstant(t.at, 'at');
      checkLength(t.note ?? '', Limits.noteChars, 'note');
      checkTransition(current, latest, t.to, t.at, t.note);
      transitions.push(
        mkTransition(t.id ?? newId(), id, t.to, t.at, plainPerson(t.by), t.note ?? ''),
      );
      current = t.to;
      latest = t.at;
    }
    const relays = (item.relays ?? []).map((r) => {
      checkLength(r.to, Limits.departmentChars, 'department');
      checkInstant(r.at, 'at');
      return {
        id: r.id ?? newId(),
        entryId: id,
        to: r.to.trim(),
        at: r.at,
        by: plainPerson(r.by),
        note: r.note ?? '',
      };
    });
    const responses = (item.responses ?? []).map((r) => {
      checkLength(r.text, Limits.responseChars, 'response');
      checkInstant(r.at, 'at');
      return { id: r.id ?? newId(), entryId: id, at: r.at, by: plainPerson(r.by), text: r.text };
    });
    checkCount(relays.length, Limits.relaysPerEntry + 1, 'relays per entry');
    checkCount(responses.length, Limits.responsesPerEntry + 1, 'responses per entry');
    return { id, item, recordedBy, transitions, relays, responses };
  });
  write(doc, opts, () => {
    const r = roots(doc);
    for (const p of prepared) {
      const e = new Y.Map<unknown>();
      e.set('receivedAt', p.item.receivedAt);
      e.set('source', p.item.source?.trim() || null);
      e.set('channel', p.item.channel);
      e.set('category', p.item.category);
      e.set('summary', newText(p.item.summary));
      e.set('urgency', p.item.urgency ?? 'normal');
      e.set('dueAt', p.item.dueAt ?? null);
      e.set('recordedBy', p.recordedBy);
      r.entries.set(p.id, e);
    }
    const all = <T>(f: (p: (typeof prepared)[number]) => T[]) => prepared.flatMap(f);
    const ts = all((p) => p.transitions);
    const rs = all((p) => p.relays);
    const ps = all((p) => p.responses);
    if (ts.length) r.transitions.push(ts);
    if (rs.length) r.relays.push(rs);
    if (ps.length) r.responses.push(ps);
  });
  return prepared.map((p) => p.id);
}

function readTransition(v: Rec): Transition & { entryId: string } {
  return {
    id: v.id as string,
    entryId: v.entryId as string,
    to: oneOf(FEEDBACK_STATUSES, v.to, 'received'),
    at: numberOr(v.at, 0),
    by: readPerson(v.by),
    note: stringOr(v.note, ''),
  };
}

function entryTransitions(doc: Y.Doc, id: string): Transition[] {
  const seen = new Set<string>();
  const out: Transition[] = [];
  for (const v of roots(doc).transitions.toArray()) {
    if (typeof v !== 'object' || v === null || v.entryId !== id || typeof v.id !== 'string')
      continue;
    if (seen.has(v.id)) continue;
    seen.add(v.id);
    const { entryId: _e, ...t } = readTransition(v);
    out.push(t);
  }
  return out;
}

/**
 * The current status of a transition log (FB-3): the latest `at` wins, equal times are broken by
 * position (later wins); no transitions means `received`. Pass transitions in converged order.
 */
export function currentStatus(transitions: readonly Transition[]): FeedbackStatus {
  let best: Transition | null = null;
  for (const t of transitions) if (best === null || t.at >= best.at) best = t;
  return best?.to ?? 'received';
}

/** The status an entry had at an instant (for month-end reports): transitions after it are ignored. */
export function statusAt(entry: FeedbackEntry, at: number): FeedbackStatus | null {
  if (entry.receivedAt > at) return null;
  return currentStatus(entry.transitions.filter((t) => t.at <= at));
}

/**
 * One thing that happened to an entry: a status change, a relay (交办) or a response. `B` is who
 * did it: a person in the log, a name in the ledger's rows.
 */
export type FeedbackEvent<B = Person | null> =
  | { kind: 'status'; at: number; by: B; to: FeedbackStatus; note: string }
  | { kind: 'relay'; at: number; by: B; to: string; note: string }
  | { kind: 'response'; at: number; by: B; text: string };

/**
 * An entry's status changes, relays and responses in one time order, oldest first; at the same
 * instant status changes come first, then relays, then responses (each in its own order). Read
 * by the log's timeline, the 办理单 and the 台账 alike. A relay of a new entry also moved it to
 * 已交办 (FB-6): that status change says what the relay's line says, so one timeline shows the
 * relay only, unless `foldRelays` is false (the 台账's column of status changes keeps it).
 */
export function feedbackEvents<B = Person | null>(
  e: {
    transitions: readonly { at: number; by: B; to: FeedbackStatus; note: string }[];
    relays: readonly { at: number; by: B; to: string; note: string }[];
    responses: readonly { at: number; by: B; text: string }[];
  },
  options: { foldRelays?: boolean } = {},
): FeedbackEvent<B>[] {
  const madeByRelay = (x: { at: number; to: FeedbackStatus; note: string }) =>
    x.to === 'relayed' && e.relays.some((r) => r.at === x.at && r.to === x.note);
  const transitions =
    options.foldRelays === false ? e.transitions : e.transitions.filter((x) => !madeByRelay(x));
  const events: FeedbackEvent<B>[] = [
    ...transitions.map((x) => ({
      kind: 'status' as const,
      at: x.at,
      by: x.by,
      to: x.to,
      note: x.note,
    })),
    ...e.relays.map((x) => ({
      kind: 'relay' as const,
      at: x.at,
      by: x.by,
      to: x.to,
      note: x.note,
    })),
    ...e.responses.map((x) => ({ kind: 'response' as const, at: x.at, by: x.by, text: x.text })),
  ];
  // Array.prototype.sort is stable: equal instants keep the order above.
  return events.sort((a, b) => a.at - b.at);
}

function groupByEntry<T extends { id: string }>(
  arr: Y.Array<Rec>,
  read: (v: Rec) => T & { entryId: string },
): Map<string, T[]> {
  const seen = new Set<string>();
  const out = new Map<string, T[]>();
  for (const raw of arr.toArray()) {
    if (typeof raw !== 'object' || raw === null) continue;
    if (typeof raw.entryId !== 'string' || typeof raw.id !== 'string') continue;
    const { entryId, ...rest } = read(raw);
    if (seen.has(rest.id)) continue;
    seen.add(rest.id);
    const list = out.get(entryId);
    if (list) list.push(rest as unknown as T);
    else out.set(entryId, [rest as unknown as T]);
  }
  return out;
}

/** Plain data of a feedback log (passes `feedbackLogSchema`), entries newest first. Never writes. */
export function readFeedbackLog(source: Y.Doc): FeedbackLogData {
  const doc = readableDoc(source, FEEDBACK_VERSIONING);
  const r = roots(doc);
  const meta = doc.getMap<unknown>('meta');
  const transitions = groupByEntry<Transition>(r.transitions, readTransition);
  const relays = groupByEntry<Relay>(r.relays, (v) => ({
    id: v.id as string,
    entryId: v.entryId as string,
    to: stringOr(v.to, ''),
    at: numberOr(v.at, 0),
    by: readPerson(v.by),
    note: stringOr(v.note, ''),
  }));
  const responses = groupByEntry<FeedbackResponse>(r.responses, (v) => ({
    id: v.id as string,
    entryId: v.entryId as string,
    at: numberOr(v.at, 0),
    by: readPerson(v.by),
    text: stringOr(v.text, ''),
  }));
  const entries: FeedbackEntry[] = [];
  r.entries.forEach((v, id) => {
    if (!(v instanceof Y.Map)) return;
    const e = v as Y.Map<unknown>;
    const ts = transitions.get(id) ?? [];
    entries.push({
      id,
      receivedAt: numberOr(e.get('receivedAt'), 0),
      source: stringOr(e.get('source'), null),
      channel: oneOf(FEEDBACK_CHANNELS, e.get('channel'), 'walk-in'),
      category: oneOf(FEEDBACK_CATEGORIES, e.get('category'), 'other'),
      summary: textField(e, 'summary'),
      urgency: oneOf(URGENCIES, e.get('urgency'), 'normal'),
      dueAt: numberOr(e.get('dueAt'), null),
      recordedBy: readPerson(e.get('recordedBy')),
      relays: relays.get(id) ?? [],
      responses: responses.get(id) ?? [],
      transitions: ts,
      status: currentStatus(ts),
    });
  });
  entries.sort((a, b) => b.receivedAt - a.receivedAt || (a.id < b.id ? -1 : 1));
  return {
    kind: 'feedback',
    meta: { schemaVersion: numberOr(meta.get('schemaVersion'), 0) },
    title: textField(r.log, 'title'),
    entries,
  };
}

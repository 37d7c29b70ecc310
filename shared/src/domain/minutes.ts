/**
 * Meeting minutes (会议记录): type, start time, place, chair (主持人), recorder (记录人), attendance
 * with absence reasons, agenda, votes, decisions, action items, the body, and final/draft state.
 *
 * Y layout, schema version 2 (private; root names below):
 * - `meta`       Y.Map  kind, schemaVersion, createdAt
 * - `minutes`    Y.Map  title: Y.Text, meetingType, groupId, startsAt, place: Y.Text (a plain
 *                string in docs written before; read as text, turned into a Y.Text on the first
 *                write), chair, recorder,
 *                lecturer, villagersBasis, villagersEligible, villagersPresent, state,
 *                finalisedAt, finalisedBy, expected (the 应到 snapshot, MIN-11)
 * - `attendance` Y.Map<attendanceKey, {name, memberId?, rosterId?, present, absenceReason,
 *                absenceNote}>
 * - `agenda`     Y.Map<id, Y.Map> title: Y.Text, order
 * - `votes`      Y.Map<id, Y.Map> motion: Y.Text, agendaItemId, for, against, abstain, outcome,
 *                order
 * - `decisions`  Y.Map<id, Y.Map> text: Y.Text, voteId, caseId, step, order
 * - `actions`    Y.Map<id, Y.Map> what: Y.Text, owner, due, planTask, order
 * - `body`       Y.XmlFragment (MINUTES_BODY_FIELD) bound to the Tiptap editor
 *
 * Concurrency and workflow rules (SPEC.md):
 * - MIN-1 agenda items, votes, decisions, action items are keyed by random ids: all concurrent
 *   additions are kept; order is fractional with ties broken by id.
 * - MIN-2 attendance is keyed by person (roster id, else member id, else name): marking one
 *   person twice concurrently resolves to one deterministic winner; marking two people keeps both.
 * - MIN-3 each tally number (for / against / abstain) is its own field, so one person correcting
 *   "for" and another correcting "against" both stick.
 * - MIN-4 titles, the place, agenda titles, motions, decision texts and action texts are Y.Text
 *   (merge as text).
 * - MIN-5 a tally may be typed before attendance is complete; `validateMinutes` reports a tally
 *   that exceeds the number present, and finalising refuses while such issues remain.
 * - MIN-6 finalised minutes are read-only for the model: every operation except `reopenMinutes`
 *   throws `FinalisedError`. Edits made offline before a device saw the finalisation still merge
 *   (a CRDT cannot refuse them); the relay may refuse them (protocol `Reason.docIsFinal`).
 * - MIN-7 finalise/reopen are a single state field: concurrent finalise and reopen resolve to one
 *   winner everywhere.
 * - MIN-8 turning an action item into a plan task writes a task whose id is derived from the
 *   action item's id, so doing it twice, or on two devices at once, yields one task.
 * - MIN-9 an existing decision is linked to a 四议两公开 case and step (or unlinked) by
 *   `setDecisionCase`; case and step are set together, so concurrent links resolve to one
 *   device's pair everywhere.
 * - MIN-10 the record's body comes from its type (a 党小组会: the chosen group); attendance marks
 *   roster people by roster id (key `r:<id>`) and guests by name.
 * - MIN-11 finalising with the roster writes the record's own 应到 snapshot; a finalised record
 *   counts against it, so later roster edits never rewrite it (quorum.ts).
 * - MIN-12 absence reasons carry no health information (请假, 因公, 外出务工, 其他); version 1's
 *   `sick`/`personal`/`official` are migrated to `leave`/`leave`/`on-duty` (v1→v2), and read so
 *   when an old device's offline edit brings them back.
 * - MIN-13 votes, decisions and action items can be removed; removal wins over a concurrent edit.
 * - VOTE-5 a vote may record the declared outcome; finalising refuses a vote recorded as passed
 *   that lacks quorum or threshold (quorum.ts).
 */
import * as Y from 'yjs';
import { DomainError, FinalisedError } from './DomainError.ts';
import {
  byOrder,
  checkCount,
  checkLength,
  childMap,
  ensureText,
  fragmentText,
  type KindVersioning,
  type Migration,
  makeWriter,
  newText,
  numberOr,
  oneOf,
  orderBetween,
  prepareWrite,
  readableDoc,
  setText,
  stampMeta,
  stringOr,
  textField,
} from './doc.ts';
import { newId } from './ids.ts';
import { type OpOptions, Origins } from './origins.ts';
import { addTask, hasTask } from './plan.ts';
import {
  expectedFromRoster,
  meetingAttendance,
  meetingBody,
  rosterAttendanceKey,
  voteCheck,
} from './quorum.ts';
import {
  ABSENCE_REASONS,
  type AbsenceReason,
  type ActionItem,
  type AgendaItem,
  type Attendance,
  type Attendee,
  type Decision,
  expectedSnapshotSchema,
  Limits,
  MEETING_STEPS,
  MEETING_TYPES,
  type MeetingStep,
  type MeetingType,
  MINUTES_STATES,
  type MinutesData,
  type Person,
  type RosterData,
  type Tally,
  VILLAGER_BASES,
  type VillagerBasis,
  type VillagerCounts,
  VOTE_OUTCOMES,
  type Vote,
  type VoteOutcome,
} from './schema.ts';
import { isCalendarDate } from './time.ts';

export const MINUTES_ROOT = 'minutes';
export const MINUTES_ATTENDANCE_ROOT = 'attendance';
export const MINUTES_AGENDA_ROOT = 'agenda';
export const MINUTES_VOTES_ROOT = 'votes';
export const MINUTES_DECISIONS_ROOT = 'decisions';
export const MINUTES_ACTIONS_ROOT = 'actions';
/** Name of the minutes' rich-text body: `doc.getXmlFragment(MINUTES_BODY_FIELD)`. */
export const MINUTES_BODY_FIELD = 'body';

/** Version 1's absence reasons and what they became (MIN-12): no health information. */
const LEGACY_ABSENCE: Readonly<Record<string, AbsenceReason>> = {
  sick: 'leave',
  personal: 'leave',
  official: 'on-duty',
};

function absenceReasonOf(v: unknown): AbsenceReason {
  if (typeof v === 'string' && v in LEGACY_ABSENCE) return LEGACY_ABSENCE[v]!;
  return oneOf(ABSENCE_REASONS, v, 'other');
}

/**
 * v1 → v2 (MIN-12): absence reasons `sick`, `personal`, `official` become `leave`, `leave`,
 * `on-duty`. Only entries holding an old value are rewritten, each to the same value on every
 * device (DOC-4).
 */
export const MINUTES_MIGRATIONS: readonly Migration[] = [
  {
    from: 1,
    migrate(doc) {
      const attendance = doc.getMap<unknown>(MINUTES_ATTENDANCE_ROOT);
      const updates: [string, Record<string, unknown>][] = [];
      attendance.forEach((v, key) => {
        if (typeof v !== 'object' || v === null) return;
        const o = v as Record<string, unknown>;
        if (typeof o.absenceReason === 'string' && o.absenceReason in LEGACY_ABSENCE) {
          updates.push([key, { ...o, absenceReason: LEGACY_ABSENCE[o.absenceReason] }]);
        }
      });
      for (const [key, value] of updates) attendance.set(key, value);
    },
  },
];

/** Version 2: absence reasons without health information (MIN-12), roster attendance, vote outcomes. */
export const MINUTES_SCHEMA_VERSION = 2;

export const MINUTES_VERSIONING: KindVersioning<'minutes'> = {
  kind: 'minutes',
  schemaVersion: MINUTES_SCHEMA_VERSION,
  migrations: MINUTES_MIGRATIONS,
};

const roots = (doc: Y.Doc) => ({
  minutes: doc.getMap<unknown>(MINUTES_ROOT),
  attendance: doc.getMap<unknown>(MINUTES_ATTENDANCE_ROOT),
  agenda: doc.getMap<unknown>(MINUTES_AGENDA_ROOT),
  votes: doc.getMap<unknown>(MINUTES_VOTES_ROOT),
  decisions: doc.getMap<unknown>(MINUTES_DECISIONS_ROOT),
  actions: doc.getMap<unknown>(MINUTES_ACTIONS_ROOT),
});

/** True when the minutes are finalised. */
export function isFinal(doc: Y.Doc): boolean {
  return roots(doc).minutes.get('state') === 'final';
}

const write = makeWriter(MINUTES_VERSIONING, (doc) => {
  if (isFinal(doc)) throw new FinalisedError();
});

function plainPerson(p: Person): Person {
  const name = p.name.trim();
  if (!name) throw new DomainError('invalid', 'a person needs a name', 'nameRequired');
  checkLength(name, Limits.nameChars, 'name');
  return p.memberId ? { name, memberId: p.memberId } : { name };
}

function readPerson(v: unknown): Person | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.name !== 'string') return null;
  return typeof o.memberId === 'string' ? { name: o.name, memberId: o.memberId } : { name: o.name };
}

function plainAttendee(a: Attendee): Attendee {
  const p = plainPerson(a);
  if (a.rosterId === undefined) return p;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(a.rosterId)) throw new DomainError('invalid', 'bad roster id');
  return { ...p, rosterId: a.rosterId };
}

function readAttendee(v: unknown): Attendee | null {
  const p = readPerson(v);
  if (!p) return null;
  const rosterId = (v as Record<string, unknown>).rosterId;
  return typeof rosterId === 'string' ? { ...p, rosterId } : p;
}

function checkCountValue(v: number | null | undefined, field: string): void {
  if (v != null && (!Number.isInteger(v) || v < 0 || v > Limits.maxTally)) {
    throw new DomainError(
      'invalid',
      `${field} must be a whole number from 0 to ${Limits.maxTally}`,
      'wholeNumber',
      { max: Limits.maxTally },
    );
  }
}

function checkOptionalId(v: string | null | undefined, field: string): void {
  if (v != null && !/^[A-Za-z0-9_-]{1,64}$/.test(v)) {
    throw new DomainError('invalid', `bad ${field}`);
  }
}

function checkMeetingType(t: string): void {
  if (!(MEETING_TYPES as readonly string[]).includes(t)) {
    throw new DomainError('invalid', `unknown meeting type ${t}`);
  }
}

function nextOrder(map: Y.Map<unknown>): number {
  let max: number | null = null;
  map.forEach((v) => {
    if (v instanceof Y.Map) {
      const o = numberOr(v.get('order'), 0);
      if (max === null || o > max) max = o;
    }
  });
  return orderBetween(max, null);
}

export type MinutesInit = {
  title: string;
  meetingType: MeetingType;
  /** The party group of a 党小组会 (roster group id). */
  groupId?: string | null;
  startsAt?: number | null;
  place?: string;
  createdAt?: number;
};

/** Fills an empty doc as minutes (state: draft). */
export function initMinutes(doc: Y.Doc, init: MinutesInit, opts?: OpOptions): void {
  checkLength(init.title, Limits.titleChars, 'title');
  checkMeetingType(init.meetingType);
  checkLength(init.place ?? '', Limits.placeChars, 'place');
  checkOptionalId(init.groupId, 'group id');
  const origin = opts?.origin ?? Origins.local;
  doc.transact(() => {
    stampMeta(doc, MINUTES_VERSIONING, origin, init.createdAt ?? Date.now());
    const { minutes } = roots(doc);
    setText(ensureText(minutes, 'title'), init.title);
    minutes.set('meetingType', init.meetingType);
    minutes.set('groupId', init.groupId ?? null);
    minutes.set('startsAt', init.startsAt ?? null);
    minutes.set('place', newText(init.place ?? ''));
    minutes.set('chair', null);
    minutes.set('recorder', null);
    minutes.set('state', 'draft');
  }, origin);
}

export function setMinutesTitle(doc: Y.Doc, title: string, opts?: OpOptions): void {
  checkLength(title, Limits.titleChars, 'title');
  write(doc, opts, () => setText(ensureText(roots(doc).minutes, 'title'), title));
}

export type MeetingFields = {
  meetingType?: MeetingType;
  /** The party group a 党小组会 belongs to (roster group id); null clears it. */
  groupId?: string | null;
  /** Epoch ms. */
  startsAt?: number | null;
  place?: string;
  /** 主持人 */
  chair?: Person | null;
  /** 记录人 */
  recorder?: Person | null;
  /** Who gave the lecture (党课): with the roster id when on the roster (CAD-7). */
  lecturer?: Attendee | null;
};

/** Sets the meeting's type, group, start time, place, chair, recorder and lecturer (only the given fields). */
export function setMeetingFields(doc: Y.Doc, fields: MeetingFields, opts?: OpOptions): void {
  if (fields.meetingType !== undefined) checkMeetingType(fields.meetingType);
  checkOptionalId(fields.groupId, 'group id');
  if (fields.place !== undefined) checkLength(fields.place, Limits.placeChars, 'place');
  if (fields.startsAt != null && !(Number.isInteger(fields.startsAt) && fields.startsAt >= 0)) {
    throw new DomainError('invalid', 'startsAt must be epoch milliseconds');
  }
  const chair = fields.chair ? plainPerson(fields.chair) : fields.chair;
  const recorder = fields.recorder ? plainPerson(fields.recorder) : fields.recorder;
  const lecturer = fields.lecturer ? plainAttendee(fields.lecturer) : fields.lecturer;
  write(doc, opts, () => {
    const { minutes } = roots(doc);
    if (fields.meetingType !== undefined) minutes.set('meetingType', fields.meetingType);
    if (fields.groupId !== undefined) minutes.set('groupId', fields.groupId);
    if (lecturer !== undefined) minutes.set('lecturer', lecturer);
    if (fields.startsAt !== undefined) minutes.set('startsAt', fields.startsAt);
    if (fields.place !== undefined) setText(ensureText(minutes, 'place'), fields.place);
    if (chair !== undefined) minutes.set('chair', chair);
    if (recorder !== undefined) minutes.set('recorder', recorder);
  });
}

/** The attendance key of a person: the member id when known, else the name. */
export function personKey(p: Person): string {
  return p.memberId ? `m:${p.memberId}` : `n:${p.name.trim()}`;
}

/** The attendance key of an attendee (MIN-2, MIN-10): the roster id when on the roster, else `personKey`. */
export function attendanceKey(a: Attendee): string {
  return a.rosterId ? rosterAttendanceKey(a.rosterId) : personKey(a);
}

/**
 * Sets the counts of a villagers' assembly (村民会议, VOTE-4): how it was convened, how many
 * villagers aged 18+ (or households) there are and how many were present (or represented). Each
 * is its own field (MIN-3).
 */
export function setVillagerCounts(
  doc: Y.Doc,
  counts: Partial<VillagerCounts>,
  opts?: OpOptions,
): void {
  if (counts.basis !== undefined && !(VILLAGER_BASES as readonly string[]).includes(counts.basis)) {
    throw new DomainError('invalid', `unknown basis ${counts.basis}`);
  }
  checkCountValue(counts.eligible, 'eligible');
  checkCountValue(counts.present, 'present');
  write(doc, opts, () => {
    const { minutes } = roots(doc);
    if (counts.basis !== undefined) minutes.set('villagersBasis', counts.basis);
    if (counts.eligible !== undefined) minutes.set('villagersEligible', counts.eligible);
    if (counts.present !== undefined) minutes.set('villagersPresent', counts.present);
  });
}

export type AttendanceMark =
  | { present: true }
  | { present: false; reason: AbsenceReason; note?: string };

/**
 * Marks one person present, or absent with a reason (MIN-2). A roster person is marked with
 * their `rosterId` (MIN-10); a guest by name.
 */
export function markAttendance(
  doc: Y.Doc,
  person: Attendee,
  mark: AttendanceMark,
  opts?: OpOptions,
): void {
  const p = plainAttendee(person);
  if (!mark.present) {
    if (!(ABSENCE_REASONS as readonly string[]).includes(mark.reason)) {
      throw new DomainError('invalid', `unknown absence reason ${mark.reason}`);
    }
    checkLength(mark.note ?? '', Limits.noteChars, 'absence note');
  }
  const key = attendanceKey(p);
  const { attendance } = roots(doc);
  if (!attendance.has(key)) checkCount(attendance.size, Limits.attendeesPerMeeting, 'attendees');
  write(doc, opts, () =>
    attendance.set(key, {
      ...p,
      present: mark.present,
      absenceReason: mark.present ? null : mark.reason,
      absenceNote: mark.present ? '' : (mark.note ?? ''),
    }),
  );
}

export function removeAttendance(doc: Y.Doc, person: Attendee, opts?: OpOptions): void {
  write(doc, opts, () => roots(doc).attendance.delete(attendanceKey(person)));
}

export function addAgendaItem(
  doc: Y.Doc,
  input: { title: string; id?: string },
  opts?: OpOptions,
): string {
  checkLength(input.title, Limits.titleChars, 'agenda item');
  checkCount(roots(doc).agenda.size, Limits.agendaItemsPerMeeting, 'agenda items');
  const id = input.id ?? newId();
  write(doc, opts, () => {
    const item = new Y.Map<unknown>();
    item.set('title', newText(input.title));
    item.set('order', nextOrder(roots(doc).agenda));
    roots(doc).agenda.set(id, item);
  });
  return id;
}

export function setAgendaItemTitle(doc: Y.Doc, id: string, title: string, opts?: OpOptions): void {
  checkLength(title, Limits.titleChars, 'agenda item');
  const item = childMap(roots(doc).agenda, id, 'agenda item');
  write(doc, opts, () => setText(ensureText(item, 'title'), title));
}

export function removeAgendaItem(doc: Y.Doc, id: string, opts?: OpOptions): void {
  childMap(roots(doc).agenda, id, 'agenda item');
  write(doc, opts, () => roots(doc).agenda.delete(id));
}

function checkTally(t: Partial<Tally>): void {
  for (const [k, v] of Object.entries(t)) {
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 0 || v > Limits.maxTally) {
      throw new DomainError(
        'invalid',
        `${k} must be a whole number from 0 to ${Limits.maxTally}`,
        'wholeNumber',
        { max: Limits.maxTally },
      );
    }
  }
}

function checkOutcome(outcome: VoteOutcome | null | undefined): void {
  if (outcome != null && !(VOTE_OUTCOMES as readonly string[]).includes(outcome)) {
    throw new DomainError('invalid', `unknown outcome ${outcome}`);
  }
}

/** Records a vote (for / against / abstain) on a motion, optionally with the declared outcome; returns its id. */
export function recordVote(
  doc: Y.Doc,
  input: {
    motion: string;
    tally: Tally;
    agendaItemId?: string | null;
    /** 通过 / 未通过 as the meeting declared it (VOTE-5). */
    outcome?: VoteOutcome | null;
    id?: string;
  },
  opts?: OpOptions,
): string {
  checkLength(input.motion, Limits.titleChars, 'motion');
  checkTally(input.tally);
  checkOutcome(input.outcome);
  checkCount(roots(doc).votes.size, Limits.votesPerMeeting, 'votes');
  const id = input.id ?? newId();
  write(doc, opts, () => {
    const vote = new Y.Map<unknown>();
    vote.set('motion', newText(input.motion));
    vote.set('agendaItemId', input.agendaItemId ?? null);
    vote.set('for', input.tally.for);
    vote.set('against', input.tally.against);
    vote.set('abstain', input.tally.abstain);
    vote.set('outcome', input.outcome ?? null);
    vote.set('order', nextOrder(roots(doc).votes));
    roots(doc).votes.set(id, vote);
  });
  return id;
}

/** Corrects some of a vote's numbers (MIN-3: each number merges on its own). */
export function setVoteTally(
  doc: Y.Doc,
  voteId: string,
  tally: Partial<Tally>,
  opts?: OpOptions,
): void {
  checkTally(tally);
  const vote = childMap(roots(doc).votes, voteId, 'vote');
  write(doc, opts, () => {
    for (const k of ['for', 'against', 'abstain'] as const) {
      const v = tally[k];
      if (v !== undefined) vote.set(k, v);
    }
  });
}

/** Records the outcome the meeting declared for a vote (通过 / 未通过), or clears it (VOTE-5). */
export function setVoteOutcome(
  doc: Y.Doc,
  voteId: string,
  outcome: VoteOutcome | null,
  opts?: OpOptions,
): void {
  checkOutcome(outcome);
  const vote = childMap(roots(doc).votes, voteId, 'vote');
  write(doc, opts, () => vote.set('outcome', outcome));
}

/**
 * Removes a vote (MIN-13). A decision that pointed to it stays and reads as before; `validateMinutes`
 * reports it (`missing-vote`, MIN-5) until it is relinked or removed.
 */
export function removeVote(doc: Y.Doc, voteId: string, opts?: OpOptions): void {
  childMap(roots(doc).votes, voteId, 'vote');
  write(doc, opts, () => roots(doc).votes.delete(voteId));
}

export type DecisionInput = {
  text: string;
  voteId?: string | null;
  /** The 四议两公开 case (index doc) and the step this meeting performs for it. */
  caseId?: string | null;
  step?: MeetingStep | null;
  id?: string;
};

export function addDecision(doc: Y.Doc, input: DecisionInput, opts?: OpOptions): string {
  checkLength(input.text, Limits.summaryChars, 'decision');
  if (input.step != null && !(MEETING_STEPS as readonly string[]).includes(input.step)) {
    throw new DomainError('invalid', `unknown step ${input.step}`);
  }
  if (input.voteId) childMap(roots(doc).votes, input.voteId, 'vote');
  checkCount(roots(doc).decisions.size, Limits.decisionsPerMeeting, 'decisions');
  const id = input.id ?? newId();
  write(doc, opts, () => {
    const d = new Y.Map<unknown>();
    d.set('text', newText(input.text));
    d.set('voteId', input.voteId ?? null);
    d.set('caseId', input.caseId ?? null);
    d.set('step', input.step ?? null);
    d.set('order', nextOrder(roots(doc).decisions));
    roots(doc).decisions.set(id, d);
  });
  return id;
}

export function setDecisionText(doc: Y.Doc, id: string, text: string, opts?: OpOptions): void {
  checkLength(text, Limits.summaryChars, 'decision');
  const d = childMap(roots(doc).decisions, id, 'decision');
  write(doc, opts, () => setText(ensureText(d, 'text'), text));
}

/**
 * Links a decision to a 四议两公开 case and the step this meeting performed for it, or unlinks it
 * with `caseId: null` (MIN-9). A case needs a step; both fields are written together, so links
 * set on two devices resolve to one device's pair, never one's case with the other's step.
 */
export function setDecisionCase(
  doc: Y.Doc,
  decisionId: string,
  caseId: string | null,
  step: MeetingStep | null,
  opts?: OpOptions,
): void {
  if ((caseId === null) !== (step === null)) {
    throw new DomainError(
      'invalid',
      'a case link needs both a case and a step',
      'caseLinkIncomplete',
    );
  }
  if (step !== null && !(MEETING_STEPS as readonly string[]).includes(step)) {
    throw new DomainError('invalid', `unknown step ${step}`);
  }
  const d = childMap(roots(doc).decisions, decisionId, 'decision');
  write(doc, opts, () => {
    d.set('caseId', caseId);
    d.set('step', step);
  });
}

/** Removes a decision (MIN-13); removal wins over a concurrent edit of it. */
export function removeDecision(doc: Y.Doc, decisionId: string, opts?: OpOptions): void {
  childMap(roots(doc).decisions, decisionId, 'decision');
  write(doc, opts, () => roots(doc).decisions.delete(decisionId));
}

/** Adds an action item: who does what by when (calendar day, Beijing time). */
export function addActionItem(
  doc: Y.Doc,
  input: { what: string; owner?: Person | null; due?: string | null; id?: string },
  opts?: OpOptions,
): string {
  checkLength(input.what, Limits.titleChars, 'action item');
  if (input.due != null && !isCalendarDate(input.due)) {
    throw new DomainError('invalid', 'due must be a calendar day YYYY-MM-DD', 'calendarDay');
  }
  const owner = input.owner ? plainPerson(input.owner) : null;
  checkCount(roots(doc).actions.size, Limits.actionItemsPerMeeting, 'action items');
  const id = input.id ?? newId();
  write(doc, opts, () => {
    const a = new Y.Map<unknown>();
    a.set('what', newText(input.what));
    a.set('owner', owner);
    a.set('due', input.due ?? null);
    a.set('planTask', null);
    a.set('order', nextOrder(roots(doc).actions));
    roots(doc).actions.set(id, a);
  });
  return id;
}

/**
 * Removes an action item (MIN-13); removal wins over a concurrent edit of it. A plan task already
 * made from it stays in the plan.
 */
export function removeActionItem(doc: Y.Doc, actionItemId: string, opts?: OpOptions): void {
  childMap(roots(doc).actions, actionItemId, 'action item');
  write(doc, opts, () => roots(doc).actions.delete(actionItemId));
}

/** The id of the plan task made from an action item (MIN-8): the same on every device. */
export function taskIdForActionItem(actionItemId: string): string {
  return `ai-${actionItemId}`.slice(0, 64);
}

/**
 * Turns an action item into a plan task (operates on both docs, MIN-8). The task carries the
 * action's text, owner and due date and points back to the minutes; the action item records
 * the link unless the minutes are finalised (the record is not changed then; the task still
 * points back). Doing it again returns the same task without changing it.
 */
export function actionItemToTask(
  minutesDoc: Y.Doc,
  actionItemId: string,
  planDoc: Y.Doc,
  target: { minutesDocId: string; planDocId: string; phaseId: string | null },
  opts?: {
    /** When the task is created (epoch ms); default now. */
    at?: number;
  } & OpOptions,
): string {
  const action = childMap(roots(minutesDoc).actions, actionItemId, 'action item');
  const taskId = taskIdForActionItem(actionItemId);
  if (!hasTask(planDoc, taskId)) {
    addTask(
      planDoc,
      {
        id: taskId,
        phaseId: target.phaseId,
        title: textField(action, 'what'),
        owner: readPerson(action.get('owner')),
        due: stringOr(action.get('due'), null),
        source: { docId: target.minutesDocId, actionItemId },
        createdAt: opts?.at ?? Date.now(),
      },
      opts,
    );
  }
  if (!isFinal(minutesDoc) && action.get('planTask') == null) {
    write(minutesDoc, opts, () => action.set('planTask', { docId: target.planDocId, taskId }));
  }
  return taskId;
}

/**
 * Finalises the minutes (MIN-5, MIN-6, MIN-11, VOTE-5): refuses while `validateMinutes` reports
 * issues. With the workspace's roster, writes the record's own 应到 snapshot (the body's roster
 * at the meeting's start), so later roster edits never rewrite the finalised record. A record
 * that marks roster people cannot be finalised without the roster.
 */
export function finaliseMinutes(
  doc: Y.Doc,
  by: Person,
  options: {
    at?: number;
    /** The workspace's roster (read with `readRoster`); needed when attendance names roster people. */
    roster?: RosterData | null;
  } & OpOptions = {},
): void {
  const data = readMinutes(doc);
  const roster = options.roster ?? null;
  if (!roster && data.attendance.some((a) => a.rosterId !== null)) {
    throw new DomainError(
      'invalid',
      'cannot finalise: the attendance names roster people, so the roster is needed to count 应到',
    );
  }
  const issues = validateMinutes(data, { roster });
  if (issues.length) {
    throw new DomainError('invalid', `cannot finalise: ${issues.map((i) => i.message).join('; ')}`);
  }
  const person = plainPerson(by);
  const body = meetingBody(data);
  const snapshot =
    roster && body && body.body !== 'villagers'
      ? expectedFromRoster(roster, body, data.startsAt ?? Number.MAX_SAFE_INTEGER)
      : null;
  write(doc, options, () => {
    const { minutes } = roots(doc);
    minutes.set('state', 'final');
    minutes.set('finalisedAt', options.at ?? Date.now());
    minutes.set('finalisedBy', person);
    if (snapshot) minutes.set('expected', snapshot);
  });
}

/**
 * Reopens finalised minutes so they can be corrected (workspace admins; the app checks the role).
 * The 应到 snapshot stays in the doc but a draft counts against the roster; finalising again
 * writes a new one (MIN-11).
 */
export function reopenMinutes(doc: Y.Doc, options: OpOptions = {}): void {
  const origin = options.origin ?? Origins.local;
  prepareWrite(doc, MINUTES_VERSIONING, origin);
  doc.transact(() => {
    const { minutes } = roots(doc);
    minutes.set('state', 'draft');
    minutes.set('finalisedAt', null);
    minutes.set('finalisedBy', null);
  }, origin);
}

type WithOrder<T> = T & { order: number };
const strip = <T>({ order: _order, ...rest }: WithOrder<T>): T => rest as T;

function collect<T extends { id: string }>(
  map: Y.Map<unknown>,
  read: (m: Y.Map<unknown>, id: string) => T,
): T[] {
  const out: WithOrder<T>[] = [];
  map.forEach((v, id) => {
    if (v instanceof Y.Map) {
      const m = v as Y.Map<unknown>;
      out.push({ ...read(m, id), order: numberOr(m.get('order'), 0) });
    }
  });
  return out.sort(byOrder).map((x) => strip<T>(x));
}

function readPlanLink(v: unknown): ActionItem['planTask'] {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  return typeof o.docId === 'string' && typeof o.taskId === 'string'
    ? { docId: o.docId, taskId: o.taskId }
    : null;
}

function readOutcome(v: unknown): VoteOutcome | null {
  return typeof v === 'string' && (VOTE_OUTCOMES as readonly string[]).includes(v)
    ? (v as VoteOutcome)
    : null;
}

function readVillagerCounts(minutes: Y.Map<unknown>): VillagerCounts {
  const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);
  return {
    basis: oneOf(VILLAGER_BASES, minutes.get('villagersBasis'), 'adults') as VillagerBasis,
    eligible: count(minutes.get('villagersEligible')),
    present: count(minutes.get('villagersPresent')),
  };
}

function readSnapshot(v: unknown): MinutesData['expected'] {
  const parsed = expectedSnapshotSchema.safeParse(v);
  return parsed.success ? parsed.data : null;
}

/** Plain data of minutes (passes `minutesSchema`). Attendance is sorted present first, then by name. */
export function readMinutes(source: Y.Doc): MinutesData {
  const doc = readableDoc(source, MINUTES_VERSIONING);
  const r = roots(doc);
  const meta = doc.getMap<unknown>('meta');
  const attendance: Attendance[] = [];
  r.attendance.forEach((v, key) => {
    const p = readPerson(v);
    if (!p) return;
    const o = v as Record<string, unknown>;
    const present = o.present === true;
    attendance.push({
      key,
      person: p,
      rosterId: stringOr(o.rosterId, null),
      present,
      absenceReason: present ? null : absenceReasonOf(o.absenceReason),
      absenceNote: stringOr(o.absenceNote, ''),
    });
  });
  attendance.sort(
    (a, b) =>
      Number(b.present) - Number(a.present) ||
      (a.person.name < b.person.name ? -1 : a.person.name > b.person.name ? 1 : 0) ||
      (a.key < b.key ? -1 : 1),
  );
  const agenda = collect<AgendaItem>(r.agenda, (m, id) => ({ id, title: textField(m, 'title') }));
  const votes = collect<Vote>(r.votes, (m, id) => ({
    id,
    motion: textField(m, 'motion'),
    agendaItemId: stringOr(m.get('agendaItemId'), null),
    tally: {
      for: numberOr(m.get('for'), 0),
      against: numberOr(m.get('against'), 0),
      abstain: numberOr(m.get('abstain'), 0),
    },
    outcome: readOutcome(m.get('outcome')),
  }));
  const decisions = collect<Decision>(r.decisions, (m, id) => {
    const step = m.get('step');
    return {
      id,
      text: textField(m, 'text'),
      voteId: stringOr(m.get('voteId'), null),
      caseId: stringOr(m.get('caseId'), null),
      step:
        typeof step === 'string' && (MEETING_STEPS as readonly string[]).includes(step)
          ? (step as MeetingStep)
          : null,
    };
  });
  const actionItems = collect<ActionItem>(r.actions, (m, id) => ({
    id,
    what: textField(m, 'what'),
    owner: readPerson(m.get('owner')),
    due: stringOr(m.get('due'), null),
    planTask: readPlanLink(m.get('planTask')),
  }));
  const state = oneOf(MINUTES_STATES, r.minutes.get('state'), 'draft');
  const meetingType = oneOf(MEETING_TYPES, r.minutes.get('meetingType'), 'other');
  const groupId = stringOr(r.minutes.get('groupId'), null);
  return {
    kind: 'minutes',
    meta: { schemaVersion: numberOr(meta.get('schemaVersion'), 0) },
    title: textField(r.minutes, 'title'),
    meetingType,
    groupId,
    body: meetingBody({ meetingType, groupId }),
    startsAt: numberOr(r.minutes.get('startsAt'), null),
    place: textField(r.minutes, 'place'),
    chair: readPerson(r.minutes.get('chair')),
    recorder: readPerson(r.minutes.get('recorder')),
    lecturer: readAttendee(r.minutes.get('lecturer')),
    villagers: meetingType === 'villagers' ? readVillagerCounts(r.minutes) : null,
    expected: readSnapshot(r.minutes.get('expected')),
    attendance,
    agenda,
    votes,
    decisions,
    actionItems,
    state,
    finalisedAt: state === 'final' ? numberOr(r.minutes.get('finalisedAt'), null) : null,
    finalisedBy: state === 'final' ? readPerson(r.minutes.get('finalisedBy')) : null,
    bodyText: fragmentText(doc.getXmlFragment(MINUTES_BODY_FIELD)),
  };
}

/** How many people were marked present. */
export function presentCount(m: MinutesData): number {
  return m.attendance.filter((a) => a.present).length;
}

export type MinutesIssue = {
  code:
    | 'no-start-time'
    | 'no-group'
    | 'tally-exceeds-attendance'
    | 'missing-vote'
    | 'vote-not-carried'
    | 'vote-no-outcome';
  message: string;
  /** The vote or decision concerned. */
  ref: string | null;
};

/**
 * What stands in the way of finalising (MIN-5, MIN-10, MIN-14, VOTE-5): no start time, a 党小组会
 * without its group (when the roster has groups), a tally above the voters present, a vote
 * without the result the meeting declared, a decision pointing
 * to a missing vote, a vote recorded as passed that lacks quorum or threshold. Counts come from
 * `meetingAttendance` with the roster when given (MIN-11).
 */
export function validateMinutes(
  m: MinutesData,
  options: {
    /** The workspace's roster; without it, attendance is counted as listed. */
    roster?: RosterData | null;
  } = {},
): MinutesIssue[] {
  const issues: MinutesIssue[] = [];
  if (m.startsAt === null) {
    issues.push({ code: 'no-start-time', message: 'the meeting has no start time', ref: null });
  }
  const roster = options.roster ?? null;
  if (m.meetingType === 'party-group' && m.groupId === null && roster?.groups.length) {
    issues.push({
      code: 'no-group',
      message: 'a party group meeting names its party group',
      ref: null,
    });
  }
  const count = meetingAttendance(m, roster);
  for (const v of m.votes) {
    const total = v.tally.for + v.tally.against + v.tally.abstain;
    if (total > count.votersPresent) {
      issues.push({
        code: 'tally-exceeds-attendance',
        message: `vote "${v.motion}" counts ${total} votes but ${count.votersPresent} people entitled to vote are marked present`,
        ref: v.id,
      });
      continue;
    }
    if (v.outcome === null) {
      // MIN-14: a vote is recorded with the result the meeting declared, or the record does not
      // say what was decided.
      issues.push({
        code: 'vote-no-outcome',
        message: `vote "${v.motion}" has no declared result`,
        ref: v.id,
      });
      continue;
    }
    const check = voteCheck(m, v, roster);
    if (v.outcome === 'passed' && !check.passed) {
      const why = !check.complete
        ? check.missing === 'roster'
          ? 'there is no roster to count the members entitled to vote against'
          : 'the counts of the meeting are missing'
        : check.quorum && !check.quorum.met
          ? `${check.quorum.present} of ${check.quorum.entitled} entitled to vote were present; ${check.quorum.required} are needed`
          : `${check.threshold.for} voted for; ${check.threshold.required} are needed`;
      issues.push({
        code: 'vote-not-carried',
        message: `vote "${v.motion}" is recorded as passed but ${why}`,
        ref: v.id,
      });
    }
  }
  const voteIds = new Set(m.votes.map((v) => v.id));
  for (const d of m.decisions) {
    if (d.voteId !== null && !voteIds.has(d.voteId)) {
      issues.push({
        code: 'missing-vote',
        message: `decision refers to a removed vote`,
        ref: d.id,
      });
    }
  }
  return issues;
}

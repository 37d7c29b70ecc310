/**
 * What changed between two versions of a doc, as structured items for the history view
 * ("task 'X' status To do → Done", "title changed", "+120 chars in body"). One describer per
 * kind, computed from two plain reads, so it works on any pair of versions the server or client
 * rebuilds; the kind registry (kinds.ts) names each kind's describer, and `diffData` /
 * `describeChange` (open.ts) dispatch through it.
 *
 * Rule DESC-1 (SPEC.md): items come in a stable order (doc fields, then collections in their
 * display order; within a collection: added, changed, removed); ids in `path` let the UI link to
 * the item; `before`/`after` hold raw values (enum values, instants, strings) and `label` is a
 * sentence in the requested locale.
 */
import { simpleDiffString } from 'lib0/diff';
import {
  type EnumName,
  type EnumValue,
  type Locale,
  localeMeta,
  type MessageKey,
  type Params,
  type Translator,
  translator,
} from '../i18n/index.ts';
import type { Attachment } from './attachments.ts';
import type {
  FeedbackLogData,
  IndexData,
  MinutesData,
  Person,
  PlanData,
  RosterData,
} from './schema.ts';
import { beijingDate, formatBeijing } from './time.ts';

export type ChangeValue = string | number | boolean | null;

export type ChangeItem = {
  /** Where: `title`, `phases/<id>`, `tasks/<id>/status`, `entries/<id>/status`, `body`… */
  path: string;
  op: 'added' | 'removed' | 'changed';
  /** One sentence for a person, in the requested locale. */
  label: string;
  before?: ChangeValue;
  after?: ChangeValue;
};

/** The name of a field or collection item as people read it (`field.*` keys). */
type Words = MessageKey;

/** Characters inserted and removed in one long text, counted by CRDT identity. */
export type TextCounts = Readonly<Record<string, { inserted: number; removed: number }>>;

export type DescribeOptions = {
  /**
   * DESC-2: exact counts per long-text path (`body`, `notes`, `tasks/<id>/notes`), taken from
   * the CRDT by the caller that has the doc; paths without one fall back to a plain-text diff.
   */
  textCounts?: TextCounts;
  /** DESC-3: `before` is an empty doc: describe the values set, never a "before". Default false. */
  isCreation?: boolean;
};

class Changes {
  readonly items: ChangeItem[] = [];
  readonly isCreation: boolean;
  private readonly tr: Translator;
  constructor(
    readonly locale: Locale,
    private readonly options: DescribeOptions = {},
  ) {
    this.isCreation = options.isCreation === true;
    this.tr = translator(locale);
  }

  t(key: MessageKey, params?: Params): string {
    return this.tr.t(key, params);
  }

  label<E extends EnumName>(enumName: E, value: EnumValue<E>): string {
    return this.tr.label(enumName, value);
  }

  quote(s: string): string {
    const text = s.length > 30 ? `${s.slice(0, 30)}…` : s;
    return this.t('desc.quote', { text: this.isolate(text) });
  }

  /**
   * I18N-3: a value whose text runs against the sentence (a Uyghur name in a Chinese sentence, a
   * Chinese title in a Uyghur one) is set apart with Unicode isolates (FSI … PDI), so it keeps
   * its own direction and does not drag the punctuation around it; other values stay as they are.
   */
  isolate(text: string): string {
    const strong = /[\p{Script=Arabic}\p{Script=Hebrew}]|[\p{L}]/u.exec(text)?.[0];
    if (strong === undefined) return text;
    const isRtl = /[\p{Script=Arabic}\p{Script=Hebrew}]/u.test(strong);
    return isRtl === (localeMeta(this.locale).dir === 'rtl') ? text : `\u2068${text}\u2069`;
  }

  /** Adds an item; a label starts with a capital where the script has them ("Title changed"). */
  add(item: ChangeItem): void {
    const label = item.label;
    const first = label.charAt(0).toLocaleUpperCase(this.tr.locale);
    this.items.push(first === label.charAt(0) ? item : { ...item, label: first + label.slice(1) });
  }

  private lead(subject: string, name: Words): string {
    const field = this.t(name);
    return subject ? this.t('desc.subjectField', { subject, field }) : field;
  }

  /** A short value: "<subject> <name>: a → b". */
  value(
    path: string,
    subject: string,
    name: Words,
    before: ChangeValue,
    after: ChangeValue,
    fmt: (v: ChangeValue) => string = (v) => (v === null || v === '' ? '—' : String(v)),
  ): void {
    const field = this.lead(subject, name);
    if (this.isCreation) {
      // DESC-3: at creation only what was set, with no "before" (defaults are nobody's choice).
      if (after === null || after === '') return;
      this.add({
        path,
        op: 'added',
        label: this.t('desc.set', { field, value: this.isolate(fmt(after)) }),
        after,
      });
      return;
    }
    if (before === after) return;
    this.add({
      path,
      op: 'changed',
      label: this.t('desc.changed', {
        field,
        before: this.isolate(fmt(before)),
        after: this.isolate(fmt(after)),
      }),
      before,
      after,
    });
  }

  /** A short text that people edit (titles): "<subject> title changed". */
  text(path: string, subject: string, name: Words, before: string, after: string): void {
    const field = this.lead(subject, name);
    if (this.isCreation) {
      if (after === '') return;
      this.add({
        path,
        op: 'added',
        label: this.t('desc.set', { field, value: this.quote(after) }),
        after,
      });
      return;
    }
    if (before === after) return;
    this.add({ path, op: 'changed', label: this.t('desc.textChanged', { field }), before, after });
  }

  /** A long text: "+120 chars in body" (`key` is one of the `desc.longText.*` sentences). */
  longText(path: string, key: MessageKey, before: string, after: string, subject = ''): void {
    // Characters inserted and removed, so a rewrite of equal length still says what it did.
    // DESC-2: exact counts from the CRDT when the caller has them; else one changed span.
    const exact = this.options.textCounts?.[path];
    let inserted: number;
    let removed: number;
    if (exact) {
      inserted = exact.inserted;
      removed = exact.removed;
    } else {
      if (before === after) return;
      const diff = simpleDiffString(before, after);
      inserted = diff.insert.length;
      removed = diff.remove;
    }
    if (inserted === 0 && removed === 0) return;
    const counts = [inserted > 0 ? `+${inserted}` : '', removed > 0 ? `−${removed}` : '']
      .filter(Boolean)
      .join(' ');
    const label = this.t(key, { counts, subject });
    this.add({ path, op: 'changed', label, before: before.length, after: after.length });
  }

  enumValue<E extends EnumName>(
    path: string,
    subject: string,
    name: Words,
    enumName: E,
    before: EnumValue<E> | null,
    after: EnumValue<E> | null,
  ): void {
    this.value(path, subject, name, before, after, (v) =>
      v === null ? '—' : this.label(enumName, v as EnumValue<E>),
    );
  }

  /** Diffs two lists by id: added, then per-item changes, then removed. */
  collection<T extends { id: string }>(
    prefix: string,
    what: Words,
    before: readonly T[],
    after: readonly T[],
    nameOf: (x: T) => string,
    diffItem: (a: T, b: T, subject: string) => void,
  ): void {
    const old = new Map(before.map((x) => [x.id, x]));
    const now = new Set(after.map((x) => x.id));
    const changed: [T, T][] = [];
    const whatText = this.t(what);
    for (const b of after) {
      const a = old.get(b.id);
      if (!a) {
        this.add({
          path: `${prefix}/${b.id}`,
          op: 'added',
          label: this.t('desc.added', { what: whatText, name: this.quote(nameOf(b)) }),
          after: nameOf(b),
        });
      } else changed.push([a, b]);
    }
    for (const [a, b] of changed) {
      diffItem(a, b, this.t('desc.item', { what: whatText, name: this.quote(nameOf(b)) }));
    }
    for (const a of before) {
      if (now.has(a.id)) continue;
      this.add({
        path: `${prefix}/${a.id}`,
        op: 'removed',
        label: this.t('desc.removed', { what: whatText, name: this.quote(nameOf(a)) }),
        before: nameOf(a),
      });
    }
  }
}

const personName = (p: Person | null): string | null => p?.name ?? null;
const fmtDate = (v: ChangeValue) =>
  typeof v === 'number' ? formatBeijing(v) : v === null ? '—' : String(v);

const PLAN_NOTES_PATH = 'notes';
const TALLY_FIELDS = {
  for: 'field.tallyFor',
  against: 'field.tallyAgainst',
  abstain: 'field.tallyAbstain',
} as const satisfies Record<string, MessageKey>;

function diffPlan(c: Changes, a: PlanData, b: PlanData): void {
  c.text('title', '', 'field.title', a.title, b.title);
  c.value('village', '', 'field.village', a.village, b.village);
  c.value('periodStart', '', 'field.startDate', a.periodStart, b.periodStart);
  c.value('periodEnd', '', 'field.endDate', a.periodEnd, b.periodEnd);
  c.longText(PLAN_NOTES_PATH, 'desc.longText.notes', a.notesText, b.notesText);
  const aOrder = a.phases.map((p) => p.id).filter((id) => b.phases.some((p) => p.id === id));
  const bOrder = b.phases.map((p) => p.id).filter((id) => a.phases.some((p) => p.id === id));
  if (aOrder.join() !== bOrder.join()) {
    c.add({ path: 'phases', op: 'changed', label: c.t('desc.phasesReordered') });
  }
  c.collection(
    'phases',
    'field.phase',
    a.phases,
    b.phases,
    (p) => p.title,
    (x, y, s) => {
      c.text(`phases/${y.id}/title`, s, 'field.itemTitle', x.title, y.title);
      c.text(`phases/${y.id}/goals`, s, 'field.goals', x.goals, y.goals);
      c.value(`phases/${y.id}/start`, s, 'field.start', x.start, y.start);
      c.value(`phases/${y.id}/end`, s, 'field.end', x.end, y.end);
    },
  );
  const tasks = (p: PlanData) => [...p.phases.flatMap((ph) => ph.tasks), ...p.unassigned];
  const phaseTitle = (p: PlanData, id: string | null) =>
    id === null ? c.t('desc.unassigned') : (p.phases.find((ph) => ph.id === id)?.title ?? id);
  c.collection(
    'tasks',
    'field.task',
    tasks(a),
    tasks(b),
    (t) => t.title,
    (x, y, s) => {
      const p = `tasks/${y.id}`;
      c.text(`${p}/title`, s, 'field.itemTitle', x.title, y.title);
      c.enumValue(`${p}/status`, s, 'field.status', 'taskStatus', x.status, y.status);
      c.value(`${p}/owner`, s, 'field.owner', personName(x.owner), personName(y.owner));
      c.value(`${p}/due`, s, 'field.due', x.due, y.due);
      c.value(`${p}/serviceId`, s, 'field.service', x.serviceId, y.serviceId);
      c.value(`${p}/phase`, s, 'field.phase', phaseTitle(a, x.phaseId), phaseTitle(b, y.phaseId));
      if (x.notes !== y.notes)
        c.longText(`${p}/notes`, 'desc.longText.itemNotes', x.notes, y.notes, s);
    },
  );
}

function diffMinutes(c: Changes, a: MinutesData, b: MinutesData): void {
  c.text('title', '', 'field.title', a.title, b.title);
  c.enumValue('meetingType', '', 'field.meetingType', 'meetingType', a.meetingType, b.meetingType);
  c.value('startsAt', '', 'field.time', a.startsAt, b.startsAt, fmtDate);
  c.value('place', '', 'field.place', a.place, b.place);
  c.value('chair', '', 'field.chair', personName(a.chair), personName(b.chair));
  c.value('recorder', '', 'field.recorder', personName(a.recorder), personName(b.recorder));
  c.value('groupId', '', 'field.partyGroup', a.groupId, b.groupId);
  c.value('lecturer', '', 'field.lecturer', personName(a.lecturer), personName(b.lecturer));
  c.enumValue(
    'villagers/basis',
    '',
    'field.convenedBy',
    'villagerBasis',
    a.villagers?.basis ?? null,
    b.villagers?.basis ?? null,
  );
  c.value(
    'villagers/eligible',
    '',
    'field.eligible',
    a.villagers?.eligible ?? null,
    b.villagers?.eligible ?? null,
  );
  c.value(
    'villagers/present',
    '',
    'field.present',
    a.villagers?.present ?? null,
    b.villagers?.present ?? null,
  );
  if (a.state !== b.state) {
    c.add({
      path: 'state',
      op: 'changed',
      label: b.state === 'final' ? c.t('desc.minutesFinalised') : c.t('desc.minutesReopened'),
      // Words, not the stored values (compare showed "final → draft" in every language).
      before: c.label('minutesState', a.state),
      after: c.label('minutesState', b.state),
    });
  }
  c.longText('body', 'desc.longText.body', a.bodyText, b.bodyText);
  const att = (m: MinutesData) => m.attendance.map((x) => ({ ...x, id: x.key }));
  c.collection(
    'attendance',
    'field.attendee',
    att(a),
    att(b),
    (x) => x.person.name,
    (x, y, s) => {
      const state = (v: typeof x) =>
        v.present
          ? c.t('desc.present')
          : c.t('desc.absent', { reason: c.label('absenceReason', v.absenceReason ?? 'other') });
      c.value(`attendance/${y.id}`, s, 'field.attendance', state(x), state(y));
    },
  );
  c.collection(
    'agenda',
    'field.agendaItem',
    a.agenda,
    b.agenda,
    (x) => x.title,
    (x, y, s) => {
      c.text(`agenda/${y.id}/title`, s, 'field.itemTitle', x.title, y.title);
    },
  );
  c.collection(
    'votes',
    'field.vote',
    a.votes,
    b.votes,
    (x) => x.motion,
    (x, y, s) => {
      c.text(`votes/${y.id}/motion`, s, 'field.motion', x.motion, y.motion);
      for (const k of ['for', 'against', 'abstain'] as const) {
        c.value(`votes/${y.id}/${k}`, s, TALLY_FIELDS[k], x.tally[k], y.tally[k]);
      }
      c.enumValue(`votes/${y.id}/outcome`, s, 'field.outcome', 'voteOutcome', x.outcome, y.outcome);
    },
  );
  c.collection(
    'decisions',
    'field.decision',
    a.decisions,
    b.decisions,
    (x) => x.text,
    (x, y, s) => {
      c.text(`decisions/${y.id}/text`, s, 'field.text', x.text, y.text);
    },
  );
  // Paths name the doc's own root (`actions`), as the compare's item texts do.
  c.collection(
    'actions',
    'field.actionItem',
    a.actionItems,
    b.actionItems,
    (x) => x.what,
    (x, y, s) => {
      const p = `actions/${y.id}`;
      c.text(`${p}/what`, s, 'field.text', x.what, y.what);
      c.value(`${p}/owner`, s, 'field.owner', personName(x.owner), personName(y.owner));
      c.value(`${p}/due`, s, 'field.due', x.due, y.due);
      if (!x.planTask && y.planTask) {
        c.add({
          path: `${p}/planTask`,
          op: 'added',
          label: c.t('desc.turnedIntoTask', { subject: s }),
          after: y.planTask.taskId,
        });
      }
    },
  );
}

function diffFeedback(c: Changes, a: FeedbackLogData, b: FeedbackLogData): void {
  c.text('title', '', 'field.title', a.title, b.title);
  c.collection(
    'entries',
    'field.entry',
    a.entries,
    b.entries,
    (e) => e.summary,
    (x, y, s) => {
      const p = `entries/${y.id}`;
      c.text(`${p}/summary`, s, 'field.summary', x.summary, y.summary);
      c.enumValue(`${p}/status`, s, 'field.status', 'feedbackStatus', x.status, y.status);
      c.enumValue(`${p}/category`, s, 'field.category', 'feedbackCategory', x.category, y.category);
      c.enumValue(`${p}/channel`, s, 'field.channel', 'feedbackChannel', x.channel, y.channel);
      c.enumValue(`${p}/urgency`, s, 'field.urgency', 'urgency', x.urgency, y.urgency);
      c.value(`${p}/source`, s, 'field.source', x.source, y.source);
      c.value(`${p}/dueAt`, s, 'field.dueAt', x.dueAt, y.dueAt, fmtDate);
      const known = new Set(x.relays.map((r) => r.id));
      for (const r of y.relays) {
        if (known.has(r.id)) continue;
        c.add({
          path: `${p}/relays/${r.id}`,
          op: 'added',
          label: c.t('desc.relayedTo', { subject: s, to: r.to }),
          after: r.to,
        });
      }
      const responded = new Set(x.responses.map((r) => r.id));
      for (const r of y.responses) {
        if (responded.has(r.id)) continue;
        c.add({
          path: `${p}/responses/${r.id}`,
          op: 'added',
          label: c.t('desc.responseAdded', { subject: s }),
          after: r.text,
        });
      }
    },
  );
}

function diffIndex(c: Changes, a: IndexData, b: IndexData): void {
  c.text('name', '', 'field.workspaceName', a.name, b.name);
  if (JSON.stringify(a.cadence) !== JSON.stringify(b.cadence)) {
    c.enumValue(
      'cadence',
      '',
      'field.cadence',
      'cadencePreset',
      a.cadence.preset,
      b.cadence.preset,
    );
    if (a.cadence.preset === b.cadence.preset) {
      c.add({
        path: 'cadence/rules',
        op: 'changed',
        label: c.t('desc.cadenceRulesChanged'),
      });
    }
  }
  c.collection(
    'docs',
    'field.document',
    a.docs,
    b.docs,
    (d) => d.title,
    (x, y, s) => {
      c.text(`docs/${y.id}/title`, s, 'field.itemTitle', x.title, y.title);
      if (x.archived !== y.archived) {
        c.add({
          path: `docs/${y.id}/archived`,
          op: 'changed',
          label: c.t(y.archived ? 'desc.archived' : 'desc.unarchived', { subject: s }),
          before: x.archived,
          after: y.archived,
        });
      }
    },
  );
  c.collection(
    'services',
    'field.service',
    a.services,
    b.services,
    (x) => x.name,
    (x, y, s) => {
      c.value(`services/${y.id}/name`, s, 'field.itemName', x.name, y.name);
      c.value(`services/${y.id}/archived`, s, 'field.archived', x.archived, y.archived);
    },
  );
  c.collection(
    'cases',
    'field.decisionCase',
    a.cases,
    b.cases,
    (x) => x.title,
    (x, y, s) => {
      c.text(`cases/${y.id}/title`, s, 'field.itemTitle', x.title, y.title);
      const known = new Set(x.publications.map((p) => p.id));
      for (const p of y.publications) {
        if (known.has(p.id)) continue;
        c.add({
          path: `cases/${y.id}/publications/${p.id}`,
          op: 'added',
          label: c.t('desc.published', {
            subject: s,
            step: c.label('decisionStep', p.step),
            date: beijingDate(p.at),
          }),
          after: p.step,
        });
      }
      const kept = new Set(y.publications.map((p) => p.id));
      for (const p of x.publications) {
        if (kept.has(p.id)) continue;
        c.add({
          path: `cases/${y.id}/publications/${p.id}`,
          op: 'removed',
          label: c.t('desc.unpublished', {
            subject: s,
            step: c.label('decisionStep', p.step),
            date: beijingDate(p.at),
          }),
          before: p.step,
        });
      }
    },
  );
}

function diffRoster(c: Changes, a: RosterData, b: RosterData): void {
  c.text('title', '', 'field.title', a.title, b.title);
  c.collection(
    'people',
    'field.person',
    a.people,
    b.people,
    (p) => p.name,
    (x, y, s) => {
      c.value(`people/${y.id}/name`, s, 'field.personName', x.name, y.name);
      c.value(`people/${y.id}/memberId`, s, 'field.member', x.memberId, y.memberId);
    },
  );
  c.collection(
    'groups',
    'field.group',
    a.groups,
    b.groups,
    (g) => g.name,
    (x, y, s) => {
      c.value(`groups/${y.id}/name`, s, 'field.itemName', x.name, y.name);
      c.value(`groups/${y.id}/formed`, s, 'field.formed', x.formed, y.formed);
      c.value(`groups/${y.id}/dissolved`, s, 'field.dissolved', x.dissolved, y.dissolved);
    },
  );
  const names = new Map([...a.people, ...b.people].map((p) => [p.id, p.name]));
  const groups = new Map([...a.groups, ...b.groups].map((g) => [g.id, g.name]));
  const members = (r: RosterData) => r.memberships.map((m) => ({ ...m, id: m.key }));
  c.collection(
    'memberships',
    'field.membership',
    members(a),
    members(b),
    (m) =>
      `${names.get(m.personId) ?? m.personId} · ${
        m.groupId ? (groups.get(m.groupId) ?? m.groupId) : c.label('body', m.body)
      }`,
    (x, y, s) => {
      const p = `memberships/${y.id}`;
      c.value(`${p}/joined`, s, 'field.joined', x.joined, y.joined);
      c.value(`${p}/left`, s, 'field.left', x.left, y.left);
      c.enumValue(`${p}/status`, s, 'field.partyStatus', 'partyStatus', x.status, y.status);
      c.value(`${p}/fullFrom`, s, 'field.fullFrom', x.fullFrom, y.fullFrom);
      c.enumValue(`${p}/office`, s, 'field.office', 'office', x.office, y.office);
    },
  );
}

/** A describer of one kind: what changed between two plain reads (DESC-1). */
export type DataDescriber<T> = (
  before: T,
  after: T,
  locale?: Locale,
  options?: DescribeOptions,
) => ChangeItem[];

const describer =
  <T>(diff: (c: Changes, a: T, b: T) => void): DataDescriber<T> =>
  (before, after, locale = 'zh-CN', options = {}) => {
    const c = new Changes(locale, options);
    diff(c, before, after);
    return c.items;
  };

/** What changed in a plan (DESC-1); the registry (kinds.ts) dispatches by kind. */
export const describePlanData = describer<PlanData>(diffPlan);
/** What changed in minutes (DESC-1). */
export const describeMinutesData = describer<MinutesData>(diffMinutes);
/** What changed in a feedback log (DESC-1). */
export const describeFeedbackData = describer<FeedbackLogData>(diffFeedback);
/** What changed in the workspace index (DESC-1). */
export const describeIndexData = describer<IndexData>(diffIndex);
/** What changed in the roster (DESC-1). */
export const describeRosterData = describer<RosterData>(diffRoster);

/**
 * Attachments added to or removed from a record, any kind (ATT-2): `attachments/<id>` items
 * after the kind's own, named by the file name.
 */
export const describeAttachments = describer<readonly Attachment[]>((c, before, after) =>
  c.collection(
    'attachments',
    'field.attachment',
    before,
    after,
    (x) => x.name,
    () => {},
  ),
);

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
import { type EnumName, type EnumValue, type Locale, labelOf } from './labels.ts';
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

type Words = { 'zh-CN': string; en: string };

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
  constructor(
    readonly locale: Locale,
    private readonly options: DescribeOptions = {},
  ) {
    this.isCreation = options.isCreation === true;
  }

  w(zh: string, en: string): string {
    return this.locale === 'zh-CN' ? zh : en;
  }

  quote(s: string): string {
    const short = s.length > 30 ? `${s.slice(0, 30)}…` : s;
    return this.locale === 'zh-CN' ? `“${short}”` : `"${short}"`;
  }

  add(item: ChangeItem): void {
    this.items.push(item);
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
    const sep = this.locale === 'zh-CN' ? '：' : ': ';
    const lead = subject ? `${subject} ${name[this.locale]}` : name[this.locale];
    if (this.isCreation) {
      // DESC-3: at creation only what was set, with no "before" (defaults are nobody's choice).
      if (after === null || after === '') return;
      this.add({ path, op: 'added', label: `${lead}${sep}${fmt(after)}`, after });
      return;
    }
    if (before === after) return;
    this.add({
      path,
      op: 'changed',
      label: `${lead}${sep}${fmt(before)} → ${fmt(after)}`,
      before,
      after,
    });
  }

  /** A short text that people edit (titles): "<subject> title changed". */
  text(path: string, subject: string, name: Words, before: string, after: string): void {
    const lead = subject ? `${subject} ${name[this.locale]}` : name[this.locale];
    if (this.isCreation) {
      if (after === '') return;
      const sep = this.locale === 'zh-CN' ? '：' : ': ';
      this.add({ path, op: 'added', label: `${lead}${sep}${this.quote(after)}`, after });
      return;
    }
    if (before === after) return;
    this.add({
      path,
      op: 'changed',
      label: `${lead}${this.w('已修改', ' changed')}`,
      before,
      after,
    });
  }

  /** A long text: "+120 chars in body". */
  longText(path: string, name: Words, before: string, after: string): void {
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
    const parts = [inserted > 0 ? `+${inserted}` : '', removed > 0 ? `−${removed}` : '']
      .filter(Boolean)
      .join(' ');
    const label =
      this.locale === 'zh-CN'
        ? `${name['zh-CN']} ${parts} 字`
        : `${parts} chars in ${name.en.toLowerCase()}`;
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
      v === null ? '—' : labelOf(enumName, v as EnumValue<E>, this.locale),
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
    for (const b of after) {
      const a = old.get(b.id);
      if (!a) {
        this.add({
          path: `${prefix}/${b.id}`,
          op: 'added',
          label: `${this.w('新增', 'added')}${this.w('', ' ')}${what[this.locale]} ${this.quote(nameOf(b))}`,
          after: nameOf(b),
        });
      } else changed.push([a, b]);
    }
    for (const [a, b] of changed) diffItem(a, b, `${what[this.locale]} ${this.quote(nameOf(b))}`);
    for (const a of before) {
      if (now.has(a.id)) continue;
      this.add({
        path: `${prefix}/${a.id}`,
        op: 'removed',
        label: `${this.w('删除', 'removed')}${this.w('', ' ')}${what[this.locale]} ${this.quote(nameOf(a))}`,
        before: nameOf(a),
      });
    }
  }
}

const personName = (p: Person | null): string | null => p?.name ?? null;
const W = (zh: string, en: string): Words => ({ 'zh-CN': zh, en });
const fmtDate = (v: ChangeValue) =>
  typeof v === 'number' ? formatBeijing(v) : v === null ? '—' : String(v);

const PLAN_NOTES_PATH = 'notes';

function diffPlan(c: Changes, a: PlanData, b: PlanData): void {
  c.text('title', '', W('标题', 'Title'), a.title, b.title);
  c.value('village', '', W('村', 'Village'), a.village, b.village);
  c.value('periodStart', '', W('开始日期', 'Start'), a.periodStart, b.periodStart);
  c.value('periodEnd', '', W('结束日期', 'End'), a.periodEnd, b.periodEnd);
  c.longText(PLAN_NOTES_PATH, W('备注', 'Notes'), a.notesText, b.notesText);
  const aOrder = a.phases.map((p) => p.id).filter((id) => b.phases.some((p) => p.id === id));
  const bOrder = b.phases.map((p) => p.id).filter((id) => a.phases.some((p) => p.id === id));
  if (aOrder.join() !== bOrder.join()) {
    c.add({ path: 'phases', op: 'changed', label: c.w('阶段顺序已调整', 'phases reordered') });
  }
  c.collection(
    'phases',
    W('阶段', 'phase'),
    a.phases,
    b.phases,
    (p) => p.title,
    (x, y, s) => {
      c.text(`phases/${y.id}/title`, s, W('名称', 'title'), x.title, y.title);
      c.text(`phases/${y.id}/goals`, s, W('目标', 'goals'), x.goals, y.goals);
      c.value(`phases/${y.id}/start`, s, W('开始', 'start'), x.start, y.start);
      c.value(`phases/${y.id}/end`, s, W('结束', 'end'), x.end, y.end);
    },
  );
  const tasks = (p: PlanData) => [...p.phases.flatMap((ph) => ph.tasks), ...p.unassigned];
  const phaseTitle = (p: PlanData, id: string | null) =>
    id === null ? c.w('未分配', 'unassigned') : (p.phases.find((ph) => ph.id === id)?.title ?? id);
  c.collection(
    'tasks',
    W('任务', 'task'),
    tasks(a),
    tasks(b),
    (t) => t.title,
    (x, y, s) => {
      const p = `tasks/${y.id}`;
      c.text(`${p}/title`, s, W('名称', 'title'), x.title, y.title);
      c.enumValue(`${p}/status`, s, W('状态', 'status'), 'taskStatus', x.status, y.status);
      c.value(`${p}/owner`, s, W('负责人', 'owner'), personName(x.owner), personName(y.owner));
      c.value(`${p}/due`, s, W('完成期限', 'due'), x.due, y.due);
      c.value(`${p}/serviceId`, s, W('惠民服务', 'service'), x.serviceId, y.serviceId);
      c.value(
        `${p}/phase`,
        s,
        W('阶段', 'phase'),
        phaseTitle(a, x.phaseId),
        phaseTitle(b, y.phaseId),
      );
      if (x.notes !== y.notes)
        c.longText(`${p}/notes`, W(`${s} 备注`, `notes of ${s}`), x.notes, y.notes);
    },
  );
}

function diffMinutes(c: Changes, a: MinutesData, b: MinutesData): void {
  c.text('title', '', W('标题', 'Title'), a.title, b.title);
  c.enumValue(
    'meetingType',
    '',
    W('会议类型', 'Meeting type'),
    'meetingType',
    a.meetingType,
    b.meetingType,
  );
  c.value('startsAt', '', W('时间', 'Time'), a.startsAt, b.startsAt, fmtDate);
  c.value('place', '', W('地点', 'Place'), a.place, b.place);
  c.value('chair', '', W('主持人', 'Chair'), personName(a.chair), personName(b.chair));
  c.value('recorder', '', W('记录人', 'Recorder'), personName(a.recorder), personName(b.recorder));
  c.value('groupId', '', W('党小组', 'Party group'), a.groupId, b.groupId);
  c.value('lecturer', '', W('授课人', 'Lecturer'), personName(a.lecturer), personName(b.lecturer));
  c.enumValue(
    'villagers/basis',
    '',
    W('会议组成', 'Convened by'),
    'villagerBasis',
    a.villagers?.basis ?? null,
    b.villagers?.basis ?? null,
  );
  c.value(
    'villagers/eligible',
    '',
    W('应到（村民或户）', 'Eligible'),
    a.villagers?.eligible ?? null,
    b.villagers?.eligible ?? null,
  );
  c.value(
    'villagers/present',
    '',
    W('实到（村民或户）', 'Present'),
    a.villagers?.present ?? null,
    b.villagers?.present ?? null,
  );
  if (a.state !== b.state) {
    c.add({
      path: 'state',
      op: 'changed',
      label:
        b.state === 'final'
          ? c.w('会议记录已定稿', 'minutes finalised')
          : c.w('会议记录已重新打开', 'minutes reopened'),
      before: a.state,
      after: b.state,
    });
  }
  c.longText('body', W('正文', 'Body'), a.bodyText, b.bodyText);
  const att = (m: MinutesData) => m.attendance.map((x) => ({ ...x, id: x.key }));
  c.collection(
    'attendance',
    W('参会人员', 'attendee'),
    att(a),
    att(b),
    (x) => x.person.name,
    (x, y, s) => {
      const state = (v: typeof x) =>
        v.present
          ? c.w('出席', 'present')
          : `${c.w('缺席', 'absent')} (${labelOf('absenceReason', v.absenceReason ?? 'other', c.locale)})`;
      c.value(`attendance/${y.id}`, s, W('出席', 'attendance'), state(x), state(y));
    },
  );
  c.collection(
    'agenda',
    W('议程', 'agenda item'),
    a.agenda,
    b.agenda,
    (x) => x.title,
    (x, y, s) => {
      c.text(`agenda/${y.id}/title`, s, W('名称', 'title'), x.title, y.title);
    },
  );
  c.collection(
    'votes',
    W('表决', 'vote'),
    a.votes,
    b.votes,
    (x) => x.motion,
    (x, y, s) => {
      c.text(`votes/${y.id}/motion`, s, W('事项', 'motion'), x.motion, y.motion);
      for (const k of ['for', 'against', 'abstain'] as const) {
        c.value(
          `votes/${y.id}/${k}`,
          s,
          { 'zh-CN': labelOf('voteChoice', k, 'zh-CN'), en: k },
          x.tally[k],
          y.tally[k],
        );
      }
      c.enumValue(
        `votes/${y.id}/outcome`,
        s,
        W('结果', 'outcome'),
        'voteOutcome',
        x.outcome,
        y.outcome,
      );
    },
  );
  c.collection(
    'decisions',
    W('决定', 'decision'),
    a.decisions,
    b.decisions,
    (x) => x.text,
    (x, y, s) => {
      c.text(`decisions/${y.id}/text`, s, W('内容', 'text'), x.text, y.text);
    },
  );
  c.collection(
    'actionItems',
    W('待办事项', 'action item'),
    a.actionItems,
    b.actionItems,
    (x) => x.what,
    (x, y, s) => {
      const p = `actionItems/${y.id}`;
      c.text(`${p}/what`, s, W('内容', 'text'), x.what, y.what);
      c.value(`${p}/owner`, s, W('负责人', 'owner'), personName(x.owner), personName(y.owner));
      c.value(`${p}/due`, s, W('完成期限', 'due'), x.due, y.due);
      if (!x.planTask && y.planTask) {
        c.add({
          path: `${p}/planTask`,
          op: 'added',
          label: `${s} ${c.w('已转为计划任务', 'turned into a plan task')}`,
          after: y.planTask.taskId,
        });
      }
    },
  );
}

function diffFeedback(c: Changes, a: FeedbackLogData, b: FeedbackLogData): void {
  c.text('title', '', W('标题', 'Title'), a.title, b.title);
  c.collection(
    'entries',
    W('民情', 'entry'),
    a.entries,
    b.entries,
    (e) => e.summary,
    (x, y, s) => {
      const p = `entries/${y.id}`;
      c.text(`${p}/summary`, s, W('内容', 'summary'), x.summary, y.summary);
      c.enumValue(`${p}/status`, s, W('状态', 'status'), 'feedbackStatus', x.status, y.status);
      c.enumValue(
        `${p}/category`,
        s,
        W('类别', 'category'),
        'feedbackCategory',
        x.category,
        y.category,
      );
      c.enumValue(
        `${p}/channel`,
        s,
        W('来源渠道', 'channel'),
        'feedbackChannel',
        x.channel,
        y.channel,
      );
      c.enumValue(`${p}/urgency`, s, W('紧急程度', 'urgency'), 'urgency', x.urgency, y.urgency);
      c.value(`${p}/source`, s, W('来源', 'source'), x.source, y.source);
      c.value(`${p}/dueAt`, s, W('办理期限', 'due'), x.dueAt, y.dueAt, fmtDate);
      const known = new Set(x.relays.map((r) => r.id));
      for (const r of y.relays) {
        if (known.has(r.id)) continue;
        c.add({
          path: `${p}/relays/${r.id}`,
          op: 'added',
          label: `${s} ${c.w('交办至', 'relayed to')} ${r.to}`,
          after: r.to,
        });
      }
      const responded = new Set(x.responses.map((r) => r.id));
      for (const r of y.responses) {
        if (responded.has(r.id)) continue;
        c.add({
          path: `${p}/responses/${r.id}`,
          op: 'added',
          label: `${s} ${c.w('新增办理情况', 'response added')}`,
          after: r.text,
        });
      }
    },
  );
}

function diffIndex(c: Changes, a: IndexData, b: IndexData): void {
  c.text('name', '', W('工作区名称', 'Workspace name'), a.name, b.name);
  if (JSON.stringify(a.cadence) !== JSON.stringify(b.cadence)) {
    c.enumValue(
      'cadence',
      '',
      W('三会一课节奏', 'Meeting cadence'),
      'cadencePreset',
      a.cadence.preset,
      b.cadence.preset,
    );
    if (a.cadence.preset === b.cadence.preset) {
      c.add({
        path: 'cadence/rules',
        op: 'changed',
        label: c.w('三会一课规则已修改', 'cadence rules changed'),
      });
    }
  }
  c.collection(
    'docs',
    W('文档', 'document'),
    a.docs,
    b.docs,
    (d) => d.title,
    (x, y, s) => {
      c.text(`docs/${y.id}/title`, s, W('名称', 'title'), x.title, y.title);
      if (x.archived !== y.archived) {
        c.add({
          path: `docs/${y.id}/archived`,
          op: 'changed',
          label: `${s} ${y.archived ? c.w('已归档', 'archived') : c.w('已取消归档', 'unarchived')}`,
          before: x.archived,
          after: y.archived,
        });
      }
    },
  );
  c.collection(
    'services',
    W('惠民服务', 'service'),
    a.services,
    b.services,
    (x) => x.name,
    (x, y, s) => {
      c.value(`services/${y.id}/name`, s, W('名称', 'name'), x.name, y.name);
      c.value(`services/${y.id}/archived`, s, W('归档', 'archived'), x.archived, y.archived);
    },
  );
  c.collection(
    'cases',
    W('决策事项', 'decision case'),
    a.cases,
    b.cases,
    (x) => x.title,
    (x, y, s) => {
      c.text(`cases/${y.id}/title`, s, W('名称', 'title'), x.title, y.title);
      const known = new Set(x.publications.map((p) => p.id));
      for (const p of y.publications) {
        if (known.has(p.id)) continue;
        c.add({
          path: `cases/${y.id}/publications/${p.id}`,
          op: 'added',
          label: `${s} ${labelOf('decisionStep', p.step, c.locale)} (${beijingDate(p.at)})`,
          after: p.step,
        });
      }
      const kept = new Set(y.publications.map((p) => p.id));
      for (const p of x.publications) {
        if (kept.has(p.id)) continue;
        c.add({
          path: `cases/${y.id}/publications/${p.id}`,
          op: 'removed',
          label: `${s} ${c.w('删除', 'removed')}${c.w('', ' ')}${labelOf('decisionStep', p.step, c.locale)} (${beijingDate(p.at)})`,
          before: p.step,
        });
      }
    },
  );
}

function diffRoster(c: Changes, a: RosterData, b: RosterData): void {
  c.text('title', '', W('标题', 'Title'), a.title, b.title);
  c.collection(
    'people',
    W('人员', 'person'),
    a.people,
    b.people,
    (p) => p.name,
    (x, y, s) => {
      c.value(`people/${y.id}/name`, s, W('姓名', 'name'), x.name, y.name);
      c.value(`people/${y.id}/memberId`, s, W('成员账号', 'member'), x.memberId, y.memberId);
    },
  );
  c.collection(
    'groups',
    W('党小组', 'party group'),
    a.groups,
    b.groups,
    (g) => g.name,
    (x, y, s) => {
      c.value(`groups/${y.id}/name`, s, W('名称', 'name'), x.name, y.name);
      c.value(`groups/${y.id}/formed`, s, W('成立日期', 'formed'), x.formed, y.formed);
      c.value(`groups/${y.id}/dissolved`, s, W('撤销日期', 'dissolved'), x.dissolved, y.dissolved);
    },
  );
  const names = new Map([...a.people, ...b.people].map((p) => [p.id, p.name]));
  const groups = new Map([...a.groups, ...b.groups].map((g) => [g.id, g.name]));
  const members = (r: RosterData) => r.memberships.map((m) => ({ ...m, id: m.key }));
  c.collection(
    'memberships',
    W('任职', 'membership'),
    members(a),
    members(b),
    (m) =>
      `${names.get(m.personId) ?? m.personId} · ${
        m.groupId ? (groups.get(m.groupId) ?? m.groupId) : labelOf('body', m.body, c.locale)
      }`,
    (x, y, s) => {
      const p = `memberships/${y.id}`;
      c.value(`${p}/joined`, s, W('加入日期', 'joined'), x.joined, y.joined);
      c.value(`${p}/left`, s, W('离开日期', 'left'), x.left, y.left);
      c.enumValue(`${p}/status`, s, W('党员类别', 'status'), 'partyStatus', x.status, y.status);
      c.value(`${p}/fullFrom`, s, W('转正日期', 'full member from'), x.fullFrom, y.fullFrom);
      c.enumValue(`${p}/office`, s, W('职务', 'office'), 'office', x.office, y.office);
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

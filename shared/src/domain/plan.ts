/**
 * Phase plan (阶段性工作计划): a title, a village, a period, ordered phases with goals, and tasks.
 *
 * Y layout (private; root names below):
 * - `meta`   Y.Map  kind, schemaVersion, createdAt
 * - `plan`   Y.Map  title: Y.Text, village: Y.Text (a plain string in docs written before; read
 *            as text, turned into a Y.Text on the first write), periodStart, periodEnd
 * - `phases` Y.Map<phaseId, Y.Map> title: Y.Text, goals: Y.Text, start, end, order
 * - `tasks`  Y.Map<taskId, Y.Map>  phaseId, title: Y.Text, notes: Y.Text, owner, status, due,
 *            serviceId, createdAt, order, source
 * - `notes`  Y.XmlFragment (PLAN_NOTES_FIELD) bound to the Tiptap editor
 *
 * Concurrency rules (SPEC.md):
 * - PLAN-1 tasks and phases live in maps keyed by random ids: concurrent additions are all kept.
 * - PLAN-2 order is a fractional `order` number per item, ties broken by id: concurrent moves of
 *   one item resolve to one position (last writer by Yjs' deterministic rule), never duplicates.
 * - PLAN-3 titles, the village, goals and task notes are Y.Text: concurrent edits of one title
 *   merge as text.
 * - PLAN-4 tasks are stored flat with a `phaseId`. Removing a phase unassigns (or, on request,
 *   deletes) the tasks the remover could see; a task added to that phase concurrently on another
 *   device is kept and shown in the `unassigned` bucket. Nobody's task vanishes unseen.
 *   Edits made concurrently to the removed phase itself (title, goals, position) are lost with it.
 * - PLAN-5 status, owner, due date and service link are single values: two concurrent changes
 *   resolve to the same winner on every device (Yjs map rule: the higher client id wins).
 */
import * as Y from 'yjs';
import { DomainError } from './DomainError.ts';
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
  readableDoc,
  setText,
  stampMeta,
  stringOr,
  textField,
} from './doc.ts';
import { newId } from './ids.ts';
import { type OpOptions, Origins } from './origins.ts';
import {
  Limits,
  type Person,
  type Phase,
  type PlanData,
  TASK_STATUSES,
  type Task,
  type TaskStatus,
} from './schema.ts';
import { DAY_MS, endOfBeijingDate, isCalendarDate, startOfBeijingDate } from './time.ts';

export const PLAN_ROOT = 'plan';
export const PLAN_PHASES_ROOT = 'phases';
export const PLAN_TASKS_ROOT = 'tasks';
/** Name of the plan's rich-text notes fragment: `doc.getXmlFragment(PLAN_NOTES_FIELD)`. */
export const PLAN_NOTES_FIELD = 'notes';

/** Plans have had one layout so far. */
export const PLAN_MIGRATIONS: readonly Migration[] = [];

/** The schema version plans are written with. */
export const PLAN_SCHEMA_VERSION = 1;

export const PLAN_VERSIONING: KindVersioning<'plan'> = {
  kind: 'plan',
  schemaVersion: PLAN_SCHEMA_VERSION,
  migrations: PLAN_MIGRATIONS,
};

const roots = (doc: Y.Doc) => ({
  plan: doc.getMap<unknown>(PLAN_ROOT),
  phases: doc.getMap<unknown>(PLAN_PHASES_ROOT),
  tasks: doc.getMap<unknown>(PLAN_TASKS_ROOT),
});

const write = makeWriter(PLAN_VERSIONING);

function checkDate(value: string | null, field: string): void {
  if (value !== null && !isCalendarDate(value)) {
    throw new DomainError('invalid', `${field} must be a calendar day YYYY-MM-DD`, 'calendarDay');
  }
}

function checkPerson(p: Person | null, field: string): void {
  if (p === null) return;
  if (!p.name.trim()) throw new DomainError('invalid', `${field} needs a name`, 'nameRequired');
  checkLength(p.name, Limits.nameChars, field);
}

const plainPerson = (p: Person | null): Person | null =>
  p === null
    ? null
    : p.memberId
      ? { name: p.name.trim(), memberId: p.memberId }
      : { name: p.name.trim() };

export type PlanInit = {
  title: string;
  village?: string;
  periodStart?: string | null;
  periodEnd?: string | null;
  createdAt?: number;
};

/** Fills an empty doc as a plan. */
export function initPlan(doc: Y.Doc, init: PlanInit, opts?: OpOptions): void {
  checkLength(init.title, Limits.titleChars, 'title');
  checkDate(init.periodStart ?? null, 'periodStart');
  checkDate(init.periodEnd ?? null, 'periodEnd');
  checkSpan(init.periodStart, init.periodEnd);
  const origin = opts?.origin ?? Origins.local;
  doc.transact(() => {
    stampMeta(doc, PLAN_VERSIONING, origin, init.createdAt ?? Date.now());
    const { plan } = roots(doc);
    setText(ensureText(plan, 'title'), init.title);
    plan.set('village', newText(init.village ?? ''));
    plan.set('periodStart', init.periodStart ?? null);
    plan.set('periodEnd', init.periodEnd ?? null);
  }, origin);
}

export function setPlanTitle(doc: Y.Doc, title: string, opts?: OpOptions): void {
  checkLength(title, Limits.titleChars, 'title');
  write(doc, opts, () => setText(ensureText(roots(doc).plan, 'title'), title));
}

/** Sets the village name and the plan's period (calendar days, Beijing time). */
export function setPlanFields(
  doc: Y.Doc,
  fields: { village?: string; periodStart?: string | null; periodEnd?: string | null },
  opts?: OpOptions,
): void {
  if (fields.village !== undefined) checkLength(fields.village, Limits.nameChars, 'village');
  if (fields.periodStart !== undefined) checkDate(fields.periodStart, 'periodStart');
  if (fields.periodEnd !== undefined) checkDate(fields.periodEnd, 'periodEnd');
  // Only a change of a date is judged: a period two devices merged into an end before its start
  // must not block changing the village's name.
  if (fields.periodStart !== undefined || fields.periodEnd !== undefined) {
    const current = roots(doc).plan;
    checkSpan(
      fields.periodStart !== undefined ? fields.periodStart : current.get('periodStart'),
      fields.periodEnd !== undefined ? fields.periodEnd : current.get('periodEnd'),
    );
  }
  write(doc, opts, () => {
    const { plan } = roots(doc);
    if (fields.village !== undefined) setText(ensureText(plan, 'village'), fields.village);
    if (fields.periodStart !== undefined) plan.set('periodStart', fields.periodStart);
    if (fields.periodEnd !== undefined) plan.set('periodEnd', fields.periodEnd);
  });
}

type Ordered = { id: string; order: number };

function orderedPhases(doc: Y.Doc): Ordered[] {
  const out: Ordered[] = [];
  roots(doc).phases.forEach((v, id) => {
    if (v instanceof Y.Map) out.push({ id, order: numberOr(v.get('order'), 0) });
  });
  return out.sort(byOrder);
}

function liveTaskPhase(doc: Y.Doc, task: Y.Map<unknown>): string | null {
  const phaseId = stringOr(task.get('phaseId'), null);
  return phaseId !== null && roots(doc).phases.get(phaseId) instanceof Y.Map ? phaseId : null;
}

function orderedTasks(doc: Y.Doc, phaseId: string | null, exclude?: string): Ordered[] {
  const out: Ordered[] = [];
  roots(doc).tasks.forEach((v, id) => {
    if (!(v instanceof Y.Map) || id === exclude) return;
    if (liveTaskPhase(doc, v as Y.Map<unknown>) === phaseId) {
      out.push({ id, order: numberOr(v.get('order'), 0) });
    }
  });
  return out.sort(byOrder);
}

/** Order value that puts an item at `index` of `siblings` (which exclude the item itself). */
function orderAt(siblings: Ordered[], index: number | undefined): number {
  const i = index === undefined ? siblings.length : Math.max(0, Math.min(index, siblings.length));
  return orderBetween(siblings[i - 1]?.order ?? null, siblings[i]?.order ?? null);
}

export type PhaseInput = {
  title: string;
  goals?: string;
  start?: string | null;
  end?: string | null;
  /** Position among phases; default last. */
  index?: number;
  /** Fixed id (deterministic demo data); default random. */
  id?: string;
};

/** Adds a phase and returns its id. */
export function addPhase(doc: Y.Doc, input: PhaseInput, opts?: OpOptions): string {
  checkLength(input.title, Limits.titleChars, 'phase title');
  checkLength(input.goals ?? '', Limits.goalsChars, 'goals');
  checkDate(input.start ?? null, 'start');
  checkDate(input.end ?? null, 'end');
  checkSpan(input.start, input.end);
  checkCount(roots(doc).phases.size, Limits.phasesPerPlan, 'phases');
  const id = input.id ?? newId();
  write(doc, opts, () => {
    const phase = new Y.Map<unknown>();
    phase.set('title', newText(input.title));
    phase.set('goals', newText(input.goals ?? ''));
    phase.set('start', input.start ?? null);
    phase.set('end', input.end ?? null);
    phase.set('order', orderAt(orderedPhases(doc), input.index));
    roots(doc).phases.set(id, phase);
  });
  return id;
}

/** Moves a phase to `index` in the phase order (PLAN-2). */
export function movePhase(doc: Y.Doc, phaseId: string, index: number, opts?: OpOptions): void {
  const phase = childMap(roots(doc).phases, phaseId, 'phase');
  write(doc, opts, () => {
    const siblings = orderedPhases(doc).filter((p) => p.id !== phaseId);
    phase.set('order', orderAt(siblings, index));
  });
}

/**
 * Removes a phase (PLAN-4). Its tasks go to the unassigned bucket, or are deleted with
 * `{ deleteTasks: true }`. Tasks added to it concurrently elsewhere end up unassigned.
 */
export function removePhase(
  doc: Y.Doc,
  phaseId: string,
  options: { deleteTasks?: boolean } & OpOptions = {},
): void {
  childMap(roots(doc).phases, phaseId, 'phase');
  write(doc, options, () => {
    const { phases, tasks } = roots(doc);
    const unassigned = orderedTasks(doc, null);
    let next = (unassigned[unassigned.length - 1]?.order ?? 0) + 1;
    for (const t of orderedTasks(doc, phaseId)) {
      if (options.deleteTasks) tasks.delete(t.id);
      else {
        const task = tasks.get(t.id) as Y.Map<unknown>;
        task.set('phaseId', null);
        task.set('order', next++);
      }
    }
    phases.delete(phaseId);
  });
}

export function setPhaseTitle(doc: Y.Doc, phaseId: string, title: string, opts?: OpOptions): void {
  checkLength(title, Limits.titleChars, 'phase title');
  const phase = childMap(roots(doc).phases, phaseId, 'phase');
  write(doc, opts, () => setText(ensureText(phase, 'title'), title));
}

/** Sets a phase's goals (one goal per line; merges with concurrent edits as text). */
export function setPhaseGoals(doc: Y.Doc, phaseId: string, goals: string, opts?: OpOptions): void {
  checkLength(goals, Limits.goalsChars, 'goals');
  const phase = childMap(roots(doc).phases, phaseId, 'phase');
  write(doc, opts, () => setText(ensureText(phase, 'goals'), goals));
}

/**
 * PLAN-8: a span (the plan's period, a phase) does not end before it starts. Checked against what
 * the doc holds for the end not being changed; days compare as `YYYY-MM-DD` text.
 */
function checkSpan(start: unknown, end: unknown): void {
  if (typeof start === 'string' && typeof end === 'string' && end < start) {
    throw new DomainError('invalid', `ends ${end}, before it starts ${start}`, 'endBeforeStart');
  }
}

export function setPhaseDates(
  doc: Y.Doc,
  phaseId: string,
  dates: { start?: string | null; end?: string | null },
  opts?: OpOptions,
): void {
  if (dates.start !== undefined) checkDate(dates.start, 'start');
  if (dates.end !== undefined) checkDate(dates.end, 'end');
  const phase = childMap(roots(doc).phases, phaseId, 'phase');
  checkSpan(
    dates.start !== undefined ? dates.start : phase.get('start'),
    dates.end !== undefined ? dates.end : phase.get('end'),
  );
  write(doc, opts, () => {
    if (dates.start !== undefined) phase.set('start', dates.start);
    if (dates.end !== undefined) phase.set('end', dates.end);
  });
}

export type TaskInput = {
  /** The phase to add it to; null for the unassigned bucket. */
  phaseId: string | null;
  title: string;
  owner?: Person | null;
  status?: TaskStatus;
  due?: string | null;
  serviceId?: string | null;
  notes?: string;
  index?: number;
  id?: string;
  createdAt?: number;
  source?: { docId: string; actionItemId: string } | null;
};

/** Adds a task and returns its id. An existing id is overwritten (used by MIN-8's idempotent conversion). */
export function addTask(doc: Y.Doc, input: TaskInput, opts?: OpOptions): string {
  checkLength(input.title, Limits.titleChars, 'task title');
  checkLength(input.notes ?? '', Limits.taskNotesChars, 'task notes');
  checkPerson(input.owner ?? null, 'owner');
  checkDate(input.due ?? null, 'due');
  if (input.phaseId !== null) childMap(roots(doc).phases, input.phaseId, 'phase');
  checkCount(roots(doc).tasks.size, Limits.tasksPerPlan, 'tasks');
  const id = input.id ?? newId();
  write(doc, opts, () => {
    const task = new Y.Map<unknown>();
    task.set('phaseId', input.phaseId);
    task.set('title', newText(input.title));
    task.set('notes', newText(input.notes ?? ''));
    task.set('owner', plainPerson(input.owner ?? null));
    task.set('status', oneOf(TASK_STATUSES, input.status, 'todo'));
    task.set('due', input.due ?? null);
    task.set('serviceId', input.serviceId ?? null);
    task.set('createdAt', input.createdAt ?? Date.now());
    task.set('order', orderAt(orderedTasks(doc, input.phaseId, id), input.index));
    task.set('source', input.source ?? null);
    roots(doc).tasks.set(id, task);
  });
  return id;
}

function taskMap(doc: Y.Doc, taskId: string): Y.Map<unknown> {
  return childMap(roots(doc).tasks, taskId, 'task');
}

/** Moves a task to another phase (or null: unassigned) and/or position. */
export function moveTask(
  doc: Y.Doc,
  taskId: string,
  to: { phaseId: string | null; index?: number },
  opts?: OpOptions,
): void {
  const task = taskMap(doc, taskId);
  if (to.phaseId !== null) childMap(roots(doc).phases, to.phaseId, 'phase');
  write(doc, opts, () => {
    task.set('phaseId', to.phaseId);
    task.set('order', orderAt(orderedTasks(doc, to.phaseId, taskId), to.index));
  });
}

export function removeTask(doc: Y.Doc, taskId: string, opts?: OpOptions): void {
  taskMap(doc, taskId);
  write(doc, opts, () => roots(doc).tasks.delete(taskId));
}

export function setTaskTitle(doc: Y.Doc, taskId: string, title: string, opts?: OpOptions): void {
  checkLength(title, Limits.titleChars, 'task title');
  const task = taskMap(doc, taskId);
  write(doc, opts, () => setText(ensureText(task, 'title'), title));
}

export function setTaskNotes(doc: Y.Doc, taskId: string, notes: string, opts?: OpOptions): void {
  checkLength(notes, Limits.taskNotesChars, 'task notes');
  const task = taskMap(doc, taskId);
  write(doc, opts, () => setText(ensureText(task, 'notes'), notes));
}

/** Assigns the task's owner (usually a village cadre: the credit goes to the village). */
export function assignOwner(
  doc: Y.Doc,
  taskId: string,
  owner: Person | null,
  opts?: OpOptions,
): void {
  checkPerson(owner, 'owner');
  const task = taskMap(doc, taskId);
  write(doc, opts, () => task.set('owner', plainPerson(owner)));
}

export function setTaskStatus(
  doc: Y.Doc,
  taskId: string,
  status: TaskStatus,
  opts?: OpOptions,
): void {
  if (!(TASK_STATUSES as readonly string[]).includes(status)) {
    throw new DomainError('invalid', `unknown task status ${status}`);
  }
  const task = taskMap(doc, taskId);
  write(doc, opts, () => task.set('status', status));
}

export function setDueDate(doc: Y.Doc, taskId: string, due: string | null, opts?: OpOptions): void {
  checkDate(due, 'due');
  const task = taskMap(doc, taskId);
  write(doc, opts, () => task.set('due', due));
}

/** Ties a task to a service of the workspace's 8+1 list (null unties it). */
export function linkTaskToService(
  doc: Y.Doc,
  taskId: string,
  serviceId: string | null,
  opts?: OpOptions,
): void {
  const task = taskMap(doc, taskId);
  write(doc, opts, () => task.set('serviceId', serviceId));
}

/** True when the doc has a task with this id (MIN-8 uses it to keep conversion idempotent). */
export function hasTask(doc: Y.Doc, taskId: string): boolean {
  return roots(doc).tasks.get(taskId) instanceof Y.Map;
}

function readPerson(v: unknown): Person | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.name !== 'string') return null;
  return typeof o.memberId === 'string' ? { name: o.name, memberId: o.memberId } : { name: o.name };
}

function readSource(v: unknown): Task['source'] {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  return typeof o.docId === 'string' && typeof o.actionItemId === 'string'
    ? { docId: o.docId, actionItemId: o.actionItemId }
    : null;
}

/** Plain data of a plan (passes `planSchema`). Never writes; an older doc is read through an upgraded copy. */
export function readPlan(source: Y.Doc): PlanData {
  const doc = readableDoc(source, PLAN_VERSIONING);
  const { plan, phases, tasks } = roots(doc);
  const meta = doc.getMap<unknown>('meta');
  const phaseList: (Phase & { order: number })[] = [];
  phases.forEach((v, id) => {
    if (!(v instanceof Y.Map)) return;
    const m = v as Y.Map<unknown>;
    phaseList.push({
      id,
      title: textField(m, 'title'),
      goals: textField(m, 'goals'),
      start: stringOr(m.get('start'), null),
      end: stringOr(m.get('end'), null),
      tasks: [],
      order: numberOr(m.get('order'), 0),
    });
  });
  phaseList.sort(byOrder);
  const byId = new Map(phaseList.map((p) => [p.id, p]));
  const taskList: (Task & { order: number })[] = [];
  tasks.forEach((v, id) => {
    if (!(v instanceof Y.Map)) return;
    const m = v as Y.Map<unknown>;
    const phaseId = stringOr(m.get('phaseId'), null);
    taskList.push({
      id,
      phaseId: phaseId !== null && byId.has(phaseId) ? phaseId : null,
      title: textField(m, 'title'),
      owner: readPerson(m.get('owner')),
      status: oneOf(TASK_STATUSES, m.get('status'), 'todo'),
      due: stringOr(m.get('due'), null),
      serviceId: stringOr(m.get('serviceId'), null),
      notes: textField(m, 'notes'),
      createdAt: numberOr(m.get('createdAt'), 0),
      source: readSource(m.get('source')),
      order: numberOr(m.get('order'), 0),
    });
  });
  taskList.sort(byOrder);
  const unassigned: Task[] = [];
  for (const { order: _order, ...task } of taskList) {
    const phase = task.phaseId === null ? undefined : byId.get(task.phaseId);
    if (phase) phase.tasks.push(task);
    else unassigned.push(task);
  }
  return {
    kind: 'plan',
    meta: { schemaVersion: numberOr(meta.get('schemaVersion'), 0) },
    title: textField(plan, 'title'),
    village: textField(plan, 'village'),
    periodStart: stringOr(plan.get('periodStart'), null),
    periodEnd: stringOr(plan.get('periodEnd'), null),
    phases: phaseList.map(({ order: _order, ...p }) => p),
    unassigned,
    notesText: fragmentText(doc.getXmlFragment(PLAN_NOTES_FIELD)),
  };
}

export type PhaseProgress = {
  phaseId: string | null;
  total: number;
  done: number;
  /** Done over total, leaving dropped tasks out; 0 when the phase has no open work. */
  ratio: number;
};

/**
 * PLAN-9: how many Beijing days a task is past its due day (1 on the day after it), 0 when it is
 * not: a task without a due day, done or dropped never is. The plan, the dashboard and the ledger
 * count the same.
 */
export function taskOverdueDays(task: Pick<Task, 'due' | 'status'>, now: number): number {
  if (task.due === null || task.status === 'done' || task.status === 'dropped') return 0;
  if (!isCalendarDate(task.due)) return 0;
  const late = now - endOfBeijingDate(task.due);
  return late < 0 ? 0 : Math.floor(late / DAY_MS) + 1;
}

/**
 * PLAN-11: a task's due day outside its phase's period (before its start or after its end) is
 * allowed, and said beside the task: a task due in November filed under a phase of January to
 * March passed unremarked. Only a bound the phase has is judged; no due day is never outside.
 */
export function isDueOutsidePhase(
  due: string | null,
  phase: { start: string | null; end: string | null },
): boolean {
  if (due === null || !isCalendarDate(due)) return false;
  return (phase.start !== null && due < phase.start) || (phase.end !== null && due > phase.end);
}

/**
 * PLAN-10: the phases that show their fields and tasks when the plan opens; the others show one
 * line each (title, period, progress, overdue count), so that a year's plan on a phone reads as
 * the work at hand. Open: a phase with no task yet (being planned) and a phase whose period takes
 * in today (a missing or unreadable start or end leaves that side open). When no phase with tasks
 * is current (the plan is over, or between phases), the phases with an overdue task or with work
 * left in a period that is over are open instead. The rest is folded.
 */
export function phasesOpenAtFirst(
  phases: readonly (Pick<Phase, 'id' | 'start' | 'end'> & {
    tasks: readonly Pick<Task, 'due' | 'status'>[];
  })[],
  now: number,
): Set<string> {
  const day = (d: string | null) => (d !== null && isCalendarDate(d) ? d : null);
  const hasBegun = (p: (typeof phases)[number]) => {
    const start = day(p.start);
    return start === null || startOfBeijingDate(start) <= now;
  };
  const hasEnded = (p: (typeof phases)[number]) => {
    const end = day(p.end);
    return end !== null && endOfBeijingDate(end) < now;
  };
  const isCurrent = (p: (typeof phases)[number]) => hasBegun(p) && !hasEnded(p);
  const open = new Set(phases.filter((p) => p.tasks.length === 0 || isCurrent(p)).map((p) => p.id));
  if (phases.some((p) => p.tasks.length > 0 && isCurrent(p))) return open;
  for (const p of phases) {
    const late = p.tasks.some((task) => taskOverdueDays(task, now) > 0);
    const left = hasEnded(p) && p.tasks.some((t) => t.status !== 'done' && t.status !== 'dropped');
    if (late || left) open.add(p.id);
  }
  return open;
}

/** Progress per phase (PLAN-6): dropped tasks count neither as done nor as work; `null` is unassigned. */
export function planProgress(plan: PlanData): PhaseProgress[] {
  const of = (phaseId: string | null, tasks: Task[]): PhaseProgress => {
    const counted = tasks.filter((t) => t.status !== 'dropped');
    const done = counted.filter((t) => t.status === 'done').length;
    return {
      phaseId,
      total: counted.length,
      done,
      ratio: counted.length ? done / counted.length : 0,
    };
  };
  const out = plan.phases.map((p) => of(p.id, p.tasks));
  if (plan.unassigned.length) out.push(of(null, plan.unassigned));
  return out;
}

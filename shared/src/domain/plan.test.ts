import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DomainError, ReadOnlyDocError } from './DomainError.ts';
import { createDoc } from './doc.ts';
import { Origins } from './origins.ts';
import {
  addPhase,
  addTask,
  assignOwner,
  initPlan,
  isDueOutsidePhase,
  linkTaskToService,
  movePhase,
  moveTask,
  PLAN_NOTES_FIELD,
  phasesOpenAtFirst,
  planProgress,
  readPlan,
  removePhase,
  removeTask,
  setDueDate,
  setPhaseDates,
  setPhaseGoals,
  setPlanFields,
  setPlanTitle,
  setTaskNotes,
  setTaskStatus,
  setTaskTitle,
  taskOverdueDays,
} from './plan.ts';
import { planSchema } from './schema.ts';
import { mergeInEveryOrder, replicas } from './test-utils.ts';

function basePlan() {
  const doc = createDoc({ clientID: 100 });
  initPlan(doc, { title: '2025年阶段性工作计划', village: '幸福村', createdAt: 1 });
  const p1 = addPhase(doc, { title: '第一季度', goals: '摸清村情' });
  const p2 = addPhase(doc, { title: '第二季度' });
  const t1 = addTask(doc, { phaseId: p1, title: '入户走访全覆盖', createdAt: 2 });
  return { doc, p1, p2, t1 };
}

describe('plan model', () => {
  it('PLAN-0 reads plain data that passes the schema, with phases, tasks and notes', () => {
    const { doc, p1, t1 } = basePlan();
    assignOwner(doc, t1, { name: '阿依古丽', memberId: 'm1' });
    setDueDate(doc, t1, '2025-03-31');
    linkTaskToService(doc, t1, 'svc-1');
    setTaskNotes(doc, t1, '先走访三组');
    const frag = doc.getXmlFragment(PLAN_NOTES_FIELD);
    const para = new Y.XmlElement('paragraph');
    para.insert(0, [new Y.XmlText('重点：人居环境整治')]);
    frag.insert(0, [para]);
    const data = readPlan(doc);
    expect(planSchema.parse(data)).toEqual(data);
    expect(data.title).toBe('2025年阶段性工作计划');
    expect(data.phases.map((p) => p.title)).toEqual(['第一季度', '第二季度']);
    expect(data.phases[0]!.goals).toBe('摸清村情');
    expect(data.phases[0]!.tasks[0]).toMatchObject({
      id: t1,
      phaseId: p1,
      owner: { name: '阿依古丽', memberId: 'm1' },
      due: '2025-03-31',
      serviceId: 'svc-1',
      notes: '先走访三组',
      status: 'todo',
    });
    expect(data.notesText).toBe('重点：人居环境整治');
  });

  it('PLAN-0 every operation runs in one transaction with the given origin', () => {
    const { doc, t1 } = basePlan();
    const origins: unknown[] = [];
    doc.on('update', (_u: Uint8Array, origin: unknown) => origins.push(origin));
    setTaskStatus(doc, t1, 'doing');
    setTaskStatus(doc, t1, 'done', { origin: Origins.restore });
    expect(origins).toEqual(['local', 'restore']);
  });

  it('PLAN-0 rejects over-long titles and unknown phases with typed errors', () => {
    const { doc } = basePlan();
    expect(() => setPlanTitle(doc, 'x'.repeat(201))).toThrow(/limit is 200/);
    expect(() => addTask(doc, { phaseId: 'nope', title: 'x' })).toThrow(/phase nope not found/);
  });

  it('PLAN-1 tasks added concurrently on three devices are all kept, in every merge order', () => {
    const { doc, p1 } = basePlan();
    const [a, b, c] = replicas(doc, 3) as [Y.Doc, Y.Doc, Y.Doc];
    addTask(a, { phaseId: p1, title: '修水渠' });
    addTask(b, { phaseId: p1, title: '建文化室' });
    addTask(c, { phaseId: p1, title: '培训电商' });
    const merged = mergeInEveryOrder(doc, [a, b, c]);
    const expected = readPlan(merged[0]!);
    expect(expected.phases[0]!.tasks.map((t) => t.title).sort()).toEqual(
      ['修水渠', '入户走访全覆盖', '培训电商', '建文化室'].sort(),
    );
    for (const m of merged) expect(readPlan(m)).toEqual(expected);
  });

  it('PLAN-2 moving a phase reorders it; concurrent moves of one phase give one position everywhere', () => {
    const { doc, p1, p2 } = basePlan();
    const p3 = addPhase(doc, { title: '第三季度' });
    movePhase(doc, p3, 0);
    expect(readPlan(doc).phases.map((p) => p.id)).toEqual([p3, p1, p2]);
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    movePhase(a, p3, 2);
    movePhase(b, p3, 1);
    const merged = mergeInEveryOrder(doc, [a, b]);
    const first = readPlan(merged[0]!).phases.map((p) => p.id);
    expect(first).toHaveLength(3);
    expect(new Set(first).size).toBe(3);
    for (const m of merged) expect(readPlan(m).phases.map((p) => p.id)).toEqual(first);
  });

  it('PLAN-2 moveTask puts a task into another phase at a position', () => {
    const { doc, p1, p2, t1 } = basePlan();
    const t2 = addTask(doc, { phaseId: p2, title: '甲' });
    moveTask(doc, t1, { phaseId: p2, index: 0 });
    const data = readPlan(doc);
    expect(data.phases[0]!.tasks).toEqual([]);
    expect(data.phases[1]!.tasks.map((t) => t.id)).toEqual([t1, t2]);
    expect(data.phases.find((p) => p.id === p1)!.tasks).toHaveLength(0);
  });

  it('PLAN-3 two offline edits of one task title merge as text', () => {
    const { doc, t1 } = basePlan();
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    setTaskTitle(a, t1, '三月底前入户走访全覆盖');
    setTaskTitle(b, t1, '入户走访全覆盖（含外出户）');
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      expect(readPlan(m).phases[0]!.tasks[0]!.title).toBe('三月底前入户走访全覆盖（含外出户）');
    }
  });

  it('PLAN-3 two offline edits of the plan title and goals merge as text', () => {
    const { doc, p1 } = basePlan();
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    setPlanTitle(a, '幸福村2025年阶段性工作计划');
    setPlanTitle(b, '2025年阶段性工作计划（修订）');
    setPhaseGoals(a, p1, '摸清村情\n建强班子');
    setPhaseGoals(b, p1, '全面摸清村情');
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      const data = readPlan(m);
      expect(data.title).toBe('幸福村2025年阶段性工作计划（修订）');
      expect(data.phases[0]!.goals).toBe('全面摸清村情\n建强班子');
    }
  });

  it('PLAN-3 two offline edits of the village merge as text, an old plain string reads as text', () => {
    const { doc } = basePlan();
    doc.getMap('plan').set('village', '幸福村');
    expect(readPlan(doc).village).toBe('幸福村');
    // The first write turns the old string into a Y.Text; edits after it merge as text.
    setPlanFields(doc, { village: '幸福村' });
    const [a2, b2] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    setPlanFields(a2, { village: '东山幸福村' });
    setPlanFields(b2, { village: '幸福村一组' });
    expect(a2.getMap('plan').get('village')).toBeInstanceOf(Y.Text);
    for (const m of mergeInEveryOrder(doc, [a2, b2]))
      expect(readPlan(m).village).toBe('东山幸福村一组');
  });

  it('PLAN-8 a phase or the plan does not end before it starts', () => {
    const doc = createDoc();
    initPlan(doc, { title: '计划', periodStart: '2026-01-01', periodEnd: '2026-12-31' });
    const refused = (f: () => void) => {
      try {
        f();
      } catch (error) {
        return error instanceof DomainError ? error.reason : String(error);
      }
      return null;
    };
    expect(
      refused(() => addPhase(doc, { title: 'x', start: '2026-12-20', end: '2026-12-01' })),
    ).toBe('endBeforeStart');
    const phase = addPhase(doc, { title: '冬季', start: '2026-12-01', end: '2026-12-20' });
    expect(refused(() => setPhaseDates(doc, phase, { end: '2026-11-30' }))).toBe('endBeforeStart');
    expect(refused(() => setPhaseDates(doc, phase, { start: '2026-12-21' }))).toBe(
      'endBeforeStart',
    );
    expect(refused(() => setPlanFields(doc, { periodEnd: '2025-12-31' }))).toBe('endBeforeStart');
    // Moving the whole phase later, end first, and a day on both ends are fine.
    setPhaseDates(doc, phase, { end: '2027-01-10' });
    setPhaseDates(doc, phase, { start: '2027-01-10' });
    setPhaseDates(doc, phase, { start: '2027-01-01', end: null });
    expect(readPlan(doc).phases.map((p) => [p.start, p.end])).toEqual([['2027-01-01', null]]);
    // A period merged into an end before its start does not block a change of the village.
    doc.getMap('plan').set('periodEnd', '2025-06-30');
    setPlanFields(doc, { village: '阳光村' });
    expect(refused(() => setPlanFields(doc, { periodStart: '2026-02-01' }))).toBe('endBeforeStart');
  });

  it('PLAN-4 a task added to a phase that another device removed survives as unassigned', () => {
    const { doc, p1, t1 } = basePlan();
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    removePhase(a, p1);
    const t2 = addTask(b, { phaseId: p1, title: '新增：修村道' });
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      const data = readPlan(m);
      expect(data.phases.map((p) => p.id)).not.toContain(p1);
      expect(data.unassigned.map((t) => t.id).sort()).toEqual([t1, t2].sort());
      expect(data.unassigned.every((t) => t.phaseId === null)).toBe(true);
      expect(planSchema.safeParse(data).success).toBe(true);
    }
  });

  it('PLAN-4 removing a phase with deleteTasks deletes the tasks the remover saw, not concurrent ones', () => {
    const { doc, p1, t1 } = basePlan();
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    removePhase(a, p1, { deleteTasks: true });
    const t2 = addTask(b, { phaseId: p1, title: '新增' });
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      const data = readPlan(m);
      expect(data.unassigned.map((t) => t.id)).toEqual([t2]);
      expect(JSON.stringify(data)).not.toContain(t1);
    }
  });

  it('PLAN-5 two concurrent status changes resolve to one deterministic winner on every device', () => {
    const { doc, t1 } = basePlan();
    const [a, b, c] = replicas(doc, 3) as [Y.Doc, Y.Doc, Y.Doc];
    setTaskStatus(a, t1, 'done');
    setTaskStatus(b, t1, 'blocked');
    setTaskStatus(c, t1, 'doing');
    const statuses = mergeInEveryOrder(doc, [a, b, c]).map(
      (m) => readPlan(m).phases[0]!.tasks[0]!.status,
    );
    expect(new Set(statuses).size).toBe(1);
    // Yjs map rule: the highest client id wins; replica c has client id 3.
    expect(statuses[0]).toBe('doing');
  });

  it('PLAN-5 removing a task wins over a concurrent status change', () => {
    const { doc, t1 } = basePlan();
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    removeTask(a, t1);
    setTaskStatus(b, t1, 'done');
    for (const m of mergeInEveryOrder(doc, [a, b]))
      expect(readPlan(m).phases[0]!.tasks).toEqual([]);
  });

  it('PLAN-6 progress per phase counts done over open work, leaving dropped tasks out', () => {
    const { doc, p1, p2, t1 } = basePlan();
    const t2 = addTask(doc, { phaseId: p1, title: 'b' });
    const t3 = addTask(doc, { phaseId: p1, title: 'c' });
    setTaskStatus(doc, t1, 'done');
    setTaskStatus(doc, t2, 'dropped');
    setTaskStatus(doc, t3, 'doing');
    expect(planProgress(readPlan(doc))).toEqual([
      { phaseId: p1, total: 2, done: 1, ratio: 0.5 },
      { phaseId: p2, total: 0, done: 0, ratio: 0 },
    ]);
  });

  it('DOC-3 operations on a plan from a newer schema version throw ReadOnlyDocError and write nothing', () => {
    const { doc, t1 } = basePlan();
    doc.getMap('meta').set('schemaVersion', 99);
    const before = Y.encodeStateVector(doc);
    expect(() => setTaskStatus(doc, t1, 'done')).toThrow(ReadOnlyDocError);
    expect(Y.encodeStateVector(doc)).toEqual(before);
    expect(readPlan(doc).phases[0]!.tasks[0]!.status).toBe('todo');
  });
});

describe('a due day outside its phase (PLAN-11)', () => {
  const q1 = { start: '2027-01-01', end: '2027-03-31' };
  it('is before the start or after the end; the bounds themselves are inside', () => {
    expect(isDueOutsidePhase('2026-11-30', q1)).toBe(true);
    expect(isDueOutsidePhase('2027-04-01', q1)).toBe(true);
    expect(isDueOutsidePhase('2027-01-01', q1)).toBe(false);
    expect(isDueOutsidePhase('2027-03-31', q1)).toBe(false);
    expect(isDueOutsidePhase('2027-02-15', q1)).toBe(false);
  });
  it('only the bounds a phase has count; no due day (or no date) is never outside', () => {
    expect(isDueOutsidePhase('2026-11-30', { start: null, end: '2027-03-31' })).toBe(false);
    expect(isDueOutsidePhase('2027-04-01', { start: null, end: '2027-03-31' })).toBe(true);
    expect(isDueOutsidePhase('2026-11-30', { start: '2027-01-01', end: null })).toBe(true);
    expect(isDueOutsidePhase('2099-01-01', { start: null, end: null })).toBe(false);
    expect(isDueOutsidePhase(null, q1)).toBe(false);
    expect(isDueOutsidePhase('2026-02-30', q1)).toBe(false);
  });
});

describe('overdue tasks (PLAN-9)', () => {
  // 2026-03-10 00:00 in Beijing is 2026-03-09 16:00 UTC.
  const startOf10th = Date.UTC(2026, 2, 9, 16);
  const task = (due: string | null, status: 'todo' | 'doing' | 'blocked' | 'done' | 'dropped') => ({
    due,
    status,
  });

  it('a task is overdue from the first instant after its due day, Beijing time, counted in days', () => {
    expect(taskOverdueDays(task('2026-03-09', 'todo'), startOf10th - 1)).toBe(0);
    expect(taskOverdueDays(task('2026-03-09', 'todo'), startOf10th)).toBe(1);
    expect(taskOverdueDays(task('2026-03-09', 'blocked'), startOf10th + 86_400_000 - 1)).toBe(1);
    expect(taskOverdueDays(task('2026-03-09', 'doing'), startOf10th + 86_400_000)).toBe(2);
  });

  it('done, dropped and undated tasks never are, nor a due day that is not a date', () => {
    const late = startOf10th + 30 * 86_400_000;
    expect(taskOverdueDays(task('2026-03-09', 'done'), late)).toBe(0);
    expect(taskOverdueDays(task('2026-03-09', 'dropped'), late)).toBe(0);
    expect(taskOverdueDays(task(null, 'todo'), late)).toBe(0);
    expect(taskOverdueDays(task('2026-02-30', 'todo'), late)).toBe(0);
  });
});

describe('which phases a plan opens with (PLAN-10)', () => {
  // 2026-03-10 12:00 in Beijing.
  const now = Date.UTC(2026, 2, 10, 4);
  type Status = 'todo' | 'doing' | 'blocked' | 'done' | 'dropped';
  const t = (status: Status, due: string | null = null) => ({ due, status });
  const phase = (
    id: string,
    start: string | null,
    end: string | null,
    tasks: ReturnType<typeof t>[],
  ) => ({
    id,
    start,
    end,
    tasks,
  });
  const open = (...phases: ReturnType<typeof phase>[]) =>
    [...phasesOpenAtFirst(phases, now)].sort();

  it('opens the current phase and phases with no task; folds the others, overdue ones too', () => {
    expect(
      open(
        phase('past', '2026-01-01', '2026-03-09', [t('done'), t('doing', '2026-02-01')]),
        phase('now', '2026-03-10', '2026-03-10', [t('todo')]),
        phase('next', '2026-03-11', '2026-06-30', [t('todo')]),
        phase('new', '2026-07-01', '2026-09-30', []),
      ),
    ).toEqual(['new', 'now']);
  });

  it('takes a phase without dates, or with a date that does not parse, as current', () => {
    expect(
      open(phase('a', null, null, [t('done')]), phase('b', '2026-04-01', null, [t('todo')])),
    ).toEqual(['a']);
    expect(open(phase('a', '2026-02-30', 'x', [t('done')]))).toEqual(['a']);
  });

  it('with no current phase, opens those with overdue tasks or work left in a period that is over', () => {
    expect(
      open(
        phase('done', '2025-10-01', '2025-12-31', [t('done'), t('dropped')]),
        phase('left', '2026-01-01', '2026-02-28', [t('done'), t('doing')]),
        phase('next', '2026-04-01', '2026-06-30', [t('todo', '2026-03-09')]),
        phase('later', '2026-07-01', '2026-09-30', [t('todo', '2026-08-01')]),
      ),
    ).toEqual(['left', 'next']);
  });
});

import { createEffect, createSignal, For, type JSX, onCleanup, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { Attachments } from '../attachments/Attachments.tsx';
import { PublishToBoard } from '../board/PublishToBoard.tsx';
import { useComments } from '../comments/CommentsContext.tsx';
import { ItemCommentButton } from '../comments/CommentsPanel.tsx';
import {
  createOpRunner,
  DateInput,
  OpError,
  SelectInput,
  TextInput,
} from '../components/fields.tsx';
import { focusWhenShown } from '../components/focusWhenShown.ts';
import { PresenceBar } from '../components/PresenceBar.tsx';
import { Sentence } from '../components/Sentence.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import {
  activeServices,
  addPhase,
  addTask,
  assignOwner,
  isDueOutsidePhase,
  Limits,
  linkTaskToService,
  type Phase,
  PLAN_NOTES_FIELD,
  phasesOpenAtFirst,
  planProgress,
  planSnapshot,
  readPlan,
  removePhase,
  removeTask,
  serviceById,
  serviceLabel,
  setDueDate,
  setPhaseDates,
  setPhaseGoals,
  setPhaseTitle,
  setPlanFields,
  setPlanTitle,
  setTaskStatus,
  setTaskTitle,
  TASK_STATUSES,
  type Task,
  type TaskStatus,
  taskOverdueDays,
} from '../model/domain.ts';
import { createDocProjection } from '../projection/createDocProjection.ts';
import type { EditorProps } from './editorProps.ts';
import { LazyRichText } from './LazyRichText.tsx';

/**
 * PLAN-10: which phases of a plan this device has open, by plan and phase; kept while the app
 * runs, so that coming back to a plan finds it as it was left. Not stored in the doc: folding is
 * each person's own view.
 */
const openPhasesByPlan = new Map<string, ReturnType<typeof createStore<Record<string, boolean>>>>();

/** Phase plan: phases with goals and progress, tasks with owner, due date, status and 8+1 link. */
export default function PlanEditor(props: EditorProps): JSX.Element {
  const { docTitle, t, label, locale } = useI18n();
  const doc = props.session.synced.doc;
  const plan = createDocProjection(doc, readPlan);
  const op = createOpRunner();
  const ro = () => !props.canEdit;
  // PLAN-9: overdue is judged against the clock, read again every minute (a page left open
  // overnight marks what fell due).
  const [now, setNow] = createSignal(Date.now());
  const clock = setInterval(() => setNow(Date.now()), 60_000);
  onCleanup(() => clearInterval(clock));
  const progressOf = (phaseId: string | null) =>
    planProgress(plan).find((p) => p.phaseId === phaseId) ?? { done: 0, total: 0, ratio: 0 };
  const overdueIn = (tasks: readonly Task[]) =>
    tasks.filter((task) => taskOverdueDays(task, now()) > 0).length;
  // PLAN-10: a phase is open or folded as its person left it, else as the plan first shows it.
  const kept = openPhasesByPlan.get(props.docId) ?? createStore<Record<string, boolean>>({});
  openPhasesByPlan.set(props.docId, kept);
  const [openPhases, setPhaseOpen] = kept;
  const isPhaseOpen = (phaseId: string) => openPhases[phaseId] !== false;
  const anyFolded = () => plan.phases.some((p) => !isPhaseOpen(p.id));
  // Opened for one task (a record's "已转入计划"): its phase is opened and the task scrolled to
  // and focused once the plan has it; a later address for another task shows that one.
  let shownTask: string | undefined;
  createEffect(() => {
    const id = props.entry;
    if (!id || id === shownTask) return;
    const phase = plan.phases.find((p) => p.tasks.some((x) => x.id === id));
    if (!phase && !plan.unassigned.some((x) => x.id === id)) return;
    shownTask = id;
    if (phase) setPhaseOpen(phase.id, true);
    // Two frames on: a link opens its page at the top in the next frame (createHashRoute), and
    // that must not undo this.
    const reveal = () => {
      const row = document.querySelector<HTMLElement>(`.task[data-task-id="${CSS.escape(id)}"]`);
      row?.scrollIntoView({ block: 'start' });
      row?.querySelector<HTMLElement>('input[name="taskTitle"]')?.focus({ preventScroll: true });
    };
    requestAnimationFrame(() => requestAnimationFrame(reveal));
  });
  /** A calendar day in running text, left to right in a Uyghur sentence too. */
  const day = (date: string | null) => ({
    element: (
      <bdi dir="ltr" class="day">
        {date ?? '…'}
      </bdi>
    ),
  });
  const period = (start: string | null, end: string | null) => (
    <Sentence template={t('print.planPeriod')} params={{ start: day(start), end: day(end) }} />
  );

  /**
   * The picker offers the services in use (SVC-2); a task linked to a retired one keeps showing
   * it, marked retired, and a link to a service this device has not heard of shows its id.
   */
  const serviceOptions = (current: string | null) => {
    const linked = serviceById({ services: props.services() }, current);
    return [
      { value: '', label: t('plan.noService') },
      ...activeServices({ services: props.services() }).map((s) => ({
        value: s.id,
        label: serviceLabel(s, locale()),
      })),
      ...(linked?.archived
        ? [
            {
              value: linked.id,
              label: t('plan.serviceRetired', { name: serviceLabel(linked, locale()) }),
            },
          ]
        : current !== null && !linked
          ? [{ value: current, label: current }]
          : []),
    ];
  };

  const comments = useComments();
  const TaskRow = (p: { task: Task; phase?: Phase }): JSX.Element => {
    const task = p.task;
    return (
      <li class="task" data-task-id={task.id}>
        <div class="task-row" classList={{ 'is-readonly': ro() }}>
          <TextInput
            label={t('plan.taskTitle')}
            name="taskTitle"
            maxLength={Limits.titleChars}
            value={task.title}
            isReadOnly={ro()}
            onCommit={(v) => op.run(() => setTaskTitle(doc, task.id, v))}
          />
          <TextInput
            label={t('common.owner')}
            name="owner"
            maxLength={Limits.nameChars}
            normalize={(v) => v.trim()}
            isReadOnly={ro()}
            value={task.owner?.name ?? ''}
            onCommit={(v) => {
              const name = v.trim();
              op.run(() => assignOwner(doc, task.id, name ? { name } : null));
            }}
          />
          <DateInput
            label={t('common.due')}
            name="due"
            value={task.due}
            isReadOnly={ro()}
            onChange={(v) => op.run(() => setDueDate(doc, task.id, v))}
          />
          <SelectInput
            label={t('common.status')}
            name="status"
            value={task.status}
            isReadOnly={ro()}
            options={TASK_STATUSES.map((s) => ({ value: s, label: label('taskStatus', s) }))}
            onChange={(v) => op.run(() => setTaskStatus(doc, task.id, v as TaskStatus))}
          />
          <SelectInput
            label={t('plan.service')}
            name="service"
            value={task.serviceId ?? ''}
            isReadOnly={ro()}
            options={serviceOptions(task.serviceId)}
            onChange={(v) => op.run(() => linkTaskToService(doc, task.id, v || null))}
          />
          <Show when={!ro()}>
            <button
              type="button"
              class="btn-link small task-remove"
              aria-label={t('plan.removeTaskNamed', { title: task.title })}
              title={t('plan.removeTask')}
              onClick={() => {
                const title = task.title || t('plan.taskTitle');
                if (!confirm(t('plan.removeTaskConfirm', { title }))) return;
                // Focus goes on to the next task (else the one before, else adding one), not
                // back to the top of the page with the button that is gone.
                const row = document.querySelector(`.task[data-task-id="${task.id}"]`);
                const near = (el: Element | null | undefined) =>
                  el?.getAttribute('data-task-id')
                    ? `.task[data-task-id="${el.getAttribute('data-task-id')}"] input[name="taskTitle"]`
                    : null;
                const next = [near(row?.nextElementSibling), near(row?.previousElementSibling)];
                const adder = row?.closest('.phase')?.getAttribute('data-phase-id');
                if (op.run(() => removeTask(doc, task.id))) {
                  focusWhenShown([
                    ...next.filter((x): x is string => x !== null),
                    ...(adder ? [`.phase[data-phase-id="${adder}"] button[name="addTask"]`] : []),
                    'button[name="addPhase"]',
                  ]);
                }
              }}
            >
              {t('plan.removeTaskShort')}
            </button>
          </Show>
          <ItemCommentButton
            comments={comments}
            itemId={task.id}
            label={task.title || t('plan.taskTitle')}
          />
        </div>
        <Show when={taskOverdueDays(task, now())}>
          {(days) => (
            <span class="tag bad task-overdue" data-overdue-days={days()}>
              {t('dash.ageDays', { days: days() })}
            </span>
          )}
        </Show>
        <Show when={p.phase && isDueOutsidePhase(task.due, p.phase) ? p.phase : null}>
          {(phase) => (
            <span class="tag warn task-outside" data-outside-phase>
              {t('plan.dueOutsidePhase', {
                start: phase().start ?? '—',
                end: phase().end ?? '—',
              })}
            </span>
          )}
        </Show>
        <Show when={task.source}>
          <span class="tag task-source">{t('plan.fromMeeting')}</span>
        </Show>
        <details class="task-attachments">
          <summary class="small">{t('att.title')}</summary>
          <Attachments
            doc={doc}
            target={task.id}
            canEdit={!ro()}
            by={{ name: props.user.name, memberId: props.user.memberId }}
          />
        </details>
      </li>
    );
  };

  /** Column heads for wide screens, where each row's own labels are only read out. */
  const TaskHead = (): JSX.Element => (
    <div class="task-head" classList={{ 'is-readonly': ro() }} aria-hidden="true">
      <span>{t('plan.taskTitle')}</span>
      <span>{t('common.owner')}</span>
      <span>{t('common.due')}</span>
      <span>{t('common.status')}</span>
      <span>{t('plan.service')}</span>
    </div>
  );

  return (
    <article class="editor plan-editor" classList={{ 'is-record': ro() }}>
      {/* The page's heading for screen readers; the title itself is the field below. */}
      <h1 class="sr-only">
        <bdi>{docTitle(plan.title)}</bdi>
      </h1>
      <PresenceBar awareness={props.session.awareness} />
      <section class="panel">
        <div class="fields">
          <TextInput
            class="wide"
            label={t('plan.title')}
            name="planTitle"
            maxLength={Limits.titleChars}
            value={plan.title}
            isReadOnly={ro()}
            onCommit={(v) =>
              op.run(() => {
                setPlanTitle(doc, v);
                props.onTitle(v);
              })
            }
          />
          <TextInput
            label={t('plan.village')}
            name="village"
            maxLength={Limits.nameChars}
            value={plan.village}
            isReadOnly={ro()}
            onCommit={(v) => op.run(() => setPlanFields(doc, { village: v }))}
          />
          <div class="fields">
            <DateInput
              label={t('plan.periodStart')}
              value={plan.periodStart}
              isReadOnly={ro()}
              onChange={(v) => op.run(() => setPlanFields(doc, { periodStart: v }))}
            />
            <DateInput
              label={t('plan.periodEnd')}
              value={plan.periodEnd}
              isReadOnly={ro()}
              onChange={(v) => op.run(() => setPlanFields(doc, { periodEnd: v }))}
            />
          </div>
        </div>
      </section>
      <Show when={props.canEdit}>
        <details class="panel plan-board">
          <summary>{t('board.publishToBoard')}</summary>
          <PublishToBoard
            hint={t('board.planHint')}
            snapshot={() => planSnapshot(props.docId, readPlan(doc))}
          />
        </details>
      </Show>
      <OpError op={op} />
      <div class="phases-heading">
        <h2>{t('plan.phases')}</h2>
        <Show when={plan.phases.length > 1}>
          <button
            type="button"
            class="btn-link small"
            name="foldPhases"
            aria-expanded={!anyFolded()}
            onClick={() => {
              const open = anyFolded();
              for (const p of plan.phases) setPhaseOpen(p.id, open);
            }}
          >
            {anyFolded() ? t('plan.openAllPhases') : t('plan.foldAllPhases')}
          </button>
        </Show>
      </div>
      <For each={plan.phases}>
        {(phase) => {
          const progress = () => progressOf(phase.id);
          // Judged once, when the phase is first shown: a task marked done does not fold it
          // under the person's hands.
          if (openPhases[phase.id] === undefined)
            setPhaseOpen(phase.id, phasesOpenAtFirst(plan.phases, now()).has(phase.id));
          return (
            <section class="panel phase" data-phase-id={phase.id}>
              <details
                class="phase-fold"
                open={isPhaseOpen(phase.id)}
                onToggle={(e) => setPhaseOpen(phase.id, e.currentTarget.open)}
              >
                <summary class="phase-summary">
                  <span class="phase-summary-title">
                    <bdi>{phase.title || t('plan.phaseTitle')}</bdi>
                  </span>
                  <span class="phase-summary-facts small">
                    <Show when={phase.start !== null || phase.end !== null}>
                      <span class="phase-summary-period">{period(phase.start, phase.end)}</span>
                    </Show>
                    <span>
                      {t('plan.progress', { done: progress().done, total: progress().total })}
                    </span>
                    <Show when={overdueIn(phase.tasks)}>
                      {(n) => <span class="tag bad">{t('dash.overdueTasks', { n: n() })}</span>}
                    </Show>
                  </span>
                </summary>
                <div class="phase-head">
                  <TextInput
                    label={t('plan.phaseTitle')}
                    name="phaseTitle"
                    maxLength={Limits.titleChars}
                    value={phase.title}
                    isReadOnly={ro()}
                    onCommit={(v) => op.run(() => setPhaseTitle(doc, phase.id, v))}
                  />
                  <div class="fields">
                    <DateInput
                      label={t('plan.periodStart')}
                      name="phaseStart"
                      value={phase.start}
                      isReadOnly={ro()}
                      onChange={(v) => op.run(() => setPhaseDates(doc, phase.id, { start: v }))}
                    />
                    <DateInput
                      label={t('plan.periodEnd')}
                      name="phaseEnd"
                      value={phase.end}
                      isReadOnly={ro()}
                      onChange={(v) => op.run(() => setPhaseDates(doc, phase.id, { end: v }))}
                    />
                  </div>
                  <TextInput
                    label={t('plan.goals')}
                    name="goals"
                    maxLength={Limits.goalsChars}
                    isMultiline
                    value={phase.goals}
                    isReadOnly={ro()}
                    onCommit={(v) => op.run(() => setPhaseGoals(doc, phase.id, v))}
                  />
                  <div class="phase-progress">
                    <span
                      class="small"
                      id={`phase-progress-${phase.id}`}
                      data-testid="phase-progress"
                    >
                      {t('plan.progress', { done: progress().done, total: progress().total })}
                    </span>
                    <div
                      class="progress"
                      role="progressbar"
                      aria-labelledby={`phase-progress-${phase.id}`}
                      aria-valuemin={0}
                      aria-valuemax={100}
                      aria-valuenow={Math.round(progress().ratio * 100)}
                    >
                      <span style={{ width: `${Math.round(progress().ratio * 100)}%` }} />
                    </div>
                  </div>
                </div>
                <h3 class="tasks-heading">{t('plan.tasks')}</h3>
                <Show when={phase.tasks.length > 0}>
                  <TaskHead />
                </Show>
                <ul class="plain-list task-list">
                  <For each={phase.tasks}>{(task) => <TaskRow task={task} phase={phase} />}</For>
                </ul>
                <Show when={!ro()}>
                  <div class="btn-row">
                    <button
                      type="button"
                      class="btn"
                      name="addTask"
                      onClick={() => {
                        let id = '';
                        const added = op.run(() => {
                          id = addTask(doc, { phaseId: phase.id, title: t('plan.newTaskName') });
                        });
                        // Straight to the new task's name, selected, to type over 新任务.
                        if (added)
                          focusWhenShown([`.task[data-task-id="${id}"] input[name="taskTitle"]`]);
                      }}
                    >
                      {t('plan.addTask')}
                    </button>
                    <button
                      type="button"
                      class="btn-link small"
                      onClick={() => {
                        const question = t('plan.removePhaseConfirm', {
                          title: phase.title || t('plan.phaseTitle'),
                          n: phase.tasks.length,
                        });
                        if (confirm(question) && op.run(() => removePhase(doc, phase.id)))
                          focusWhenShown(['button[name="addPhase"]']);
                      }}
                    >
                      {t('plan.removePhase')}
                    </button>
                  </div>
                </Show>
              </details>
            </section>
          );
        }}
      </For>
      <Show when={plan.unassigned.length > 0}>
        <section class="panel">
          <h3>{t('plan.unassigned')}</h3>
          <TaskHead />
          <ul class="plain-list task-list">
            <For each={plan.unassigned}>{(task) => <TaskRow task={task} />}</For>
          </ul>
        </section>
      </Show>
      <Show when={!ro()}>
        <button
          type="button"
          class="btn"
          name="addPhase"
          onClick={() => {
            let id = '';
            const added = op.run(() => {
              id = addPhase(doc, { title: t('plan.newPhaseName') });
            });
            if (added) focusWhenShown([`.phase[data-phase-id="${id}"] input[name="phaseTitle"]`]);
          }}
        >
          {t('plan.addPhase')}
        </button>
      </Show>
      <section class="panel notes">
        <h2>{t('plan.notes')}</h2>
        <LazyRichText
          fragment={doc.getXmlFragment(PLAN_NOTES_FIELD)}
          awareness={props.session.awareness}
          user={props.user}
          isEditable={props.canEdit}
          label={t('plan.notes')}
        />
      </section>
    </article>
  );
}

import { createMemo, For, type JSX, onCleanup, Show } from 'solid-js';
import { ScrollRegion } from '../components/ScrollRegion.tsx';
import { Sentence } from '../components/Sentence.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { formatBeijingDateTime } from '../i18n/time.ts';
import {
  PLAN_NOTES_FIELD,
  planProgress,
  readPlan,
  richBlocks,
  serviceById,
  serviceLabel,
  type Task,
} from '../model/domain.ts';
import { createDocProjection, createDocValue } from '../projection/createDocProjection.ts';
import { hrefOf } from '../routing/routes.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import { PageFooter, PrintBar, PrintFoot } from './PrintParts.tsx';
import { footerTitle } from './pageFooter.ts';
import { RichPrint } from './RichPrint.tsx';

/**
 * A plan as a 阶段性工作计划 for paper: village, title, period and overall progress; each
 * phase numbered with its dates, goals, progress and a table of its tasks (what, owner, due,
 * status, "8+1" service, notes); tasks outside any phase; the plan's notes; when it was printed
 * and lines for who drew it up and who approved it. On screen a bar above it prints or goes
 * back; the print stylesheet leaves out everything of the app around it.
 */
export default function PlanPrint(props: { docId: string }): JSX.Element {
  const { t, label, locale } = useI18n();
  const ws = useWorkspace();
  const session = ws.sync.acquire(props.docId);
  onCleanup(() => session.release());
  const plan = createDocProjection(session.synced.doc, readPlan);
  const notes = createDocValue(session.synced.doc, (d) =>
    richBlocks(d.getXmlFragment(PLAN_NOTES_FIELD)),
  );
  const progress = createMemo(() => planProgress(plan));
  const overall = createMemo(() =>
    progress().reduce((sum, p) => ({ done: sum.done + p.done, total: sum.total + p.total }), {
      done: 0,
      total: 0,
    }),
  );
  const of = (phaseId: string | null) =>
    progress().find((p) => p.phaseId === phaseId) ?? { done: 0, total: 0 };
  const village = () => plan.village || ws.index.name || ws.entry.name;
  const span = (start: string | null, end: string | null) =>
    start === null && end === null
      ? '—'
      : t('print.planPeriod', { start: start ?? '…', end: end ?? '…' });
  const service = (id: string | null) => {
    if (id === null) return '';
    const s = serviceById({ services: ws.index.services }, id);
    return s ? serviceLabel(s, locale()) : id;
  };
  const paragraphs = (text: string) => text.split('\n').filter((p) => p.trim() !== '');
  const printedAt = Date.now();

  const taskTable = (tasks: readonly Task[], caption: string) => (
    <ScrollRegion label={caption}>
      <table class="print-table plan-print-tasks">
        <thead>
          <tr>
            <th scope="col" class="print-nowrap">
              {t('print.no')}
            </th>
            <th scope="col">{t('plan.taskTitle')}</th>
            <th scope="col" class="print-nowrap">
              {t('common.owner')}
            </th>
            <th scope="col" class="print-nowrap">
              {t('common.due')}
            </th>
            <th scope="col" class="print-nowrap">
              {t('common.status')}
            </th>
            <th scope="col">{t('plan.service')}</th>
            <th scope="col">{t('common.notes')}</th>
          </tr>
        </thead>
        <tbody>
          <For each={tasks}>
            {(task, i) => (
              <tr data-status={task.status}>
                <td class="signin-no">{i() + 1}</td>
                <td>
                  <bdi>{task.title || t('docs.untitled')}</bdi>
                </td>
                <td class="print-nowrap">
                  <bdi>{task.owner?.name ?? ''}</bdi>
                </td>
                <td class="print-nowrap">{task.due ?? ''}</td>
                <td class="print-nowrap">{label('taskStatus', task.status)}</td>
                <td>
                  <bdi>{service(task.serviceId)}</bdi>
                </td>
                <td>
                  <For each={paragraphs(task.notes)}>{(p) => <p dir="auto">{p}</p>}</For>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </ScrollRegion>
  );

  return (
    <>
      <PrintBar
        back={hrefOf({ name: 'doc', workspaceId: ws.entry.id, docId: props.docId })}
        hint={t('print.planHint')}
      />
      <PageFooter title={footerTitle(village(), plan.title)} />
      <article class="print-doc plan-print">
        <header class="print-head">
          <p class="print-village" dir="auto">
            {village()}
          </p>
          <h1 dir="auto">{plan.title || label('docKind', 'plan')}</h1>
        </header>
        <table class="print-fields">
          <tbody>
            <tr>
              <th scope="row">{t('plan.period')}</th>
              <td class="plan-print-period">{span(plan.periodStart, plan.periodEnd)}</td>
            </tr>
            <tr>
              <th scope="row">{t('print.overall')}</th>
              <td class="plan-print-overall">
                {t('print.doneOfTotal', { done: overall().done, total: overall().total })}
              </td>
            </tr>
          </tbody>
        </table>

        <For each={plan.phases}>
          {(phase, i) => (
            <section class="print-section plan-print-phase" data-phase-id={phase.id}>
              <h2>
                <Sentence
                  template={t('print.phaseHeading')}
                  params={{ n: String(i() + 1), title: phase.title || t('docs.untitled') }}
                />
              </h2>
              <p class="plan-print-phase-line">
                {span(phase.start, phase.end)}
                {t('common.semicolon')}
                {t('print.doneOfTotal', { done: of(phase.id).done, total: of(phase.id).total })}
              </p>
              <Show when={paragraphs(phase.goals).length > 0}>
                <h3>{t('plan.goals')}</h3>
                <For each={paragraphs(phase.goals)}>{(p) => <p dir="auto">{p}</p>}</For>
              </Show>
              <Show when={phase.tasks.length > 0} fallback={<p>{t('print.noTasks')}</p>}>
                {taskTable(phase.tasks, phase.title || t('plan.tasks'))}
              </Show>
            </section>
          )}
        </For>

        <Show when={plan.unassigned.length > 0}>
          <section class="print-section plan-print-unassigned">
            <h2>{t('plan.unassigned')}</h2>
            {taskTable(plan.unassigned, t('plan.unassigned'))}
          </section>
        </Show>

        <Show when={notes().length > 0}>
          <section class="print-section print-body">
            <h2>{t('plan.notes')}</h2>
            <RichPrint blocks={notes()} />
          </section>
        </Show>

        <PrintFoot
          lineClass="print-printed"
          line={t('print.printedAt', { time: formatBeijingDateTime(printedAt) })}
          signs={[t('print.drafterSigns'), t('print.approverSigns')]}
        />
      </article>
    </>
  );
}

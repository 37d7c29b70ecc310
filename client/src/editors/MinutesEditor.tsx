import { createSignal, For, type JSX, Show } from 'solid-js';
import { createOpRunner, DateInput, SelectInput, TextInput } from '../components/fields.tsx';
import { PresenceBar } from '../components/PresenceBar.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { formatBeijingDateTime } from '../i18n/time.ts';
import {
  ABSENCE_REASONS,
  type AbsenceReason,
  actionItemToTask,
  addActionItem,
  addAgendaItem,
  addDecision,
  beijingInstant,
  finaliseMinutes,
  MEETING_STEPS,
  MEETING_TYPES,
  type MeetingStep,
  type MeetingType,
  MINUTES_BODY_FIELD,
  markAttendance,
  presentCount,
  readMinutes,
  recordVote,
  removeAgendaItem,
  removeAttendance,
  reopenMinutes,
  STEP_MEETING_TYPES,
  setAgendaItemTitle,
  setDecisionCase,
  setDecisionText,
  setMeetingFields,
  setMinutesTitle,
  setVoteTally,
  type Tally,
  validateMinutes,
} from '../model/domain.ts';
import { createDocProjection } from '../projection/createDocProjection.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import type { EditorProps } from './editorProps.ts';
import { LazyRichText } from './LazyRichText.tsx';

/** `YYYY-MM-DDTHH:mm` typed on a Beijing clock → epoch ms. */
function parseBeijingLocal(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  return beijingInstant(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
}

/** The 四议两公开 step a meeting of this type usually performs (DEC-4), for a first link. */
function stepForMeeting(meetingType: MeetingType): MeetingStep {
  const usual = MEETING_STEPS.find((step) => STEP_MEETING_TYPES[step][0] === meetingType);
  return (
    usual ??
    MEETING_STEPS.find((step) => STEP_MEETING_TYPES[step].includes(meetingType)) ??
    'proposal'
  );
}

/** Meeting minutes: drafted live by several people, then finalised (read-only until reopened). */
export default function MinutesEditor(props: EditorProps): JSX.Element {
  const { t, label } = useI18n();
  const ws = useWorkspace();
  const doc = props.session.synced.doc;
  const m = createDocProjection(doc, readMinutes);
  const op = createOpRunner();
  const isFinal = () => m.state === 'final';
  const ro = () => !props.canEdit || isFinal();
  const [newPerson, setNewPerson] = createSignal('');
  const [newMotion, setNewMotion] = createSignal('');
  const [newDecision, setNewDecision] = createSignal('');
  const [decisionVote, setDecisionVote] = createSignal('');
  const [decisionStep, setDecisionStep] = createSignal('');
  const [decisionCase, setDecisionCaseId] = createSignal('');
  const [newAction, setNewAction] = createSignal('');
  const [actionOwner, setActionOwner] = createSignal('');
  const [actionDue, setActionDue] = createSignal<string | null>(null);
  const [targetPlan, setTargetPlan] = createSignal('');
  const plans = () => props.plans();
  const personOrNull = (name: string) => (name.trim() ? { name: name.trim() } : null);
  const tallyField = (voteId: string, key: keyof Tally, value: number) => (
    <label class="field">
      <span>{label('voteChoice', key)}</span>
      <input
        type="number"
        inputMode="numeric"
        min={0}
        name={`tally-${key}`}
        readOnly={ro()}
        value={value}
        onChange={(e) => {
          const n = Number(e.currentTarget.value);
          op.run(() => setVoteTally(doc, voteId, { [key]: n }));
        }}
      />
    </label>
  );
  const toPlan = (actionId: string) => {
    const planId = targetPlan() || plans()[0]?.id;
    if (!planId) return;
    const planDoc = ws.sync.doc(planId).doc;
    op.run(() =>
      actionItemToTask(doc, actionId, planDoc, {
        minutesDocId: props.docId,
        planDocId: planId,
        phaseId: null,
      }),
    );
  };
  return (
    <article class="editor minutes-editor" data-state={m.state}>
      <PresenceBar awareness={props.session.awareness} />
      <Show when={isFinal()}>
        <div class="panel final-notice" role="status">
          <p class="final-notice-text">
            {t('min.finalNotice', {
              time: m.finalisedAt ? formatBeijingDateTime(m.finalisedAt) : '',
              by: m.finalisedBy?.name ?? '',
            })}
          </p>
          <Show when={props.canEdit && ws.can('reopen')}>
            <button type="button" class="btn" onClick={() => op.run(() => reopenMinutes(doc))}>
              {t('min.reopen')}
            </button>
          </Show>
        </div>
      </Show>
      <section class="panel">
        <div class="fields">
          <TextInput
            class="wide"
            label={t('min.title')}
            name="minutesTitle"
            value={m.title}
            isReadOnly={ro()}
            onCommit={(v) =>
              op.run(() => {
                setMinutesTitle(doc, v);
                props.onTitle(v);
              })
            }
          />
          <SelectInput
            label={t('min.type')}
            name="meetingType"
            value={m.meetingType}
            isReadOnly={ro()}
            options={MEETING_TYPES.map((x) => ({ value: x, label: label('meetingType', x) }))}
            onChange={(v) => op.run(() => setMeetingFields(doc, { meetingType: v as MeetingType }))}
          />
          <DateInput
            type="datetime-local"
            name="startsAt"
            label={t('min.startsAtBeijing')}
            value={m.startsAt === null ? null : formatBeijingDateTime(m.startsAt).replace(' ', 'T')}
            isReadOnly={ro()}
            onChange={(v) =>
              op.run(() =>
                setMeetingFields(doc, { startsAt: v === null ? null : parseBeijingLocal(v) }),
              )
            }
          />
          <TextInput
            label={t('min.place')}
            name="place"
            value={m.place}
            isReadOnly={ro()}
            onCommit={(v) => op.run(() => setMeetingFields(doc, { place: v }))}
          />
          <label class="field">
            <span>{t('min.chair')}</span>
            <input
              name="chair"
              readOnly={ro()}
              value={m.chair?.name ?? ''}
              onChange={(e) =>
                op.run(() => setMeetingFields(doc, { chair: personOrNull(e.currentTarget.value) }))
              }
            />
          </label>
          <label class="field">
            <span>{t('min.recorder')}</span>
            <input
              name="recorder"
              readOnly={ro()}
              value={m.recorder?.name ?? ''}
              onChange={(e) =>
                op.run(() =>
                  setMeetingFields(doc, { recorder: personOrNull(e.currentTarget.value) }),
                )
              }
            />
          </label>
        </div>
      </section>
      <Show when={op.error()}>
        {(e) => (
          <p class="error" role="alert">
            {t('common.error', { message: e() })}
          </p>
        )}
      </Show>

      <section class="panel">
        <h2>{t('min.attendance')}</h2>
        <p class="attendance-summary small">
          <span>
            {t('min.presentCount', { total: m.attendance.length, present: presentCount(m) })}
          </span>
          <Show when={m.attendance.length - presentCount(m) > 0}>
            <span class="tag warn">
              {t('min.absentCount', { n: m.attendance.length - presentCount(m) })}
            </span>
          </Show>
        </p>
        <Show when={m.attendance.length === 0}>
          <p class="muted small">{t('min.noAttendance')}</p>
        </Show>
        <ul class="attendance-grid">
          <For each={m.attendance}>
            {(a) => {
              const status = () => (a.present ? 'present' : (a.absenceReason ?? 'other'));
              const statusLabel = (v: string) =>
                v === 'present'
                  ? t('min.present')
                  : t('min.absentWithReason', {
                      reason: label('absenceReason', v as AbsenceReason),
                    });
              return (
                <li class="attendance-row" data-present={a.present ? 'true' : 'false'}>
                  <span class="attendance-name">{a.person.name}</span>
                  <Show
                    when={!ro()}
                    fallback={
                      <span class="attendance-status" classList={{ muted: !a.present }}>
                        {statusLabel(status())}
                      </span>
                    }
                  >
                    <select
                      name="attendance"
                      aria-label={t('min.attendanceOf', { name: a.person.name })}
                      value={status()}
                      onChange={(e) => {
                        const v = e.currentTarget.value;
                        op.run(() =>
                          markAttendance(
                            doc,
                            a.person,
                            v === 'present'
                              ? { present: true }
                              : { present: false, reason: v as AbsenceReason },
                          ),
                        );
                      }}
                    >
                      <For each={['present', ...ABSENCE_REASONS]}>
                        {(v) => (
                          <option value={v} selected={v === status()}>
                            {statusLabel(v)}
                          </option>
                        )}
                      </For>
                    </select>
                    <button
                      type="button"
                      class="attendance-remove"
                      aria-label={t('min.removePerson', { name: a.person.name })}
                      title={t('min.removePerson', { name: a.person.name })}
                      onClick={() => op.run(() => removeAttendance(doc, a.person))}
                    >
                      ×
                    </button>
                  </Show>
                </li>
              );
            }}
          </For>
        </ul>
        <Show when={!ro()}>
          <form
            class="form inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              const name = newPerson().trim();
              if (!name) return;
              op.run(() => markAttendance(doc, { name }, { present: true }));
              setNewPerson('');
            }}
          >
            <label class="field">
              <span>{t('min.personName')}</span>
              <input
                name="newPerson"
                value={newPerson()}
                onInput={(e) => setNewPerson(e.currentTarget.value)}
              />
            </label>
            <button type="submit" class="btn">
              {t('min.addPerson')}
            </button>
          </form>
        </Show>
      </section>

      <section class="panel">
        <h2>{t('min.agenda')}</h2>
        <ol class="plain-list">
          <For each={m.agenda}>
            {(item) => (
              <li class="btn-row agenda-item">
                <TextInput
                  hideLabel
                  label={t('min.agenda')}
                  value={item.title}
                  isReadOnly={ro()}
                  onCommit={(v) => op.run(() => setAgendaItemTitle(doc, item.id, v))}
                />
                <Show when={!ro()}>
                  <button
                    type="button"
                    class="btn-link small"
                    onClick={() => op.run(() => removeAgendaItem(doc, item.id))}
                  >
                    {t('common.remove')}
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ol>
        <Show when={!ro()}>
          <button
            type="button"
            class="btn"
            onClick={() => op.run(() => addAgendaItem(doc, { title: '' }))}
          >
            {t('min.addAgenda')}
          </button>
        </Show>
      </section>

      <section class="panel">
        <h2>{t('min.body')}</h2>
        <LazyRichText
          fragment={doc.getXmlFragment(MINUTES_BODY_FIELD)}
          awareness={props.session.awareness}
          user={props.user}
          isEditable={!ro()}
          label={t('min.body')}
        />
      </section>

      <section class="panel">
        <h2>{t('min.votes')}</h2>
        <ul class="plain-list">
          <For each={m.votes}>
            {(v) => (
              <li class="vote" data-vote-id={v.id}>
                <strong>{v.motion}</strong>
                <div class="fields tally-fields">
                  {tallyField(v.id, 'for', v.tally.for)}
                  {tallyField(v.id, 'against', v.tally.against)}
                  {tallyField(v.id, 'abstain', v.tally.abstain)}
                </div>
              </li>
            )}
          </For>
        </ul>
        <Show when={!ro()}>
          <form
            class="form inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              const motion = newMotion().trim();
              if (!motion) return;
              op.run(() => recordVote(doc, { motion, tally: { for: 0, against: 0, abstain: 0 } }));
              setNewMotion('');
            }}
          >
            <label class="field">
              <span>{t('min.motion')}</span>
              <input value={newMotion()} onInput={(e) => setNewMotion(e.currentTarget.value)} />
            </label>
            <button type="submit" class="btn">
              {t('min.addVote')}
            </button>
          </form>
        </Show>
      </section>

      <section class="panel">
        <h2>{t('min.decisions')}</h2>
        <ul class="plain-list">
          <For each={m.decisions}>
            {(d) => {
              const vote = () => m.votes.find((v) => v.id === d.voteId);
              return (
                <li class="decision">
                  <TextInput
                    label={t('min.decisionText')}
                    value={d.text}
                    isReadOnly={ro()}
                    onCommit={(v) => op.run(() => setDecisionText(doc, d.id, v))}
                  />
                  <Show when={vote()}>
                    {(v) => (
                      <span class="small">
                        {v().motion}：{t('min.tally', { ...v().tally })}
                      </span>
                    )}
                  </Show>
                  <Show when={d.caseId ? null : d.step}>
                    {(s) => <span class="tag">{label('decisionStep', s())}</span>}
                  </Show>
                  <Show when={ws.index.cases.length > 0 || d.caseId}>
                    <div class="fields decision-case">
                      <SelectInput
                        label={t('min.case')}
                        name="decisionCase"
                        value={d.caseId ?? ''}
                        isReadOnly={ro()}
                        options={[
                          { value: '', label: t('common.none') },
                          ...ws.index.cases.map((c) => ({ value: c.id, label: c.title })),
                          ...(d.caseId && !ws.index.cases.some((c) => c.id === d.caseId)
                            ? [{ value: d.caseId, label: d.caseId }]
                            : []),
                        ]}
                        onChange={(caseId) =>
                          op.run(() =>
                            setDecisionCase(
                              doc,
                              d.id,
                              caseId || null,
                              caseId ? (d.step ?? stepForMeeting(m.meetingType)) : null,
                            ),
                          )
                        }
                      />
                      <Show when={d.caseId}>
                        {(caseId) => (
                          <SelectInput
                            label={t('min.step')}
                            name="decisionStep"
                            value={d.step ?? ''}
                            isReadOnly={ro()}
                            options={MEETING_STEPS.map((s) => ({
                              value: s,
                              label: label('decisionStep', s),
                            }))}
                            onChange={(step) =>
                              op.run(() =>
                                setDecisionCase(doc, d.id, caseId(), step as MeetingStep),
                              )
                            }
                          />
                        )}
                      </Show>
                    </div>
                  </Show>
                </li>
              );
            }}
          </For>
        </ul>
        <Show when={!ro()}>
          <form
            class="form"
            onSubmit={(e) => {
              e.preventDefault();
              const text = newDecision().trim();
              if (!text) return;
              op.run(() =>
                addDecision(doc, {
                  text,
                  voteId: decisionVote() || null,
                  caseId: decisionCase() || null,
                  step:
                    ((decisionStep() || null) as MeetingStep | null) ??
                    (decisionCase() ? stepForMeeting(m.meetingType) : null),
                }),
              );
              setNewDecision('');
            }}
          >
            <label class="field">
              <span>{t('min.decisionText')}</span>
              <input value={newDecision()} onInput={(e) => setNewDecision(e.currentTarget.value)} />
            </label>
            <div class="fields">
              <SelectInput
                label={t('min.vote')}
                value={decisionVote()}
                options={[
                  { value: '', label: t('common.none') },
                  ...m.votes.map((v) => ({ value: v.id, label: v.motion })),
                ]}
                onChange={setDecisionVote}
              />
              <Show when={ws.index.cases.length > 0}>
                <SelectInput
                  label={t('min.case')}
                  name="newDecisionCase"
                  value={decisionCase()}
                  options={[
                    { value: '', label: t('common.none') },
                    ...ws.index.cases.map((c) => ({ value: c.id, label: c.title })),
                  ]}
                  onChange={setDecisionCaseId}
                />
              </Show>
              <SelectInput
                label={t('min.step')}
                value={decisionStep()}
                options={[
                  { value: '', label: t('common.none') },
                  ...MEETING_STEPS.map((s) => ({ value: s, label: label('decisionStep', s) })),
                ]}
                onChange={setDecisionStep}
              />
            </div>
            <button type="submit" class="btn">
              {t('min.addDecision')}
            </button>
          </form>
        </Show>
      </section>

      <section class="panel">
        <h2>{t('min.actions')}</h2>
        <ul class="plain-list">
          <For each={m.actionItems}>
            {(a) => (
              <li class="action-item btn-row">
                <span>
                  <strong>{a.what}</strong>
                  <span class="muted small">
                    {' '}
                    {a.owner?.name ?? ''} {a.due ?? ''}
                  </span>
                </span>
                <Show when={!a.planTask} fallback={<span class="tag ok">{t('min.inPlan')}</span>}>
                  <Show when={props.canEdit && plans().length > 0}>
                    <button type="button" class="btn small" onClick={() => toPlan(a.id)}>
                      {t('min.toPlan')}
                    </button>
                  </Show>
                </Show>
              </li>
            )}
          </For>
        </ul>
        <Show when={props.canEdit && plans().length > 1}>
          <SelectInput
            label={t('min.choosePlan')}
            value={targetPlan() || (plans()[0]?.id ?? '')}
            options={plans().map((p) => ({ value: p.id, label: p.title || t('docs.untitled') }))}
            onChange={setTargetPlan}
          />
        </Show>
        <Show when={!ro()}>
          <form
            class="form"
            onSubmit={(e) => {
              e.preventDefault();
              const what = newAction().trim();
              if (!what) return;
              op.run(() =>
                addActionItem(doc, { what, owner: personOrNull(actionOwner()), due: actionDue() }),
              );
              setNewAction('');
            }}
          >
            <div class="fields">
              <label class="field wide">
                <span>{t('min.actionWhat')}</span>
                <input value={newAction()} onInput={(e) => setNewAction(e.currentTarget.value)} />
              </label>
              <label class="field">
                <span>{t('common.owner')}</span>
                <input
                  value={actionOwner()}
                  onInput={(e) => setActionOwner(e.currentTarget.value)}
                />
              </label>
              <DateInput label={t('common.due')} value={actionDue()} onChange={setActionDue} />
            </div>
            <button type="submit" class="btn">
              {t('min.addAction')}
            </button>
          </form>
        </Show>
      </section>

      <Show when={!isFinal() && props.canEdit && ws.can('finalise')}>
        <section class="panel">
          <For each={validateMinutes(m)}>
            {(issue) => <p class="warning small">{issue.message}</p>}
          </For>
          <button
            type="button"
            class="btn primary"
            disabled={validateMinutes(m).length > 0}
            onClick={() => {
              if (!confirm(t('min.finaliseConfirm'))) return;
              op.run(() => finaliseMinutes(doc, { name: props.user.name }));
            }}
          >
            {t('min.finalise')}
          </button>
        </section>
      </Show>
    </article>
  );
}

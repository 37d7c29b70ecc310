import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import { Attachments } from '../attachments/Attachments.tsx';
import { useComments } from '../comments/CommentsContext.tsx';
import { ItemCommentButton } from '../comments/CommentsPanel.tsx';
import {
  createOpRunner,
  DateInput,
  OpError,
  Select,
  SelectInput,
  TextInput,
} from '../components/fields.tsx';
import { focusWhenShown } from '../components/focusWhenShown.ts';
import { PresenceBar } from '../components/PresenceBar.tsx';
import { Sentence } from '../components/Sentence.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { useNameOrder } from '../i18n/nameOrder.ts';
import { formatBeijingDateTime } from '../i18n/time.ts';
import {
  ABSENCE_REASONS,
  type AbsenceReason,
  type Attendance,
  actionItemToTask,
  addActionItem,
  addAgendaItem,
  addDecision,
  beijingInstant,
  finaliseMinutes,
  groupExistsAt,
  Limits,
  MEETING_STEPS,
  MEETING_TYPES,
  type MeetingStep,
  type MeetingType,
  MINUTES_BODY_FIELD,
  markAttendance,
  meetingAttendance,
  readMinutes,
  recordVote,
  removeActionItem,
  removeAgendaItem,
  removeAttendance,
  removeDecision,
  removeVote,
  reopenMinutes,
  STEP_MEETING_TYPES,
  setAgendaItemTitle,
  setDecisionCase,
  setDecisionText,
  setMeetingFields,
  setMinutesTitle,
  setVillagerCounts,
  setVoteOutcome,
  setVoteTally,
  type Tally,
  VILLAGER_BASES,
  type VillagerBasis,
  VOTE_OUTCOMES,
  type VoteOutcome,
  validateMinutes,
  voteCheck,
} from '../model/domain.ts';
import { createDocProjection } from '../projection/createDocProjection.ts';
import { hrefOf } from '../routing/routes.ts';
import { createDraft, draftKey } from '../sync/createDraft.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import type { EditorProps } from './editorProps.ts';
import { LazyRichText } from './LazyRichText.tsx';
import { issueText, OutcomeAgreement, VoteCheckLine } from './minutesChecks.tsx';
import { autoMinutesTitle, isUnnamedMinutesTitle } from './minutesTitle.ts';

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
  const { docTitle, t, label, locale } = useI18n();
  const names = useNameOrder();
  const ws = useWorkspace();
  const doc = props.session.synced.doc;
  const m = createDocProjection(doc, readMinutes);
  /** MIN-15: sets the record's kind or day; a title nobody chose follows them. */
  const setKindOrDay = (fields: { meetingType?: MeetingType; startsAt?: number | null }) => {
    const isUnnamed = isUnnamedMinutesTitle(m.title, m.meetingType, m.startsAt);
    setMeetingFields(doc, fields);
    const title = isUnnamed
      ? autoMinutesTitle(
          locale(),
          fields.meetingType ?? m.meetingType,
          fields.startsAt === undefined ? m.startsAt : fields.startsAt,
        )
      : null;
    if (title === null) return;
    setMinutesTitle(doc, title);
    props.onTitle(title);
  };
  const op = createOpRunner();
  const isFinal = () => m.state === 'final';
  const ro = () => !props.canEdit || isFinal();
  const comments = useComments();
  /** A button that asks, then removes a vote, decision or action item (MIN-13); hidden when read-only. */
  const RemoveButton = (p: {
    name: string;
    label: string;
    question: string;
    remove: () => void;
  }) => (
    <Show when={!ro()}>
      <button
        type="button"
        class="btn-link small remove-item"
        name={p.name}
        aria-label={p.label}
        onClick={() => {
          if (confirm(p.question)) op.run(p.remove);
        }}
      >
        {t('common.remove')}
      </button>
    </Show>
  );
  // Half-typed "new …" forms are kept on the device until submitted (LOCAL-5).
  const formDraft = <T extends Record<string, string>>(form: string, empty: T) =>
    createDraft(draftKey(ws.entry.id, props.docId, form), empty);
  const guestDraft = formDraft('guest', { name: '' });
  const voteDraft = formDraft('vote', { motion: '' });
  const decisionDraft = formDraft('decision', { text: '', voteId: '', caseId: '', step: '' });
  const actionDraft = formDraft('action', { what: '', owner: '', due: '' });
  const decisionVote = () => decisionDraft.get('voteId');
  const decisionStep = () => decisionDraft.get('step');
  const decisionCase = () => decisionDraft.get('caseId');
  const [targetPlan, setTargetPlan] = createSignal('');
  const plans = () => props.plans();
  const personOrNull = (name: string) => (name.trim() ? { name: name.trim() } : null);
  /** A roster person when the name is on the roster (so the 党课 counts for the secretary, CAD-7). */
  const attendeeOrNull = (name: string) => {
    const trimmed = name.trim();
    if (!trimmed) return null;
    const person = ws.roster()?.people.find((p) => p.name === trimmed);
    return person ? { name: trimmed, rosterId: person.id } : { name: trimmed };
  };
  const groupOptions = () => {
    const at = m.startsAt ?? Date.now();
    const groups = (ws.roster()?.groups ?? []).filter(
      (g) => groupExistsAt(g, at) || g.id === m.groupId,
    );
    const known = groups.some((g) => g.id === m.groupId);
    return [
      { value: '', label: t('min.groupNone') },
      ...groups.map((g) => ({ value: g.id, label: g.name })),
      ...(m.groupId && !known ? [{ value: m.groupId, label: m.groupId }] : []),
    ];
  };
  // 应到 / 实到 / 缺席 by the rules (MIN-10, MIN-11): the roster of the meeting's body when there
  // is one, the record's own snapshot once finalised, else the people listed.
  const count = createMemo(() => meetingAttendance(m, ws.roster()));
  const isRosterCounted = () => count().source === 'roster' || count().source === 'snapshot';
  /** 应到 in the name order of the UI language (NAME-1). */
  const expectedKeys = createMemo(
    () => (isRosterCounted() ? names.sort(count().expected, (x) => x.name).map((x) => x.key) : []),
    undefined,
    { equals: (a, b) => a.length === b.length && a.every((k, i) => k === b[i]) },
  );
  const expectedByKey = createMemo(() => new Map(count().expected.map((x) => [x.key, x])));
  const marks = createMemo(() => new Map(m.attendance.map((a) => [a.key, a])));
  const unmarked = () => count().expected.filter((x) => !marks().has(x.key));
  /** Attendance marks not among 应到: everyone listed, or the guests (列席) of a roster body. */
  const listed = createMemo(() => {
    const expected = new Set(isRosterCounted() ? count().expected.map((x) => x.key) : []);
    const shown =
      isRosterCounted() || count().source === 'attendance'
        ? m.attendance.filter((a) => !expected.has(a.key))
        : [];
    // Present first, each part in the name order of the UI language (NAME-1).
    const byName = names.compare();
    return shown.sort(
      (a, b) => Number(b.present) - Number(a.present) || byName(a.person.name, b.person.name),
    );
  });
  const absent = createMemo(() => names.sort(count().absent, (a) => a.name));
  const rosterPeople = createMemo(() => names.sort(ws.roster()?.people ?? [], (p) => p.name));
  const groupName = (groupId: string | null) =>
    ws.roster()?.groups.find((g) => g.id === groupId)?.name ?? null;
  const attendeeOf = (a: Attendance) => ({
    ...a.person,
    ...(a.rosterId ? { rosterId: a.rosterId } : {}),
  });
  const statusLabel = (v: string) =>
    v === ''
      ? t('min.notMarked')
      : v === 'present'
        ? t('min.present')
        : t('min.absentWithReason', { reason: label('absenceReason', v as AbsenceReason) });
  const statusOptions = (values: readonly string[]) =>
    values.map((v) => ({ value: v, label: statusLabel(v) }));
  const setMark = (person: { name: string; rosterId?: string; memberId?: string }, v: string) =>
    op.run(() => {
      if (v === '') removeAttendance(doc, person);
      else
        markAttendance(
          doc,
          person,
          v === 'present' ? { present: true } : { present: false, reason: v as AbsenceReason },
        );
    });
  const markAllPresent = () =>
    op.run(() => {
      for (const x of unmarked()) {
        markAttendance(
          doc,
          x.personId ? { name: x.name, rosterId: x.personId } : { name: x.name },
          { present: true },
        );
      }
    });
  const CountField = (p: {
    label: string;
    name: string;
    value: number | null;
    onChange: (n: number | null) => void;
  }): JSX.Element => (
    <label class="field">
      <span>{p.label}</span>
      <input
        type="number"
        inputMode="numeric"
        min={0}
        name={p.name}
        readOnly={ro()}
        value={p.value ?? ''}
        onInput={(e) => {
          const raw = e.currentTarget.value.trim();
          p.onChange(raw === '' ? null : Math.max(0, Math.floor(Number(raw))));
        }}
      />
    </label>
  );
  /** Why finalising is refused now (MIN-5, MIN-11, VOTE-5), in the reader's language. */
  const blockers = createMemo(() => {
    const roster = ws.roster();
    const out: string[] = [];
    if (!roster && m.attendance.some((a) => a.rosterId !== null)) out.push(t('min.issue.noRoster'));
    for (const issue of validateMinutes(m, { roster })) {
      out.push(issueText(issue, m, roster, count(), t));
    }
    return out;
  });
  /** A person picked from the roster's names or typed; saved as typed (LOCAL-5). */
  const PersonField = (p: {
    label: string;
    name: string;
    value: string;
    isReadOnly: boolean;
    onChange: (value: string) => void;
  }): JSX.Element => (
    <TextInput
      label={p.label}
      name={p.name}
      list={`roster-people-${props.docId}`}
      maxLength={Limits.nameChars}
      normalize={(v) => v.trim()}
      isReadOnly={p.isReadOnly}
      value={p.value}
      onCommit={p.onChange}
    />
  );
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
        onInput={(e) => {
          // An emptied box is being retyped: the tally keeps its number meanwhile.
          const raw = e.currentTarget.value.trim();
          if (raw === '') return;
          op.run(() => setVoteTally(doc, voteId, { [key]: Number(raw) }));
        }}
      />
    </label>
  );
  const toPlan = (actionId: string) => {
    const planId = targetPlan() || plans()[0]?.id;
    if (!planId) return;
    const planDoc = ws.sync.doc(planId).doc;
    const done = op.run(() =>
      actionItemToTask(doc, actionId, planDoc, {
        minutesDocId: props.docId,
        planDocId: planId,
        phaseId: null,
      }),
    );
    // The button is replaced by 已转入计划: focus stays on that line, not the top of the page.
    if (done) focusWhenShown([`.action-item[data-action-id="${actionId}"] [data-in-plan]`]);
  };
  /** Each person the roster expects, with their mark (a choice while the record is a draft). */
  const expectedGrid = () => (
    <ul class="attendance-grid" aria-label={t('min.expectedList')}>
      <For each={expectedKeys()}>
        {(key) => {
          const who = () => expectedByKey().get(key);
          const mark = () => marks().get(key);
          const status = () => {
            const a = mark();
            return !a ? '' : a.present ? 'present' : (a.absenceReason ?? 'other');
          };
          return (
            <li
              class="attendance-row"
              data-key={key}
              data-present={status() === 'present' ? 'true' : status() ? 'false' : 'unmarked'}
            >
              <span class="attendance-name">
                <bdi>{who()?.name}</bdi>
                <Show when={who() && !who()?.voting}>
                  {' '}
                  <span class="tag" title={t('min.nonVotingHint')}>
                    {t('min.nonVoting')}
                  </span>
                </Show>
              </span>
              <Show
                when={!ro()}
                fallback={
                  <span class="attendance-status" classList={{ muted: status() !== 'present' }}>
                    {statusLabel(status())}
                  </span>
                }
              >
                <Select
                  name="attendance"
                  aria-label={t('min.attendanceOf', { name: who()?.name ?? '' })}
                  value={status()}
                  options={statusOptions(['', 'present', ...ABSENCE_REASONS])}
                  onChange={(v) => {
                    const x = who();
                    if (!x) return;
                    const person = x.personId
                      ? { name: x.name, rosterId: x.personId }
                      : { name: x.name };
                    setMark(person, v);
                  }}
                />
              </Show>
            </li>
          );
        }}
      </For>
    </ul>
  );
  return (
    <article class="editor minutes-editor" classList={{ 'is-record': ro() }} data-state={m.state}>
      {/* The page's heading for screen readers; the title itself is the field below. */}
      <h1 class="sr-only">
        <bdi>{docTitle(m.title)}</bdi>
      </h1>
      <PresenceBar awareness={props.session.awareness} />
      <Show when={isFinal()}>
        <div class="panel final-notice" role="status">
          <p class="final-notice-text">
            <Sentence
              template={t('min.finalNotice')}
              params={{
                // A date and a time read left to right in a Uyghur sentence too.
                time: {
                  element: (
                    <bdi dir="ltr" class="nowrap">
                      {m.finalisedAt ? formatBeijingDateTime(m.finalisedAt) : ''}
                    </bdi>
                  ),
                },
                by: m.finalisedBy?.name ?? '',
              }}
            />
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
            maxLength={Limits.titleChars}
            // I18N-5: a title nobody typed reads in this reader's language.
            value={m.title.trim() === '' ? m.title : docTitle(m.title)}
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
            onChange={(v) => op.run(() => setKindOrDay({ meetingType: v as MeetingType }))}
          />
          <DateInput
            type="datetime-local"
            name="startsAt"
            label={t('min.startsAtBeijing')}
            value={m.startsAt === null ? null : formatBeijingDateTime(m.startsAt).replace(' ', 'T')}
            isReadOnly={ro()}
            onChange={(v) =>
              op.run(() => setKindOrDay({ startsAt: v === null ? null : parseBeijingLocal(v) }))
            }
          />
          <TextInput
            label={t('min.place')}
            name="place"
            maxLength={Limits.placeChars}
            value={m.place}
            isReadOnly={ro()}
            onCommit={(v) => op.run(() => setMeetingFields(doc, { place: v }))}
          />
          <Show when={m.meetingType === 'party-group'}>
            <SelectInput
              label={t('min.group')}
              name="meetingGroup"
              value={m.groupId ?? ''}
              isReadOnly={ro()}
              options={groupOptions()}
              onChange={(v) => op.run(() => setMeetingFields(doc, { groupId: v || null }))}
            />
          </Show>
          <PersonField
            label={t('min.chair')}
            name="chair"
            value={m.chair?.name ?? ''}
            isReadOnly={ro()}
            onChange={(v) => op.run(() => setMeetingFields(doc, { chair: personOrNull(v) }))}
          />
          <PersonField
            label={t('min.recorder')}
            name="recorder"
            value={m.recorder?.name ?? ''}
            isReadOnly={ro()}
            onChange={(v) => op.run(() => setMeetingFields(doc, { recorder: personOrNull(v) }))}
          />
          <Show when={m.meetingType === 'party-lecture' || m.lecturer}>
            <PersonField
              label={t('min.lecturer')}
              name="lecturer"
              value={m.lecturer?.name ?? ''}
              isReadOnly={ro()}
              onChange={(v) => op.run(() => setMeetingFields(doc, { lecturer: attendeeOrNull(v) }))}
            />
          </Show>
          <datalist id={`roster-people-${props.docId}`}>
            <For each={rosterPeople()}>{(p) => <option value={p.name} />}</For>
          </datalist>
        </div>
      </section>
      <OpError op={op} />

      <section class="panel attendance" data-source={count().source}>
        <h2>{t('min.attendance')}</h2>
        <Show when={count().body}>
          {(body) => {
            const bodyName = () =>
              body().body === 'party-group'
                ? `${label('body', 'party-group')} · ${groupName(body().groupId) ?? t('min.groupNone')}`
                : label('body', body().body);
            return (
              <Show
                // Only for want of a roster: a 党小组会 with no group chosen yet also counts
                // the names typed, and there the step is to choose the group (said below).
                when={!(count().source === 'attendance' && ws.roster() === null && !isFinal())}
                fallback={
                  // Counted from the roster, which lists nobody yet: the count below is of the
                  // names typed here, and no vote can be checked. Said here, where the names are
                  // typed, not only beside 定稿.
                  <p class="warning small attendance-no-roster" data-missing="roster">
                    <Sentence
                      template={t('min.rosterFirst')}
                      params={{
                        body: bodyName(),
                        roster: {
                          element: (
                            <a
                              href={hrefOf({
                                name: 'workspace',
                                workspaceId: ws.entry.id,
                                view: 'roster',
                              })}
                            >
                              {t('nav.roster')}
                            </a>
                          ),
                        },
                      }}
                    />
                  </p>
                }
              >
                <p class="small muted attendance-body">
                  {t('min.expectedFrom', { body: bodyName() })}
                  <Show when={count().source === 'snapshot'}> {t('min.expectedSnapshot')}</Show>
                </p>
              </Show>
            );
          }}
        </Show>
        <Show when={count().source === 'villager-counts'}>
          <div class="fields villager-counts">
            <SelectInput
              label={t('min.villagerBasis')}
              name="villagerBasis"
              value={m.villagers?.basis ?? 'adults'}
              isReadOnly={ro()}
              options={VILLAGER_BASES.map((b) => ({ value: b, label: label('villagerBasis', b) }))}
              onChange={(v) => op.run(() => setVillagerCounts(doc, { basis: v as VillagerBasis }))}
            />
            <CountField
              label={t('min.villagerEligible')}
              name="villagerEligible"
              value={m.villagers?.eligible ?? null}
              onChange={(n) => op.run(() => setVillagerCounts(doc, { eligible: n }))}
            />
            <CountField
              label={t('min.villagerPresent')}
              name="villagerPresent"
              value={m.villagers?.present ?? null}
              onChange={(n) => op.run(() => setVillagerCounts(doc, { present: n }))}
            />
          </div>
        </Show>
        <p class="attendance-summary" data-expected={count().expectedCount}>
          <span class="attendance-counts">
            {t('min.countLine', {
              expected: count().expectedCount,
              present: count().presentCount,
              absent: count().absentCount,
            })}
            {/* Absent, as the rules count it, includes whoever nobody marked yet: say how many. */}
            <Show when={isRosterCounted() && unmarked().length > 0}>
              <span class="attendance-unmarked" data-unmarked={unmarked().length}>
                {t('min.notMarkedCount', { n: unmarked().length })}
              </span>
            </Show>
          </span>
          <Show when={!ro() && isRosterCounted() && unmarked().length > 0}>
            <button
              type="button"
              class="btn small"
              onClick={() => {
                // The button goes once everyone is marked: focus goes on to the list.
                if (markAllPresent()) focusWhenShown([`.minutes-editor .attendance-row select`]);
              }}
            >
              {t('min.markAllPresent')}
            </button>
          </Show>
        </p>
        <Show when={count().absent.length > 0 && count().source !== 'villager-counts'}>
          <p class="small absent-line">
            <Sentence
              template={t('min.absentList')}
              params={{
                list: {
                  element: (
                    <For each={absent()}>
                      {(a, i) => (
                        // The separator ends its item, so a line never starts with 、.
                        <span class="absent-item">
                          <Sentence
                            template={t('min.absentName')}
                            params={{
                              name: a.name,
                              reason: a.reason
                                ? label('absenceReason', a.reason)
                                : t('min.notMarked'),
                            }}
                          />
                          <Show when={i() < absent().length - 1}>{t('min.listSeparator')}</Show>
                        </span>
                      )}
                    </For>
                  ),
                },
              }}
            />
          </p>
        </Show>
        <Show when={isRosterCounted() && expectedKeys().length === 0}>
          <p class="muted small">{t('min.bodyEmpty')}</p>
        </Show>
        <Show
          when={!isRosterCounted() && m.attendance.length === 0 && count().source === 'attendance'}
        >
          <p class="muted small">{t('min.noAttendance')}</p>
        </Show>
        <Show when={isRosterCounted()}>
          {/* A record no one may change: the counts and the absent are said above, so the list of
              each person (35 lines on a phone) is folded. */}
          <Show when={ro()} fallback={expectedGrid()}>
            <details class="attendance-fold">
              <summary>{t('min.attendanceByName', { n: expectedKeys().length })}</summary>
              {expectedGrid()}
            </details>
          </Show>
        </Show>
        <Show when={listed().length > 0}>
          <Show when={isRosterCounted()}>
            <h3 class="guests-heading">{t('min.guests')}</h3>
          </Show>
          <ul class="attendance-grid" aria-label={t('min.attendance')}>
            <For each={listed()}>
              {(a) => {
                const status = () => (a.present ? 'present' : (a.absenceReason ?? 'other'));
                return (
                  <li
                    class="attendance-row"
                    data-key={a.key}
                    data-present={a.present ? 'true' : 'false'}
                  >
                    <span class="attendance-name">
                      <bdi>{a.person.name}</bdi>
                    </span>
                    <Show
                      when={!ro()}
                      fallback={
                        <span class="attendance-status" classList={{ muted: !a.present }}>
                          {statusLabel(status())}
                        </span>
                      }
                    >
                      <Select
                        name="attendance"
                        aria-label={t('min.attendanceOf', { name: a.person.name })}
                        value={status()}
                        options={statusOptions(['present', ...ABSENCE_REASONS])}
                        onChange={(v) => setMark(attendeeOf(a), v)}
                      />
                      <button
                        type="button"
                        class="attendance-remove"
                        aria-label={t('min.removePerson', { name: a.person.name })}
                        title={t('min.removePerson', { name: a.person.name })}
                        onClick={() => op.run(() => removeAttendance(doc, attendeeOf(a)))}
                      >
                        ×
                      </button>
                    </Show>
                  </li>
                );
              }}
            </For>
          </ul>
        </Show>
        <Show when={!ro()}>
          <form
            class="form inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              const name = guestDraft.get('name').trim();
              if (!name) return;
              if (op.run(() => markAttendance(doc, { name }, { present: true })))
                guestDraft.clear();
            }}
          >
            <TextInput
              label={isRosterCounted() ? t('min.guestName') : t('min.personName')}
              name="newPerson"
              maxLength={Limits.nameChars}
              value={guestDraft.get('name')}
              onCommit={(v) => guestDraft.set('name', v)}
            />
            <button type="submit" class="btn">
              {isRosterCounted() ? t('min.addGuest') : t('min.addPerson')}
            </button>
          </form>
        </Show>
      </section>

      <section class="panel">
        <h2>{t('min.agenda')}</h2>
        <ol class="plain-list">
          <For each={m.agenda}>
            {(item) => (
              <li class="btn-row agenda-item" data-agenda-id={item.id}>
                <TextInput
                  hideLabel
                  label={t('min.agenda')}
                  name="agendaTitle"
                  maxLength={Limits.titleChars}
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
            name="addAgenda"
            onClick={() => {
              let id = '';
              const added = op.run(() => {
                id = addAgendaItem(doc, { title: '' });
              });
              // Straight to the new item's title, as a new phase or task.
              if (added) {
                focusWhenShown([`.agenda-item[data-agenda-id="${id}"] input[name="agendaTitle"]`]);
              }
            }}
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
            {(v) => {
              const check = createMemo(() => voteCheck(m, v, ws.roster()));
              return (
                <li class="vote" data-vote-id={v.id}>
                  <strong>
                    <bdi data-find>{v.motion}</bdi>
                  </strong>{' '}
                  <ItemCommentButton
                    comments={comments}
                    itemId={v.id}
                    label={v.motion || t('min.votes')}
                  />
                  <div class="fields tally-fields">
                    {tallyField(v.id, 'for', v.tally.for)}
                    {tallyField(v.id, 'against', v.tally.against)}
                    {tallyField(v.id, 'abstain', v.tally.abstain)}
                  </div>
                  <VoteCheckLine check={check()} />
                  <SelectInput
                    class="vote-outcome"
                    label={t('min.outcome')}
                    name="voteOutcome"
                    value={v.outcome ?? ''}
                    isReadOnly={ro()}
                    options={[
                      { value: '', label: t('min.outcomeNone') },
                      ...VOTE_OUTCOMES.map((o) => ({ value: o, label: label('voteOutcome', o) })),
                    ]}
                    onChange={(o) =>
                      op.run(() => setVoteOutcome(doc, v.id, (o || null) as VoteOutcome | null))
                    }
                  />
                  <OutcomeAgreement
                    check={check()}
                    declared={v.outcome ?? null}
                    onUse={ro() ? undefined : (o) => op.run(() => setVoteOutcome(doc, v.id, o))}
                  />
                  <RemoveButton
                    name="removeVote"
                    label={t('min.removeVoteNamed', { title: v.motion })}
                    question={t('min.removeVoteConfirm', { title: v.motion })}
                    remove={() => removeVote(doc, v.id)}
                  />
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
              const motion = voteDraft.get('motion').trim();
              if (!motion) return;
              const tally = { for: 0, against: 0, abstain: 0 };
              if (op.run(() => recordVote(doc, { motion, tally }))) voteDraft.clear();
            }}
          >
            <TextInput
              label={t('min.motion')}
              name="newMotion"
              maxLength={Limits.titleChars}
              value={voteDraft.get('motion')}
              onCommit={(v) => voteDraft.set('motion', v)}
            />
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
                    name="decisionText"
                    isMultiline
                    maxLength={Limits.summaryChars}
                    value={d.text}
                    isReadOnly={ro()}
                    onCommit={(v) => op.run(() => setDecisionText(doc, d.id, v))}
                  />
                  <Show when={vote()}>
                    {(v) => (
                      <span class="small">
                        {t('min.motionTally', {
                          motion: v().motion,
                          tally: t('min.tally', { ...v().tally }),
                        })}
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
                  <RemoveButton
                    name="removeDecision"
                    label={t('min.removeDecisionNamed', { title: d.text })}
                    question={t('min.removeDecisionConfirm', { title: d.text })}
                    remove={() => removeDecision(doc, d.id)}
                  />
                </li>
              );
            }}
          </For>
        </ul>
        <Show when={!ro()}>
          <form
            class="form new-decision"
            onSubmit={(e) => {
              e.preventDefault();
              const text = decisionDraft.get('text').trim();
              if (!text) return;
              const isSaved = op.run(() =>
                addDecision(doc, {
                  text,
                  voteId: decisionVote() || null,
                  caseId: decisionCase() || null,
                  step:
                    ((decisionStep() || null) as MeetingStep | null) ??
                    (decisionCase() ? stepForMeeting(m.meetingType) : null),
                }),
              );
              if (isSaved) decisionDraft.clear();
            }}
          >
            <TextInput
              label={t('min.decisionText')}
              name="newDecision"
              maxLength={Limits.summaryChars}
              value={decisionDraft.get('text')}
              onCommit={(v) => decisionDraft.set('text', v)}
            />
            <div class="fields">
              <SelectInput
                label={t('min.vote')}
                value={decisionVote()}
                options={[
                  { value: '', label: t('common.none') },
                  ...m.votes.map((v) => ({ value: v.id, label: v.motion })),
                ]}
                onChange={(v) => decisionDraft.set('voteId', v)}
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
                  onChange={(v) => decisionDraft.set('caseId', v)}
                />
              </Show>
              <SelectInput
                label={t('min.step')}
                value={decisionStep()}
                options={[
                  { value: '', label: t('common.none') },
                  ...MEETING_STEPS.map((s) => ({ value: s, label: label('decisionStep', s) })),
                ]}
                onChange={(v) => decisionDraft.set('step', v)}
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
              <li class="action-item btn-row" data-action-id={a.id}>
                <span>
                  <strong>
                    <bdi data-find>{a.what}</bdi>
                  </strong>
                  <span class="muted small">
                    {' '}
                    <bdi data-find>{a.owner?.name ?? ''}</bdi> {a.due ?? ''}
                  </span>
                </span>
                <Show
                  when={!a.planTask}
                  fallback={
                    <a
                      class="tag ok"
                      data-in-plan
                      href={hrefOf({
                        name: 'doc',
                        workspaceId: ws.entry.id,
                        docId: a.planTask!.docId,
                        entry: a.planTask!.taskId,
                      })}
                    >
                      {t('min.inPlan')}
                    </a>
                  }
                >
                  <Show when={props.canEdit && plans().length > 0}>
                    <button type="button" class="btn small" onClick={() => toPlan(a.id)}>
                      {t('min.toPlan')}
                    </button>
                  </Show>
                </Show>
                <RemoveButton
                  name="removeActionItem"
                  label={t('min.removeActionNamed', { title: a.what })}
                  question={t('min.removeActionConfirm', { title: a.what })}
                  remove={() => removeActionItem(doc, a.id)}
                />
              </li>
            )}
          </For>
        </ul>
        <Show when={props.canEdit && plans().length > 1}>
          <SelectInput
            label={t('min.choosePlan')}
            value={targetPlan() || (plans()[0]?.id ?? '')}
            options={plans().map((p) => ({ value: p.id, label: docTitle(p.title) }))}
            onChange={setTargetPlan}
          />
        </Show>
        <Show when={!ro()}>
          <form
            class="form"
            onSubmit={(e) => {
              e.preventDefault();
              const what = actionDraft.get('what').trim();
              if (!what) return;
              const owner = personOrNull(actionDraft.get('owner'));
              const due = actionDraft.get('due') || null;
              if (op.run(() => addActionItem(doc, { what, owner, due }))) actionDraft.clear();
            }}
          >
            <div class="fields">
              <TextInput
                class="wide"
                label={t('min.actionWhat')}
                name="newAction"
                maxLength={Limits.titleChars}
                value={actionDraft.get('what')}
                onCommit={(v) => actionDraft.set('what', v)}
              />
              <TextInput
                label={t('common.owner')}
                name="newActionOwner"
                list={`roster-people-${props.docId}`}
                maxLength={Limits.nameChars}
                value={actionDraft.get('owner')}
                onCommit={(v) => actionDraft.set('owner', v)}
              />
              <DateInput
                label={t('common.due')}
                name="newActionDue"
                value={actionDraft.get('due') || null}
                onChange={(v) => actionDraft.set('due', v ?? '')}
              />
            </div>
            <button type="submit" class="btn">
              {t('min.addAction')}
            </button>
          </form>
        </Show>
      </section>

      <div class="panel">
        <Attachments
          doc={doc}
          target={null}
          canEdit={!ro()}
          by={{ name: props.user.name, memberId: props.user.memberId }}
        />
      </div>

      <Show when={!isFinal() && props.canEdit && ws.can('finalise')}>
        <section class="panel finalise-panel">
          <div class="finalise-row">
            <button
              type="button"
              class="btn primary"
              name="finalise"
              disabled={blockers().length > 0}
              aria-describedby={blockers().length > 0 ? `finalise-why-${props.docId}` : undefined}
              onClick={() => {
                if (!confirm(t('min.finaliseConfirm'))) return;
                op.run(() =>
                  finaliseMinutes(doc, { name: props.user.name }, { roster: ws.roster() }),
                );
              }}
            >
              {t('min.finalise')}
            </button>
            <Show when={blockers().length > 0}>
              <div class="finalise-why" id={`finalise-why-${props.docId}`} role="status">
                <strong class="small">{t('min.cannotFinalise')}</strong>
                <ul class="small warning">
                  <For each={blockers()}>{(text) => <li>{text}</li>}</For>
                </ul>
              </div>
            </Show>
          </div>
        </section>
      </Show>
    </article>
  );
}

import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import { createOpRunner, OpError, TextInput } from '../components/fields.tsx';
import { PresenceBar } from '../components/PresenceBar.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { useNameOrder } from '../i18n/nameOrder.ts';
import {
  addGroup,
  addPerson,
  beijingDate,
  bodyRoster,
  compileQuery,
  confirmFullMember,
  joinBody,
  Limits,
  type Membership,
  matchesQuery,
  OFFICE_BODY,
  OFFICES,
  type Office,
  type PartyStatus,
  partyStatusAt,
  type RosterBody,
  type RosterData,
  readRoster,
  removePerson,
  renameGroup,
  renamePerson,
  setGroupDates,
  setMembershipDates,
  setOffice,
  setRosterTitle,
} from '../model/domain.ts';
import { createDocProjection } from '../projection/createDocProjection.ts';
import { createDraft, draftKey } from '../sync/createDraft.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import type { EditorProps } from './editorProps.ts';

/** One body section of the roster: a roster body, with its party group for `party-group`. */
type BodySection = { body: RosterBody; groupId: string | null; title: string; short: string };

/** A body as a select value: `party:full`, `party-group:<groupId>`, `branch-committee`… */
type BodyChoice = { body: RosterBody; groupId: string | null; status?: PartyStatus };

function parseChoice(value: string): BodyChoice | null {
  if (!value) return null;
  const [body, rest] = value.split(':') as [RosterBody, string | undefined];
  if (body === 'party') return { body, groupId: null, status: (rest as PartyStatus) ?? 'full' };
  if (body === 'party-group') return rest ? { body, groupId: rest } : null;
  return { body, groupId: null };
}

const officesOf = (body: RosterBody): Office[] => OFFICES.filter((o) => OFFICE_BODY[o] === body);

/**
 * The standing roster (村组织名册): people (a name, nothing else), party groups, and who sits in
 * which body from which day to which day. Meetings count their 应到 against it. Viewers read it.
 */
export default function RosterEditor(props: EditorProps): JSX.Element {
  const { t, label } = useI18n();
  const ws = useWorkspace();
  const doc = props.session.synced.doc;
  const r = createDocProjection(doc, readRoster);
  const names = useNameOrder();
  /** The roster's people in the name order of the UI language (NAME-1). */
  const people = createMemo(() => names.sort(r.people, (p) => p.name));
  const op = createOpRunner();
  const ro = () => !props.canEdit;
  const today = beijingDate(Date.now());
  const now = Date.now();
  const peopleById = createMemo(() => new Map(r.people.map((p) => [p.id, p])));
  const nameOf = (personId: string) => peopleById().get(personId)?.name ?? '';

  const section = (body: Exclude<RosterBody, 'party-group'>): BodySection => ({
    body,
    groupId: null,
    title: label('body', body),
    short: label('body', body),
  });
  const sections = createMemo((): BodySection[] => [
    section('party'),
    ...r.groups.map((g) => ({
      body: 'party-group' as const,
      groupId: g.id,
      title: `${label('body', 'party-group')} · ${g.name}`,
      short: g.name,
    })),
    section('branch-committee'),
    section('village-committee'),
    section('villager-representatives'),
  ]);
  const bodyChoices = () => [
    { value: '', label: t('roster.joinNone') },
    { value: 'party:full', label: label('partyStatus', 'full') },
    { value: 'party:probationary', label: label('partyStatus', 'probationary') },
    ...r.groups
      .filter((g) => g.dissolved === null)
      .map((g) => ({
        value: `party-group:${g.id}`,
        label: `${label('body', 'party-group')} · ${g.name}`,
      })),
    { value: 'branch-committee', label: label('body', 'branch-committee') },
    { value: 'village-committee', label: label('body', 'village-committee') },
    { value: 'villager-representatives', label: label('body', 'villager-representatives') },
  ];
  /** Where a person sits now, for the people list. */
  const placesOf = (personId: string) =>
    r.memberships
      .filter((m) => m.personId === personId && (m.left === null || m.left > today))
      .map((m) => {
        if (m.body === 'party')
          return label('partyStatus', partyStatusAt(r, personId, now) ?? 'probationary');
        if (m.body === 'party-group') {
          const g = r.groups.find((x) => x.id === m.groupId);
          return `${label('body', 'party-group')} · ${g?.name ?? ''}`;
        }
        return label('body', m.body);
      });

  // --- people -------------------------------------------------------------------------------
  // Half-typed forms are kept on the device until submitted (LOCAL-5).
  const personDraft = createDraft(draftKey(ws.entry.id, props.docId, 'person'), {
    name: '',
    place: '',
    joined: '',
  });
  const newPlace = () => personDraft.get('place');
  const addPersonNow = (e: Event) => {
    e.preventDefault();
    const name = personDraft.get('name').trim();
    if (!name) return;
    const isSaved = op.run(() => {
      const personId = addPerson(doc, { name });
      const choice = parseChoice(newPlace());
      if (choice) {
        joinBody(
          doc,
          personId,
          { body: choice.body, groupId: choice.groupId },
          {
            joined: personDraft.get('joined') || null,
            ...(choice.body === 'party' ? { status: choice.status } : {}),
          },
        );
      }
    });
    // The place and day stay for the next person (people are often added one body at a time).
    if (isSaved) personDraft.set('name', '');
  };

  const [query, setQuery] = createSignal('');
  const compiledQuery = createMemo(() => compileQuery(query()));
  /**
   * The list's order while a name is being typed: people are sorted by name, and a row moving
   * under the caret would take the focus with it.
   */
  const [heldOrder, setHeldOrder] = createSignal<string[] | null>(null);
  const shownPeople = () => {
    const q = compiledQuery();
    const shown = people().filter((p) => matchesQuery([p.name], q));
    const held = heldOrder();
    if (!held) return shown;
    const at = (id: string) => {
      const i = held.indexOf(id);
      return i < 0 ? held.length : i;
    };
    return shown.slice().sort((a, b) => at(a.id) - at(b.id));
  };
  const headingId = (x: { body: RosterBody; groupId: string | null }) =>
    `roster-body-${x.body}-${x.groupId ?? ''}`;
  const jumpTargets = () => [
    { id: 'roster-groups', title: t('roster.groups') },
    ...sections().map((x) => ({ id: headingId(x), title: x.short })),
  ];

  // --- groups -------------------------------------------------------------------------------
  const groupDraft = createDraft(draftKey(ws.entry.id, props.docId, 'group'), { name: '' });

  return (
    <article class="editor roster-editor" classList={{ 'is-record': ro() }}>
      <PresenceBar awareness={props.session.awareness} />
      <section class="panel">
        <TextInput
          label={t('roster.docTitle')}
          name="rosterTitle"
          maxLength={Limits.titleChars}
          value={r.title}
          isReadOnly={ro()}
          onCommit={(v) =>
            op.run(() => {
              setRosterTitle(doc, v);
              props.onTitle(v);
            })
          }
        />
        <p class="small muted roster-privacy">{t('roster.privacy')}</p>
      </section>
      <OpError op={op} />

      <nav class="roster-jump small" aria-label={t('roster.jump')}>
        <span class="muted">{t('roster.jump')}</span>
        <For each={[{ id: 'roster-people', title: t('roster.peopleShort') }, ...jumpTargets()]}>
          {(target) => (
            <button
              type="button"
              class="btn-link small"
              onClick={() => {
                // Focus follows, so the next Tab goes on from the part jumped to.
                const heading = document.getElementById(target.id);
                heading?.scrollIntoView();
                heading?.focus({ preventScroll: true });
              }}
            >
              {target.title}
            </button>
          )}
        </For>
      </nav>

      <section class="panel roster-people" aria-labelledby="roster-people">
        <h2 id="roster-people" tabindex="-1">
          {t('roster.people', { n: r.people.length })}
        </h2>
        <Show when={!ro()}>
          <form class="form roster-add" onSubmit={addPersonNow}>
            <div class="fields roster-add-fields">
              <TextInput
                label={t('roster.personName')}
                name="personName"
                maxLength={Limits.nameChars}
                value={personDraft.get('name')}
                onCommit={(v) => personDraft.set('name', v)}
              />
              <label class="field">
                <span>{t('roster.joinAlso')}</span>
                <select
                  name="personPlace"
                  value={newPlace()}
                  onChange={(e) => personDraft.set('place', e.currentTarget.value)}
                >
                  <For each={bodyChoices()}>
                    {(o) => (
                      <option value={o.value} selected={o.value === newPlace()}>
                        {o.label}
                      </option>
                    )}
                  </For>
                </select>
              </label>
              <Show when={newPlace()}>
                <label class="field">
                  <span>{t('roster.joined')}</span>
                  <input
                    type="date"
                    name="personJoined"
                    value={personDraft.get('joined')}
                    onInput={(e) => personDraft.set('joined', e.currentTarget.value)}
                  />
                </label>
              </Show>
            </div>
            <button type="submit" class="btn">
              {t('roster.addPerson')}
            </button>
          </form>
        </Show>
        <Show when={r.people.length > 0} fallback={<p class="empty">{t('roster.noPeople')}</p>}>
          <Show when={r.people.length > 8}>
            <label class="field roster-filter">
              <span>{t('roster.find')}</span>
              <input
                dir="auto"
                type="search"
                name="rosterFind"
                value={query()}
                onInput={(e) => setQuery(e.currentTarget.value)}
              />
            </label>
          </Show>
          <ul class="plain-list roster-person-list">
            <For each={shownPeople()}>
              {(p) => (
                <li class="roster-person" data-person-id={p.id} data-name={p.name}>
                  <Show
                    when={!ro()}
                    fallback={
                      <strong class="roster-name">
                        <bdi>{p.name}</bdi>
                      </strong>
                    }
                  >
                    <span
                      class="roster-name"
                      onFocusIn={() => setHeldOrder(shownPeople().map((x) => x.id))}
                      onFocusOut={() => setHeldOrder(null)}
                    >
                      <TextInput
                        hideLabel
                        label={t('roster.renamePerson', { name: p.name })}
                        inputClass="roster-name-input"
                        name="personRename"
                        maxLength={Limits.nameChars}
                        normalize={(v) => v.trim()}
                        value={p.name}
                        onCommit={(v) => {
                          // An emptied name is being retyped: the person keeps the old one meanwhile.
                          if (v.trim()) op.run(() => renamePerson(doc, p.id, v));
                        }}
                      />
                    </span>
                  </Show>
                  <span class="roster-places small muted">
                    {placesOf(p.id).join(t('min.listSeparator')) || t('roster.noPlace')}
                  </span>
                  <Show when={!ro()}>
                    <button
                      type="button"
                      class="btn-link small roster-remove"
                      aria-label={t('roster.removePersonNamed', { name: p.name })}
                      onClick={() => {
                        if (!confirm(t('roster.removeConfirm', { name: p.name }))) return;
                        op.run(() => removePerson(doc, p.id));
                      }}
                    >
                      {t('common.remove')}
                    </button>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>

      <section class="panel roster-groups" aria-labelledby="roster-groups">
        <h2 id="roster-groups" tabindex="-1">
          {t('roster.groups')}
        </h2>
        <p class="small muted">{t('roster.groupsHint')}</p>
        <ul class="plain-list">
          <For each={r.groups}>
            {(g) => (
              <li class="roster-group" data-group-id={g.id}>
                <Show
                  when={!ro()}
                  fallback={
                    <strong>
                      <bdi>{g.name}</bdi>
                    </strong>
                  }
                >
                  <TextInput
                    label={t('roster.groupName')}
                    name="groupRename"
                    maxLength={Limits.nameChars}
                    normalize={(v) => v.trim()}
                    value={g.name}
                    onCommit={(v) => {
                      if (v.trim()) op.run(() => renameGroup(doc, g.id, v));
                    }}
                  />
                </Show>
                <DayField
                  label={t('roster.formed')}
                  name="groupFormed"
                  value={g.formed}
                  isReadOnly={ro()}
                  onChange={(v) => op.run(() => setGroupDates(doc, g.id, { formed: v }))}
                />
                <DayField
                  label={t('roster.dissolved')}
                  name="groupDissolved"
                  value={g.dissolved}
                  isReadOnly={ro()}
                  onChange={(v) => op.run(() => setGroupDates(doc, g.id, { dissolved: v }))}
                />
              </li>
            )}
          </For>
        </ul>
        <Show when={!ro()}>
          <form
            class="form inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              const name = groupDraft.get('name').trim();
              if (!name) return;
              if (op.run(() => addGroup(doc, { name }))) groupDraft.clear();
            }}
          >
            <TextInput
              label={t('roster.newGroup')}
              name="groupName"
              maxLength={Limits.nameChars}
              value={groupDraft.get('name')}
              onCommit={(v) => groupDraft.set('name', v)}
            />
            <button type="submit" class="btn">
              {t('roster.addGroup')}
            </button>
          </form>
        </Show>
      </section>

      <For each={sections()}>
        {(section) => (
          <BodyPanel
            section={section}
            roster={r}
            isReadOnly={ro()}
            now={now}
            today={today}
            nameOf={nameOf}
            run={op.run}
            onJoin={(personId, input) =>
              op.run(() =>
                joinBody(doc, personId, { body: section.body, groupId: section.groupId }, input),
              )
            }
            onDates={(key, dates) => op.run(() => setMembershipDates(doc, key, dates))}
            onFull={(personId, day) => op.run(() => confirmFullMember(doc, personId, day))}
            onOffice={(key, office) => op.run(() => setOffice(doc, key, office))}
            draftKey={(form) => draftKey(ws.entry.id, props.docId, form)}
          />
        )}
      </For>
    </article>
  );
}

function DayField(props: {
  label: string;
  name: string;
  value: string | null;
  isReadOnly: boolean;
  onChange: (value: string | null) => void;
}): JSX.Element {
  return (
    <label class="field day-field">
      <span>{props.label}</span>
      <Show when={!props.isReadOnly} fallback={<span class="day-text">{props.value ?? '—'}</span>}>
        <input
          type="date"
          name={props.name}
          value={props.value ?? ''}
          onChange={(e) => props.onChange(e.currentTarget.value || null)}
        />
      </Show>
    </label>
  );
}

/** One body: its members now and before, each with joined/left days; add someone to it. */
function BodyPanel(props: {
  section: BodySection;
  roster: RosterData;
  isReadOnly: boolean;
  now: number;
  today: string;
  nameOf: (personId: string) => string;
  run: (fn: () => void) => void;
  onJoin: (
    personId: string,
    input: { joined: string | null; status?: PartyStatus; office?: Office | null },
  ) => void;
  onDates: (key: string, dates: { joined?: string | null; left?: string | null }) => void;
  onFull: (personId: string, day: string) => void;
  onOffice: (key: string, office: Office | null) => void;
  /** Where this body's half-filled "add member" form is kept (LOCAL-5). */
  draftKey: (form: string) => string;
}): JSX.Element {
  const { t, label } = useI18n();
  const names = useNameOrder();
  const { body, groupId } = props.section;
  const isParty = body === 'party';
  const offices = officesOf(body);
  /** Current members first, each part in the name order of the UI language (NAME-1). */
  const members = createMemo(() => {
    const byName = names.compare();
    return props.roster.memberships
      .filter((m) => m.body === body && (body !== 'party-group' || m.groupId === groupId))
      .slice()
      .sort(
        (a, b) =>
          Number(a.left !== null && a.left <= props.today) -
            Number(b.left !== null && b.left <= props.today) ||
          byName(props.nameOf(a.personId), props.nameOf(b.personId)),
      );
  });
  const current = () => bodyRoster(props.roster, { body, groupId }, props.now).length;
  const isCurrent = (m: Membership) => m.left === null || m.left > props.today;
  const daysText = (m: Membership) =>
    [
      m.joined ? t('roster.joinedOn', { day: m.joined }) : '',
      m.fullFrom ? t('roster.fullFrom', { day: m.fullFrom }) : '',
    ]
      .filter(Boolean)
      .join(' · ');
  /** 预备 now (ROS-5); a member who left is shown as they were when they left. */
  const isProbationary = (m: Membership) =>
    isCurrent(m)
      ? partyStatusAt(props.roster, m.personId, props.now) === 'probationary'
      : m.status === 'probationary';
  const candidates = () => {
    const taken = new Set(
      members()
        .filter(isCurrent)
        .map((m) => m.personId),
    );
    return names.sort(
      props.roster.people.filter((p) => !taken.has(p.id)),
      (p) => p.name,
    );
  };
  const joinDraft = createDraft(props.draftKey(`join:${body}:${groupId ?? ''}`), {
    who: '',
    joined: '',
    status: 'full',
  });
  const who = () => joinDraft.get('who');
  const joined = () => joinDraft.get('joined');
  const status = () => joinDraft.get('status') as PartyStatus;
  const headingId = `roster-body-${body}-${groupId ?? ''}`;
  // Keep in step with the jump links above (RosterEditor's headingId).
  return (
    <section
      class="panel roster-body"
      data-body={body}
      data-group-id={groupId ?? undefined}
      aria-labelledby={headingId}
    >
      <h2 id={headingId} tabindex="-1">
        {props.section.title}{' '}
        <span class="small muted">{t('roster.currentCount', { n: current() })}</span>
      </h2>
      <Show
        when={members().length > 0}
        fallback={<p class="empty small">{t('roster.noMembers')}</p>}
      >
        <ul class="plain-list roster-members">
          <For each={members()}>
            {(m) => {
              const [isEditing, setEditing] = createSignal(false);
              return (
                <li
                  class="roster-member"
                  data-person-id={m.personId}
                  data-current={isCurrent(m) ? 'true' : 'false'}
                >
                  <div class="roster-member-line">
                    <strong class="roster-member-name">
                      <bdi>{props.nameOf(m.personId)}</bdi>
                    </strong>
                    <Show when={isParty && isProbationary(m)}>
                      <span class="tag warn">{label('partyStatus', 'probationary')}</span>
                    </Show>
                    <Show when={m.office}>
                      {(o) => <span class="tag ok">{label('office', o())}</span>}
                    </Show>
                    <Show when={m.left}>
                      {(day) => <span class="tag">{t('roster.leftOnDay', { day: day() })}</span>}
                    </Show>
                    <span class="small muted roster-days">{daysText(m)}</span>
                    <Show when={!props.isReadOnly}>
                      <button
                        type="button"
                        class="btn-link small roster-edit"
                        aria-expanded={isEditing() ? 'true' : 'false'}
                        title={t('roster.editMember', { name: props.nameOf(m.personId) })}
                        onClick={() => setEditing(!isEditing())}
                      >
                        {isEditing() ? t('common.close') : t('common.edit')}
                        {/* Named by what it shows, and whose line it is. */}
                        <span class="sr-only"> {props.nameOf(m.personId)}</span>
                      </button>
                    </Show>
                  </div>
                  <Show when={isEditing()}>
                    <div class="roster-member-fields">
                      <Show when={offices.length > 0}>
                        <label class="field">
                          <span>{t('roster.office')}</span>
                          <Show
                            when={!props.isReadOnly}
                            fallback={
                              <span class="day-text">
                                {m.office ? label('office', m.office) : '—'}
                              </span>
                            }
                          >
                            <select
                              name="office"
                              value={m.office ?? ''}
                              onChange={(e) =>
                                props.onOffice(
                                  m.key,
                                  (e.currentTarget.value || null) as Office | null,
                                )
                              }
                            >
                              <option value="" selected={m.office === null}>
                                {t('common.none')}
                              </option>
                              <For each={offices}>
                                {(o) => (
                                  <option value={o} selected={m.office === o}>
                                    {label('office', o)}
                                  </option>
                                )}
                              </For>
                            </select>
                          </Show>
                        </label>
                      </Show>
                      <DayField
                        label={t('roster.joined')}
                        name="joined"
                        value={m.joined}
                        isReadOnly={props.isReadOnly}
                        onChange={(v) => props.onDates(m.key, { joined: v })}
                      />
                      <DayField
                        label={t('roster.leftOn')}
                        name="left"
                        value={m.left}
                        isReadOnly={props.isReadOnly}
                        onChange={(v) => props.onDates(m.key, { left: v })}
                      />
                      <Show when={isParty && isProbationary(m) && !props.isReadOnly}>
                        <DayField
                          label={t('roster.confirmFull')}
                          name="fullFrom"
                          value={m.fullFrom}
                          isReadOnly={props.isReadOnly}
                          onChange={(v) => {
                            if (v) props.onFull(m.personId, v);
                          }}
                        />
                      </Show>
                    </div>
                  </Show>
                </li>
              );
            }}
          </For>
        </ul>
      </Show>
      <Show when={!props.isReadOnly && candidates().length > 0}>
        <form
          class="form roster-join"
          onSubmit={(e) => {
            e.preventDefault();
            const personId = who();
            if (!personId) return;
            props.onJoin(personId, {
              joined: joined() || null,
              ...(isParty ? { status: status() } : {}),
            });
            joinDraft.set('who', '');
          }}
        >
          <div class="fields">
            <label class="field">
              <span>{t('roster.addMember')}</span>
              <select
                name="joinPerson"
                value={who()}
                onChange={(e) => joinDraft.set('who', e.currentTarget.value)}
              >
                <option value="" selected={who() === ''}>
                  {t('roster.choosePerson')}
                </option>
                <For each={candidates()}>
                  {(p) => (
                    <option value={p.id} selected={p.id === who()}>
                      {p.name}
                    </option>
                  )}
                </For>
              </select>
            </label>
            <Show when={isParty}>
              <label class="field">
                <span>{t('roster.status')}</span>
                <select
                  name="joinStatus"
                  value={status()}
                  onChange={(e) => joinDraft.set('status', e.currentTarget.value)}
                >
                  <option value="full" selected={status() === 'full'}>
                    {label('partyStatus', 'full')}
                  </option>
                  <option value="probationary" selected={status() === 'probationary'}>
                    {label('partyStatus', 'probationary')}
                  </option>
                </select>
              </label>
            </Show>
            <label class="field">
              <span>{t('roster.joined')}</span>
              <input
                type="date"
                name="joinDay"
                value={joined()}
                onInput={(e) => joinDraft.set('joined', e.currentTarget.value)}
              />
            </label>
          </div>
          <button type="submit" class="btn">
            {t('roster.join')}
          </button>
        </form>
      </Show>
    </section>
  );
}

/**
 * The standing roster (村组织名册) of a workspace: the people who sit in the village's bodies and
 * the days they joined and left each one. Attendance is counted against it, never retyped: a
 * meeting's 应到 (who should attend) is the body's roster on the day of the meeting.
 *
 * One roster per workspace, in its own doc with the fixed id `roster` (room
 * `<workspaceId>/roster`), listed in the index like the other docs and synced and edited offline
 * like them.
 *
 * Privacy: a person is a display name (at most 40 characters) and, optionally, the workspace
 * member id of the same person. Nothing else about a person is stored — no ID card number, phone
 * number, birth date, address, ethnicity, religion, health or political assessment — and no
 * field may be added for one (ROS-6). The bodies are the organisation's own lists, not a file on
 * persons.
 *
 * Y layout, schema version 1 (private; root names below):
 * - `meta`        Y.Map  kind, schemaVersion, createdAt
 * - `roster`      Y.Map  title: Y.Text
 * - `people`      Y.Map<personId, Y.Map> name, memberId
 * - `groups`      Y.Map<groupId, Y.Map> name, formed, dissolved, order
 * - `memberships` Y.Map<membershipKey, Y.Map> personId, body, groupId, joined, left, status,
 *                 fullFrom, office
 *
 * Rules (SPEC.md):
 * - ROS-1 people and party groups are keyed by random ids: added on several devices, all are kept.
 * - ROS-2 a membership is keyed by body (and group) and person (`membershipKey`): adding one
 *   person to one body on several devices gives one membership.
 * - ROS-3 a person's name and member id, a group's name and dates, and a membership's joined,
 *   left, status, 转正 day and office are single values: concurrent changes to one of them
 *   resolve to one deterministic winner; changes to different ones all stick.
 * - ROS-4 `bodyRoster(roster, body, at)` is who had joined and not left at the instant `at`:
 *   membership runs from the start of the joined day (Beijing) to the start of the left day.
 * - ROS-5 `votingMembers`: in party bodies only 正式 members vote (预备党员 attend but do not);
 *   a member is 正式 from the start of the 转正 day.
 * - ROS-6 a person is a name and an optional member id, nothing more.
 * - ROS-7 removing a person (entered by mistake) removes their memberships; a membership added
 *   concurrently on another device for the removed person is not read.
 */
import * as Y from 'yjs';
import { DomainError } from './DomainError.ts';
import {
  byOrder,
  checkCount,
  checkLength,
  childMap,
  ensureText,
  type KindVersioning,
  type Migration,
  makeWriter,
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
  type Body,
  entityIdSchema,
  Limits,
  type Membership,
  OFFICES,
  type Office,
  PARTY_STATUSES,
  type PartyStatus,
  ROSTER_BODIES,
  type RosterBody,
  type RosterData,
  type RosterGroup,
  type RosterPerson,
} from './schema.ts';
import { isCalendarDate, startOfBeijingDate } from './time.ts';

export const ROSTER_ROOT = 'roster';
export const ROSTER_PEOPLE_ROOT = 'people';
export const ROSTER_GROUPS_ROOT = 'groups';
export const ROSTER_MEMBERSHIPS_ROOT = 'memberships';

/** The roster's doc id: one roster per workspace, room `<workspaceId>/roster`. */
export const ROSTER_DOC_ID = 'roster';

export const ROSTER_MIGRATIONS: readonly Migration[] = [];
export const ROSTER_SCHEMA_VERSION = 1;
export const ROSTER_VERSIONING: KindVersioning<'roster'> = {
  kind: 'roster',
  schemaVersion: ROSTER_SCHEMA_VERSION,
  migrations: ROSTER_MIGRATIONS,
};

/** Which body each office belongs to. */
export const OFFICE_BODY: Readonly<Record<Office, RosterBody>> = {
  secretary: 'branch-committee',
  'deputy-secretary': 'branch-committee',
  director: 'village-committee',
  'deputy-director': 'village-committee',
  'group-leader': 'party-group',
};

/** The roster bodies a composed body is made of. */
export const BODY_PARTS: Readonly<Record<Exclude<Body, 'villagers'>, readonly RosterBody[]>> = {
  party: ['party'],
  'party-group': ['party-group'],
  'branch-committee': ['branch-committee'],
  'village-committee': ['village-committee'],
  'villager-representatives': ['villager-representatives'],
  'two-committees': ['branch-committee', 'village-committee'],
  'representatives-meeting': ['village-committee', 'villager-representatives'],
};

/** Bodies whose votes are cast by 正式 party members only (ROS-5). */
const PARTY_BODIES: readonly RosterBody[] = ['party', 'party-group'];

/** A body, with the party group for `party-group`. */
export type BodyRef = { body: Body; groupId?: string | null };

const roots = (doc: Y.Doc) => ({
  roster: doc.getMap<unknown>(ROSTER_ROOT),
  people: doc.getMap<unknown>(ROSTER_PEOPLE_ROOT),
  groups: doc.getMap<unknown>(ROSTER_GROUPS_ROOT),
  memberships: doc.getMap<unknown>(ROSTER_MEMBERSHIPS_ROOT),
});

const write = makeWriter(ROSTER_VERSIONING);

/** The key of one person's membership of one body (ROS-2): the same on every device. */
export function membershipKey(personId: string, body: RosterBody, groupId?: string | null): string {
  if (body === 'party-group') {
    if (!groupId) throw new DomainError('invalid', 'a party group membership needs a group');
    return `party-group~${groupId}~${personId}`;
  }
  return `${body}~${personId}`;
}

function checkName(name: string, what: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new DomainError('invalid', `${what} needs a name`, 'nameRequired');
  checkLength(trimmed, Limits.nameChars, what);
  return trimmed;
}

function checkDay(value: string | null | undefined, field: string): void {
  if (value != null && !isCalendarDate(value)) {
    throw new DomainError('invalid', `${field} must be a calendar day YYYY-MM-DD`, 'calendarDay');
  }
}

function checkMemberId(memberId: string | null | undefined): void {
  if (memberId != null && !entityIdSchema.safeParse(memberId).success) {
    throw new DomainError('invalid', 'bad member id');
  }
}

function checkBody(body: string): asserts body is RosterBody {
  if (!(ROSTER_BODIES as readonly string[]).includes(body)) {
    throw new DomainError('invalid', `memberships are kept for ${ROSTER_BODIES.join(', ')}`);
  }
}

/** Fills an empty doc as the workspace's roster. */
export function initRoster(
  doc: Y.Doc,
  init: { title: string; createdAt?: number },
  opts?: OpOptions,
): void {
  checkLength(init.title, Limits.titleChars, 'title');
  const origin = opts?.origin ?? Origins.local;
  doc.transact(() => {
    stampMeta(doc, ROSTER_VERSIONING, origin, init.createdAt ?? Date.now());
    setText(ensureText(roots(doc).roster, 'title'), init.title);
  }, origin);
}

export function setRosterTitle(doc: Y.Doc, title: string, opts?: OpOptions): void {
  checkLength(title, Limits.titleChars, 'title');
  write(doc, opts, () => setText(ensureText(roots(doc).roster, 'title'), title));
}

/** Adds a person (ROS-1, ROS-6): a display name and, optionally, their workspace member id. Returns the id. */
export function addPerson(
  doc: Y.Doc,
  input: { name: string; memberId?: string | null; id?: string },
  opts?: OpOptions,
): string {
  const name = checkName(input.name, 'a person');
  checkMemberId(input.memberId);
  checkCount(roots(doc).people.size, Limits.peoplePerRoster, 'people');
  const id = input.id ?? newId();
  write(doc, opts, () => {
    const m = new Y.Map<unknown>();
    m.set('name', name);
    m.set('memberId', input.memberId ?? null);
    roots(doc).people.set(id, m);
  });
  return id;
}

/** Corrects a person's display name (ROS-3: one winner). */
export function renamePerson(doc: Y.Doc, personId: string, name: string, opts?: OpOptions): void {
  const trimmed = checkName(name, 'a person');
  const m = childMap(roots(doc).people, personId, 'person');
  write(doc, opts, () => m.set('name', trimmed));
}

/** Links a person to the workspace member who is the same person (null unlinks). */
export function linkPersonToMember(
  doc: Y.Doc,
  personId: string,
  memberId: string | null,
  opts?: OpOptions,
): void {
  checkMemberId(memberId);
  const m = childMap(roots(doc).people, personId, 'person');
  write(doc, opts, () => m.set('memberId', memberId));
}

/**
 * Removes a person entered by mistake, with their memberships (ROS-7). People who leave a body
 * are not removed: their membership gets a `left` day, so earlier meetings still count them.
 */
export function removePerson(doc: Y.Doc, personId: string, opts?: OpOptions): void {
  childMap(roots(doc).people, personId, 'person');
  write(doc, opts, () => {
    const { people, memberships } = roots(doc);
    const keys: string[] = [];
    memberships.forEach((v, key) => {
      if (v instanceof Y.Map && v.get('personId') === personId) keys.push(key);
    });
    for (const key of keys) memberships.delete(key);
    people.delete(personId);
  });
}

/** Adds a party group (党小组) of the branch; returns its id. */
export function addGroup(
  doc: Y.Doc,
  input: { name: string; formed?: string | null; id?: string },
  opts?: OpOptions,
): string {
  const name = checkName(input.name, 'a party group');
  checkDay(input.formed, 'formed');
  const { groups } = roots(doc);
  checkCount(groups.size, Limits.groupsPerRoster, 'party groups');
  const id = input.id ?? newId();
  write(doc, opts, () => {
    let max: number | null = null;
    groups.forEach((v) => {
      if (v instanceof Y.Map) max = Math.max(max ?? 0, numberOr(v.get('order'), 0));
    });
    const m = new Y.Map<unknown>();
    m.set('name', name);
    m.set('formed', input.formed ?? null);
    m.set('dissolved', null);
    m.set('order', orderBetween(max, null));
    groups.set(id, m);
  });
  return id;
}

export function renameGroup(doc: Y.Doc, groupId: string, name: string, opts?: OpOptions): void {
  const trimmed = checkName(name, 'a party group');
  const m = childMap(roots(doc).groups, groupId, 'party group');
  write(doc, opts, () => m.set('name', trimmed));
}

/**
 * Sets the days a group was formed and dissolved (null: since before the roster / still exists).
 * A dissolved group is kept: its meetings and memberships still read.
 */
export function setGroupDates(
  doc: Y.Doc,
  groupId: string,
  dates: { formed?: string | null; dissolved?: string | null },
  opts?: OpOptions,
): void {
  checkDay(dates.formed, 'formed');
  checkDay(dates.dissolved, 'dissolved');
  const m = childMap(roots(doc).groups, groupId, 'party group');
  const formed = dates.formed !== undefined ? dates.formed : stringOr(m.get('formed'), null);
  const dissolved =
    dates.dissolved !== undefined ? dates.dissolved : stringOr(m.get('dissolved'), null);
  if (formed !== null && dissolved !== null && dissolved <= formed) {
    throw new DomainError(
      'invalid',
      'a group is dissolved after it was formed',
      'dissolvedBeforeFormed',
    );
  }
  write(doc, opts, () => {
    if (dates.formed !== undefined) m.set('formed', dates.formed);
    if (dates.dissolved !== undefined) m.set('dissolved', dates.dissolved);
  });
}

export type JoinInput = {
  /** First day as a member (Beijing calendar day); null or omitted: since before the roster. */
  joined?: string | null;
  /** Party memberships only: 正式 or 预备; default 正式. */
  status?: PartyStatus;
  /** Party memberships only: the day the member became 正式 (转正), when known. */
  fullFrom?: string | null;
  office?: Office | null;
};

function checkOffice(office: Office | null | undefined, body: RosterBody): void {
  if (office == null) return;
  if (!(OFFICES as readonly string[]).includes(office)) {
    throw new DomainError('invalid', `unknown office ${office}`);
  }
  if (OFFICE_BODY[office] !== body) {
    throw new DomainError('invalid', `${office} is an office of the ${OFFICE_BODY[office]} body`);
  }
}

/**
 * Adds a person to a body from a day (ROS-2). The membership's key is the same on every device,
 * so adding one person to one body on two devices gives one membership. Adding again a person
 * who left starts the membership anew (joined set, left cleared). Returns the key.
 */
export function joinBody(
  doc: Y.Doc,
  personId: string,
  ref: { body: RosterBody; groupId?: string | null },
  input: JoinInput = {},
  opts?: OpOptions,
): string {
  checkBody(ref.body);
  const r = roots(doc);
  childMap(r.people, personId, 'person');
  if (ref.body === 'party-group') childMap(r.groups, ref.groupId ?? '', 'party group');
  checkDay(input.joined, 'joined');
  checkDay(input.fullFrom, 'fullFrom');
  checkOffice(input.office, ref.body);
  const isParty = ref.body === 'party';
  if (!isParty && (input.status !== undefined || input.fullFrom != null)) {
    throw new DomainError('invalid', 'full/probationary is recorded on the party membership');
  }
  if (input.status !== undefined && !(PARTY_STATUSES as readonly string[]).includes(input.status)) {
    throw new DomainError('invalid', `unknown party status ${input.status}`);
  }
  const key = membershipKey(personId, ref.body, ref.groupId);
  const existing = r.memberships.get(key);
  if (!(existing instanceof Y.Map)) {
    checkCount(r.memberships.size, Limits.membershipsPerRoster, 'memberships');
  }
  write(doc, opts, () => {
    const m = existing instanceof Y.Map ? (existing as Y.Map<unknown>) : new Y.Map<unknown>();
    m.set('personId', personId);
    m.set('body', ref.body);
    m.set('groupId', ref.body === 'party-group' ? (ref.groupId ?? null) : null);
    m.set('joined', input.joined ?? null);
    m.set('left', null);
    m.set('status', isParty ? (input.status ?? 'full') : null);
    m.set('fullFrom', isParty ? (input.fullFrom ?? null) : null);
    m.set('office', input.office ?? null);
    if (!(existing instanceof Y.Map)) r.memberships.set(key, m);
  });
  return key;
}

function membershipMap(doc: Y.Doc, key: string): Y.Map<unknown> {
  return childMap(roots(doc).memberships, key, 'membership');
}

/**
 * Corrects a membership's joined and left days (ROS-3: each a single value). `left` is the first
 * day the person is no longer a member.
 */
export function setMembershipDates(
  doc: Y.Doc,
  key: string,
  dates: { joined?: string | null; left?: string | null },
  opts?: OpOptions,
): void {
  checkDay(dates.joined, 'joined');
  checkDay(dates.left, 'left');
  const m = membershipMap(doc, key);
  const joined = dates.joined !== undefined ? dates.joined : stringOr(m.get('joined'), null);
  const left = dates.left !== undefined ? dates.left : stringOr(m.get('left'), null);
  if (joined !== null && left !== null && left <= joined) {
    throw new DomainError(
      'invalid',
      'a member leaves after the day they joined',
      'leftBeforeJoined',
    );
  }
  write(doc, opts, () => {
    if (dates.joined !== undefined) m.set('joined', dates.joined);
    if (dates.left !== undefined) m.set('left', dates.left);
  });
}

/** Records that a person left a body from a day on (their last day as a member is the day before). */
export function leaveBody(
  doc: Y.Doc,
  personId: string,
  ref: { body: RosterBody; groupId?: string | null },
  day: string,
  opts?: OpOptions,
): void {
  checkBody(ref.body);
  setMembershipDates(doc, membershipKey(personId, ref.body, ref.groupId), { left: day }, opts);
}

/** Records that a 预备党员 became 正式 (转正) on a day (ROS-5). */
export function confirmFullMember(
  doc: Y.Doc,
  personId: string,
  day: string,
  opts?: OpOptions,
): void {
  checkDay(day, 'day');
  const m = membershipMap(doc, membershipKey(personId, 'party'));
  const joined = stringOr(m.get('joined'), null);
  if (joined !== null && day < joined) {
    throw new DomainError(
      'invalid',
      'a member becomes a full member after joining',
      'fullBeforeJoined',
    );
  }
  write(doc, opts, () => {
    m.set('status', 'full');
    m.set('fullFrom', day);
  });
}

/** Sets or clears a member's office in their body (书记, 主任, 组长…). */
export function setOffice(doc: Y.Doc, key: string, office: Office | null, opts?: OpOptions): void {
  const m = membershipMap(doc, key);
  checkOffice(office, oneOf(ROSTER_BODIES, m.get('body'), 'party'));
  write(doc, opts, () => m.set('office', office));
}

/** Plain data of the roster (passes `rosterSchema`). Never writes. */
export function readRoster(source: Y.Doc): RosterData {
  const doc = readableDoc(source, ROSTER_VERSIONING);
  const r = roots(doc);
  const meta = doc.getMap<unknown>('meta');
  const people: RosterPerson[] = [];
  r.people.forEach((v, id) => {
    if (!(v instanceof Y.Map)) return;
    people.push({
      id,
      name: stringOr(v.get('name'), ''),
      memberId: stringOr(v.get('memberId'), null),
    });
  });
  people.sort(byName);
  const groups: (RosterGroup & { order: number })[] = [];
  r.groups.forEach((v, id) => {
    if (!(v instanceof Y.Map)) return;
    groups.push({
      id,
      name: stringOr(v.get('name'), ''),
      formed: stringOr(v.get('formed'), null),
      dissolved: stringOr(v.get('dissolved'), null),
      order: numberOr(v.get('order'), 0),
    });
  });
  groups.sort(byOrder);
  const personIds = new Map(people.map((p) => [p.id, p]));
  const groupIds = new Set(groups.map((g) => g.id));
  const memberships: Membership[] = [];
  r.memberships.forEach((v, key) => {
    if (!(v instanceof Y.Map)) return;
    const personId = stringOr(v.get('personId'), '');
    const body = oneOf(ROSTER_BODIES, v.get('body'), 'party');
    const groupId = body === 'party-group' ? stringOr(v.get('groupId'), null) : null;
    // ROS-7: a membership of a removed person (or group) is not read.
    if (!personIds.has(personId) || (body === 'party-group' && !groupIds.has(groupId ?? ''))) {
      return;
    }
    const isParty = body === 'party';
    const office = v.get('office');
    memberships.push({
      key,
      personId,
      body,
      groupId,
      joined: stringOr(v.get('joined'), null),
      left: stringOr(v.get('left'), null),
      status: isParty ? oneOf(PARTY_STATUSES, v.get('status'), 'full') : null,
      fullFrom: isParty ? stringOr(v.get('fullFrom'), null) : null,
      office:
        typeof office === 'string' && (OFFICES as readonly string[]).includes(office)
          ? (office as Office)
          : null,
    });
  });
  const bodyRank = (b: RosterBody) => ROSTER_BODIES.indexOf(b);
  const groupRank = new Map(groups.map((g, i) => [g.id, i]));
  memberships.sort(
    (a, b) =>
      bodyRank(a.body) - bodyRank(b.body) ||
      (groupRank.get(a.groupId ?? '') ?? -1) - (groupRank.get(b.groupId ?? '') ?? -1) ||
      byName(personIds.get(a.personId)!, personIds.get(b.personId)!),
  );
  return {
    kind: 'roster',
    meta: { schemaVersion: numberOr(meta.get('schemaVersion'), 0) },
    title: textField(r.roster, 'title'),
    people,
    groups: groups.map(({ order: _o, ...g }) => g),
    memberships,
  };
}

function byName(a: { name: string; id: string }, b: { name: string; id: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Who was in a body on a day (pure functions over `RosterData`)
// ---------------------------------------------------------------------------------------------

/** True when a membership was running at the instant `at` (ROS-4): from the start of `joined` to the start of `left`. */
export function isMemberAt(m: Pick<Membership, 'joined' | 'left'>, at: number): boolean {
  if (m.joined !== null && at < startOfBeijingDate(m.joined)) return false;
  if (m.left !== null && at >= startOfBeijingDate(m.left)) return false;
  return true;
}

/** 正式 or 预备 at an instant (ROS-5); null when the person was not a party member then. */
export function partyStatusAt(
  roster: RosterData,
  personId: string,
  at: number,
): PartyStatus | null {
  const m = roster.memberships.find((x) => x.body === 'party' && x.personId === personId);
  if (!m || !isMemberAt(m, at)) return null;
  if (m.status === 'probationary') return 'probationary';
  return m.fullFrom === null || at >= startOfBeijingDate(m.fullFrom) ? 'full' : 'probationary';
}

/** A member of a body on a day, as attendance and votes see them. */
export type BodyMember = {
  personId: string;
  name: string;
  memberId: string | null;
  /** True when they vote in this body (ROS-5). */
  voting: boolean;
  /** Party status at that instant (party bodies), else null. */
  status: PartyStatus | null;
  office: Office | null;
};

/** True when a party group existed at an instant. */
export function groupExistsAt(group: RosterGroup, at: number): boolean {
  return isMemberAt({ joined: group.formed, left: group.dissolved }, at);
}

/**
 * The people in a body at an instant (ROS-4): for a meeting of that body, its 应到 — who had
 * joined and not left by the meeting's start. Composed bodies (两委, 村民代表会议) list each
 * person once. The villagers' assembly has no roster: an empty list. Sorted by name.
 */
export function bodyRoster(roster: RosterData, ref: BodyRef, at: number): BodyMember[] {
  if (ref.body === 'villagers') return [];
  const parts = BODY_PARTS[ref.body];
  const people = new Map(roster.people.map((p) => [p.id, p]));
  const out = new Map<string, BodyMember>();
  for (const m of roster.memberships) {
    if (!parts.includes(m.body) || !isMemberAt(m, at)) continue;
    if (m.body === 'party-group' && m.groupId !== (ref.groupId ?? null)) continue;
    const person = people.get(m.personId);
    if (!person) continue;
    const isParty = PARTY_BODIES.includes(m.body);
    const status = isParty ? partyStatusAt(roster, m.personId, at) : null;
    const member: BodyMember = {
      personId: person.id,
      name: person.name,
      memberId: person.memberId,
      voting: isParty ? status === 'full' : true,
      status,
      office: m.office,
    };
    const seen = out.get(person.id);
    out.set(person.id, seen ? { ...seen, office: seen.office ?? member.office } : member);
  }
  return [...out.values()].sort((a, b) =>
    byName({ name: a.name, id: a.personId }, { name: b.name, id: b.personId }),
  );
}

/** The members entitled to vote in a body at an instant (ROS-5): 正式 only in party bodies. */
export function votingMembers(roster: RosterData, ref: BodyRef, at: number): BodyMember[] {
  return bodyRoster(roster, ref, at).filter((m) => m.voting);
}

/** Who held an office at an instant (the branch secretary, the committee director…). */
export function officeHolders(roster: RosterData, office: Office, at: number): RosterPerson[] {
  const ids = new Set(
    roster.memberships
      .filter((m) => m.office === office && isMemberAt(m, at))
      .map((m) => m.personId),
  );
  return roster.people.filter((p) => ids.has(p.id));
}

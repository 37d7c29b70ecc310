/**
 * 三会一课 cadence: which regular meetings are done, due or overdue in each period. Pure
 * functions over plain data; periods are Monday-start weeks, months, quarters and years in
 * Beijing time (time.ts).
 *
 * Rules (SPEC.md):
 * - CAD-1 two presets: `seed` (the source text's rhythm: party group meeting 1-2 a week, branch
 *   committee monthly, all-members meeting quarterly, party lecture weekly; the default) and
 *   `national` (party group meeting and branch committee monthly, all-members meeting and party
 *   lecture quarterly). Both also require 主题党日 monthly, 组织生活会 and 民主评议党员 yearly and
 *   the 村民代表会议 quarterly. A workspace may also store custom rules.
 * - CAD-2 a meeting counts for the period that contains its start instant in Beijing time
 *   (Sunday 23:30 UTC is Monday 07:30 in Beijing: next week).
 * - CAD-3 per rule and period: `done` when held ≥ min; otherwise `overdue` when the period has
 *   ended, `due` when it is under way, `upcoming` when it has not begun. More than `max` is
 *   reported (`aboveMax`), not an error.
 * - CAD-4 only minutes with a start time count, from that time on (a record dated after `now` is
 *   not held yet); by default drafts count too (a meeting held but not yet written up was still
 *   held); pass `finalOnly` for compliance reports.
 * - CAD-6 with the roster's party groups, the party group rule is counted per group: each group
 *   has its own rows, so three groups meeting once each in a week is not above the maximum. A
 *   rule with a `groupId` is that group's own rhythm, replacing the general one for it. A group
 *   counts for the periods it existed in. Party group meetings without a group are listed apart.
 * - CAD-7 the branch secretary gives at least one 党课 a year: a lecture counts when its lecturer
 *   held the office of 书记 at its start (`secretaryLectures`).
 * - CAD-8 a stored preset reads as this build's rules for that preset, so an upgrade extends an
 *   existing workspace's checks to new meeting types; custom rules read as stored.
 */
import { officeHolders } from './roster.ts';
import {
  type Attendee,
  CADENCE_MEETING_TYPES,
  type CadenceMeetingType,
  type CadencePreset,
  type CadenceRule,
  type CadenceSetting,
  type CadenceState,
  type MinutesData,
  type RosterData,
  type RosterGroup,
  type RosterPerson,
  SAN_HUI_YI_KE,
  type SanHuiYiKeType,
} from './schema.ts';
import {
  beijingInstant,
  beijingParts,
  type Period,
  periodsBetween,
  startOfBeijingDate,
  yearPeriod,
} from './time.ts';

/** The rest of regular party life and the representatives meeting, in both presets (CAD-1). */
const BEYOND_THREE_MEETINGS: readonly CadenceRule[] = [
  { meetingType: 'theme-party-day', period: 'month', min: 1, max: null },
  { meetingType: 'organisational-life', period: 'year', min: 1, max: null },
  { meetingType: 'member-appraisal', period: 'year', min: 1, max: null },
  { meetingType: 'villager-representatives', period: 'quarter', min: 1, max: null },
];

/** The rules of each preset (CAD-1). */
export const CADENCE_PRESET_RULES: Readonly<
  Record<Exclude<CadencePreset, 'custom'>, readonly CadenceRule[]>
> = {
  seed: [
    { meetingType: 'party-group', period: 'week', min: 1, max: 2 },
    { meetingType: 'branch-committee', period: 'month', min: 1, max: null },
    { meetingType: 'party-members', period: 'quarter', min: 1, max: null },
    { meetingType: 'party-lecture', period: 'week', min: 1, max: null },
    ...BEYOND_THREE_MEETINGS,
  ],
  national: [
    { meetingType: 'party-group', period: 'month', min: 1, max: null },
    { meetingType: 'branch-committee', period: 'month', min: 1, max: null },
    { meetingType: 'party-members', period: 'quarter', min: 1, max: null },
    { meetingType: 'party-lecture', period: 'quarter', min: 1, max: null },
    ...BEYOND_THREE_MEETINGS,
  ],
};

/** The default cadence of a new workspace: the source text's rhythm. */
export const DEFAULT_CADENCE: CadenceSetting = {
  preset: 'seed',
  rules: CADENCE_PRESET_RULES.seed.map((r) => ({ ...r })),
};

/** The setting for a preset. */
export function cadencePreset(preset: Exclude<CadencePreset, 'custom'>): CadenceSetting {
  return { preset, rules: CADENCE_PRESET_RULES[preset].map((r) => ({ ...r })) };
}

/** A meeting as the cadence sees it. */
export type HeldMeeting = {
  docId: string;
  meetingType: string;
  startsAt: number;
  /** The party group of a 党小组会 (CAD-6); null or absent otherwise. */
  groupId?: string | null;
  /** Who gave the lecture (CAD-7). */
  lecturer?: Attendee | null;
  /** False for a record still in draft (CAD-9); absent: final. */
  isFinal?: boolean;
};

/** The meetings of a set of minutes that count for the cadence (CAD-4). */
export function heldMeetings(
  minutes: readonly { docId: string; data: MinutesData }[],
  options: {
    /** Count only finalised minutes; default false. */
    finalOnly?: boolean;
  } = {},
): HeldMeeting[] {
  const out: HeldMeeting[] = [];
  for (const { docId, data } of minutes) {
    if (data.startsAt === null) continue;
    if (options.finalOnly && data.state !== 'final') continue;
    out.push({
      docId,
      meetingType: data.meetingType,
      startsAt: data.startsAt,
      groupId: data.groupId,
      lecturer: data.lecturer,
      isFinal: data.state === 'final',
    });
  }
  return out;
}

export type CadencePeriodStatus = {
  meetingType: CadenceMeetingType;
  /** The party group the row counts (CAD-6); null for other rules and ungrouped meetings. */
  groupId: string | null;
  period: Period;
  required: number;
  held: number;
  /** Doc ids of the meetings that counted, in time order. */
  meetings: string[];
  state: CadenceState;
  aboveMax: boolean;
};

export type CadenceOptions = {
  /**
   * The roster's party groups: with them the party group rule is counted per group (CAD-6);
   * without them (default) all party group meetings are counted together.
   */
  groups?: readonly RosterGroup[];
};

/** True when a group existed during any part of a period. */
function groupExistsIn(group: RosterGroup, period: Period): boolean {
  const formed = group.formed === null ? null : startOfBeijingDate(group.formed);
  const dissolved = group.dissolved === null ? null : startOfBeijingDate(group.dissolved);
  return (
    (formed === null || formed < period.end) && (dissolved === null || dissolved > period.start)
  );
}

/**
 * Where a village stands against its cadence for every period of every rule overlapping
 * `[from, to)`, judged at `now` (CAD-3). Results are grouped by rule (per group for the party
 * group rule when the groups are given, CAD-6), in period order.
 */
export function cadenceReport(
  setting: CadenceSetting,
  meetings: readonly HeldMeeting[],
  range: { from: number; to: number; now: number },
  options: CadenceOptions = {},
): CadencePeriodStatus[] {
  const out: CadencePeriodStatus[] = [];
  // CAD-4: a meeting counts once it has started; one dated after `now` is not held yet.
  const sorted = meetings
    .filter((m) => m.startsAt <= range.now)
    .sort((a, b) => a.startsAt - b.startsAt);
  const rows = (
    rule: CadenceRule,
    ofType: readonly HeldMeeting[],
    groupId: string | null,
    keep: (period: Period, held: number) => boolean = () => true,
  ) => {
    for (const period of periodsBetween(rule.period, range.from, range.to)) {
      const inPeriod = ofType.filter((m) => m.startsAt >= period.start && m.startsAt < period.end);
      const held = inPeriod.length;
      if (!keep(period, held)) continue;
      const final = inPeriod.filter((m) => m.isFinal !== false).length;
      let state: CadenceState;
      if (final >= rule.min) state = 'done';
      else if (held >= rule.min) state = 'unconfirmed';
      else if (range.now >= period.end) state = 'overdue';
      else if (range.now >= period.start) state = 'due';
      else state = 'upcoming';
      out.push({
        meetingType: rule.meetingType,
        groupId,
        period,
        required: rule.min,
        held,
        meetings: inPeriod.map((m) => m.docId),
        state,
        aboveMax: rule.max !== null && held > rule.max,
      });
    }
  };
  const groups = options.groups;
  const own = new Map(
    setting.rules.filter((r) => r.groupId !== undefined).map((r) => [r.groupId!, r]),
  );
  let groupsDone = false;
  for (const rule of setting.rules) {
    const ofType = sorted.filter((m) => m.meetingType === rule.meetingType);
    if (rule.meetingType !== 'party-group' || groups === undefined) {
      if (rule.groupId === undefined) rows(rule, ofType, null);
      continue;
    }
    if (groupsDone) continue;
    groupsDone = true;
    const general = setting.rules.find(
      (r) => r.meetingType === 'party-group' && r.groupId === undefined,
    );
    for (const group of groups) {
      const groupRule = own.get(group.id) ?? general;
      if (!groupRule) continue;
      rows(
        groupRule,
        ofType.filter((m) => m.groupId === group.id),
        group.id,
        (period) => groupExistsIn(group, period),
      );
    }
    const known = new Set(groups.map((g) => g.id));
    const ungrouped = ofType.filter((m) => !known.has(m.groupId ?? ''));
    if (general && ungrouped.length) rows(general, ungrouped, null, (_p, held) => held > 0);
  }
  return out;
}

/**
 * What needs attention now: the current period of each rule, plus earlier ones in `[from, now]`
 * that were missed or whose records are still drafts (CAD-9).
 */
export function cadenceAttention(
  setting: CadenceSetting,
  meetings: readonly HeldMeeting[],
  from: number,
  now: number,
  options: CadenceOptions = {},
): CadencePeriodStatus[] {
  return cadenceReport(setting, meetings, { from, to: now + 1, now }, options).filter(
    (s) => s.state === 'overdue' || s.state === 'due' || s.state === 'unconfirmed',
  );
}

export type SecretaryLectures = {
  year: number;
  /** Who held the office of branch secretary (书记) at some point of the year. */
  secretaries: RosterPerson[];
  /** The year's 党课, in time order, with whether the lecturer was the secretary then. */
  lectures: { docId: string; startsAt: number; lecturer: Attendee | null; bySecretary: boolean }[];
  /** At least one 党课 of the year given by the sitting secretary (CAD-7). */
  met: boolean;
};

/**
 * CAD-7 Did the branch secretary give at least one 党课 in `year` (Beijing)? A lecture counts when
 * its lecturer held the office of 书记 at its start: matched by roster id, else by member id,
 * else by name.
 */
export function secretaryLectures(
  meetings: readonly HeldMeeting[],
  roster: RosterData,
  year: number,
): SecretaryLectures {
  const span = yearPeriod(year);
  const lectures = meetings
    .filter(
      (m) =>
        (m.meetingType === 'party-lecture' || Boolean(m.lecturer?.name.trim())) &&
        m.startsAt >= span.start &&
        m.startsAt < span.end,
    )
    .sort((a, b) => a.startsAt - b.startsAt)
    .map((m) => {
      const secretaries = officeHolders(roster, 'secretary', m.startsAt);
      const l = m.lecturer ?? null;
      const bySecretary =
        l !== null &&
        secretaries.some((s) =>
          l.rosterId
            ? l.rosterId === s.id
            : l.memberId
              ? l.memberId === s.memberId
              : l.name.trim() === s.name,
        );
      return { docId: m.docId, startsAt: m.startsAt, lecturer: l, bySecretary };
    });
  const secretaryIds = new Set(
    roster.memberships
      .filter((m) => m.office === 'secretary')
      .filter(
        (m) =>
          (m.joined === null || startOfBeijingDate(m.joined) < span.end) &&
          (m.left === null || startOfBeijingDate(m.left) > span.start),
      )
      .map((m) => m.personId),
  );
  return {
    year,
    secretaries: roster.people.filter((p) => secretaryIds.has(p.id)),
    lectures,
    met: lectures.some((l) => l.bySecretary),
  };
}

/** True when a meeting type has a required rhythm (CAD-1). */
export function isCadenceMeetingType(t: string): t is CadenceMeetingType {
  return (CADENCE_MEETING_TYPES as readonly string[]).includes(t);
}

/**
 * CAD-5 Where a dashboard starts counting missed periods: the start of the current year in
 * Beijing time, or the workspace's first record if that is later — a village that began keeping
 * records in August has not "missed" the spring. With no record yet, only the current period.
 */
export function attentionFrom(now: number, firstRecordAt: number | null): number {
  const yearStart = beijingInstant(beijingParts(now).year, 1, 1);
  return Math.max(yearStart, Math.min(now, firstRecordAt ?? now));
}

/** True when a meeting type is one of 三会一课. */
export function isSanHuiYiKe(t: string): t is SanHuiYiKeType {
  return (SAN_HUI_YI_KE as readonly string[]).includes(t);
}

/**
 * Who should have attended a meeting (应到), who did (实到) and who did not (缺席), and whether a
 * vote met the national rules: quorum (how many entitled members must be present) and threshold
 * (how many must vote for). Pure functions over `MinutesData` and `RosterData`, so the app shows
 * them while a vote is typed and exports print the same figures.
 *
 * In Chinese law 以上 includes the number itself (半数以上 of 24 is 12 or more); 过半数 / 超过半数
 * means more than half (13 or more of 24).
 *
 * Rules (SPEC.md):
 * - MIN-10 a meeting's body comes from its type (`MEETING_BODY`), with the chosen group for a
 *   党小组会; its 应到 is the body's roster at the meeting's start (ROS-4).
 * - MIN-11 a draft counts against the roster as given; a finalised record counts against the
 *   snapshot of 应到 written when it was finalised, never against the roster as it is now. Records
 *   without a roster body or without a roster count the people listed in their attendance.
 * - VOTE-1 党员大会 (支部工作条例): 半数以上 of the members entitled to vote (正式) present; passes
 *   when the votes for exceed half of the members entitled to vote, not of those present.
 * - VOTE-2 支委会: 半数以上 of the committee present; passes when the votes for exceed half of the
 *   committee (the members' meeting rule applied to the committee).
 * - VOTE-3 村民代表会议 (村民委员会组织法 §26): 三分之二以上 of its members (村委 members and 村民代表,
 *   §25) present; a decision needs 过半数 of those present.
 * - VOTE-4 村民会议 (§22): 过半数 of the villagers aged 18 and over present, or representatives of
 *   三分之二以上 of the households, from counts typed into the record; decisions by 过半数 of those
 *   present. Any other meeting: more than half of the voters present.
 * - VOTE-7 a rule that counts the members entitled to vote is not judged without the roster: the
 *   people a record lists are not its 应到.
 */
import { bodyRoster, type BodyRef as RosterBodyRef } from './roster.ts';
import {
  type AbsenceReason,
  type Attendance,
  type ExpectedSnapshot,
  MEETING_BODY,
  type MeetingBodyRef,
  type MeetingType,
  type MinutesData,
  type RosterData,
  type Tally,
  type VillagerBasis,
  type Vote,
  type VoteRuleId,
} from './schema.ts';

/** A share of a count: `num/den`, reached at exactly that share when `inclusive` (以上), else only above it (过/超过). */
export type Share = { num: number; den: number; inclusive: boolean };

/** How one kind of meeting judges a vote (VOTE-1…4). */
export type VoteRule = {
  id: VoteRuleId;
  /** Who must be present, as a share of the members entitled to vote; null: no quorum rule. */
  quorum: Share | null;
  /** Votes for needed, as a share of the members entitled to vote or of the voters present. */
  pass: Share & { of: 'entitled' | 'present' };
};

const HALF_OR_MORE: Share = { num: 1, den: 2, inclusive: true };
const MORE_THAN_HALF: Share = { num: 1, den: 2, inclusive: false };
const TWO_THIRDS_OR_MORE: Share = { num: 2, den: 3, inclusive: true };

const PARTY_MEMBERS_RULE: VoteRule = {
  id: 'party-members',
  quorum: HALF_OR_MORE,
  pass: { ...MORE_THAN_HALF, of: 'entitled' },
};
const SIMPLE_MAJORITY: VoteRule = {
  id: 'simple-majority',
  quorum: null,
  pass: { ...MORE_THAN_HALF, of: 'present' },
};

/** The rule each meeting type's votes are judged by. */
export const VOTE_RULE_OF: Readonly<Record<MeetingType, VoteRule>> = {
  'party-members': PARTY_MEMBERS_RULE,
  'branch-committee': {
    id: 'branch-committee',
    quorum: HALF_OR_MORE,
    pass: { ...MORE_THAN_HALF, of: 'entitled' },
  },
  'villager-representatives': {
    id: 'villager-representatives',
    quorum: TWO_THIRDS_OR_MORE,
    pass: { ...MORE_THAN_HALF, of: 'present' },
  },
  // The quorum of a villagers' assembly depends on how it was convened (VILLAGER_QUORUM).
  villagers: { id: 'villagers', quorum: null, pass: { ...MORE_THAN_HALF, of: 'present' } },
  'party-group': SIMPLE_MAJORITY,
  'party-lecture': SIMPLE_MAJORITY,
  'theme-party-day': SIMPLE_MAJORITY,
  'organisational-life': SIMPLE_MAJORITY,
  'member-appraisal': SIMPLE_MAJORITY,
  'joint-committees': SIMPLE_MAJORITY,
  other: SIMPLE_MAJORITY,
};

/** 村民会议 quorum by how it was convened (VOTE-4). */
export const VILLAGER_QUORUM: Readonly<Record<VillagerBasis, Share>> = {
  adults: MORE_THAN_HALF,
  households: TWO_THIRDS_OR_MORE,
};

/**
 * VOTE-8: whether a meeting whose rule has a quorum (党员大会, 支委会, 村民代表会议) had it: the
 * members entitled to vote present against those who should have been. Null for meetings without
 * a quorum rule, a villagers' assembly (its counts are typed, VOTE-4), or counts that cannot be
 * judged (no roster, VOTE-7).
 */
export function meetingQuorumMet(m: MinutesData, roster: RosterData | null): boolean | null {
  const rule = VOTE_RULE_OF[m.meetingType];
  if (rule.quorum === null) return null;
  const count = meetingAttendance(m, roster);
  if (count.source === 'attendance' || count.source === 'villager-counts') return null;
  return count.voters > 0 && count.votersPresent >= requiredFor(rule.quorum, count.voters);
}

/** The smallest count that reaches a share of `of` (VOTE-1…4): 以上 includes the share itself. */
export function requiredFor(share: Share, of: number): number {
  const exact = (of * share.num) / share.den;
  return share.inclusive ? Math.ceil(exact) : Math.floor(exact) + 1;
}

/** The body a meeting belongs to (MIN-10); null for meetings without one. */
export function meetingBody(
  m: Pick<MinutesData, 'meetingType' | 'groupId'>,
): MeetingBodyRef | null {
  const body = MEETING_BODY[m.meetingType];
  if (body === null) return null;
  return { body, groupId: body === 'party-group' ? m.groupId : null };
}

/** A person expected at a meeting (应到). */
export type ExpectedMember = {
  /** The attendance key that marks them (`r:<rosterId>` for roster people). */
  key: string;
  /** Their roster person id; null when counted from a record's own attendance list. */
  personId: string | null;
  name: string;
  /** Entitled to vote (正式党员 in party bodies). */
  voting: boolean;
};

export type AbsentMember = ExpectedMember & {
  /** The reason marked; null when they were not marked at all. */
  reason: AbsenceReason | null;
  note: string;
};

/** 应到 / 实到 / 缺席 of one record (MIN-10, MIN-11). */
export type MeetingCount = {
  body: MeetingBodyRef | null;
  /**
   * Where 应到 came from: the record's snapshot (finalised), the roster as of the meeting (draft),
   * the people listed in its attendance (no roster body or no roster), or the typed counts
   * (村民会议).
   */
  source: 'snapshot' | 'roster' | 'attendance' | 'villager-counts';
  /** 应到, by name (empty for a villagers' assembly). */
  expected: ExpectedMember[];
  /** 应到 */
  expectedCount: number;
  /** 实到: expected people marked present (or the typed count). */
  presentCount: number;
  /** 缺席: expected people not marked present, with the reason when one was given. */
  absent: AbsentMember[];
  absentCount: number;
  /** Members entitled to vote (应到 with a vote). */
  voters: number;
  /** Of those, present. */
  votersPresent: number;
  /** Present people who are not expected (列席, guests by name). */
  guests: Attendance[];
};

/** `r:<personId>`: the attendance key of a roster person. */
export function rosterAttendanceKey(personId: string): string {
  return `r:${personId}`;
}

/** 应到 of a roster body at an instant, as a record's snapshot stores it (MIN-11). */
export function expectedFromRoster(
  roster: RosterData,
  ref: RosterBodyRef,
  at: number,
): ExpectedSnapshot {
  return {
    body: ref.body,
    groupId: ref.groupId ?? null,
    at,
    members: bodyRoster(roster, ref, at).map((m) => ({
      personId: m.personId,
      name: m.name,
      voting: m.voting,
    })),
  };
}

/** True when a record's 应到 comes from the roster (a body with a roster and a roster to read). */
function countsFromRoster(m: MinutesData, roster: RosterData | null): RosterBodyRef | null {
  const ref = meetingBody(m);
  if (!ref || ref.body === 'villagers' || !roster || m.state === 'final') return null;
  // A 党小组会 whose group is not chosen yet has no roster to count against.
  if (ref.body === 'party-group' && ref.groupId === null) return null;
  return ref;
}

/**
 * 应到 / 实到 / 缺席 of a record (MIN-10, MIN-11): a finalised record counts against its own
 * snapshot; a draft against the roster as of its start (current members when it has no start);
 * without a roster body or a roster, the people listed in its attendance; a villagers' assembly
 * from its typed counts.
 */
export function meetingAttendance(m: MinutesData, roster: RosterData | null): MeetingCount {
  const body = meetingBody(m);
  if (body?.body === 'villagers') {
    const eligible = m.villagers?.eligible ?? 0;
    const present = m.villagers?.present ?? 0;
    return {
      body,
      source: 'villager-counts',
      expected: [],
      expectedCount: eligible,
      presentCount: present,
      absent: [],
      absentCount: Math.max(0, eligible - present),
      voters: eligible,
      votersPresent: present,
      guests: m.attendance.filter((a) => a.present),
    };
  }
  let source: MeetingCount['source'];
  let expected: ExpectedMember[];
  const fromRoster = countsFromRoster(m, roster);
  if (m.state === 'final' && m.expected) {
    source = 'snapshot';
    expected = m.expected.members.map((x) => ({ key: rosterAttendanceKey(x.personId), ...x }));
  } else if (fromRoster && roster) {
    source = 'roster';
    const at = m.startsAt ?? Number.MAX_SAFE_INTEGER;
    expected = bodyRoster(roster, fromRoster, at).map((x) => ({
      key: rosterAttendanceKey(x.personId),
      personId: x.personId,
      name: x.name,
      voting: x.voting,
    }));
  } else {
    source = 'attendance';
    expected = m.attendance.map((a) => ({
      key: a.key,
      personId: a.rosterId,
      name: a.person.name,
      voting: true,
    }));
  }
  const marks = new Map(m.attendance.map((a) => [a.key, a]));
  const expectedKeys = new Set(expected.map((x) => x.key));
  const absent: AbsentMember[] = [];
  let presentCount = 0;
  let votersPresent = 0;
  for (const x of expected) {
    const mark = marks.get(x.key);
    if (mark?.present) {
      presentCount++;
      if (x.voting) votersPresent++;
    } else {
      absent.push({ ...x, reason: mark?.absenceReason ?? null, note: mark?.absenceNote ?? '' });
    }
  }
  return {
    body,
    source,
    expected,
    expectedCount: expected.length,
    presentCount,
    absent,
    absentCount: absent.length,
    voters: expected.filter((x) => x.voting).length,
    votersPresent,
    guests: m.attendance.filter((a) => a.present && !expectedKeys.has(a.key)),
  };
}

/** What the rules say about one vote (VOTE-1…5), for showing while it is typed and for checks. */
export type VoteCheck = {
  voteId: string;
  rule: VoteRuleId;
  /** Null when the meeting type has no quorum rule. */
  quorum: {
    /** The members entitled to vote (应到有表决权), or the typed eligible count. */
    entitled: number;
    /** How many of them must be present. */
    required: number;
    present: number;
    met: boolean;
  } | null;
  threshold: {
    /** What the share is taken of: the members entitled to vote, or the voters present. */
    of: 'entitled' | 'present';
    base: number;
    /** Votes for needed. */
    required: number;
    for: number;
    passed: boolean;
  };
  /** True when the tally fits the voters present (DEC-1); a misfit is a mistake in the record, reported apart. */
  tallyFits: boolean;
  /**
   * False when the counts are unknown: a villagers' assembly without typed counts, or a meeting
   * whose rule counts the members entitled to vote with no roster to count them from (VOTE-7).
   */
  complete: boolean;
  /** What is missing when not complete: the typed counts, or the roster; null when complete. */
  missing: 'villager-counts' | 'roster' | null;
  /**
   * Quorum met (or none required), threshold reached, the counts known and the tally possible: a
   * tally larger than the voters present is a mistake in the record, and no outcome is read
   * from it (VOTE-6).
   */
  passed: boolean;
};

/** Judges a tally against a meeting type's rule, given the counts (VOTE-1…4). */
export function judgeVote(
  rule: VoteRule,
  quorumShare: Share | null,
  counts: { entitled: number; present: number },
  tally: Tally,
): Omit<VoteCheck, 'voteId' | 'complete' | 'missing'> {
  const quorum =
    quorumShare === null
      ? null
      : (() => {
          const required = requiredFor(quorumShare, counts.entitled);
          return {
            entitled: counts.entitled,
            required,
            present: counts.present,
            met: counts.entitled > 0 && counts.present >= required,
          };
        })();
  const base = rule.pass.of === 'entitled' ? counts.entitled : counts.present;
  const required = requiredFor(rule.pass, base);
  const threshold = {
    of: rule.pass.of,
    base,
    required,
    for: tally.for,
    passed: base > 0 && tally.for >= required,
  };
  const tallyFits = tally.for + tally.against + tally.abstain <= counts.present;
  return {
    rule: rule.id,
    quorum,
    threshold,
    tallyFits,
    passed: (quorum?.met ?? true) && threshold.passed && tallyFits,
  };
}

/**
 * Quorum and threshold of one vote of a record (VOTE-1…5): required, present, met; required for,
 * for, passed. Counts come from `meetingAttendance` (MIN-11).
 */
export function voteCheck(m: MinutesData, vote: Vote, roster: RosterData | null): VoteCheck {
  const rule = VOTE_RULE_OF[m.meetingType];
  const count = meetingAttendance(m, roster);
  const isVillagers = count.source === 'villager-counts';
  const quorumShare = isVillagers ? VILLAGER_QUORUM[m.villagers?.basis ?? 'adults'] : rule.quorum;
  // VOTE-7: a rule that counts the members entitled to vote cannot be judged from the people the
  // record happens to list: 应到 would be whoever was typed, and every quorum would be met.
  const countsEntitled = rule.quorum !== null || rule.pass.of === 'entitled';
  const missing = isVillagers
    ? m.villagers?.eligible != null && m.villagers.present != null
      ? null
      : ('villager-counts' as const)
    : countsEntitled && count.source === 'attendance'
      ? ('roster' as const)
      : null;
  const complete = missing === null;
  const judged = judgeVote(
    rule,
    quorumShare,
    { entitled: count.voters, present: count.votersPresent },
    vote.tally,
  );
  return { voteId: vote.id, ...judged, complete, missing, passed: judged.passed && complete };
}

/** Every vote of a record, checked (VOTE-1…5). */
export function voteChecks(m: MinutesData, roster: RosterData | null): VoteCheck[] {
  return m.votes.map((v) => voteCheck(m, v, roster));
}

import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DomainError } from './DomainError.ts';
import { createDoc } from './doc.ts';
import {
  finaliseMinutes,
  initMinutes,
  markAttendance,
  readMinutes,
  recordVote,
  reopenMinutes,
  setMeetingFields,
  setVillagerCounts,
  setVoteOutcome,
  setVoteTally,
  validateMinutes,
} from './minutes.ts';
import { meetingAttendance, meetingQuorumMet, requiredFor, voteCheck } from './quorum.ts';
import {
  addGroup,
  addPerson,
  confirmFullMember,
  initRoster,
  joinBody,
  leaveBody,
  readRoster,
  renamePerson,
} from './roster.ts';
import type { MeetingType, RosterBody, Tally } from './schema.ts';
import { beijingInstant } from './time.ts';

const AT = beijingInstant(2025, 6, 10, 9, 30);

/** A roster with `n` people in a body (ids p1…pn); the first `probationary` are 预备党员. */
function rosterWith(body: RosterBody, n: number, options: { probationary?: number } = {}) {
  const doc = createDoc({ clientID: 50 });
  initRoster(doc, { title: '名册', createdAt: 1 });
  for (let i = 1; i <= n; i++) {
    const id = addPerson(doc, { id: `p${i}`, name: `成员${String(i).padStart(2, '0')}` });
    const probationary = i <= (options.probationary ?? 0);
    if (body === 'party') {
      joinBody(doc, id, { body }, { status: probationary ? 'probationary' : 'full' });
    } else joinBody(doc, id, { body });
  }
  return doc;
}

/** Minutes of a meeting with the first `present` roster people present and one vote. */
function meetingOf(type: MeetingType, present: number, tally: Tally, total: number) {
  const doc = createDoc({ clientID: 60 });
  initMinutes(doc, { title: '会议', meetingType: type, startsAt: AT, createdAt: 1 });
  for (let i = 1; i <= total; i++) {
    const p = { name: `成员${String(i).padStart(2, '0')}`, rosterId: `p${i}` };
    if (i <= present) markAttendance(doc, p, { present: true });
    else markAttendance(doc, p, { present: false, reason: 'working-away' });
  }
  const voteId = recordVote(doc, { motion: '动议', tally });
  return { doc, voteId };
}

const check = (doc: Y.Doc, voteId: string, roster: Y.Doc) => {
  const m = readMinutes(doc);
  return voteCheck(m, m.votes.find((v) => v.id === voteId)!, readRoster(roster));
};

describe('应到 / 实到 / 缺席 against the roster', () => {
  it('VOTE-1 以上 includes the share itself, 过半数 does not', () => {
    expect(requiredFor({ num: 1, den: 2, inclusive: true }, 24)).toBe(12);
    expect(requiredFor({ num: 1, den: 2, inclusive: false }, 24)).toBe(13);
    expect(requiredFor({ num: 1, den: 2, inclusive: true }, 25)).toBe(13);
    expect(requiredFor({ num: 2, den: 3, inclusive: true }, 30)).toBe(20);
    expect(requiredFor({ num: 2, den: 3, inclusive: true }, 31)).toBe(21);
    expect(requiredFor({ num: 1, den: 2, inclusive: false }, 18)).toBe(10);
  });

  it('MIN-10 a party group meeting counts its chosen group as of the meeting; guests by name are apart', () => {
    const roster = createDoc();
    initRoster(roster, { title: '名册' });
    const g1 = addGroup(roster, { id: 'g1', name: '第一党小组' });
    const g2 = addGroup(roster, { id: 'g2', name: '第二党小组' });
    for (const [id, g, joined] of [
      ['a', g1, null],
      ['b', g1, '2025-07-01'],
      ['c', g2, null],
      ['d', g1, null],
    ] as const) {
      addPerson(roster, { id, name: id });
      joinBody(roster, id, { body: 'party' });
      joinBody(roster, id, { body: 'party-group', groupId: g }, { joined });
    }
    leaveBody(roster, 'd', { body: 'party-group', groupId: g1 }, '2025-06-10');
    const doc = createDoc();
    initMinutes(doc, { title: '党小组会', meetingType: 'party-group', groupId: g1, startsAt: AT });
    markAttendance(doc, { name: 'a', rosterId: 'a' }, { present: true });
    markAttendance(doc, { name: '陈明' }, { present: true });
    const m = readMinutes(doc);
    expect(m.body).toEqual({ body: 'party-group', groupId: 'g1' });
    const count = meetingAttendance(m, readRoster(roster));
    expect(count).toMatchObject({
      source: 'roster',
      expectedCount: 1,
      presentCount: 1,
      absentCount: 0,
    });
    expect(count.expected.map((x) => x.personId)).toEqual(['a']);
    expect(count.guests.map((g) => g.person.name)).toEqual(['陈明']);
  });

  it('MIN-10 unmarked members are absent without a reason; marked ones carry theirs', () => {
    const roster = rosterWith('villager-representatives', 4);
    const doc = createDoc();
    initMinutes(doc, { title: '代表会', meetingType: 'villager-representatives', startsAt: AT });
    markAttendance(doc, { name: '成员01', rosterId: 'p1' }, { present: true });
    markAttendance(doc, { name: '成员02', rosterId: 'p2' }, { present: false, reason: 'on-duty' });
    const count = meetingAttendance(readMinutes(doc), readRoster(roster));
    expect(count.absent.map((a) => [a.personId, a.reason])).toEqual([
      ['p2', 'on-duty'],
      ['p3', null],
      ['p4', null],
    ]);
    expect([count.expectedCount, count.presentCount, count.absentCount]).toEqual([4, 1, 3]);
  });

  it('MIN-11 a finalised record keeps its own 应到: later roster edits do not rewrite it', () => {
    const roster = rosterWith('party', 5);
    const { doc, voteId } = meetingOf('party-members', 3, { for: 3, against: 0, abstain: 0 }, 5);
    setVoteOutcome(doc, voteId, 'passed');
    const draft = meetingAttendance(readMinutes(doc), readRoster(roster));
    expect(draft).toMatchObject({ source: 'roster', expectedCount: 5, presentCount: 3 });
    finaliseMinutes(doc, { name: '王书记' }, { roster: readRoster(roster), at: AT + 7200_000 });
    // Later: a member is back-dated as having left before the meeting, another renamed, one added.
    leaveBody(roster, 'p5', { body: 'party' }, '2025-01-01');
    renamePerson(roster, 'p1', '改名');
    addPerson(roster, { id: 'p6', name: '新党员' });
    joinBody(roster, 'p6', { body: 'party' });
    const final = readMinutes(doc);
    const after = meetingAttendance(final, readRoster(roster));
    expect(after).toMatchObject({ source: 'snapshot', expectedCount: 5, presentCount: 3 });
    expect(after.expected.map((x) => x.name)).toContain('成员01');
    expect(final.expected?.members).toHaveLength(5);
    // Reopened, it is a draft again and counts against the roster as it is now.
    reopenMinutes(doc);
    expect(meetingAttendance(readMinutes(doc), readRoster(roster)).expectedCount).toBe(5);
    expect(
      meetingAttendance(readMinutes(doc), readRoster(roster)).expected.map((x) => x.personId),
    ).toEqual(['p2', 'p3', 'p4', 'p1', 'p6']); // by name: p1 is now 改名
  });

  it('MIN-11 records marking roster people cannot be finalised without the roster; others count as listed', () => {
    const { doc } = meetingOf('party-members', 3, { for: 3, against: 0, abstain: 0 }, 5);
    const before = Y.encodeStateVector(doc);
    expect(() => finaliseMinutes(doc, { name: '王书记' })).toThrow(/roster/);
    expect(Y.encodeStateVector(doc)).toEqual(before);
    const legacy = createDoc();
    initMinutes(legacy, { title: '旧', meetingType: 'party-members', startsAt: AT });
    markAttendance(legacy, { name: '张三' }, { present: true });
    markAttendance(legacy, { name: '李四' }, { present: false, reason: 'leave' });
    const count = meetingAttendance(readMinutes(legacy), null);
    expect(count).toMatchObject({ source: 'attendance', expectedCount: 2, presentCount: 1 });
  });
});

describe('the national voting rules', () => {
  it('VOTE-1 党员大会 24 members, 14 present, 8 for: quorum met, not passed (more than half of 24 needed)', () => {
    const roster = rosterWith('party', 24);
    const { doc, voteId } = meetingOf('party-members', 14, { for: 8, against: 4, abstain: 2 }, 24);
    const c = check(doc, voteId, roster);
    expect(c.rule).toBe('party-members');
    expect(c.quorum).toEqual({ entitled: 24, required: 12, present: 14, met: true });
    expect(c.threshold).toMatchObject({ of: 'entitled', base: 24, required: 13, for: 8 });
    expect(c.threshold.passed).toBe(false);
    expect(c.passed).toBe(false);
  });

  it('VOTE-1 exactly half present is a quorum (以上); exactly half for does not pass; 13 does', () => {
    const roster = rosterWith('party', 24);
    const half = meetingOf('party-members', 12, { for: 12, against: 0, abstain: 0 }, 24);
    const c = check(half.doc, half.voteId, roster);
    expect(c.quorum).toMatchObject({ required: 12, present: 12, met: true });
    expect(c.threshold).toMatchObject({ required: 13, for: 12, passed: false });
    const below = meetingOf('party-members', 11, { for: 11, against: 0, abstain: 0 }, 24);
    expect(check(below.doc, below.voteId, roster).quorum).toMatchObject({ met: false });
    const thirteen = meetingOf('party-members', 13, { for: 13, against: 0, abstain: 0 }, 24);
    expect(check(thirteen.doc, thirteen.voteId, roster).passed).toBe(true);
  });

  it('VOTE-1 预备党员 present do not count for quorum or votes; a member who left before is not 应到', () => {
    // 24 on the roster, 4 of them 预备党员: 20 entitled to vote.
    const roster = rosterWith('party', 24, { probationary: 4 });
    // p24 left before the meeting: not 应到, so 19 entitled.
    leaveBody(roster, 'p24', { body: 'party' }, '2025-06-01');
    // p1-p4 (预备) and p5-p12 present: 12 present, 8 of them entitled to vote.
    const { doc, voteId } = meetingOf('party-members', 12, { for: 8, against: 0, abstain: 0 }, 23);
    const m = readMinutes(doc);
    const count = meetingAttendance(m, readRoster(roster));
    expect([count.expectedCount, count.presentCount, count.voters, count.votersPresent]).toEqual([
      23, 12, 19, 8,
    ]);
    const c = check(doc, voteId, roster);
    expect(c.quorum).toEqual({ entitled: 19, required: 10, present: 8, met: false });
    expect(c.passed).toBe(false);
    // The 预备党员 becomes 正式 on the meeting day: now 9 of 20 entitled are present.
    confirmFullMember(roster, 'p1', '2025-06-10');
    expect(check(doc, voteId, roster).quorum).toEqual({
      entitled: 20,
      required: 10,
      present: 9,
      met: false,
    });
    // A tally larger than the voters present is refused (DEC-1), even if all present voted.
    const tooMany = meetingOf('party-members', 12, { for: 10, against: 0, abstain: 0 }, 23);
    expect(validateMinutes(readMinutes(tooMany.doc), { roster: readRoster(roster) })).toEqual([
      expect.objectContaining({ code: 'tally-exceeds-attendance' }),
    ]);
  });

  it('VOTE-2 支委会: 半数以上 of the committee present; more than half of the committee for', () => {
    const roster = rosterWith('branch-committee', 5);
    const ok = meetingOf('branch-committee', 3, { for: 3, against: 0, abstain: 0 }, 5);
    expect(check(ok.doc, ok.voteId, roster)).toMatchObject({
      rule: 'branch-committee',
      quorum: { required: 3, present: 3, met: true },
      threshold: { required: 3, passed: true },
      passed: true,
    });
    const short = meetingOf('branch-committee', 2, { for: 2, against: 0, abstain: 0 }, 5);
    expect(check(short.doc, short.voteId, roster).quorum).toMatchObject({ met: false });
  });

  it('VOTE-6 a tally larger than the voters present does not pass, though its votes for would', () => {
    const roster = rosterWith('branch-committee', 7);
    // 7 on the committee, all present, and 9 votes for: a mistake in the record.
    const wrong = meetingOf('branch-committee', 7, { for: 9, against: 0, abstain: 0 }, 7);
    expect(check(wrong.doc, wrong.voteId, roster)).toMatchObject({
      quorum: { met: true },
      threshold: { passed: true },
      tallyFits: false,
      passed: false,
    });
  });

  it('VOTE-3 村民代表会议 30 representatives, 18 present, 15 for: no quorum (20 needed), not passed', () => {
    const roster = rosterWith('villager-representatives', 30);
    const { doc, voteId } = meetingOf(
      'villager-representatives',
      18,
      { for: 15, against: 2, abstain: 1 },
      30,
    );
    const c = check(doc, voteId, roster);
    expect(c.quorum).toEqual({ entitled: 30, required: 20, present: 18, met: false });
    // More than half of those present did vote for: the threshold alone would pass.
    expect(c.threshold).toMatchObject({ of: 'present', base: 18, required: 10, passed: true });
    expect(c.passed).toBe(false);
  });

  it('VOTE-3 exactly two thirds present is a quorum; the decision needs more than half of those present', () => {
    const roster = rosterWith('villager-representatives', 30);
    const twoThirds = meetingOf(
      'villager-representatives',
      20,
      { for: 11, against: 9, abstain: 0 },
      30,
    );
    expect(check(twoThirds.doc, twoThirds.voteId, roster)).toMatchObject({
      quorum: { required: 20, present: 20, met: true },
      threshold: { required: 11, passed: true },
      passed: true,
    });
    const half = meetingOf(
      'villager-representatives',
      20,
      { for: 10, against: 10, abstain: 0 },
      30,
    );
    expect(check(half.doc, half.voteId, roster).passed).toBe(false);
  });

  it('VOTE-3 the representatives meeting counts the villagers’ committee members too (§25)', () => {
    const roster = rosterWith('villager-representatives', 3);
    addPerson(roster, { id: 'd', name: '村主任' });
    joinBody(roster, 'd', { body: 'village-committee' }, { office: 'director' });
    const { doc, voteId } = meetingOf(
      'villager-representatives',
      3,
      { for: 3, against: 0, abstain: 0 },
      3,
    );
    expect(check(doc, voteId, roster).quorum).toMatchObject({
      entitled: 4,
      required: 3,
      present: 3,
    });
  });

  it('VOTE-4 村民会议: 过半数 of villagers aged 18+, or 三分之二以上 of households, from typed counts', () => {
    const doc = createDoc();
    initMinutes(doc, { title: '村民会议', meetingType: 'villagers', startsAt: AT });
    const voteId = recordVote(doc, {
      motion: '修订村规民约',
      tally: { for: 200, against: 20, abstain: 0 },
    });
    const c = () => {
      const m = readMinutes(doc);
      return voteCheck(m, m.votes[0]!, null);
    };
    expect(c()).toMatchObject({ rule: 'villagers', complete: false, passed: false });
    setVillagerCounts(doc, { basis: 'adults', eligible: 800, present: 400 });
    expect(c().quorum).toEqual({ entitled: 800, required: 401, present: 400, met: false });
    setVillagerCounts(doc, { present: 401 });
    expect(c()).toMatchObject({ complete: true, passed: false, threshold: { required: 201 } });
    setVoteTally(doc, voteId, { for: 201 });
    expect(c()).toMatchObject({ complete: true, passed: true });
    setVillagerCounts(doc, { basis: 'households', eligible: 300, present: 200 });
    setVoteTally(doc, voteId, { for: 101, against: 99 });
    expect(c().quorum).toEqual({ entitled: 300, required: 200, present: 200, met: true });
    expect(c().threshold).toMatchObject({ base: 200, required: 101, for: 101, passed: true });
    setVillagerCounts(doc, { present: 199 });
    expect(c().quorum?.met).toBe(false);
    expect(readMinutes(doc).villagers).toEqual({
      basis: 'households',
      eligible: 300,
      present: 199,
    });
  });

  it('VOTE-5 finalising refuses a vote recorded as passed that lacks quorum or threshold', () => {
    const roster = readRoster(rosterWith('villager-representatives', 30));
    const { doc, voteId } = meetingOf(
      'villager-representatives',
      18,
      { for: 15, against: 2, abstain: 1 },
      30,
    );
    setVoteOutcome(doc, voteId, 'passed');
    expect(validateMinutes(readMinutes(doc), { roster })).toEqual([
      expect.objectContaining({ code: 'vote-not-carried', ref: voteId }),
    ]);
    const before = Y.encodeStateVector(doc);
    expect(() => finaliseMinutes(doc, { name: '李主任' }, { roster })).toThrow(
      /18 of 30 entitled to vote were present; 20 are needed/,
    );
    expect(Y.encodeStateVector(doc)).toEqual(before);
    // Recorded as not passed, the record is consistent and can be finalised.
    setVoteOutcome(doc, voteId, 'rejected');
    finaliseMinutes(doc, { name: '李主任' }, { roster });
    expect(readMinutes(doc).state).toBe('final');

    const party = readRoster(rosterWith('party', 24));
    const pm = meetingOf('party-members', 14, { for: 8, against: 4, abstain: 2 }, 24);
    setVoteOutcome(pm.doc, pm.voteId, 'passed');
    expect(() => finaliseMinutes(pm.doc, { name: '王书记' }, { roster: party })).toThrow(
      /8 voted for; 13 are needed/,
    );
    expect(() => setVoteOutcome(pm.doc, pm.voteId, 'maybe' as never)).toThrow(DomainError);
  });

  it('VOTE-8 a meeting with a quorum rule says whether it had its quorum; others say nothing', () => {
    const party = readRoster(rosterWith('party', 24));
    const quorum = (present: number, type: MeetingType = 'party-members') =>
      meetingQuorumMet(
        readMinutes(meetingOf(type, present, { for: 0, against: 0, abstain: 0 }, 24).doc),
        party,
      );
    expect(quorum(11)).toBe(false);
    expect(quorum(12)).toBe(true);
    expect(quorum(12, 'party-lecture')).toBeNull();
    expect(
      meetingQuorumMet(
        readMinutes(meetingOf('party-members', 5, { for: 0, against: 0, abstain: 0 }, 5).doc),
        null,
      ),
    ).toBeNull();
  });

  it('VOTE-7 without a roster, a rule that counts the members entitled to vote cannot be judged', () => {
    // A branch of 24: the recorder types only the 5 who came and records 3-2-0 as passed.
    const doc = createDoc();
    initMinutes(doc, { title: '党员大会', meetingType: 'party-members', startsAt: AT });
    for (let i = 1; i <= 5; i++) markAttendance(doc, { name: `党员${i}` }, { present: true });
    const voteId = recordVote(doc, {
      motion: '修路',
      tally: { for: 3, against: 2, abstain: 0 },
      outcome: 'passed',
    });
    const check = voteCheck(readMinutes(doc), readMinutes(doc).votes[0]!, null);
    expect(check).toMatchObject({ complete: false, missing: 'roster', passed: false });
    expect(validateMinutes(readMinutes(doc))).toEqual([
      expect.objectContaining({ code: 'vote-not-carried', ref: voteId }),
    ]);
    expect(() => finaliseMinutes(doc, { name: '王书记' })).toThrow(/no roster/);
    // Recorded as not passed, it is consistent; and with the roster the vote is judged.
    setVoteOutcome(doc, voteId, 'rejected');
    expect(validateMinutes(readMinutes(doc))).toEqual([]);
    // A meeting judged by those present (a 两委联席会议) is judged from the people listed.
    setMeetingFields(doc, { meetingType: 'joint-committees' });
    expect(voteCheck(readMinutes(doc), readMinutes(doc).votes[0]!, null)).toMatchObject({
      complete: true,
      missing: null,
      passed: true,
    });
  });

  it('MIN-10 a 党小组会 names its group; changing the type keeps the group for the record', () => {
    const doc = createDoc();
    initMinutes(doc, { title: '会', meetingType: 'party-group', startsAt: AT });
    expect(readMinutes(doc).body).toEqual({ body: 'party-group', groupId: null });
    setMeetingFields(doc, { groupId: 'g2', lecturer: { name: '王建国', rosterId: 'p1' } });
    expect(readMinutes(doc)).toMatchObject({
      groupId: 'g2',
      body: { body: 'party-group', groupId: 'g2' },
      lecturer: { name: '王建国', rosterId: 'p1' },
    });
    setMeetingFields(doc, { meetingType: 'other' });
    expect(readMinutes(doc).body).toBeNull();
    expect(() => setMeetingFields(doc, { groupId: 'not an id!' })).toThrow(DomainError);
  });
});

describe('MIN-10 a party group meeting without its group', () => {
  it('MIN-10 counts as listed until the group is chosen, and cannot be finalised without it', () => {
    const roster = createDoc();
    initRoster(roster, { title: '名册' });
    const g = addGroup(roster, { id: 'g1', name: '第一党小组' });
    addPerson(roster, { id: 'a', name: '甲' });
    joinBody(roster, 'a', { body: 'party' });
    joinBody(roster, 'a', { body: 'party-group', groupId: g });
    const doc = createDoc();
    initMinutes(doc, { title: '党小组会', meetingType: 'party-group', startsAt: AT });
    markAttendance(doc, { name: '甲', rosterId: 'a' }, { present: true });
    const r = readRoster(roster);
    expect(meetingAttendance(readMinutes(doc), r)).toMatchObject({
      source: 'attendance',
      expectedCount: 1,
    });
    expect(validateMinutes(readMinutes(doc), { roster: r }).map((i) => i.code)).toEqual([
      'no-group',
    ]);
    expect(() => finaliseMinutes(doc, { name: '王书记' }, { roster: r })).toThrow(/party group/);
    setMeetingFields(doc, { groupId: g });
    finaliseMinutes(doc, { name: '王书记' }, { roster: r });
    expect(readMinutes(doc).expected?.members.map((x) => x.personId)).toEqual(['a']);
  });
});

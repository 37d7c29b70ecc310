import { describe, expect, it } from 'vitest';
import { traceDecisionCase, votePassed } from './decision.ts';
import { createDoc } from './doc.ts';
import { addDecisionCase, initIndex, readIndex, recordPublication } from './index-doc.ts';
import {
  addDecision,
  finaliseMinutes,
  initMinutes,
  markAttendance,
  readMinutes,
  recordVote,
  setVillagerCounts,
} from './minutes.ts';
import { addPerson, initRoster, joinBody, readRoster } from './roster.ts';
import type { MeetingStep, MeetingType, Tally } from './schema.ts';
import { beijingInstant } from './time.ts';

const CASE = 'road';

/** 40 party members (m1…m40) and 40 villagers' representatives (v1…v40): votes are counted against them (VOTE-7). */
const ROSTER = (() => {
  const doc = createDoc();
  initRoster(doc, { title: '名册' });
  for (let i = 1; i <= 40; i++) {
    addPerson(doc, { id: `m${i}`, name: `党员${i}` });
    joinBody(doc, `m${i}`, { body: 'party' });
    addPerson(doc, { id: `v${i}`, name: `代表${i}` });
    joinBody(doc, `v${i}`, { body: 'villager-representatives' });
  }
  return readRoster(doc);
})();

/** A meeting of one step; the first `present` of its body's roster marked present. */
function meeting(
  meetingType: MeetingType,
  startsAt: number,
  step: MeetingStep,
  opts: { present?: number; tally?: Tally } = {},
) {
  const doc = createDoc();
  initMinutes(doc, { title: step, meetingType, startsAt, place: '村委会' });
  const prefix = meetingType === 'villager-representatives' ? 'v' : 'm';
  for (let i = 1; i <= (opts.present ?? 5); i++) {
    markAttendance(doc, { name: `${prefix}${i}`, rosterId: `${prefix}${i}` }, { present: true });
  }
  const voteId = opts.tally ? recordVote(doc, { motion: '村道硬化', tally: opts.tally }) : null;
  addDecision(doc, { text: '村道硬化', voteId, caseId: CASE, step });
  return { docId: `${step}-${startsAt}`, data: readMinutes(doc) };
}

function caseWithPublications(pubs: { step: 'resolution-public' | 'result-public'; at: number }[]) {
  const index = createDoc();
  initIndex(index, { name: '幸福村' });
  addDecisionCase(index, { id: CASE, title: '村道硬化工程', createdAt: 0 });
  for (const p of pubs) recordPublication(index, CASE, { ...p, where: '村务公开栏' });
  return readIndex(index).cases[0]!;
}

const D = (day: number, hour = 9) => beijingInstant(2025, 3, day, hour);

function fullProcedure() {
  return [
    meeting('branch-committee', D(1), 'proposal'),
    meeting('joint-committees', D(3), 'deliberation'),
    meeting('party-members', D(5), 'review', {
      present: 30,
      tally: { for: 28, against: 1, abstain: 1 },
    }),
    meeting('villager-representatives', D(8), 'resolution', {
      present: 40,
      tally: { for: 35, against: 3, abstain: 2 },
    }),
  ];
}

describe('两会两票 / 四议两公开', () => {
  it('DEC-3 a complete procedure traces all six steps in order with tallies and no issues', () => {
    const c = caseWithPublications([
      { step: 'resolution-public', at: D(9) },
      { step: 'result-public', at: D(30) },
    ]);
    const trace = traceDecisionCase(c, fullProcedure(), ROSTER);
    expect(trace.issues).toEqual([]);
    expect(trace.steps.map((s) => [s.step, s.done])).toEqual([
      ['proposal', true],
      ['deliberation', true],
      ['review', true],
      ['resolution', true],
      ['resolution-public', true],
      ['result-public', true],
    ]);
    expect(trace.steps[2]).toMatchObject({ present: 30, tally: { for: 28 }, passed: true });
    expect(trace.passed).toBe(true);
    expect(trace.next).toBeNull();
  });

  it('DEC-3 an unfinished case names the next step', () => {
    const trace = traceDecisionCase(caseWithPublications([]), fullProcedure().slice(0, 2), ROSTER);
    expect(trace.next).toBe('review');
    expect(trace.passed).toBeNull();
    expect(trace.issues).toEqual([]);
  });

  it('DEC-1 a tally larger than the attendance is an issue', () => {
    const meetings = fullProcedure();
    meetings[2] = meeting('party-members', D(5), 'review', {
      present: 20,
      tally: { for: 19, against: 1, abstain: 1 },
    });
    const trace = traceDecisionCase(caseWithPublications([]), meetings, ROSTER);
    expect(trace.issues).toEqual([
      expect.objectContaining({ code: 'tally-exceeds-attendance', step: 'review' }),
    ]);
  });

  it('DEC-2 the party members meeting must come before the representatives meeting', () => {
    const meetings = fullProcedure();
    meetings[2] = meeting('party-members', D(8), 'review', {
      present: 30,
      tally: { for: 28, against: 1, abstain: 1 },
    });
    const codes = traceDecisionCase(caseWithPublications([]), meetings, ROSTER).issues.map(
      (i) => i.code,
    );
    expect(codes).toContain('party-first');
    const noReview = traceDecisionCase(caseWithPublications([]), [fullProcedure()[3]!], ROSTER);
    expect(noReview.issues.map((i) => i.code)).toContain('party-first');
  });

  it('DEC-3 a publication dated before the resolution is out of order', () => {
    const c = caseWithPublications([{ step: 'resolution-public', at: D(7) }]);
    const trace = traceDecisionCase(c, fullProcedure(), ROSTER);
    expect(trace.issues).toEqual([
      expect.objectContaining({ code: 'out-of-order', step: 'resolution-public' }),
    ]);
  });

  it('DEC-4 a review recorded in the wrong kind of meeting is an issue', () => {
    const meetings = fullProcedure();
    meetings[2] = meeting('party-group', D(5), 'review', {
      present: 30,
      tally: { for: 28, against: 1, abstain: 1 },
    });
    expect(traceDecisionCase(caseWithPublications([]), meetings, ROSTER).issues).toEqual([
      expect.objectContaining({ code: 'wrong-meeting-type', step: 'review' }),
    ]);
  });

  it('DEC-5 a vote passes with more than half of those present; a rejected review blocks resolution', () => {
    expect(votePassed({ for: 15, against: 0, abstain: 15 }, 30)).toBe(false);
    expect(votePassed({ for: 16, against: 0, abstain: 14 }, 30)).toBe(true);
    const meetings = fullProcedure();
    meetings[2] = meeting('party-members', D(5), 'review', {
      present: 30,
      tally: { for: 10, against: 15, abstain: 5 },
    });
    const trace = traceDecisionCase(caseWithPublications([]), meetings, ROSTER);
    expect(trace.passed).toBe(false);
    expect(trace.issues.map((i) => i.code)).toEqual(['resolved-after-rejection']);
    const noVote = fullProcedure();
    noVote[3] = meeting('villager-representatives', D(8), 'resolution', { present: 40 });
    expect(
      traceDecisionCase(caseWithPublications([]), noVote, ROSTER).issues.map((i) => i.code),
    ).toEqual(['no-vote']);
  });

  it('DEC-6 when a matter is reviewed twice, the later meeting counts', () => {
    const meetings = [
      ...fullProcedure().slice(0, 2),
      meeting('party-members', D(4), 'review', {
        present: 30,
        tally: { for: 5, against: 25, abstain: 0 },
      }),
      meeting('party-members', D(6), 'review', {
        present: 30,
        tally: { for: 25, against: 5, abstain: 0 },
      }),
      fullProcedure()[3]!,
    ];
    const trace = traceDecisionCase(caseWithPublications([]), meetings, ROSTER);
    expect(trace.steps[2]).toMatchObject({ at: D(6), passed: true });
    expect(trace.issues).toEqual([]);
  });
});

describe('DEC-4 and DEC-7', () => {
  it('DEC-4 a villagers’ assembly may resolve (村民委员会组织法 §24)', () => {
    const doc = createDoc();
    initMinutes(doc, {
      title: '村民会议',
      meetingType: 'villagers',
      startsAt: D(8),
      place: '村委会',
    });
    setVillagerCounts(doc, { basis: 'adults', eligible: 400, present: 230 });
    const voteId = recordVote(doc, {
      motion: '村道硬化',
      tally: { for: 200, against: 20, abstain: 10 },
    });
    addDecision(doc, { text: '村道硬化', voteId, caseId: CASE, step: 'resolution' });
    const meetings = [
      ...fullProcedure().slice(0, 3),
      { docId: 'assembly', data: readMinutes(doc) },
    ];
    const trace = traceDecisionCase(caseWithPublications([]), meetings, ROSTER);
    expect(trace.issues).toEqual([]);
    expect(trace.steps[3]).toMatchObject({ done: true, meetingType: 'villagers', passed: true });
  });

  it('DEC-7 a step left out before a later one is an issue', () => {
    const [proposal, , review, resolution] = fullProcedure();
    const skipped = traceDecisionCase(
      caseWithPublications([{ step: 'resolution-public', at: D(9) }]),
      [proposal!, review!, resolution!],
      ROSTER,
    );
    expect(skipped.issues.map((i) => [i.code, i.step])).toEqual([['missing-step', 'deliberation']]);
    // Made public with no resolution behind it.
    const unresolved = traceDecisionCase(
      caseWithPublications([{ step: 'resolution-public', at: D(9) }]),
      fullProcedure().slice(0, 3),
      ROSTER,
    );
    expect(unresolved.issues.map((i) => [i.code, i.step])).toEqual([
      ['missing-step', 'resolution'],
    ]);
    // A review left out before a resolution is said once, as DEC-2 says it.
    const noReview = traceDecisionCase(
      caseWithPublications([]),
      [proposal!, fullProcedure()[1]!, resolution!],
      ROSTER,
    );
    expect(noReview.issues.map((i) => i.code)).toEqual(['party-first']);
  });
});

describe('DEC-5 votes judged by the national rules', () => {
  /** A roster: 24 party members (p1…p24) and 30 villagers' representatives (r1…r30). */
  function roster() {
    const doc = createDoc();
    initRoster(doc, { title: '名册' });
    for (let i = 1; i <= 24; i++) {
      addPerson(doc, { id: `p${i}`, name: `党员${i}` });
      joinBody(doc, `p${i}`, { body: 'party' });
    }
    for (let i = 1; i <= 30; i++) {
      addPerson(doc, { id: `r${i}`, name: `代表${i}` });
      joinBody(doc, `r${i}`, { body: 'villager-representatives' });
    }
    return readRoster(doc);
  }

  function rosterMeeting(
    type: MeetingType,
    at: number,
    step: MeetingStep,
    prefix: string,
    present: number,
    tally: Tally,
    outcome: 'passed' | null = null,
  ) {
    const doc = createDoc();
    initMinutes(doc, { title: step, meetingType: type, startsAt: at, place: '村委会' });
    for (let i = 1; i <= present; i++) {
      markAttendance(doc, { name: `${prefix}${i}`, rosterId: `${prefix}${i}` }, { present: true });
    }
    const voteId = recordVote(doc, { motion: '村道硬化', tally, outcome });
    addDecision(doc, { text: '村道硬化', voteId, caseId: CASE, step });
    return { docId: `${step}-${at}`, data: readMinutes(doc) };
  }

  it('DEC-5 a 党员大会 with 24 members, 14 present and 8 for no longer counts as passed', () => {
    const meetings = [
      ...fullProcedure().slice(0, 2),
      rosterMeeting('party-members', D(5), 'review', 'p', 14, { for: 8, against: 4, abstain: 2 }),
    ];
    // Without the roster, 8 of 14 present is more than half of those present.
    expect(votePassed({ for: 8, against: 4, abstain: 2 }, 14)).toBe(true);
    const trace = traceDecisionCase(caseWithPublications([]), meetings, roster());
    expect(trace.steps[2]).toMatchObject({
      present: 14,
      passed: false,
      check: { quorum: { met: true }, threshold: { required: 13, for: 8, passed: false } },
    });
    expect(trace.issues).toEqual([]);
  });

  it('DEC-5 a 村民代表会议 with 18 of 30 present and 15 for lacks quorum; recorded as passed it is flagged', () => {
    const meetings = [
      ...fullProcedure().slice(0, 2),
      rosterMeeting('party-members', D(5), 'review', 'p', 20, { for: 18, against: 2, abstain: 0 }),
      rosterMeeting(
        'villager-representatives',
        D(8),
        'resolution',
        'r',
        18,
        { for: 15, against: 2, abstain: 1 },
        'passed',
      ),
    ];
    expect(votePassed({ for: 15, against: 2, abstain: 1 }, 18)).toBe(true);
    const trace = traceDecisionCase(caseWithPublications([]), meetings, roster());
    expect(trace.steps[2]!.passed).toBe(true);
    expect(trace.steps[3]).toMatchObject({
      passed: false,
      check: { quorum: { entitled: 30, required: 20, present: 18, met: false } },
    });
    expect(trace.passed).toBe(false);
    expect(trace.issues.map((i) => [i.code, i.step])).toEqual([
      ['no-quorum', 'resolution'],
      ['vote-not-carried', 'resolution'],
    ]);
  });
});

describe('DEC-8 and DEC-9', () => {
  it('DEC-8 a publication dated after now is not done, and the case says so', () => {
    const c = caseWithPublications([
      { step: 'resolution-public', at: D(9) },
      { step: 'result-public', at: D(30) },
    ]);
    // Judged on 20 March: the result is registered for 30 March, ten days ahead.
    const trace = traceDecisionCase(c, fullProcedure(), ROSTER, D(20));
    expect(trace.steps.map((s) => [s.step, s.done])).toEqual([
      ['proposal', true],
      ['deliberation', true],
      ['review', true],
      ['resolution', true],
      ['resolution-public', true],
      ['result-public', false],
    ]);
    expect(trace.next).toBe('result-public');
    expect(trace.issues.map((i) => [i.code, i.step])).toEqual([
      ['publication-ahead', 'result-public'],
    ]);
    // On the day itself it counts.
    const later = traceDecisionCase(c, fullProcedure(), ROSTER, D(30));
    expect(later.next).toBeNull();
    expect(later.issues).toEqual([]);
  });

  it('DEC-8 a 决议公开 registered ahead does not count; one made since does', () => {
    const c = caseWithPublications([
      { step: 'resolution-public', at: D(25) },
      { step: 'resolution-public', at: D(12) },
    ]);
    const before = traceDecisionCase(c, fullProcedure(), ROSTER, D(10));
    expect(before.steps[4]).toMatchObject({ step: 'resolution-public', done: false, at: null });
    const after = traceDecisionCase(c, fullProcedure(), ROSTER, D(13));
    expect(after.steps[4]).toMatchObject({ step: 'resolution-public', done: true, at: D(12) });
  });

  it('DEC-9 each meeting step says whether its record is final', () => {
    const meetings = fullProcedure();
    const finalDoc = createDoc();
    initMinutes(finalDoc, {
      title: 'proposal',
      meetingType: 'branch-committee',
      startsAt: D(1),
      place: '村委会',
    });
    addDecision(finalDoc, { text: '村道硬化', voteId: null, caseId: CASE, step: 'proposal' });
    finaliseMinutes(finalDoc, { name: '李书记' }, { at: D(2), roster: ROSTER });
    meetings[0] = { docId: 'proposal-final', data: readMinutes(finalDoc) };
    const trace = traceDecisionCase(caseWithPublications([]), meetings, ROSTER, D(20));
    expect(trace.steps.map((s) => [s.step, s.isFinal])).toEqual([
      ['proposal', true],
      ['deliberation', false],
      ['review', false],
      ['resolution', false],
      ['resolution-public', null],
      ['result-public', null],
    ]);
  });
});

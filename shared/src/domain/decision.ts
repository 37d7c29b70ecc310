/**
 * 两会两票 / 四议两公开: tracing one matter from proposal to publication across meetings, and
 * checking it. Pure functions over plain data: the case and its publications live in the index
 * doc, each meeting's part lives in its own minutes as a decision tagged with the case id and
 * step, so every meeting records only what happened in it and the trace is derived.
 *
 * Rules (SPEC.md):
 * - DEC-1 a tally cannot exceed the voters present: for + against + abstain ≤ members entitled
 *   to vote who were marked present (everyone present, for records counted as listed).
 * - DEC-2 first inside the party, then outside: the party members' meeting (审议) must start
 *   before the villagers' representatives meeting (决议); a resolution without a review is an issue.
 * - DEC-3 steps happen in order: 提议 ≤ 商议 ≤ 审议 < 决议 ≤ 决议公开 ≤ 实施结果公开.
 * - DEC-4 each meeting step is held by its body: 提议 in a branch committee (or joint) meeting,
 *   商议 in a joint meeting of the two committees, 审议 in a party members' meeting, 决议 in a
 *   villagers' representatives meeting.
 * - DEC-5 审议 and 决议 need a vote; whether it passed follows the national rules of its meeting
 *   (VOTE-1…4, quorum.ts: 党员大会 半数以上 present and more than half of the members entitled to
 *   vote for; 村民代表会议 三分之二以上 present and 过半数 of those present). A vote without quorum is
 *   an issue (`no-quorum`), and so is a vote recorded as passed that the rules say did not pass
 *   (`vote-not-carried`). A matter rejected at review must not go on to resolution.
 * - DEC-6 when a step was recorded in several meetings (a matter reviewed again after changes),
 *   the latest meeting counts.
 * - DEC-8 a publication dated after `now` has not happened: its step is not done, and the case
 *   says so (`publication-ahead`) instead of reading as made public.
 * - DEC-9 a meeting step says whether its record is final; a draft record is not yet a record
 *   (CAD-9), so the case marks the step 记录未定稿.
 */
import { meetingAttendance, type VoteCheck, voteCheck } from './quorum.ts';
import {
  DECISION_STEPS,
  type DecisionCase,
  type DecisionStep,
  type MeetingStep,
  type MeetingType,
  type MinutesData,
  type RosterData,
  type Tally,
  type VoteOutcome,
} from './schema.ts';

/** Which meeting types may hold each meeting step (DEC-4). */
export const STEP_MEETING_TYPES: Readonly<Record<MeetingStep, readonly MeetingType[]>> = {
  proposal: ['branch-committee', 'joint-committees'],
  deliberation: ['joint-committees'],
  review: ['party-members'],
  // 村民委员会组织法 §24: the villagers' assembly decides, or the representatives' meeting it
  // authorised.
  resolution: ['villager-representatives', 'villagers'],
};

export type DecisionTraceStep = {
  step: DecisionStep;
  done: boolean;
  at: number | null;
  /** The minutes doc (meeting steps) or null (publications). */
  docId: string | null;
  decisionId: string | null;
  meetingType: MeetingType | null;
  /** Voters present (members entitled to vote who were present). */
  present: number | null;
  tally: Tally | null;
  /** The outcome the meeting recorded, if any. */
  outcome: VoteOutcome | null;
  /** Quorum and threshold of the vote by the national rules (VOTE-1…4). */
  check: VoteCheck | null;
  /** Whether the vote passed by those rules; null without a vote or with a tally that does not add up. */
  passed: boolean | null;
  /** Where it was made public (publication steps). */
  where: string | null;
  /** Whether the meeting's record is finalised (DEC-9); null for publications and steps not done. */
  isFinal: boolean | null;
};

export type DecisionIssueCode =
  | 'tally-exceeds-attendance'
  | 'party-first'
  | 'out-of-order'
  | 'wrong-meeting-type'
  | 'no-vote'
  | 'no-quorum'
  | 'vote-not-carried'
  | 'resolved-after-rejection'
  | 'missing-step'
  | 'publication-ahead';

export type DecisionIssue = { code: DecisionIssueCode; step: DecisionStep; message: string };

export type DecisionTrace = {
  caseId: string;
  title: string;
  steps: DecisionTraceStep[];
  issues: DecisionIssue[];
  /** The step to do next; null when all six are done. */
  next: DecisionStep | null;
  /** True when both votes passed (null until both were taken). */
  passed: boolean | null;
};

/** True when a tally fits the attendance (DEC-1). */
export function tallyFits(tally: Tally, present: number): boolean {
  return tally.for + tally.against + tally.abstain <= present;
}

/**
 * True when more than half of those present voted for: the threshold of the villagers'
 * representatives meeting and assembly (VOTE-3, VOTE-4). Use `voteCheck` for the full rule of a
 * meeting (quorum, and 党员大会's threshold of the members entitled to vote).
 */
export function votePassed(tally: Tally, present: number): boolean {
  return tally.for * 2 > present;
}

const emptyStep = (step: DecisionStep): DecisionTraceStep => ({
  step,
  done: false,
  at: null,
  docId: null,
  decisionId: null,
  meetingType: null,
  present: null,
  tally: null,
  outcome: null,
  check: null,
  passed: null,
  where: null,
  isFinal: null,
});

/**
 * Traces a case through its meetings and publications and lists what is wrong with it. With the
 * roster, votes are counted against each meeting's 应到 (finalised records: their own snapshot).
 * `now` (default: the clock) is when it is judged: a publication dated later is not done (DEC-8).
 */
export function traceDecisionCase(
  decisionCase: DecisionCase,
  meetings: readonly { docId: string; data: MinutesData }[],
  roster: RosterData | null = null,
  now: number = Date.now(),
): DecisionTrace {
  const steps = new Map<DecisionStep, DecisionTraceStep>(
    DECISION_STEPS.map((s) => [s, emptyStep(s)]),
  );
  const issues: DecisionIssue[] = [];
  for (const { docId, data } of meetings) {
    if (data.startsAt === null) continue;
    const present = meetingAttendance(data, roster).votersPresent;
    for (const d of data.decisions) {
      if (d.caseId !== decisionCase.id || d.step === null) continue;
      const current = steps.get(d.step)!;
      if (current.done && current.at !== null && current.at > data.startsAt) continue; // DEC-6
      const vote = d.voteId ? (data.votes.find((v) => v.id === d.voteId) ?? null) : null;
      const check = vote ? voteCheck(data, vote, roster) : null;
      steps.set(d.step, {
        step: d.step,
        done: true,
        at: data.startsAt,
        docId,
        decisionId: d.id,
        meetingType: data.meetingType,
        present,
        tally: vote?.tally ?? null,
        outcome: vote?.outcome ?? null,
        check,
        // A tally that does not add up says nothing of the outcome (VOTE-6).
        passed: check?.tallyFits ? check.passed : null,
        where: data.place || null,
        isFinal: data.state === 'final',
      });
    }
  }
  for (const step of ['resolution-public', 'result-public'] as const) {
    const all = decisionCase.publications.filter((p) => p.step === step);
    // DEC-8: a publication dated after now has not happened yet.
    const pubs = all.filter((p) => p.at <= now);
    if (pubs.length < all.length) {
      issues.push({
        code: 'publication-ahead',
        step,
        message: `${step} is dated after today and does not count until then`,
      });
    }
    const first = pubs.reduce<(typeof pubs)[number] | null>(
      (a, p) => (a === null || p.at < a.at ? p : a),
      null,
    );
    if (first) {
      steps.set(step, { ...emptyStep(step), done: true, at: first.at, where: first.where });
    }
  }
  const list = DECISION_STEPS.map((s) => steps.get(s)!);
  for (const s of list) {
    if (!s.done) continue;
    if (s.step in STEP_MEETING_TYPES) {
      const allowed = STEP_MEETING_TYPES[s.step as MeetingStep];
      if (s.meetingType && !allowed.includes(s.meetingType)) {
        issues.push({
          code: 'wrong-meeting-type',
          step: s.step,
          message: `${s.step} was recorded in a ${s.meetingType} meeting; expected ${allowed.join(' or ')}`,
        });
      }
    }
    if (s.tally && s.present !== null && !tallyFits(s.tally, s.present)) {
      issues.push({
        code: 'tally-exceeds-attendance',
        step: s.step,
        message: `${s.step}: ${s.tally.for + s.tally.against + s.tally.abstain} votes but ${s.present} present`,
      });
    }
    if ((s.step === 'review' || s.step === 'resolution') && !s.tally) {
      issues.push({ code: 'no-vote', step: s.step, message: `${s.step} has no vote recorded` });
    }
    if (s.check?.quorum && !s.check.quorum.met) {
      const q = s.check.quorum;
      issues.push({
        code: 'no-quorum',
        step: s.step,
        message: `${s.step}: ${q.present} of ${q.entitled} entitled to vote present; ${q.required} needed`,
      });
    }
    // A tally that does not add up is reported above; it is not also a vote that failed.
    if (s.outcome === 'passed' && s.check && !s.check.passed && s.check.tallyFits) {
      issues.push({
        code: 'vote-not-carried',
        step: s.step,
        message: `${s.step} is recorded as passed, but by the rules it did not pass`,
      });
    }
  }
  const review = steps.get('review')!;
  const resolution = steps.get('resolution')!;
  if (resolution.done) {
    if (!review.done) {
      issues.push({
        code: 'party-first',
        step: 'resolution',
        message:
          "resolved by the villagers' representatives without a party members' meeting review",
      });
    } else if (review.at !== null && resolution.at !== null && review.at >= resolution.at) {
      issues.push({
        code: 'party-first',
        step: 'resolution',
        message:
          "the party members' meeting must come before the villagers' representatives meeting",
      });
    }
    if (review.passed === false) {
      issues.push({
        code: 'resolved-after-rejection',
        step: 'resolution',
        message: "the party members' meeting did not pass the matter",
      });
    }
  }
  // DEC-7: a step left out before one that was done (a review left out before a resolution is
  // DEC-2's party-first already).
  let lastDone = -1;
  list.forEach((s, i) => {
    if (s.done) lastDone = i;
  });
  for (const s of list.slice(0, Math.max(0, lastDone))) {
    if (s.done || (s.step === 'review' && resolution.done)) continue;
    issues.push({
      code: 'missing-step',
      step: s.step,
      message: `${s.step} is not recorded, though a later step is`,
    });
  }
  // DEC-3: each done step not before the latest earlier done step (review→resolution strictly, DEC-2).
  let prev: DecisionTraceStep | null = null;
  for (const s of list) {
    if (!s.done || s.at === null) continue;
    if (prev?.at != null && s.at < prev.at) {
      issues.push({
        code: 'out-of-order',
        step: s.step,
        message: `${s.step} is dated before ${prev.step}`,
      });
    }
    prev = s;
  }
  const next = list.find((s) => !s.done)?.step ?? null;
  const passed =
    review.passed === null || resolution.passed === null
      ? null
      : review.passed && resolution.passed;
  return { caseId: decisionCase.id, title: decisionCase.title, steps: list, issues, next, passed };
}

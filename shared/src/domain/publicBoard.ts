/**
 * 村务公开栏: what a workspace publishes for villagers to read without an account. An item is a
 * snapshot taken from the model when an editor publishes it (a decision case with its 四议两公开
 * steps, a plan's progress, or a notice written for the board); the relay stores and serves the
 * snapshot as it was sent, so the public page never reads a document (PUB-1…, server/src/http/SPEC.md).
 *
 * Privacy: an item carries no member list, no owner and no roster person; a decision's tallies
 * are numbers. Who published it is recorded by the relay, for members only.
 */
import { z } from 'zod';
import { type DecisionTrace, tallyFits, votePassed } from './decision.ts';
import { planProgress } from './plan.ts';
import {
  DECISION_STEPS,
  type DecisionCase,
  instantSchema,
  type MinutesData,
  type PlanData,
  TASK_STATUSES,
} from './schema.ts';

/** Limits of a published item: a notice board, not a document store. */
export const PublicLimits = {
  titleChars: 200,
  /** A notice's body, a decision's resolution or the result of carrying it out. */
  textChars: 4000,
  phases: 24,
  /** Tasks shown of a plan, all phases together; the rest are counted, not listed. */
  tasks: 200,
  /** Items live on one board at once. */
  liveItems: 200,
  /**
   * MiB of the live items as published (their JSON), all together (PUB-11): the page is sent to
   * anyone who asks, so it stays small enough for a phone on a weak network. A board of 40 plans
   * of 200 tasks and 160 long notices takes about 1.5.
   */
  boardMiB: 2,
} as const;

const title = z.string().trim().min(1).max(PublicLimits.titleChars);
const text = z.string().max(PublicLimits.textChars);
const count = z.number().int().nonnegative().max(1_000_000);
/** A model id, short enough that `<kind>-<sourceId>` is still a route id (64 characters). */
const sourceId = z.string().regex(/^[A-Za-z0-9_-]{1,54}$/);

export const PUBLIC_ITEM_KINDS = ['decision', 'plan', 'notice'] as const;
export type PublicItemKind = (typeof PUBLIC_ITEM_KINDS)[number];

/** One step of a decision as published: its date and, for the votes, numbers only. */
export const publicDecisionStepSchema = z
  .strictObject({
    step: z.enum(DECISION_STEPS),
    /** Up to the end of year 9999: later instants print as no date at all (PUB-11). */
    at: instantSchema.max(Date.UTC(9999, 11, 31, 23, 59, 59, 999)).nullable(),
    tally: z.strictObject({ for: count, against: count, abstain: count }).nullable(),
    /**
     * Voters present at the vote, when the vote is judged against them (VOTE-9); null for a vote
     * whose base is the members entitled to vote (党员大会, 支委会).
     */
    present: count.nullable(),
    /**
     * Members entitled to vote, when the vote is judged against them (党员大会: more than half of
     * them must vote for); null or absent otherwise, and in items published before it was kept.
     */
    entitled: count.nullable().optional(),
    passed: z.boolean().nullable(),
  })
  .superRefine((step, ctx) => {
    // PUB-11: a tally the page would print as impossible is refused, not shown: more votes than
    // voters, or "passed" with no more than half of the base voting for.
    const { tally, present, entitled, passed } = step;
    if (!tally) return;
    for (const [field, base] of [
      ['present', present],
      ['entitled', entitled],
    ] as const) {
      if (base !== null && base !== undefined && !tallyFits(tally, base)) {
        ctx.addIssue({ code: 'custom', path: ['tally'], message: `more votes than ${field}` });
      }
    }
    if (present !== null && entitled !== null && entitled !== undefined && present > entitled) {
      ctx.addIssue({ code: 'custom', path: ['present'], message: 'more present than entitled' });
    }
    const base = present ?? entitled ?? null;
    // Passed: more for than against whatever the rule, and more than half of its base.
    if (
      passed === true &&
      (tally.for <= tally.against || (base !== null && !votePassed(tally, base)))
    ) {
      ctx.addIssue({ code: 'custom', path: ['passed'], message: 'no majority for' });
    }
  });
export type PublicDecisionStep = z.infer<typeof publicDecisionStepSchema>;

export const publicDecisionSchema = z.strictObject({
  kind: z.literal('decision'),
  /** The decision case it was taken from. */
  sourceId,
  title,
  /** The resolution's text as the villagers' meeting recorded it. */
  resolution: text,
  steps: z.array(publicDecisionStepSchema).max(DECISION_STEPS.length),
  /** The result of carrying it out (实施结果), once there is one to publish. */
  result: text,
});

export const publicPlanTaskSchema = z.strictObject({
  title: z.string().max(PublicLimits.titleChars),
  status: z.enum(TASK_STATUSES),
});

/** Done of a total: never more than it (PUB-11). */
const doneOfTotal = (value: { done: number; total: number }, ctx: z.RefinementCtx) => {
  if (value.done > value.total) {
    ctx.addIssue({ code: 'custom', path: ['done'], message: 'more done than in all' });
  }
};

export const publicPlanSchema = z
  .strictObject({
    kind: z.literal('plan'),
    /** The plan document it was taken from. */
    sourceId,
    title,
    done: count,
    total: count,
    phases: z
      .array(
        z
          .strictObject({
            title: z.string().max(PublicLimits.titleChars),
            done: count,
            total: count,
            tasks: z.array(publicPlanTaskSchema).max(PublicLimits.tasks),
          })
          .superRefine(doneOfTotal),
      )
      .max(PublicLimits.phases + 1),
    /** Tasks left out of the lists above (past `PublicLimits.tasks`). */
    omittedTasks: count,
  })
  .superRefine((plan, ctx) => {
    doneOfTotal(plan, ctx);
    // The phases (and the unassigned tasks) share out the plan's figures, never more.
    const phases = plan.phases.reduce(
      (sum, phase) => ({ done: sum.done + phase.done, total: sum.total + phase.total }),
      { done: 0, total: 0 },
    );
    if (phases.done > plan.done || phases.total > plan.total) {
      ctx.addIssue({
        code: 'custom',
        path: ['phases'],
        message: 'phases count more than the plan',
      });
    }
    // PUB-11: `PublicLimits.tasks` are listed in all, not in each phase.
    const listed = plan.phases.reduce((sum, phase) => sum + phase.tasks.length, 0);
    if (listed > PublicLimits.tasks) {
      ctx.addIssue({ code: 'custom', path: ['phases'], message: 'too many tasks listed' });
    }
  });

export const publicNoticeSchema = z.strictObject({
  kind: z.literal('notice'),
  /** Chosen by the device that first wrote the notice; publishing it again replaces it. */
  sourceId,
  title,
  body: z.string().trim().min(1).max(PublicLimits.textChars),
});

/** The body of `POST /api/workspaces/:ws/public/items`: one item as it will be shown. */
export const publicItemSchema = z.discriminatedUnion('kind', [
  publicDecisionSchema,
  publicPlanSchema,
  publicNoticeSchema,
]);
export type PublicItem = z.infer<typeof publicItemSchema>;
export type PublicDecision = z.infer<typeof publicDecisionSchema>;
export type PublicPlan = z.infer<typeof publicPlanSchema>;
export type PublicNotice = z.infer<typeof publicNoticeSchema>;

/**
 * The board key of an item: publishing the same decision, plan or notice again replaces the
 * item (its earlier versions stay in the members' history) instead of adding a second one.
 */
export const publicItemKey = (item: Pick<PublicItem, 'kind' | 'sourceId'>): string =>
  `${item.kind}-${item.sourceId}`;

/**
 * A decision case as published (PUB-6): its resolution text (from the meeting that resolved it),
 * its 四议两公开 steps with dates, tallies as numbers and whether each vote passed, and the result
 * of carrying it out when the editor gives one. Nothing about who attended or voted.
 */
export function decisionSnapshot(
  decisionCase: DecisionCase,
  trace: DecisionTrace,
  meetings: readonly { docId: string; data: MinutesData }[],
  result = '',
): PublicDecision {
  const resolution = trace.steps.find((s) => s.step === 'resolution');
  const meeting = meetings.find((m) => m.docId === resolution?.docId);
  const resolutionText =
    meeting?.data.decisions.find((d) => d.id === resolution?.decisionId)?.text ?? '';
  return {
    kind: 'decision',
    sourceId: decisionCase.id,
    title: decisionCase.title.trim().slice(0, PublicLimits.titleChars),
    resolution: resolutionText.slice(0, PublicLimits.textChars),
    steps: trace.steps.map((s) => ({
      step: s.step,
      at: s.done ? s.at : null,
      tally: s.tally
        ? { for: s.tally.for, against: s.tally.against, abstain: s.tally.abstain }
        : null,
      // VOTE-9: the board states the voters present as the base of a vote only where the rule
      // counts from them; a 党员大会's base is the members entitled to vote.
      present: s.tally && s.check?.threshold.of !== 'entitled' ? s.present : null,
      entitled:
        s.tally && s.check?.threshold.of === 'entitled' && s.check.complete
          ? s.check.threshold.base
          : null,
      passed: s.passed,
    })),
    result: result.trim().slice(0, PublicLimits.textChars),
  };
}

/**
 * A plan's progress as published (PUB-6): done and total (dropped tasks count as neither,
 * PLAN-6), per phase, and each task's title and status; no owners, due dates or notes.
 */
export function planSnapshot(docId: string, plan: PlanData): PublicPlan {
  const progress = planProgress(plan);
  let room: number = PublicLimits.tasks;
  let omitted = 0;
  const groups = [
    ...plan.phases.map((p) => ({ id: p.id as string | null, title: p.title, tasks: p.tasks })),
    ...(plan.unassigned.length ? [{ id: null, title: '', tasks: plan.unassigned }] : []),
  ].slice(0, PublicLimits.phases + 1);
  const phases = groups.map((g) => {
    const shown = g.tasks.slice(0, Math.max(room, 0));
    room -= shown.length;
    omitted += g.tasks.length - shown.length;
    const p = progress.find((x) => x.phaseId === g.id);
    return {
      title: g.title.slice(0, PublicLimits.titleChars),
      done: p?.done ?? 0,
      total: p?.total ?? 0,
      tasks: shown.map((t) => ({
        title: t.title.slice(0, PublicLimits.titleChars),
        status: t.status,
      })),
    };
  });
  return {
    kind: 'plan',
    sourceId: docId,
    title: (plan.title.trim() || '—').slice(0, PublicLimits.titleChars),
    done: progress.reduce((n, p) => n + p.done, 0),
    total: progress.reduce((n, p) => n + p.total, 0),
    phases,
    omittedTasks: omitted,
  };
}

/** What members see of one version of a published item (`GET …/public/history`). */
export type PublicationInfo = {
  itemId: string;
  version: number;
  kind: PublicItemKind;
  title: string;
  /** ISO times; `withdrawnAt` null while it is shown (or when a later version replaced it). */
  publishedAt: string;
  publishedBy: { id: string; displayName: string } | null;
  withdrawnAt: string | null;
  withdrawnBy: { id: string; displayName: string } | null;
  /** True for the version the public page shows now. */
  isLive: boolean;
};

/** One live item as the public page and its JSON twin show it: no ids, no names. */
export type PublishedItem = {
  /** The board key (members' API only; never on the public page). */
  itemId?: string;
  version: number;
  /** ISO times: first posted, and this version posted. */
  firstPublishedAt: string;
  publishedAt: string;
  item: PublicItem;
};

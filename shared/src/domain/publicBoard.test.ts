import { describe, expect, it } from 'vitest';
import { traceDecisionCase } from './decision.ts';
import { createDemoVillage } from './demo.ts';
import { readIndex } from './index-doc.ts';
import { readMinutes } from './minutes.ts';
import { readPlan } from './plan.ts';
import { decisionSnapshot, planSnapshot, publicItemKey, publicItemSchema } from './publicBoard.ts';
import { readRoster } from './roster.ts';

const demo = createDemoVillage({ start: '2025-01-01' });
const roster = readRoster(demo.docs.find((d) => d.kind === 'roster')!.doc);
const meetings = demo.docs
  .filter((d) => d.kind === 'minutes')
  .map((d) => ({ docId: d.id, data: readMinutes(d.doc) }));
const plans = demo.docs.filter((d) => d.kind === 'plan');
/** Every name a person has in the demo village: roster people, attendees, task owners. */
const names = new Set([
  ...roster.people.map((p) => p.name),
  ...meetings.flatMap((m) => m.data.attendance.map((a) => a.person.name)),
  ...plans.flatMap((p) => {
    const plan = readPlan(p.doc);
    return [...plan.phases.flatMap((ph) => ph.tasks), ...plan.unassigned].flatMap((t) =>
      t.owner ? [t.owner.name] : [],
    );
  }),
]);

describe('public board items (PUB-6)', () => {
  it('PUB-6 a decision is published with its resolution, dates and tallies as numbers, and no name of anyone', () => {
    expect(names.size).toBeGreaterThan(10);
    const cases = readIndex(demo.index).cases;
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const trace = traceDecisionCase(c, meetings, roster);
      const item = decisionSnapshot(c, trace, meetings, '已完工');
      expect(publicItemSchema.parse(item)).toEqual(item);
      expect(publicItemKey(item)).toBe(`decision-${c.id}`);
      expect(item.steps.map((s) => s.step)).toEqual(trace.steps.map((s) => s.step));
      const resolution = trace.steps.find((s) => s.step === 'resolution')!;
      if (resolution.done) {
        expect(item.resolution.length).toBeGreaterThan(0);
        expect(item.steps.find((s) => s.step === 'resolution')?.tally).toEqual(resolution.tally);
      }
      const text = JSON.stringify(item);
      for (const name of names) expect(text, name).not.toContain(name);
    }
  });

  it('VOTE-9 a 党员大会 vote is published against the members entitled to vote; a 村民代表会议 vote against those present', () => {
    const c = readIndex(demo.index).cases[0]!;
    const trace = traceDecisionCase(c, meetings, roster);
    const item = decisionSnapshot(c, trace, meetings);
    const review = trace.steps.find((s) => s.step === 'review')!;
    const resolution = trace.steps.find((s) => s.step === 'resolution')!;
    expect(review.meetingType).toBe('party-members');
    expect(review.check?.threshold.of).toBe('entitled');
    // The board says "有表决权的到会 N 人" of the number it is given: for a 党员大会 that is not
    // the base its vote is judged against, so none is given.
    expect(item.steps.find((s) => s.step === 'review')).toMatchObject({
      tally: review.tally,
      present: null,
      // Its base, the members entitled to vote, is given as that.
      entitled: review.check?.threshold.base,
      passed: true,
    });
    expect(review.check?.threshold.base).toBeGreaterThan(0);
    expect(resolution.check?.threshold.of).toBe('present');
    expect(item.steps.find((s) => s.step === 'resolution')?.entitled).toBeNull();
    expect(item.steps.find((s) => s.step === 'resolution')?.present).toBe(resolution.present);
  });

  it('PUB-6 a plan is published as progress and task statuses: no owners, due dates or notes', () => {
    expect(plans.length).toBeGreaterThan(0);
    for (const p of plans) {
      const plan = readPlan(p.doc);
      const item = planSnapshot(p.id, plan);
      expect(publicItemSchema.parse(item)).toEqual(item);
      const tasks = [...plan.phases.flatMap((ph) => ph.tasks), ...plan.unassigned];
      const counted = tasks.filter((t) => t.status !== 'dropped');
      expect(item.total).toBe(counted.length);
      expect(item.done).toBe(counted.filter((t) => t.status === 'done').length);
      expect(item.phases.flatMap((ph) => ph.tasks).length + item.omittedTasks).toBe(tasks.length);
      const text = JSON.stringify(item);
      for (const name of names) expect(text, name).not.toContain(name);
      for (const t of tasks) if (t.notes) expect(text).not.toContain(t.notes);
      expect(text).not.toMatch(/"(owner|due|notes)"/);
    }
  });

  it('PUB-1 the schema is strict: an extra field (a list of names) is refused', () => {
    const item = { kind: 'notice', sourceId: 'n1', title: '通知', body: '正文' };
    expect(publicItemSchema.safeParse(item).success).toBe(true);
    expect(publicItemSchema.safeParse({ ...item, attendees: ['张三'] }).success).toBe(false);
    expect(publicItemSchema.safeParse({ ...item, sourceId: 'x'.repeat(55) }).success).toBe(false);
  });
});

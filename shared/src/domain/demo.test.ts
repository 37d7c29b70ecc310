import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ageFeedback } from './ageing.ts';
import { cadenceReport, heldMeetings } from './cadence.ts';
import { traceDecisionCase } from './decision.ts';
import { createDemoVillage } from './demo.ts';
import { readFeedbackLog } from './feedback.ts';
import { readIndex } from './index-doc.ts';
import { kindInfo } from './kinds.ts';
import { readMinutes } from './minutes.ts';
import { readPlan } from './plan.ts';
import { FEEDBACK_STATUSES, indexSchema, MEETING_TYPES } from './schema.ts';
import { beijingInstant } from './time.ts';

const demo = createDemoVillage();

describe('demo village', () => {
  it('DEMO-1 the same seed gives byte-identical docs; another seed gives other docs', () => {
    const again = createDemoVillage();
    expect(again.docs.map((d) => d.id)).toEqual(demo.docs.map((d) => d.id));
    expect(Y.encodeStateAsUpdate(again.index)).toEqual(Y.encodeStateAsUpdate(demo.index));
    for (const [i, d] of demo.docs.entries()) {
      expect(Y.encodeStateAsUpdate(again.docs[i]!.doc)).toEqual(Y.encodeStateAsUpdate(d.doc));
    }
    const other = createDemoVillage({ seed: 7 });
    expect(other.docs.map((d) => d.id)).not.toEqual(demo.docs.map((d) => d.id));
  });

  it('DEMO-1 every doc passes its schema and the index lists them all', () => {
    const index = readIndex(demo.index);
    expect(indexSchema.safeParse(index).success).toBe(true);
    expect(index.docs.map((d) => d.id).sort()).toEqual(demo.docs.map((d) => d.id).sort());
    for (const d of demo.docs) {
      const info = kindInfo(d.kind);
      expect(info.schema.safeParse(info.read(d.doc)).success, d.title).toBe(true);
    }
  });

  it('DEMO-1 a year plan with four phases, owned tasks in several states, some from meetings', () => {
    const plan = readPlan(demo.docs.find((d) => d.kind === 'plan')!.doc);
    expect(plan.title).toBe('阳光村2025年阶段性工作计划');
    expect(plan.phases).toHaveLength(4);
    const tasks = plan.phases.flatMap((p) => p.tasks);
    expect(tasks.length).toBeGreaterThan(16);
    expect(tasks.every((t) => t.owner !== null)).toBe(true);
    expect(new Set(tasks.map((t) => t.status)).size).toBeGreaterThanOrEqual(3);
    expect(tasks.some((t) => t.source !== null)).toBe(true);
  });

  it('DEMO-1 three months of minutes of every meeting type, with attendance, absences and votes', () => {
    const minutes = demo.docs.filter((d) => d.kind === 'minutes').map((d) => readMinutes(d.doc));
    expect(new Set(minutes.map((m) => m.meetingType))).toEqual(new Set(MEETING_TYPES));
    expect(minutes.every((m) => m.attendance.length > 0 && m.chair && m.recorder)).toBe(true);
    expect(minutes.some((m) => m.attendance.some((a) => !a.present && a.absenceReason))).toBe(true);
    expect(minutes.filter((m) => m.votes.length > 0).length).toBeGreaterThan(3);
    expect(minutes.some((m) => m.state === 'draft')).toBe(true);
    expect(minutes.filter((m) => m.state === 'final').length).toBeGreaterThan(20);
  });

  it('DEMO-1 the 四议两公开 case traces cleanly, and the cadence shows done and overdue periods', () => {
    const index = readIndex(demo.index);
    const minutes = demo.docs
      .filter((d) => d.kind === 'minutes')
      .map((d) => ({ docId: d.id, data: readMinutes(d.doc) }));
    const trace = traceDecisionCase(index.cases[0]!, minutes);
    expect(trace.issues).toEqual([]);
    expect(trace.steps.filter((s) => s.done).map((s) => s.step)).toEqual([
      'proposal',
      'deliberation',
      'review',
      'resolution',
      'resolution-public',
      'result-public',
    ]);
    const report = cadenceReport(index.cadence, heldMeetings(minutes), {
      from: beijingInstant(2025, 1, 1),
      to: demo.now,
      now: demo.now,
    });
    const states = new Set(report.map((r) => r.state));
    expect(states.has('done')).toBe(true);
    expect(states.has('overdue')).toBe(true);
  });

  it('DEMO-1 the feedback log has entries in every status, and some need attention', () => {
    const log = readFeedbackLog(demo.docs.find((d) => d.kind === 'feedback')!.doc);
    expect(log.entries).toHaveLength(40);
    expect(new Set(log.entries.map((e) => e.status))).toEqual(new Set(FEEDBACK_STATUSES));
    const flags = new Set(ageFeedback(log.entries, demo.now).map((a) => a.flag));
    expect(flags).toEqual(new Set(['overdue-unresolved', 'not-answered-back']));
    expect(JSON.stringify(log)).not.toMatch(/ethnic|religio|民族|宗教/);
  });

  it('DEMO-1 scales with { docs, entries }', () => {
    const big = createDemoVillage({ docs: 60, entries: 500 });
    expect(big.docs).toHaveLength(60);
    expect(big.docs.filter((d) => d.kind === 'minutes')).toHaveLength(58);
    expect(readIndex(big.index).docs).toHaveLength(60);
    expect(readFeedbackLog(big.docs.find((d) => d.kind === 'feedback')!.doc).entries).toHaveLength(
      500,
    );
  });
});

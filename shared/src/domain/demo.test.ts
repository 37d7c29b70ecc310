import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ageFeedback } from './ageing.ts';
import { cadenceReport, heldMeetings } from './cadence.ts';
import { traceDecisionCase } from './decision.ts';
import { createDemoVillage } from './demo.ts';
import { readFeedbackLog } from './feedback.ts';
import { readIndex } from './index-doc.ts';
import { kindInfo } from './kinds.ts';
import { readMinutes, validateMinutes } from './minutes.ts';
import { readPlan } from './plan.ts';
import { meetingAttendance, voteCheck } from './quorum.ts';
import { bodyRoster, officeHolders, ROSTER_DOC_ID, readRoster, votingMembers } from './roster.ts';
import { FEEDBACK_STATUSES, indexSchema, MEETING_TYPES } from './schema.ts';
import { beijingInstant } from './time.ts';

const demo = createDemoVillage();
const roster = readRoster(demo.docs.find((d) => d.kind === 'roster')!.doc);
const records = demo.docs
  .filter((d) => d.kind === 'minutes')
  .map((d) => ({ docId: d.id, data: readMinutes(d.doc) }));

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
    // Builds two more whole villages: give a loaded machine time.
  }, 30_000);

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

  it('DEMO-1 a year of minutes of every meeting type, with attendance, absences and votes', () => {
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
    const trace = traceDecisionCase(index.cases[0]!, minutes, roster);
    expect(trace.issues).toEqual([]);
    expect(trace.passed).toBe(true);
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

  it('DEMO-1 a roster: three party groups, 正式 and 预备 members, 支委, 村委 and 30 representatives', () => {
    expect(demo.docs.find((d) => d.kind === 'roster')!.id).toBe(ROSTER_DOC_ID);
    expect(roster.groups).toHaveLength(3);
    const june = beijingInstant(2025, 6, 1, 9);
    const december = beijingInstant(2025, 12, 1, 9);
    expect(bodyRoster(roster, { body: 'party' }, june)).toHaveLength(24);
    expect(bodyRoster(roster, { body: 'party' }, december)).toHaveLength(23);
    expect(votingMembers(roster, { body: 'party' }, beijingInstant(2025, 3, 1))).toHaveLength(22);
    expect(votingMembers(roster, { body: 'party' }, june)).toHaveLength(23);
    for (const g of roster.groups) {
      expect(bodyRoster(roster, { body: 'party-group', groupId: g.id }, june)).toHaveLength(8);
    }
    expect(bodyRoster(roster, { body: 'branch-committee' }, june)).toHaveLength(5);
    expect(bodyRoster(roster, { body: 'village-committee' }, june)).toHaveLength(5);
    for (const at of [june, december]) {
      expect(bodyRoster(roster, { body: 'villager-representatives' }, at)).toHaveLength(30);
    }
    expect(officeHolders(roster, 'secretary', june).map((p) => p.name)).toEqual(['王建国']);
    expect(JSON.stringify(roster)).not.toMatch(/phone|birth|ethnic|religio|民族|宗教|身份证/);
  });

  it('DEMO-1 attendance comes from the roster; finalised records keep their 应到', () => {
    for (const { data } of records) {
      const count = meetingAttendance(data, roster);
      if (data.meetingType === 'villagers') expect(count.source).toBe('villager-counts');
      else if (data.state === 'final' && data.body) expect(count.source).toBe('snapshot');
      else if (!data.body) expect(count.source).toBe('attendance');
      if (data.body && data.body.body !== 'villagers') {
        // Everyone 应到 is marked; the only others are guests by name.
        expect(count.absent.every((a) => a.reason !== null)).toBe(true);
        expect(count.guests.every((g) => g.rosterId === null)).toBe(true);
      }
    }
    const groupMeetings = records.filter((r) => r.data.meetingType === 'party-group');
    expect(groupMeetings.every((r) => r.data.groupId !== null)).toBe(true);
    expect(records.some((r) => meetingAttendance(r.data, roster).guests.length > 0)).toBe(true);
  });

  it('DEMO-1 votes that pass by the rules, and one representatives meeting without quorum', () => {
    const checks = records.flatMap((r) =>
      r.data.votes.map((v) => ({ r, v, check: voteCheck(r.data, v, roster) })),
    );
    expect(checks.length).toBeGreaterThan(20);
    const failed = checks.filter((c) => !c.check.passed);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.r.data.meetingType).toBe('villager-representatives');
    expect(failed[0]!.check.quorum).toMatchObject({ present: 18, met: false });
    expect(failed[0]!.v.outcome).toBe('rejected');
    expect(checks.every((c) => c.v.outcome === (c.check.passed ? 'passed' : 'rejected'))).toBe(
      true,
    );
    expect(records.every((r) => validateMinutes(r.data, { roster }).length === 0)).toBe(true);
  });

  it('DEMO-1 scales with { docs, entries }', () => {
    const big = createDemoVillage({ docs: 60, entries: 500 });
    expect(big.docs).toHaveLength(60);
    expect(big.docs.filter((d) => d.kind === 'minutes')).toHaveLength(57);
    expect(readIndex(big.index).docs).toHaveLength(60);
    expect(readFeedbackLog(big.docs.find((d) => d.kind === 'feedback')!.doc).entries).toHaveLength(
      500,
    );
  });
});

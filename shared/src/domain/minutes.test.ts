import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CATALOGUES } from '../i18n/index.ts';
import { DomainError, FinalisedError } from './DomainError.ts';
import { createDoc } from './doc.ts';
import {
  actionItemToTask,
  addActionItem,
  addAgendaItem,
  addDecision,
  finaliseMinutes,
  initMinutes,
  MINUTES_BODY_FIELD,
  MINUTES_SCHEMA_VERSION,
  markAttendance,
  readMinutes,
  recordVote,
  removeActionItem,
  removeDecision,
  removeVote,
  reopenMinutes,
  setAgendaItemTitle,
  setDecisionCase,
  setDecisionText,
  setMeetingFields,
  setVoteOutcome,
  setVoteTally,
  taskIdForActionItem,
  validateMinutes,
} from './minutes.ts';
import { openDoc } from './open.ts';
import { addPhase, initPlan, readPlan } from './plan.ts';
import { minutesSchema } from './schema.ts';
import { mergeInEveryOrder, replicas } from './test-utils.ts';
import { beijingInstant } from './time.ts';

const START = beijingInstant(2025, 3, 5, 9, 30);

function baseMinutes() {
  const doc = createDoc({ clientID: 100 });
  initMinutes(doc, {
    title: '三月党员大会',
    meetingType: 'party-members',
    startsAt: START,
    place: '村委会议室',
    createdAt: 1,
  });
  return doc;
}

function attend(doc: Y.Doc, n: number) {
  for (let i = 0; i < n; i++) markAttendance(doc, { name: `党员${i + 1}` }, { present: true });
}

describe('minutes model', () => {
  it('MIN-0 records meeting fields, attendance with reasons, agenda, votes, decisions, action items and body', () => {
    const doc = baseMinutes();
    setMeetingFields(doc, {
      chair: { name: '王书记', memberId: 'm1' },
      recorder: { name: '李文书' },
    });
    markAttendance(doc, { name: '张三' }, { present: true });
    markAttendance(
      doc,
      { name: '赵四' },
      { present: false, reason: 'working-away', note: '在乌鲁木齐' },
    );
    const item = addAgendaItem(doc, { title: '审议村道硬化方案' });
    const vote = recordVote(doc, {
      motion: '同意村道硬化方案',
      agendaItemId: item,
      tally: { for: 1, against: 0, abstain: 0 },
    });
    addDecision(doc, { text: '通过村道硬化方案，提交村民代表会议决议', voteId: vote });
    addActionItem(doc, { what: '起草公示材料', owner: { name: '李文书' }, due: '2025-03-10' });
    const body = doc.getXmlFragment(MINUTES_BODY_FIELD);
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText('会议由王书记主持。')]);
    body.insert(0, [p]);
    const data = readMinutes(doc);
    expect(minutesSchema.parse(data)).toEqual(data);
    expect(data).toMatchObject({
      meetingType: 'party-members',
      startsAt: START,
      place: '村委会议室',
      chair: { name: '王书记', memberId: 'm1' },
      recorder: { name: '李文书' },
      state: 'draft',
      bodyText: '会议由王书记主持。',
    });
    expect(data.attendance.map((a) => [a.person.name, a.present, a.absenceReason])).toEqual([
      ['张三', true, null],
      ['赵四', false, 'working-away'],
    ]);
    expect(data.attendance[1]!.absenceNote).toBe('在乌鲁木齐');
    expect(data.votes[0]!.tally).toEqual({ for: 1, against: 0, abstain: 0 });
    expect(data.decisions[0]!.voteId).toBe(vote);
    expect(data.actionItems[0]).toMatchObject({
      what: '起草公示材料',
      due: '2025-03-10',
      planTask: null,
    });
  });

  it('MIN-1 agenda items added on three devices are all kept in one order everywhere', () => {
    const doc = baseMinutes();
    const [a, b, c] = replicas(doc, 3) as [Y.Doc, Y.Doc, Y.Doc];
    addAgendaItem(a, { title: '学习传达文件' });
    addAgendaItem(b, { title: '讨论低保评议' });
    addAgendaItem(c, { title: '其他事项' });
    const merged = mergeInEveryOrder(doc, [a, b, c]);
    const first = readMinutes(merged[0]!).agenda;
    expect(first.map((x) => x.title).sort()).toEqual(
      ['其他事项', '学习传达文件', '讨论低保评议'].sort(),
    );
    for (const m of merged) expect(readMinutes(m).agenda).toEqual(first);
  });

  it('MIN-2 marking one person on two devices ends with one deterministic record', () => {
    const doc = baseMinutes();
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    markAttendance(a, { name: '张三' }, { present: true });
    markAttendance(b, { name: '张三' }, { present: false, reason: 'leave' });
    markAttendance(b, { name: '李四' }, { present: true });
    const all = mergeInEveryOrder(doc, [a, b]).map((m) => readMinutes(m).attendance);
    for (const att of all) {
      expect(att).toEqual(all[0]);
      expect(att.filter((x) => x.person.name === '张三')).toHaveLength(1);
      expect(att.map((x) => x.person.name).sort()).toEqual(['张三', '李四'].sort());
    }
  });

  it('MIN-3 correcting "for" and "against" of one vote on two devices keeps both corrections', () => {
    const doc = baseMinutes();
    const vote = recordVote(doc, { motion: '动议', tally: { for: 10, against: 2, abstain: 1 } });
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    setVoteTally(a, vote, { for: 11 });
    setVoteTally(b, vote, { against: 1 });
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      expect(readMinutes(m).votes[0]!.tally).toEqual({ for: 11, against: 1, abstain: 1 });
    }
  });

  it('MIN-4 two offline corrections of an agenda title merge as text', () => {
    const doc = baseMinutes();
    const item = addAgendaItem(doc, { title: '讨论村道方案' });
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    setAgendaItemTitle(a, item, '讨论并表决村道方案');
    setAgendaItemTitle(b, item, '讨论村道硬化方案');
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      expect(readMinutes(m).agenda[0]!.title).toBe('讨论并表决村道硬化方案');
    }
  });

  it('MIN-4 two offline corrections of the place merge as text', () => {
    const doc = baseMinutes();
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    setMeetingFields(a, { place: '村委二楼会议室' });
    setMeetingFields(b, { place: '村委会议室（东）' });
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      expect(readMinutes(m).place).toBe('村委二楼会议室（东）');
    }
  });

  it('MIN-4 a place stored as a plain string reads as text and becomes a Y.Text on a write', () => {
    const doc = baseMinutes();
    doc.getMap('minutes').set('place', '老村部');
    expect(readMinutes(doc).place).toBe('老村部');
    setMeetingFields(doc, { place: '老村部礼堂' });
    expect(doc.getMap('minutes').get('place')).toBeInstanceOf(Y.Text);
    expect(readMinutes(doc).place).toBe('老村部礼堂');
    expect(() => minutesSchema.parse(readMinutes(doc))).not.toThrow();
  });

  it('MIN-5 a tally above the number present is reported and blocks finalising', () => {
    const doc = baseMinutes();
    // A joint meeting of the two committees: a simple majority of those present, counted as listed.
    setMeetingFields(doc, { meetingType: 'joint-committees' });
    attend(doc, 3);
    const vote = recordVote(doc, {
      motion: '动议',
      tally: { for: 3, against: 1, abstain: 0 },
      outcome: 'passed',
    });
    const issues = validateMinutes(readMinutes(doc));
    expect(issues).toEqual([
      expect.objectContaining({ code: 'tally-exceeds-attendance', ref: vote }),
    ]);
    expect(() => finaliseMinutes(doc, { name: '王书记' })).toThrow(/4 votes but 3 people/);
    attend(doc, 4);
    expect(validateMinutes(readMinutes(doc))).toEqual([]);
    finaliseMinutes(doc, { name: '王书记' }, { at: START + 7200_000 });
    expect(readMinutes(doc)).toMatchObject({ state: 'final', finalisedAt: START + 7200_000 });
  });

  it('MIN-14 a vote without the result the meeting declared blocks finalising', () => {
    const doc = baseMinutes();
    attend(doc, 3);
    const vote = recordVote(doc, { motion: '修路', tally: { for: 1, against: 2, abstain: 0 } });
    expect(validateMinutes(readMinutes(doc))).toEqual([
      expect.objectContaining({ code: 'vote-no-outcome', ref: vote }),
    ]);
    expect(() => finaliseMinutes(doc, { name: '王书记' })).toThrow(/no declared result/);
    setVoteOutcome(doc, vote, 'rejected');
    expect(validateMinutes(readMinutes(doc))).toEqual([]);
  });

  it('MIN-5 minutes without a start time cannot be finalised', () => {
    const doc = baseMinutes();
    setMeetingFields(doc, { startsAt: null });
    expect(validateMinutes(readMinutes(doc)).map((i) => i.code)).toEqual(['no-start-time']);
  });

  it('MIN-6 finalised minutes refuse changes until reopened', () => {
    const doc = baseMinutes();
    finaliseMinutes(doc, { name: '王书记' });
    expect(() => addAgendaItem(doc, { title: 'x' })).toThrow(FinalisedError);
    expect(() => setMeetingFields(doc, { place: '别处' })).toThrow(FinalisedError);
    reopenMinutes(doc);
    expect(readMinutes(doc)).toMatchObject({
      state: 'draft',
      finalisedAt: null,
      finalisedBy: null,
    });
    setMeetingFields(doc, { place: '别处' });
    expect(readMinutes(doc).place).toBe('别处');
  });

  it('MIN-7 concurrent finalise and reopen resolve to the same state everywhere', () => {
    const doc = baseMinutes();
    finaliseMinutes(doc, { name: '王书记' });
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    reopenMinutes(a);
    reopenMinutes(b);
    finaliseMinutes(b, { name: '李文书' });
    const states = mergeInEveryOrder(doc, [a, b]).map((m) => readMinutes(m).state);
    expect(new Set(states).size).toBe(1);
  });

  it('MIN-8 an action item becomes one plan task, linked both ways, even when converted on two devices', () => {
    const minutes = baseMinutes();
    const action = addActionItem(minutes, {
      what: '落实村道硬化施工队',
      owner: { name: '村主任' },
      due: '2025-04-30',
    });
    const plan = createDoc({ clientID: 200 });
    initPlan(plan, { title: '计划' });
    const phase = addPhase(plan, { title: '第二季度' });
    const [ma, mb] = replicas(minutes, 2) as [Y.Doc, Y.Doc];
    const [pa, pb] = replicas(plan, 2) as [Y.Doc, Y.Doc];
    const target = { minutesDocId: 'min1', planDocId: 'plan1', phaseId: phase };
    const ida = actionItemToTask(ma, action, pa, target);
    const idb = actionItemToTask(mb, action, pb, target);
    expect(ida).toBe(idb);
    expect(actionItemToTask(ma, action, pa, target)).toBe(ida);
    for (const p of mergeInEveryOrder(plan, [pa, pb])) {
      const tasks = readPlan(p).phases[0]!.tasks;
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({
        id: taskIdForActionItem(action),
        title: '落实村道硬化施工队',
        owner: { name: '村主任' },
        due: '2025-04-30',
        source: { docId: 'min1', actionItemId: action },
      });
    }
    for (const m of mergeInEveryOrder(minutes, [ma, mb])) {
      expect(readMinutes(m).actionItems[0]!.planTask).toEqual({ docId: 'plan1', taskId: ida });
    }
  });

  it('MIN-8 converting an action item of finalised minutes creates the task but leaves the record unchanged', () => {
    const minutes = baseMinutes();
    const action = addActionItem(minutes, { what: '公示' });
    finaliseMinutes(minutes, { name: '王书记' });
    const plan = createDoc();
    initPlan(plan, { title: '计划' });
    const before = Y.encodeStateVector(minutes);
    actionItemToTask(minutes, action, plan, { minutesDocId: 'm', planDocId: 'p', phaseId: null });
    expect(Y.encodeStateVector(minutes)).toEqual(before);
    expect(readPlan(plan).unassigned.map((t) => t.title)).toEqual(['公示']);
  });

  it('MIN-9 an existing decision is linked to a case and step, relinked apart to one pair, and unlinked', () => {
    const doc = baseMinutes();
    const id = addDecision(doc, { text: '同意硬化村道' });
    setDecisionCase(doc, id, 'case-1', 'review');
    expect(readMinutes(doc).decisions[0]).toMatchObject({ id, caseId: 'case-1', step: 'review' });

    const [a, b] = replicas(doc, 2);
    setDecisionCase(a!, id, 'case-2', 'review');
    setDecisionCase(b!, id, 'case-1', 'resolution');
    const reads = mergeInEveryOrder(doc, [a!, b!]).map((d) => {
      const { caseId, step } = readMinutes(d).decisions[0]!;
      return `${caseId}/${step}`;
    });
    expect(new Set(reads).size).toBe(1);
    expect(['case-2/review', 'case-1/resolution']).toContain(reads[0]);

    setDecisionCase(doc, id, null, null);
    expect(readMinutes(doc).decisions[0]).toMatchObject({ caseId: null, step: null });
    expect(minutesSchema.safeParse(readMinutes(doc)).success).toBe(true);
  });

  it('MIN-9 a case link needs a step, a known step and a draft record; refused links write nothing', () => {
    const doc = baseMinutes();
    const id = addDecision(doc, { text: '同意' });
    const before = Y.encodeStateVector(doc);
    expect(() => setDecisionCase(doc, id, 'case-1', null)).toThrow(DomainError);
    expect(() => setDecisionCase(doc, id, null, 'review')).toThrow(DomainError);
    expect(() => setDecisionCase(doc, id, 'case-1', 'vote' as never)).toThrow(DomainError);
    expect(() => setDecisionCase(doc, 'missing', 'case-1', 'review')).toThrow(DomainError);
    expect(Y.encodeStateVector(doc)).toEqual(before);
    finaliseMinutes(doc, { name: '王书记' });
    expect(() => setDecisionCase(doc, id, 'case-1', 'review')).toThrow(FinalisedError);
    expect(readMinutes(doc).decisions[0]).toMatchObject({ caseId: null, step: null });
  });

  it('MIN-0 rejects unknown meeting types and bad tallies with typed errors', () => {
    const doc = baseMinutes();
    expect(() => setMeetingFields(doc, { meetingType: 'party-picnic' as 'other' })).toThrow(
      DomainError,
    );
    expect(() =>
      recordVote(doc, { motion: 'x', tally: { for: -1, against: 0, abstain: 0 } }),
    ).toThrow(/whole number/);
  });
});

/** Minutes as version 1 stored them, with the old absence reasons. */
function v1Minutes() {
  const doc = createDoc({ clientID: 300 });
  doc.transact(() => {
    doc.getMap('meta').set('kind', 'minutes');
    doc.getMap('meta').set('schemaVersion', 1);
    doc.getMap('minutes').set('meetingType', 'party-members');
    doc.getMap('minutes').set('startsAt', START);
    const att = doc.getMap('attendance');
    const absent = (name: string, reason: string) => ({
      name,
      present: false,
      absenceReason: reason,
      absenceNote: '',
    });
    att.set('n:甲', absent('甲', 'sick'));
    att.set('n:乙', absent('乙', 'personal'));
    att.set('n:丙', absent('丙', 'official'));
    att.set('n:丁', absent('丁', 'working-away'));
    att.set('n:戊', { name: '戊', present: true, absenceReason: null, absenceNote: '' });
  });
  return doc;
}

const reasons = (doc: Y.Doc) =>
  Object.fromEntries(readMinutes(doc).attendance.map((a) => [a.person.name, a.absenceReason]));

describe('MIN-13 removing votes, decisions and action items', () => {
  it('MIN-13 a removed vote leaves the decision pointing to it readable and reported (MIN-5)', () => {
    const doc = baseMinutes();
    attend(doc, 3);
    const v1 = recordVote(doc, { motion: '修路', tally: { for: 3, against: 0, abstain: 0 } });
    const d1 = addDecision(doc, { text: '同意修路', voteId: v1 });
    const a1 = addActionItem(doc, { what: '联系施工队' });
    removeVote(doc, v1);
    const m = readMinutes(doc);
    expect(minutesSchema.parse(m)).toEqual(m);
    expect(m.votes).toEqual([]);
    expect(m.decisions).toEqual([
      { id: d1, text: '同意修路', voteId: v1, caseId: null, step: null },
    ]);
    expect(validateMinutes(m)).toEqual([
      { code: 'missing-vote', message: 'decision refers to a removed vote', ref: d1 },
    ]);
    removeDecision(doc, d1);
    removeActionItem(doc, a1);
    const after = readMinutes(doc);
    expect([after.votes, after.decisions, after.actionItems]).toEqual([[], [], []]);
    expect(validateMinutes(after)).toEqual([]);
  });

  it('MIN-13 removing wins over a concurrent edit of the same item, as for tasks (PLAN-5)', () => {
    const doc = baseMinutes();
    attend(doc, 3);
    const v1 = recordVote(doc, { motion: '修路', tally: { for: 1, against: 0, abstain: 0 } });
    const d1 = addDecision(doc, { text: '同意' });
    const a1 = addActionItem(doc, { what: '联系施工队' });
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    removeVote(a, v1);
    removeDecision(a, d1);
    removeActionItem(a, a1);
    setVoteTally(b, v1, { for: 3 });
    setDecisionText(b, d1, '同意修路');
    actionItemToTask(
      b,
      a1,
      (() => {
        const plan = createDoc();
        initPlan(plan, { title: '计划' });
        return plan;
      })(),
      { minutesDocId: 'm1', planDocId: 'p1', phaseId: null },
    );
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      const data = readMinutes(m);
      expect([data.votes, data.decisions, data.actionItems]).toEqual([[], [], []]);
    }
  });

  it('MIN-13 MIN-6 finalised minutes refuse removals; unknown ids are refused', () => {
    const doc = baseMinutes();
    const v1 = recordVote(doc, {
      motion: '修路',
      tally: { for: 0, against: 0, abstain: 0 },
      outcome: 'rejected',
    });
    const d1 = addDecision(doc, { text: '同意' });
    const a1 = addActionItem(doc, { what: '联系施工队' });
    expect(() => removeVote(doc, 'nope')).toThrow(DomainError);
    finaliseMinutes(doc, { name: '王书记' });
    expect(() => removeVote(doc, v1)).toThrow(FinalisedError);
    expect(() => removeDecision(doc, d1)).toThrow(FinalisedError);
    expect(() => removeActionItem(doc, a1)).toThrow(FinalisedError);
    const m = readMinutes(doc);
    expect([m.votes.length, m.decisions.length, m.actionItems.length]).toEqual([1, 1, 1]);
  });
});

describe('MIN-12 absence reasons without health information', () => {
  const migrated = { 甲: 'leave', 乙: 'leave', 丙: 'on-duty', 丁: 'working-away', 戊: null };

  it('MIN-12 version 1 reasons read as 请假/因公 without writing; opening migrates them in place', () => {
    const doc = v1Minutes();
    const before = Y.encodeStateVector(doc);
    expect(reasons(doc)).toEqual(migrated);
    expect(Y.encodeStateVector(doc)).toEqual(before);
    expect(openDoc(doc, 'minutes')).toMatchObject({ migrated: true, state: 'current' });
    expect(doc.getMap('meta').get('schemaVersion')).toBe(MINUTES_SCHEMA_VERSION);
    const stored = doc.getMap('attendance').toJSON() as Record<string, { absenceReason: unknown }>;
    expect(Object.values(stored).map((v) => v.absenceReason)).not.toContain('sick');
    expect(reasons(doc)).toEqual(migrated);
  });

  it('MIN-12 DOC-4 two devices migrating at once, and an old device’s offline edit, converge without 病假', () => {
    const base = v1Minutes();
    const [a, b, old] = replicas(base, 3) as [Y.Doc, Y.Doc, Y.Doc];
    openDoc(a, 'minutes');
    openDoc(b, 'minutes');
    markAttendance(b, { name: '戊' }, { present: false, reason: 'working-away' });
    // A device still on version 1 marked someone 'sick' while offline.
    old.getMap('attendance').set('n:己', {
      name: '己',
      present: false,
      absenceReason: 'sick',
      absenceNote: '',
    });
    const reads = mergeInEveryOrder(base, [a, b, old]).map(reasons);
    for (const r of reads) {
      expect(r).toEqual({ ...migrated, 戊: 'working-away', 己: 'leave' });
    }
    expect(JSON.stringify(CATALOGUES['zh-CN'].labels)).not.toMatch(/病/);
  });
});

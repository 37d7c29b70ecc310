import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createDoc, writeParagraphs } from './doc.ts';
import { addEntry, initFeedbackLog, readFeedbackLog, relayEntry } from './feedback.ts';
import {
  addDecisionCase,
  addDocEntry,
  archiveDoc,
  initIndex,
  readIndex,
  recordPublication,
  removePublication,
  setCadence,
} from './index-doc.ts';
import {
  addActionItem,
  finaliseMinutes,
  initMinutes,
  MINUTES_BODY_FIELD,
  markAttendance,
  readMinutes,
  recordVote,
  removeActionItem,
  removeVote,
  setMeetingFields,
  setVoteOutcome,
  setVoteTally,
} from './minutes.ts';
import { describeChange, diffData } from './open.ts';
import { addPhase, addTask, initPlan, removeTask, setPlanTitle, setTaskStatus } from './plan.ts';
import { addPerson, initRoster, joinBody, leaveBody, setOffice } from './roster.ts';
import { beijingInstant } from './time.ts';

const snapshot = (doc: Y.Doc) => {
  const copy = createDoc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
};

describe('describeChange', () => {
  it('DESC-1 plan: task status, added and removed tasks, title, in zh-CN and en', () => {
    const doc = createDoc();
    initPlan(doc, { title: '计划' });
    const phase = addPhase(doc, { title: '第一阶段' });
    const t1 = addTask(doc, { phaseId: phase, title: '修水渠' });
    const t2 = addTask(doc, { phaseId: phase, title: '旧任务' });
    const before = snapshot(doc);
    setTaskStatus(doc, t1, 'done');
    removeTask(doc, t2);
    const t3 = addTask(doc, { phaseId: phase, title: '建文化室' });
    setPlanTitle(doc, '2025年计划');
    const zh = describeChange('plan', before, doc);
    expect(zh.map((i) => [i.path, i.op])).toEqual([
      ['title', 'changed'],
      [`tasks/${t3}`, 'added'],
      [`tasks/${t1}/status`, 'changed'],
      [`tasks/${t2}`, 'removed'],
    ]);
    expect(zh[2]).toMatchObject({ before: 'todo', after: 'done' });
    expect(zh[2]!.label).toBe('任务 “修水渠” 状态：未开始 → 已完成');
    const en = describeChange('plan', before, doc, 'en');
    expect(en[2]!.label).toBe('Task "修水渠" status: To do → Done');
    expect(en[0]).toMatchObject({ label: 'Title changed', before: '计划', after: '2025年计划' });
  });

  it('DESC-1 minutes: body growth in characters, tally correction, finalisation', () => {
    const doc = createDoc();
    initMinutes(doc, {
      title: '会',
      meetingType: 'joint-committees',
      startsAt: beijingInstant(2025, 1, 5, 9),
    });
    for (const name of ['甲', '乙', '丙']) markAttendance(doc, { name }, { present: true });
    const vote = recordVote(doc, {
      motion: '动议',
      tally: { for: 2, against: 0, abstain: 0 },
      outcome: 'passed',
    });
    const before = snapshot(doc);
    doc.transact(() =>
      writeParagraphs(doc.getXmlFragment(MINUTES_BODY_FIELD), '会议由王书记主持。'),
    );
    setVoteTally(doc, vote, { for: 3 });
    finaliseMinutes(doc, { name: '王书记' });
    const items = describeChange('minutes', before, doc, 'en');
    expect(items).toEqual([
      expect.objectContaining({
        path: 'state',
        label: 'Minutes finalised',
        before: 'Draft',
        after: 'Final',
      }),
      expect.objectContaining({ path: 'body', label: '+9 chars in body', before: 0, after: 9 }),
      expect.objectContaining({ path: `votes/${vote}/for`, before: 2, after: 3 }),
    ]);
    expect(readMinutes(doc).bodyText).toBe('会议由王书记主持。');
  });

  it('DESC-2 long text counts are the exact counts the caller passes, else one changed span', () => {
    const doc = createDoc();
    initMinutes(doc, { title: '会', meetingType: 'party-members', startsAt: 0 });
    doc.transact(() => writeParagraphs(doc.getXmlFragment(MINUTES_BODY_FIELD), '甲乙丙丁戊'));
    const before = readMinutes(snapshot(doc));
    const after = { ...before, bodyText: '子乙丙丁戊己庚' };
    const plain = diffData(before, after, 'zh-CN').map((c) => c.label);
    // Without counts one changed span from the first to the last difference is all a plain read gives.
    expect(plain).toEqual(['正文 +7 −5 字']);
    const exact = diffData(before, after, 'zh-CN', {
      textCounts: { body: { inserted: 12, removed: 3 } },
    });
    expect(exact.map((c) => c.label)).toEqual(['正文 +12 −3 字']);
    // Exact counts of nothing say nothing, whatever the plain texts look like.
    expect(
      diffData(before, after, 'zh-CN', { textCounts: { body: { inserted: 0, removed: 0 } } }),
    ).toEqual([]);
  });

  it('DESC-3 a creation lists the values set, never a before taken from defaults', () => {
    const empty = readMinutes(createDoc());
    const doc = createDoc();
    initMinutes(doc, {
      title: '支部党员大会',
      meetingType: 'party-group',
      startsAt: beijingInstant(2026, 12, 1, 9),
    });
    const items = diffData(empty, readMinutes(doc), 'zh-CN', { isCreation: true });
    const labels = items.map((c) => c.label);
    expect(labels).toContain('会议类型：党小组会');
    expect(labels.join(' ')).not.toContain('→');
    expect(labels).toContain('标题：“支部党员大会”');
    expect(items.every((c) => c.before === undefined)).toBe(true);
  });

  it('DESC-1 feedback and index: relay, status, archive, cadence', () => {
    const fb = createDoc();
    initFeedbackLog(fb, { title: '日志' });
    const id = addEntry(fb, {
      receivedAt: 1000,
      channel: 'phone',
      category: 'policy',
      summary: '咨询医保',
    });
    const before = readFeedbackLog(fb);
    relayEntry(fb, id, { to: '镇医保站', at: 2000 });
    const items = diffData(before, readFeedbackLog(fb));
    expect(items.map((i) => i.label)).toEqual([
      '民情 “咨询医保” 状态：已登记 → 已交办',
      '民情 “咨询医保” 交办至 镇医保站',
    ]);
    const index = createDoc();
    initIndex(index, { name: '村' });
    addDocEntry(index, { id: 'd1', kind: 'plan', title: '计划' });
    const ib = readIndex(index);
    archiveDoc(index, 'd1');
    setCadence(index, { preset: 'national' });
    expect(diffData(ib, readIndex(index), 'en').map((i) => i.path)).toEqual([
      'cadence',
      'docs/d1/archived',
    ]);
  });

  it('MIN-13 IDX-6 the history lists a removed vote, action item and publication with its label', () => {
    const doc = createDoc();
    initMinutes(doc, { title: '会', meetingType: 'party-members' });
    const v1 = recordVote(doc, { motion: '修路', tally: { for: 0, against: 0, abstain: 0 } });
    const a1 = addActionItem(doc, { what: '联系施工队' });
    const before = snapshot(doc);
    removeVote(doc, v1);
    removeActionItem(doc, a1);
    const zh = describeChange('minutes', before, doc);
    expect(zh.filter((i) => i.op === 'removed').map((i) => i.path)).toEqual([
      `votes/${v1}`,
      `actions/${a1}`,
    ]);
    expect(zh.map((i) => i.label).join('\n')).toContain('“修路”');
    expect(zh.map((i) => i.label).join('\n')).toContain('“联系施工队”');
    const en = describeChange('minutes', before, doc, 'en');
    expect(en[0]!.label).toMatch(/^Removed .*"修路"$/);

    const index = createDoc();
    initIndex(index, { name: '村' });
    const caseId = addDecisionCase(index, { title: '村道硬化', createdAt: 5 });
    const p1 = recordPublication(index, caseId, {
      step: 'result-public',
      at: beijingInstant(2025, 4, 1, 9),
      where: '公开栏',
    });
    const beforeIndex = snapshot(index);
    removePublication(index, p1);
    const items = describeChange('index', beforeIndex, index);
    expect(items).toEqual([
      expect.objectContaining({
        path: `cases/${caseId}/publications/${p1}`,
        op: 'removed',
        before: 'result-public',
      }),
    ]);
    expect(items[0]!.label).toContain('删除');
    expect(items[0]!.label).toContain('2025-04-01');
  });

  it('DESC-1 no change gives no items', () => {
    const doc = createDoc();
    initPlan(doc, { title: '计划' });
    expect(describeChange('plan', snapshot(doc), doc)).toEqual([]);
  });
  it('DESC-1 a rewrite of equal length says how much was inserted and removed', () => {
    const doc = createDoc();
    initMinutes(doc, { title: '支部委员会', meetingType: 'branch-committee' });
    writeParagraphs(doc.getXmlFragment(MINUTES_BODY_FIELD), '会议讨论修路方案');
    const before = snapshot(doc);
    const text = (doc.getXmlFragment(MINUTES_BODY_FIELD).get(0) as Y.XmlElement).get(
      0,
    ) as Y.XmlText;
    text.delete(6, 2);
    text.insert(6, '规划');
    const labels = describeChange('minutes', before, doc, 'zh-CN').map((c) => c.label);
    expect(labels).toContain('正文 +2 −2 字');
    expect(describeChange('minutes', before, doc, 'en').map((c) => c.label)).toContain(
      '+2 −2 chars in body',
    );
  });
});

describe('describeChange: roster and the new minutes fields', () => {
  it('DESC-1 roster: a person added, a member leaving and an office, in zh-CN and en', () => {
    const doc = createDoc();
    initRoster(doc, { title: '名册' });
    const p = addPerson(doc, { id: 'p1', name: '王建国' });
    const key = joinBody(doc, p, { body: 'branch-committee' });
    const before = snapshot(doc);
    addPerson(doc, { id: 'p2', name: '李秀英' });
    setOffice(doc, key, 'secretary');
    leaveBody(doc, p, { body: 'branch-committee' }, '2025-07-01');
    const zh = describeChange('roster', before, doc);
    expect(zh.map((i) => [i.path, i.op])).toEqual([
      ['people/p2', 'added'],
      [`memberships/${key}/left`, 'changed'],
      [`memberships/${key}/office`, 'changed'],
    ]);
    expect(zh[2]!.label).toContain('书记');
    expect(describeChange('roster', before, doc, 'en')[2]!.label).toContain('Secretary');
  });

  it('DESC-1 minutes: the lecturer, the party group and a vote’s recorded outcome', () => {
    const doc = createDoc();
    initMinutes(doc, { title: '党课', meetingType: 'party-lecture', startsAt: 1 });
    const vote = recordVote(doc, { motion: '动议', tally: { for: 1, against: 0, abstain: 0 } });
    const before = snapshot(doc);
    setMeetingFields(doc, { lecturer: { name: '王建国', rosterId: 'p1' }, groupId: 'g1' });
    setVoteOutcome(doc, vote, 'passed');
    const labels = describeChange('minutes', before, doc).map((i) => i.label);
    expect(labels).toEqual(['党小组：— → g1', '授课人：— → 王建国', `表决 “动议” 结果：— → 通过`]);
  });

  it('I18N-3 a value running against the sentence is isolated (FSI…PDI); one running with it is not', () => {
    const doc = createDoc();
    initMinutes(doc, { title: '党课', meetingType: 'party-lecture', startsAt: 1 });
    const before = snapshot(doc);
    setMeetingFields(doc, { lecturer: { name: 'ئابدۇللا', rosterId: 'p1' } });
    const zh = describeChange('minutes', before, doc).map((i) => i.label);
    expect(zh).toContain('授课人：— → \u2068ئابدۇللا\u2069');
    const ug = describeChange('minutes', before, doc, 'ug').map((i) => i.label);
    expect(ug.join('\n')).toContain('ئابدۇللا');
    // A Chinese place in a Uyghur sentence.
    const placed = snapshot(doc);
    setMeetingFields(doc, { place: '村委会' });
    const place = describeChange('minutes', placed, doc, 'ug').map((i) => i.label);
    expect(place.join('\n')).toContain('\u2068村委会\u2069');
  });
});

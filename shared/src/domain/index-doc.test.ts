import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { labelOf } from '../i18n/index.ts';
import { searchKey } from '../text/search.ts';
import { cadencePreset } from './cadence.ts';
import { DomainError } from './DomainError.ts';
import { createDoc, writeParagraphs } from './doc.ts';
import { addEntry, addResponse, initFeedbackLog, readFeedbackLog } from './feedback.ts';
import {
  activeServices,
  addDecisionCase,
  addDocEntry,
  addService,
  archiveDoc,
  archiveService,
  DEFAULT_SERVICES,
  type DocListDetail,
  docList,
  feedbackSearchText,
  initIndex,
  minutesSearchText,
  planSearchText,
  readIndex,
  recordPublication,
  removeDocEntry,
  removePublication,
  renameDoc,
  renameService,
  serviceById,
  serviceLabel,
  setCadence,
} from './index-doc.ts';
import {
  addActionItem,
  addAgendaItem,
  addDecision,
  initMinutes,
  MINUTES_BODY_FIELD,
  readMinutes,
  setMeetingFields,
} from './minutes.ts';
import { initDoc } from './open.ts';
import { addPhase, addTask, initPlan, PLAN_NOTES_FIELD, readPlan } from './plan.ts';
import { DEFAULT_SERVICE_IDS, indexSchema } from './schema.ts';
import { mergeInEveryOrder, replicas } from './test-utils.ts';

function baseIndex() {
  const doc = createDoc({ clientID: 100 });
  initIndex(doc, { name: '幸福村', createdAt: 1 });
  addDocEntry(doc, { id: 'plan1', kind: 'plan', title: '2025年工作计划', createdAt: 10 });
  return doc;
}

describe('workspace index', () => {
  it('IDX-0 reads the doc list, the default 8+1 services and the default cadence', () => {
    const doc = baseIndex();
    const data = readIndex(doc);
    expect(indexSchema.parse(data)).toEqual(data);
    expect(data.name).toBe('幸福村');
    expect(data.docs).toEqual([
      { id: 'plan1', kind: 'plan', title: '2025年工作计划', createdAt: 10, archived: false },
    ]);
    expect(data.services).toHaveLength(9);
    expect(data.services.filter((s) => s.kind === 'policy')).toHaveLength(8);
    expect(data.services.at(-1)).toMatchObject({ id: 'svc-9', kind: 'livelihood' });
    expect(data.cadence.preset).toBe('seed');
  });

  it('IDX-1 docs created on two devices while apart are both listed; re-registering is a no-op', () => {
    const doc = baseIndex();
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    addDocEntry(a, { id: 'min1', kind: 'minutes', title: '一月党员大会', createdAt: 20 });
    addDocEntry(b, { id: 'fb1', kind: 'feedback', title: '民情日志', createdAt: 30 });
    addDocEntry(b, { id: 'plan1', kind: 'feedback', title: '重复', createdAt: 40 });
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      expect(readIndex(m).docs.map((d) => [d.id, d.kind])).toEqual([
        ['plan1', 'plan'],
        ['min1', 'minutes'],
        ['fb1', 'feedback'],
      ]);
    }
  });

  it('IDX-2 concurrent renames merge as text; archiving keeps the entry', () => {
    const doc = baseIndex();
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    renameDoc(a, 'plan1', '幸福村2025年工作计划');
    renameDoc(b, 'plan1', '2025年工作计划（修订稿）');
    archiveDoc(b, 'plan1');
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      expect(readIndex(m).docs[0]).toMatchObject({
        title: '幸福村2025年工作计划（修订稿）',
        archived: true,
      });
    }
    archiveDoc(doc, 'plan1', true);
    archiveDoc(doc, 'plan1', false);
    expect(readIndex(doc).docs[0]!.archived).toBe(false);
  });

  it('IDX-3 two devices seeding the default services agree on one list of nine', () => {
    const a = createDoc({ clientID: 1 });
    const b = createDoc({ clientID: 2 });
    initIndex(a, { name: '幸福村', createdAt: 1 });
    initIndex(b, { name: '幸福村', createdAt: 2 });
    for (const m of mergeInEveryOrder(createDoc(), [a, b])) {
      expect(readIndex(m).services.map((s) => s.id)).toEqual(DEFAULT_SERVICES.map((s) => s.id));
    }
  });

  it('IDX-3 services are edited as workspace data and archived, not deleted', () => {
    const doc = baseIndex();
    const id = addService(doc, { name: '村级光伏电站', kind: 'livelihood' });
    renameService(doc, 'svc-1', '农村低保');
    archiveService(doc, 'svc-8');
    const data = readIndex(doc);
    expect(data.services.at(-1)).toMatchObject({ id, name: '村级光伏电站', archived: false });
    expect(data.services[0]!.name).toBe('农村低保');
    expect(data.services.find((s) => s.id === 'svc-8')!.archived).toBe(true);
  });

  it('IDX-4 the cadence is replaced as a whole: concurrent changes give one preset, not a mix', () => {
    const doc = baseIndex();
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    setCadence(a, { preset: 'national' });
    setCadence(b, {
      preset: 'custom',
      rules: [{ meetingType: 'party-lecture', period: 'month', min: 2, max: null }],
    });
    const results = mergeInEveryOrder(doc, [a, b]).map((m) => readIndex(m).cadence);
    for (const r of results) expect(r).toEqual(results[0]);
    expect([cadencePreset('national').rules.length, 1]).toContain(results[0]!.rules.length);
    expect(() =>
      setCadence(doc, {
        preset: 'custom',
        rules: [{ meetingType: 'party-lecture', period: 'month', min: 0, max: null }],
      }),
    ).toThrow();
  });

  it('IDX-5 publications of a case are appended and all kept', () => {
    const doc = baseIndex();
    const caseId = addDecisionCase(doc, { title: '村道硬化工程', createdAt: 5 });
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    recordPublication(a, caseId, { step: 'resolution-public', at: 100, where: '村务公开栏' });
    recordPublication(b, caseId, { step: 'result-public', at: 200, where: '村民微信群' });
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      const c = readIndex(m).cases[0]!;
      expect(c.title).toBe('村道硬化工程');
      expect(c.publications.map((p) => p.step).sort()).toEqual([
        'resolution-public',
        'result-public',
      ]);
    }
  });
});

describe('IDX-6 removing a publication', () => {
  it('IDX-6 a publication is removed as a whole; removing it on two devices at once leaves the others', () => {
    const doc = baseIndex();
    const caseId = addDecisionCase(doc, { title: '村道硬化工程', createdAt: 5 });
    const p1 = recordPublication(doc, caseId, {
      step: 'resolution-public',
      at: 100,
      where: '公开栏',
    });
    recordPublication(doc, caseId, { step: 'result-public', at: 200, where: '微信群' });
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    removePublication(a, p1);
    removePublication(b, p1);
    const p3 = recordPublication(b, caseId, { step: 'resolution-public', at: 300, where: '广播' });
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      const c = readIndex(m).cases[0]!;
      expect(c.publications.map((p) => p.at).sort()).toEqual([200, 300]);
      expect(c.publications.map((p) => p.id)).toContain(p3);
    }
  });

  it('IDX-6 every copy of the id goes, and an unknown id is refused', () => {
    const doc = baseIndex();
    const caseId = addDecisionCase(doc, { title: '村道硬化工程', createdAt: 5 });
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    recordPublication(a, caseId, { id: 'pub1', step: 'result-public', at: 1, where: '公开栏' });
    recordPublication(b, caseId, { id: 'pub1', step: 'result-public', at: 1, where: '公开栏' });
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    removePublication(a, 'pub1');
    expect(readIndex(a).cases[0]!.publications).toEqual([]);
    expect(() => removePublication(a, 'pub1')).toThrow(DomainError);
  });
});

describe('CAD-8 stored cadence presets', () => {
  it('CAD-8 a preset stored by an older build reads with this build’s rules; custom rules as stored', () => {
    const doc = baseIndex();
    // What an older build stored for the seed preset: 三会一课 only.
    doc.getMap('workspace').set('cadence', {
      preset: 'seed',
      rules: [{ meetingType: 'party-lecture', period: 'week', min: 1, max: null }],
    });
    expect(readIndex(doc).cadence).toEqual(cadencePreset('seed'));
    const custom = {
      preset: 'custom' as const,
      rules: [
        { meetingType: 'theme-party-day' as const, period: 'month' as const, min: 1, max: null },
      ],
    };
    setCadence(doc, custom);
    expect(readIndex(doc).cadence).toEqual(custom);
  });
});

describe('8+1 services', () => {
  it('SVC-3 a default service under its default name reads in the reader’s language; a renamed one as named', () => {
    // The names every workspace stores are zh-CN's labels, so a reader of Chinese sees the data.
    expect(DEFAULT_SERVICES.map((s) => s.id)).toEqual([...DEFAULT_SERVICE_IDS]);
    expect(
      DEFAULT_SERVICES.map((s) => labelOf('defaultService', s.id as 'svc-1', 'zh-CN')),
    ).toEqual(DEFAULT_SERVICES.map((s) => s.name));
    const doc = createDoc();
    initIndex(doc, { name: '幸福村' });
    const services = () => readIndex(doc).services;
    const byId = (id: string) => services().find((s) => s.id === id)!;
    expect(serviceLabel(byId('svc-1'), 'ug')).toBe('ئەڭ تۆۋەن تۇرمۇش كاپالىتى');
    expect(serviceLabel(byId('svc-1'), 'en')).toBe('Minimum living allowance');
    expect(serviceLabel(byId('svc-1'), 'zh-CN')).toBe('最低生活保障');
    renameService(doc, 'svc-1', '低保');
    expect(serviceLabel(byId('svc-1'), 'ug')).toBe('低保');
    expect(byId('svc-2').name).toBe('城乡居民医疗保险');
    const own = addService(doc, { name: '庭院经济', kind: 'livelihood' });
    expect(serviceLabel(byId(own), 'ug')).toBe('庭院经济');
  });

  it('SVC-1 every new workspace index has the default list, however it was created', () => {
    const viaInit = createDoc();
    initIndex(viaInit, { name: '幸福村' });
    const viaRegistry = createDoc();
    initDoc('index', viaRegistry, { title: '幸福村' });
    // A device whose first write to the workspace was listing a doc.
    const viaFirstWrite = createDoc();
    addDocEntry(viaFirstWrite, { id: 'min1', kind: 'minutes', title: '会议', createdAt: 1 });
    const defaults = DEFAULT_SERVICES.map((s) => ({ ...s, archived: false }));
    for (const doc of [viaInit, viaRegistry, viaFirstWrite]) {
      expect(readIndex(doc).services).toEqual(defaults);
    }
    // A list of its own replaces the defaults.
    const own = createDoc();
    initIndex(own, { name: '村', services: [{ id: 'x', name: '光伏', kind: 'livelihood' }] });
    expect(readIndex(own).services.map((s) => s.id)).toEqual(['x']);
  });

  it('SVC-1 an index without the list reads the defaults; editing one apart from other edits keeps both', () => {
    const doc = createDoc({ clientID: 5 });
    doc.transact(() => {
      doc.getMap('meta').set('kind', 'index');
      doc.getMap('meta').set('schemaVersion', 1);
    });
    const before = Y.encodeStateVector(doc);
    expect(readIndex(doc).services.map((s) => s.id)).toEqual(DEFAULT_SERVICES.map((s) => s.id));
    expect(Y.encodeStateVector(doc)).toEqual(before);
    // Two devices write apart: both seed the same ids, and a rename of a default applies.
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    renameService(a, 'svc-7', '耕地地力保护补贴');
    addService(b, { id: 'own-1', name: '村级光伏电站', kind: 'livelihood' });
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      const services = readIndex(m).services;
      expect(services.map((s) => s.id)).toEqual([...DEFAULT_SERVICES.map((s) => s.id), 'own-1']);
      expect(services.find((s) => s.id === 'svc-7')!.name).toBe('耕地地力保护补贴');
    }
  });

  it('SVC-2 a retired service leaves the pickers but still reads for the tasks that link it', () => {
    const index = baseIndex();
    const id = addService(index, { name: '庭院经济奖补', kind: 'livelihood' });
    const plan = createDoc();
    initPlan(plan, { title: '计划' });
    const task = addTask(plan, { phaseId: null, title: '发放奖补', serviceId: id });
    archiveService(index, id);
    renameService(index, id, '庭院经济奖补（已结束）');
    const data = readIndex(index);
    expect(activeServices(data).map((s) => s.id)).not.toContain(id);
    const linked = readPlan(plan).unassigned.find((t) => t.id === task)!;
    expect(serviceById(data, linked.serviceId)).toEqual({
      id,
      name: '庭院经济奖补（已结束）',
      kind: 'livelihood',
      archived: true,
    });
    expect(serviceById(data, 'gone')).toBeNull();
    expect(() => renameService(index, 'gone', 'x')).toThrow(DomainError);
    archiveService(index, id, false);
    expect(activeServices(readIndex(index)).map((s) => s.id)).toContain(id);
  });

  it('SVC-2 renaming and retiring one service on two devices both stick', () => {
    const doc = baseIndex();
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    renameService(a, 'svc-5', '雨露计划教育资助');
    archiveService(b, 'svc-5');
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      expect(readIndex(m).services.find((s) => s.id === 'svc-5')).toMatchObject({
        name: '雨露计划教育资助',
        archived: true,
      });
    }
  });
});

describe('IDX-7 deleting a document from the list', () => {
  it('IDX-7 removing an entry returns it and leaves the others; an unknown id is refused', () => {
    const doc = baseIndex();
    addDocEntry(doc, { id: 'fb1', kind: 'feedback', title: '民情日志', createdAt: 20 });
    const removed = removeDocEntry(doc, 'plan1');
    expect(removed).toEqual({
      id: 'plan1',
      kind: 'plan',
      title: '2025年工作计划',
      createdAt: 10,
      archived: false,
    });
    expect(readIndex(doc).docs.map((d) => d.id)).toEqual(['fb1']);
    expect(() => removeDocEntry(doc, 'plan1')).toThrow(DomainError);
    // Restoring lists it again as it was.
    addDocEntry(doc, { id: 'plan1', kind: 'plan', title: removed.title, createdAt: 10 });
    expect(readIndex(doc).docs.map((d) => d.id)).toEqual(['plan1', 'fb1']);
  });

  it('IDX-7 a rename or archive made apart does not bring a deleted entry back', () => {
    const doc = baseIndex();
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    removeDocEntry(a, 'plan1');
    renameDoc(b, 'plan1', '改名');
    archiveDoc(b, 'plan1');
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      expect(readIndex(m).docs).toEqual([]);
    }
  });
});

describe('IDX-8 the document list', () => {
  const entry = (id: string, kind: 'plan' | 'minutes' | 'feedback' | 'roster', over = {}) => ({
    id,
    kind,
    title: id,
    createdAt: 0,
    archived: false,
    ...over,
  });
  const all = { text: '', kind: 'all' as const, showArchived: false };
  // 2025-03-31 20:00 Beijing is 12:00 UTC; 2025-04-01 01:00 Beijing is 2025-03-31 17:00 UTC.
  const march = Date.UTC(2025, 2, 31, 12);
  const april = Date.UTC(2025, 2, 31, 17);

  it('IDX-8 plans, feedback logs and the roster come first; minutes by Beijing month, newest first', () => {
    const entries = [
      entry('m-old', 'minutes', { createdAt: 1 }),
      entry('roster', 'roster', { createdAt: 2 }),
      entry('m-mar', 'minutes', { createdAt: 3 }),
      entry('fb', 'feedback', { createdAt: 4 }),
      entry('m-apr', 'minutes', { createdAt: 5 }),
      entry('plan-a', 'plan', { createdAt: 6 }),
      entry('plan-b', 'plan', { createdAt: 7 }),
    ];
    const at: Record<string, number> = {
      'm-old': Date.UTC(2024, 11, 1),
      'm-mar': march,
      'm-apr': april,
    };
    const list = docList(entries, all, (id) => ({ text: '', at: at[id] ?? null }));
    expect(list.pinned.map((d) => d.id)).toEqual(['plan-b', 'plan-a', 'fb', 'roster']);
    expect(list.months.map((m) => [m.month, m.docs.map((d) => d.id)])).toEqual([
      ['2025-04', ['m-apr']],
      ['2025-03', ['m-mar']],
      ['2024-12', ['m-old']],
    ]);
    expect(list.shown).toBe(7);
  });

  it('IDX-9 a record of minutes not yet finalised is marked in the list', () => {
    const entries = [entry('draft', 'minutes'), entry('final', 'minutes'), entry('p', 'plan')];
    const list = docList(entries, all, (id) => ({ text: '', at: null, isDraft: id === 'draft' }));
    const marked = list.months.flatMap((m) => m.docs).concat(list.pinned);
    expect(marked.filter((d) => d.isDraft).map((d) => d.id)).toEqual(['draft']);
  });

  it('IDX-8 every word must match the title or a feedback entry; case and width are folded', () => {
    const fb = createDoc({ clientID: 7 });
    initFeedbackLog(fb, { title: '民情日志' });
    const entryId = addEntry(fb, {
      receivedAt: 1,
      channel: 'home-visit',
      category: 'infrastructure',
      summary: '三组路灯坏了',
      urgency: 'normal',
    });
    addResponse(fb, entryId, { at: 2, text: '已联系电工 Zhang' });
    const text = feedbackSearchText(readFeedbackLog(fb));
    const entries = [
      entry('fb', 'feedback', { title: '民情日志' }),
      entry('plan', 'plan', { title: '路灯改造计划' }),
      entry('m', 'minutes', { title: '支委会 ZHANG' }),
    ];
    const detail = (id: string) => (id === 'fb' ? { text, at: null } : undefined);
    const ids = (q: string) =>
      docList(entries, { ...all, text: q }, detail)
        .pinned.concat(docList(entries, { ...all, text: q }, detail).months.flatMap((m) => m.docs))
        .map((d) => d.id)
        .sort();
    expect(ids('路灯')).toEqual(['fb', 'plan']);
    expect(ids('路灯 三组')).toEqual(['fb']);
    expect(ids('ｚｈａｎｇ')).toEqual(['fb', 'm']);
    expect(ids('电工 计划')).toEqual([]);
    expect(ids('  ')).toEqual(['fb', 'm', 'plan']);
  });

  it('IDX-8 a feedback log is found by a Uyghur stem in any spelling, from its text or its kept search form', () => {
    const entries = [
      entry('fb', 'feedback', { title: 'خەلق ئەھۋالى خاتىرىسى' }),
      entry('p', 'plan'),
    ];
    const text = 'مەكتەپنىڭ ئالدىدىكى يول بۇزۇلدى\n村口路灯坏了';
    const ids = (q: string, detail: DocListDetail) =>
      docList(entries, { ...all, text: q }, (id) => (id === 'fb' ? detail : undefined)).pinned.map(
        (d) => d.id,
      );
    for (const detail of [
      { text, at: null },
      { text: 'stale', key: searchKey(text), at: null },
    ]) {
      expect(ids('مەكتەپ', detail)).toEqual(['fb']);
      expect(ids('مهكتهپ 路灯', detail)).toEqual(['fb']);
      expect(ids('ئەھۋال', detail)).toEqual(['fb']);
      expect(ids('دوختۇرخانا', detail)).toEqual([]);
    }
  });

  it('IDX-8 minutes are found by their place, people, agenda, decisions, action items and body, and show where (SEARCH-4)', () => {
    const m = createDoc({ clientID: 8 });
    initMinutes(m, { title: '3月支委会', meetingType: 'branch-committee', place: '村委会会议室' });
    setMeetingFields(m, { chair: { name: '阿不都热合曼' } });
    addAgendaItem(m, { title: '研究自来水入户工程' });
    addDecision(m, { text: '同意从集体经济收入中列支维修费' });
    addActionItem(m, { what: '联系施工队', owner: { name: '古丽' } });
    writeParagraphs(
      m.getXmlFragment(MINUTES_BODY_FIELD),
      '会议首先传达了上级精神。\nيىغىندا مەكتەپنىڭ ئالدىدىكى يولنى ئوڭشاش مەسىلىسى مۇزاكىرە قىلىندى.',
    );
    const text = minutesSearchText(readMinutes(m));
    const entries = [entry('m', 'minutes', { title: '3月支委会' }), entry('other', 'minutes')];
    const found = (q: string) =>
      docList(entries, { ...all, text: q }, (id) => (id === 'm' ? { text, at: null } : undefined))
        .months.flatMap((g) => g.docs)
        .map((d) => [d.id, d.snippet ?? null]);
    for (const q of ['会议室', '阿不都', '自来水', '集体经济', '施工队', '古丽', '上级精神']) {
      expect(found(q).map(([id]) => id)).toEqual(['m']);
    }
    expect(found('自来水')).toEqual([
      ['m', { before: '研究', match: '自来水', after: '入户工程' }],
    ]);
    // A Uyghur stem finds the inflected word; the snippet shows it as written, cut with "…".
    const [[, snippet]] = found('مەكتەپ') as [
      [string, { before: string; match: string; after: string }],
    ];
    expect(snippet.match).toBe('مەكتەپ');
    expect(snippet.before).toBe('يىغىندا ');
    expect(snippet.after.startsWith('نىڭ ئالدىدىكى')).toBe(true);
    expect(snippet.after.endsWith('…')).toBe(true);
    // Words all in the title: found, and no snippet.
    expect(found('支委会')).toEqual([['m', null]]);
    // One word in the title, one in the text: the snippet is of the other.
    expect(found('支委会 施工队')).toEqual([['m', { before: '联系', match: '施工队', after: '' }]]);
    expect(found('自来水 水库')).toEqual([]);
  });

  it('IDX-8 a plan is found by its village, phases, tasks, owners, task notes and notes', () => {
    const p = createDoc({ clientID: 9 });
    initPlan(p, { title: '2025年工作计划', village: '英买里村' });
    const phase = addPhase(p, { title: '春耕备耕', goals: '完成棉花播种\n落实滴灌带' });
    addTask(p, {
      phaseId: phase,
      title: '维修三组水渠',
      owner: { name: '买买提' },
      notes: '需要水泥二十袋',
    });
    addTask(p, { phaseId: null, title: '整理档案' });
    writeParagraphs(p.getXmlFragment(PLAN_NOTES_FIELD), '第一书记牵头。');
    const text = planSearchText(readPlan(p));
    const ids = (q: string) =>
      docList([entry('p', 'plan', { title: '2025年工作计划' })], { ...all, text: q }, () => ({
        text,
        at: null,
      })).pinned.map((d) => d.id);
    for (const q of [
      '英买里',
      '春耕',
      '滴灌带',
      '水渠',
      '买买提',
      '水泥',
      '整理档案',
      '第一书记',
    ]) {
      expect(ids(q)).toEqual(['p']);
    }
    expect(ids('幼儿园')).toEqual([]);
  });

  it('IDX-8 archived docs leave the default list but are found by search or when asked for', () => {
    const entries = [
      entry('old-plan', 'plan', { title: '2024年计划', archived: true }),
      entry('plan', 'plan', { title: '2025年计划' }),
    ];
    const none = () => undefined;
    const plain = docList(entries, all, none);
    expect(plain.pinned.map((d) => d.id)).toEqual(['plan']);
    expect(plain.archived).toEqual([]);
    expect(plain.hiddenArchived).toBe(1);
    expect(docList(entries, { ...all, text: '2024' }, none).archived.map((d) => d.id)).toEqual([
      'old-plan',
    ]);
    expect(docList(entries, { ...all, showArchived: true }, none).archived).toHaveLength(1);
  });

  it('IDX-8 the kind filter keeps only that kind', () => {
    const entries = [entry('p', 'plan'), entry('m', 'minutes'), entry('f', 'feedback')];
    const list = docList(entries, { ...all, kind: 'minutes' }, () => undefined);
    expect(list.pinned).toEqual([]);
    expect(list.months.flatMap((m) => m.docs.map((d) => d.id))).toEqual(['m']);
  });
});

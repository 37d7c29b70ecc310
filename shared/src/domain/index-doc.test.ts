import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { cadencePreset } from './cadence.ts';
import { createDoc } from './doc.ts';
import {
  addDecisionCase,
  addDocEntry,
  addService,
  archiveDoc,
  archiveService,
  DEFAULT_SERVICES,
  initIndex,
  readIndex,
  recordPublication,
  renameDoc,
  renameService,
  setCadence,
} from './index-doc.ts';
import { indexSchema } from './schema.ts';
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

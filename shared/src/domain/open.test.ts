import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createDoc } from './doc.ts';
import { readFeedbackLog } from './feedback.ts';
import { SCHEMA_VERSIONS } from './kinds.ts';
import { initMinutes } from './minutes.ts';
import { openDoc, readDoc } from './open.ts';
import { initPlan } from './plan.ts';

function v1Feedback() {
  const doc = createDoc();
  doc.transact(() => {
    doc.getMap('meta').set('kind', 'feedback');
    doc.getMap('meta').set('schemaVersion', 1);
    const e = new Y.Map<unknown>();
    e.set('receivedAt', 5);
    e.set('channel', 'phone');
    e.set('category', 'other');
    e.set('summary', new Y.Text('旧'));
    e.set('urgency', 'normal');
    e.set('status', 'resolved');
    e.set('statusAt', 9);
    doc.getMap('entries').set('e1', e);
  });
  return doc;
}

describe('openDoc', () => {
  it('DOC-2 openDoc upgrades an older doc in place and says so', () => {
    const doc = v1Feedback();
    const result = openDoc(doc, 'feedback');
    expect(result).toMatchObject({ state: 'current', migrated: true, readOnly: false });
    expect(doc.getMap('meta').get('schemaVersion')).toBe(SCHEMA_VERSIONS.feedback);
    expect(readFeedbackLog(doc).entries[0]!.status).toBe('resolved');
  });

  it('DOC-2 openDoc with migrate:false leaves an older doc untouched (viewers)', () => {
    const doc = v1Feedback();
    const before = Y.encodeStateVector(doc);
    expect(openDoc(doc, 'feedback', { migrate: false })).toMatchObject({
      state: 'older',
      migrated: false,
    });
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });

  it('DOC-3 a newer doc opens read-only with a reason and is not changed', () => {
    const doc = createDoc();
    initPlan(doc, { title: '计划' });
    doc.getMap('meta').set('schemaVersion', SCHEMA_VERSIONS.plan + 1);
    const before = Y.encodeStateVector(doc);
    const r = openDoc(doc, 'plan');
    expect(r).toMatchObject({ state: 'newer', readOnly: true, migrated: false });
    expect(r.reason).toMatch(/newer version of the app/);
    expect(Y.encodeStateVector(doc)).toEqual(before);
    expect(readDoc('plan', doc).title).toBe('计划');
  });

  it('DOC-3 a doc of another kind is reported read-only and reading it as that kind throws', () => {
    const doc = createDoc();
    initMinutes(doc, { title: '会', meetingType: 'other' });
    expect(openDoc(doc, 'plan')).toMatchObject({ state: 'wrong-kind', readOnly: true });
    expect(() => readDoc('plan', doc)).toThrow(/is a minutes, not a plan/);
  });

  it('DOC-1 createDoc keeps deleted content so earlier versions can be rebuilt', () => {
    const doc = createDoc();
    expect(doc.gc).toBe(false);
    initPlan(doc, { title: '旧标题', village: '幸福村' });
    const snap = Y.snapshot(doc);
    doc.getMap('plan').delete('village');
    const old = Y.createDocFromSnapshot(doc, snap);
    expect(String(old.getMap('plan').get('village'))).toBe('幸福村');
  });
});

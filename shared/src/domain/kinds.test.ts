import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { labelOf } from '../i18n/index.ts';
import { DomainError } from './DomainError.ts';
import { createDoc } from './doc.ts';
import { addDocEntry, initIndex, readIndex } from './index-doc.ts';
import { DOC_KIND_REGISTRY, docKinds, kindInfo, SCHEMA_VERSIONS } from './kinds.ts';
import { describeChange, initDoc, kindOfDoc, openDoc, readDoc } from './open.ts';
import { ANY_DOC_KINDS, type AnyDocKind, DOC_KINDS } from './schema.ts';

describe('kind registry', () => {
  it('KIND-1 every kind has one entry that creates, reads, versions and describes its docs', () => {
    expect(Object.keys(DOC_KIND_REGISTRY).sort()).toEqual([...ANY_DOC_KINDS].sort());
    expect(docKinds).toEqual(ANY_DOC_KINDS);
    for (const kind of docKinds) {
      const info = kindInfo(kind);
      expect(info.kind).toBe(kind);
      expect(info.versioning.kind).toBe(kind);
      expect(SCHEMA_VERSIONS[kind]).toBe(info.versioning.schemaVersion);
      expect(info.listed).toBe((DOC_KINDS as readonly string[]).includes(kind));
      const doc = createDoc();
      initDoc(kind, doc, { title: `一个${labelOf('docKind', kind, 'zh-CN')}`, createdAt: 1 });
      expect(kindOfDoc(doc)).toBe(kind);
      expect(openDoc(doc, kind)).toMatchObject({ state: 'current', readOnly: false });
      const data = readDoc(kind, doc);
      expect(info.schema.safeParse(data).success, kind).toBe(true);
      expect(data.kind).toBe(kind);
      const empty = createDoc();
      expect(describeChange(kind, empty, doc).length, kind).toBeGreaterThan(0);
    }
  });

  it('KIND-1 an unknown kind is a DomainError `unknown-kind`, never read as another kind', () => {
    const doc = createDoc();
    doc.getMap('meta').set('kind', 'ledger-from-the-future');
    doc.getMap('meta').set('schemaVersion', 1);
    const unknown = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof DomainError ? e.code : 'other';
      }
      return 'no error';
    };
    expect(unknown(() => kindOfDoc(doc))).toBe('unknown-kind');
    expect(unknown(() => readDoc('ledger' as AnyDocKind, doc))).toBe('unknown-kind');
    expect(unknown(() => kindInfo('ledger'))).toBe('unknown-kind');
    expect(unknown(() => initDoc('ledger' as AnyDocKind, createDoc(), { title: 'x' }))).toBe(
      'unknown-kind',
    );
    expect(kindOfDoc(createDoc())).toBeNull();
  });

  it('KIND-1 the index lists an entry of an unknown kind apart, not as a plan', () => {
    const index = createDoc();
    initIndex(index, { name: '幸福村', createdAt: 1 });
    addDocEntry(index, { id: 'p1', kind: 'plan', title: '计划', createdAt: 2 });
    // A newer version listed a kind this build does not know.
    index.transact(() => {
      const m = new Y.Map<unknown>();
      m.set('kind', 'survey');
      m.set('title', new Y.Text('入户调查'));
      m.set('createdAt', 3);
      m.set('archived', false);
      index.getMap('docs').set('s1', m);
    });
    const data = readIndex(index);
    expect(data.docs.map((d) => [d.id, d.kind])).toEqual([['p1', 'plan']]);
    expect(data.unknownDocs).toEqual([{ id: 's1', kind: 'survey', title: '入户调查' }]);
  });
});

import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Attribution, diffFields, diffText, groupEntries, replay, revertUpdate } from './index.ts';

/** Records every update a doc emits, as a device's log would. */
function recorder(doc: Y.Doc) {
  const log: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => log.push(u));
  return log;
}

const para = (text: string) => {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  return p;
};

describe('history entries', () => {
  const row = (seq: number, authorId: string, at: number) => ({
    seq,
    authorId,
    firstAt: at,
    lastAt: at,
    count: 1,
  });

  it('HIST-1 groups one author’s burst and splits on a pause, another author, or a named version', () => {
    const rows = [
      row(1, 'a', 0),
      row(2, 'a', 1000),
      row(3, 'b', 2000),
      row(4, 'b', 3000),
      row(5, 'b', 999_000),
      row(6, 'b', 999_100),
      row(7, 'b', 999_200),
    ];
    const entries = groupEntries(rows, { burstGapMs: 60_000, boundaries: new Set([6]) });
    expect(entries.map((e) => [e.id, e.authorId, e.updates])).toEqual([
      ['1-2', 'a', 2],
      ['3-4', 'b', 2],
      ['5-6', 'b', 2],
      ['7-7', 'b', 1],
    ]);
    expect(entries[0]).toMatchObject({ firstAt: 0, lastAt: 1000 });
  });
});

describe('attribution and text comparison', () => {
  it('HIST-2 attributes inserted and deleted text to the members who sent them, and compares two versions', () => {
    const alice = new Y.Doc();
    const aliceLog = recorder(alice);
    const body = alice.getXmlFragment('body');
    body.insert(0, [para('会议决定修路')]);
    const v1 = [...aliceLog];

    const bob = new Y.Doc();
    const bobLog = recorder(bob);
    for (const u of v1) Y.applyUpdate(bob, u);
    const text = (bob.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.delete(4, 2); // removes 修路
    text.insert(4, '修建水渠');

    const rows = [
      ...v1.map((update) => ({ authorId: 'alice', update })),
      ...bobLog.map((update) => ({ authorId: 'bob', update })),
    ];
    const doc = replay(rows.map((r) => r.update));
    const attribution = new Attribution(rows);
    const from = Y.snapshot(replay(v1));
    const to = Y.snapshot(doc);
    const segments = diffText(doc.getXmlFragment('body'), from, to, attribution);
    expect(segments).toEqual([
      { text: '会议决定', change: 'same', authorId: null, block: 0 },
      { text: '修路', change: 'deleted', authorId: 'bob', block: 0 },
      { text: '修建水渠', change: 'inserted', authorId: 'bob', block: 0 },
    ]);
    // Compared the other way round, the same runs swap roles.
    const back = diffText(doc.getXmlFragment('body'), to, from, attribution);
    expect(back.filter((s) => s.change === 'inserted').map((s) => s.text)).toEqual(['修路']);
    expect(back.filter((s) => s.change === 'deleted').map((s) => s.text)).toEqual(['修建水渠']);
  });
});

describe('attribution when updates arrive out of order', () => {
  it('HIST-2 attributes clocks that reach the server after later ones, and ignores gaps of merged updates', () => {
    const doc = new Y.Doc();
    const log = recorder(doc);
    doc.getText('t').insert(0, 'abc');
    doc.getText('t').insert(3, 'def');
    const [first, second] = log as [Uint8Array, Uint8Array];
    // The later update arrives first (from one member), the earlier one afterwards (another).
    const attribution = new Attribution([
      { authorId: 'late', update: second },
      { authorId: 'early', update: first },
    ]);
    expect(attribution.authorOf(Y.createID(doc.clientID, 4))).toBe('late');
    expect(attribution.authorOf(Y.createID(doc.clientID, 1))).toBe('early');
    // A merged update with a gap holds a Skip for the gap: it attributes nothing to its sender.
    const withGap = new Attribution([{ authorId: 'merger', update: Y.mergeUpdates([second]) }]);
    expect(withGap.authorOf(Y.createID(doc.clientID, 1))).toBeNull();
  });
});

describe('structured comparison', () => {
  it('reports changed fields as old → new, matching list items by id', () => {
    const before = {
      title: '一季度计划',
      tasks: [
        { id: 't1', status: 'todo' },
        { id: 't2', status: 'todo' },
      ],
    };
    const after = {
      title: '一季度计划（修订）',
      tasks: [
        { id: 't0', status: 'todo' },
        { id: 't1', status: 'done' },
        { id: 't2', status: 'todo' },
      ],
    };
    expect(diffFields(before, after)).toEqual([
      { path: 'title', before: '一季度计划', after: '一季度计划（修订）' },
      { path: 'tasks[id=t1].status', before: 'todo', after: 'done' },
      { path: 'tasks[id=t0]', before: undefined, after: { id: 't0', status: 'todo' } },
    ]);
  });
});

describe('restore', () => {
  it('HIST-4 brings the doc back to a version as a new change, and an offline device merges cleanly', () => {
    const server = new Y.Doc({ gc: false });
    const log = recorder(server);
    server.getMap('fields').set('place', '村委会');
    server.getText('title').insert(0, '支部委员会');
    server.getXmlFragment('body').insert(0, [para('原文')]);
    const version = log.length;

    // A device goes offline with the state at the version and keeps editing.
    const offline = new Y.Doc();
    for (const u of log) Y.applyUpdate(offline, u);
    offline.getMap('fields').set('chair', '张书记');

    // Meanwhile the doc is edited badly on the server side.
    server.getMap('fields').set('place', '错误地点');
    server.getText('title').delete(0, 2);
    (server.getXmlFragment('body').get(0) as Y.XmlElement).delete(0, 1);
    server.getXmlFragment('body').insert(1, [para('多余段落')]);

    const revert = revertUpdate(log.slice(0, version), log.slice(version));
    Y.applyUpdate(server, revert);
    expect(server.getMap('fields').get('place')).toBe('村委会');
    expect(server.getText('title').toString()).toBe('支部委员会');
    expect(server.getXmlFragment('body').toString()).toBe('<paragraph>原文</paragraph>');

    // The offline device comes back: both converge, and its own edit survives.
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(server));
    Y.applyUpdate(server, Y.encodeStateAsUpdate(offline));
    expect(offline.getMap('fields').toJSON()).toEqual(server.getMap('fields').toJSON());
    expect(server.getMap('fields').get('chair')).toBe('张书记');
    expect(offline.getText('title').toString()).toBe('支部委员会');
    expect(offline.getXmlFragment('body').toString()).toBe(
      server.getXmlFragment('body').toString(),
    );
  });
});

import {
  createDoc,
  initMinutes,
  MINUTES_BODY_FIELD,
  readMinutes,
  setMeetingFields,
  writeParagraphs,
} from '@grassroots/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { stockClient } from '../../support/clients.ts';
import { eventually, startTestServer, type TestServer } from '../../support/server.ts';

let server: TestServer;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await server.stop();
});

type Json = Record<string, unknown>;
type Entry = {
  number: number;
  fromSeq: number;
  toSeq: number;
  author: { id: string; displayName: string };
  mark: Json | null;
  changes: { path: string; label: string; before?: unknown; after?: unknown }[];
};
type Segment = { text: string; change: string; authorId: string | null };

async function api(path: string, token: string, body?: unknown) {
  return fetch(`${server.url}/api/workspaces/${server.workspaceId}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
const json = async (res: Response) => (await res.json()) as Json;
const entriesOf = async (docId: string) =>
  ((await json(await api(`/docs/${docId}/history`, server.adminToken))).entries as Entry[])
    // Oldest first reads more naturally in these tests.
    .reverse();

function device(token: string, docId: string, doc: Y.Doc = createDoc()) {
  const c = stockClient(server.wsUrl, `${server.workspaceId}/${docId}`, token, { doc });
  cleanups.push(c.destroy);
  return c;
}

async function stored(docId: string, doc: Y.Doc) {
  const everything = Y.encodeStateAsUpdate(doc);
  await eventually(async () => {
    const rows = await server.store.loadUpdates(`${server.workspaceId}/${docId}`);
    const there = new Y.Doc({ gc: false });
    for (const r of rows) Y.applyUpdate(there, r.update);
    expect(Y.snapshotContainsUpdate(Y.snapshot(there), everything)).toBe(true);
  });
}

const bodyText = (doc: Y.Doc) => readMinutes(doc).bodyText;
const firstText = (doc: Y.Doc) =>
  (doc.getXmlFragment(MINUTES_BODY_FIELD).get(0) as Y.XmlElement).get(0) as Y.XmlText;

describe('compare and entries are exact', () => {
  it('HIST-5 HIST-6 HIST-7 a replaced opening and an appended sentence after a named version are both marked and counted', async () => {
    server = await startTestServer();
    const a = device(server.adminToken, 'm');
    await a.synced;
    initMinutes(a.doc, { title: '十二月党小组会', meetingType: 'party-group', startsAt: 0 });
    writeParagraphs(a.doc.getXmlFragment(MINUTES_BODY_FIELD), '会议讨论修路方案。');
    await stored('m', a.doc);
    const named = await api('/docs/m/versions', server.adminToken, { name: '初稿' });
    expect(named.status).toBe(201);
    const version = ((await json(named)) as { seq: number }).seq;

    // The same device replaces the first words and appends a sentence: Yjs merges the appended
    // characters into the item that held the text of the named version.
    // The title is a short Y.Text: a word is replaced in it too.
    const title = a.doc.getMap('minutes').get('title') as Y.Text;
    title.delete(0, 3);
    title.insert(0, '一月');
    const text = firstText(a.doc);
    text.delete(0, 2);
    text.insert(0, '大家');
    text.insert(text.length, '同意明年开工。');
    await stored('m', a.doc);

    const compare = await json(await api(`/docs/m/compare?from=${version}`, server.adminToken));
    const segments = (compare.text as Record<string, Segment[]>)[MINUTES_BODY_FIELD]!;
    const adminId = (await entriesOf('m'))[0]!.author.id;
    expect(segments).toEqual([
      { text: '会议', change: 'deleted', authorId: adminId, block: 0 },
      { text: '大家', change: 'inserted', authorId: adminId, block: 0 },
      { text: '讨论修路方案。', change: 'same', authorId: null, block: 0 },
      { text: '同意明年开工。', change: 'inserted', authorId: adminId, block: 0 },
    ]);

    expect((compare.text as Record<string, Segment[]>).title).toEqual([
      { text: '十二月', change: 'deleted', authorId: adminId, block: 0 },
      { text: '一月', change: 'inserted', authorId: adminId, block: 0 },
      { text: '党小组会', change: 'same', authorId: null, block: 0 },
    ]);
    // The field list of the comparison counts the same characters.
    expect((compare.fields as { label: string }[]).map((f) => f.label)).toEqual([
      '标题已修改',
      '正文 +9 −2 字',
    ]);

    const entries = await entriesOf('m');
    expect(entries).toHaveLength(2);
    // 2 + 7 characters inserted, 2 removed: the same characters compare marks.
    expect(entries[1]!.changes.map((c) => c.label)).toEqual(['标题已修改', '正文 +9 −2 字']);
    // The first entry reads as the creation: values set, no "before" nobody chose.
    const created = entries[0]!.changes.map((c) => c.label);
    expect(created).toContain('会议类型：党小组会');
    expect(created.join(' ')).not.toContain('→');
    expect(created).toContain('正文 +9 字');
    // Entries carry their number, so version pickers can tell them apart.
    expect(entries.map((e) => e.number)).toEqual([1, 2]);
  });

  it('HIST-8 a restore is an entry of its own, labelled with the version, listing what it changed', async () => {
    server = await startTestServer();
    const a = device(server.adminToken, 'm');
    await a.synced;
    initMinutes(a.doc, { title: '会', meetingType: 'party-group', startsAt: 0 });
    writeParagraphs(a.doc.getXmlFragment(MINUTES_BODY_FIELD), '原来的正文');
    await stored('m', a.doc);
    const version = (
      (await json(await api('/docs/m/versions', server.adminToken, { name: '定稿前' }))) as {
        seq: number;
      }
    ).seq;
    firstText(a.doc).insert(5, '，后来加的话');
    setMeetingFields(a.doc, { place: '村委会' });
    await stored('m', a.doc);

    const res = await api('/docs/m/restore', server.adminToken, { seq: version });
    expect(res.status).toBe(200);
    await eventually(() => expect(bodyText(a.doc)).toBe('原来的正文'));
    // The admin keeps typing right after (same author, same burst): still separate entries.
    setMeetingFields(a.doc, { place: '党员活动室' });
    await stored('m', a.doc);

    const entries = await entriesOf('m');
    const restore = entries.find((e) => e.mark !== null)!;
    expect(restore.mark).toMatchObject({ kind: 'restore', to: { seq: version, name: '定稿前' } });
    expect(restore.fromSeq).toBe(restore.toSeq);
    const labels = restore.changes.map((c) => c.label);
    expect(labels).toContain('正文 −6 字');
    expect(labels).toContain('地点：村委会 → —');
    expect(entries.at(-1)!.changes.map((c) => c.label)).toEqual(['地点：— → 党员活动室']);

    const csv = await (await api('/docs/m/history.csv', server.adminToken)).text();
    expect(csv).toContain('恢复到「定稿前」');
  });
});

describe('undoing one member’s changes', () => {
  it('HIST-9 an admin reverts one editor’s changes since an entry; the others’ later changes stay; an offline device merges', async () => {
    server = await startTestServer();
    const zhang = await server.member('editor', '张三');
    const li = await server.member('editor', '李四');
    const a = device(server.adminToken, 'm');
    await a.synced;
    initMinutes(a.doc, { title: '会', meetingType: 'party-group', startsAt: 0 });
    writeParagraphs(a.doc.getXmlFragment(MINUTES_BODY_FIELD), '第一段。');
    setMeetingFields(a.doc, { place: '村委会' });
    await stored('m', a.doc);

    // 张三 appends a sentence, moves the meeting and names a recorder.
    const z = device(zhang.token, 'm');
    await z.synced;
    firstText(z.doc).insert(4, '张三补充的话。');
    setMeetingFields(z.doc, { place: '张三定的地点', recorder: { name: '张三' } });
    await stored('m', z.doc);
    const since = (await entriesOf('m')).find((e) => e.author.displayName === '张三')!;

    // 李四 types inside 张三's sentence and moves the meeting again.
    const l = device(li.token, 'm');
    await l.synced;
    firstText(l.doc).insert(6, '李四');
    setMeetingFields(l.doc, { place: '李四定的地点' });
    await stored('m', l.doc);
    await eventually(() => expect(bodyText(z.doc)).toBe('第一段。张三李四补充的话。'));

    // 张三 deletes the admin's first words, then 李四 adds a paragraph.
    firstText(z.doc).delete(0, 3);
    await stored('m', z.doc);
    await eventually(() => expect(bodyText(l.doc)).toBe('。张三李四补充的话。'));
    l.doc.getXmlFragment(MINUTES_BODY_FIELD).insert(1, [paragraph('李四的第二段')]);
    await stored('m', l.doc);

    // A device of 李四 goes offline and keeps writing.
    const offlineDoc = createDoc();
    const offline = device(li.token, 'm', offlineDoc);
    await offline.synced;
    offline.provider.disconnect();
    firstText(offlineDoc).insert(0, '离线');

    // Only admins may revert a member.
    const body = { memberId: zhang.id, fromSeq: since.fromSeq };
    expect((await api('/docs/m/revert-member', li.token, body)).status).toBe(403);
    const res = await api('/docs/m/revert-member', server.adminToken, body);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ ok: true, isChanged: true });

    await eventually(() => {
      expect(bodyText(l.doc)).toBe('第一段。李四\n李四的第二段');
      const m = readMinutes(l.doc);
      // The place is text (MIN-4): 李四 kept 张三's "定的地点" and replaced only "张三", so undoing
      // 张三 takes his characters out and brings back the "村委会" he deleted; 李四's stay.
      expect(m.place).toBe('村委会李四');
      expect(m.recorder).toBeNull();
    });

    const entries = await entriesOf('m');
    const revert = entries.at(-1)!;
    expect(revert.author.displayName).not.toBe('张三');
    expect(revert.mark).toMatchObject({
      kind: 'revert',
      member: { displayName: '张三' },
      fromSeq: since.fromSeq,
    });
    const labels = revert.changes.map((c) => c.label);
    expect(labels).toContain('正文 +3 −7 字');
    expect(labels.join(' ')).toContain('记录人');

    // The offline device comes back: everything merges, its own words included.
    offline.provider.connect();
    await eventually(() => {
      // Its words and the re-inserted first words went in at one spot concurrently: either order.
      expect(bodyText(offlineDoc)).toMatch(/^(离线第一段|第一段离线)。李四\n李四的第二段$/);
      expect(bodyText(l.doc)).toBe(bodyText(offlineDoc));
    });
  });
});

function paragraph(text: string) {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  return p;
}

import {
  addActionItem,
  addAgendaItem,
  addDecision,
  addPerson,
  addPhase,
  addTask,
  createDoc,
  finaliseMinutes,
  initMinutes,
  initPlan,
  initRoster,
  MINUTES_BODY_FIELD,
  readMinutes,
  readPlan,
  reopenMinutes,
  setAgendaItemTitle,
  setDecisionText,
  setMeetingFields,
  setPhaseGoals,
  setPlanTitle,
  setTaskNotes,
  setTaskStatus,
  writeParagraphs,
} from '@grassroots/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MAX_NAMED_VERSIONS, NAME_VERSION_BURST } from '../../../server/src/history/routes.ts';
import { stockClient } from '../../support/clients.ts';
import { eventually, startTestServer, type TestServer, tempDir } from '../../support/server.ts';

let server: TestServer;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await server.stop();
});

type Json = Record<string, unknown>;
async function api(path: string, token: string, init: RequestInit = {}) {
  const res = await fetch(`${server.url}/api/workspaces/${server.workspaceId}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
  });
  return res;
}
const json = async (res: Response) => (await res.json()) as Json;

/** A device: a stock client on its own doc, connected as a member. */
function device(token: string, docId: string, doc: Y.Doc = createDoc()) {
  const c = stockClient(server.wsUrl, `${server.workspaceId}/${docId}`, token, { doc });
  cleanups.push(c.destroy);
  return c;
}

/** Waits until the server has stored everything the device has (structs and deletions). */
async function stored(docId: string, doc: Y.Doc) {
  const everything = Y.encodeStateAsUpdate(doc);
  await eventually(async () => {
    const rows = await server.store.loadUpdates(`${server.workspaceId}/${docId}`);
    const there = new Y.Doc({ gc: false });
    for (const r of rows) Y.applyUpdate(there, r.update);
    expect(Y.snapshotContainsUpdate(Y.snapshot(there), everything)).toBe(true);
  });
}

/** A plan written by the admin, then a task status changed by an editor. */
async function planWithTwoAuthors() {
  const editor = await server.member('editor', '李会计');
  const a = device(server.adminToken, 'plan');
  await a.synced;
  initPlan(a.doc, { title: '2026年工作计划', village: '示范村' });
  const phase = addPhase(a.doc, { title: '第一季度' });
  const task = addTask(a.doc, { title: '修建村道', phaseId: phase });
  await stored('plan', a.doc);
  const b = device(editor.token, 'plan');
  await b.synced;
  setTaskStatus(b.doc, task, 'done');
  await stored('plan', b.doc);
  return { a, b, editor, phase, task };
}

describe('history entries', () => {
  it('groups stored updates into entries per author with names, roles, times and what changed', async () => {
    server = await startTestServer();
    await planWithTwoAuthors();
    const res = await api('/docs/plan/history', server.adminToken);
    expect(res.status).toBe(200);
    const body = await json(res);
    const entries = body.entries as Json[];
    expect(body.kind).toBe('plan');
    expect(entries).toHaveLength(2);
    const [latest, first] = entries as [Json, Json];
    expect(latest.author).toMatchObject({ displayName: '李会计', role: 'editor' });
    expect(first.author).toMatchObject({ role: 'admin' });
    const latestChanges = latest.changes as {
      path: string;
      before?: unknown;
      after?: unknown;
      label: string;
    }[];
    expect(
      latestChanges.some(
        (c) => c.path.endsWith('/status') && c.before === 'todo' && c.after === 'done',
      ),
    ).toBe(true);
    expect((first.changes as { label: string }[]).map((c) => c.label).join(' ')).toContain(
      '修建村道',
    );
    expect(Date.parse(latest.lastAt as string)).toBeGreaterThanOrEqual(
      Date.parse(first.firstAt as string),
    );
  });

  it('describes changes of every kind in the shared registry, the roster included', async () => {
    server = await startTestServer();
    const a = device(server.adminToken, 'roster');
    await a.synced;
    initRoster(a.doc, { title: '花名册' });
    addPerson(a.doc, { name: '阿依古丽' });
    await stored('roster', a.doc);
    const body = await json(await api('/docs/roster/history', server.adminToken));
    expect(body.kind).toBe('roster');
    const labels = ((body.entries as Json[])[0]!.changes as { label: string }[]).map(
      (c) => c.label,
    );
    expect(labels.join(' ')).toContain('阿依古丽');
  });

  it('pages through entries newest first', async () => {
    server = await startTestServer({ burstGapMs: 1 });
    const a = device(server.adminToken, 'plan');
    await a.synced;
    initPlan(a.doc, { title: '计划' });
    // Stored before the next edit, so the two never share a commit (and so one row).
    await stored('plan', a.doc);
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 5));
      setPlanTitle(a.doc, `计划 v${i}`);
      await stored('plan', a.doc);
    }
    const first = await json(await api('/docs/plan/history?limit=4', server.adminToken));
    expect(first.total).toBe(6);
    expect((first.entries as Json[]).length).toBe(4);
    const second = await json(
      await api(`/docs/plan/history?limit=4&before=${first.nextBefore}`, server.adminToken),
    );
    expect((second.entries as Json[]).length).toBe(2);
    expect(second.nextBefore).toBeNull();
    const seqs = [...(first.entries as Json[]), ...(second.entries as Json[])].map(
      (e) => e.toSeq as number,
    );
    expect(seqs).toEqual([...seqs].sort((x, y) => y - x));
  });

  it('HIST-11 a member names a burst of versions, then one a minute; a document keeps at most 500', async () => {
    server = await startTestServer();
    await planWithTwoAuthors();
    const editor = await server.member('editor', '王会计');
    const name = (token: string, n: number) =>
      api('/docs/plan/versions', token, {
        method: 'POST',
        body: JSON.stringify({ name: `第${n}稿` }),
      });
    for (let i = 0; i < NAME_VERSION_BURST; i++)
      expect((await name(editor.token, i)).status).toBe(201);
    const tooOften = await name(editor.token, 99);
    expect(tooOften.status).toBe(429);
    expect((await json(tooOften)).reason).toBe('nameTooOften');
    // Another member names as before.
    expect((await name(server.adminToken, 100)).status).toBe(201);
    // Up to the cap, then refused, for everyone, with the cap to show.
    const room = `${server.workspaceId}/plan`;
    const kept = (await server.store.listNamedVersions(room)).length;
    for (let i = kept; i < MAX_NAMED_VERSIONS - 2; i++) {
      await server.store.addNamedVersion({
        id: `v${i}`,
        room,
        seq: 1,
        name: `旧${i}`,
        authorId: 'x',
        at: i,
      });
    }
    // Asked at once, two of six fit: each is counted against what the others left.
    const statuses = (
      await Promise.all([1, 2, 3, 4, 5, 6].map((n) => name(server!.adminToken, 200 + n)))
    ).map((r) => r.status);
    expect(statuses.filter((st) => st === 201)).toHaveLength(2);
    expect(statuses.filter((st) => st === 409)).toHaveLength(4);
    const full = await name(server.adminToken, 102);
    expect(full.status).toBe(409);
    expect(await json(full)).toMatchObject({
      reason: 'tooManyVersions',
      params: { max: MAX_NAMED_VERSIONS },
    });
    expect(await server.store.listNamedVersions(room)).toHaveLength(MAX_NAMED_VERSIONS);
  });

  it('WORK-1 a member whose history requests spent their share of the relay waits (429); others do not', async () => {
    // A share of 1 ms a second with 100 ms at once: spent within a few hundred requests.
    server = await startTestServer({ workMsPerSecond: 1, workBurstMs: 100 });
    await planWithTwoAuthors();
    const viewer = await server.member('viewer', '乡镇');
    let refused: Response | null = null;
    for (let i = 0; i < 2_000 && refused === null; i++) {
      const res = await api('/docs/plan/history?limit=50', viewer.token);
      if (res.status === 429) refused = res;
      else {
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
    }
    expect(refused).not.toBeNull();
    const body = (await refused!.json()) as { reason: string; params: { seconds: number } };
    expect(body.reason).toBe('historyBusy');
    expect(body.params.seconds).toBeGreaterThan(0);
    // Another member is served as before.
    const other = await server.member('viewer', '县里');
    expect((await api('/docs/plan/history?limit=50', other.token)).status).toBe(200);
  });

  it('WORK-2 a long history request lets the relay serve others between its slices', async () => {
    server = await startTestServer();
    // A plan of 1,000 entries and 5 MB, stored as an editor's device would have sent it.
    const room = `${server.workspaceId}/big`;
    const doc = createDoc();
    initPlan(doc, { title: '大计划' });
    let before: Uint8Array = new Uint8Array([0]);
    const rows = [];
    for (let i = 0; i < 1_000; i++) {
      if (i > 0) addTask(doc, { title: `任务${i}`, phaseId: null, notes: `备注${i}`.repeat(400) });
      rows.push({
        room,
        update: Y.encodeStateAsUpdate(doc, before),
        authorId: i % 2 ? 'a' : 'b',
        at: Date.UTC(2026, 0, 1) + i * 600_000,
      });
      before = Y.encodeStateVector(doc);
    }
    await server.store.appendUpdates(rows);
    const viewer = await server.member('viewer', '乡镇');
    const a = device(server.adminToken, 'plan');
    const b = device(server.adminToken, 'plan');
    await Promise.all([a.synced, b.synced]);
    let relayedAt = 0;
    b.doc.on('update', () => {
      relayedAt ||= performance.now();
    });
    const page = api('/docs/big/history?limit=50', viewer.token).then(async (res) => {
      expect(res.status).toBe(200);
      expect(((await res.json()) as { entries: unknown[] }).entries).toHaveLength(50);
      return performance.now();
    });
    // Sent while the history is rebuilt and described (seconds of work): before, the relay held
    // every other member's edits until the whole page was done.
    await new Promise((r) => setTimeout(r, 50));
    initPlan(a.doc, { title: '同时编辑' });
    const answeredAt = await page;
    await eventually(() => expect(relayedAt).toBeGreaterThan(0));
    expect(relayedAt).toBeLessThan(answeredAt);
  }, 120_000);

  it('only members of the workspace read history; viewers may read it', async () => {
    server = await startTestServer();
    await planWithTwoAuthors();
    const viewer = await server.member('viewer', '乡镇');
    expect((await api('/docs/plan/history', viewer.token)).status).toBe(200);
    expect((await api('/docs/plan/history', 'grm_nobody')).status).toBe(401);
    const other = await server.auth.createWorkspace('邻村');
    expect((await api('/docs/plan/history', other.adminToken)).status).toBe(403);
  });

  it('attribution cannot be forged: the author is the member of the connection, whatever the client claims', async () => {
    server = await startTestServer();
    const { a } = await planWithTwoAuthors();
    const editor2 = await server.member('editor', '王五');
    // This device claims to be the admin: its presence says so and it writes the admin's name
    // into the doc's own bookkeeping.
    const forged = createDoc();
    forged.getMap('meta').set('lastEditedBy', '管理员');
    const c = device(editor2.token, 'plan', forged);
    await c.synced;
    c.provider.awareness.setLocalStateField('user', { name: '管理员' });
    setPlanTitle(forged, '管理员改的标题');
    await eventually(() => expect(readPlan(a.doc).title).toBe('管理员改的标题'));
    const body = await json(await api('/docs/plan/history', server.adminToken));
    const latest = (body.entries as Json[])[0]!;
    expect(latest.author).toMatchObject({ displayName: '王五', role: 'editor' });
  });
});

describe('versions, comparison, names and restore', () => {
  async function minutesDraft() {
    const editor = await server.member('editor', '记录员小张');
    const a = device(server.adminToken, 'min');
    await a.synced;
    initMinutes(a.doc, {
      title: '三月支部委员会',
      meetingType: 'branch-committee',
      place: '村委会',
    });
    writeParagraphs(a.doc.getXmlFragment(MINUTES_BODY_FIELD), '会议讨论修路方案');
    await stored('min', a.doc);
    const firstSeq = (await server.store.roomStats(`${server.workspaceId}/min`)).lastSeq;
    const b = device(editor.token, 'min');
    await b.synced;
    const text = (b.doc.getXmlFragment(MINUTES_BODY_FIELD).get(0) as Y.XmlElement).get(
      0,
    ) as Y.XmlText;
    text.delete(6, 2);
    text.insert(6, '规划');
    setMeetingFields(b.doc, { place: '村文化室' });
    await stored('min', b.doc);
    return { a, b, editor, firstSeq };
  }

  it('a version is the doc exactly as it was, rich text included', async () => {
    server = await startTestServer();
    const { firstSeq } = await minutesDraft();
    const res = await api(`/docs/min/versions/${firstSeq}`, server.adminToken);
    expect(res.status).toBe(200);
    const doc = createDoc();
    Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()));
    expect(doc.getXmlFragment(MINUTES_BODY_FIELD).toString()).toBe(
      '<paragraph>会议讨论修路方案</paragraph>',
    );
    expect(readMinutes(doc).place).toBe('村委会');
  });

  it('compare gives the inserted and deleted text with their authors, and fields old → new', async () => {
    server = await startTestServer();
    const { editor, firstSeq } = await minutesDraft();
    const body = await json(await api(`/docs/min/compare?from=${firstSeq}`, server.adminToken));
    const segments = (
      body.text as Record<string, { text: string; change: string; authorId: string | null }[]>
    )[MINUTES_BODY_FIELD]!;
    expect(segments.filter((s) => s.change === 'deleted')).toEqual([
      expect.objectContaining({ text: '方案', authorId: editor.id }),
    ]);
    expect(segments.filter((s) => s.change === 'inserted')).toEqual([
      expect.objectContaining({ text: '规划', authorId: editor.id }),
    ]);
    const fields = body.fields as { path: string; before?: unknown; after?: unknown }[];
    expect(fields).toContainEqual(
      expect.objectContaining({ path: 'place', before: '村委会', after: '村文化室' }),
    );
    expect((body.authors as Record<string, Json>)[editor.id]).toMatchObject({
      displayName: '记录员小张',
    });
  });

  it("compare marks what changed inside an item's text (a phase's goals, a task's notes) run by run, with its author, under the field's path", async () => {
    server = await startTestServer();
    const editor = await server.member('editor', '李会计');
    const a = device(server.adminToken, 'plan');
    await a.synced;
    initPlan(a.doc, { title: '2026年工作计划', village: '示范村' });
    const phase = addPhase(a.doc, { title: '第一季度', goals: '完成入户走访\n修好村道' });
    const task = addTask(a.doc, { title: '修建村道', phaseId: phase, notes: '先修东段' });
    await stored('plan', a.doc);
    const from = (await server.store.roomStats(`${server.workspaceId}/plan`)).lastSeq;
    const b = device(editor.token, 'plan');
    await b.synced;
    setPhaseGoals(b.doc, phase, '完成入户走访\n修好水泥村道');
    setTaskNotes(b.doc, task, '先修东段，再修西段');
    await stored('plan', b.doc);

    const body = await json(await api(`/docs/plan/compare?from=${from}`, server.adminToken));
    type Segment = { text: string; change: string; authorId: string | null };
    const text = body.text as Record<string, Segment[]>;
    const changed = (path: string) =>
      text[path]?.filter((s) => s.change !== 'same').map((s) => [s.change, s.text, s.authorId]);
    // Before, only the whole old and the whole new goals were there to compare.
    expect(changed(`phases/${phase}/goals`)).toEqual([['inserted', '水泥', editor.id]]);
    expect(text[`phases/${phase}/goals`]?.map((s) => s.text).join('')).toBe(
      '完成入户走访\n修好水泥村道',
    );
    expect(changed(`tasks/${task}/notes`)).toEqual([['inserted', '，再修西段', editor.id]]);
    // An item's text nobody changed is not sent.
    expect(text[`tasks/${task}/title`]).toBeUndefined();
    expect(text[`phases/${phase}/title`]).toBeUndefined();
    // The field list names the same paths, so a reader finds each text's runs in its line.
    const paths = (body.fields as { path: string }[]).map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining([`phases/${phase}/goals`, `tasks/${task}/notes`]));
  });

  it("compare marks the texts of a record's items (agenda, decision, action item) under the paths of their fields", async () => {
    server = await startTestServer();
    const editor = await server.member('editor', '记录员小张');
    const a = device(server.adminToken, 'min');
    await a.synced;
    initMinutes(a.doc, { title: '三月支部委员会', meetingType: 'branch-committee' });
    const agenda = addAgendaItem(a.doc, { title: '讨论修路' });
    const decision = addDecision(a.doc, { text: '同意修路' });
    const action = addActionItem(a.doc, { what: '联系施工队' });
    await stored('min', a.doc);
    const from = (await server.store.roomStats(`${server.workspaceId}/min`)).lastSeq;
    const b = device(editor.token, 'min');
    await b.synced;
    setAgendaItemTitle(b.doc, agenda, '讨论修村道');
    setDecisionText(b.doc, decision, '同意修路，年底前完工');
    // An action item's text is a Y.Text too; a member's device may edit it in place.
    const what = (b.doc.getMap('actions').get(action) as Y.Map<unknown>).get('what') as Y.Text;
    what.insert(what.length, '和监理');
    await stored('min', b.doc);

    const body = await json(await api(`/docs/min/compare?from=${from}`, server.adminToken));
    type Segment = { text: string; change: string };
    const text = body.text as Record<string, Segment[]>;
    const inserted = (path: string) =>
      text[path]?.filter((s) => s.change === 'inserted').map((s) => s.text);
    expect(inserted(`agenda/${agenda}/title`)).toEqual(['村道']);
    expect(inserted(`decisions/${decision}/text`)).toEqual(['，年底前完工']);
    // The action items' root is `actions`: the field list named it `actionItems`, so its line
    // found no runs and showed the whole old and new text.
    expect(inserted(`actions/${action}/what`)).toEqual(['和监理']);
    const paths = (body.fields as { path: string }[]).map((f) => f.path);
    for (const path of Object.keys(text).filter((k) => k.includes('/'))) {
      expect(paths, path).toContain(path);
    }
  });

  it('editors name versions; finalising minutes names one by itself; viewers can do neither', async () => {
    server = await startTestServer();
    const { b } = await minutesDraft();
    const viewer = await server.member('viewer');
    const named = await api('/docs/min/versions', server.adminToken, {
      method: 'POST',
      body: JSON.stringify({ name: '3月3日会议通过稿' }),
    });
    expect(named.status).toBe(201);
    expect(
      (
        await api('/docs/min/versions', viewer.token, {
          method: 'POST',
          body: JSON.stringify({ name: 'x' }),
        })
      ).status,
    ).toBe(403);
    setMeetingFields(b.doc, { startsAt: Date.UTC(2026, 2, 3, 2) });
    finaliseMinutes(b.doc, { name: '记录员小张' });
    await stored('min', b.doc);
    const history = await json(await api('/docs/min/history', viewer.token));
    const names = (history.named as { name: string; isAutomatic: boolean }[]).map((n) => [
      n.name,
      n.isAutomatic,
    ]);
    expect(names).toEqual([
      ['定稿', true],
      ['3月3日会议通过稿', false],
    ]);
  });

  it('minutes reopened, changed and finalised again by another member name a second 定稿', async () => {
    server = await startTestServer();
    const { a, b } = await minutesDraft();
    setMeetingFields(b.doc, { startsAt: Date.UTC(2026, 2, 3, 2) });
    finaliseMinutes(b.doc, { name: '记录员小张' });
    await stored('min', b.doc);
    await eventually(() => expect(readMinutes(a.doc).state).toBe('final'));
    // The admin's device: final before its entry and final after it, with a change between.
    reopenMinutes(a.doc);
    setMeetingFields(a.doc, { place: '村党群服务中心' });
    finaliseMinutes(a.doc, { name: '管理员' });
    await stored('min', a.doc);
    const history = await json(await api('/docs/min/history', server.adminToken));
    const entries = history.entries as { toSeq: number; author: { displayName: string } }[];
    const auto = (history.named as { seq: number; name: string; isAutomatic: boolean }[]).filter(
      (n) => n.isAutomatic,
    );
    expect(auto.map((n) => n.name)).toEqual(['定稿', '定稿']);
    // Each at the end of the entry that finalised: the admin's last, the editor's before.
    expect(auto[0]!.seq).toBe(entries[0]!.toSeq);
    expect(entries[0]!.author.displayName).toBe('管理员');
    expect(auto[1]!.seq).toBeLessThan(auto[0]!.seq);
  });

  it("a reopening that lost to another device's finalisation names no 定稿", async () => {
    server = await startTestServer();
    const room = `${server.workspaceId}/min`;
    const at = (minutes: number) => Date.UTC(2026, 2, 3, 2) + minutes * 3_600_000;
    const a = createDoc();
    a.clientID = 100;
    initMinutes(a, { title: '三月支委会', meetingType: 'branch-committee', place: '村委会' });
    setMeetingFields(a, { startsAt: at(0) });
    finaliseMinutes(a, { name: '管理员' });
    const rows = [{ room, update: Y.encodeStateAsUpdate(a), authorId: 'admin', at: at(0) }];
    // Two devices from the final record: one reopens and finalises again; the other, offline,
    // only reopens. Its client id is lower, so its reopening is ordered before the other's and
    // is overwritten as it arrives: the record stays final, and that device finalised nothing.
    const y = new Y.Doc();
    y.clientID = 300;
    const x = new Y.Doc();
    x.clientID = 200;
    Y.applyUpdate(y, Y.encodeStateAsUpdate(a));
    Y.applyUpdate(x, Y.encodeStateAsUpdate(a));
    let sv = Y.encodeStateVector(y);
    reopenMinutes(y);
    finaliseMinutes(y, { name: '李书记' });
    rows.push({ room, update: Y.encodeStateAsUpdate(y, sv), authorId: 'y', at: at(1) });
    sv = Y.encodeStateVector(x);
    reopenMinutes(x);
    rows.push({ room, update: Y.encodeStateAsUpdate(x, sv), authorId: 'x', at: at(2) });
    await server.store.appendUpdates(rows);
    const merged = createDoc();
    for (const r of rows) Y.applyUpdate(merged, r.update);
    expect(readMinutes(merged).state).toBe('final');
    const history = await json(await api('/docs/min/history', server.adminToken));
    const entries = history.entries as { toSeq: number }[];
    expect(entries).toHaveLength(3);
    const auto = (history.named as { seq: number; isAutomatic: boolean }[]).filter(
      (n) => n.isAutomatic,
    );
    // The first finalisation and the second; none for the reopening that lost.
    expect(auto.map((n) => n.seq)).toEqual([entries[1]!.toSeq, entries[2]!.toSeq]);
  });

  it('restore brings the doc back as a new entry; an offline device merges cleanly afterwards', async () => {
    server = await startTestServer();
    const { b, firstSeq } = await minutesDraft();
    const viewer = await server.member('viewer');
    expect(
      (
        await api('/docs/min/restore', viewer.token, {
          method: 'POST',
          body: JSON.stringify({ seq: firstSeq }),
        })
      ).status,
    ).toBe(403);

    // A third device goes offline with the current state and edits the meeting's chair.
    const offlineDoc = createDoc();
    const offline = device(server.adminToken, 'min', offlineDoc);
    await offline.synced;
    offline.provider.disconnect();
    setMeetingFields(offlineDoc, { chair: { name: '张书记' } });

    const before = await json(await api('/docs/min/history', server.adminToken));
    const res = await api('/docs/min/restore', server.adminToken, {
      method: 'POST',
      body: JSON.stringify({ seq: firstSeq }),
    });
    expect(res.status).toBe(200);
    // The connected editor sees the restore live.
    await eventually(() => {
      expect(b.doc.getXmlFragment(MINUTES_BODY_FIELD).toString()).toBe(
        '<paragraph>会议讨论修路方案</paragraph>',
      );
      expect(readMinutes(b.doc).place).toBe('村委会');
    });
    const after = await json(await api('/docs/min/history', server.adminToken));
    expect(after.total).toBe((before.total as number) + 1);
    expect((after.entries as Json[])[0]!.author).toMatchObject({ role: 'admin' });

    offline.provider.connect();
    await eventually(() => {
      expect(offlineDoc.getXmlFragment(MINUTES_BODY_FIELD).toString()).toBe(
        '<paragraph>会议讨论修路方案</paragraph>',
      );
      expect(b.doc.getMap('minutes').toJSON()).toEqual(offlineDoc.getMap('minutes').toJSON());
    });
    expect(JSON.stringify(b.doc.getMap('minutes').get('chair'))).toContain('张书记');
  });

  it('HIST-12: a restore goes back to a state inside an entry and is marked with that entry; nothing and seqs past the last are refused', async () => {
    server = await startTestServer();
    const { a, b, editor } = await minutesDraft();
    // Three writes of one author in a row: one entry of three rows; then two of another.
    for (const place of ['一组', '二组', '三组']) {
      setMeetingFields(b.doc, { place });
      await stored('min', b.doc);
    }
    for (const place of ['四组', '五组']) {
      setMeetingFields(a.doc, { place });
      await stored('min', a.doc);
    }
    const history = await json(await api('/docs/min/history', server.adminToken));
    const [last, earlier] = (history.entries as Json[]).filter(
      (e) => (e.fromSeq as number) < (e.toSeq as number),
    );
    expect(earlier).toBeDefined();
    expect(last!.toSeq).toBe((history.entries as Json[])[0]!.toSeq);
    const restore = (seq: unknown) =>
      api('/docs/min/restore', editor.token, { method: 'POST', body: JSON.stringify({ seq }) });
    for (const seq of [0, (last!.toSeq as number) + 1]) {
      const refused = await restore(seq);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ reason: 'versionNotFound' });
    }
    // Inside an earlier entry (it was that entry's end when it was chosen, its author typing
    // on): taken, and marked with the entry that holds it, not the one before.
    expect((await restore(earlier!.fromSeq)).status).toBe(200);
    const after = await json(await api('/docs/min/history', server.adminToken));
    expect((after.entries as Json[])[0]!.mark).toMatchObject({
      kind: 'restore',
      to: { seq: earlier!.fromSeq, number: earlier!.number },
    });
    expect(earlier!.number).toBeGreaterThan(1);
  });
});

describe('a restore is a write of its member (HIST-13)', () => {
  const restore = (docId: string, token: string, seq: number) =>
    api(`/docs/${docId}/restore`, token, { method: 'POST', body: JSON.stringify({ seq }) });
  const lastSeq = async (docId: string) =>
    (await server.store.roomStats(`${server.workspaceId}/${docId}`)).lastSeq;

  it("WRITE-1 what a restore adds counts in the member's share of writes (429 past it)", async () => {
    server = await startTestServer({ writeBurstBytes: 64 * 1024, writeBytesPerSecond: 1 });
    const editor = await server.member('editor', '李会计');
    const mine = device(editor.token, 'notes');
    const admins = device(server.adminToken, 'notes');
    await Promise.all([mine.synced, admins.synced]);
    // 40 KB of text of the editor's own; the admin deletes it, the editor restores it, twice.
    mine.doc.getText('t').insert(0, '村'.repeat(13_000));
    await stored('notes', mine.doc);
    const written = await lastSeq('notes');
    const answers: number[] = [];
    for (let round = 0; round < 2; round++) {
      await eventually(() => expect(admins.doc.getText('t').length).toBe(13_000));
      admins.doc.getText('t').delete(0, 13_000);
      await stored('notes', admins.doc);
      const res = await restore('notes', editor.token, written);
      answers.push(res.status);
      if (res.status === 429) {
        expect(await res.json()).toMatchObject({ reason: 'restoreTooOften' });
      }
    }
    // The first restore's 40 KB on top of the 40 KB written passes the 64 KiB share.
    expect(answers).toEqual([200, 429]);
    await eventually(() => expect(admins.doc.getText('t').length).toBe(0));
  });

  it('UPD-14 a restore that could take the doc past its parts is refused (413), and changes nothing', async () => {
    server = await startTestServer({ maxDocStructs: 1000 });
    const editor = await server.member('editor', '李会计');
    const d = device(editor.token, 'notes');
    await d.synced;
    const m = d.doc.getMap('m');
    // 100 keys written and deleted: the version to go back to.
    d.doc.transact(() => {
      for (let i = 0; i < 100; i++) m.set(`tmp${i}`, i);
    });
    await stored('notes', d.doc);
    const withKeys = await lastSeq('notes');
    d.doc.transact(() => {
      for (let i = 0; i < 100; i++) m.delete(`tmp${i}`);
    });
    await stored('notes', d.doc);
    // Then the doc fills up in small writes, each within the bound.
    for (let k = 0; k < 12; k++) {
      d.doc.transact(() => {
        for (let i = 0; i < 50; i++) m.set(`k${k}-${i}`, i);
      });
      await stored('notes', d.doc);
    }
    const rows = (await server.store.roomStats(`${server.workspaceId}/notes`)).rows;
    const res = await restore('notes', editor.token, withKeys);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ reason: 'restoreDocFull' });
    expect((await server.store.roomStats(`${server.workspaceId}/notes`)).rows).toBe(rows);
    // The device's own writes still go through.
    m.set('last', 1);
    await stored('notes', d.doc);
  });
});

describe('history is durable and exportable', () => {
  it('survives a server restart and storage compaction', async () => {
    const dataDir = tempDir();
    server = await startTestServer({ dataDir });
    await planWithTwoAuthors();
    const before = await json(await api('/docs/plan/history', server.adminToken));
    for (const c of cleanups.splice(0)) c();
    const { workspaceId, adminToken } = server;
    await server.close();
    server = await startTestServer({ dataDir });
    server.workspaceId = workspaceId;
    server.adminToken = adminToken;
    await server.store.compact(`${workspaceId}/plan`, {
      before: Date.now() + 1,
      burstGapMs: 60_000,
      maxRowBytes: 1 << 20,
    });
    const after = await json(await api('/docs/plan/history', adminToken));
    const shape = (b: Json) =>
      (b.entries as Json[]).map((e) => [
        (e.author as Json).displayName,
        (e.changes as Json[]).length,
      ]);
    expect(shape(after)).toEqual(shape(before));
    const lastSeq = (after.entries as Json[])[0]!.toSeq as number;
    const version = await api(`/docs/plan/versions/${lastSeq}`, adminToken);
    const doc = createDoc();
    Y.applyUpdate(doc, new Uint8Array(await version.arrayBuffer()));
    expect(readPlan(doc).phases[0]?.tasks[0]?.status).toBe('done');
  });

  it('a named version stays exact through repeated compaction', async () => {
    server = await startTestServer({ burstGapMs: 60_000 });
    const a = device(server.adminToken, 'plan');
    await a.synced;
    initPlan(a.doc, { title: '计划' });
    setPlanTitle(a.doc, '计划A');
    await stored('plan', a.doc);
    const named = await api('/docs/plan/versions', server.adminToken, {
      method: 'POST',
      body: JSON.stringify({ name: '通过稿' }),
    });
    const { seq } = (await named.json()) as { seq: number };
    setPlanTitle(a.doc, '计划AB');
    await stored('plan', a.doc);
    const room = `${server.workspaceId}/plan`;
    const titleAt = async (s: number) => {
      const doc = createDoc();
      Y.applyUpdate(
        doc,
        new Uint8Array(
          await (await api(`/docs/plan/versions/${s}`, server.adminToken)).arrayBuffer(),
        ),
      );
      return readPlan(doc).title;
    };
    expect(await titleAt(seq)).toBe('计划A');
    for (let round = 0; round < 2; round++) {
      await server.store.compact(room, {
        before: Date.now() + 1,
        burstGapMs: 60_000,
        maxRowBytes: 1 << 20,
      });
      expect(await titleAt(seq)).toBe('计划A');
      setPlanTitle(a.doc, `计划AB${round}`);
      await stored('plan', a.doc);
    }
    const history = await json(await api('/docs/plan/history', server.adminToken));
    expect((history.entries as Json[]).some((e) => e.toSeq === seq)).toBe(true);
  });

  it('exports history as CSV with time, author, role and what changed', async () => {
    server = await startTestServer();
    await planWithTwoAuthors();
    const res = await api('/docs/plan/history.csv', server.adminToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await res.text();
    const lines = text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('时间（北京时间）,结束,修改人,角色,更新次数,修改内容');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC\+8\),.*,李会计,编辑,\d+,/);
    const en = await (await api('/docs/plan/history.csv?locale=en', server.adminToken)).text();
    expect(en).toContain('time (Beijing)');
  });
});

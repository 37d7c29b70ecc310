import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { dueAtOf } from './ageing.ts';
import { DomainError, ReadOnlyDocError } from './DomainError.ts';
import { createDoc } from './doc.ts';
import {
  addEntry,
  addResponse,
  answerBack,
  correctEntry,
  currentStatus,
  dueAtOfDay,
  feedbackEvents,
  importEntries,
  initFeedbackLog,
  moveStatus,
  readFeedbackLog,
  receivedAtOfDay,
  relayEntry,
  removeEntry,
  setEntrySummary,
  statusAt,
} from './feedback.ts';
import { SCHEMA_VERSIONS } from './kinds.ts';
import { checkVersion } from './open.ts';
import { feedbackLogSchema } from './schema.ts';
import { mergeInEveryOrder, replicas } from './test-utils.ts';
import { beijingInstant, DAY_MS, HOUR_MS } from './time.ts';

const T0 = beijingInstant(2025, 4, 1, 10, 0);

function baseLog() {
  const doc = createDoc({ clientID: 100 });
  initFeedbackLog(doc, { title: '2025年民情日志', createdAt: 1 });
  const id = addEntry(doc, {
    receivedAt: T0,
    source: '三组 王家',
    channel: 'home-visit',
    category: 'infrastructure',
    summary: '村道路灯不亮',
    urgency: 'normal',
    recordedBy: { name: '工作队小李' },
  });
  return { doc, id };
}

/** Writes a feedback log the way schema version 1 stored it. */
function writeV1(doc: Y.Doc) {
  doc.transact(() => {
    const meta = doc.getMap('meta');
    meta.set('kind', 'feedback');
    meta.set('schemaVersion', 1);
    doc.getMap('log').set('title', new Y.Text('旧日志'));
    const entries = doc.getMap('entries');
    const a = new Y.Map<unknown>();
    a.set('receivedAt', T0);
    a.set('channel', 'phone');
    a.set('category', 'employment');
    a.set('summary', new Y.Text('想参加电商培训'));
    a.set('urgency', 'low');
    a.set('status', 'in-progress');
    a.set('statusAt', T0 + 5 * HOUR_MS);
    a.set('relayedTo', '镇人社所');
    entries.set('old1', a);
    const b = new Y.Map<unknown>();
    b.set('receivedAt', T0 + HOUR_MS);
    b.set('channel', 'walk-in');
    b.set('category', 'policy');
    b.set('summary', new Y.Text('咨询医保缴费'));
    b.set('urgency', 'normal');
    b.set('status', 'received');
    entries.set('old2', b);
  });
}

describe('feedback model', () => {
  it('FB-0 reads entries with source, channel, category, urgency, relays, responses and timeline', () => {
    const { doc, id } = baseLog();
    relayEntry(doc, id, { to: '镇规划建设办', at: T0 + HOUR_MS, by: { name: '王书记' } });
    addResponse(doc, id, { text: '已派电工检修', at: T0 + 2 * HOUR_MS, status: 'in-progress' });
    const data = readFeedbackLog(doc);
    expect(feedbackLogSchema.parse(data)).toEqual(data);
    const e = data.entries[0]!;
    expect(e).toMatchObject({
      source: '三组 王家',
      channel: 'home-visit',
      category: 'infrastructure',
      summary: '村道路灯不亮',
      status: 'in-progress',
    });
    expect(e.relays.map((r) => r.to)).toEqual(['镇规划建设办']);
    expect(e.responses.map((r) => r.text)).toEqual(['已派电工检修']);
    expect(e.transitions.map((t) => t.to)).toEqual(['received', 'relayed', 'in-progress']);
  });

  it("FB-0 gives an entry's status changes, relays and responses in one time order", () => {
    const { doc, id } = baseLog();
    // Recorded out of time order: the response before the relay that came first.
    addResponse(doc, id, { text: '已派电工检修', at: T0 + 2 * HOUR_MS, status: 'in-progress' });
    relayEntry(doc, id, { to: '镇规划建设办', at: T0 + HOUR_MS, by: { name: '王书记' } });
    const e = readFeedbackLog(doc).entries[0]!;
    // At the same instant, the status change comes before the relay or response that made it.
    expect(feedbackEvents(e).map((x) => [x.kind, x.at - T0])).toEqual([
      ['status', 0],
      ['relay', HOUR_MS],
      ['status', 2 * HOUR_MS],
      ['response', 2 * HOUR_MS],
    ]);
    expect(feedbackEvents(e)[1]).toMatchObject({ to: '镇规划建设办', by: { name: '王书记' } });
  });

  it('FB-6 a relay of a new entry is one line of its timeline, not also its 已交办', () => {
    const { doc, id } = baseLog();
    relayEntry(doc, id, { to: '镇水管站', at: T0 + HOUR_MS, by: { name: '李秀英' } });
    const e = readFeedbackLog(doc).entries[0]!;
    expect(e.transitions.map((t) => t.to)).toEqual(['received', 'relayed']);
    expect(feedbackEvents(e).map((x) => x.kind)).toEqual(['status', 'relay']);
    expect(feedbackEvents(e, { foldRelays: false }).map((x) => x.kind)).toEqual([
      'status',
      'status',
      'relay',
    ]);
  });

  it('FB-1 entries added on two devices are all kept; summary edits merge as text', () => {
    const { doc, id } = baseLog();
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    addEntry(a, { receivedAt: T0 + 1, channel: 'phone', category: 'livelihood', summary: '甲' });
    addEntry(b, { receivedAt: T0 + 2, channel: 'meeting', category: 'dispute', summary: '乙' });
    setEntrySummary(a, id, '村道路灯不亮，已两周');
    setEntrySummary(b, id, '三组村道路灯不亮');
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      const data = readFeedbackLog(m);
      expect(data.entries).toHaveLength(3);
      expect(data.entries.find((e) => e.id === id)!.summary).toBe('三组村道路灯不亮，已两周');
    }
  });

  it('FB-2 status changes made on two devices while apart are all kept in the timeline', () => {
    const { doc, id } = baseLog();
    const [a, b] = replicas(doc, 2) as [Y.Doc, Y.Doc];
    relayEntry(a, id, { to: '镇供电所', at: T0 + HOUR_MS });
    moveStatus(b, id, 'in-progress', { at: T0 + 2 * HOUR_MS });
    moveStatus(b, id, 'resolved', { at: T0 + 3 * HOUR_MS });
    for (const m of mergeInEveryOrder(doc, [a, b])) {
      const e = readFeedbackLog(m).entries[0]!;
      expect(e.transitions.map((t) => t.to).sort()).toEqual(
        ['in-progress', 'received', 'relayed', 'resolved'].sort(),
      );
    }
  });

  it('FB-3 the current status is derived from the log the same way on every device', () => {
    const { doc, id } = baseLog();
    const [a, b, c] = replicas(doc, 3) as [Y.Doc, Y.Doc, Y.Doc];
    moveStatus(a, id, 'resolved', { at: T0 + 5 * HOUR_MS });
    moveStatus(b, id, 'in-progress', { at: T0 + 3 * HOUR_MS });
    // Same instant on two devices: the tie is broken by converged array position.
    moveStatus(c, id, 'relayed', { at: T0 + 5 * HOUR_MS });
    const merged = mergeInEveryOrder(doc, [a, b, c]);
    const statuses = merged.map((m) => readFeedbackLog(m).entries[0]!.status);
    expect(new Set(statuses).size).toBe(1);
    // The latest instant wins over the earlier in-progress, whatever order updates arrived in.
    expect(['resolved', 'relayed']).toContain(statuses[0]);
  });

  it('FB-3 currentStatus picks the latest instant, later position on ties, received when empty', () => {
    const t = (id: string, to: 'relayed' | 'resolved' | 'in-progress', at: number) => ({
      id,
      to,
      at,
      by: null,
      note: '',
    });
    expect(currentStatus([])).toBe('received');
    expect(currentStatus([t('a', 'resolved', 5), t('b', 'in-progress', 3)])).toBe('resolved');
    expect(currentStatus([t('a', 'resolved', 5), t('b', 'relayed', 5)])).toBe('relayed');
  });

  it('FB-4 forward moves may skip steps; moving back needs a note; back-dating is refused', () => {
    const { doc, id } = baseLog();
    moveStatus(doc, id, 'resolved', { at: T0 + HOUR_MS });
    expect(() => moveStatus(doc, id, 'in-progress', { at: T0 + 2 * HOUR_MS })).toThrow(
      /needs a note/,
    );
    moveStatus(doc, id, 'in-progress', { at: T0 + 2 * HOUR_MS, note: '路灯又坏了' });
    expect(readFeedbackLog(doc).entries[0]!.status).toBe('in-progress');
    expect(() => moveStatus(doc, id, 'resolved', { at: T0 })).toThrow(/dated before/);
    expect(() => moveStatus(doc, id, 'in-progress', { at: T0 + 3 * HOUR_MS })).toThrow(DomainError);
  });

  it('FB-5 answering back requires a resolved entry', () => {
    const { doc, id } = baseLog();
    expect(() => answerBack(doc, id, { at: T0 + HOUR_MS })).toThrow(
      /only after the entry is resolved/,
    );
    addResponse(doc, id, { text: '已修好', status: 'resolved', at: T0 + HOUR_MS });
    answerBack(doc, id, { at: T0 + 2 * HOUR_MS, note: '电话回访，群众满意' });
    const e = readFeedbackLog(doc).entries[0]!;
    expect(e.status).toBe('answered-back');
    expect(e.transitions.at(-1)!.note).toBe('电话回访，群众满意');
  });

  it('FB-5 a refused status change in addResponse writes neither the response nor the transition', () => {
    const { doc, id } = baseLog();
    const before = Y.encodeStateVector(doc);
    expect(() => addResponse(doc, id, { text: '  ' })).toThrow(
      expect.objectContaining({ reason: 'responseRequired' }),
    );
    expect(() => addResponse(doc, id, { text: '回访', status: 'answered-back' })).toThrow(
      DomainError,
    );
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });

  it('FB-6 relaying a received entry moves it to relayed; relaying again keeps the status', () => {
    const { doc, id } = baseLog();
    relayEntry(doc, id, { to: '镇民政办', at: T0 + HOUR_MS });
    moveStatus(doc, id, 'in-progress', { at: T0 + 2 * HOUR_MS });
    relayEntry(doc, id, { to: '县民政局', at: T0 + 3 * HOUR_MS });
    const e = readFeedbackLog(doc).entries[0]!;
    expect(e.relays.map((r) => r.to)).toEqual(['镇民政办', '县民政局']);
    expect(e.status).toBe('in-progress');
  });

  it('FB-0 statusAt reads the status an entry had at an instant', () => {
    const { doc, id } = baseLog();
    moveStatus(doc, id, 'resolved', { at: T0 + 10 * HOUR_MS });
    const e = readFeedbackLog(doc).entries[0]!;
    expect(statusAt(e, T0 - 1)).toBeNull();
    expect(statusAt(e, T0 + HOUR_MS)).toBe('received');
    expect(statusAt(e, T0 + 10 * HOUR_MS)).toBe('resolved');
  });

  it('FB-8 a saved entry is corrected in one change, only what differs; a due day by hand; refused ones write nothing', () => {
    const { doc, id } = baseLog();
    moveStatus(doc, id, 'in-progress', { at: T0 + HOUR_MS });
    const read = () => readFeedbackLog(doc).entries.find((e) => e.id === id)!;
    expect(dueAtOf(read())).toBe(T0 + 7 * DAY_MS);
    let changes = 0;
    doc.on('afterTransaction', (tr) => {
      if (tr.changed.size > 0) changes++;
    });
    correctEntry(doc, id, {
      summary: '村道路灯不亮，晚上出行不便',
      source: ' 四组 李家 ',
      channel: 'home-visit',
      category: 'livelihood',
      urgency: 'urgent',
      dueAt: dueAtOfDay('2025-04-03'),
    });
    expect(changes).toBe(1);
    const e = read();
    expect(e).toMatchObject({
      source: '四组 李家',
      category: 'livelihood',
      urgency: 'urgent',
      channel: 'home-visit',
      summary: '村道路灯不亮，晚上出行不便',
      status: 'in-progress',
    });
    // Due at the end of 3 April (Beijing): overdue from 4 April 00:00.
    expect(dueAtOf(e)).toBe(beijingInstant(2025, 4, 4) - 1);
    // The status history is untouched.
    expect(e.transitions.map((t) => t.to)).toEqual(['received', 'in-progress']);
    // The same values again write nothing.
    const unchanged = Y.encodeStateVector(doc);
    correctEntry(doc, id, {
      summary: e.summary,
      source: e.source,
      channel: e.channel,
      category: e.category,
      urgency: e.urgency,
      dueAt: e.dueAt,
    });
    expect(Y.encodeStateVector(doc)).toEqual(unchanged);
    // A due day before the day it was received: refused with the rest, nothing written.
    const refused = (fields: Parameters<typeof correctEntry>[2]) => {
      const before = Y.encodeStateVector(doc);
      let error: unknown;
      try {
        correctEntry(doc, id, fields);
      } catch (err) {
        error = err;
      }
      expect(Y.encodeStateVector(doc)).toEqual(before);
      return (error as DomainError).reason;
    };
    expect(refused({ dueAt: dueAtOfDay('2025-03-31'), urgency: 'low', summary: 'x' })).toBe(
      'dueBeforeReceived',
    );
    expect(() => dueAtOfDay('2025-02-30')).toThrow(DomainError);
    expect(() =>
      addEntry(doc, {
        receivedAt: T0,
        channel: 'phone',
        category: 'other',
        summary: 'x',
        dueAt: T0 - 1,
      }),
    ).toThrow(DomainError);
    // Cleared, the due follows the urgency again (urgent: one day).
    correctEntry(doc, id, { dueAt: null });
    expect(read().dueAt).toBeNull();
    expect(dueAtOf(read())).toBe(T0 + DAY_MS);
    // Resolved, it keeps the due it was judged against; its text can still be corrected.
    moveStatus(doc, id, 'resolved', { at: T0 + 3 * DAY_MS });
    expect(refused({ dueAt: dueAtOfDay('2025-04-10') })).toBe('dueOfClosed');
    expect(refused({ urgency: 'normal' })).toBe('dueOfClosed');
    correctEntry(doc, id, { summary: '三组村道路灯不亮', urgency: 'urgent', dueAt: null });
    expect(read().summary).toBe('三组村道路灯不亮');
    // Reopened, it can be corrected again.
    moveStatus(doc, id, 'in-progress', { at: T0 + 4 * DAY_MS, note: '又坏了' });
    correctEntry(doc, id, { urgency: 'normal' });
    expect(read().urgency).toBe('normal');
  });

  it('FB-8 the day received is a calendar day not yet to come', () => {
    const now = beijingInstant(2026, 12, 2, 0, 5);
    expect(receivedAtOfDay('2026-12-02', now)).toBe(now);
    expect(receivedAtOfDay('2026-11-30', now, '07:30')).toBe(beijingInstant(2026, 11, 30, 7, 30));
    const reason = (day: string) => {
      try {
        receivedAtOfDay(day, now);
      } catch (err) {
        return (err as DomainError).reason;
      }
      return null;
    };
    expect(reason('2026-12-03')).toBe('receivedInFuture');
    expect(reason('2026-02-30')).toBe('calendarDay');
  });

  it('FB-0 removing an entry removes its logs too', () => {
    const { doc, id } = baseLog();
    relayEntry(doc, id, { to: '镇', at: T0 + 1 });
    removeEntry(doc, id);
    expect(readFeedbackLog(doc).entries).toEqual([]);
    expect(doc.getArray('transitions').length).toBe(0);
  });

  it('FB-7 importEntries brings in entries with history, checked by the same rules, all or nothing', () => {
    const { doc } = baseLog();
    const [id] = importEntries(doc, [
      {
        receivedAt: T0,
        channel: 'walk-in',
        category: 'policy',
        summary: '咨询养老保险',
        relays: [{ to: '镇社保所', at: T0 + HOUR_MS }],
        responses: [{ text: '已答复', at: T0 + 2 * HOUR_MS }],
        transitions: [
          { to: 'relayed', at: T0 + HOUR_MS },
          { to: 'resolved', at: T0 + 2 * HOUR_MS },
          { to: 'answered-back', at: T0 + 3 * HOUR_MS },
        ],
      },
    ]);
    const e = readFeedbackLog(doc).entries.find((x) => x.id === id)!;
    expect(e.status).toBe('answered-back');
    expect(e.transitions.map((t) => t.to)).toEqual([
      'received',
      'relayed',
      'resolved',
      'answered-back',
    ]);
    expect(e.relays).toHaveLength(1);
    const before = Y.encodeStateVector(doc);
    const bad = (transitions: { to: 'answered-back' | 'resolved'; at: number }[]) => () =>
      importEntries(doc, [
        { receivedAt: T0, channel: 'phone', category: 'other', summary: 'ok' },
        { receivedAt: T0, channel: 'phone', category: 'other', summary: 'bad', transitions },
      ]);
    expect(bad([{ to: 'answered-back', at: T0 + 1 }])).toThrow(/only after the entry is resolved/);
    expect(bad([{ to: 'resolved', at: T0 - 1 }])).toThrow(/dated before/);
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });

  it('DOC-2 reading a version-1 log upgrades it without writing to the doc', () => {
    const doc = createDoc();
    writeV1(doc);
    const before = Y.encodeStateVector(doc);
    const data = readFeedbackLog(doc);
    expect(Y.encodeStateVector(doc)).toEqual(before);
    expect(feedbackLogSchema.parse(data)).toEqual(data);
    expect(data.meta.schemaVersion).toBe(2);
    const old1 = data.entries.find((e) => e.id === 'old1')!;
    expect(old1.status).toBe('in-progress');
    expect(old1.transitions.map((t) => [t.to, t.at])).toEqual([
      ['received', T0],
      ['in-progress', T0 + 5 * HOUR_MS],
    ]);
    expect(old1.relays.map((r) => r.to)).toEqual(['镇人社所']);
    expect(data.entries.find((e) => e.id === 'old2')!.transitions.map((t) => t.to)).toEqual([
      'received',
    ]);
  });

  it('DOC-2 the first write to a version-1 log migrates it in place with origin "migration"', () => {
    const doc = createDoc();
    writeV1(doc);
    const origins: unknown[] = [];
    doc.on('update', (_u: Uint8Array, origin: unknown) => origins.push(origin));
    moveStatus(doc, 'old1', 'resolved', { at: T0 + 6 * HOUR_MS });
    expect(origins).toEqual(['migration', 'local']);
    expect(checkVersion(doc, 'feedback').state).toBe('current');
    const old1 = doc.getMap('entries').get('old1') as Y.Map<unknown>;
    expect(old1.has('status')).toBe(false);
    expect(readFeedbackLog(doc).entries.find((e) => e.id === 'old1')!.status).toBe('resolved');
  });

  it('DOC-4 two devices migrating the same version-1 log at once produce one history', () => {
    const base = createDoc({ clientID: 50 });
    writeV1(base);
    const [a, b] = replicas(base, 2) as [Y.Doc, Y.Doc];
    moveStatus(a, 'old2', 'relayed', { at: T0 + 2 * HOUR_MS });
    moveStatus(b, 'old1', 'resolved', { at: T0 + 6 * HOUR_MS });
    for (const m of mergeInEveryOrder(base, [a, b])) {
      const data = readFeedbackLog(m);
      const old1 = data.entries.find((e) => e.id === 'old1')!;
      expect(old1.transitions.map((t) => t.to)).toEqual(['received', 'in-progress', 'resolved']);
      expect(old1.relays).toHaveLength(1);
      expect(data.entries.find((e) => e.id === 'old2')!.status).toBe('relayed');
    }
  });

  it('DOC-3 a log from a newer schema version reads, but refuses writes with a clear message', () => {
    const { doc, id } = baseLog();
    doc.getMap('meta').set('schemaVersion', SCHEMA_VERSIONS.feedback + 1);
    const check = checkVersion(doc, 'feedback');
    expect(check).toMatchObject({ state: 'newer', readOnly: true });
    expect(check.reason).toMatch(/newer version of the app/);
    expect(readFeedbackLog(doc).entries[0]!.summary).toBe('村道路灯不亮');
    expect(() => moveStatus(doc, id, 'resolved', { at: T0 + 1 })).toThrow(ReadOnlyDocError);
  });
});

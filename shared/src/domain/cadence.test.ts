import { describe, expect, it } from 'vitest';
import {
  attentionFrom,
  CADENCE_PRESET_RULES,
  cadenceAttention,
  cadencePreset,
  cadenceReport,
  DEFAULT_CADENCE,
  type HeldMeeting,
  heldMeetings,
  secretaryLectures,
} from './cadence.ts';
import { createDoc } from './doc.ts';
import { finaliseMinutes, initMinutes, readMinutes } from './minutes.ts';
import { addPerson, initRoster, joinBody, leaveBody, readRoster } from './roster.ts';
import { CADENCE_MEETING_TYPES, type RosterGroup } from './schema.ts';
import { beijingInstant } from './time.ts';

let n = 0;
const m = (meetingType: string, startsAt: number): HeldMeeting => ({
  docId: `d${++n}`,
  meetingType,
  startsAt,
});

const JAN = { from: beijingInstant(2025, 1, 1), to: beijingInstant(2025, 2, 1) };

describe('三会一课 cadence', () => {
  it('CAD-1 the default is the seed rhythm; the national preset is monthly/quarterly', () => {
    expect(DEFAULT_CADENCE.preset).toBe('seed');
    expect(CADENCE_PRESET_RULES.seed).toEqual([
      { meetingType: 'party-group', period: 'week', min: 1, max: 2 },
      { meetingType: 'branch-committee', period: 'month', min: 1, max: null },
      { meetingType: 'party-members', period: 'quarter', min: 1, max: null },
      { meetingType: 'party-lecture', period: 'week', min: 1, max: null },
      { meetingType: 'theme-party-day', period: 'month', min: 1, max: null },
      { meetingType: 'organisational-life', period: 'year', min: 1, max: null },
      { meetingType: 'member-appraisal', period: 'year', min: 1, max: null },
      { meetingType: 'villager-representatives', period: 'quarter', min: 1, max: null },
    ]);
    const national = cadencePreset('national').rules.map((r) => [r.meetingType, r.period]);
    expect(national).toEqual([
      ['party-group', 'month'],
      ['branch-committee', 'month'],
      ['party-members', 'quarter'],
      ['party-lecture', 'quarter'],
      ['theme-party-day', 'month'],
      ['organisational-life', 'year'],
      ['member-appraisal', 'year'],
      ['villager-representatives', 'quarter'],
    ]);
  });

  it('CAD-1 both presets cover every meeting type with a required rhythm', () => {
    for (const preset of ['seed', 'national'] as const) {
      const types = CADENCE_PRESET_RULES[preset].map((r) => r.meetingType).sort();
      expect(types, preset).toEqual([...CADENCE_MEETING_TYPES].sort());
    }
  });

  it('CAD-3 weekly party group meetings: done, overdue, due and upcoming weeks of January', () => {
    const meetings = [
      m('party-group', beijingInstant(2025, 1, 2, 20)), // W01
      m('party-group', beijingInstant(2025, 1, 7, 20)), // W02
      m('party-group', beijingInstant(2025, 1, 9, 20)), // W02
      m('party-group', beijingInstant(2025, 1, 11, 20)), // W02: a third one
    ];
    const now = beijingInstant(2025, 1, 20, 10); // Monday of W04
    const rows = cadenceReport(DEFAULT_CADENCE, meetings, { ...JAN, now }).filter(
      (r) => r.meetingType === 'party-group',
    );
    expect(rows.map((r) => [r.period.key, r.held, r.state, r.aboveMax])).toEqual([
      ['2025-W01', 1, 'done', false],
      ['2025-W02', 3, 'done', true],
      ['2025-W03', 0, 'overdue', false],
      ['2025-W04', 0, 'due', false],
      ['2025-W05', 0, 'upcoming', false],
    ]);
  });

  it('CAD-2 a meeting at 01:00 Beijing on 1 February counts for February, not January', () => {
    // 2025-01-31 17:00 UTC is 2025-02-01 01:00 in Beijing.
    const meetings = [m('branch-committee', Date.UTC(2025, 0, 31, 17, 0))];
    const range = { from: JAN.from, to: beijingInstant(2025, 3, 1) };
    const rows = cadenceReport(DEFAULT_CADENCE, meetings, {
      ...range,
      now: beijingInstant(2025, 2, 10),
    }).filter((r) => r.meetingType === 'branch-committee');
    expect(rows.map((r) => [r.period.key, r.held, r.state])).toEqual([
      ['2025-01', 0, 'overdue'],
      ['2025-02', 1, 'done'],
    ]);
  });

  it('CAD-3 the national preset asks one party lecture a quarter, the seed preset one a week', () => {
    const lectures = [m('party-lecture', beijingInstant(2025, 2, 14, 15))];
    const q1 = { from: beijingInstant(2025, 1, 1), to: beijingInstant(2025, 4, 1) };
    const now = beijingInstant(2025, 4, 2);
    const national = cadenceReport(cadencePreset('national'), lectures, { ...q1, now }).filter(
      (r) => r.meetingType === 'party-lecture',
    );
    expect(national.map((r) => [r.period.key, r.state])).toEqual([['2025-Q1', 'done']]);
    const seed = cadenceReport(DEFAULT_CADENCE, lectures, { ...q1, now }).filter(
      (r) => r.meetingType === 'party-lecture',
    );
    expect(seed.filter((r) => r.state === 'done')).toHaveLength(1);
    expect(seed.filter((r) => r.state === 'overdue').length).toBeGreaterThanOrEqual(12);
  });

  it('CAD-3 cadenceAttention lists what is due now and what is overdue', () => {
    const now = beijingInstant(2025, 1, 15, 12); // Wednesday of W03
    const meetings = [
      m('party-group', beijingInstant(2025, 1, 13, 20)), // W03 done
      m('party-lecture', beijingInstant(2025, 1, 8, 20)), // W02 lecture done
      m('branch-committee', beijingInstant(2025, 1, 10, 9)),
    ];
    const attention = cadenceAttention(DEFAULT_CADENCE, meetings, beijingInstant(2025, 1, 6), now);
    expect(attention.map((a) => [a.meetingType, a.period.key, a.state])).toEqual([
      ['party-group', '2025-W02', 'overdue'],
      ['party-members', '2025-Q1', 'due'],
      ['party-lecture', '2025-W03', 'due'],
      ['theme-party-day', '2025-01', 'due'],
      ['organisational-life', '2025', 'due'],
      ['member-appraisal', '2025', 'due'],
      ['villager-representatives', '2025-Q1', 'due'],
    ]);
  });

  it('CAD-4 heldMeetings skips minutes without a start time, and drafts when finalOnly', () => {
    const make = (startsAt: number | null, final: boolean) => {
      const doc = createDoc();
      initMinutes(doc, { title: 't', meetingType: 'party-lecture', startsAt });
      if (final) finaliseMinutes(doc, { name: '王书记' });
      return readMinutes(doc);
    };
    const list = [
      { docId: 'a', data: make(beijingInstant(2025, 1, 2), true) },
      { docId: 'b', data: make(beijingInstant(2025, 1, 9), false) },
      { docId: 'c', data: make(null, false) },
    ];
    expect(heldMeetings(list).map((h) => [h.docId, h.isFinal])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(heldMeetings(list, { finalOnly: true }).map((h) => h.docId)).toEqual(['a']);
  });
});

describe('CAD-5 attentionFrom', () => {
  it('CAD-5 counts from the start of the Beijing year, or from the first record when later', () => {
    const now = beijingInstant(2026, 11, 25, 10);
    expect(attentionFrom(now, beijingInstant(2025, 6, 1))).toBe(beijingInstant(2026, 1, 1));
    expect(attentionFrom(now, beijingInstant(2026, 8, 27))).toBe(beijingInstant(2026, 8, 27));
    expect(attentionFrom(now, null)).toBe(now);
    // 2025-12-31 17:00 UTC is already 2026-01-01 in Beijing.
    expect(attentionFrom(Date.UTC(2025, 11, 31, 17), null)).toBe(Date.UTC(2025, 11, 31, 17));
    expect(attentionFrom(Date.UTC(2025, 11, 31, 17), 0)).toBe(beijingInstant(2026, 1, 1));
  });
});

const group = (id: string, formed: string | null = null, dissolved: string | null = null) =>
  ({ id, name: id, formed, dissolved }) satisfies RosterGroup;
const gm = (groupId: string | null, startsAt: number): HeldMeeting => ({
  ...m('party-group', startsAt),
  groupId,
});

describe('CAD-6 party groups, each with its own rhythm', () => {
  const groups = [group('g1'), group('g2'), group('g3')];
  const week2 = { from: beijingInstant(2025, 1, 6), to: beijingInstant(2025, 1, 13) };

  it('CAD-6 three groups each meeting once in a week are each done, none above the maximum', () => {
    const meetings = ['g1', 'g2', 'g3'].map((g, i) => gm(g, beijingInstant(2025, 1, 7 + i, 20)));
    const now = beijingInstant(2025, 1, 20);
    const combined = cadenceReport(DEFAULT_CADENCE, meetings, { ...week2, now }).filter(
      (r) => r.meetingType === 'party-group',
    );
    // Counted together (no groups given), three meetings look like one group meeting too often.
    expect(combined.map((r) => [r.held, r.aboveMax])).toEqual([[3, true]]);
    const perGroup = cadenceReport(DEFAULT_CADENCE, meetings, { ...week2, now }, { groups }).filter(
      (r) => r.meetingType === 'party-group',
    );
    expect(perGroup.map((r) => [r.groupId, r.held, r.state, r.aboveMax])).toEqual([
      ['g1', 1, 'done', false],
      ['g2', 1, 'done', false],
      ['g3', 1, 'done', false],
    ]);
  });

  it('CAD-6 a missed group is overdue on its own; a group rule overrides the general one', () => {
    const setting = {
      preset: 'custom' as const,
      rules: [
        { meetingType: 'party-group' as const, period: 'week' as const, min: 1, max: 2 },
        {
          meetingType: 'party-group' as const,
          groupId: 'g3',
          period: 'month' as const,
          min: 1,
          max: null,
        },
      ],
    };
    const meetings = [gm('g1', beijingInstant(2025, 1, 7, 20))];
    const rows = cadenceReport(
      setting,
      meetings,
      { ...week2, now: beijingInstant(2025, 1, 20) },
      { groups },
    );
    expect(rows.map((r) => [r.groupId, r.period.key, r.state])).toEqual([
      ['g1', '2025-W02', 'done'],
      ['g2', '2025-W02', 'overdue'],
      ['g3', '2025-01', 'due'],
    ]);
  });

  it('CAD-6 a group counts only for periods it existed in; meetings without a group are listed apart', () => {
    const january = { from: beijingInstant(2025, 1, 1), to: beijingInstant(2025, 2, 1) };
    const rows = cadenceReport(
      cadencePreset('national'),
      [gm(null, beijingInstant(2025, 1, 9, 20))],
      { ...january, now: beijingInstant(2025, 3, 1) },
      { groups: [group('old', null, '2025-01-01'), group('new', '2025-01-20')] },
    ).filter((r) => r.meetingType === 'party-group');
    expect(rows.map((r) => [r.groupId, r.period.key, r.held, r.state])).toEqual([
      ['new', '2025-01', 0, 'overdue'],
      [null, '2025-01', 1, 'done'],
    ]);
  });
});

describe('CAD-7 the branch secretary gives a 党课 a year', () => {
  it('CAD-7 counts a lecture given by whoever was secretary at the time, by roster id or name', () => {
    const doc = createDoc();
    initRoster(doc, { title: '名册' });
    const wang = addPerson(doc, { id: 'wang', name: '王建国' });
    const li = addPerson(doc, { id: 'li', name: '李秀英' });
    joinBody(doc, wang, { body: 'branch-committee' }, { office: 'secretary' });
    leaveBody(doc, wang, { body: 'branch-committee' }, '2025-07-01');
    joinBody(doc, li, { body: 'branch-committee' }, { joined: '2025-07-01', office: 'secretary' });
    const roster = readRoster(doc);
    const lecture = (at: number, lecturer: HeldMeeting['lecturer']): HeldMeeting => ({
      ...m('party-lecture', at),
      lecturer,
    });
    // 王 lectured after he stepped down; 李 lectured before she took office: neither counts.
    const none = secretaryLectures(
      [
        lecture(beijingInstant(2025, 8, 1), { name: '王建国', rosterId: wang }),
        lecture(beijingInstant(2025, 3, 1), { name: '李秀英', rosterId: li }),
        lecture(beijingInstant(2025, 5, 1), { name: '陈明' }),
      ],
      roster,
      2025,
    );
    expect(none.met).toBe(false);
    expect(none.secretaries.map((p) => p.name).sort()).toEqual(['李秀英', '王建国'].sort());
    expect(none.lectures.map((l) => l.bySecretary)).toEqual([false, false, false]);
    const byName = secretaryLectures(
      [lecture(beijingInstant(2025, 9, 1), { name: '李秀英' })],
      roster,
      2025,
    );
    expect(byName.met).toBe(true);
    expect(secretaryLectures([], roster, 2025).met).toBe(false);
    // A 主题党日 whose lecture the secretary gave counts as the secretary's 党课; one without a
    // lecturer is not a lecture.
    const themeDay = (lecturer: HeldMeeting['lecturer']) =>
      secretaryLectures(
        [{ ...m('theme-party-day', beijingInstant(2025, 7, 1, 9)), lecturer }],
        roster,
        2025,
      );
    expect(themeDay({ name: '李秀英', rosterId: li })).toMatchObject({ met: true });
    expect(themeDay(null)).toMatchObject({ met: false, lectures: [] });
  });
});

describe('CAD-9 records still in draft', () => {
  it('CAD-9 a period held only by drafts is unconfirmed, not done; a final record makes it done', () => {
    const at = beijingInstant(2025, 1, 15, 9);
    const jan = { ...JAN, now: beijingInstant(2025, 3, 1) };
    const state = (meetings: HeldMeeting[]) =>
      cadenceReport(DEFAULT_CADENCE, meetings, jan).find(
        (r) => r.meetingType === 'branch-committee',
      )!;
    const draft = { ...m('branch-committee', at), isFinal: false };
    const final = { ...m('branch-committee', at + 3_600_000), isFinal: true };
    expect(state([draft])).toMatchObject({ held: 1, state: 'unconfirmed' });
    expect(state([draft, final])).toMatchObject({ held: 2, state: 'done' });
    expect(state([final])).toMatchObject({ held: 1, state: 'done' });
    expect(state([])).toMatchObject({ held: 0, state: 'overdue' });
    // What needs attention lists the unconfirmed period after it ended, as it does a missed one.
    expect(
      cadenceAttention(DEFAULT_CADENCE, [draft], JAN.from, jan.now)
        .filter((r) => r.meetingType === 'branch-committee')
        .map((r) => [r.period.key, r.state]),
    ).toEqual([
      ['2025-01', 'unconfirmed'],
      ['2025-02', 'overdue'],
      ['2025-03', 'due'],
    ]);
  });
});

describe('CAD-4 held by now', () => {
  it('CAD-4 a record dated after `now` does not count for its period yet', () => {
    const later = m('member-appraisal', beijingInstant(2025, 12, 15, 9));
    const year = { from: beijingInstant(2025, 1, 1), to: beijingInstant(2026, 1, 1) };
    const row = (now: number) =>
      cadenceReport(DEFAULT_CADENCE, [later], { ...year, now }).find(
        (r) => r.meetingType === 'member-appraisal',
      )!;
    expect(row(beijingInstant(2025, 7, 1))).toMatchObject({ held: 0, state: 'due' });
    expect(row(beijingInstant(2025, 12, 20))).toMatchObject({ held: 1, state: 'done' });
  });
});

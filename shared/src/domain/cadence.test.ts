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
} from './cadence.ts';
import { createDoc } from './doc.ts';
import { finaliseMinutes, initMinutes, readMinutes } from './minutes.ts';
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
    ]);
    const national = cadencePreset('national').rules.map((r) => [r.meetingType, r.period]);
    expect(national).toEqual([
      ['party-group', 'month'],
      ['branch-committee', 'month'],
      ['party-members', 'quarter'],
      ['party-lecture', 'quarter'],
    ]);
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
    expect(heldMeetings(list).map((h) => h.docId)).toEqual(['a', 'b']);
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

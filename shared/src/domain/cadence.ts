/**
 * 三会一课 cadence: which regular party meetings are done, due or overdue in each period.
 * Pure functions over plain data; periods are Monday-start weeks, months and quarters in
 * Beijing time (time.ts).
 *
 * Rules (SPEC.md):
 * - CAD-1 two presets: `seed` (the source text's rhythm: party group meeting 1-2 a week, branch
 *   committee monthly, all-members meeting quarterly, party lecture weekly; the default) and
 *   `national` (party group meeting and branch committee monthly, all-members meeting and party
 *   lecture quarterly). A workspace may also store custom rules.
 * - CAD-2 a meeting counts for the period that contains its start instant in Beijing time
 *   (Sunday 23:30 UTC is Monday 07:30 in Beijing: next week).
 * - CAD-3 per rule and period: `done` when held ≥ min; otherwise `overdue` when the period has
 *   ended, `due` when it is under way, `upcoming` when it has not begun. More than `max` is
 *   reported (`aboveMax`), not an error.
 * - CAD-4 only minutes with a start time count; by default drafts count too (a meeting held but
 *   not yet written up was still held); pass `finalOnly` for compliance reports.
 */
import {
  type CadencePreset,
  type CadenceRule,
  type CadenceSetting,
  type CadenceState,
  type MinutesData,
  SAN_HUI_YI_KE,
  type SanHuiYiKeType,
} from './schema.ts';
import { beijingInstant, beijingParts, type Period, periodsBetween } from './time.ts';

/** The rules of each preset (CAD-1). */
export const CADENCE_PRESET_RULES: Readonly<
  Record<Exclude<CadencePreset, 'custom'>, readonly CadenceRule[]>
> = {
  seed: [
    { meetingType: 'party-group', period: 'week', min: 1, max: 2 },
    { meetingType: 'branch-committee', period: 'month', min: 1, max: null },
    { meetingType: 'party-members', period: 'quarter', min: 1, max: null },
    { meetingType: 'party-lecture', period: 'week', min: 1, max: null },
  ],
  national: [
    { meetingType: 'party-group', period: 'month', min: 1, max: null },
    { meetingType: 'branch-committee', period: 'month', min: 1, max: null },
    { meetingType: 'party-members', period: 'quarter', min: 1, max: null },
    { meetingType: 'party-lecture', period: 'quarter', min: 1, max: null },
  ],
};

/** The default cadence of a new workspace: the source text's rhythm. */
export const DEFAULT_CADENCE: CadenceSetting = {
  preset: 'seed',
  rules: CADENCE_PRESET_RULES.seed.map((r) => ({ ...r })),
};

/** The setting for a preset. */
export function cadencePreset(preset: Exclude<CadencePreset, 'custom'>): CadenceSetting {
  return { preset, rules: CADENCE_PRESET_RULES[preset].map((r) => ({ ...r })) };
}

/** A meeting as the cadence sees it. */
export type HeldMeeting = { docId: string; meetingType: string; startsAt: number };

/** The meetings of a set of minutes that count for the cadence (CAD-4). */
export function heldMeetings(
  minutes: readonly { docId: string; data: MinutesData }[],
  options: {
    /** Count only finalised minutes; default false. */
    finalOnly?: boolean;
  } = {},
): HeldMeeting[] {
  const out: HeldMeeting[] = [];
  for (const { docId, data } of minutes) {
    if (data.startsAt === null) continue;
    if (options.finalOnly && data.state !== 'final') continue;
    out.push({ docId, meetingType: data.meetingType, startsAt: data.startsAt });
  }
  return out;
}

export type CadencePeriodStatus = {
  meetingType: SanHuiYiKeType;
  period: Period;
  required: number;
  held: number;
  /** Doc ids of the meetings that counted, in time order. */
  meetings: string[];
  state: CadenceState;
  aboveMax: boolean;
};

/**
 * Where a village stands against its cadence for every period of every rule overlapping
 * `[from, to)`, judged at `now` (CAD-3). Results are grouped by rule, in period order.
 */
export function cadenceReport(
  setting: CadenceSetting,
  meetings: readonly HeldMeeting[],
  range: { from: number; to: number; now: number },
): CadencePeriodStatus[] {
  const out: CadencePeriodStatus[] = [];
  const sorted = [...meetings].sort((a, b) => a.startsAt - b.startsAt);
  for (const rule of setting.rules) {
    const ofType = sorted.filter((m) => m.meetingType === rule.meetingType);
    for (const period of periodsBetween(rule.period, range.from, range.to)) {
      const inPeriod = ofType.filter((m) => m.startsAt >= period.start && m.startsAt < period.end);
      const held = inPeriod.length;
      let state: CadenceState;
      if (held >= rule.min) state = 'done';
      else if (range.now >= period.end) state = 'overdue';
      else if (range.now >= period.start) state = 'due';
      else state = 'upcoming';
      out.push({
        meetingType: rule.meetingType,
        period,
        required: rule.min,
        held,
        meetings: inPeriod.map((m) => m.docId),
        state,
        aboveMax: rule.max !== null && held > rule.max,
      });
    }
  }
  return out;
}

/** What needs attention now: the current period of each rule, plus earlier overdue ones in `[from, now]`. */
export function cadenceAttention(
  setting: CadenceSetting,
  meetings: readonly HeldMeeting[],
  from: number,
  now: number,
): CadencePeriodStatus[] {
  return cadenceReport(setting, meetings, { from, to: now + 1, now }).filter(
    (s) => s.state === 'overdue' || s.state === 'due',
  );
}

/**
 * CAD-5 Where a dashboard starts counting missed periods: the start of the current year in
 * Beijing time, or the workspace's first record if that is later — a village that began keeping
 * records in August has not "missed" the spring. With no record yet, only the current period.
 */
export function attentionFrom(now: number, firstRecordAt: number | null): number {
  const yearStart = beijingInstant(beijingParts(now).year, 1, 1);
  return Math.max(yearStart, Math.min(now, firstRecordAt ?? now));
}

/** True when a meeting type is one of 三会一课. */
export function isSanHuiYiKe(t: string): t is SanHuiYiKeType {
  return (SAN_HUI_YI_KE as readonly string[]).includes(t);
}

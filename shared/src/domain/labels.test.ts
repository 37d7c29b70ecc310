import { describe, expect, it } from 'vitest';
import { LABELS, labelOf } from './labels.ts';
import {
  ABSENCE_REASONS,
  AGEING_FLAGS,
  ANY_DOC_KINDS,
  BODIES,
  CADENCE_PRESETS,
  CADENCE_STATES,
  DECISION_STEPS,
  FEEDBACK_CATEGORIES,
  FEEDBACK_CHANNELS,
  FEEDBACK_STATUSES,
  MEETING_TYPES,
  MINUTES_STATES,
  OFFICES,
  PARTY_STATUSES,
  PERIOD_UNITS,
  SERVICE_KINDS,
  TASK_STATUSES,
  URGENCIES,
  VILLAGER_BASES,
  VOTE_CHOICES,
  VOTE_OUTCOMES,
  VOTE_RULES,
} from './schema.ts';

const ENUMS = {
  docKind: ANY_DOC_KINDS,
  meetingType: MEETING_TYPES,
  taskStatus: TASK_STATUSES,
  feedbackCategory: FEEDBACK_CATEGORIES,
  feedbackChannel: FEEDBACK_CHANNELS,
  feedbackStatus: FEEDBACK_STATUSES,
  urgency: URGENCIES,
  absenceReason: ABSENCE_REASONS,
  minutesState: MINUTES_STATES,
  decisionStep: DECISION_STEPS,
  serviceKind: SERVICE_KINDS,
  cadencePreset: CADENCE_PRESETS,
  periodUnit: PERIOD_UNITS,
  voteChoice: VOTE_CHOICES,
  cadenceState: CADENCE_STATES,
  ageingFlag: AGEING_FLAGS,
  body: BODIES,
  partyStatus: PARTY_STATUSES,
  office: OFFICES,
  voteOutcome: VOTE_OUTCOMES,
  voteRule: VOTE_RULES,
  villagerBasis: VILLAGER_BASES,
} as const;

describe('labels', () => {
  it('LBL-1 every value of every enum has a Simplified Chinese and an English label, from one table', () => {
    expect(Object.keys(LABELS).sort()).toEqual(Object.keys(ENUMS).sort());
    for (const [name, values] of Object.entries(ENUMS)) {
      const table = LABELS[name as keyof typeof LABELS] as Record<
        string,
        { 'zh-CN': string; en: string }
      >;
      expect(Object.keys(table).sort(), name).toEqual([...values].sort());
      for (const v of values) {
        expect(table[v]!['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
        expect(table[v]!.en).toMatch(/^[A-Z]/);
      }
    }
  });

  it('LBL-1 labelOf uses the users’ terms and falls back to the raw value for unknown values', () => {
    expect(labelOf('meetingType', 'party-group', 'zh-CN')).toBe('党小组会');
    expect(labelOf('meetingType', 'villager-representatives', 'zh-CN')).toBe('村民代表会议');
    expect(labelOf('decisionStep', 'review', 'zh-CN')).toBe('审议');
    expect(labelOf('feedbackStatus', 'answered-back', 'en')).toBe('Answered back');
    expect(labelOf('feedbackStatus', 'from-the-future' as 'received', 'en')).toBe(
      'from-the-future',
    );
  });
});

/**
 * The shape every catalogue has: a locale's own facts, its messages and its enum labels.
 * Kept apart from the catalogues so that they can import it without an import cycle.
 */
import type {
  ABSENCE_REASONS,
  AGEING_FLAGS,
  ANY_DOC_KINDS,
  BODIES,
  CADENCE_PRESETS,
  CADENCE_STATES,
  DECISION_STEPS,
  DEFAULT_SERVICE_IDS,
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
} from '../domain/schema.ts';

/** What the UI needs to know about a locale beyond its words. */
export type LocaleMeta = {
  /** The language's own name, shown in the language picker. */
  readonly name: string;
  /** Writing direction of the UI. */
  readonly dir: 'ltr' | 'rtl';
  /** The BCP 47 tag for Intl (dates, numbers, collation). */
  readonly intl: string;
};

type Table<T extends readonly string[]> = { readonly [K in T[number]]: string };

/** One label per value of every domain enum; a value without a label fails to compile. */
export type LabelTables = {
  readonly docKind: Table<typeof ANY_DOC_KINDS>;
  readonly meetingType: Table<typeof MEETING_TYPES>;
  readonly taskStatus: Table<typeof TASK_STATUSES>;
  readonly feedbackCategory: Table<typeof FEEDBACK_CATEGORIES>;
  readonly feedbackChannel: Table<typeof FEEDBACK_CHANNELS>;
  readonly feedbackStatus: Table<typeof FEEDBACK_STATUSES>;
  readonly urgency: Table<typeof URGENCIES>;
  readonly absenceReason: Table<typeof ABSENCE_REASONS>;
  readonly minutesState: Table<typeof MINUTES_STATES>;
  readonly decisionStep: Table<typeof DECISION_STEPS>;
  readonly serviceKind: Table<typeof SERVICE_KINDS>;
  /** The default 8+1 services' names (SVC-3); zh-CN's are the names every workspace stores. */
  readonly defaultService: Table<typeof DEFAULT_SERVICE_IDS>;
  readonly cadencePreset: Table<typeof CADENCE_PRESETS>;
  readonly periodUnit: Table<typeof PERIOD_UNITS>;
  readonly voteChoice: Table<typeof VOTE_CHOICES>;
  readonly cadenceState: Table<typeof CADENCE_STATES>;
  readonly body: Table<typeof BODIES>;
  readonly partyStatus: Table<typeof PARTY_STATUSES>;
  readonly office: Table<typeof OFFICES>;
  readonly voteOutcome: Table<typeof VOTE_OUTCOMES>;
  readonly voteRule: Table<typeof VOTE_RULES>;
  readonly villagerBasis: Table<typeof VILLAGER_BASES>;
  readonly ageingFlag: Table<typeof AGEING_FLAGS>;
};

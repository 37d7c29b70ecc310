/**
 * The plain-data shape of every document kind, the enums and the limits.
 *
 * Two kinds of schema live here:
 * - *data* schemas (`planSchema`, `minutesSchema`…) describe what `read…(doc)` returns. They check
 *   shape and enum values but not text lengths: a merge of two offline edits may legitimately
 *   grow past a limit and a read never drops what people wrote.
 * - *input* limits (`Limits`) are enforced by the model operations when something is written.
 *
 * Instants are epoch milliseconds (UTC); calendar days are `YYYY-MM-DD` in Beijing time (see time.ts).
 * Privacy: there is no field for a person's ethnicity, religion or political views, and there must
 * never be one. People are a display name plus an optional member id.
 */
import { z } from 'zod';
import { isCalendarDate } from './time.ts';

// ---------------------------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------------------------

/** The kinds of document listed in a workspace's index (each kind's module and registry entry: kinds.ts). */
export const DOC_KINDS = ['plan', 'minutes', 'feedback', 'roster'] as const;
export type DocKind = (typeof DOC_KINDS)[number];
/** Every kind, including the workspace index doc, which lists the others. */
export const ANY_DOC_KINDS = [...DOC_KINDS, 'index'] as const;
export type AnyDocKind = (typeof ANY_DOC_KINDS)[number];

/**
 * Meeting types: the four of 三会一课; the rest of regular party life (主题党日, 组织生活会, 民主评议
 * 党员); the 两会两票 meetings (党员大会 doubles as the party members' meeting; 村民代表会议) and the
 * villagers' assembly (村民会议); the two committees' joint meeting where proposals are
 * deliberated (商议); and other.
 */
export const MEETING_TYPES = [
  'party-group',
  'branch-committee',
  'party-members',
  'party-lecture',
  'theme-party-day',
  'organisational-life',
  'member-appraisal',
  'villager-representatives',
  'villagers',
  'joint-committees',
  'other',
] as const;
export type MeetingType = (typeof MEETING_TYPES)[number];

/** The four meeting types of 三会一课, the ones the cadence checks. */
export const SAN_HUI_YI_KE = [
  'party-group',
  'branch-committee',
  'party-members',
  'party-lecture',
] as const;
export type SanHuiYiKeType = (typeof SAN_HUI_YI_KE)[number];

/** The meeting types with a required rhythm (CAD-1): 三会一课 and the rest of regular party life, and the villagers' representatives meeting (quarterly, §26). */
export const CADENCE_MEETING_TYPES = [
  ...SAN_HUI_YI_KE,
  'theme-party-day',
  'organisational-life',
  'member-appraisal',
  'villager-representatives',
] as const;
export type CadenceMeetingType = (typeof CADENCE_MEETING_TYPES)[number];

/** The body each meeting type belongs to (its 应到); null: no roster body (other meetings). */
export const MEETING_BODY = {
  'party-group': 'party-group',
  'branch-committee': 'branch-committee',
  'party-members': 'party',
  'party-lecture': 'party',
  'theme-party-day': 'party',
  'organisational-life': 'party',
  'member-appraisal': 'party',
  'villager-representatives': 'representatives-meeting',
  villagers: 'villagers',
  'joint-committees': 'two-committees',
  other: null,
} as const satisfies Record<MeetingType, Body | null>;

export const TASK_STATUSES = ['todo', 'doing', 'blocked', 'done', 'dropped'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const FEEDBACK_CATEGORIES = [
  'livelihood',
  'infrastructure',
  'employment',
  'policy',
  'dispute',
  'other',
] as const;
export type FeedbackCategory = (typeof FEEDBACK_CATEGORIES)[number];

export const FEEDBACK_CHANNELS = ['home-visit', 'meeting', 'phone', 'walk-in'] as const;
export type FeedbackChannel = (typeof FEEDBACK_CHANNELS)[number];

/** The case loop, in order: 登记 → 交办 → 办理 → 办结 → 回访. */
export const FEEDBACK_STATUSES = [
  'received',
  'relayed',
  'in-progress',
  'resolved',
  'answered-back',
] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];

export const URGENCIES = ['urgent', 'normal', 'low'] as const;
export type Urgency = (typeof URGENCIES)[number];

/**
 * Why someone was absent: 请假 (on leave), 因公 (on duty), 外出务工 (away for work), 其他. No reason
 * carries health information: an absence is 请假, never 病假 (minutes v1 had `sick`, `personal`
 * and `official`; the v2 migration maps them to `leave`, `leave` and `on-duty`).
 */
export const ABSENCE_REASONS = ['leave', 'on-duty', 'working-away', 'other'] as const;
export type AbsenceReason = (typeof ABSENCE_REASONS)[number];

export const MINUTES_STATES = ['draft', 'final'] as const;
export type MinutesState = (typeof MINUTES_STATES)[number];

/** 四议两公开, in order. */
export const DECISION_STEPS = [
  'proposal',
  'deliberation',
  'review',
  'resolution',
  'resolution-public',
  'result-public',
] as const;
export type DecisionStep = (typeof DECISION_STEPS)[number];

/** The steps of 四议两公开 that happen in a meeting (the other two are public notices). */
export const MEETING_STEPS = ['proposal', 'deliberation', 'review', 'resolution'] as const;
export type MeetingStep = (typeof MEETING_STEPS)[number];
export const PUBLIC_STEPS = ['resolution-public', 'result-public'] as const;
export type PublicStep = (typeof PUBLIC_STEPS)[number];

/** "8+1": the eight benefit policies handed down, and the village's own livelihood projects. */
export const SERVICE_KINDS = ['policy', 'livelihood'] as const;
/**
 * Ids of the default 8+1 services (IDX-3). Their stored names stay as every workspace got them;
 * while a workspace keeps one unrenamed, the UI shows it in the reader's language (SVC-3).
 */
export const DEFAULT_SERVICE_IDS = [
  'svc-1',
  'svc-2',
  'svc-3',
  'svc-4',
  'svc-5',
  'svc-6',
  'svc-7',
  'svc-8',
  'svc-9',
] as const;
export type DefaultServiceId = (typeof DEFAULT_SERVICE_IDS)[number];
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export const CADENCE_PRESETS = ['seed', 'national', 'custom'] as const;
export type CadencePreset = (typeof CADENCE_PRESETS)[number];

export const PERIOD_UNITS = ['week', 'month', 'quarter', 'year'] as const;

export const VOTE_CHOICES = ['for', 'against', 'abstain'] as const;
export type VoteChoice = (typeof VOTE_CHOICES)[number];

/** The result a meeting declared for a vote (通过 / 未通过), checked against the rules (VOTE-5). */
export const VOTE_OUTCOMES = ['passed', 'rejected'] as const;
export type VoteOutcome = (typeof VOTE_OUTCOMES)[number];

/**
 * The rule a vote is judged by (VOTE-1…4): 党员大会, 支委会, 村民代表会议, 村民会议, or a simple
 * majority of those entitled to vote who are present (other meetings).
 */
export const VOTE_RULES = [
  'party-members',
  'branch-committee',
  'villager-representatives',
  'villagers',
  'simple-majority',
] as const;
export type VoteRuleId = (typeof VOTE_RULES)[number];

/**
 * How a villagers' assembly (村民会议) was convened (§22): by the villagers aged 18 and over
 * (过半数 present), or by representatives of the households (三分之二以上 of households).
 */
export const VILLAGER_BASES = ['adults', 'households'] as const;
export type VillagerBasis = (typeof VILLAGER_BASES)[number];

/**
 * The bodies of the standing roster (ROS-2): the branch's party members (党员), each party group
 * (党小组), the branch committee (支委), the villagers' committee (村委) and the villagers'
 * representatives (村民代表). Memberships are recorded in these.
 */
export const ROSTER_BODIES = [
  'party',
  'party-group',
  'branch-committee',
  'village-committee',
  'villager-representatives',
] as const;
export type RosterBody = (typeof ROSTER_BODIES)[number];

/**
 * The bodies a meeting can belong to: the roster's, plus two made of roster bodies — the two
 * committees (村"两委" = 支委 + 村委) and the villagers' representatives meeting (村民代表会议:
 * 村委 members and 村民代表, 村民委员会组织法 §25) — and the villagers' assembly (村民会议), whose
 * members the roster does not hold.
 */
export const BODIES = [
  ...ROSTER_BODIES,
  'two-committees',
  'representatives-meeting',
  'villagers',
] as const;
export type Body = (typeof BODIES)[number];

/** 正式党员 / 预备党员: probationary members attend but do not vote (ROS-5). */
export const PARTY_STATUSES = ['full', 'probationary'] as const;
export type PartyStatus = (typeof PARTY_STATUSES)[number];

/** Offices within a body: 书记 and 副书记 of the branch committee, 主任 and 副主任 of the villagers' committee, 组长 of a party group. */
export const OFFICES = [
  'secretary',
  'deputy-secretary',
  'director',
  'deputy-director',
  'group-leader',
] as const;
export type Office = (typeof OFFICES)[number];

/**
 * Where a village stands against one cadence rule in one period (CAD-3); `unconfirmed`: the
 * meetings were held but some of their records are still drafts (CAD-9).
 */
export const CADENCE_STATES = ['done', 'unconfirmed', 'due', 'overdue', 'upcoming'] as const;
export type CadenceState = (typeof CADENCE_STATES)[number];

/** Why a feedback entry needs a reviewer's eye (AGE-2). */
export const AGEING_FLAGS = ['overdue-unresolved', 'not-answered-back'] as const;
export type AgeingFlag = (typeof AGEING_FLAGS)[number];

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

/** Limits enforced when writing. Lengths count UTF-16 code units (one per Chinese character). */
export const Limits = {
  titleChars: 200,
  nameChars: 40,
  placeChars: 100,
  goalsChars: 2000,
  taskNotesChars: 2000,
  summaryChars: 2000,
  responseChars: 2000,
  sourceChars: 40,
  /** The roster: people, party groups, memberships. */
  peoplePerRoster: 2_000,
  groupsPerRoster: 30,
  membershipsPerRoster: 10_000,
  departmentChars: 60,
  noteChars: 500,
  phasesPerPlan: 24,
  tasksPerPlan: 1000,
  attendeesPerMeeting: 500,
  agendaItemsPerMeeting: 50,
  votesPerMeeting: 50,
  decisionsPerMeeting: 50,
  actionItemsPerMeeting: 100,
  entriesPerLog: 20_000,
  relaysPerEntry: 20,
  responsesPerEntry: 200,
  servicesPerWorkspace: 40,
  docsPerWorkspace: 20_000,
  /** Largest tally of one vote: a villagers' representatives meeting is well under this. */
  maxTally: 10_000,
} as const;

// ---------------------------------------------------------------------------------------------
// Shared shapes
// ---------------------------------------------------------------------------------------------

export const entityIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
export const instantSchema = z.number().int().nonnegative();
export const calendarDateSchema = z
  .string()
  .refine(isCalendarDate, 'expected a calendar day YYYY-MM-DD (Beijing time)');

/** A person as docs refer to them: a display name, optionally the workspace member id. Nothing more. */
export const personSchema = z.object({
  name: z.string().trim().min(1).max(Limits.nameChars),
  memberId: entityIdSchema.optional(),
});
export type Person = z.infer<typeof personSchema>;

/** A person at a meeting: as a person, plus the roster person id when they are on the roster. */
export const attendeeSchema = personSchema.extend({ rosterId: entityIdSchema.optional() });
export type Attendee = z.infer<typeof attendeeSchema>;

const metaSchema = z.object({ schemaVersion: z.number().int().nonnegative() });

// ---------------------------------------------------------------------------------------------
// Plan (阶段性工作计划)
// ---------------------------------------------------------------------------------------------

export const taskSchema = z.object({
  id: entityIdSchema,
  /** The phase it belongs to; null when its phase was removed (the "unassigned" bucket, PLAN-4). */
  phaseId: entityIdSchema.nullable(),
  title: z.string(),
  owner: personSchema.nullable(),
  status: z.enum(TASK_STATUSES),
  due: calendarDateSchema.nullable(),
  /** Id of a service in the workspace's 8+1 list. */
  serviceId: entityIdSchema.nullable(),
  notes: z.string(),
  createdAt: instantSchema,
  /** Where the task came from when it was turned from a meeting's action item. */
  source: z.object({ docId: entityIdSchema, actionItemId: entityIdSchema }).nullable(),
});
export type Task = z.infer<typeof taskSchema>;

export const phaseSchema = z.object({
  id: entityIdSchema,
  title: z.string(),
  goals: z.string(),
  start: calendarDateSchema.nullable(),
  end: calendarDateSchema.nullable(),
  /** Tasks of the phase, in display order. */
  tasks: z.array(taskSchema),
});
export type Phase = z.infer<typeof phaseSchema>;

export const planSchema = z.object({
  kind: z.literal('plan'),
  meta: metaSchema,
  title: z.string(),
  village: z.string(),
  periodStart: calendarDateSchema.nullable(),
  periodEnd: calendarDateSchema.nullable(),
  /** Phases in display order. */
  phases: z.array(phaseSchema),
  /** Tasks whose phase was removed (PLAN-4), oldest first. */
  unassigned: z.array(taskSchema),
  /** Plain-text reading of the notes fragment, for search and history. */
  notesText: z.string(),
});
export type PlanData = z.infer<typeof planSchema>;

// ---------------------------------------------------------------------------------------------
// Minutes (会议记录)
// ---------------------------------------------------------------------------------------------

export const attendanceSchema = z.object({
  key: z.string(),
  person: personSchema,
  /** The roster person, when marked from the roster; null for a guest marked by name. */
  rosterId: entityIdSchema.nullable(),
  present: z.boolean(),
  absenceReason: z.enum(ABSENCE_REASONS).nullable(),
  absenceNote: z.string(),
});
export type Attendance = z.infer<typeof attendanceSchema>;

export const agendaItemSchema = z.object({ id: entityIdSchema, title: z.string() });
export type AgendaItem = z.infer<typeof agendaItemSchema>;

export const tallySchema = z.object({
  for: z.number().int().nonnegative(),
  against: z.number().int().nonnegative(),
  abstain: z.number().int().nonnegative(),
});
export type Tally = z.infer<typeof tallySchema>;

export const voteSchema = z.object({
  id: entityIdSchema,
  motion: z.string(),
  agendaItemId: entityIdSchema.nullable(),
  tally: tallySchema,
  /** The result the meeting declared; null until recorded. */
  outcome: z.enum(VOTE_OUTCOMES).nullable(),
});
export type Vote = z.infer<typeof voteSchema>;

export const decisionSchema = z.object({
  id: entityIdSchema,
  text: z.string(),
  voteId: entityIdSchema.nullable(),
  /** The 四议两公开 case this decision belongs to, and which step this meeting performed. */
  caseId: entityIdSchema.nullable(),
  step: z.enum(MEETING_STEPS).nullable(),
});
export type Decision = z.infer<typeof decisionSchema>;

export const actionItemSchema = z.object({
  id: entityIdSchema,
  what: z.string(),
  owner: personSchema.nullable(),
  due: calendarDateSchema.nullable(),
  /** Set once the action item was turned into a plan task. */
  planTask: z.object({ docId: entityIdSchema, taskId: entityIdSchema }).nullable(),
});
export type ActionItem = z.infer<typeof actionItemSchema>;

/** The body a meeting belongs to: derived from its type, with the chosen group for a 党小组会. */
export const bodyRefSchema = z.object({
  body: z.enum(BODIES),
  groupId: entityIdSchema.nullable(),
});
export type MeetingBodyRef = z.infer<typeof bodyRefSchema>;

/**
 * A finalised record's own 应到 (MIN-11): who should have attended, taken from the roster as of
 * the meeting when it was finalised, so later roster edits never rewrite the record.
 */
export const expectedSnapshotSchema = z.object({
  body: z.enum(BODIES),
  groupId: entityIdSchema.nullable(),
  /** The instant the roster was read at (the meeting's start). */
  at: instantSchema,
  members: z.array(
    z.object({ personId: entityIdSchema, name: z.string(), voting: z.boolean() }).strict(),
  ),
});
export type ExpectedSnapshot = z.infer<typeof expectedSnapshotSchema>;

/** The counts of a villagers' assembly (村民会议), typed by the secretary: the roster holds no villagers. */
export const villagerCountsSchema = z.object({
  basis: z.enum(VILLAGER_BASES),
  /** Villagers aged 18 and over, or households. */
  eligible: z.number().int().nonnegative().nullable(),
  /** Of those, how many were present (or represented). */
  present: z.number().int().nonnegative().nullable(),
});
export type VillagerCounts = z.infer<typeof villagerCountsSchema>;

export const minutesSchema = z.object({
  kind: z.literal('minutes'),
  meta: metaSchema,
  title: z.string(),
  meetingType: z.enum(MEETING_TYPES),
  /** The party group a 党小组会 belongs to (a roster group id); null otherwise or not chosen. */
  groupId: entityIdSchema.nullable(),
  /** The body the meeting belongs to, derived from the type (and group); null for other meetings. */
  body: bodyRefSchema.nullable(),
  startsAt: instantSchema.nullable(),
  place: z.string(),
  chair: personSchema.nullable(),
  recorder: personSchema.nullable(),
  /** Who gave the lecture (党课, and any meeting with a lecture). */
  lecturer: attendeeSchema.nullable(),
  /** 村民会议 only: the typed counts. */
  villagers: villagerCountsSchema.nullable(),
  /** Finalised records: the 应到 written when finalising (MIN-11). */
  expected: expectedSnapshotSchema.nullable(),
  attendance: z.array(attendanceSchema),
  agenda: z.array(agendaItemSchema),
  votes: z.array(voteSchema),
  decisions: z.array(decisionSchema),
  actionItems: z.array(actionItemSchema),
  state: z.enum(MINUTES_STATES),
  finalisedAt: instantSchema.nullable(),
  finalisedBy: personSchema.nullable(),
  bodyText: z.string(),
});
export type MinutesData = z.infer<typeof minutesSchema>;

// ---------------------------------------------------------------------------------------------
// Feedback log (民情日志)
// ---------------------------------------------------------------------------------------------

export const transitionSchema = z.object({
  id: entityIdSchema,
  to: z.enum(FEEDBACK_STATUSES),
  at: instantSchema,
  by: personSchema.nullable(),
  note: z.string(),
});
export type Transition = z.infer<typeof transitionSchema>;

export const relaySchema = z.object({
  id: entityIdSchema,
  /** The township office or department it was handed to (交办). */
  to: z.string(),
  at: instantSchema,
  by: personSchema.nullable(),
  note: z.string(),
});
export type Relay = z.infer<typeof relaySchema>;

export const responseSchema = z.object({
  id: entityIdSchema,
  at: instantSchema,
  by: personSchema.nullable(),
  text: z.string(),
});
export type FeedbackResponse = z.infer<typeof responseSchema>;

export const feedbackEntrySchema = z.object({
  id: entityIdSchema,
  receivedAt: instantSchema,
  /** Household or group label ("三组 王家"), optional and minimal: a service log, not a file on persons. */
  source: z.string().nullable(),
  channel: z.enum(FEEDBACK_CHANNELS),
  category: z.enum(FEEDBACK_CATEGORIES),
  summary: z.string(),
  urgency: z.enum(URGENCIES),
  /** Explicit due instant; null means derived from urgency (see ageing.ts). */
  dueAt: instantSchema.nullable(),
  recordedBy: personSchema.nullable(),
  relays: z.array(relaySchema),
  responses: z.array(responseSchema),
  /** Every status change ever made, in the converged order of the doc (FB-2). */
  transitions: z.array(transitionSchema),
  /** Derived from `transitions` (FB-3). */
  status: z.enum(FEEDBACK_STATUSES),
});
export type FeedbackEntry = z.infer<typeof feedbackEntrySchema>;

export const feedbackLogSchema = z.object({
  kind: z.literal('feedback'),
  meta: metaSchema,
  title: z.string(),
  /** Entries, newest received first. */
  entries: z.array(feedbackEntrySchema),
});
export type FeedbackLogData = z.infer<typeof feedbackLogSchema>;

// ---------------------------------------------------------------------------------------------
// Workspace index
// ---------------------------------------------------------------------------------------------

export const indexEntrySchema = z.object({
  id: entityIdSchema,
  kind: z.enum(DOC_KINDS),
  title: z.string(),
  createdAt: instantSchema,
  archived: z.boolean(),
});
export type IndexEntry = z.infer<typeof indexEntrySchema>;

export const serviceSchema = z.object({
  id: entityIdSchema,
  name: z.string().min(1),
  kind: z.enum(SERVICE_KINDS),
  archived: z.boolean(),
});
export type Service = z.infer<typeof serviceSchema>;

export const cadenceRuleSchema = z.object({
  meetingType: z.enum(CADENCE_MEETING_TYPES),
  /** A rule for one party group only (its own rhythm); absent: the rule of every group. */
  groupId: entityIdSchema.optional(),
  period: z.enum(PERIOD_UNITS),
  /** At least this many per period. */
  min: z.number().int().min(1).max(31),
  /** At most this many are expected (more is reported, not an error); null = no upper bound. */
  max: z.number().int().min(1).max(31).nullable(),
});
export type CadenceRule = z.infer<typeof cadenceRuleSchema>;

export const cadenceSettingSchema = z.object({
  preset: z.enum(CADENCE_PRESETS),
  rules: z.array(cadenceRuleSchema),
});
export type CadenceSetting = z.infer<typeof cadenceSettingSchema>;

export const publicationSchema = z.object({
  id: entityIdSchema,
  step: z.enum(PUBLIC_STEPS),
  at: instantSchema,
  /** Where it was posted (村务公开栏, WeChat group…). */
  where: z.string(),
  note: z.string(),
});
export type Publication = z.infer<typeof publicationSchema>;

export const decisionCaseSchema = z.object({
  id: entityIdSchema,
  title: z.string(),
  createdAt: instantSchema,
  publications: z.array(publicationSchema),
});
export type DecisionCase = z.infer<typeof decisionCaseSchema>;

export const indexSchema = z.object({
  kind: z.literal('index'),
  meta: metaSchema,
  name: z.string(),
  /** Documents, oldest first. */
  docs: z.array(indexEntrySchema),
  /** Listed documents of a kind this build does not know (made by a newer version, KIND-1). */
  unknownDocs: z.array(z.object({ id: entityIdSchema, kind: z.string(), title: z.string() })),
  /** The workspace's 8+1 service list, in display order. */
  services: z.array(serviceSchema),
  cadence: cadenceSettingSchema,
  /** 四议两公开 cases (decisions traced across meetings), oldest first. */
  cases: z.array(decisionCaseSchema),
});
export type IndexData = z.infer<typeof indexSchema>;

// ---------------------------------------------------------------------------------------------
// Roster (村组织名册)
// ---------------------------------------------------------------------------------------------

/**
 * A person on the roster: a display name and, when the same person uses the app, their member
 * id. Nothing else about a person exists: no ID number, phone, birth date, ethnicity, religion,
 * health or any other personal detail, and no field may be added for one (ROS-6).
 */
export const rosterPersonSchema = z
  .object({
    id: entityIdSchema,
    name: z.string(),
    memberId: entityIdSchema.nullable(),
  })
  .strict();
export type RosterPerson = z.infer<typeof rosterPersonSchema>;

/** A party group (党小组) of the branch: roster data with a name (a branch may have several). */
export const rosterGroupSchema = z
  .object({
    id: entityIdSchema,
    name: z.string(),
    /** First day the group existed; null: since before the roster was kept. */
    formed: calendarDateSchema.nullable(),
    /** First day it no longer existed; null: still exists. */
    dissolved: calendarDateSchema.nullable(),
  })
  .strict();
export type RosterGroup = z.infer<typeof rosterGroupSchema>;

/** One person's membership of one body (ROS-2, ROS-3). */
export const membershipSchema = z
  .object({
    /** `<body>~<personId>`, or `party-group~<groupId>~<personId>`: one per person and body. */
    key: z.string(),
    personId: entityIdSchema,
    body: z.enum(ROSTER_BODIES),
    /** The party group, for `party-group` memberships; else null. */
    groupId: entityIdSchema.nullable(),
    /** First day as a member (Beijing); null: since before the roster was kept. */
    joined: calendarDateSchema.nullable(),
    /** First day no longer a member; null: still a member. */
    left: calendarDateSchema.nullable(),
    /** Party memberships: 正式 or 预备 (now); null for other bodies. */
    status: z.enum(PARTY_STATUSES).nullable(),
    /** Party memberships: the day the member became 正式 (转正); null when unknown or not yet. */
    fullFrom: calendarDateSchema.nullable(),
    office: z.enum(OFFICES).nullable(),
  })
  .strict();
export type Membership = z.infer<typeof membershipSchema>;

export const rosterSchema = z.object({
  kind: z.literal('roster'),
  meta: metaSchema,
  title: z.string(),
  /** People, by name. */
  people: z.array(rosterPersonSchema),
  /** Party groups, in display order. */
  groups: z.array(rosterGroupSchema),
  /** Memberships, by body, group and person name. */
  memberships: z.array(membershipSchema),
});
export type RosterData = z.infer<typeof rosterSchema>;

// ---------------------------------------------------------------------------------------------
// Every kind's data
// ---------------------------------------------------------------------------------------------

/** The data schema of each kind: a kind without one fails to compile. */
export const DOC_DATA_SCHEMAS = {
  plan: planSchema,
  minutes: minutesSchema,
  feedback: feedbackLogSchema,
  index: indexSchema,
  roster: rosterSchema,
} as const satisfies Record<AnyDocKind, z.ZodType>;

/** Plain data of one kind, as its `read…` returns it. */
export type DocDataOf<K extends AnyDocKind> = z.infer<(typeof DOC_DATA_SCHEMAS)[K]>;
/** Plain data of any kind, tagged by `kind`. */
export type DocData = DocDataOf<AnyDocKind>;

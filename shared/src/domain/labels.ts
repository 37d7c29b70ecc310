/**
 * Chinese (Simplified) and English labels for every enum value, in one place.
 * The client's i18n catalogue covers UI chrome; domain terms come from here so that the app,
 * exports and history descriptions use the same words (the users' own terms, 简体中文).
 */
import type {
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

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

type Label = { 'zh-CN': string; en: string };
type Table<T extends readonly string[]> = { readonly [K in T[number]]: Label };

/** Label tables, one per enum. Keys are exhaustive: adding an enum value without labels fails to compile. */
export const LABELS = {
  docKind: {
    plan: { 'zh-CN': '阶段性工作计划', en: 'Phase plan' },
    minutes: { 'zh-CN': '会议记录', en: 'Meeting minutes' },
    feedback: { 'zh-CN': '民情日志', en: 'Feedback log' },
    roster: { 'zh-CN': '村组织名册', en: 'Roster' },
    index: { 'zh-CN': '工作区目录', en: 'Workspace index' },
  } satisfies Table<typeof ANY_DOC_KINDS>,
  meetingType: {
    'party-group': { 'zh-CN': '党小组会', en: 'Party group meeting' },
    'branch-committee': { 'zh-CN': '支部委员会', en: 'Branch committee meeting' },
    'party-members': { 'zh-CN': '党员大会', en: "Party members' meeting" },
    'party-lecture': { 'zh-CN': '党课', en: 'Party lecture' },
    'theme-party-day': { 'zh-CN': '主题党日', en: 'Themed party day' },
    'organisational-life': { 'zh-CN': '组织生活会', en: 'Organisational life meeting' },
    'member-appraisal': { 'zh-CN': '民主评议党员', en: 'Democratic appraisal of members' },
    'villager-representatives': {
      'zh-CN': '村民代表会议',
      en: "Villagers' representatives meeting",
    },
    villagers: { 'zh-CN': '村民会议', en: "Villagers' assembly" },
    'joint-committees': { 'zh-CN': '村“两委”联席会议', en: 'Joint meeting of the two committees' },
    other: { 'zh-CN': '其他会议', en: 'Other meeting' },
  } satisfies Table<typeof MEETING_TYPES>,
  taskStatus: {
    todo: { 'zh-CN': '未开始', en: 'To do' },
    doing: { 'zh-CN': '进行中', en: 'In progress' },
    blocked: { 'zh-CN': '受阻', en: 'Blocked' },
    done: { 'zh-CN': '已完成', en: 'Done' },
    dropped: { 'zh-CN': '已取消', en: 'Dropped' },
  } satisfies Table<typeof TASK_STATUSES>,
  feedbackCategory: {
    livelihood: { 'zh-CN': '民生', en: 'Livelihood' },
    infrastructure: { 'zh-CN': '基础设施', en: 'Infrastructure' },
    employment: { 'zh-CN': '就业', en: 'Employment' },
    policy: { 'zh-CN': '政策咨询', en: 'Policy question' },
    dispute: { 'zh-CN': '矛盾纠纷', en: 'Dispute' },
    other: { 'zh-CN': '其他', en: 'Other' },
  } satisfies Table<typeof FEEDBACK_CATEGORIES>,
  feedbackChannel: {
    'home-visit': { 'zh-CN': '入户走访', en: 'Home visit' },
    meeting: { 'zh-CN': '会议', en: 'Meeting' },
    phone: { 'zh-CN': '电话', en: 'Phone' },
    'walk-in': { 'zh-CN': '来访', en: 'Walk-in' },
  } satisfies Table<typeof FEEDBACK_CHANNELS>,
  feedbackStatus: {
    received: { 'zh-CN': '已登记', en: 'Received' },
    relayed: { 'zh-CN': '已交办', en: 'Relayed' },
    'in-progress': { 'zh-CN': '办理中', en: 'In progress' },
    resolved: { 'zh-CN': '已办结', en: 'Resolved' },
    'answered-back': { 'zh-CN': '已回访', en: 'Answered back' },
  } satisfies Table<typeof FEEDBACK_STATUSES>,
  urgency: {
    urgent: { 'zh-CN': '紧急', en: 'Urgent' },
    normal: { 'zh-CN': '一般', en: 'Normal' },
    low: { 'zh-CN': '不急', en: 'Low' },
  } satisfies Table<typeof URGENCIES>,
  absenceReason: {
    leave: { 'zh-CN': '请假', en: 'On leave' },
    'on-duty': { 'zh-CN': '因公', en: 'On duty' },
    'working-away': { 'zh-CN': '外出务工', en: 'Away for work' },
    other: { 'zh-CN': '其他', en: 'Other' },
  } satisfies Table<typeof ABSENCE_REASONS>,
  minutesState: {
    draft: { 'zh-CN': '草稿', en: 'Draft' },
    final: { 'zh-CN': '已定稿', en: 'Final' },
  } satisfies Table<typeof MINUTES_STATES>,
  decisionStep: {
    proposal: { 'zh-CN': '提议', en: 'Proposal' },
    deliberation: { 'zh-CN': '商议', en: 'Deliberation' },
    review: { 'zh-CN': '审议', en: 'Review' },
    resolution: { 'zh-CN': '决议', en: 'Resolution' },
    'resolution-public': { 'zh-CN': '决议公开', en: 'Resolution made public' },
    'result-public': { 'zh-CN': '实施结果公开', en: 'Result made public' },
  } satisfies Table<typeof DECISION_STEPS>,
  serviceKind: {
    policy: { 'zh-CN': '惠民政策', en: 'Benefit policy' },
    livelihood: { 'zh-CN': '民生项目', en: 'Livelihood project' },
  } satisfies Table<typeof SERVICE_KINDS>,
  cadencePreset: {
    seed: { 'zh-CN': '每周党小组会和党课', en: 'Weekly group meeting and lecture' },
    national: { 'zh-CN': '常规节奏', en: 'Common national rhythm' },
    custom: { 'zh-CN': '自定义', en: 'Custom' },
  } satisfies Table<typeof CADENCE_PRESETS>,
  periodUnit: {
    week: { 'zh-CN': '每周', en: 'Weekly' },
    month: { 'zh-CN': '每月', en: 'Monthly' },
    quarter: { 'zh-CN': '每季度', en: 'Quarterly' },
    year: { 'zh-CN': '每年', en: 'Yearly' },
  } satisfies Table<typeof PERIOD_UNITS>,
  voteChoice: {
    for: { 'zh-CN': '赞成', en: 'For' },
    against: { 'zh-CN': '反对', en: 'Against' },
    abstain: { 'zh-CN': '弃权', en: 'Abstain' },
  } satisfies Table<typeof VOTE_CHOICES>,
  cadenceState: {
    done: { 'zh-CN': '已完成', en: 'Done' },
    due: { 'zh-CN': '待召开', en: 'Due' },
    overdue: { 'zh-CN': '已逾期', en: 'Overdue' },
    upcoming: { 'zh-CN': '未到期', en: 'Upcoming' },
  } satisfies Table<typeof CADENCE_STATES>,
  body: {
    party: { 'zh-CN': '党员', en: 'Party members' },
    'party-group': { 'zh-CN': '党小组', en: 'Party group' },
    'branch-committee': { 'zh-CN': '支部委员会', en: 'Branch committee' },
    'village-committee': { 'zh-CN': '村民委员会', en: "Villagers' committee" },
    'villager-representatives': { 'zh-CN': '村民代表', en: "Villagers' representatives" },
    'two-committees': { 'zh-CN': '村“两委”', en: 'The two committees' },
    'representatives-meeting': {
      'zh-CN': '村民代表会议组成人员',
      en: "Villagers' representatives meeting",
    },
    villagers: { 'zh-CN': '村民（年满十八周岁）', en: 'Villagers aged 18 and over' },
  } satisfies Table<typeof BODIES>,
  partyStatus: {
    full: { 'zh-CN': '正式党员', en: 'Full member' },
    probationary: { 'zh-CN': '预备党员', en: 'Probationary member' },
  } satisfies Table<typeof PARTY_STATUSES>,
  office: {
    secretary: { 'zh-CN': '书记', en: 'Secretary' },
    'deputy-secretary': { 'zh-CN': '副书记', en: 'Deputy secretary' },
    director: { 'zh-CN': '主任', en: 'Director' },
    'deputy-director': { 'zh-CN': '副主任', en: 'Deputy director' },
    'group-leader': { 'zh-CN': '组长', en: 'Group leader' },
  } satisfies Table<typeof OFFICES>,
  voteOutcome: {
    passed: { 'zh-CN': '通过', en: 'Passed' },
    rejected: { 'zh-CN': '未通过', en: 'Not passed' },
  } satisfies Table<typeof VOTE_OUTCOMES>,
  voteRule: {
    'party-members': {
      'zh-CN': '党员大会：有表决权的党员半数以上到会，赞成票超过应到会有表决权党员的半数',
      en: "Party members' meeting: at least half of the voting members present; passes with more than half of all voting members for",
    },
    'branch-committee': {
      'zh-CN': '支部委员会：半数以上委员到会，赞成票超过委员的半数',
      en: 'Branch committee: at least half of the committee present; passes with more than half of the committee for',
    },
    'villager-representatives': {
      'zh-CN': '村民代表会议：三分之二以上组成人员到会，到会人员过半数同意',
      en: "Villagers' representatives meeting: at least two thirds present; passes with more than half of those present",
    },
    villagers: {
      'zh-CN': '村民会议：过半数的年满十八周岁村民或者三分之二以上户的代表参加，到会人员过半数同意',
      en: "Villagers' assembly: more than half of the villagers aged 18+, or representatives of at least two thirds of households; passes with more than half of those present",
    },
    'simple-majority': {
      'zh-CN': '到会有表决权人员过半数同意',
      en: 'More than half of the voters present',
    },
  } satisfies Table<typeof VOTE_RULES>,
  villagerBasis: {
    adults: { 'zh-CN': '年满十八周岁的村民', en: 'Villagers aged 18 and over' },
    households: { 'zh-CN': '户的代表', en: 'Household representatives' },
  } satisfies Table<typeof VILLAGER_BASES>,
  ageingFlag: {
    'overdue-unresolved': { 'zh-CN': '逾期未办结', en: 'Overdue, not resolved' },
    'not-answered-back': { 'zh-CN': '已办结未回访', en: 'Resolved, not answered back' },
  } satisfies Table<typeof AGEING_FLAGS>,
} as const;

export type EnumName = keyof typeof LABELS;
export type EnumValue<E extends EnumName> = keyof (typeof LABELS)[E] & string;

/** The label of one enum value: `labelOf('meetingType', 'party-lecture', 'zh-CN')` → `党课`. */
export function labelOf<E extends EnumName>(
  enumName: E,
  value: EnumValue<E>,
  locale: Locale,
): string {
  const table = LABELS[enumName] as Record<string, Label>;
  const label = table[value];
  // Unknown values can arrive from a newer schema version: show the raw value instead of nothing.
  return label ? label[locale] : String(value);
}

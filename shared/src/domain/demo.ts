/**
 * The demo village: a realistic workspace in Chinese, built through the model operations and
 * deterministic from a seed (same seed and options → byte-identical docs). Used by the app's
 * "try the demo village", by tests and by benchmarks (`{ docs, entries }` scale it up).
 *
 * DEMO-1 (SPEC.md): the same options give identical Yjs updates for every doc; the workspace has
 * a roster (three party groups, 正式 and 预备 members, 支委, 村委, 30 村民代表), a year's plan with
 * phases and tasks, a year of minutes of every meeting type with attendance from the roster and
 * votes judged by the rules (one without quorum), one 四议两公开 case traced through four meetings
 * and two publications, and a feedback log with entries in every status (some overdue): enough
 * for a year's 台账 and every month's report.
 */
import type * as Y from 'yjs';
import { createDoc, writeParagraphs } from './doc.ts';
import { type ImportedEntry, importEntries, initFeedbackLog } from './feedback.ts';
import { makeIdGenerator } from './ids.ts';
import {
  addDecisionCase,
  addDocEntry,
  initIndex,
  recordPublication,
  setCadence,
} from './index-doc.ts';
import {
  actionItemToTask,
  addActionItem,
  addAgendaItem,
  addDecision,
  finaliseMinutes,
  initMinutes,
  MINUTES_BODY_FIELD,
  markAttendance,
  readMinutes,
  recordVote,
  setMeetingFields,
  setVillagerCounts,
  setVoteOutcome,
} from './minutes.ts';
import { addPhase, addTask, initPlan, PLAN_NOTES_FIELD, setTaskStatus } from './plan.ts';
import { meetingAttendance, meetingBody, voteCheck } from './quorum.ts';
import {
  addGroup,
  addPerson,
  bodyRoster,
  confirmFullMember,
  initRoster,
  joinBody,
  leaveBody,
  ROSTER_DOC_ID,
  readRoster,
} from './roster.ts';
import {
  type AbsenceReason,
  type DocKind,
  FEEDBACK_STATUSES,
  type FeedbackCategory,
  type FeedbackChannel,
  type FeedbackStatus,
  type MeetingStep,
  type MeetingType,
  type MinutesData,
  type Office,
  type Person,
  type RosterData,
  type TaskStatus,
  type Urgency,
} from './schema.ts';
import {
  addDays,
  beijingInstant,
  beijingParts,
  DAY_MS,
  HOUR_MS,
  startOfBeijingDate,
} from './time.ts';

export type DemoOptions = {
  /** PRNG seed; default 20250101. */
  seed?: number;
  /** Number of documents besides the index (1 plan + 1 feedback log + 1 roster + minutes); default: a year of minutes. */
  docs?: number;
  /** Feedback entries; default 40. */
  entries?: number;
  /** First day of the demo (Beijing calendar day); default `2025-01-01`. */
  start?: string;
};

export type DemoDoc = { id: string; kind: DocKind; title: string; doc: Y.Doc };

export type DemoWorkspace = {
  name: string;
  index: Y.Doc;
  /** Every doc listed in the index, in creation order. */
  docs: DemoDoc[];
  /** The demo's "today": 17:00 on the year's last day (start + 364 days); statuses are as of this instant. */
  now: number;
};

/** mulberry32: a small, fast, seedable PRNG (uint32 output). */
function makeRng(seed: number) {
  let a = seed >>> 0;
  const u32 = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const float = () => u32() / 4294967296;
  const int = (min: number, max: number) => min + Math.floor(float() * (max - min + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(float() * xs.length)]!;
  return { u32, float, int, pick };
}

const VILLAGE = '阳光村';

const CADRES = {
  secretary: { name: '王建国', memberId: 'demo-wjg' },
  director: { name: '李秀英', memberId: 'demo-lxy' },
  clerk: { name: '张伟', memberId: 'demo-zw' },
  committee: { name: '阿依古丽', memberId: 'demo-aygl' },
  women: { name: '刘桂兰', memberId: 'demo-lgl' },
} satisfies Record<string, Person>;

const TEAM = {
  leader: { name: '陈明', memberId: 'demo-cm' },
  member1: { name: '刘洋', memberId: 'demo-ly' },
  member2: { name: '买买提·艾力', memberId: 'demo-mmt' },
} satisfies Record<string, Person>;

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗'.split('');
const GIVEN = [
  '建华',
  '秀兰',
  '国强',
  '玉梅',
  '志刚',
  '桂英',
  '德明',
  '春花',
  '海军',
  '丽娟',
  '永福',
  '红霞',
];
const UYGHUR = ['艾克拜尔', '古丽米拉', '阿布都热合曼', '热依拉', '吐尔逊', '帕提古丽'];

const PHASES = [
  {
    title: '第一季度：摸清村情，建强班子',
    goals: '完成入户走访全覆盖\n健全村务监督委员会\n落实三会一课制度',
  },
  {
    title: '第二季度：春耕生产，惠民落地',
    goals: '保障春耕春灌\n8项惠民政策落实到户\n启动村道硬化工程',
  },
  { title: '第三季度：产业增收，就业帮扶', goals: '发展庭院经济\n组织劳务输出\n完成村道硬化' },
  {
    title: '第四季度：总结评议，巩固提升',
    goals: '开展民主评议党员\n公开年度村务财务\n谋划下年工作',
  },
];

const TASKS: readonly (readonly [string, string | null])[] = [
  ['入户走访，建立户情台账', null],
  ['健全村务监督委员会', null],
  ['低保对象动态复核', 'svc-1'],
  ['组织城乡居民医保集中缴费', 'svc-2'],
  ['养老保险政策入户宣传', 'svc-3'],
  ['危房改造对象摸底公示', 'svc-4'],
  ['春季学期教育资助申报', 'svc-5'],
  ['举办电商与烹饪技能培训班', 'svc-6'],
  ['发放耕地地力保护补贴', 'svc-7'],
  ['残疾人两项补贴核对', 'svc-8'],
  ['修缮村文化活动室', 'svc-9'],
  ['维修三组饮水管道', 'svc-9'],
  ['春耕农资集中采购', null],
  ['整治村庄人居环境', 'svc-9'],
  ['组织劳务输出对接会', 'svc-6'],
  ['建立党员联系户制度', null],
];

const AGENDA: Record<MeetingType, readonly string[]> = {
  'party-group': ['学习传达上级会议精神', '交流联系户走访情况', '讨论本组党员承诺事项'],
  'branch-committee': ['研究本月重点工作', '讨论发展党员工作', '审议惠民政策落实情况'],
  'party-members': ['通报支部季度工作', '民主评议党员', '审议村级重大事项'],
  'party-lecture': [
    '专题党课：好人让基层干部当，好事让基层组织办',
    '学习党的群众路线',
    '专题党课：做好新时期群众工作',
  ],
  'theme-party-day': ['重温入党誓词', '开展志愿服务活动', '学习先进典型事迹'],
  'organisational-life': ['开展批评和自我批评', '对照检查查摆问题'],
  'member-appraisal': ['党员个人自评', '党员互评和民主测评'],
  'villager-representatives': ['表决村级重大事项', '通报村务财务公开情况'],
  villagers: ['讨论村规民约修订', '通报年度村务工作'],
  'joint-committees': ['商议村级重大事项方案', '研究民生项目安排'],
  other: ['安排春耕生产', '部署防汛工作'],
};

const MEETING_PLACE: Record<MeetingType, string> = {
  'party-group': '村党员活动室',
  'branch-committee': '村委会议室',
  'party-members': '村委会议室',
  'party-lecture': '新时代文明实践站',
  'theme-party-day': '村党员活动室',
  'organisational-life': '村党员活动室',
  'member-appraisal': '村委会议室',
  'villager-representatives': '村文化活动室',
  villagers: '村文化广场',
  'joint-committees': '村委会议室',
  other: '村委会议室',
};

const FEEDBACK: readonly (readonly [FeedbackCategory, string, string])[] = [
  ['infrastructure', '三组村道路灯不亮，晚上出行不便', '镇规划建设办'],
  ['infrastructure', '五组饮水管道漏水', '镇水管站'],
  ['livelihood', '咨询低保申请条件和材料', '镇民政办'],
  ['livelihood', '家中老人行动不便，希望办理残疾证', '镇残联'],
  ['employment', '想参加电商培训，问什么时候开班', '镇人社所'],
  ['employment', '外出务工工资被拖欠', '县人社局'],
  ['policy', '询问医保缴费标准和截止时间', '镇医保站'],
  ['policy', '耕地地力补贴为什么还没到账', '镇农业服务中心'],
  ['dispute', '邻里因宅基地边界发生争执', '村调解委员会'],
  ['dispute', '灌溉用水分配有矛盾', '镇司法所'],
  ['other', '希望文化室周末开放', '村委会'],
  ['infrastructure', '村小学门口需要减速带', '镇交管站'],
];

const CHANNELS: readonly FeedbackChannel[] = [
  'home-visit',
  'home-visit',
  'meeting',
  'phone',
  'walk-in',
];
const ABSENCE: readonly AbsenceReason[] = [
  'working-away',
  'working-away',
  'leave',
  'leave',
  'on-duty',
];

type Scheduled = {
  type: MeetingType;
  at: number;
  step?: MeetingStep;
  /** The party group (index into the demo's groups) of a 党小组会. */
  group?: number;
  /** A meeting where too few came: its vote fails the quorum (VOTE-3). */
  thin?: boolean;
};

/** A person on the demo roster. */
type DemoPerson = Person & { rosterId: string };

/** Builds the demo village (DEMO-1). */
export function createDemoVillage(options: DemoOptions = {}): DemoWorkspace {
  const rng = makeRng(options.seed ?? 20250101);
  const newId = makeIdGenerator(rng.u32);
  const start = options.start ?? '2025-01-01';
  const t0 = startOfBeijingDate(start);
  // The demo's "today": the afternoon of the year's last day.
  const now = startOfBeijingDate(addDays(start, 364)) + 17 * HOUR_MS;
  let clientCounter = 1 + (rng.u32() % 1000);
  const nextDoc = () => createDoc({ clientID: 1_000_000 + clientCounter++ });
  const at = (day: number, hour: number, minute = 0) =>
    t0 + day * DAY_MS + hour * HOUR_MS + minute * 60_000;
  const day = (offset: number) => addDays(start, offset);

  const uniqueName = (taken: Set<string>, make: () => string) => {
    for (;;) {
      const n = make();
      if (!taken.has(n)) {
        taken.add(n);
        return n;
      }
    }
  };
  const taken = new Set<string>(
    [...Object.values(CADRES), ...Object.values(TEAM)].map((p) => p.name),
  );
  const hanName = () => `${rng.pick(SURNAMES)}${rng.pick(GIVEN)}`;
  const partyNames: Person[] = [CADRES.secretary, CADRES.director, CADRES.clerk, CADRES.committee];
  while (partyNames.length < 24) {
    const uyghur = partyNames.length % 4 === 3;
    partyNames.push({
      name: uniqueName(taken, () =>
        uyghur ? `${rng.pick(UYGHUR)}·${rng.pick(UYGHUR)}` : hanName(),
      ),
    });
  }
  const repNames: Person[] = [];
  while (repNames.length < 31) repNames.push({ name: uniqueName(taken, hanName) });
  const villagerOnCommittee: Person = { name: uniqueName(taken, hanName) };
  const villageOwners = [
    CADRES.secretary,
    CADRES.director,
    CADRES.clerk,
    CADRES.committee,
    CADRES.women,
  ];

  const name = `${VILLAGE}驻村工作队与村“两委”`;
  const index = nextDoc();
  initIndex(index, { name, createdAt: t0 });
  // The common national rhythm: a year of it is a full 台账 without hundreds of records.
  setCadence(index, { preset: 'national' });
  const docs: DemoDoc[] = [];
  const register = (
    kind: DocKind,
    title: string,
    doc: Y.Doc,
    createdAt: number,
    id = newId(),
  ): string => {
    addDocEntry(index, { id, kind, title, createdAt });
    docs.push({ id, kind, title, doc });
    return id;
  };

  // --- The roster ---------------------------------------------------------------------------
  const rosterDoc = nextDoc();
  const rosterTitle = `${VILLAGE}村组织名册`;
  initRoster(rosterDoc, { title: rosterTitle, createdAt: t0 });
  const enrol = (p: Person): DemoPerson => {
    const rosterId = addPerson(rosterDoc, { id: newId(), name: p.name, memberId: p.memberId });
    return { ...p, rosterId };
  };
  const party = partyNames.map(enrol);
  const [secretary, director, clerk, committee] = party as [
    DemoPerson,
    DemoPerson,
    DemoPerson,
    DemoPerson,
  ];
  const women = enrol(CADRES.women);
  const villager = enrol(villagerOnCommittee);
  const reps = repNames.map(enrol);
  const groups = [
    '第一党小组（一组、二组）',
    '第二党小组（三组、四组）',
    '第三党小组（五组、六组）',
  ].map((groupName) => ({
    id: addGroup(rosterDoc, { id: newId(), name: groupName }),
    name: groupName,
  }));
  party.forEach((p, i) => {
    // Two 预备党员: one becomes 正式 in late May, the other stays 预备 all year.
    const probationary = i === 20 || i === 21;
    joinBody(
      rosterDoc,
      p.rosterId,
      { body: 'party' },
      probationary ? { joined: day(-200), status: 'probationary' } : {},
    );
    const group = groups[i % 3]!;
    joinBody(
      rosterDoc,
      p.rosterId,
      { body: 'party-group', groupId: group.id },
      { office: i >= 4 && i <= 6 ? 'group-leader' : null },
    );
  });
  confirmFullMember(rosterDoc, party[20]!.rosterId, day(145));
  // A member moves away in July: not 应到 from then on.
  const movedAway = party[23]!;
  leaveBody(rosterDoc, movedAway.rosterId, { body: 'party' }, day(200));
  leaveBody(
    rosterDoc,
    movedAway.rosterId,
    { body: 'party-group', groupId: groups[23 % 3]!.id },
    day(200),
  );
  const committeeSeats: [DemoPerson, Office | null][] = [
    [secretary, 'secretary'],
    [director, 'deputy-secretary'],
    [clerk, null],
    [committee, null],
    [party[7]!, null],
  ];
  for (const [p, office] of committeeSeats) {
    joinBody(rosterDoc, p.rosterId, { body: 'branch-committee' }, { office });
  }
  const villageSeats: [DemoPerson, Office | null][] = [
    [director, 'director'],
    [women, 'deputy-director'],
    [clerk, null],
    [committee, null],
    [villager, null],
  ];
  for (const [p, office] of villageSeats) {
    joinBody(rosterDoc, p.rosterId, { body: 'village-committee' }, { office });
  }
  // Thirty representatives at any time: one steps down at the end of June, another takes the seat.
  reps.forEach((p, i) => {
    joinBody(
      rosterDoc,
      p.rosterId,
      { body: 'villager-representatives' },
      i === 30 ? { joined: day(181) } : {},
    );
  });
  leaveBody(rosterDoc, reps[29]!.rosterId, { body: 'villager-representatives' }, day(181));
  const roster = readRoster(rosterDoc);
  register('roster', rosterTitle, rosterDoc, t0, ROSTER_DOC_ID);

  // --- The year's plan ---------------------------------------------------------------------
  const plan = nextDoc();
  const planTitle = `${VILLAGE}${beijingParts(t0).year}年阶段性工作计划`;
  initPlan(plan, {
    title: planTitle,
    village: VILLAGE,
    periodStart: start,
    periodEnd: addDays(start, 364),
    createdAt: t0,
  });
  plan.transact(() =>
    writeParagraphs(
      plan.getXmlFragment(PLAN_NOTES_FIELD),
      '本计划由村“两委”牵头制定，驻村工作队协助。\n坚持好人让基层干部当，好事让基层组织办。\n各项任务由村干部负责落实，工作队做好参谋和支持。',
    ),
  );
  const phaseIds: string[] = [];
  let taskCursor = 0;
  PHASES.forEach((p, i) => {
    const phaseStart = addDays(start, i * 91);
    const phaseEnd = addDays(start, i * 91 + 90);
    const phaseId = addPhase(plan, {
      id: newId(),
      title: p.title,
      goals: p.goals,
      start: phaseStart,
      end: phaseEnd,
    });
    phaseIds.push(phaseId);
    const count = rng.int(4, 6);
    for (let k = 0; k < count; k++) {
      const [title, serviceId] = TASKS[taskCursor++ % TASKS.length]!;
      const due = addDays(phaseStart, rng.int(20, 88));
      const dueAt = startOfBeijingDate(due);
      let status: TaskStatus = 'todo';
      if (dueAt < now)
        status = rng.float() < 0.8 ? 'done' : rng.pick(['doing', 'blocked'] as const);
      else if (startOfBeijingDate(phaseStart) < now)
        status = rng.pick(['todo', 'doing', 'doing'] as const);
      const taskId = addTask(plan, {
        id: newId(),
        phaseId,
        title,
        owner: rng.pick(villageOwners),
        due,
        serviceId,
        createdAt: t0 + k,
        notes: k % 3 === 0 ? '工作队协助准备材料，由村干部出面组织。' : '',
      });
      if (status !== 'todo') setTaskStatus(plan, taskId, status);
    }
  });
  const planId = register('plan', planTitle, plan, t0);

  // --- Meetings -----------------------------------------------------------------------------
  const first = beijingParts(t0);
  /** An instant on a day of the `mi`-th month of the demo (Beijing time). */
  const inMonth = (mi: number, dayOfMonth: number, hour: number, minute = 0) =>
    beijingInstant(first.year, first.month + mi, dayOfMonth, hour, minute);
  const schedule = (limit: number | null): Scheduled[] => {
    const out: Scheduled[] = [
      { type: 'branch-committee', at: at(10, 16), step: 'proposal' },
      { type: 'joint-committees', at: at(15, 9, 30), step: 'deliberation' },
      { type: 'party-members', at: at(22, 10), step: 'review' },
      { type: 'villager-representatives', at: at(29, 10), step: 'resolution' },
    ];
    for (let mi = 0; ; mi++) {
      if (limit === null ? mi >= 12 : out.length >= limit) break;
      const month = (m: Scheduled) => {
        if (m.at >= t0) out.push(m);
      };
      month({ type: 'branch-committee', at: inMonth(mi, 3, 9, 30) });
      // 主题党日 every month but August: a missed month shows in the 台账.
      if (mi !== 7) month({ type: 'theme-party-day', at: inMonth(mi, 8, 15) });
      for (let g = 0; g < 3; g++) {
        // The third group misses May; the first meets twice in March and December.
        if (g === 2 && mi === 4) continue;
        month({ type: 'party-group', at: inMonth(mi, 10 + g * 3, 20), group: g });
        if (g === 0 && (mi === 2 || mi === 11)) {
          month({ type: 'party-group', at: inMonth(mi, 26, 20), group: g });
        }
      }
      if (rng.float() > 0.1) month({ type: 'party-lecture', at: inMonth(mi, 18, 15) });
      if (mi % 3 === 1) month({ type: 'party-members', at: inMonth(mi, 20, 10) });
      if (mi % 3 === 2) month({ type: 'villager-representatives', at: inMonth(mi, 22, 10) });
      if (mi % 3 === 0) month({ type: 'joint-committees', at: inMonth(mi, 6, 9, 30) });
      if (mi === 5)
        month({ type: 'villager-representatives', at: inMonth(mi, 12, 10), thin: true });
      if (mi === 3) month({ type: 'villagers', at: inMonth(mi, 26, 10) });
      if (mi === 0) month({ type: 'organisational-life', at: inMonth(mi, 27, 9) });
      if (mi === 11) month({ type: 'member-appraisal', at: inMonth(mi, 15, 9) });
      if (mi === 1 || mi === 6) month({ type: 'other', at: inMonth(mi, 12, 9) });
    }
    out.sort((a, b) => a.at - b.at);
    return limit === null ? out : out.slice(0, limit);
  };
  const minutesCount = options.docs === undefined ? null : Math.max(0, options.docs - 3);
  const meetings = schedule(minutesCount);
  const caseId = addDecisionCase(index, {
    id: newId(),
    title: '村道硬化工程（一组至三组）',
    createdAt: at(9, 12),
  });
  const TYPE_NAME: Record<MeetingType, string> = {
    'party-group': '党小组会',
    'branch-committee': '支部委员会',
    'party-members': '党员大会',
    'party-lecture': '党课',
    'theme-party-day': '主题党日',
    'organisational-life': '组织生活会',
    'member-appraisal': '民主评议党员',
    'villager-representatives': '村民代表会议',
    villagers: '村民会议',
    'joint-committees': '村“两委”联席会议',
    other: '村务工作会',
  };
  const STEP_NAME: Record<MeetingStep, string> = {
    proposal: '提议',
    deliberation: '商议',
    review: '审议',
    resolution: '决议',
  };
  const byRosterId = new Map(
    [...party, women, villager, ...reps].map((p) => [p.rosterId, p] as const),
  );
  let resolutionAt: number | null = null;
  let actionCount = 0;
  let lectureCount = 0;
  for (const [n, m] of meetings.entries()) {
    const doc = nextDoc();
    const minutesId = newId();
    const group = m.group === undefined ? null : groups[m.group]!;
    const p = beijingParts(m.at);
    const title = m.step
      ? `${TYPE_NAME[m.type]}：村道硬化工程${STEP_NAME[m.step]}`
      : group
        ? `${group.name.slice(0, 5)}${p.month}月党小组会`
        : `${p.month}月${p.day}日${TYPE_NAME[m.type]}`;
    initMinutes(doc, {
      title,
      meetingType: m.type,
      groupId: group?.id ?? null,
      startsAt: m.at,
      place: MEETING_PLACE[m.type],
      createdAt: m.at,
    });
    const body = meetingBody({ meetingType: m.type, groupId: group?.id ?? null });
    // 应到 from the roster as of the meeting; other meetings list the cadres by name.
    const expected: DemoPerson[] =
      body && body.body !== 'villagers'
        ? bodyRoster(roster, body, m.at).map((x) => byRosterId.get(x.personId)!)
        : m.type === 'villagers'
          ? [secretary, director, clerk, women]
          : [secretary, director, clerk, committee, women];
    const chair =
      m.type === 'villager-representatives' || m.type === 'villagers'
        ? director
        : group
          ? (expected.find((x) =>
              roster.memberships.some(
                (ms) =>
                  ms.office === 'group-leader' &&
                  ms.groupId === group.id &&
                  ms.personId === x.rosterId,
              ),
            ) ?? secretary)
          : secretary;
    let lecturer: DemoPerson | Person | null = null;
    if (m.type === 'party-lecture') {
      lecturer = [secretary, TEAM.leader, director, secretary][lectureCount++ % 4]!;
    }
    setMeetingFields(doc, { chair: personOf(chair), recorder: personOf(clerk), lecturer });
    const keep = new Set<DemoPerson>([chair, clerk]);
    // A thin meeting: eighteen came, too few for its members to decide anything.
    const cameToThin = m.thin
      ? new Set([...keep, ...expected.filter((x) => !keep.has(x)).slice(0, 18 - keep.size)])
      : null;
    const absentChance = m.step ? 0.05 : 0.12;
    let present = 0;
    for (const person of expected) {
      const absent = cameToThin
        ? !cameToThin.has(person)
        : !keep.has(person) && rng.float() < absentChance;
      if (absent) {
        const reason = rng.pick(ABSENCE);
        markAttendance(doc, person, {
          present: false,
          reason,
          note: reason === 'working-away' ? '在外地务工' : '',
        });
      } else {
        markAttendance(doc, person, { present: true });
        present++;
      }
    }
    // The work team sits in on party meetings now and then (列席), as guests by name.
    if (body?.body === 'party' && n % 3 === 0) markAttendance(doc, TEAM.leader, { present: true });
    if (m.type === 'villagers') {
      setVillagerCounts(doc, { basis: 'households', eligible: 312, present: 236 });
    }
    const agenda = AGENDA[m.type];
    const items = [0, 1].map((k) =>
      addAgendaItem(doc, { id: newId(), title: agenda[(n + k) % agenda.length]! }),
    );
    const lines = [
      `时间：${p.month}月${p.day}日 ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}（北京时间）`,
      `主持人：${chair.name}　记录人：${clerk.name}`,
      m.type === 'villagers'
        ? '全村312户，到会户代表236人。'
        : `应到${expected.length}人，实到${present}人。`,
      `${chair.name}传达了上级有关精神，与会人员结合本村实际进行了讨论。`,
      m.type === 'party-lecture'
        ? `${lecturer?.name}同志结合驻村工作讲了专题党课，大家联系实际谈了体会。`
        : m.thin
          ? '到会人数不足组成人员的三分之二，表决事项不能作出决定，改期另行召开。'
          : '会议围绕议程逐项研究，形成以下意见。',
    ];
    doc.transact(() => writeParagraphs(doc.getXmlFragment(MINUTES_BODY_FIELD), lines.join('\n')));
    const votes = m.step
      ? m.step === 'review' || m.step === 'resolution'
      : m.thin ||
        m.type === 'branch-committee' ||
        m.type === 'party-members' ||
        m.type === 'villager-representatives' ||
        m.type === 'villagers';
    let voteId: string | null = null;
    let passed = false;
    if (votes) {
      const voters = m.type === 'villagers' ? 236 : voterCount(readMinutes(doc), roster);
      const motion = m.step ? '同意实施一组至三组村道硬化工程' : `${agenda[n % agenda.length]}`;
      voteId = recordVote(doc, {
        id: newId(),
        motion,
        agendaItemId: items[0]!,
        // Large bodies have a dissenting vote and an abstention; a committee usually agrees.
        tally:
          voters > 10
            ? { for: voters - 2, against: 1, abstain: 1 }
            : { for: voters, against: 0, abstain: 0 },
      });
      const data = readMinutes(doc);
      passed = voteCheck(data, data.votes[0]!, roster).passed;
      setVoteOutcome(doc, voteId, passed ? 'passed' : 'rejected');
    }
    if (m.step) {
      addDecision(doc, {
        id: newId(),
        text: {
          proposal: '党支部提议实施一组至三组村道硬化工程，提交村“两委”商议。',
          deliberation: '村“两委”联席会议商议通过实施方案，提交党员大会审议。',
          review: '党员大会审议通过，提交村民代表会议决议。',
          resolution: '村民代表会议决议通过，决议结果在村务公开栏公示。',
        }[m.step],
        voteId,
        caseId,
        step: m.step,
      });
      if (m.step === 'resolution') resolutionAt = m.at;
    } else if (voteId && passed) {
      addDecision(doc, { id: newId(), text: `同意${agenda[n % agenda.length]}相关安排。`, voteId });
    }
    if (m.type !== 'party-lecture' && !m.thin) {
      const what = rng.pick(TASKS)[0];
      const action = addActionItem(doc, {
        id: newId(),
        what,
        owner: rng.pick(villageOwners),
        due: addDays(start, Math.min(364, Math.floor((m.at - t0) / DAY_MS) + 14)),
      });
      if (actionCount++ % 5 === 0) {
        const phaseIndex = Math.min(3, Math.floor((m.at - t0) / DAY_MS / 91));
        const taskId = actionItemToTask(
          doc,
          action,
          plan,
          {
            minutesDocId: minutesId,
            planDocId: planId,
            phaseId: phaseIds[phaseIndex] ?? null,
          },
          { at: m.at },
        );
        // Most of what a meeting assigned weeks ago has been done since.
        if (m.at < now - 30 * DAY_MS && rng.float() < 0.8) setTaskStatus(plan, taskId, 'done');
      }
    }
    // Minutes of the last week stay drafts: still being written up.
    if (m.at < now - 7 * DAY_MS) {
      finaliseMinutes(doc, CADRES.secretary, { at: m.at + DAY_MS, roster });
    }
    register('minutes', title, doc, m.at, minutesId);
  }
  if (resolutionAt !== null) {
    recordPublication(index, caseId, {
      id: newId(),
      step: 'resolution-public',
      at: resolutionAt + 2 * DAY_MS,
      where: '村务公开栏',
    });
    if (resolutionAt + 60 * DAY_MS < now) {
      recordPublication(index, caseId, {
        id: newId(),
        step: 'result-public',
        at: resolutionAt + 60 * DAY_MS,
        where: '村务公开栏、村民微信群',
      });
    }
  }

  // --- Feedback log -------------------------------------------------------------------------
  const log = nextDoc();
  const logTitle = `${VILLAGE}民情日志`;
  initFeedbackLog(log, { title: logTitle, createdAt: t0 });
  const entryCount = options.entries ?? 40;
  const span = now - t0 - DAY_MS;
  const targets: FeedbackStatus[] = [
    'answered-back',
    'resolved',
    'in-progress',
    'relayed',
    'received',
    'answered-back',
    'answered-back',
    'resolved',
  ];
  const items: ImportedEntry[] = [];
  for (let i = 0; i < entryCount; i++) {
    const [category, summary, department] = FEEDBACK[i % FEEDBACK.length]!;
    const receivedAt = t0 + Math.floor((span * (i + 0.5)) / entryCount) + rng.int(8, 18) * HOUR_MS;
    const urgency: Urgency = rng.float() < 0.15 ? 'urgent' : rng.float() < 0.2 ? 'low' : 'normal';
    const recordedBy = rng.pick([TEAM.member1, TEAM.member2, TEAM.leader, CADRES.clerk]);
    // Older entries are further along; the newest few are still open.
    const age = (now - receivedAt) / DAY_MS;
    // The newest few are still open; of the last two months every stage shows; older entries are
    // mostly closed, with now and then one still open or not yet answered back.
    const target: FeedbackStatus =
      age < 3
        ? rng.pick(['received', 'relayed'] as const)
        : age < 60
          ? targets[i % targets.length]!
          : i % 6 === 0
            ? 'in-progress'
            : i % 6 === 3
              ? 'resolved'
              : 'answered-back';
    const rank = FEEDBACK_STATUSES.indexOf(target);
    let t = receivedAt;
    const step = () => {
      t = Math.max(t, Math.min(now - HOUR_MS, t + rng.int(4, 60) * HOUR_MS));
      return t;
    };
    const item: ImportedEntry = {
      id: newId(),
      receivedAt,
      source: rng.float() < 0.7 ? `${rng.int(1, 6)}组 ${rng.pick(SURNAMES)}家` : null,
      channel: rng.pick(CHANNELS),
      category,
      summary,
      urgency,
      recordedBy,
      relays: [],
      responses: [],
      transitions: [],
    };
    if (rank >= 1) {
      const at = step();
      item.relays!.push({ id: newId(), to: department, at, by: CADRES.director });
      item.transitions!.push({
        id: newId(),
        to: 'relayed',
        at,
        by: CADRES.director,
        note: department,
      });
    }
    if (rank >= 2) {
      const at = step();
      item.responses!.push({
        id: newId(),
        text: `${department}已受理，正在办理。`,
        at,
        by: recordedBy,
      });
      item.transitions!.push({ id: newId(), to: 'in-progress', at, by: recordedBy });
    }
    if (rank >= 3) {
      const at = step();
      item.responses!.push({
        id: newId(),
        text: '问题已解决，群众认可。',
        at,
        by: CADRES.director,
      });
      item.transitions!.push({ id: newId(), to: 'resolved', at, by: CADRES.director });
    }
    if (rank >= 4) {
      item.transitions!.push({
        id: newId(),
        to: 'answered-back',
        at: step(),
        by: recordedBy,
        note: '入户回访，群众表示满意。',
      });
    }
    items.push(item);
  }
  importEntries(log, items);
  register('feedback', logTitle, log, t0);

  return { name, index, docs, now };
}

/** A roster person as a doc names them (the roster id stays in attendance only). */
function personOf(p: Person): Person {
  return p.memberId ? { name: p.name, memberId: p.memberId } : { name: p.name };
}

/** The members entitled to vote who were present, as the rules count them (MIN-10). */
function voterCount(m: MinutesData, roster: RosterData): number {
  return meetingAttendance(m, roster).votersPresent;
}

/**
 * The demo village: a realistic workspace in Chinese, built through the model operations and
 * deterministic from a seed (same seed and options → byte-identical docs). Used by the app's
 * "try the demo village", by tests and by benchmarks (`{ docs, entries }` scale it up).
 *
 * DEMO-1 (SPEC.md): the same options give identical Yjs updates for every doc; the workspace has
 * a year's plan with phases and tasks, three months of minutes of every meeting type with
 * attendance and votes, one 四议两公开 case traced through four meetings and two publications,
 * and a feedback log with entries in every status (some overdue).
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
  recordVote,
  setMeetingFields,
} from './minutes.ts';
import { addPhase, addTask, initPlan, PLAN_NOTES_FIELD, setTaskStatus } from './plan.ts';
import {
  type AbsenceReason,
  type DocKind,
  FEEDBACK_STATUSES,
  type FeedbackCategory,
  type FeedbackChannel,
  type FeedbackStatus,
  type MeetingStep,
  type MeetingType,
  type Person,
  type TaskStatus,
  type Urgency,
} from './schema.ts';
import { addDays, beijingParts, DAY_MS, HOUR_MS, startOfBeijingDate } from './time.ts';

export type DemoOptions = {
  /** PRNG seed; default 20250101. */
  seed?: number;
  /** Number of documents besides the index (1 plan + 1 feedback log + minutes); default: three months of minutes. */
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
  /** The demo's "today": three months after the start; statuses are as of this instant. */
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

type Scheduled = { type: MeetingType; at: number; step?: MeetingStep };

/** Builds the demo village (DEMO-1). */
export function createDemoVillage(options: DemoOptions = {}): DemoWorkspace {
  const rng = makeRng(options.seed ?? 20250101);
  const newId = makeIdGenerator(rng.u32);
  const start = options.start ?? '2025-01-01';
  const t0 = startOfBeijingDate(start);
  const now = startOfBeijingDate(addDays(start, 90)) + 10 * HOUR_MS;
  let clientCounter = 1 + (rng.u32() % 1000);
  const nextDoc = () => createDoc({ clientID: 1_000_000 + clientCounter++ });
  const at = (day: number, hour: number, minute = 0) =>
    t0 + day * DAY_MS + hour * HOUR_MS + minute * 60_000;

  const partyMembers: Person[] = [
    CADRES.secretary,
    CADRES.director,
    CADRES.clerk,
    CADRES.committee,
  ];
  while (partyMembers.length < 24) {
    const name =
      partyMembers.length % 4 === 3
        ? `${rng.pick(UYGHUR)}·${rng.pick(UYGHUR)}`
        : `${rng.pick(SURNAMES)}${rng.pick(GIVEN)}`;
    if (!partyMembers.some((p) => p.name === name)) partyMembers.push({ name });
  }
  const representatives: Person[] = [CADRES.director, CADRES.women];
  while (representatives.length < 30) {
    const name = `${rng.pick(SURNAMES)}${rng.pick(GIVEN)}${representatives.length % 3 === 0 ? '（代表）' : ''}`;
    if (!representatives.some((p) => p.name === name)) representatives.push({ name });
  }
  const committee = [
    CADRES.secretary,
    CADRES.director,
    CADRES.clerk,
    CADRES.committee,
    CADRES.women,
  ];
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
  setCadence(index, { preset: 'seed' });
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
  const schedule = (limit: number | null): Scheduled[] => {
    const out: Scheduled[] = [];
    const horizonDays = 90;
    let lastMonth = -1;
    for (let week = 0; ; week++) {
      const base = week * 7;
      const inHorizon = base < horizonDays;
      if (limit === null && !inHorizon) break;
      if (limit !== null && out.length >= limit) break;
      // Party group meetings: usually one a week, sometimes two, now and then missed (shows overdue).
      const groups = rng.float() < 0.12 ? 0 : rng.float() < 0.3 ? 2 : 1;
      for (let g = 0; g < groups; g++)
        out.push({ type: 'party-group', at: at(base + 1 + g * 2, 20) });
      if (rng.float() > 0.1) out.push({ type: 'party-lecture', at: at(base + 4, 15) });
      const month = beijingParts(at(base + 2, 9)).month;
      if (month !== lastMonth) {
        out.push({ type: 'branch-committee', at: at(base + 2, 9, 30) });
        out.push({ type: 'theme-party-day', at: at(base + 3, 15) });
      }
      lastMonth = month;
      if (week % 13 === 10) out.push({ type: 'party-members', at: at(base + 3, 10) });
      if (week === 5) out.push({ type: 'other', at: at(base + 5, 9) });
      if (week === 8) out.push({ type: 'organisational-life', at: at(base + 4, 9) });
      if (week === 9) out.push({ type: 'member-appraisal', at: at(base + 4, 9) });
      if (week === 7) out.push({ type: 'villagers', at: at(base + 5, 10) });
    }
    out.push({ type: 'branch-committee', at: at(10, 16), step: 'proposal' });
    out.push({ type: 'joint-committees', at: at(15, 9, 30), step: 'deliberation' });
    out.push({ type: 'party-members', at: at(22, 10), step: 'review' });
    out.push({ type: 'villager-representatives', at: at(29, 10), step: 'resolution' });
    out.sort((a, b) => a.at - b.at);
    return limit === null ? out : out.slice(0, limit);
  };
  const minutesCount = options.docs === undefined ? null : Math.max(0, options.docs - 2);
  const meetings = schedule(minutesCount);
  const caseId = addDecisionCase(index, {
    id: newId(),
    title: '村道硬化工程（一组至三组）',
    createdAt: at(9, 12),
  });
  let resolutionAt: number | null = null;
  let actionCount = 0;
  for (const [n, m] of meetings.entries()) {
    const doc = nextDoc();
    const minutesId = newId();
    const typeName = {
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
    }[m.type];
    const p = beijingParts(m.at);
    const title = m.step
      ? `${typeName}：村道硬化工程${{ proposal: '提议', deliberation: '商议', review: '审议', resolution: '决议' }[m.step]}`
      : `${p.month}月${p.day}日${typeName}`;
    initMinutes(doc, {
      title,
      meetingType: m.type,
      startsAt: m.at,
      place: MEETING_PLACE[m.type],
      createdAt: m.at,
    });
    const chair = m.type === 'villager-representatives' ? CADRES.director : CADRES.secretary;
    setMeetingFields(doc, { chair, recorder: CADRES.clerk });
    const roster =
      m.type === 'villager-representatives'
        ? representatives
        : m.type === 'branch-committee' || m.type === 'joint-committees' || m.type === 'other'
          ? committee
          : m.type === 'party-group'
            ? partyMembers.slice((n % 3) * 8, (n % 3) * 8 + 8)
            : partyMembers;
    let present = 0;
    for (const person of roster) {
      if (rng.float() < 0.12 && person !== chair && person !== CADRES.clerk) {
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
    const agenda = AGENDA[m.type];
    const items = [0, 1].map((k) =>
      addAgendaItem(doc, { id: newId(), title: agenda[(n + k) % agenda.length]! }),
    );
    const body = [
      `时间：${p.month}月${p.day}日 ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}（北京时间）`,
      `主持人：${chair.name}　记录人：${CADRES.clerk.name}`,
      `应到${roster.length}人，实到${present}人。`,
      `${chair.name}传达了上级有关精神，与会人员结合本村实际进行了讨论。`,
      m.type === 'party-lecture'
        ? `${TEAM.leader.name}同志结合驻村工作讲了专题党课，大家联系实际谈了体会。`
        : '会议围绕议程逐项研究，形成以下意见。',
    ].join('\n');
    doc.transact(() => writeParagraphs(doc.getXmlFragment(MINUTES_BODY_FIELD), body));
    if (m.step) {
      const voted = m.step === 'review' || m.step === 'resolution';
      const voteId = voted
        ? recordVote(doc, {
            id: newId(),
            motion: '同意实施一组至三组村道硬化工程',
            agendaItemId: items[0]!,
            tally: { for: present - 2, against: 1, abstain: 1 },
          })
        : null;
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
    } else if (
      m.type === 'branch-committee' ||
      m.type === 'party-members' ||
      m.type === 'villager-representatives'
    ) {
      const voteId = recordVote(doc, {
        id: newId(),
        motion: `${agenda[n % agenda.length]}`,
        agendaItemId: items[0]!,
        tally: { for: Math.max(0, present - 1), against: 0, abstain: present > 0 ? 1 : 0 },
      });
      addDecision(doc, { id: newId(), text: `同意${agenda[n % agenda.length]}相关安排。`, voteId });
    }
    if (m.type !== 'party-lecture') {
      const what = rng.pick(TASKS)[0];
      const action = addActionItem(doc, {
        id: newId(),
        what,
        owner: rng.pick(villageOwners),
        due: addDays(start, Math.min(364, Math.floor((m.at - t0) / DAY_MS) + 14)),
      });
      if (actionCount++ % 5 === 0) {
        const phaseIndex = Math.min(3, Math.floor((m.at - t0) / DAY_MS / 91));
        actionItemToTask(
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
      }
    }
    // Minutes of the last week stay drafts: still being written up.
    if (m.at < now - 7 * DAY_MS) finaliseMinutes(doc, CADRES.secretary, { at: m.at + DAY_MS });
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
    const target: FeedbackStatus =
      age < 3 ? rng.pick(['received', 'relayed'] as const) : targets[i % targets.length]!;
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

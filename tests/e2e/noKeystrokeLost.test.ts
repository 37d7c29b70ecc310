import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import {
  addAgendaItem,
  addDecision,
  addEntry,
  addGroup,
  addPerson,
  addPhase,
  addTask,
  beijingInstant,
  createDoc,
  fragmentText,
  initFeedbackLog,
  initMinutes,
  initPlan,
  initRoster,
  MINUTES_BODY_FIELD,
  PLAN_NOTES_FIELD,
  ROSTER_DOC_ID,
  readFeedbackLog,
  readMinutes,
  readPlan,
  readRoster,
  recordVote,
} from '@grassroots/shared';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientDist,
  joinWorkspace,
  openBrowser,
  screenshot,
  shotsDir,
  startRelay,
  switchLanguage,
  waitSaved,
} from './harness.ts';
import { type SeededWorkspace, seedDocs, storedDoc } from './seed.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  if (!existsSync(joinPath(clientDist, 'index.html'))) {
    throw new Error('client/dist is missing: run `corepack pnpm build` before the e2e tests');
  }
  relay = await startRelay();
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

/** A workspace with one doc of each kind, each with something in every list to type into. */
async function seedEveryKind(name: string): Promise<SeededWorkspace> {
  const plan = createDoc();
  initPlan(plan, { title: '计划', village: '幸福村' });
  const phase = addPhase(plan, { title: '阶段' });
  addTask(plan, { phaseId: phase, title: '走访' });
  const minutes = createDoc();
  initMinutes(minutes, {
    title: '党课',
    meetingType: 'party-lecture',
    startsAt: beijingInstant(2025, 4, 10, 9, 30),
  });
  addAgendaItem(minutes, { title: '议程' });
  recordVote(minutes, { motion: '动议', tally: { for: 0, against: 0, abstain: 0 } });
  addDecision(minutes, { text: '决定' });
  const feedback = createDoc();
  initFeedbackLog(feedback, { title: '民情日志' });
  addEntry(feedback, {
    receivedAt: beijingInstant(2025, 4, 1, 10, 0),
    channel: 'home-visit',
    category: 'livelihood',
    summary: '路灯坏了',
  });
  const roster = createDoc();
  initRoster(roster, { title: '名册' });
  addPerson(roster, { name: '王五', id: 'wang5' });
  addGroup(roster, { name: '第一党小组' });
  return seedDocs(relay.server, name, [
    { id: 'plan1', kind: 'plan', doc: plan },
    { id: 'min1', kind: 'minutes', doc: minutes },
    { id: 'fb1', kind: 'feedback', doc: feedback },
    { id: ROSTER_DOC_ID, kind: 'roster', doc: roster },
  ]);
}

/** One field of an editor: where it is, what to type, and how to read it back. */
type Field = {
  name: string;
  at: (page: Page) => Locator;
  text: string;
  /** Shows the field first (opens an entry…), after every reload too. */
  reveal?: (page: Page) => Promise<void>;
  /** Empty the field before typing (a number). */
  isReplaced?: boolean;
  isRich?: boolean;
  /** A select: the option chosen instead of typing. */
  choose?: string;
};

type Screen = { name: string; path: (ws: string) => string; ready: string; fields: Field[] };

const byName = (name: string) => (page: Page) => page.locator(`[name="${name}"]`).first();
const richIn = (panel: string) => (page: Page) => page.locator(`${panel} .ProseMirror`).first();
const openEntry = async (page: Page) => {
  const button = page.locator('.fb-summary .fb-open').first();
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
};
/** Opens the first entry and the form of one of its next steps (FB-12). */
const openStep = (step: string) => async (page: Page) => {
  await openEntry(page);
  const button = page.locator(`.entry-details button[name="step-${step}"]`).first();
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
};

const SCREENS: Screen[] = [
  {
    name: 'plan',
    path: (ws) => `#/w/${ws}/d/plan1`,
    ready: '.plan-editor',
    fields: [
      { name: 'planTitle', at: byName('planTitle'), text: '年度工作' },
      { name: 'village', at: byName('village'), text: '东' },
      { name: 'phaseTitle', at: byName('phaseTitle'), text: '一摸底' },
      { name: 'goals', at: byName('goals'), text: '摸清村情' },
      { name: 'taskTitle', at: byName('taskTitle'), text: '全覆盖' },
      { name: 'owner', at: byName('owner'), text: '李四' },
      { name: 'notes', at: richIn('.notes'), text: '计划备注', isRich: true },
    ],
  },
  {
    name: 'minutes',
    path: (ws) => `#/w/${ws}/d/min1`,
    ready: '.minutes-editor',
    fields: [
      { name: 'minutesTitle', at: byName('minutesTitle'), text: '四月' },
      { name: 'place', at: byName('place'), text: '村委会议室' },
      { name: 'chair', at: byName('chair'), text: '张书记' },
      { name: 'recorder', at: byName('recorder'), text: '王会计' },
      { name: 'lecturer', at: byName('lecturer'), text: '赵主任' },
      { name: 'agendaTitle', at: byName('agendaTitle'), text: '一' },
      { name: 'body', at: richIn('.minutes-editor'), text: '会议正文', isRich: true },
      { name: 'tally-for', at: byName('tally-for'), text: '7', isReplaced: true },
      { name: 'decisionText', at: byName('decisionText'), text: '通过' },
      { name: 'newPerson', at: byName('newPerson'), text: '乡镇干部' },
      { name: 'newMotion', at: byName('newMotion'), text: '修路' },
      { name: 'newDecision', at: byName('newDecision'), text: '同意修路' },
      { name: 'newAction', at: byName('newAction'), text: '联系施工队' },
      { name: 'newActionOwner', at: byName('newActionOwner'), text: '李四' },
    ],
  },
  {
    name: 'feedback',
    path: (ws) => `#/w/${ws}/d/fb1`,
    ready: '.feedback-editor',
    fields: [
      {
        name: 'source',
        at: byName('source'),
        text: '三组王家',
        // The form opens by itself once it holds a draft.
        reveal: async (page) => {
          const open = page.locator('.fb-new-entry');
          if (await open.isVisible()) await open.click();
        },
      },
      { name: 'summary', at: byName('summary'), text: '村东头水渠堵了' },
      {
        name: 'category',
        at: byName('category'),
        text: 'infrastructure',
        choose: 'infrastructure',
      },
      { name: 'relayTo', at: byName('relayTo'), text: '镇水利站', reveal: openStep('relay') },
      {
        name: 'responseText',
        at: byName('responseText'),
        text: '已回访',
        reveal: openStep('respond'),
      },
    ],
  },
  {
    name: 'roster',
    path: (ws) => `#/w/${ws}/roster`,
    ready: '.roster-editor',
    fields: [
      { name: 'rosterTitle', at: byName('rosterTitle'), text: '二〇二五' },
      { name: 'personRename', at: byName('personRename'), text: '一' },
      { name: 'groupRename', at: byName('groupRename'), text: '（东）' },
      { name: 'personName', at: byName('personName'), text: '赵红' },
      { name: 'groupName', at: byName('groupName'), text: '第二党小组' },
      {
        name: 'joinPerson',
        at: (page) => page.locator('.roster-body[data-body="party"] select[name="joinPerson"]'),
        text: 'wang5',
        choose: 'wang5',
      },
    ],
  },
];

async function shownValue(field: Field, page: Page): Promise<string> {
  const el = field.at(page);
  return field.isRich ? ((await el.textContent()) ?? '') : el.inputValue();
}

/**
 * IndexedDB held busy by another tab of the same origin: a read-write transaction on the
 * workspace's log kept alive until released, so the app's own writes queue behind it, as they
 * do behind a slow disk on an old phone. A page closed meanwhile has its queued writes aborted.
 */
type IdbHold = { hold: () => Promise<void>; release: () => Promise<void> };

async function makeIdbHold(context: BrowserContext, workspaceId: string): Promise<IdbHold> {
  const tab = await context.newPage();
  await tab.goto(`${relay.server.url}/healthz`);
  return {
    hold: () =>
      tab.evaluate(async (ws) => {
        const w = window as unknown as { isHeld: boolean; done: Promise<void> };
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open(`grassroots-ws-${ws}`);
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        const tx = db.transaction('docs', 'readwrite');
        const store = tx.objectStore('docs');
        w.isHeld = true;
        const spin = () => {
          if (w.isHeld) store.get('held').onsuccess = spin;
        };
        spin();
        w.done = new Promise<void>((resolve) => {
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
        });
      }, workspaceId),
    release: () =>
      tab.evaluate(() => {
        const w = window as unknown as { isHeld: boolean; done: Promise<void> };
        w.isHeld = false;
        return w.done;
      }),
  };
}

/**
 * Types into the field and reloads at once: no blur, no wait for anything after the last key.
 * Then the field, shown again, holds every character typed. With `idb`, IndexedDB is busy the
 * whole time the field is typed into, so nothing of it is in IndexedDB when the page goes.
 */
async function typeAndReload(
  page: Page,
  screen: Screen,
  field: Field,
  idb?: IdbHold,
): Promise<void> {
  await field.reveal?.(page);
  const el = field.at(page);
  if (field.choose !== undefined) {
    await el.selectOption(field.choose);
    await page.reload({ waitUntil: 'commit' });
    await page.locator(screen.ready).waitFor();
    await field.reveal?.(page);
    await expect.poll(() => field.at(page).inputValue()).toBe(field.choose);
    return;
  }
  await el.click();
  if (field.isReplaced) await page.keyboard.press('Control+A');
  else await page.keyboard.press('Control+End');
  await idb?.hold();
  await el.pressSequentially(field.text);
  await page.reload({ waitUntil: 'commit' });
  await idb?.release();
  await page.locator(screen.ready).waitFor();
  await field.reveal?.(page);
  await expect.poll(() => shownValue(field, page), { timeout: 10_000 }).toContain(field.text);
}

/** Every editor with what was typed (drafts included), whole, at a phone's and a desk's width. */
async function shootScreen(page: Page, name: string): Promise<void> {
  const dir = shotsDir();
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: joinPath(dir, `${name}-${width}.png`), fullPage: true });
  }
}

/** Goes through every field of every editor, reloading after each. */
async function typeEverywhere(
  page: Page,
  workspaceId: string,
  idb?: IdbHold,
  shots?: string,
): Promise<void> {
  for (const screen of SCREENS) {
    await page.goto(`${relay.server.url}/${screen.path(workspaceId)}`);
    await page.locator(screen.ready).waitFor();
    for (const field of screen.fields) {
      try {
        await typeAndReload(page, screen, field, idb);
      } catch (error) {
        throw new Error(`${screen.name} › ${field.name}: ${String(error)}`);
      }
    }
    if (shots) await shootScreen(page, `${shots}-${screen.name}`);
  }
}

/** What the relay stored holds everything typed into the docs (drafts stay on the device). */
async function expectStored(workspaceId: string): Promise<void> {
  const plan = readPlan(await storedDoc(relay.server, workspaceId, 'plan1'));
  expect(plan.title).toBe('计划年度工作');
  expect(plan.village).toBe('幸福村东');
  expect(plan.phases[0]!.title).toBe('阶段一摸底');
  expect(plan.phases[0]!.goals).toBe('摸清村情');
  expect(plan.phases[0]!.tasks[0]!.title).toBe('走访全覆盖');
  expect(plan.phases[0]!.tasks[0]!.owner?.name).toBe('李四');
  const planDoc = await storedDoc(relay.server, workspaceId, 'plan1');
  expect(fragmentText(planDoc.getXmlFragment(PLAN_NOTES_FIELD))).toBe('计划备注');
  const minDoc = await storedDoc(relay.server, workspaceId, 'min1');
  const m = readMinutes(minDoc);
  expect(m.title).toBe('党课四月');
  expect(m.place).toBe('村委会议室');
  expect(m.chair?.name).toBe('张书记');
  expect(m.recorder?.name).toBe('王会计');
  expect(m.lecturer?.name).toBe('赵主任');
  expect(m.agenda[0]!.title).toBe('议程一');
  expect(fragmentText(minDoc.getXmlFragment(MINUTES_BODY_FIELD))).toBe('会议正文');
  expect(m.votes[0]!.tally.for).toBe(7);
  expect(m.decisions[0]!.text).toBe('决定通过');
  const roster = readRoster(await storedDoc(relay.server, workspaceId, ROSTER_DOC_ID));
  expect(roster.title).toBe('名册二〇二五');
  expect(roster.people.map((p) => p.name)).toEqual(['王五一']);
  expect(roster.groups.map((g) => g.name)).toEqual(['第一党小组（东）']);
  // The half-typed forms were kept, not submitted.
  const log = readFeedbackLog(await storedDoc(relay.server, workspaceId, 'fb1'));
  expect(log.entries).toHaveLength(1);
}

async function joinSeeded(name: string, viewport = { width: 1280, height: 900 }) {
  const seeded = await seedEveryKind(name);
  const b = await openBrowser(viewport);
  closers.push(b.close);
  await joinWorkspace(b.page, await seeded.invite('admin'), '李书记');
  await waitSaved(b.page);
  return { ...b, workspaceId: seeded.workspaceId };
}

async function goOffline(page: Page, context: BrowserContext): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
    timeout: 90_000,
  });
  await context.setOffline(true);
}

describe('no keystroke is lost (LOCAL-4, LOCAL-5)', () => {
  it('LOCAL-4 LOCAL-5 online: every field of every editor, reloaded right after typing, keeps every character, and the relay stores it', async () => {
    const { page, workspaceId } = await joinSeeded('键入村');
    await typeEverywhere(page, workspaceId, undefined, 'typed');
    await waitSaved(page);
    await expectStored(workspaceId);
  }, 300_000);

  it('LOCAL-4 LOCAL-5 offline: every field of every editor, typed while IndexedDB is busy and reloaded at once with no relay, keeps every character and syncs later', async () => {
    const { page, context, workspaceId } = await joinSeeded('断网村');
    const idb = await makeIdbHold(context, workspaceId);
    await goOffline(page, context);
    await typeEverywhere(page, workspaceId, idb);
    await context.setOffline(false);
    await page.reload();
    await waitSaved(page);
    await expectStored(workspaceId);
  }, 300_000);

  it('LOCAL-4 a change waiting for IndexedDB is in the journal, and gone from it once written', async () => {
    const { page, workspaceId } = await joinSeeded('日志村');
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/plan1`);
    const title = page.locator('[name="planTitle"]');
    await title.click();
    // IndexedDB commits later, whatever happens: in the same task as the keystroke, only the
    // journal can hold it.
    const journal = await page.evaluate((ws) => {
      const input = document.querySelector<HTMLInputElement>('[name="planTitle"]')!;
      input.value += '甲';
      input.dispatchEvent(new InputEvent('input', { bubbles: true, data: '甲' }));
      const keys = Object.keys(localStorage).filter((k) =>
        k.startsWith(`grassroots-journal:${ws}:`),
      );
      return keys.map((k) => localStorage.getItem(k)!.split(' ')[0]);
    }, workspaceId);
    expect(journal).toEqual(expect.arrayContaining(['plan1']));
    await expect
      .poll(() =>
        page.evaluate(
          (ws) =>
            Object.keys(localStorage).filter((k) => k.startsWith(`grassroots-journal:${ws}:`))
              .length,
          workspaceId,
        ),
      )
      .toBe(0);
  });

  it('LOCAL-5 a field shows its count near the limit and refuses past it visibly; what was kept is saved', async () => {
    const { page, workspaceId } = await joinSeeded('上限村', { width: 360, height: 800 });
    await page.goto(`${relay.server.url}/#/w/${workspaceId}/d/min1`);
    const title = page.locator('[name="minutesTitle"]');
    await title.fill('会'.repeat(185));
    const field = page.locator('label.field', { has: title });
    await expect.poll(() => field.locator('.field-count').textContent()).toBe('185/200');
    await screenshot(page, 'limit-count-360');
    await title.press('End');
    await title.pressSequentially('议'.repeat(20));
    expect(await title.inputValue()).toHaveLength(200);
    await expect.poll(() => field.locator('.field-count').textContent()).toBe('200/200');
    await expect
      .poll(() => field.locator('.field-overflow').textContent())
      .toBe('最多 200 字：多出的 1 字没有输入');
    await screenshot(page, 'limit-full-360');
    await page.reload();
    await title.waitFor();
    expect(await title.inputValue()).toBe(`${'会'.repeat(185)}${'议'.repeat(15)}`);
    await switchLanguage(page, 'en');
    await title.click();
    await title.press('End');
    await title.press('x');
    await expect
      .poll(() => field.locator('.field-overflow').textContent())
      .toBe('At most 200 characters: what did not fit (1) was not entered');
    await screenshot(page, 'limit-full-360-en');
    await waitSaved(page);
    const stored = readMinutes(await storedDoc(relay.server, workspaceId, 'min1'));
    expect(stored.title).toHaveLength(200);
  });
});

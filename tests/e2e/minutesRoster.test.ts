import {
  addGroup,
  addPerson,
  createDoc,
  initRoster,
  joinBody,
  ROSTER_DOC_ID,
  readIndex,
  readMinutes,
  readRoster,
} from '@grassroots/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  joinWorkspace,
  openBrowser,
  screenshot,
  startRelay,
  switchLanguage,
  waitSaved,
} from './harness.ts';
import { seedDocs, storedDoc } from './seed.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  relay = await startRelay();
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

/** A roster of 5 村委 members and 25 村民代表 (the representatives meeting: 30), and a party branch. */
function makeRoster() {
  const doc = createDoc();
  initRoster(doc, { title: '村组织名册' });
  for (let i = 1; i <= 5; i++) {
    const id = addPerson(doc, { name: `村委${String(i).padStart(2, '0')}` });
    joinBody(doc, id, { body: 'village-committee' }, { joined: '2024-01-01' });
  }
  for (let i = 1; i <= 25; i++) {
    const id = addPerson(doc, { name: `代表${String(i).padStart(2, '0')}` });
    joinBody(doc, id, { body: 'villager-representatives' }, { joined: '2024-01-01' });
  }
  const secretary = addPerson(doc, { name: '王书记' });
  joinBody(doc, secretary, { body: 'party' }, { joined: '2010-07-01' });
  joinBody(doc, secretary, { body: 'branch-committee' }, { office: 'secretary' });
  const group = addGroup(doc, { name: '第一党小组' });
  joinBody(doc, secretary, { body: 'party-group', groupId: group }, {});
  return doc;
}

/** Opens the roster screen until its people show: the roster doc is then on the device. */
async function rosterOnDevice(page: Page, workspaceId: string): Promise<void> {
  await page.goto(`${relay.server.url}/#/w/${workspaceId}/roster`);
  await page.locator('.roster-person').first().waitFor();
}

describe('minutes counted against the roster', () => {
  it('takes 应到 from the roster offline, shows the quorum while the vote is typed, and refuses to finalise a passed vote without quorum', async () => {
    const seeded = await seedDocs(relay.server, '代表村', [
      { id: ROSTER_DOC_ID, kind: 'roster', doc: makeRoster() },
    ]);
    const b = await openBrowser();
    closers.push(b.close);
    const { page, context } = b;
    page.on('dialog', (d) => void d.accept());
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    await waitSaved(page);
    const ws = seeded.workspaceId;
    await rosterOnDevice(page, ws);
    await page.goto(`${relay.server.url}/#/w/${ws}/docs`);
    await page.locator('.new-doc button').first().waitFor();

    // No network from here on: the roster is on the device.
    await context.setOffline(true);
    await page.getByRole('button', { name: '新建会议记录' }).click();
    await page.locator('select[name="meetingType"]').selectOption('villager-representatives');
    await page.locator('input[name="startsAt"]').fill('2025-03-20T09:30');
    await page.locator('input[name="startsAt"]').dispatchEvent('change');
    const expected = page.locator('ul[aria-label="应到人员"] > li');
    await expect.poll(() => expected.count()).toBe(30);
    const counts = page.locator('.attendance-counts');
    // Nobody marked yet: absent as the rules count it, and it says none of them was marked.
    expect(await counts.textContent()).toBe(
      '应到 30 人 · 实到 0 人 · 缺席 30 人（其中 30 人未登记）',
    );

    await page.getByRole('button', { name: '其余都记为出席' }).click();
    await expect.poll(() => counts.textContent()).toBe('应到 30 人 · 实到 30 人 · 缺席 0 人');
    for (let i = 1; i <= 12; i++) {
      const name = `代表${String(i).padStart(2, '0')}`;
      await page
        .getByRole('combobox', { name: `${name}的参会状态` })
        .selectOption(i <= 10 ? 'leave' : 'working-away');
    }
    await expect.poll(() => counts.textContent()).toBe('应到 30 人 · 实到 18 人 · 缺席 12 人');
    expect(await page.locator('.absent-line').textContent()).toContain('代表11（外出务工）');
    // Each name carries the 、 after it, so the list wraps after a 、, never before one (a line
    // of the list started with 、 on a phone).
    const items = await page.locator('.absent-line .absent-item').allTextContents();
    expect(items).toHaveLength(12);
    expect(items.slice(0, -1).every((x) => x.endsWith('、'))).toBe(true);
    expect(items.at(-1)!.endsWith('、')).toBe(false);
    expect(
      await page
        .locator('.absent-line')
        .evaluate((el) =>
          [...el.querySelectorAll('.absent-item')].every(
            (item) => item.previousSibling?.textContent !== '、',
          ),
        ),
    ).toBe(true);
    // A guest is added by name and does not count toward 应到.
    await page.locator('input[name="newPerson"]').fill('乡镇干部');
    await page.getByRole('button', { name: '添加列席人员' }).click();
    await page.locator('.attendance-row[data-key="n:乡镇干部"]').waitFor();
    expect(await counts.textContent()).toBe('应到 30 人 · 实到 18 人 · 缺席 12 人');

    // The vote: its quorum and threshold are shown as it is typed.
    await page.getByLabel('表决事项').fill('村道硬化工程');
    await page.getByRole('button', { name: '添加表决' }).click();
    const vote = page.locator('li.vote').first();
    await vote.locator('input[name="tally-for"]').fill('15');
    await vote.locator('input[name="tally-for"]').dispatchEvent('change');
    const quorum = vote.locator('[data-check="quorum"]');
    await expect
      .poll(() => quorum.textContent())
      .toBe('有表决权的应到 30 · 实到 18 · 需 20 人到会 ✗');
    // More votes than voters present: no outcome is read from it (VOTE-6).
    const outcome = vote.locator('[data-outcome]');
    await vote.locator('input[name="tally-for"]').fill('31');
    await vote.locator('input[name="tally-for"]').dispatchEvent('change');
    await expect.poll(() => outcome.textContent()).toBe('票数有误，无法判定是否通过');
    await vote.locator('input[name="tally-for"]').fill('15');
    await vote.locator('input[name="tally-for"]').dispatchEvent('change');
    await expect.poll(() => outcome.textContent()).toBe('按规定：未通过');
    // VOTE-10: no result recorded yet, one tap records the rule's; one the rule does not give is
    // set against it.
    const useRule = vote.locator('button[name="useRuleOutcome"]');
    const mismatch = vote.locator('[data-outcome-mismatch]');
    expect(await useRule.textContent()).toBe('记为“未通过”（按规定核算的结果）');
    await useRule.click();
    await expect
      .poll(() => vote.locator('select[name="voteOutcome"]').inputValue())
      .toBe('rejected');
    expect(await useRule.count()).toBe(0);
    expect(await mismatch.count()).toBe(0);
    await vote.locator('select[name="voteOutcome"]').selectOption('passed');
    await expect
      .poll(() => mismatch.textContent())
      .toBe('会议宣布的结果（通过）与按规定核算的结果（未通过）不同：请核对票数和到会人数。');
    const finalise = page.locator('button[name="finalise"]');
    await expect.poll(() => finalise.isDisabled()).toBe(true);
    const why = page.locator('.finalise-why');
    expect(await why.textContent()).toContain(
      '表决“村道硬化工程”记为通过，但到会人数不足：有表决权的应到 30 人，实到 18 人，需 20 人到会。',
    );
    // The printed record says so too: an inspector reads the paper.
    await page.getByRole('link', { name: '打印' }).click();
    await expect
      .poll(() => page.locator('.minutes-print [data-outcome-mismatch]').textContent())
      .toBe('会议宣布的结果（通过）与按规定核算的结果（未通过）不同：请核对票数和到会人数。');
    await page.goBack();
    await vote.waitFor();
    // The reason is next to the button and read out with it.
    const describedBy = await finalise.getAttribute('aria-describedby');
    expect(await page.locator(`#${describedBy}`).textContent()).toContain('到会人数不足');

    // In English the same figures.
    await switchLanguage(page, 'en');
    await expect
      .poll(() => quorum.textContent())
      .toBe('Entitled to vote: expected 30 · present 18 · 20 needed present ✗');
    await switchLanguage(page, 'zh-CN');

    // Two more came: quorum is met and the record can be finalised, still offline.
    for (const name of ['代表01', '代表02']) {
      await page.getByRole('combobox', { name: `${name}的参会状态` }).selectOption('present');
    }
    await expect
      .poll(() => quorum.textContent())
      .toBe('有表决权的应到 30 · 实到 20 · 需 20 人到会 ✓');
    await expect.poll(() => finalise.isDisabled()).toBe(false);
    // The rule now gives what was declared.
    expect(await mismatch.count()).toBe(0);
    expect(await page.locator('.minutes-editor.is-record').count()).toBe(0);
    await finalise.click();
    await page.locator('.final-notice').waitFor();
    // Finalised, each person's line is folded under one line: the counts and the absent stay
    // in view above it.
    const fold = page.locator('.minutes-editor details.attendance-fold');
    expect(await fold.locator('summary').textContent()).toBe('逐人到会情况（30 人）');
    expect(await fold.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await page.locator('.attendance-row[data-key]').first().isVisible()).toBe(false);
    expect(await counts.textContent()).toBe('应到 30 人 · 实到 20 人 · 缺席 10 人');
    await fold.locator('summary').click();
    await expect.poll(() => fold.locator('.attendance-row[data-present="true"]').count()).toBe(20);
    // It reads as a document, not as a greyed form: the time is text in the app's own form (not
    // the browser's 03/20/2025), and no field draws a box.
    expect(await page.locator('.minutes-editor.is-record').count()).toBe(1);
    expect(await page.locator('.minutes-editor output[name="startsAt"]').textContent()).toBe(
      '2025-03-20 09:30',
    );
    expect(await page.locator('.minutes-editor input[name="startsAt"]').count()).toBe(0);
    const boxes = await page
      .locator('.minutes-editor :is(input[readonly], select:disabled)')
      .evaluateAll((els) =>
        els.map((e) => [getComputedStyle(e).borderTopColor, getComputedStyle(e).backgroundColor]),
      );
    expect(boxes.length).toBeGreaterThan(3);
    for (const box of boxes) expect(box).toEqual(['rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0)']);

    await context.setOffline(false);
    await waitSaved(page);
    const docId = readIndex(await storedDoc(relay.server, ws, 'index')).docs.find(
      (d) => d.kind === 'minutes',
    )!.id;
    const m = readMinutes(await storedDoc(relay.server, ws, docId));
    expect(m.state).toBe('final');
    expect(m.expected?.members).toHaveLength(30);
    expect(m.attendance.filter((a) => a.present && a.rosterId !== null)).toHaveLength(20);
    expect(m.attendance.find((a) => a.key === 'n:乡镇干部')?.present).toBe(true);
    expect(m.votes[0]).toMatchObject({ tally: { for: 15 }, outcome: 'passed' });
  });

  it('offers the new meeting types, the party group from the roster and the 党课 lecturer', async () => {
    const doc = makeRoster();
    const seeded = await seedDocs(relay.server, '党课村', [
      { id: ROSTER_DOC_ID, kind: 'roster', doc },
    ]);
    const b = await openBrowser({ width: 360, height: 800 });
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    await waitSaved(page);
    await rosterOnDevice(page, seeded.workspaceId);
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/docs`);
    await page.getByRole('button', { name: '新建会议记录' }).click();
    const type = page.locator('select[name="meetingType"]');
    // The form renders after the click: read its options once they are there.
    await expect.poll(() => type.locator('option').count(), { timeout: 15_000 }).toBeGreaterThan(4);
    const options = await type.locator('option').allTextContents();
    for (const name of ['主题党日', '组织生活会', '民主评议党员', '村民会议']) {
      expect(options).toContain(name);
    }
    await type.selectOption('party-group');
    // No group chosen yet: the step is choosing one, not filling a roster that is there.
    await expect
      .poll(() => page.locator('.attendance-body').textContent())
      .toBe('应到人员按名册计：党小组 · 请选择党小组');
    expect(await page.locator('.attendance-no-roster').count()).toBe(0);
    const group = page.locator('select[name="meetingGroup"]');
    await group.selectOption({ label: '第一党小组' });
    await expect
      .poll(() => page.locator('.attendance-body').textContent())
      .toBe('应到人员按名册计：党小组 · 第一党小组');
    await type.selectOption('party-lecture');
    const lecturer = page.locator('input[name="lecturer"]');
    await lecturer.fill('王书记');
    await lecturer.dispatchEvent('change');
    await waitSaved(page);
    const docId = readIndex(await storedDoc(relay.server, seeded.workspaceId, 'index')).docs.find(
      (d) => d.kind === 'minutes',
    )!.id;
    const m = readMinutes(await storedDoc(relay.server, seeded.workspaceId, docId));
    const wang = readRoster(doc).people.find((p) => p.name === '王书记')!;
    expect(m.lecturer).toEqual({ name: '王书记', rosterId: wang.id });
    // A 党课 is for the party members: 应到 is the branch's one member.
    await expect
      .poll(() => page.locator('.attendance-counts').textContent())
      .toBe('应到 1 人 · 实到 0 人 · 缺席 1 人（其中 1 人未登记）');
    // A 村民会议 counts from the typed figures.
    await type.selectOption('villagers');
    await page.locator('input[name="villagerEligible"]').fill('400');
    await page.locator('input[name="villagerEligible"]').dispatchEvent('change');
    await page.locator('input[name="villagerPresent"]').fill('230');
    await page.locator('input[name="villagerPresent"]').dispatchEvent('change');
    await expect
      .poll(() => page.locator('.attendance-counts').textContent())
      .toBe('应到 400 人 · 实到 230 人 · 缺席 170 人');
  });

  it('VOTE-7: without a roster, a 党员大会 vote cannot be judged, and one recorded as passed cannot be finalised', async () => {
    const seeded = await seedDocs(relay.server, '无名册村', []);
    const b = await openBrowser({ width: 360, height: 800 });
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    await waitSaved(page);
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/docs`);
    await page.getByRole('button', { name: '新建会议记录' }).click();
    await page.locator('select[name="meetingType"]').selectOption('party-members');
    await page.locator('input[name="startsAt"]').fill('2025-03-20T09:30');
    await page.locator('input[name="startsAt"]').dispatchEvent('change');
    // Only the five who came are typed in: 应到 would be 5, and any quorum met.
    for (let i = 1; i <= 5; i++) {
      await page.locator('input[name="newPerson"]').fill(`党员${i}`);
      await page.getByRole('button', { name: '添加参会人' }).click();
    }
    // Said where the names are typed: the count is of them, and the roster is where to go.
    const noRoster = page.locator('.attendance-no-roster');
    await expect
      .poll(() => noRoster.textContent())
      .toBe(
        '应到人员按名册中的党员计，但名册里还没有登记：下面的人数暂按这里填写的参会人计，表决无法按规定核对。请先在名册中登记。',
      );
    expect(await noRoster.locator('a').getAttribute('href')).toBe(
      `#/w/${seeded.workspaceId}/roster`,
    );
    await page.getByLabel('表决事项').fill('村道硬化工程');
    await page.getByRole('button', { name: '添加表决' }).click();
    const vote = page.locator('li.vote').first();
    await vote.locator('input[name="tally-for"]').fill('3');
    await vote.locator('input[name="tally-for"]').dispatchEvent('change');
    const missing = vote.locator('[data-missing="roster"]');
    await expect
      .poll(() => missing.textContent())
      .toBe('名册中还没有本会的应到人员，无法按规定核对到会人数和表决结果。请先在“名册”中登记。');
    expect(await vote.locator('[data-check="quorum"]').count()).toBe(0);
    // More votes than the five present is said at the vote itself.
    expect(await vote.locator('[data-check="tally"]').count()).toBe(0);
    await vote.locator('input[name="tally-against"]').fill('3');
    await vote.locator('input[name="tally-against"]').dispatchEvent('change');
    await expect
      .poll(() => vote.locator('[data-check="tally"]').textContent())
      .toBe('票数合计超过实到有表决权人数。');
    await vote.locator('input[name="tally-against"]').fill('0');
    await vote.locator('input[name="tally-against"]').dispatchEvent('change');
    await expect.poll(() => vote.locator('[data-check="tally"]').count()).toBe(0);
    await vote.locator('select[name="voteOutcome"]').selectOption('passed');
    const finalise = page.locator('button[name="finalise"]');
    await expect.poll(() => finalise.isDisabled()).toBe(true);
    expect(await page.locator('.finalise-why').textContent()).toContain(
      '表决“村道硬化工程”记为通过，但名册中没有本会的应到人员，无法核对是否达到规定人数。',
    );
    await missing.scrollIntoViewIfNeeded();
    await screenshot(page, 'vote-no-roster-zh-360');
    await switchLanguage(page, 'ug');
    await expect.poll(() => missing.textContent()).toContain('تىزىملىك');
    await missing.scrollIntoViewIfNeeded();
    await screenshot(page, 'vote-no-roster-ug-360');
    await switchLanguage(page, 'zh-CN');
    // On paper the check says what was not done, not what to do in the app.
    await page.getByRole('link', { name: '打印' }).click();
    const printed = page.locator('.minutes-print [data-missing="roster"]');
    await expect
      .poll(() => printed.textContent())
      .toBe('名册中没有本会的应到人员，未按规定核对到会人数和表决结果。');
    await screenshot(page, 'print-vote-no-roster-zh-360');
  });
});

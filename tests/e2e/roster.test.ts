import { ROSTER_DOC_ID, readRoster } from '@grassroots/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkspaceWithInvite,
  joinWorkspace,
  openBrowser,
  startRelay,
  waitSaved,
} from './harness.ts';
import { storedDoc } from './seed.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  relay = await startRelay();
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

describe('the roster screen', () => {
  it('is started and kept offline (people, a party group, memberships with days), syncs, and reads only for a viewer', async () => {
    const { server } = relay;
    const { workspaceId, adminInviteUrl } = await createWorkspaceWithInvite(server, '名册村');
    const a = await openBrowser();
    closers.push(a.close);
    const { page, context } = a;
    await joinWorkspace(page, adminInviteUrl, '李书记');
    await page.locator('.tabs a', { hasText: '名册' }).click();
    await page.getByRole('button', { name: '建立名册' }).click();
    await page.locator('.roster-editor').waitFor();
    await waitSaved(page);

    // Everything below happens with no network: the roster is a doc like the others.
    await context.setOffline(true);
    // The body and day chosen stay for the next person (a batch elected on one day is quick).
    const addPerson = async (name: string, place: string, joined: string) => {
      await page.locator('input[name="personName"]').fill(name);
      await page.locator('select[name="personPlace"]').selectOption(place);
      await page.locator('input[name="personJoined"]').fill(joined);
      await page.getByRole('button', { name: '添加人员' }).click();
      await page.locator(`.roster-person[data-name="${name}"]`).waitFor();
    };
    await page.locator('input[name="groupName"]').fill('第一党小组');
    await page.getByRole('button', { name: '添加党小组' }).click();
    const groupPanel = page.locator('.roster-body[data-body="party-group"]');
    await groupPanel.waitFor();
    await addPerson('李明', 'party:full', '2020-07-01');
    await addPerson('赵红', 'party:probationary', '2025-03-01');
    await addPerson('王五', 'villager-representatives', '2024-01-01');
    // 李明 joins the party group from its own panel.
    await groupPanel.locator('select[name="joinPerson"]').selectOption({ label: '李明' });
    await groupPanel.locator('input[name="joinDay"]').fill('2021-01-01');
    await groupPanel.getByRole('button', { name: '加入' }).click();
    await groupPanel.locator('.roster-member', { hasText: '李明' }).waitFor();
    // A name corrected in place.
    const rename = page.locator('.roster-person[data-name="王五"] input');
    // Saved as typed (LOCAL-5): no blur needed.
    await rename.fill('王五一');
    await page.locator('.roster-person[data-name="王五一"]').waitFor();
    // 王五一 stops being a representative.
    const reps = page.locator('.roster-body[data-body="villager-representatives"]');
    await reps.getByRole('button', { name: '编辑 王五一' }).click();
    await reps.locator('input[name="left"]').fill('2025-06-01');
    await reps.locator('input[name="left"]').dispatchEvent('change');
    await reps.locator('.roster-member[data-current="false"]', { hasText: '王五一' }).waitFor();
    const party = page.locator('.roster-body[data-body="party"]');
    expect(await party.locator('h2').textContent()).toContain('现有 2 人');
    expect(await party.locator('.roster-member', { hasText: '赵红' }).textContent()).toContain(
      '预备党员',
    );
    await page.locator('.sync-badge[data-state="offline"]').waitFor();

    await context.setOffline(false);
    await waitSaved(page);
    const roster = readRoster(await storedDoc(server, workspaceId, ROSTER_DOC_ID));
    expect(roster.people.map((p) => p.name).sort()).toEqual(['李明', '王五一', '赵红']);
    expect(roster.groups.map((g) => g.name)).toEqual(['第一党小组']);
    const li = roster.people.find((p) => p.name === '李明')!.id;
    const zhao = roster.people.find((p) => p.name === '赵红')!.id;
    const wang = roster.people.find((p) => p.name === '王五一')!.id;
    const of = (personId: string) =>
      roster.memberships
        .filter((m) => m.personId === personId)
        .map((m) => ({ body: m.body, joined: m.joined, left: m.left, status: m.status }));
    expect(of(li)).toEqual([
      { body: 'party', joined: '2020-07-01', left: null, status: 'full' },
      { body: 'party-group', joined: '2021-01-01', left: null, status: null },
    ]);
    expect(of(zhao)).toEqual([
      { body: 'party', joined: '2025-03-01', left: null, status: 'probationary' },
    ]);
    expect(of(wang)).toEqual([
      { body: 'villager-representatives', joined: '2024-01-01', left: '2025-06-01', status: null },
    ]);

    // A township reviewer sees the same roster and nothing to change it with.
    const { token } = await server.auth.createInvite(workspaceId, null, { role: 'viewer' });
    const v = await openBrowser({ width: 360, height: 800 });
    closers.push(v.close);
    await joinWorkspace(v.page, `${server.url}/#/join/${token}`, '乡镇审阅');
    await v.page.goto(`${server.url}/#/w/${workspaceId}/roster`);
    await v.page.locator('.roster-member', { hasText: '李明' }).first().waitFor();
    expect(await v.page.locator('.roster-person').count()).toBe(3);
    expect(
      await v.page.locator('.roster-editor input:not([readonly]), .roster-editor select').count(),
    ).toBe(0);
    // Only the jump links above the panels are buttons.
    expect(await v.page.locator('.roster-editor section button').count()).toBe(0);
    expect(await v.page.locator('.roster-jump button').count()).toBeGreaterThan(0);
  });
});

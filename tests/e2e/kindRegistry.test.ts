import {
  addPerson,
  createDoc,
  INDEX_DOCS_ROOT,
  initFeedbackLog,
  initRoster,
  ROSTER_DOC_ID,
} from '@grassroots/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { joinWorkspace, openBrowser, startRelay } from './harness.ts';
import { seedDocs } from './seed.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  relay = await startRelay();
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  await relay?.cleanup();
});

describe('document kinds (KIND-1)', () => {
  it('each listed kind opens in its own editor; a kind from a newer version is said so, never shown as another', async () => {
    const roster = createDoc();
    initRoster(roster, { title: '村组织名册' });
    addPerson(roster, { name: '李明' });
    const log = createDoc();
    initFeedbackLog(log, { title: '民情日志' });
    const seeded = await seedDocs(relay.server, '种类村', [
      { id: ROSTER_DOC_ID, kind: 'roster', doc: roster },
      { id: 'log1', kind: 'feedback', doc: log },
    ]);
    // A doc listed by a newer version of the app, of a kind this build does not know.
    const future = new Y.Doc();
    future.transact(() => {
      const m = new Y.Map<unknown>();
      m.set('kind', 'budget');
      m.set('title', new Y.Text('2026年村级预算'));
      m.set('createdAt', Date.now());
      m.set('archived', false);
      future.getMap(INDEX_DOCS_ROOT).set('budget1', m);
    });
    Y.applyUpdate(future, Y.encodeStateAsUpdate(seeded.index));
    await relay.server.store.appendUpdates([
      {
        room: `${seeded.workspaceId}/index`,
        update: Y.encodeStateAsUpdate(future),
        authorId: 'x',
        at: Date.now(),
      },
    ]);

    const b = await openBrowser();
    closers.push(b.close);
    const { page } = b;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    const ws = seeded.workspaceId;

    // The overview reads every kind through the registry: the roster is not read as a log.
    await page.locator('#dash-meetings').waitFor();
    await page.goto(`${relay.server.url}/#/w/${ws}/docs`);
    const cards = page.locator('.doc-list .card');
    await expect.poll(() => cards.count()).toBe(3);
    expect(await page.locator('.card[data-kind="roster"]').textContent()).toContain('村组织名册');
    expect(await page.locator('.card[data-kind="budget"]').textContent()).toContain(
      '需要更新版本的应用才能打开',
    );
    // "New" exists for the kinds a workspace has many of; the roster has its own screen.
    expect(await page.locator('.new-doc button').allTextContents()).toEqual([
      '新建工作计划',
      '新建会议记录',
      '新建民情日志',
    ]);

    await page.locator('.card[data-kind="budget"] a').click();
    await page.locator('[data-unknown-kind="budget"]').waitFor();
    expect(await page.locator('.editor').count()).toBe(0);

    await page.goto(`${relay.server.url}/#/w/${ws}/d/${ROSTER_DOC_ID}`);
    await page.locator('.roster-editor .roster-person[data-name="李明"]').waitFor();
    await page.goto(`${relay.server.url}/#/w/${ws}/d/log1`);
    await page.locator('.editor').waitFor();
    expect(await page.locator('.roster-editor').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});

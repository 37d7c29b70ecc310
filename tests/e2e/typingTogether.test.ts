import { existsSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientDist,
  createWorkspaceWithInvite,
  joinWorkspace,
  once,
  openBrowser,
  screenshot,
  startRelay,
  waitSaved,
} from './harness.ts';

/**
 * Two members typing into the same field of one minutes record at the same time, key by key at a
 * person's pace (TYPE-1, TYPE-2 in client/src/sync/SPEC.md).
 */

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

const PLACE = '.minutes-editor input[name="place"]';
const BODY = '.minutes-editor .ProseMirror';
/** A heading of the body (level 3, the toolbar's), written by A on a new record. */
const HEADING = `${BODY} h3`;
/** A person's pace: each of the two presses a key every 200 ms, the other half-way between. */
const KEY_GAP_MS = 100;

/** The two members' phones, joined once for every test (each test takes a new record). */
const twoPhones = once(async () => {
  const server = relay.server;
  const { workspaceId, adminInviteUrl } = await createWorkspaceWithInvite(server, '同写村');
  const a = await openBrowser({ width: 360, height: 740 });
  closers.push(a.close);
  await joinWorkspace(a.page, adminInviteUrl, '李书记');
  const b = await openBrowser({ width: 360, height: 740 });
  closers.push(b.close);
  const { token } = await server.auth.createInvite(workspaceId, null, { role: 'editor' });
  await joinWorkspace(b.page, `${server.url}/#/join/${token}`, '王会计');
  return { workspaceId, a: a.page, b: b.page };
});

/** A new minutes record open on both phones, with B seen as present on A's. */
async function bothOnNewMinutes(): Promise<{ a: Page; b: Page }> {
  const { workspaceId, a, b } = await twoPhones();
  await a.goto(`${relay.server.url}/#/w/${workspaceId}/docs`);
  await a.getByRole('button', { name: '新建会议记录' }).click();
  await a.locator(BODY).waitFor();
  await b.goto(a.url());
  await b.locator(BODY).waitFor();
  await a.locator('.presence-person', { hasText: '王会计' }).waitFor();
  return { a, b };
}

/**
 * A and B type their texts key by key, taking turns (A, then B half a beat later): neither waits
 * for the other's key to arrive, as two people typing at once.
 */
async function typeTogether(a: Page, textA: string, b: Page, textB: string): Promise<void> {
  const keysA = [...textA];
  const keysB = [...textB];
  for (let i = 0; i < Math.max(keysA.length, keysB.length); i++) {
    const keyA = keysA[i];
    const keyB = keysB[i];
    if (keyA) await a.keyboard.type(keyA);
    await a.waitForTimeout(KEY_GAP_MS);
    if (keyB) await b.keyboard.type(keyB);
    await b.waitForTimeout(KEY_GAP_MS);
  }
}

/** The place field's text and caret on a phone. */
function placeField(page: Page): Promise<{ value: string; caret: number | null }> {
  return page
    .locator(PLACE)
    .evaluate((el: HTMLInputElement) => ({ value: el.value, caret: el.selectionStart }));
}

/** The part of a Tiptap editor the tests read (the editor sits on its element as `.editor`). */
type EditorElement = HTMLElement & {
  editor: {
    state: {
      doc: {
        content: { size: number };
        textBetween(from: number, to: number, sep: string): string;
      };
      selection: { head: number; $head: { start(): number } };
    };
  };
};

/** The first heading's text and the text in it before the caret, as the editor holds them. */
function headingField(page: Page): Promise<{ value: string; beforeCaret: string }> {
  return page.locator(BODY).evaluate((el) => {
    const { doc, selection } = (el as EditorElement).editor.state;
    const text = doc.textBetween(0, doc.content.size, '\n');
    return {
      value: text.split('\n')[0] ?? '',
      beforeCaret: doc.textBetween(selection.$head.start(), selection.head, '\n'),
    };
  });
}

/** A new record whose body starts with a heading holding `text`, typed by A and seen by B. */
async function bothOnHeading(text: string): Promise<{ a: Page; b: Page }> {
  const { a, b } = await bothOnNewMinutes();
  await a.locator(BODY).click();
  await a.getByRole('button', { name: '标题' }).click();
  await a.keyboard.insertText(text);
  await b.locator(HEADING, { hasText: text }).waitFor();
  await b.locator(HEADING).click();
  return { a, b };
}

describe('TYPE-1, TYPE-2: two members typing in one field at once', () => {
  it('TYPE-1 place field: A types at the end while B types at the start, key by key; both phones end with each one’s text whole and in order', async () => {
    const { a, b } = await bothOnNewMinutes();
    await a.locator(PLACE).fill('村委会议室');
    await expect.poll(async () => (await placeField(b)).value).toBe('村委会议室');
    await a.locator(PLACE).click();
    await a.keyboard.press('End');
    await b.locator(PLACE).click();
    await b.keyboard.press('Home');

    await typeTogether(a, '（二楼）', b, '示范村');

    const expected = '示范村村委会议室（二楼）';
    await expect.poll(async () => (await placeField(a)).value).toBe(expected);
    await expect.poll(async () => (await placeField(b)).value).toBe(expected);
    // Each caret is still right after what its person typed.
    expect((await placeField(a)).caret).toBe(expected.length);
    expect((await placeField(b)).caret).toBe('示范村'.length);
    await waitSaved(a);
    await waitSaved(b);
    await a.locator(PLACE).scrollIntoViewIfNeeded();
    await screenshot(a, 'typing-together-place-a');
    await b.locator(PLACE).scrollIntoViewIfNeeded();
    await screenshot(b, 'typing-together-place-b');
  });

  it('TYPE-2 body heading: A types at its end while B types at its start, key by key; both editors end with each one’s text whole and in order', async () => {
    const { a, b } = await bothOnHeading('村委会议室');
    await a.keyboard.press('End');
    await b.keyboard.press('Home');

    await typeTogether(a, '（二楼）', b, '示范村');

    const expected = '示范村村委会议室（二楼）';
    await expect.poll(async () => (await headingField(a)).value).toBe(expected);
    await expect.poll(async () => (await headingField(b)).value).toBe(expected);
    expect((await headingField(a)).beforeCaret).toBe(expected);
    expect((await headingField(b)).beforeCaret).toBe('示范村');
    await waitSaved(a);
    await waitSaved(b);
  });

  it('TYPE-2 body heading: A and B type at the same spot, key by key; each one’s characters stay together and in order', async () => {
    const { a, b } = await bothOnHeading('会议决定');
    await a.keyboard.press('End');
    await b.keyboard.press('End');

    await typeTogether(a, '【王】', b, '下周开工');

    await expect
      .poll(async () => (await headingField(a)).value === (await headingField(b)).value)
      .toBe(true);
    expect(['会议决定【王】下周开工', '会议决定下周开工【王】']).toContain(
      (await headingField(a)).value,
    );
  });
});

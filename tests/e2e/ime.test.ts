import { existsSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { roomName } from '@grassroots/shared';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientDist,
  createWorkspaceWithInvite,
  joinWorkspace,
  minutesBodyOf,
  once,
  openBrowser,
  readDocLog,
  screenshot,
  startRelay,
  waitSaved,
} from './harness.ts';

/**
 * Chinese typed through an input method (pinyin → candidates → commit) into the minutes body
 * while another member types into the same paragraph (IME-1 in client/src/editors/IME.md).
 * Chromium's DevTools protocol drives the composition as an input method does:
 * `Input.imeSetComposition` for each in-progress state, `Input.insertText` to commit.
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

const BODY = '.minutes-editor .ProseMirror';

/** The part of a Tiptap editor the tests read (the editor sits on its element as `.editor`). */
type EditorElement = HTMLElement & {
  editor: {
    state: {
      doc: {
        content: { size: number };
        textBetween(from: number, to: number, blockSeparator?: string): string;
        descendants(f: (node: { isText: boolean; text?: string }, pos: number) => void): void;
      };
      selection: { head: number; $head: { start(): number } };
    };
    view: { composing: boolean; hasFocus(): boolean };
    chain(): {
      focus(): { setTextSelection(pos: number): { run(): boolean } };
    };
  };
};

type Member = { page: Page; name: string };

type Pair = {
  a: Member;
  b: Member;
  /** A's DevTools session: the input method. */
  ime: CDPSession;
  workspaceId: string;
  docId: string;
};

async function browser() {
  const opened = await openBrowser({ width: 1200, height: 900 });
  closers.push(opened.close);
  return opened;
}

/** The body's text as an editor holds it (paragraphs joined by newlines, no carets drawn). */
function editorText(page: Page): Promise<string> {
  return page
    .locator(BODY)
    .evaluate((el) =>
      (el as EditorElement).editor.state.doc.textBetween(
        0,
        (el as EditorElement).editor.state.doc.content.size,
        '\n',
      ),
    );
}

/** The text of A's paragraph before A's caret. */
function textBeforeCaret(page: Page): Promise<string> {
  return page.locator(BODY).evaluate((el) => {
    const { doc, selection } = (el as EditorElement).editor.state;
    return doc.textBetween(selection.$head.start(), selection.head);
  });
}

/** The body as this page's device stored it: shows what reached the page's Y.Doc. */
async function deviceBody(pair: Pair, page: Page): Promise<string> {
  return minutesBodyOf((await readDocLog(page, pair.workspaceId, pair.docId)).updates);
}

/** The body as the relay stored it. */
async function relayBody(pair: Pair): Promise<string> {
  const rows = await relay.server.store.loadUpdates(roomName(pair.workspaceId, pair.docId));
  return minutesBodyOf(rows.map((row) => row.update));
}

/** The two members' devices, joined once for every test (each test takes a new record). */
const twoDevices = once(async () => {
  const server = relay.server;
  const { workspaceId, adminInviteUrl } = await createWorkspaceWithInvite(server, '输入法村');
  const a = await browser();
  await joinWorkspace(a.page, adminInviteUrl, '李书记');
  const b = await browser();
  const { token } = await server.auth.createInvite(workspaceId, null, { role: 'editor' });
  await joinWorkspace(b.page, `${server.url}/#/join/${token}`, '王会计');
  return { workspaceId, a, b };
});

/**
 * Two members in two browsers on one new minutes record whose body holds `initial`, typed by A;
 * A's caret is then put at the paragraph's start or end.
 */
async function twoMembersOnMinutes(initial: string, caretA: 'start' | 'end'): Promise<Pair> {
  const server = relay.server;
  const { workspaceId, a, b } = await twoDevices();
  await a.page.goto(`${server.url}/#/w/${workspaceId}/docs`);
  await a.page.getByRole('button', { name: '新建会议记录' }).click();
  await a.page.locator(BODY).waitFor();
  const docId = /\/d\/([^/?#]+)/.exec(a.page.url())?.[1];
  if (!docId) throw new Error(`no doc id in ${a.page.url()}`);
  await b.page.goto(a.page.url());
  await b.page.locator(BODY).waitFor();
  await a.page.locator('.presence-person', { hasText: '王会计' }).waitFor();

  await a.page.locator(BODY).click();
  await a.page.keyboard.insertText(initial);
  await b.page.locator(BODY, { hasText: initial }).waitFor();
  await a.page.keyboard.press(caretA === 'start' ? 'Home' : 'End');
  const ime = await a.context.newCDPSession(a.page);
  return {
    a: { page: a.page, name: '李书记' },
    b: { page: b.page, name: '王会计' },
    ime,
    workspaceId,
    docId,
  };
}

/** One in-progress state of A's input method: the pinyin or candidates shown under the caret. */
async function composing(pair: Pair, text: string): Promise<void> {
  await pair.ime.send('Input.imeSetComposition', {
    text,
    selectionStart: text.length,
    selectionEnd: text.length,
  });
  // The composition is live in A's editor (nothing committed yet).
  await expect
    .poll(() =>
      pair.a.page.locator(BODY).evaluate((el) => (el as EditorElement).editor.view.composing),
    )
    .toBe(true);
}

/** A picks the candidate: the input method commits the phrase and the composition ends. */
async function commit(pair: Pair, phrase: string): Promise<void> {
  await pair.ime.send('Input.insertText', { text: phrase });
}

/** Puts B's caret just before or just after the first occurrence of `text` in B's editor. */
async function placeCaretB(pair: Pair, text: string, side: 'before' | 'after'): Promise<void> {
  await pair.b.page.locator(BODY, { hasText: text }).waitFor();
  const placed = await pair.b.page.locator(BODY).evaluate(
    (el, [wanted, where]) => {
      const { editor } = el as EditorElement;
      let found = -1;
      editor.state.doc.descendants((node, pos) => {
        const at = node.isText && found < 0 ? (node.text ?? '').indexOf(wanted) : -1;
        if (at >= 0) found = pos + at + (where === 'after' ? wanted.length : 0);
      });
      return found >= 0 && editor.chain().focus().setTextSelection(found).run() ? found : -1;
    },
    [text, side] as const,
  );
  expect(placed).toBeGreaterThanOrEqual(0);
  // Tiptap focuses the view on the next animation frame: a key pressed before that goes nowhere
  // (B's first letter was lost that way, never reaching any device).
  await expect
    .poll(() =>
      pair.b.page.locator(BODY).evaluate((el) => {
        const { editor } = el as EditorElement;
        return editor.view.hasFocus() ? editor.state.selection.head : -1;
      }),
    )
    .toBe(placed);
}

/** Waits until B's typing has reached A's device (A's Y.Doc holds it) while A still composes. */
async function reachedA(pair: Pair, text: string): Promise<void> {
  await expect.poll(() => deviceBody(pair, pair.a.page), { timeout: 15_000 }).toContain(text);
  expect(
    await pair.a.page.locator(BODY).evaluate((el) => (el as EditorElement).editor.view.composing),
  ).toBe(true);
}

/** Keeps the characters of `text` that are in `alphabet`, in order. */
const only = (text: string, alphabet: string) =>
  [...text].filter((c) => alphabet.includes(c)).join('');

/**
 * Both editors, both devices and the relay converge on one text holding exactly every character
 * each member typed and nothing else (no pinyin left over, no phrase twice); A's in the order
 * typed, B's too unless B put the caret back before earlier text (`isBMovingBack`): then each of
 * B's pieces in its own order.
 */
async function expectMerged(
  pair: Pair,
  typed: { initial: string; a: string[]; b: string[]; isBMovingBack?: boolean },
): Promise<string> {
  const a = typed.a.join('');
  const b = typed.b.join('');
  // The three alphabets are disjoint, so a character tells who typed it.
  for (const c of a) expect(b + typed.initial).not.toContain(c);
  for (const c of b) expect(typed.initial).not.toContain(c);
  // The last phrase reached B and B's last edit is in A's editor: then the editors must agree.
  await pair.b.page.locator(BODY, { hasText: typed.a.at(-1) }).waitFor();
  await pair.a.page.locator(BODY, { hasText: typed.b.at(-1) }).waitFor();
  await expect
    .poll(async () => {
      const texts = [await editorText(pair.a.page), await editorText(pair.b.page)];
      return texts[0] === texts[1] ? 'same' : texts;
    })
    .toBe('same');
  const text = await editorText(pair.a.page);
  expect(await editorText(pair.b.page)).toBe(text);
  expect([...text].length, text).toBe([...a].length + [...b].length + [...typed.initial].length);
  expect(only(text, a), text).toBe(a);
  if (typed.isBMovingBack) for (const piece of typed.b) expect(only(text, piece), text).toBe(piece);
  else expect(only(text, b), text).toBe(b);
  expect(only(text, typed.initial), text).toBe(typed.initial);
  await waitSaved(pair.a.page);
  await waitSaved(pair.b.page);
  await expect.poll(() => relayBody(pair), { timeout: 15_000 }).toBe(text);
  expect(await deviceBody(pair, pair.a.page)).toBe(text);
  expect(await deviceBody(pair, pair.b.page)).toBe(text);
  return text;
}

/** A's caret sits right after A's last committed phrase, with all of A's text before it. */
async function expectCaretAfter(pair: Pair, a: string[]): Promise<void> {
  const before = await textBeforeCaret(pair.a.page);
  expect(before.endsWith(a.at(-1) ?? ''), before).toBe(true);
  expect(only(before, a.join('')), before).toBe(a.join(''));
}

describe('IME-1: Chinese composed through an input method while another member types', () => {
  it('IME-1 B types right before A’s composition and right at A’s caret while A composes: nothing lost or doubled', async () => {
    const pair = await twoMembersOnMinutes('议程：', 'end');
    const initial = '议程：';
    const a: string[] = [];
    const b: string[] = [];

    // 村委会: B types just before the pinyin, then just after it (at A's caret).
    await composing(pair, 'c');
    await composing(pair, 'cu');
    await composing(pair, 'cun');
    await placeCaretB(pair, 'cun', 'before');
    await pair.b.page.keyboard.type('XY');
    b.push('XY');
    await reachedA(pair, 'XY');
    await composing(pair, '村w');
    await placeCaretB(pair, '村w', 'after');
    await pair.b.page.keyboard.insertText('路灯');
    b.push('路灯');
    await reachedA(pair, '路灯');
    await composing(pair, '村委');
    await commit(pair, '村委会');
    a.push('村委会');

    // 开会: B's edit lands right before A's caret while the candidates are shown.
    await composing(pair, 'k');
    await composing(pair, 'kai');
    await composing(pair, '开h');
    await composing(pair, '开会');
    await placeCaretB(pair, '开会', 'before');
    await pair.b.page.keyboard.type('Z');
    b.push('Z');
    await reachedA(pair, 'Z');
    await commit(pair, '开会');
    a.push('开会');

    // 讨论: B keeps typing at the paragraph's end.
    await composing(pair, 't');
    await composing(pair, 'tao');
    await pair.b.page.keyboard.press('End');
    await pair.b.page.keyboard.insertText('修');
    b.push('修');
    await reachedA(pair, '修');
    await composing(pair, '讨l');
    await composing(pair, '讨论');
    await commit(pair, '讨论');
    a.push('讨论');

    // B's "Z" went before text B saw after "路灯", so only each piece of B's keeps its order.
    const text = await expectMerged(pair, { initial, a, b, isBMovingBack: true });
    await expectCaretAfter(pair, a);
    await screenshot(pair.a.page, 'ime-same-place-a');
    await screenshot(pair.b.page, 'ime-same-place-b');
    // Each sees the other's caret with its name, never their own.
    await pair.a.page.locator('.collaboration-carets__label', { hasText: pair.b.name }).waitFor();
    await pair.b.page.locator('.collaboration-carets__label', { hasText: pair.a.name }).waitFor();
    expect(
      await pair.a.page.locator('.collaboration-carets__label', { hasText: pair.a.name }).count(),
    ).toBe(0);
    expect(
      await pair.b.page.locator('.collaboration-carets__label', { hasText: pair.b.name }).count(),
    ).toBe(0);
    expect(text.startsWith(initial)).toBe(true);
  });

  it('IME-1 A looks at the candidates for a while (no input-method event for 6 s) while B types right before the pinyin: nothing lost', async () => {
    const pair = await twoMembersOnMinutes('议程：', 'end');
    const initial = '议程：';
    await composing(pair, 'c');
    await composing(pair, 'cun');
    await placeCaretB(pair, 'cun', 'before');
    // The pause is what is tested: a person reading the candidate list sends no event at all.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    await pair.b.page.keyboard.type('XY');
    await reachedA(pair, 'XY');
    await composing(pair, '村委');
    await commit(pair, '村委会');
    const text = await expectMerged(pair, { initial, a: ['村委会'], b: ['XY'] });
    expect(text).toBe(`${initial}XY村委会`);
    await expectCaretAfter(pair, ['村委会']);
  }, 60_000);

  it('IME-1 A composes at the start of the paragraph while B types at its end', async () => {
    const pair = await twoMembersOnMinutes('议程：', 'start');
    const initial = '议程：';
    const a: string[] = [];
    const b: string[] = [];
    await pair.b.page.locator(BODY).click();
    await pair.b.page.keyboard.press('End');

    await composing(pair, 'c');
    await pair.b.page.keyboard.type('AB');
    b.push('AB');
    await composing(pair, 'cun');
    await reachedA(pair, 'AB');
    await composing(pair, '村w');
    await pair.b.page.keyboard.insertText('路灯');
    b.push('路灯');
    await reachedA(pair, '路灯');
    await composing(pair, '村委');
    await commit(pair, '村委会');
    a.push('村委会');

    await composing(pair, 'tao');
    await pair.b.page.keyboard.type('CD');
    b.push('CD');
    await reachedA(pair, 'CD');
    await composing(pair, '讨论');
    await commit(pair, '讨论');
    a.push('讨论');

    const text = await expectMerged(pair, { initial, a, b });
    expect(text).toBe(`村委会讨论${initial}AB路灯CD`);
    await expectCaretAfter(pair, a);
  });

  it('IME-1 both type without waiting for each other: several phrases composed while B types steadily', async () => {
    const pair = await twoMembersOnMinutes('议程：', 'end');
    const initial = '议程：';
    const phrases: Array<{ steps: string[]; phrase: string }> = [
      { steps: ['c', 'cu', 'cun', '村w', '村委'], phrase: '村委会' },
      { steps: ['k', 'ka', 'kai', '开h', '开会'], phrase: '开会' },
      { steps: ['t', 'ta', 'tao', '讨l', '讨论'], phrase: '讨论' },
      { steps: ['x', 'xi', 'xiu', '修l', '修路'], phrase: '修路' },
    ];
    const bText = 'QRSTUVWXYZ灯光照明';
    await pair.b.page.locator(BODY).click();
    await pair.b.page.keyboard.press('End');
    const aTypes = (async () => {
      for (const { steps, phrase } of phrases) {
        for (const step of steps) {
          await pair.ime.send('Input.imeSetComposition', {
            text: step,
            selectionStart: step.length,
            selectionEnd: step.length,
          });
          // A person's pace between keystrokes (not a wait for anything): B types meanwhile.
          await pair.a.page.waitForTimeout(60);
        }
        await commit(pair, phrase);
      }
    })();
    const bTypes = pair.b.page.keyboard.type(bText, { delay: 90 });
    await Promise.all([aTypes, bTypes]);
    const a = phrases.map((p) => p.phrase);
    await expectMerged(pair, { initial, a, b: [bText] });
    await expectCaretAfter(pair, a);
  });
});

import {
  addEntry,
  addPerson,
  beijingInstant,
  createDoc,
  initFeedbackLog,
  initRoster,
  ROSTER_DOC_ID,
} from '@grassroots/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  joinWorkspace,
  openBrowser,
  screenshot,
  startRelay,
  switchLanguage,
  waitVisible,
} from './harness.ts';
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

/** A village feedback log in Uyghur and Chinese, as the cadres wrote it. */
const ENTRIES = {
  // "The road in front of the school is broken."
  schoolRoad: 'مەكتەپنىڭ ئالدىدىكى يول بۇزۇلۇپ كەتتى',
  // "There is no drinking water in our school" (the stem's last vowel raised: مەكتىپىمىز).
  schoolWater: 'مەكتىپىمىزدە ئىچىدىغان سۇ يوق',
  // "The bridge to the school is dangerous", typed on an Arabic keyboard (ه for ە).
  schoolBridge: 'مهكتهپكه بارىدىغان كۆۋرۈك خەتەرلىك',
  // "The hospital is short of medicine" (دوختۇرخانا + دا → دوختۇرخانىدا).
  hospital: 'دوختۇرخانىدا دورا يېتىشمەيدۇ',
  // "When it rains the street turns to mud."
  rain: 'يامغۇر ياغسا كوچا لاي بولىدۇ',
  lamp: '村口路灯坏了，晚上看不见',
  dibao: '张大爷申请低保，材料已交',
};

/** Roster people, stored in this (unsorted) order. */
const PEOPLE = [
  '王芳',
  '李娜',
  '阿依古丽',
  '张伟',
  'ئىبراھىم',
  'ئېلى',
  'ئۆمەر',
  'ئۇلۇغبەك',
  'گۈلنار',
  'كېرىم',
  'بەختىيار',
  'ھەسەن',
];
/** The Uyghur names in the order of the Uyghur alphabet (ئۇ before ئۆ, ئې before ئى, ك before گ). */
const UYGHUR_IN_ORDER = [
  'ئۇلۇغبەك',
  'ئۆمەر',
  'ئېلى',
  'ئىبراھىم',
  'بەختىيار',
  'كېرىم',
  'گۈلنار',
  'ھەسەن',
];
/** The Chinese names by pinyin (a, li, wang, zhang). */
const CHINESE_IN_ORDER = ['阿依古丽', '李娜', '王芳', '张伟'];

async function seedVillage() {
  const log = createDoc();
  initFeedbackLog(log, { title: 'خەلق ئەھۋالى 民情日志' });
  Object.values(ENTRIES).forEach((summary, i) => {
    addEntry(log, {
      receivedAt: beijingInstant(2025, 3, i + 1, 10, 0),
      channel: 'home-visit',
      category: 'livelihood',
      summary,
    });
  });
  const roster = createDoc();
  initRoster(roster, { title: '名册' });
  for (const name of PEOPLE) addPerson(roster, { name });
  const seeded = await seedDocs(relay.server, 'ئۈرۈمچى كەنتى', [
    { id: 'feedback-1', kind: 'feedback', doc: log },
    { id: ROSTER_DOC_ID, kind: 'roster', doc: roster },
  ]);
  // Members who joined in this order; the list shows them by name.
  for (const name of ['يۈسۈپ', '王芳', 'ئەخمەت', '李娜']) {
    const { token } = await relay.server.auth.createInvite(seeded.workspaceId, null, {
      role: 'editor',
    });
    await relay.server.auth.redeem(token, name);
  }
  return seeded;
}

/** The summaries the feedback log shows now. */
const shownSummaries = (page: Page) =>
  page.locator('.feedback-editor .entry-row .fb-summary .fb-open').allTextContents();

describe('Uyghur text in a Chinese village workspace', () => {
  it('the feedback log finds Uyghur entries by a word or a stem in any spelling, and names are listed in collation order', async () => {
    const seeded = await seedVillage();
    const ws = seeded.workspaceId;
    const b = await openBrowser({ width: 1200, height: 900 });
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, await seeded.invite('admin'), 'ئابدۇللا');

    // --- the feedback log's search -----------------------------------------------------------
    await page.goto(`${relay.server.url}/#/w/${ws}/d/feedback-1`);
    await page.locator('.feedback-editor .entry-row').first().waitFor();
    const search = page.locator('.feedback-editor .filters input[type="search"]');
    const expectShown = async (query: string, expected: string[]) => {
      await search.fill(query);
      await expect
        .poll(async () => (await shownSummaries(page)).sort(), { message: query })
        .toEqual([...expected].sort());
    };
    expect(await shownSummaries(page)).toHaveLength(Object.keys(ENTRIES).length);
    // A Uyghur word finds the entries that hold it: inflected (مەكتەپنىڭ), with its last vowel
    // raised by a suffix (مەكتىپىمىزدە) and typed on an Arabic keyboard (مهكتهپكه); no others.
    await expectShown('مەكتەپ', [ENTRIES.schoolRoad, ENTRIES.schoolWater, ENTRIES.schoolBridge]);
    await screenshot(page, 'uyghur-search-feedback');
    // The stem of an inflected word (بۇزۇلۇپ), typed as its beginning.
    await expectShown('بۇزۇل', [ENTRIES.schoolRoad]);
    await expectShown('دوختۇرخانا', [ENTRIES.hospital]);
    // Every word must match; a word with tatweel is the same word.
    await expectShown('مەكـتەپ يول', [ENTRIES.schoolRoad]);
    await expectShown('يامغۇر', [ENTRIES.rain]);
    // Chinese still matches by substring.
    await expectShown('路灯', [ENTRIES.lamp]);
    await expectShown('دورا 低保', []);
    await expectShown('', Object.values(ENTRIES));

    // --- the documents list finds the log by its entries ------------------------------------
    await page.goto(`${relay.server.url}/#/w/${ws}/docs`);
    await page.locator('.doc-card').first().waitFor();
    await page.locator('.doc-search input[type="search"]').fill('مهكتهپ');
    await expect
      .poll(() =>
        page
          .locator('.doc-card')
          .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-doc-id'))),
      )
      .toEqual(['feedback-1']);
    // It shows the entry the word is in, marked as written (SEARCH-4), right to left in a
    // Chinese page.
    const snippet = page.locator('.doc-card .doc-snippet');
    expect(await snippet.locator('mark').textContent()).toMatch(/^م[ەه]كت[ەىه]پ$/);
    expect(await snippet.locator('bdi').evaluate((el) => getComputedStyle(el).direction)).toBe(
      'rtl',
    );
    await screenshot(page, 'uyghur-search-docs-zh-1200');
    await switchLanguage(page, 'ug');
    await snippet.locator('mark').waitFor();
    await screenshot(page, 'uyghur-search-docs-ug-1200');
    await page.setViewportSize({ width: 360, height: 800 });
    await screenshot(page, 'uyghur-search-docs-ug-360');
    await page.setViewportSize({ width: 1200, height: 900 });
    await switchLanguage(page, 'zh-CN');
    // Opened from there, the log shows the entries the search found, the same words in its box.
    await page.locator('.doc-card[data-doc-id="feedback-1"] .card-link').click();
    // A failure says where the page was and what it showed (once seen in CI, never here).
    await waitVisible(page, '.feedback-editor .entry-row');
    expect(await search.inputValue()).toBe('مهكتهپ');
    await expect
      .poll(async () => (await shownSummaries(page)).sort())
      .toEqual([ENTRIES.schoolRoad, ENTRIES.schoolWater, ENTRIES.schoolBridge].sort());
    // Found by a word of its title (here its id) and a word of one entry: it opens with the entry's word only
    // (no entry holds the title), showing that entry, never an empty log.
    await page.goto(`${relay.server.url}/#/w/${ws}/docs`);
    await page.locator('.doc-search input[type="search"]').fill('feedback 路灯');
    await page.locator('.doc-card[data-doc-id="feedback-1"] .doc-snippet').waitFor();
    await page.locator('.doc-card[data-doc-id="feedback-1"] .card-link').click();
    await expect.poll(() => search.inputValue()).toBe('路灯');
    await expect.poll(() => shownSummaries(page)).toEqual([ENTRIES.lamp]);

    // --- the roster lists people by name: pinyin, then the Uyghur alphabet -------------------
    await page.goto(`${relay.server.url}/#/w/${ws}/roster`);
    const people = page.locator('.roster-person-list .roster-person');
    const peopleShown = () =>
      people.evaluateAll((li) => li.map((x) => x.getAttribute('data-name')));
    await people.first().waitFor();
    await expect.poll(peopleShown).toEqual([...CHINESE_IN_ORDER, ...UYGHUR_IN_ORDER]);
    await screenshot(page, 'uyghur-search-roster-zh');
    // The roster's find box matches Uyghur names too (a Persian-keyboard ی for ى).
    await page.locator('input[name="rosterFind"]').fill('ئیبراھ');
    await expect.poll(peopleShown).toEqual(['ئىبراھىم']);
    await page.locator('input[name="rosterFind"]').fill('');
    // In English, Latin-then-Arabic-then-Han: the Uyghur block comes before the Chinese one,
    // each still in its own order.
    await switchLanguage(page, 'en');
    await expect.poll(peopleShown).toEqual([...UYGHUR_IN_ORDER, ...CHINESE_IN_ORDER]);
    await switchLanguage(page, 'zh-CN');

    // --- the members list -------------------------------------------------------------------
    await page.goto(`${relay.server.url}/#/w/${ws}/members`);
    const members = page.locator(
      '.member-list:not(.removed-members) .member-row .member-who strong',
    );
    await members.first().waitFor();
    await expect
      .poll(() => members.allTextContents())
      .toEqual(['李娜', '王芳', 'ئابدۇللا', 'ئەخمەت', 'يۈسۈپ']);
    await screenshot(page, 'uyghur-search-members');
  });
});

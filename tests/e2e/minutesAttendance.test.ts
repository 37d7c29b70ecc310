import { createDoc, initMinutes, markAttendance, readMinutes } from '@grassroots/shared';
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

const MINUTES_ID = 'minutes-attendance';

/** A draft without a roster: everyone listed is counted, present first (3 present). */
function makeMinutes() {
  const doc = createDoc();
  initMinutes(doc, {
    title: '村民议事会',
    meetingType: 'other',
    startsAt: Date.UTC(2026, 10, 20, 2),
    place: '村委会议室',
  });
  for (const name of ['张建国', '吐尔洪', '李明']) markAttendance(doc, { name }, { present: true });
  return doc;
}

/** Each listed row: the name it shows and the value its select shows. */
function rowsOf(page: Page): Promise<{ name: string; value: string }[]> {
  return page.locator('.minutes-editor .attendance-row').evaluateAll((rows) =>
    rows.map((row) => ({
      name: row.querySelector('.attendance-name bdi')?.textContent ?? '',
      value: row.querySelector('select')?.value ?? '',
    })),
  );
}

describe('attendance of listed people', () => {
  it('each row’s select shows its own person’s mark after a mark re-sorts the list', async () => {
    const seeded = await seedDocs(relay.server, '考勤村', [
      { id: MINUTES_ID, kind: 'minutes', doc: makeMinutes() },
    ]);
    const b = await openBrowser();
    closers.push(b.close);
    const { page } = b;
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    await page.goto(`${relay.server.url}/#/w/${seeded.workspaceId}/d/${MINUTES_ID}`);
    const row = (name: string) =>
      page.locator('.minutes-editor .attendance-row', { hasText: name });
    await row('吐尔洪').locator('select').waitFor();

    // 吐尔洪 is absent: the list puts the present first, so his row's place goes to another.
    await row('吐尔洪').locator('select').selectOption('working-away');
    await page.locator('.absent-line', { hasText: '吐尔洪' }).waitFor();
    const expected = (absent: Record<string, string>) =>
      ['张建国', '吐尔洪', '李明'].map((name) => ({ name, value: absent[name] ?? 'present' }));
    const byName = (rows: { name: string; value: string }[]) =>
      [...rows].sort(
        (a, b) =>
          expected({}).findIndex((x) => x.name === a.name) -
          expected({}).findIndex((x) => x.name === b.name),
      );
    await expect
      .poll(async () => byName(await rowsOf(page)))
      .toEqual(expected({ 吐尔洪: 'working-away' }));
    // Every select also says what it shows (the option the browser draws is the selected one).
    for (const name of ['张建国', '李明']) {
      await expect(row(name).locator('select option:checked').textContent()).resolves.toBe('出席');
    }

    // A further edit: still each person's own mark.
    await row('李明').locator('select').selectOption('leave');
    await expect
      .poll(async () => byName(await rowsOf(page)))
      .toEqual(expected({ 吐尔洪: 'working-away', 李明: 'leave' }));
    await waitSaved(page);
    const stored = readMinutes(await storedDoc(relay.server, seeded.workspaceId, MINUTES_ID));
    expect(
      Object.fromEntries(stored.attendance.map((a) => [a.person.name, a.absenceReason])),
    ).toEqual({ 张建国: null, 吐尔洪: 'working-away', 李明: 'leave' });

    for (const locale of ['zh-CN', 'ug'] as const) {
      await switchLanguage(page, locale);
      for (const width of [360, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await page.locator('.attendance').scrollIntoViewIfNeeded();
        await screenshot(page, `minutes-attendance-${locale}-${width}`);
      }
    }
  });
});

import { readFeedbackLog, translate } from '@grassroots/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditA11y,
  joinWorkspace,
  once,
  openBrowser,
  screenshot,
  startRelay,
  switchLanguage,
  waitSaved,
} from './harness.ts';
import { DRAFT_MINUTES_ID, seedDemoWithDraft } from './seed.ts';

/** Every locale the app ships; each screen is audited in each. */
const LOCALES = ['zh-CN', 'ug', 'en'] as const;

/** A phone and a laptop. */
const WIDTHS = [
  { width: 360, height: 800 },
  { width: 1280, height: 900 },
] as const;

let relay: Awaited<ReturnType<typeof startRelay>>;
let seeded: Awaited<ReturnType<typeof seedDemoWithDraft>>;

beforeAll(async () => {
  relay = await startRelay();
  // A plan, a feedback log, the roster, two finalised minutes and a draft, with history.
  seeded = await seedDemoWithDraft(relay.server, {
    seed: 3,
    start: '2025-01-01',
    docs: 5,
    entries: 12,
  });
});

afterAll(async () => {
  await relay?.cleanup();
});

type Screen = {
  name: string;
  /** Opens the screen from wherever the page is, and waits until its content is drawn. */
  open: (page: Page) => Promise<void>;
};

/** Every screen of the app, opened by its address (the two history views by choosing a version). */
function screens(joinToken: string): Screen[] {
  const { server } = relay;
  const ws = seeded.workspaceId;
  const docOf = (kind: string) => {
    const doc = seeded.demo.docs.find((d) => d.kind === kind);
    if (!doc) throw new Error(`the demo has no ${kind}`);
    return doc.id;
  };
  /** Opens `hash` and waits until each of the `ready` selectors shows. */
  const go = async (page: Page, hash: string, ready: string | string[], isInWorkspace = true) => {
    await page.goto(`${server.url}/${hash}`);
    for (const selector of [ready].flat()) await page.locator(selector).first().waitFor();
    if (isInWorkspace) await waitSaved(page);
  };
  const minutesId = docOf('minutes');
  return [
    { name: 'home', open: (p) => go(p, '#/', '.card-list .card', false) },
    {
      name: 'join',
      open: async (p) => {
        await go(p, `#/join/${joinToken}`, 'input[name="displayName"]', false);
        await p.locator('.join-intro', { hasText: seeded.demo.name }).waitFor();
      },
    },
    { name: 'dashboard', open: (p) => go(p, `#/w/${ws}`, '.grid .panel') },
    { name: 'documents', open: (p) => go(p, `#/w/${ws}/docs`, '.doc-section .card') },
    {
      name: 'plan',
      open: (p) =>
        go(p, `#/w/${ws}/d/${docOf('plan')}`, [
          '.plan-editor .task',
          '.plan-editor .notes .ProseMirror',
        ]),
    },
    {
      name: 'minutes',
      open: (p) =>
        go(p, `#/w/${ws}/d/${DRAFT_MINUTES_ID}`, [
          '.minutes-editor .attendance-row select',
          '.minutes-editor .rich-toolbar',
        ]),
    },
    {
      name: 'minutes-final',
      open: (p) => go(p, `#/w/${ws}/d/${minutesId}`, '.minutes-editor .final-notice'),
    },
    { name: 'feedback', open: (p) => go(p, `#/w/${ws}/d/${docOf('feedback')}`, '.entry-row') },
    { name: 'roster', open: (p) => go(p, `#/w/${ws}/roster`, '.roster-editor') },
    { name: 'history', open: (p) => go(p, `#/w/${ws}/d/${minutesId}/history`, '.history-entry') },
    {
      name: 'version',
      open: async (p) => {
        await go(p, `#/w/${ws}/d/${minutesId}/history`, '.history-entry');
        await p.locator('.history-entry-button').first().click();
        await p.locator('.history-version .ProseMirror').waitFor();
      },
    },
    {
      name: 'compare',
      open: async (p) => {
        await go(p, `#/w/${ws}/d/${minutesId}/history`, '.history-entry');
        await p.locator('.history-entry-button').first().click();
        await p.locator('.history-modes button').nth(1).click();
        await p.locator('.history-compare .history-legend').waitFor();
      },
    },
    { name: 'members', open: (p) => go(p, `#/w/${ws}/members`, '.member-list li') },
    { name: 'meetings-ledger', open: (p) => go(p, `#/w/${ws}/meetings-ledger`, '.totals-table') },
    { name: 'feedback-ledger', open: (p) => go(p, `#/w/${ws}/feedback-ledger`, '.fbl-table') },
    { name: 'report', open: (p) => go(p, `#/w/${ws}/report`, '.report-figure') },
    { name: 'services', open: (p) => go(p, `#/w/${ws}/services`, '.service-row') },
    { name: 'print', open: (p) => go(p, `#/w/${ws}/d/${minutesId}/print`, '.minutes-print') },
    {
      name: 'print-plan',
      open: (p) => go(p, `#/w/${ws}/d/${docOf('plan')}/print`, '.plan-print-overall'),
    },
    {
      name: 'print-slip',
      open: (p) => {
        const log = seeded.demo.docs.find((d) => d.kind === 'feedback')!;
        const entryId = readFeedbackLog(log.doc).entries[0]!.id;
        return go(p, `#/w/${ws}/d/${log.id}/print/${entryId}`, '.feedback-slip .slip-status');
      },
    },
    {
      name: 'print-roster',
      open: (p) => go(p, `#/w/${ws}/d/${docOf('roster')}/print`, '.roster-print-day'),
    },
  ];
}

describe('accessibility of every screen (axe-core: no serious or critical violations; no sideways scrolling)', () => {
  /** One device for both sizes (it turns): joining the year-long demo is the costly part. */
  let closeDevice: (() => Promise<void>) | null = null;
  const openDevice = once(async () => {
    const b = await openBrowser(WIDTHS[0]);
    closeDevice = b.close;
    await joinWorkspace(b.page, await seeded.invite('admin'), '李书记');
    return b;
  });
  afterAll(async () => {
    await closeDevice?.();
  });

  for (const size of WIDTHS) {
    it(`at ${size.width} px, in ${LOCALES.join(' and ')}`, { timeout: 600_000 }, async () => {
      const { page } = await openDevice();
      await page.setViewportSize(size);
      const joinToken = (await seeded.invite('editor')).split('/join/')[1]!;
      const found: string[] = [];
      for (const locale of LOCALES) {
        await page.goto(`${relay.server.url}/#/`);
        await switchLanguage(page, locale);
        for (const screen of screens(joinToken)) {
          await screen.open(page);
          const name = `${screen.name}-${locale}-${size.width}`;
          await screenshot(page, `a11y-${name}`);
          found.push(...(await auditA11y(page, name)));
          // A document's page: one heading of its own, and the tab named by the document in
          // the reader's language (plan and minutes had no heading; the tab always read
          // "Grassroots 村务协作").
          if (['plan', 'minutes', 'minutes-final', 'feedback'].includes(screen.name)) {
            const headings = await page.locator('h1').count();
            if (headings !== 1) found.push(`${name}: ${headings} h1 headings`);
            const tab = await page.title();
            const heading = (await page.locator('h1').first().textContent())?.trim() ?? '';
            if (tab !== `${heading} · ${translate(locale, 'app.name')}`) {
              found.push(`${name}: the tab reads "${tab}" for "${heading}"`);
            }
          }
          // Nothing widens the page sideways (wide tables scroll inside their own region).
          const sideways = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          if (sideways > 0) found.push(`${name}: the page is ${sideways} px wider than the screen`);
        }
      }
      expect(found).toEqual([]);
    });
  }
});

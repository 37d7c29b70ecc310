import { addPhase, addTask, createDoc, initPlan, labelOf, readIndex } from '@grassroots/shared';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinWorkspace, openBrowser, startRelay, switchLanguage, waitSaved } from './harness.ts';
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

/** Each service picker's value, the option it shows and every option it offers. */
const readPickers = (selects: Locator) =>
  selects.evaluateAll((els) =>
    els.map((el) => {
      const s = el as HTMLSelectElement;
      return {
        value: s.value,
        selected: s.selectedOptions[0]?.textContent ?? '',
        offers: [...s.options].map((o) => o.textContent),
      };
    }),
  );

describe('the 8+1 services screen', () => {
  it('lets an admin add, rename and retire services offline; a task linked to a retired one still shows it', async () => {
    const plan = createDoc();
    initPlan(plan, { title: '年度计划' });
    const phase = addPhase(plan, { title: '第一季度' });
    addTask(plan, { phaseId: phase, title: '医保缴费动员', serviceId: 'svc-2' });
    addTask(plan, { phaseId: phase, title: '庭院整治' });
    const seeded = await seedDocs(relay.server, '惠民村', [
      { id: 'plan1', kind: 'plan', doc: plan },
    ]);
    const ws = seeded.workspaceId;

    const a = await openBrowser();
    closers.push(a.close);
    const { page, context } = a;
    await joinWorkspace(page, await seeded.invite('admin'), '李书记');
    await waitSaved(page);
    // The plan is on the device before the network goes.
    await page.goto(`${relay.server.url}/#/w/${ws}/d/plan1`);
    const selects = page.locator('.task select[name="service"]');
    await expect.poll(() => selects.count(), { timeout: 10_000 }).toBe(2);
    await context.setOffline(true);
    await page.locator('.tabs a', { hasText: '8+1服务' }).click();
    const active = page.locator('section[aria-labelledby="svc-active"] .service-row');
    await expect.poll(() => active.count()).toBe(9);

    await page.locator('input[name="newService"]').fill('庭院经济');
    await page.locator('select[name="newServiceKind"]').selectOption('livelihood');
    await page.getByRole('button', { name: '添加服务' }).click();
    await expect.poll(() => active.count()).toBe(10);
    const first = page.locator('.service-row[data-service-id="svc-1"] input');
    await first.fill('低保');
    await first.dispatchEvent('change');
    const svc2 = page.locator('.service-row[data-service-id="svc-2"]');
    expect(await svc2.textContent()).toContain('关联任务 1 项');
    await svc2.getByRole('button', { name: '停用' }).click();
    await page
      .locator('section[aria-labelledby="svc-retired"] .service-row[data-service-id="svc-2"]')
      .waitFor();
    await expect.poll(() => active.count()).toBe(9);

    await page.locator('.tabs a', { hasText: '文档' }).click();
    await page.locator('.card[data-doc-id="plan1"] a').click();
    await expect.poll(() => selects.count()).toBe(2);
    // The linked task shows the retired service; the other task's picker does not offer it.
    const values = await readPickers(selects);
    const withRetired = values.find((v) => v.value === 'svc-2')!;
    expect(withRetired.selected).toBe('城乡居民医疗保险（已停用）');
    const other = values.find((v) => v.value === '')!;
    expect(other.offers).not.toContain('城乡居民医疗保险');
    expect(other.offers).not.toContain('城乡居民医疗保险（已停用）');
    expect(other.offers).toContain('庭院经济');
    expect(other.offers).toContain('低保');

    await context.setOffline(false);
    await waitSaved(page);
    const index = readIndex(await storedDoc(relay.server, ws, 'index'));
    expect(index.services.find((s) => s.id === 'svc-1')?.name).toBe('低保');
    expect(index.services.find((s) => s.id === 'svc-2')?.archived).toBe(true);
    expect(index.services.find((s) => s.name === '庭院经济')).toMatchObject({
      kind: 'livelihood',
      archived: false,
    });

    // An editor has no 8+1 tab, and the screen reads only.
    const e = await openBrowser({ width: 360, height: 800 });
    closers.push(e.close);
    await joinWorkspace(e.page, await seeded.invite('editor'), '王会计');
    expect(await e.page.locator('.tabs a', { hasText: '8+1服务' }).count()).toBe(0);
    await e.page.goto(`${relay.server.url}/#/w/${ws}/services`);
    await e.page.locator('.service-row[data-service-id="svc-1"]', { hasText: '低保' }).waitFor();
    expect(await e.page.locator('.service-row input, .service-row button').count()).toBe(0);

    // SVC-3: in Uyghur a default service still under its default name reads in Uyghur, retired
    // or not; the renamed one and the village's own read as named.
    const ug = (id: 'svc-2' | 'svc-3') => labelOf('defaultService', id, 'ug');
    await switchLanguage(e.page, 'ug');
    await e.page.goto(`${relay.server.url}/#/w/${ws}/services`);
    const shownName = (id: string) =>
      e.page.locator(`.service-row[data-service-id="${id}"] .service-name`).textContent();
    await expect.poll(() => shownName('svc-3')).toBe(ug('svc-3'));
    expect(await shownName('svc-2')).toBe(ug('svc-2'));
    expect(await shownName('svc-1')).toBe('低保');
    // The admin edits the stored name and sees its reading under it.
    await switchLanguage(page, 'ug');
    await page.goto(`${relay.server.url}/#/w/${ws}/services`);
    const svc3 = page.locator('.service-row[data-service-id="svc-3"]');
    await expect.poll(() => svc3.locator('.service-name-shown').textContent()).toBe(ug('svc-3'));
    expect(await svc3.locator('input').inputValue()).toBe('城乡居民养老保险');
    expect(
      await page.locator('.service-row[data-service-id="svc-1"] .service-name-shown').count(),
    ).toBe(0);
    // The plan's pickers offer and show them the same way.
    await page.goto(`${relay.server.url}/#/w/${ws}/d/plan1`);
    await expect.poll(() => selects.count()).toBe(2);
    const ugValues = await readPickers(selects);
    expect(ugValues.find((v) => v.value === 'svc-2')!.selected).toContain(ug('svc-2'));
    const ugOther = ugValues.find((v) => v.value === '')!.offers;
    expect(ugOther).toContain(ug('svc-3'));
    expect(ugOther).toContain('低保');
    expect(ugOther).toContain('庭院经济');
    expect(ugOther).not.toContain('城乡居民养老保险');
    // Nothing stored changed with the reader's language.
    await waitSaved(page);
    const after = readIndex(await storedDoc(relay.server, ws, 'index'));
    expect(after.services.find((s) => s.id === 'svc-3')?.name).toBe('城乡居民养老保险');
  });
});

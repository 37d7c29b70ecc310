import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDoc, initPlan, setPlanTitle } from '@grassroots/shared';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../storage/SqliteStore.ts';
import { History } from './History.ts';

/** Stores `rows` edits of a new plan (its creation, then its title), one author. */
async function storedRoom(store: SqliteStore, room: string, rows: number, from = 1_000) {
  const doc = createDoc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  initPlan(doc, { title: '计划' });
  for (let i = 0; i < rows - 1; i++) setPlanTitle(doc, `计划 ${i}`);
  await store.appendUpdates(
    updates.map((update, i) => ({ room, authorId: 'm1', at: from + i * 60_000, update })),
  );
}

describe('History', () => {
  it('rebuilds a room once for requests that arrive while its rebuild is under way', async () => {
    const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'grassroots-h-')), 'h.sqlite'));
    await storedRoom(store, 'ws/doc', 40);
    let rebuilds = 0;
    const history = new History({ store, burstGapMs: 1_000, onRebuilt: () => rebuilds++ });
    const [page, compare, entries] = await Promise.all([
      history.page('ws/doc', { limit: 5, locale: 'zh-CN' }),
      history.compare('ws/doc', 1, null, 'zh-CN'),
      history.entries('ws/doc'),
    ]);
    expect(rebuilds).toBe(1);
    expect(page.total).toBe(40);
    expect(entries).toHaveLength(40);
    expect(compare.kind).toBe('plan');
    // Cached afterwards; a new row makes the next request rebuild once more.
    await history.page('ws/doc', { limit: 5, locale: 'zh-CN' });
    expect(rebuilds).toBe(1);
    await storedRoom(store, 'ws/doc', 2, 10_000_000);
    const [again] = await Promise.all([
      history.page('ws/doc', { limit: 5, locale: 'zh-CN' }),
      history.page('ws/doc', { limit: 5, locale: 'zh-CN' }),
    ]);
    expect(rebuilds).toBe(2);
    expect(again.total).toBe(42);
    store.db.close();
  });
});

import { createDemoVillage, INDEX_DOC_ID, readIndex } from '@grassroots/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readWorkspaceData } from '../projection/createWorkspaceData.ts';
import type { LoadedDoc, LocalStore } from '../sync/LocalStore.ts';
import { attentionSummary, forgetAttention, keptAttention, localAttention } from './attention.ts';

const now = Date.parse('2026-12-03T02:00:00Z');
const demo = createDemoVillage({ seed: 3, start: '2026-01-05', docs: 6, entries: 8 });
const docs = new Map<string, Y.Doc>([
  [INDEX_DOC_ID, demo.index],
  ...demo.docs.map((d) => [d.id, d.doc] as const),
]);

/** The device's store as `localAttention` reads it: each doc a log of updates. */
function storeHolding(held: Map<string, LoadedDoc>, settings = new Map<string, unknown>()) {
  const unused = () => {
    throw new Error('not read by the summary');
  };
  const reads = { workspaces: 0 };
  const store: LocalStore & { reads: typeof reads } = {
    reads,
    loadWorkspace: async () => {
      reads.workspaces++;
      return { docs: held, problems: [] };
    },
    listWorkspaces: unused,
    putWorkspace: unused,
    removeWorkspace: unused,
    appendUpdate: unused,
    compact: unused,
    putMeta: unused,
    getSetting: async <T>(key: string) => settings.get(key) as T | undefined,
    putSetting: async (key: string, value: unknown) => {
      settings.set(key, value);
    },
  };
  return store;
}

const asLog = (doc: Y.Doc): LoadedDoc => ({
  updates: [{ key: 1, update: Y.encodeStateAsUpdate(doc) }],
  meta: null,
});

describe('HOME-1 what a workspace needs, from the device', () => {
  const direct = attentionSummary(
    readWorkspaceData(readIndex(demo.index), (id) => docs.get(id)),
    0,
    now,
  );

  it('reads the same figures from the device store as from the open docs, past a damaged entry', async () => {
    expect(direct.missedMeetings).toBeGreaterThan(0);
    expect(direct.feedback).toBeGreaterThan(0);
    const held = new Map([...docs].map(([id, doc]) => [id, asLog(doc)]));
    const first = held.get(demo.docs[0]!.id)!;
    held.set(demo.docs[0]!.id, {
      ...first,
      updates: [{ key: 0, update: Uint8Array.of(1, 2, 3) }, ...first.updates],
    });
    expect(await localAttention(storeHolding(held), 'w', now)).toEqual(direct);
  });

  it('says nothing of meetings while a listed minutes record is not on the device, and nothing at all without an index', async () => {
    const minutesId = readIndex(demo.index).docs.find(
      (d) => d.kind === 'minutes' && !d.archived,
    )!.id;
    const held = new Map(
      [...docs].filter(([id]) => id !== minutesId).map(([id, doc]) => [id, asLog(doc)]),
    );
    expect(await localAttention(storeHolding(held), 'w', now)).toEqual({
      missedMeetings: null,
      feedback: direct.feedback,
    });
    held.delete(INDEX_DOC_ID);
    expect(await localAttention(storeHolding(held), 'w', now)).toBeNull();
  });

  it('keeps a summary for the day until its workspace is opened, and believes no damaged kept value', async () => {
    const settings = new Map<string, unknown>();
    const store = storeHolding(new Map([...docs].map(([id, doc]) => [id, asLog(doc)])), settings);
    expect(await keptAttention(store, 'w', now)).toEqual(direct);
    expect(await keptAttention(store, 'w', now + 60_000)).toEqual(direct);
    expect(store.reads.workspaces).toBe(1);
    // Opened (its copy may change): read again.
    await forgetAttention(store, 'w');
    expect(await keptAttention(store, 'w', now + 120_000)).toEqual(direct);
    expect(store.reads.workspaces).toBe(2);
    // An hour on: an entry may have turned overdue since.
    expect(await keptAttention(store, 'w', now + 3_720_000)).toEqual(direct);
    expect(store.reads.workspaces).toBe(3);
    // The next day in Beijing (02:00 UTC is 10:00 there): a period may have ended.
    expect(await keptAttention(store, 'w', now + 14 * 3_600_000)).toEqual(direct);
    expect(store.reads.workspaces).toBe(4);
    // What IndexedDB hands back is checked before it is shown.
    const day = (settings.get('attention:w') as { day: string }).day;
    for (const bad of [
      { day, at: now + 14 * 3_600_000, summary: { missedMeetings: 'x', feedback: 1 } },
      { day, at: now + 14 * 3_600_000, summary: { missedMeetings: 1, feedback: -2 } },
      { day },
      'w',
    ]) {
      settings.set('attention:w', bad);
      expect(await keptAttention(store, 'w', now + 14 * 3_600_000)).toEqual(direct);
    }
    expect(store.reads.workspaces).toBe(8);
  });

  it('keeps nothing read while the workspace was opened', async () => {
    const settings = new Map<string, unknown>();
    const store = storeHolding(new Map([...docs].map(([id, doc]) => [id, asLog(doc)])), settings);
    const load = store.loadWorkspace;
    store.loadWorkspace = async (id) => {
      const loaded = await load(id);
      await forgetAttention(store, 'w');
      return loaded;
    };
    expect(await keptAttention(store, 'w', now)).toEqual(direct);
    expect(settings.get('attention:w')).not.toHaveProperty('summary');
  });
});

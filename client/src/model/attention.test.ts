import { createDemoVillage, INDEX_DOC_ID, readIndex } from '@grassroots/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readWorkspaceData } from '../projection/createWorkspaceData.ts';
import type { LoadedDoc, LocalStore } from '../sync/LocalStore.ts';
import { attentionSummary, localAttention } from './attention.ts';

const now = Date.parse('2026-12-03T02:00:00Z');
const demo = createDemoVillage({ seed: 3, start: '2026-01-05', docs: 6, entries: 8 });
const docs = new Map<string, Y.Doc>([
  [INDEX_DOC_ID, demo.index],
  ...demo.docs.map((d) => [d.id, d.doc] as const),
]);

/** The device's store as `localAttention` reads it: each doc a log of updates. */
function storeHolding(held: Map<string, LoadedDoc>): LocalStore {
  const unused = () => {
    throw new Error('not read by the summary');
  };
  return {
    loadWorkspace: async () => ({ docs: held, problems: [] }),
    listWorkspaces: unused,
    putWorkspace: unused,
    removeWorkspace: unused,
    appendUpdate: unused,
    compact: unused,
    putMeta: unused,
    getSetting: unused,
    putSetting: unused,
  };
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
});

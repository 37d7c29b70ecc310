import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DeletedDocStore } from './DeletedDocStore.ts';
import type { AuthStore, DocStore } from './DocStore.ts';
import type { PublicBoardStore } from './PublicBoardStore.ts';

const textUpdate = (doc: Y.Doc, text: string) => {
  const before = Y.encodeStateVector(doc);
  doc.getText('t').insert(doc.getText('t').length, text);
  return Y.encodeStateAsUpdate(doc, before);
};

/**
 * The behaviour every storage engine must show. An engine's test file calls this once with a
 * factory for a fresh, empty store.
 */
export function describeStoreContract(
  engine: string,
  makeStore: () => Promise<DocStore & AuthStore & DeletedDocStore & PublicBoardStore>,
  /** A second, independent handle on the same data (another connection, another process's view). */
  openTwin: (store: DocStore & AuthStore) => Promise<DocStore & AuthStore>,
): void {
  describe(`${engine} store contract`, () => {
    it('SYNC-3 one store id for every handle on the same data, kept; another store has another', async () => {
      const store = await makeStore();
      const id = await store.storeId();
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      await store.appendUpdates([
        { room: 'w/a', authorId: 'm', at: 1, update: new Uint8Array([0, 0]) },
      ]);
      expect(await store.storeId()).toBe(id);
      expect(await (await openTwin(store)).storeId()).toBe(id);
      expect(await (await makeStore()).storeId()).not.toBe(id);
    });

    it('STORE-1 two writers appending to one room at once: no gap, no duplicate, each writer in its own order', async () => {
      const store = await makeStore();
      const twin = await openTwin(store);
      const writers = [store, twin].map((handle, w) => ({
        handle,
        doc: new Y.Doc(),
        seqs: [] as number[],
        w,
      }));
      // Each writer appends batches one after the other (as a relay does), both at the same time.
      await Promise.all(
        writers.map(async (writer) => {
          for (let i = 0; i < 40; i++) {
            const size = 1 + (i % 3);
            const batch = Array.from({ length: size }, (_, k) => ({
              room: 'w/race',
              authorId: `m${writer.w}`,
              at: i,
              update: textUpdate(writer.doc, `${writer.w}:${i}.${k};`),
            }));
            writer.seqs.push(...(await writer.handle.appendUpdates(batch)));
          }
        }),
      );
      const all = writers.flatMap((w) => w.seqs).sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
      for (const writer of writers) {
        // A writer's later batches come after its earlier ones (causal order is kept).
        expect(writer.seqs).toEqual([...writer.seqs].sort((a, b) => a - b));
      }
      const rows = await twin.loadUpdates('w/race');
      expect(rows.map((r) => r.seq)).toEqual(all);
      expect((await store.roomStats('w/race')).lastSeq).toBe(all.length);
      const rebuilt = new Y.Doc();
      for (const r of rows) Y.applyUpdate(rebuilt, r.update);
      for (const writer of writers)
        expect(rebuilt.getText('t').toString()).toContain(writer.doc.getText('t').toString());
      await twin.close();
      await store.close();
    });

    it('STORE-2 compaction while appends arrive loses nothing and never reuses a seq', async () => {
      const store = await makeStore();
      const twin = await openTwin(store);
      const doc = new Y.Doc();
      for (let i = 0; i < 30; i++)
        await store.appendUpdates([
          { room: 'w/cmp', authorId: 'a', at: i, update: textUpdate(doc, `${i},`) },
        ]);
      const seen: number[] = [];
      const appending = (async () => {
        for (let i = 30; i < 60; i++) {
          seen.push(
            ...(await twin.appendUpdates([
              {
                room: 'w/cmp',
                authorId: i % 2 ? 'a' : 'b',
                at: i,
                update: textUpdate(doc, `${i},`),
              },
            ])),
          );
        }
      })();
      const compactions = (async () => {
        for (let round = 0; round < 5; round++)
          await store.compact('w/cmp', {
            before: 1_000_000,
            burstGapMs: 60_000,
            maxRowBytes: 1 << 20,
          });
      })();
      await Promise.all([appending, compactions]);
      expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => 31 + i));
      const rows = await store.loadUpdates('w/cmp');
      const seqs = rows.map((r) => r.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(rows.reduce((n, r) => n + r.count, 0)).toBe(60);
      const rebuilt = new Y.Doc();
      for (const r of rows) Y.applyUpdate(rebuilt, r.update);
      expect(rebuilt.getText('t').toString()).toBe(doc.getText('t').toString());
      await twin.close();
      await store.close();
    });

    it('appends updates with author and time and loads them back in order', async () => {
      const store = await makeStore();
      const doc = new Y.Doc();
      const seqs = await store.appendUpdates([
        { room: 'w/a', authorId: 'm1', at: 1000, update: textUpdate(doc, 'a') },
        { room: 'w/b', authorId: 'm2', at: 1001, update: textUpdate(new Y.Doc(), 'x') },
        { room: 'w/a', authorId: 'm2', at: 1002, update: textUpdate(doc, 'b') },
      ]);
      expect(seqs).toEqual([1, 1, 2]);
      const rows = await store.loadUpdates('w/a');
      expect(rows.map((r) => [r.seq, r.authorId, r.firstAt, r.lastAt, r.count])).toEqual([
        [1, 'm1', 1000, 1000, 1],
        [2, 'm2', 1002, 1002, 1],
      ]);
      const rebuilt = new Y.Doc();
      for (const r of rows) Y.applyUpdate(rebuilt, r.update);
      expect(rebuilt.getText('t').toString()).toBe('ab');
      expect(await store.loadUpdates('w/a', { afterSeq: 1 })).toHaveLength(1);
      expect(await store.loadUpdates('w/a', { uptoSeq: 1 })).toHaveLength(1);
      expect(await store.roomStats('w/a')).toMatchObject({ rows: 2, lastSeq: 2 });
      expect(await store.lastSeqs(['w/a', 'w/b', 'w/none'])).toEqual(
        new Map([
          ['w/a', 2],
          ['w/b', 1],
          ['w/none', 0],
        ]),
      );
      await store.close();
    });

    it('compaction merges one author’s burst, keeps authors apart and the time span, loses no content', async () => {
      const store = await makeStore();
      const doc = new Y.Doc();
      const at = [0, 1000, 2000, 3000, 4000, 500_000];
      const authors = ['a', 'a', 'a', 'b', 'b', 'b'];
      for (const [i, author] of authors.entries()) {
        await store.appendUpdates([
          { room: 'w/c', authorId: author, at: at[i]!, update: textUpdate(doc, String(i)) },
        ]);
      }
      const result = await store.compact('w/c', {
        before: 1_000_000,
        burstGapMs: 60_000,
        maxRowBytes: 1 << 20,
      });
      expect(result).toEqual({ rowsBefore: 6, rowsAfter: 3 });
      const rows = await store.loadUpdates('w/c');
      // A merged row keeps the seq of its last update: "the state after seq N" stays exact.
      expect(rows.map((r) => [r.seq, r.authorId, r.firstAt, r.lastAt, r.count])).toEqual([
        [3, 'a', 0, 2000, 3],
        [5, 'b', 3000, 4000, 2],
        [6, 'b', 500_000, 500_000, 1],
      ]);
      const rebuilt = new Y.Doc();
      for (const r of rows) Y.applyUpdate(rebuilt, r.update);
      expect(rebuilt.getText('t').toString()).toBe('012345');
      // New rows keep counting after the highest seq, never reusing a merged-away one.
      const [seq] = await store.appendUpdates([
        { room: 'w/c', authorId: 'a', at: 600_000, update: textUpdate(doc, '6') },
      ]);
      expect(seq).toBe(7);
      await store.close();
    });

    it('DEL-1 deleted documents are recorded per workspace, newest first, and forgotten when restored', async () => {
      const store = await makeStore();
      const doc = (docId: string, deletedAt: number) => ({
        workspaceId: 'w',
        docId,
        kind: 'minutes',
        title: `会议 ${docId}`,
        createdAt: 1,
        deletedBy: 'm1',
        deletedAt,
      });
      await store.markDocDeleted(doc('a', 10));
      await store.markDocDeleted(doc('b', 20));
      await store.markDocDeleted({ ...doc('c', 5), workspaceId: 'other' });
      expect((await store.listDeletedDocs('w')).map((d) => d.docId)).toEqual(['b', 'a']);
      expect((await store.listDeletedDocs('w'))[1]).toEqual(doc('a', 10));
      expect(await store.unmarkDocDeleted('w', 'a')).toBe(true);
      expect(await store.unmarkDocDeleted('w', 'a')).toBe(false);
      expect((await store.listDeletedDocs('w')).map((d) => d.docId)).toEqual(['b']);
      await store.close();
    });

    it('PUB-2 PUB-4 PUB-5 publications keep every version, withdrawal only marks the live one, public ids rotate', async () => {
      const store = await makeStore();
      expect(await store.getPublicBoard('w')).toBeNull();
      const first = await store.setPublicId('w', 'pub-one', 1, { replace: false });
      expect(first).toEqual({ workspaceId: 'w', publicId: 'pub-one', createdAt: 1 });
      // Without `replace` an existing id stays (two first publications at once agree on one).
      expect((await store.setPublicId('w', 'pub-two', 2, { replace: false })).publicId).toBe(
        'pub-one',
      );
      await store.setPublicId('other', 'pub-other', 1, { replace: false });
      expect((await store.findPublicBoard('pub-one'))?.workspaceId).toBe('w');
      const rotated = await store.setPublicId('w', 'pub-three', 3, { replace: true });
      expect(rotated.publicId).toBe('pub-three');
      expect(await store.findPublicBoard('pub-one')).toBeNull();
      expect((await store.findPublicBoard('pub-three'))?.workspaceId).toBe('w');
      expect((await store.findPublicBoard('pub-other'))?.workspaceId).toBe('other');

      const item = (itemId: string, at: number, title = itemId) => ({
        workspaceId: 'w',
        itemId,
        kind: 'notice',
        title,
        content: JSON.stringify({ title }),
        publishedBy: 'm1',
        publishedAt: at,
      });
      const versions = [await store.boardVersion('w')];
      /** The board's version changed since it was last read (PUB-10). */
      const changed = async () => {
        const version = await store.boardVersion('w');
        const isNew = !versions.includes(version);
        versions.push(version);
        return isNew;
      };
      expect((await store.publishItem(item('a', 10))).version).toBe(1);
      expect(await changed()).toBe(true);
      expect((await store.publishItem(item('b', 20))).version).toBe(1);
      expect(await changed()).toBe(true);
      expect((await store.publishItem(item('a', 30, 'a, with result'))).version).toBe(2);
      expect(await changed()).toBe(true);
      await store.publishItem({ ...item('c', 40), workspaceId: 'other' });
      // Another workspace's board is another version.
      expect(await changed()).toBe(false);
      const live = await store.listLiveItems('w');
      expect(live.map((p) => [p.itemId, p.version, p.title, p.firstPublishedAt])).toEqual([
        ['a', 2, 'a, with result', 10],
        ['b', 1, 'b', 20],
      ]);
      expect(live[0]).toMatchObject({ content: '{"title":"a, with result"}', publishedBy: 'm1' });

      expect(await store.withdrawItem('w', 'a', 'm2', 50)).toBe(true);
      expect(await changed()).toBe(true);
      expect(await store.withdrawItem('w', 'a', 'm2', 60)).toBe(false);
      expect(await store.withdrawItem('w', 'nothing', 'm2', 60)).toBe(false);
      expect(await store.withdrawItem('w', 'c', 'm2', 60)).toBe(false);
      expect((await store.listLiveItems('w')).map((p) => p.itemId)).toEqual(['b']);
      expect((await store.listLiveItems('other')).map((p) => p.itemId)).toEqual(['c']);

      const history = await store.listPublications('w');
      expect(
        history.map((p) => [p.itemId, p.version, p.publishedAt, p.withdrawnBy, p.withdrawnAt]),
      ).toEqual([
        ['a', 2, 30, 'm2', 50],
        ['b', 1, 20, null, null],
        ['a', 1, 10, null, null],
      ]);
      // Publishing a withdrawn item again brings it back as a new version.
      expect(await changed()).toBe(false);
      expect((await store.publishItem(item('a', 70, 'a again'))).version).toBe(3);
      expect(await changed()).toBe(true);
      // Withdrawn and published again in the same millisecond: still a new version.
      expect(await store.withdrawItem('w', 'a', 'm2', 70)).toBe(true);
      expect(await changed()).toBe(true);
      await store.publishItem(item('a', 70, 'a again'));
      expect(await changed()).toBe(true);
      expect((await store.listLiveItems('w')).map((p) => [p.itemId, p.version])).toEqual([
        ['a', 4],
        ['b', 1],
      ]);
      await store.close();
    });

    it('named versions are kept per room', async () => {
      const store = await makeStore();
      await store.addNamedVersion({
        id: 'v1',
        room: 'w/a',
        seq: 3,
        name: '3月3日会议通过稿',
        authorId: 'm1',
        at: 5,
      });
      expect(await store.listNamedVersions('w/a')).toEqual([
        { id: 'v1', room: 'w/a', seq: 3, name: '3月3日会议通过稿', authorId: 'm1', at: 5 },
      ]);
      expect(await store.listNamedVersions('w/b')).toEqual([]);
      await store.close();
    });

    it('HIST-8 history marks are kept per room and a marked row is never merged by compaction', async () => {
      const store = await makeStore();
      const doc = new Y.Doc();
      // One author's burst of three rows; the middle one is a restore.
      await store.appendUpdates(
        ['a', 'b', 'c'].map((text, i) => ({
          room: 'w/a',
          authorId: 'm1',
          at: 1000 + i,
          update: textUpdate(doc, text),
        })),
      );
      const mark = { kind: 'restore' as const, toSeq: 1 };
      await store.addHistoryMark({ room: 'w/a', seq: 2, mark, authorId: 'm1', at: 1001 });
      expect(await store.listHistoryMarks('w/a')).toEqual([
        { room: 'w/a', seq: 2, mark, authorId: 'm1', at: 1001 },
      ]);
      expect(await store.listHistoryMarks('w/b')).toEqual([]);
      await store.compact('w/a', { before: 10_000, burstGapMs: 60_000, maxRowBytes: 1 << 20 });
      expect((await store.loadUpdates('w/a')).map((r) => r.seq)).toEqual([1, 2, 3]);
      await store.close();
    });

    it('lists every workspace, oldest first', async () => {
      const store = await makeStore();
      expect(await store.listWorkspaces()).toEqual([]);
      await store.createWorkspace({ id: 'b', name: '二号村', createdAt: 2_000_000_000_000 });
      await store.createWorkspace({ id: 'a', name: '一号村', createdAt: 1_000_000_000_000 });
      expect(await store.listWorkspaces()).toEqual([
        { id: 'a', name: '一号村', createdAt: 1_000_000_000_000, blobQuotaMb: null },
        { id: 'b', name: '二号村', createdAt: 2_000_000_000_000, blobQuotaMb: null },
      ]);
      await store.close();
    });

    it("keeps a workspace's own file limit (BLOB-10): set, none, back to the relay's", async () => {
      const store = await makeStore();
      await store.createWorkspace({ id: 'a', name: '一号村', createdAt: 1 });
      await store.createWorkspace({ id: 'b', name: '二号村', createdAt: 2 });
      expect(await store.setWorkspaceBlobQuota('a', 5_000)).toBe(true);
      expect((await store.getWorkspace('a'))?.blobQuotaMb).toBe(5_000);
      expect((await store.getWorkspace('b'))?.blobQuotaMb).toBeNull();
      expect(await store.setWorkspaceBlobQuota('b', 0)).toBe(true);
      expect((await store.listWorkspaces()).map((w) => w.blobQuotaMb)).toEqual([5_000, 0]);
      expect(await store.setWorkspaceBlobQuota('a', null)).toBe(true);
      expect((await store.getWorkspace('a'))?.blobQuotaMb).toBeNull();
      expect(await store.setWorkspaceBlobQuota('nowhere', 10)).toBe(false);
      await store.close();
    });

    it('an invite is redeemed atomically and only while live', async () => {
      const store = await makeStore();
      await store.createWorkspace({ id: 'w', name: '村', createdAt: 0 });
      await store.createInvite(
        {
          id: 'i',
          workspaceId: 'w',
          role: 'editor',
          createdBy: null,
          createdAt: 0,
          expiresAt: 100,
          revokedAt: null,
          uses: 0,
          maxUses: 1,
        },
        'hash-i',
      );
      const make = (id: string) => () => ({
        member: {
          id,
          workspaceId: 'w',
          displayName: id,
          role: 'editor' as const,
          createdAt: 1,
          revokedAt: null,
        },
        tokenHash: `hash-${id}`,
      });
      expect(await store.redeemInvite('hash-i', 200, make('late'))).toBeNull();
      expect((await store.redeemInvite('hash-i', 50, make('m1')))?.id).toBe('m1');
      expect(await store.redeemInvite('hash-i', 60, make('m2'))).toBeNull();
      expect((await store.findMemberByTokenHash('hash-m1'))?.displayName).toBe('m1');
      expect((await store.listInvites('w'))[0]?.uses).toBe(1);
      await store.close();
    });

    it('an invite that claims a member hands that member over instead of making a new one', async () => {
      const store = await makeStore();
      await store.createWorkspace({ id: 'w', name: '村', createdAt: 0 });
      await store.createMember(
        {
          id: 'a',
          workspaceId: 'w',
          displayName: '王书记',
          role: 'admin',
          createdAt: 0,
          revokedAt: null,
        },
        'hash-first',
      );
      await store.createInvite(
        {
          id: 'i',
          workspaceId: 'w',
          role: 'admin',
          createdBy: 'a',
          createdAt: 0,
          expiresAt: null,
          revokedAt: null,
          uses: 0,
          maxUses: 1,
          claimsMemberId: 'a',
        },
        'hash-i',
      );
      expect((await store.findLiveInvite('hash-i', 10))?.claimsMemberId).toBe('a');
      const claimed = await store.redeemInvite('hash-i', 10, () => ({
        member: {
          id: 'ignored',
          workspaceId: 'w',
          displayName: '别名',
          role: 'admin',
          createdAt: 10,
          revokedAt: null,
        },
        tokenHash: 'hash-device',
      }));
      expect(claimed).toMatchObject({ id: 'a', displayName: '别名', role: 'admin' });
      expect((await store.findMemberByTokenHash('hash-device'))?.id).toBe('a');
      expect(await store.findMemberByTokenHash('hash-first')).toBeNull();
      expect(await store.listMembers('w')).toHaveLength(1);
      expect(await store.findLiveInvite('hash-i', 11)).toBeNull();
      await store.close();
    });

    it('the last admin who is not removed cannot be demoted or removed', async () => {
      const store = await makeStore();
      await store.createWorkspace({ id: 'w', name: '村', createdAt: 0 });
      const member = (id: string, role: 'admin' | 'editor') => ({
        id,
        workspaceId: 'w',
        displayName: id,
        role,
        createdAt: 0,
        revokedAt: null,
      });
      await store.createMember(member('a', 'admin'), 'hash-a');
      await store.createMember(member('b', 'admin'), 'hash-b');
      await store.createMember(member('e', 'editor'), 'hash-e');
      expect(await store.updateMemberKeepingAnAdmin('w', 'b', { revokedAt: 5 })).toMatchObject({
        revokedAt: 5,
      });
      expect(await store.updateMemberKeepingAnAdmin('w', 'a', { role: 'editor' })).toBe(
        'last-admin',
      );
      expect(await store.updateMemberKeepingAnAdmin('w', 'a', { revokedAt: 6 })).toBe('last-admin');
      expect((await store.getMember('w', 'a'))?.role).toBe('admin');
      expect(await store.updateMemberKeepingAnAdmin('w', 'e', { role: 'admin' })).toMatchObject({
        role: 'admin',
      });
      expect(await store.updateMemberKeepingAnAdmin('w', 'a', { role: 'viewer' })).toMatchObject({
        role: 'viewer',
      });
      expect(await store.updateMemberKeepingAnAdmin('w', 'nobody', { role: 'viewer' })).toBeNull();
      await store.close();
    });
  });
}

/**
 * `grassroots copy-to-postgres`: a county's SQLite relay moved into PostgreSQL for several relay
 * processes, run as an operator would (real CLI, real relay processes, a throwaway PostgreSQL).
 */
import { createHash, randomBytes } from 'node:crypto';
import { truncateSync } from 'node:fs';
import { join } from 'node:path';
import { FsBlobStore, PostgresBlobStore, PostgresStore, SqliteStore } from '@grassroots/server';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import * as Y from 'yjs';
import { stockClient } from '../../support/clients.ts';
import {
  createWorkspaceWithCli,
  type RelayProcess,
  runCli,
  startRelay,
} from '../../support/process.ts';
import { eventually, tempDir } from '../../support/server.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const admin = new pg.Pool({ connectionString: inject('postgresUrl'), max: 1 });
afterAll(() => admin.end());

async function emptyDatabase(): Promise<string> {
  const name = `copy_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(inject('postgresUrl'));
  url.pathname = `/${name}`;
  return url.toString();
}

const api = async (relay: RelayProcess, path: string, token: string, init: RequestInit = {}) => {
  const res = await fetch(`${relay.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
  expect(res.status, `${path}: ${res.status}`).toBeLessThan(300);
  return res.json() as Promise<Record<string, unknown>>;
};

/** Everything a store holds of a workspace, as its interfaces read it. */
async function everything(store: SqliteStore | PostgresStore, ws: string, rooms: string[]) {
  const members = await store.listMembers(ws);
  return {
    workspace: await store.getWorkspace(ws),
    members,
    invites: await store.listInvites(ws),
    rooms: await Promise.all(
      rooms.map(async (room) => ({
        rows: (await store.loadUpdates(room)).map((r) => ({ ...r, update: [...r.update] })),
        named: await store.listNamedVersions(room),
        marks: await store.listHistoryMarks(room),
        lastSeq: (await store.lastSeqs([room])).get(room),
      })),
    ),
    deleted: await store.listDeletedDocs(ws),
    board: await store.getPublicBoard(ws),
    publications: await store.listPublications(ws),
  };
}

describe('grassroots copy-to-postgres', () => {
  it('moves a SQLite relay into PostgreSQL: members stay signed in, history, versions and files read the same, devices re-check every doc once', async () => {
    const dataDir = tempDir();
    const { workspaceId: ws, adminToken, adminMemberId } = await createWorkspaceWithCli(dataDir);
    const county = await startRelay({ dataDir });
    cleanups.push(() => county.kill());

    // A photo, a second member, a plan written by both, a named version.
    const photo = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13) % 256);
    photo.set([0xff, 0xd8, 0xff, 0xe0]);
    const hash = createHash('sha256').update(photo).digest('hex');
    const put = await fetch(
      `${county.url}/api/workspaces/${ws}/blobs/${hash}?offset=0&size=${photo.length}&type=image%2Fjpeg`,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${adminToken}`,
          'content-type': 'application/octet-stream',
        },
        body: photo.slice(),
      },
    );
    expect(put.status).toBe(200);
    const invite = await api(county, `/api/workspaces/${ws}/invites`, adminToken, {
      method: 'POST',
      body: JSON.stringify({ role: 'editor' }),
    });
    const redeemed = (await (
      await fetch(`${county.url}/api/invites/redeem`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: invite.token, displayName: '李会计' }),
      })
    ).json()) as { memberToken: string };
    const room = `${ws}/plan`;
    for (const [i, [token, text]] of [
      [adminToken, '修建村道。'],
      [redeemed.memberToken, '维修水渠。'],
    ].entries()) {
      const c = stockClient(county.wsUrl, room, token!);
      cleanups.push(c.destroy);
      await c.synced;
      c.doc.getText('t').insert(c.doc.getText('t').length, text!);
      // Stored: one more history entry (one per author and burst).
      await eventually(async () => {
        const h = await api(county, `/api/workspaces/${ws}/docs/plan/history`, adminToken);
        expect(h.total).toBe(i + 1);
      });
    }
    await api(county, `/api/workspaces/${ws}/docs/plan/versions`, adminToken, {
      method: 'POST',
      body: JSON.stringify({ name: '定稿' }),
    });
    const history = await api(county, `/api/workspaces/${ws}/docs/plan/history`, adminToken);
    const members = await api(county, `/api/workspaces/${ws}/members`, adminToken);
    const countyStoreId = (
      await api(county, `/api/workspaces/${ws}/docs/seqs`, adminToken, {
        method: 'POST',
        body: JSON.stringify({ ids: ['plan'] }),
      })
    ).storeId;
    // While the relay still serves the file, nothing is copied.
    const early = await runCli(['copy-to-postgres', '--data', dataDir], {
      DATABASE_URL: await emptyDatabase(),
    });
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('stop the relay');
    expect(await county.stop()).toBe(0);

    // What no screen above made: a deleted doc, a history mark, a public board.
    const sqlite = new SqliteStore(join(dataDir, 'grassroots.sqlite'));
    await sqlite.markDocDeleted({
      workspaceId: ws,
      docId: 'old',
      kind: 'minutes',
      title: '旧记录',
      createdAt: 1,
      deletedBy: adminMemberId,
      deletedAt: 2,
    });
    const notes = new Y.Doc();
    notes.getText('t').insert(0, '备忘');
    await sqlite.appendUpdates([
      { room: `${ws}/notes`, authorId: adminMemberId, at: 3, update: Y.encodeStateAsUpdate(notes) },
    ]);
    await sqlite.addHistoryMark({
      room: `${ws}/notes`,
      seq: 1,
      mark: { kind: 'restore', toSeq: 1 },
      authorId: adminMemberId,
      at: 3,
    });
    await sqlite.setPublicId(ws, 'pub-abc', 4, { replace: false });
    await sqlite.publishItem({
      workspaceId: ws,
      itemId: 'decision-1',
      kind: 'decision',
      title: '修建村道',
      content: '{}',
      publishedBy: adminMemberId,
      publishedAt: 5,
    });
    // The operator gave this village more room for its photos (BLOB-10).
    await sqlite.setWorkspaceBlobQuota(ws, 4096);
    const rooms = [room, `${ws}/index`, `${ws}/notes`];
    const before = await everything(sqlite, ws, rooms);
    expect(before.workspace?.blobQuotaMb).toBe(4096);
    await sqlite.close();

    const databaseUrl = await emptyDatabase();
    const copied = await runCli(['copy-to-postgres', '--data', dataDir], {
      DATABASE_URL: databaseUrl,
    });
    expect(copied.code, copied.stderr).toBe(0);
    const result = JSON.parse(copied.stdout) as {
      rows: Record<string, number>;
      files: number;
      storeId: string;
    };
    expect(result.rows).toMatchObject({
      workspaces: 1,
      members: 2,
      invites: 2,
      named_versions: 1,
      history_marks: 1,
      deleted_docs: 1,
      public_boards: 1,
      publications: 1,
    });
    expect(result.rows.updates).toBe(before.rooms.reduce((n, r) => n + r.rows.length, 0));
    expect(result.files).toBe(1);

    // Row for row the same, read through the same interfaces.
    const postgres = await PostgresStore.open({ url: databaseUrl });
    cleanups.push(() => postgres.close());
    expect(await everything(postgres, ws, rooms)).toEqual(before);
    expect(result.storeId).not.toBe(countyStoreId);
    expect(await postgres.storeId()).toBe(result.storeId);

    // A relay on PostgreSQL: the same answers, the editor's phone still signed in, the photo.
    const prefecture = await startRelay({ dataDir: tempDir(), env: { DATABASE_URL: databaseUrl } });
    cleanups.push(() => prefecture.kill());
    expect(await api(prefecture, `/api/workspaces/${ws}/docs/plan/history`, adminToken)).toEqual(
      history,
    );
    expect(await api(prefecture, `/api/workspaces/${ws}/members`, adminToken)).toEqual(members);
    const phone = stockClient(prefecture.wsUrl, room, redeemed.memberToken);
    cleanups.push(phone.destroy);
    await phone.synced;
    expect(phone.doc.getText('t').toString()).toBe('修建村道。维修水渠。');
    const file = await fetch(`${prefecture.url}/api/workspaces/${ws}/blobs/${hash}`, {
      headers: { authorization: `Bearer ${redeemed.memberToken}` },
    });
    expect(
      createHash('sha256')
        .update(new Uint8Array(await file.arrayBuffer()))
        .digest('hex'),
    ).toBe(hash);
    // The next edit takes the next seq, on top of the copied ones.
    phone.doc.getText('t').insert(0, '一、');
    await eventually(async () => {
      const rows = await postgres.loadUpdates(room);
      expect(rows.at(-1)!.seq).toBe(before.rooms[0]!.lastSeq! + 1);
    });

    // Run again: refused, nothing touched. A mistyped folder: refused.
    const again = await runCli(['copy-to-postgres', '--data', dataDir], {
      DATABASE_URL: databaseUrl,
    });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already holds');
    const wrong = await runCli(['copy-to-postgres', '--data', tempDir()], {
      DATABASE_URL: await emptyDatabase(),
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('no database at');
  });

  it('copy-files-to-postgres brings the files a relay kept in its own folder into PostgreSQL, where every relay serves them; again is a no-op', async () => {
    const databaseUrl = await emptyDatabase();
    // A deployment's relay from before files lived in PostgreSQL: its folder holds a photo.
    const dataDir = tempDir();
    const photo = Uint8Array.from({ length: 4000 }, (_, i) => (i * 5) % 256);
    const hash = createHash('sha256').update(photo).digest('hex');
    await new FsBlobStore(join(dataDir, 'blobs')).write(
      'ws1',
      hash,
      { type: 'image/png', size: photo.length },
      0,
      photo,
    );
    // A second one whose bytes the disk lost the end of.
    const cut = Uint8Array.from({ length: 3000 }, (_, i) => (i * 3) % 256);
    const cutHash = createHash('sha256').update(cut).digest('hex');
    await new FsBlobStore(join(dataDir, 'blobs')).write(
      'ws1',
      cutHash,
      { type: 'image/png', size: cut.length },
      0,
      cut,
    );
    truncateSync(join(dataDir, 'blobs', 'ws1', cutHash.slice(0, 2), cutHash), 1000);
    for (let run = 0; run < 2; run++) {
      const copied = await runCli(['copy-files-to-postgres', '--data', dataDir], {
        DATABASE_URL: databaseUrl,
      });
      expect(copied.code, copied.stderr).toBe(1);
      expect(JSON.parse(copied.stdout)).toEqual({ files: 1, damagedFiles: [`ws1/${cutHash}`] });
    }
    const store = await PostgresStore.open({ url: databaseUrl });
    cleanups.push(() => store.close());
    const files = await PostgresBlobStore.open(store.pool);
    const read = await files.read('ws1', hash);
    expect(read?.info).toEqual({ hash, type: 'image/png', size: photo.length });
    expect(Buffer.from(read!.bytes).equals(Buffer.from(photo))).toBe(true);
    expect(await files.usage('ws1')).toEqual({ bytes: photo.length, files: 1 });
    expect(await files.state('ws1', cutHash)).toEqual({ offset: 0, isComplete: false });
    const wrong = await runCli(['copy-files-to-postgres', '--data', tempDir()], {
      DATABASE_URL: databaseUrl,
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('no attached files at');
  });
});

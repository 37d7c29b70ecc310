import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { stockClient } from '../../support/clients.ts';
import { createWorkspaceWithCli, runCli, startRelay } from '../../support/process.ts';
import { eventually, tempDir } from '../../support/server.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A small JPEG-looking file: the relay checks the first bytes of what it is told is a photo. */
function photo(seed: number): { bytes: Uint8Array; hash: string } {
  const bytes = new Uint8Array(3000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + seed) & 0xff;
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return { bytes, hash: createHash('sha256').update(bytes).digest('hex') };
}

async function upload(
  url: string,
  ws: string,
  token: string,
  file: { bytes: Uint8Array; hash: string },
) {
  const res = await fetch(
    `${url}/api/workspaces/${ws}/blobs/${file.hash}?offset=0&size=${file.bytes.length}&type=image%2Fjpeg`,
    {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: file.bytes.slice(),
    },
  );
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ isComplete: true });
}

const logOf = (doc: Y.Doc) => doc.getArray<string>('log');

/** The store id a relay answers a device's seqs request with (SYNC-3). */
async function storeIdOf(url: string, ws: string, token: string): Promise<string> {
  const res = await fetch(`${url}/api/workspaces/${ws}/docs/seqs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ids: ['minutes'] }),
  });
  expect(res.status).toBe(200);
  const { storeId } = (await res.json()) as { storeId: string };
  expect(storeId).toMatch(/^[0-9a-f-]{36}$/);
  return storeId;
}

describe('backup and restore of a SQLite data folder (grassroots backup / check-backup / restore)', () => {
  it('a backup taken while clients write holds every update relayed before it began, checks out, and a relay serves it as a data folder', async () => {
    const dataDir = tempDir();
    const backups = tempDir('grassroots-backups-');
    const { workspaceId, adminToken } = await createWorkspaceWithCli(dataDir);
    const relay = await startRelay({ dataDir });
    cleanups.push(() => void relay.kill());
    const file = photo(7);
    await upload(relay.url, workspaceId, adminToken, file);

    const room = `${workspaceId}/plan`;
    const writers = [0, 1].map(() => stockClient(relay.wsUrl, room, adminToken));
    const watcher = stockClient(relay.wsUrl, room, adminToken);
    for (const c of [...writers, watcher]) cleanups.push(c.destroy);
    await Promise.all([...writers, watcher].map((c) => c.synced));
    // Relayed means stored: the relay relays an update only after its commit (UPD-6).
    const relayed = new Set<string>();
    logOf(watcher.doc).observe((event) => {
      for (const item of event.changes.added)
        for (const v of item.content.getContent()) relayed.add(v as string);
    });
    let n = 0;
    const timer = setInterval(() => {
      for (const [i, w] of writers.entries()) logOf(w.doc).push([`w${i}-${n}`]);
      n++;
      if (n >= 1500) clearInterval(timer);
    }, 3);
    cleanups.push(() => clearInterval(timer));
    await eventually(() => expect(relayed.size).toBeGreaterThan(100), 20_000);
    const storedBefore = new Set(relayed);
    const made = await runCli(['backup', '--to', backups, '--data', dataDir]);
    const writtenDuring = n;
    clearInterval(timer);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    // The relay went on committing while the snapshot was read.
    expect(writtenDuring).toBeGreaterThan(storedBefore.size / 2);
    const result = JSON.parse(made.stdout) as {
      path: string;
      manifest: { database: { workspaces: number; members: number }; blobs: { files: number } };
    };
    expect(readdirSync(backups)).toEqual([result.path.split('/').at(-1)]);
    expect(result.manifest.database).toMatchObject({ workspaces: 1, members: 1 });
    expect(result.manifest.blobs.files).toBe(1);
    expect(await relay.stop()).toBe(0);

    const checked = await runCli(['check-backup', result.path]);
    expect(checked.code).toBe(0);
    expect(JSON.parse(checked.stdout).problems).toEqual([]);

    const fromBackup = await startRelay({ dataDir: result.path });
    cleanups.push(() => void fromBackup.kill());
    const reader = stockClient(fromBackup.wsUrl, room, adminToken);
    cleanups.push(reader.destroy);
    await reader.synced;
    const restored = new Set(logOf(reader.doc).toArray());
    const missing = [...storedBefore].filter((v) => !restored.has(v));
    expect(missing).toEqual([]);
    const blob = await fetch(`${fromBackup.url}/api/workspaces/${workspaceId}/blobs/${file.hash}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(blob.status).toBe(200);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(file.bytes);
  });

  it('restore is refused while a relay serves the folder; once stopped, the backup is back, the newer data is moved aside, and a device brings back what it edited since', async () => {
    const dataDir = tempDir();
    const backups = tempDir('grassroots-backups-');
    const { workspaceId, adminToken } = await createWorkspaceWithCli(dataDir);
    const relay = await startRelay({ dataDir });
    cleanups.push(() => void relay.kill());
    const room = `${workspaceId}/minutes`;
    const device = stockClient(relay.wsUrl, room, adminToken);
    const other = stockClient(relay.wsUrl, room, adminToken);
    cleanups.push(device.destroy, other.destroy);
    await Promise.all([device.synced, other.synced]);
    logOf(device.doc).push(['before-1', 'before-2']);
    await eventually(() => expect(logOf(other.doc).length).toBe(2));
    const made = await runCli(['backup', '--to', backups, '--data', dataDir]);
    expect(made.code).toBe(0);
    const backup = (JSON.parse(made.stdout) as { path: string }).path;
    logOf(device.doc).push(['after-1']);
    await eventually(() => expect(logOf(other.doc).toArray()).toContain('after-1'));
    device.provider.disconnect();
    other.provider.disconnect();

    const refused = await runCli(['restore', '--from', backup, '--data', dataDir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/in use: stop the relay/);
    expect(readdirSync(dataDir).filter((f) => f.startsWith('before-restore'))).toEqual([]);

    const before = await storeIdOf(relay.url, workspaceId, adminToken);
    expect(await relay.stop()).toBe(0);
    const done = await runCli(['restore', '--from', backup, '--data', dataDir]);
    expect(done.code).toBe(0);
    const { movedAside } = JSON.parse(done.stdout) as { movedAside: string };
    expect(existsSync(join(movedAside, 'grassroots.sqlite'))).toBe(true);

    const again = await startRelay({ dataDir });
    cleanups.push(() => void again.kill());
    const fresh = stockClient(again.wsUrl, room, adminToken);
    cleanups.push(fresh.destroy);
    await fresh.synced;
    // What the relay holds is the backup's: the edit made after it is not there …
    expect(logOf(fresh.doc).toArray()).toEqual(['before-1', 'before-2']);
    // … until the device that made it reconnects and sends what the relay lacks.
    const back = stockClient(again.wsUrl, room, adminToken, { doc: device.doc });
    cleanups.push(() => back.provider.destroy());
    await eventually(() => expect(logOf(fresh.doc).toArray()).toContain('after-1'));

    // SYNC-3: the restored relay answers seqs with another store id (devices bring every doc up
    // to date once), and renew-store-id gives yet another, at once, for data put back by hand.
    const restored = await storeIdOf(again.url, workspaceId, adminToken);
    expect(restored).not.toBe(before);
    const renewed = await runCli(['renew-store-id', '--data', dataDir]);
    expect(renewed.code).toBe(0);
    const { storeId } = JSON.parse(renewed.stdout) as { storeId: string };
    expect([before, restored]).not.toContain(storeId);
    expect(await storeIdOf(again.url, workspaceId, adminToken)).toBe(storeId);
  });

  it('refuses what it cannot do safely, with exit code 2 and a message naming it', async () => {
    const dataDir = tempDir();
    await createWorkspaceWithCli(dataDir);
    const noTo = await runCli(['backup', '--data', dataDir]);
    expect(noTo.code).toBe(2);
    expect(noTo.stderr).toMatch(/--to/);
    const inside = await runCli(['backup', '--to', join(dataDir, 'backups'), '--data', dataDir]);
    expect(inside.code).toBe(2);
    expect(inside.stderr).toMatch(/outside the data folder/);
    const postgres = await runCli(['backup', '--to', tempDir(), '--data', dataDir], {
      DATABASE_URL: 'postgres://127.0.0.1:1/none',
    });
    expect(postgres.code).toBe(2);
    expect(postgres.stderr).toMatch(/pg_dump/);
    const empty = await runCli(['backup', '--to', tempDir(), '--data', tempDir()]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no database at/);
    const typo = await runCli(['renew-store-id', '--data', join(dataDir, 'nothing-here')]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/no database at .*nothing-here/);
    expect(existsSync(join(dataDir, 'nothing-here'))).toBe(false);
    const notBackup = await runCli(['restore', '--from', dataDir, '--data', tempDir()]);
    expect(notBackup.code).toBe(2);
    expect(notBackup.stderr).toMatch(/does not check out: manifest.json/);
  });
});

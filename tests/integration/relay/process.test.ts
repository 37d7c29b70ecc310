import { type AddressInfo, createServer } from 'node:net';
import { readFeedbackLog, readIndex } from '@grassroots/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { stockClient } from '../../support/clients.ts';
import { createWorkspaceWithCli, runCli, startRelay } from '../../support/process.ts';
import { eventually, tempDir } from '../../support/server.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('the grassroots CLI', () => {
  it('workspace create prints the id, an admin token and an invite URL as JSON', async () => {
    const created = await createWorkspaceWithCli(tempDir());
    expect(created.workspaceId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(created.adminToken).toMatch(/^grm_/);
    expect(created.inviteUrl).toMatch(/^http:\/\/localhost:4321\/#\/join\/gri_/);
  });

  it('a bad flag or value exits non-zero with a message naming it', async () => {
    const badPort = await runCli(['serve', '--port', 'eighty']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/port/);
    const unknown = await runCli(['serve', '--prot', '80']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown flag --prot/);
    const badEnv = await runCli(['serve'], { PORT: '70000' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toMatch(/port/);
  });

  it('serve on a port already taken says so in one line and exits 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const result = await runCli([
        'serve',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--data',
        tempDir(),
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `grassroots: cannot listen on 127.0.0.1 port ${port}: something already listens there`,
      );
      expect(result.stderr).not.toMatch(/\bat \S+ \(/);
    } finally {
      taken.close();
    }
  });
});

describe('the demo village from the CLI', () => {
  it('grassroots demo stores a deterministic demo workspace that a client syncs', async () => {
    const dataDir = tempDir();
    const result = await runCli([
      'demo',
      '--docs',
      '12',
      '--entries',
      '30',
      '--seed',
      '7',
      '--data',
      dataDir,
    ]);
    expect(result.code).toBe(0);
    const demo = JSON.parse(result.stdout) as {
      workspaceId: string;
      adminToken: string;
      docs: number;
    };
    expect(demo.docs).toBe(12);
    const server = await startRelay({ dataDir });
    cleanups.push(() => void server.kill());
    const index = stockClient(server.wsUrl, `${demo.workspaceId}/index`, demo.adminToken);
    cleanups.push(index.destroy);
    await index.synced;
    const docs = readIndex(index.doc).docs;
    expect(docs).toHaveLength(12);
    const feedback = docs.find((d) => d.kind === 'feedback')!;
    const log = stockClient(server.wsUrl, `${demo.workspaceId}/${feedback.id}`, demo.adminToken);
    cleanups.push(log.destroy);
    await log.synced;
    expect(readFeedbackLog(log.doc).entries).toHaveLength(30);
  });
});

describe('durability and operations of a real server process', () => {
  it('after kill -9 and a restart, every update any client saw relayed is there', async () => {
    const dataDir = tempDir();
    const { workspaceId, adminToken } = await createWorkspaceWithCli(dataDir);
    const first = await startRelay({ dataDir });
    cleanups.push(() => void first.kill());
    const room = `${workspaceId}/plan`;
    const writers = [0, 1, 2].map(() => stockClient(first.wsUrl, room, adminToken));
    const watcher = stockClient(first.wsUrl, room, adminToken);
    for (const c of [...writers, watcher]) cleanups.push(c.destroy);
    await Promise.all([...writers, watcher].map((c) => c.synced));

    const relayed = new Set<string>();
    watcher.doc.getArray<string>('log').observe((event) => {
      for (const item of event.changes.added)
        for (const v of item.content.getContent()) relayed.add(v as string);
    });
    // Bounded burst of edits from three writers; the server is killed in the middle of it.
    let n = 0;
    const timer = setInterval(() => {
      for (const [i, w] of writers.entries()) w.doc.getArray<string>('log').push([`w${i}-${n}`]);
      n++;
      if (n >= 400) clearInterval(timer);
    }, 2);
    await eventually(() => expect(relayed.size).toBeGreaterThan(150), 20_000);
    first.child.kill('SIGKILL');
    clearInterval(timer);
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const seen = new Set(relayed);
    for (const c of [...writers, watcher]) c.provider.disconnect();

    const second = await first.restart();
    cleanups.push(() => void second.kill());
    const fresh = stockClient(second.wsUrl, room, adminToken);
    cleanups.push(fresh.destroy);
    await fresh.synced;
    const stored = new Set(fresh.doc.getArray<string>('log').toArray());
    const missing = [...seen].filter((v) => !stored.has(v));
    expect(seen.size).toBeGreaterThan(150);
    expect(missing).toEqual([]);
  });

  it('SIGTERM still drains and exits when the log pipe has gone (a log collector died)', async () => {
    const dataDir = tempDir();
    const server = await startRelay({ dataDir });
    cleanups.push(() => void server.kill());
    server.child.stdout!.destroy();
    server.child.stderr!.destroy();
    server.child.kill('SIGTERM');
    const code = await Promise.race([
      server.exited.then(({ code }) => code),
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 15_000)),
    ]);
    expect(code).toBe(0);
  });

  it('the compiled server (plain node, no TypeScript loader) serves, and SIGTERM drains: closes sockets with 4503, exits 0 and keeps what was stored; healthz and metrics answer', async () => {
    const dataDir = tempDir();
    const { workspaceId, adminToken } = await createWorkspaceWithCli(dataDir);
    // Production runs `node server/dist/main.js` (built by `pnpm build`).
    const server = await startRelay({ dataDir, isCompiled: true });
    expect(server.child.spawnargs).not.toContain('tsx');
    cleanups.push(() => void server.kill());
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true });
    const client = stockClient(server.wsUrl, `${workspaceId}/m`, adminToken);
    cleanups.push(client.destroy);
    await client.synced;
    client.doc.getText('t').insert(0, '散会');
    await eventually(async () => {
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/grassroots_rooms_loaded 1/);
      expect(metrics).toMatch(/grassroots_connections 1/);
      expect(metrics).toMatch(/grassroots_updates_stored_total 1/);
      expect(metrics).toMatch(/grassroots_update_bytes_stored_total \d+/);
    });
    const closeCode = new Promise<number>((resolve) =>
      client.provider.once('connection-close', (event: { code: number } | null) =>
        resolve(event?.code ?? 0),
      ),
    );
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    expect(await closeCode).toBe(4503);
    client.provider.disconnect();

    const again = await server.restart();
    cleanups.push(() => void again.kill());
    const check = stockClient(again.wsUrl, `${workspaceId}/m`, adminToken);
    cleanups.push(check.destroy);
    await check.synced;
    expect(check.doc.getText('t').toString()).toBe('散会');
  });
});

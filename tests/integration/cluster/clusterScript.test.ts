/**
 * `scripts/cluster.sh`, as the README tells an operator to try the multi-process layout:
 * PostgreSQL, Redis, two relays and nginx in front, on one machine. Stock clients go through
 * nginx only: a document's clients meet on one relay (nginx hashes the path), converge, and when
 * that relay is killed they reconnect through nginx to the other and go on; the script keeps the
 * rest running, and SIGTERM stops everything. Uses what `corepack pnpm build` made (--no-build).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockClient } from '../../support/clients.ts';
import { eventually, tempDir } from '../../support/server.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);

/** True when nothing listens on 127.0.0.1:`port`. */
const isFree = (port: number) =>
  new Promise<boolean>((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });

/**
 * The first of five free ports in a row (the script uses --port to --port+4), below the range the
 * kernel hands out to outgoing connections and `listen(0)`: the other tests, running beside this
 * one, open thousands of those, and one could take a port between this check and the bind.
 */
async function freePorts(): Promise<number> {
  const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
    .trim()
    .split(/\s+/)
    .map(Number);
  const top = Math.max(12_000, (ephemeralLow ?? 32_768) - 5);
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * (top - 10_000));
    let free = true;
    for (let p = base; p < base + 5 && free; p++) free = await isFree(p);
    if (free) return base;
  }
  throw new Error('no five free ports in a row');
}

type Cluster = {
  script: ChildProcess;
  port: number;
  relays: { port: number; pid: number }[];
  output: string[];
};

async function startCluster(dataDir: string): Promise<Cluster> {
  const port = await freePorts();
  const script = spawn(
    'bash',
    ['scripts/cluster.sh', '--port', String(port), '--data', dataDir, '--no-build'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  const ready = new Promise<Cluster['relays']>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`cluster.sh did not start in 90 s:\n${output.join('')}`)),
      90_000,
    );
    script.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`cluster.sh exited (${code}) before it was up:\n${output.join('')}`));
    });
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const up = /relays on (\d+) \(pid (\d+)\) and (\d+) \(pid (\d+)\)/.exec(output.join(''));
      if (!up) return;
      clearTimeout(timer);
      done([
        { port: Number(up[1]), pid: Number(up[2]) },
        { port: Number(up[3]), pid: Number(up[4]) },
      ]);
    };
    script.stdout!.on('data', onData);
    script.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  });
  return { script, port, relays: await ready, output };
}

/** A relay's `grassroots_rooms_loaded` gauge, read from its /metrics. */
async function roomsLoaded(relayPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${relayPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('grassroots_rooms_loaded '));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const DOCS = 6;
let dataDir: string;
let cluster: Cluster;
let workspaceId: string;
let token: string;
const clients: ReturnType<typeof stockClient>[] = [];

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'server/dist/main.js'))) {
    throw new Error('this test runs the built server: run `corepack pnpm build` first');
  }
  dataDir = tempDir('grassroots-cluster-');
  cluster = await startCluster(dataDir);
  const { stdout } = await run(
    process.execPath,
    ['server/dist/main.js', 'workspace', 'create', '测试村', '--admin-name', '王书记'],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: `postgres://postgres@127.0.0.1:${cluster.port + 1}/grassroots`,
      },
    },
  );
  const created = JSON.parse(stdout) as { workspaceId: string; adminToken: string };
  workspaceId = created.workspaceId;
  token = created.adminToken;
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.destroy();
  if (cluster?.script.exitCode === null) {
    cluster.script.kill('SIGKILL');
    for (const r of cluster.relays) if (isAlive(r.pid)) process.kill(r.pid, 'SIGKILL');
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('scripts/cluster.sh: PostgreSQL, Redis, two relays and nginx on one machine', () => {
  it('clients of a doc meet on one relay through nginx, fail over to the other when it is killed, and SIGTERM stops it all', async () => {
    const url = `ws://127.0.0.1:${cluster.port}/sync`;
    const pairs = Array.from({ length: DOCS }, (_, i) => {
      const room = `${workspaceId}/doc-${i}`;
      const pair = [stockClient(url, room, token), stockClient(url, room, token)] as const;
      clients.push(...pair);
      return pair;
    });
    await Promise.all(pairs.flatMap(([a, b]) => [a.synced, b.synced]));
    for (const [i, [a]] of pairs.entries()) a.doc.getText('t').insert(0, `第${i}号`);
    await eventually(() => {
      for (const [i, [, b]] of pairs.entries())
        expect(b.doc.getText('t').toString()).toBe(`第${i}号`);
    }, 20_000);

    // Both clients of each doc are on the same relay: each doc is loaded once in all.
    const [first, second] = cluster.relays as [Cluster['relays'][0], Cluster['relays'][0]];
    const loaded = [await roomsLoaded(first.port), await roomsLoaded(second.port)];
    expect(loaded[0]! + loaded[1]!, `rooms loaded per relay: ${loaded}`).toBe(DOCS);

    // Kill the relay holding more of the docs: its clients reconnect through nginx to the other.
    const [victim, survivor] = loaded[0]! >= loaded[1]! ? [first, second] : [second, first];
    process.kill(victim.pid, 'SIGKILL');
    await eventually(() => expect(isAlive(victim.pid)).toBe(false));
    for (const [i, [a]] of pairs.entries()) {
      a.doc.getText('t').insert(a.doc.getText('t').length, `·续${i}`);
    }
    await eventually(() => {
      for (const [i, [a, b]] of pairs.entries()) {
        expect(b.doc.getText('t').toString()).toBe(`第${i}号·续${i}`);
        expect(a.doc.getText('t').toString()).toBe(`第${i}号·续${i}`);
      }
    }, 30_000);
    expect(await roomsLoaded(survivor.port)).toBe(DOCS);
    // The script reported the relay and kept the rest running: nginx still answers.
    expect(cluster.script.exitCode).toBe(null);
    await eventually(async () => expect(cluster.output.join('')).toMatch(/exited \(code \d+\)/));
    const health = await fetch(`http://127.0.0.1:${cluster.port}/healthz`);
    expect(health.status).toBe(200);

    // SIGTERM stops everything it started.
    const exited = new Promise<void>((done) => cluster.script.once('exit', () => done()));
    cluster.script.kill('SIGTERM');
    await exited;
    expect(isAlive(survivor.pid)).toBe(false);
    // nginx, PostgreSQL and Redis too: nothing listens on the cluster's ports any more.
    for (let p = cluster.port; p < cluster.port + 5; p++) {
      await eventually(async () => expect(await isFree(p), `port ${p}`).toBe(true), 15_000);
    }
  }, 120_000);
});

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ConfigInput,
  PostgresStore,
  parseConfig,
  type RunningServer,
  type ServerParts,
  startServer,
} from '@grassroots/server';
import pg from 'pg';
import { inject } from 'vitest';

export type TestServer = RunningServer & {
  dataDir: string;
  workspaceId: string;
  adminToken: string;
  /** Creates a member with the role and returns its token. */
  member(
    role: 'admin' | 'editor' | 'viewer',
    name?: string,
  ): Promise<{ id: string; token: string }>;
  wsUrl: string;
  stop(): Promise<void>;
};

export const tempDir = (prefix = 'grassroots-test-') => mkdtempSync(join(tmpdir(), prefix));

const admins = new Map<string, pg.Pool>();

/**
 * With GRASSROOTS_TEST_STORE=postgres (the `history-postgres` test project), the store of a test
 * server is PostgreSQL: one database per data folder, so a test that restarts a server on the
 * same folder finds its data again.
 */
async function postgresStoreFor(dataDir: string): Promise<PostgresStore> {
  const url = inject('postgresUrl');
  let admin = admins.get(url);
  if (!admin) {
    admin = new pg.Pool({ connectionString: url, max: 2, allowExitOnIdle: true });
    admins.set(url, admin);
  }
  const name = `t_${createHash('sha256').update(dataDir).digest('hex').slice(0, 20)}`;
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return PostgresStore.open({ url: target.toString(), maxConnections: 4 });
}

/** Starts a real relay on 127.0.0.1:0 with a fresh SQLite folder and one workspace. */
export async function startTestServer(
  config: Partial<ConfigInput> = {},
  parts: ServerParts = {},
): Promise<TestServer> {
  const dataDir = config.dataDir ?? tempDir();
  if (!parts.store && process.env.GRASSROOTS_TEST_STORE === 'postgres') {
    parts = { ...parts, store: await postgresStoreFor(dataDir) };
  }
  const server = await startServer(
    parseConfig({
      port: 0,
      host: '127.0.0.1',
      clientDir: '',
      logLevel: 'silent',
      ...config,
      dataDir,
    }),
    parts,
  );
  const created = await server.auth.createWorkspace('测试村');
  const member = async (role: 'admin' | 'editor' | 'viewer', name = role) => {
    const { token } = await server.auth.createInvite(created.workspace.id, created.admin.id, {
      role,
    });
    const redeemed = await server.auth.redeem(token, name);
    return { id: redeemed.member.id, token: redeemed.token };
  };
  return {
    ...server,
    dataDir,
    workspaceId: created.workspace.id,
    adminToken: created.adminToken,
    member,
    wsUrl: `ws://127.0.0.1:${server.port}/sync`,
    stop: async () => {
      await server.close();
      if (!config.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Retries an assertion until it passes or `timeoutMs` runs out (no fixed sleeps). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const start = Date.now();
  let lastError: unknown;
  while (Date.now() - start < timeoutMs) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  throw lastError;
}

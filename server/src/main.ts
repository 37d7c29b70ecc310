#!/usr/bin/env node
import { Auth } from './auth/Auth.ts';
import { ConfigError, configInputFrom, parseConfig } from './config.ts';
import { inviteUrl } from './http/api.ts';
import { sqlitePath, startServer } from './server.ts';
import { SqliteStore } from './storage/SqliteStore.ts';

const USAGE = `usage:
  grassroots serve [--port N] [--data DIR] [--host H] [--public-url URL] [--log-level L]
  grassroots workspace create "<name>" [--data DIR] [--public-url URL]
environment: PORT, HOST, DATA_DIR, PUBLIC_URL, LOG_LEVEL, CLIENT_DIR`;

async function serve(argv: string[]) {
  const config = parseConfig(configInputFrom(argv, process.env));
  const server = await startServer(config);
  console.error(`Grassroots is running at http://localhost:${server.port}/`);
  let isStopping = false;
  const stop = (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    server.log.info({ signal }, 'draining');
    server.close().then(
      () => process.exit(0),
      (error) => {
        server.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function createWorkspace(argv: string[]) {
  const [name, ...rest] = argv;
  if (!name || name.startsWith('--')) throw new ConfigError('workspace create needs a name');
  if (name.trim().length === 0 || name.length > 80) {
    throw new ConfigError('workspace name must be 1-80 characters');
  }
  const config = parseConfig(configInputFrom(rest, process.env));
  const store = new SqliteStore(sqlitePath(config.dataDir));
  try {
    const created = await new Auth(store).createWorkspace(name.trim());
    const base = (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/$/, '');
    console.log(
      JSON.stringify(
        {
          workspaceId: created.workspace.id,
          name: created.workspace.name,
          adminMemberId: created.admin.id,
          adminToken: created.adminToken,
          inviteUrl: inviteUrl(base, created.inviteToken),
        },
        null,
        2,
      ),
    );
  } finally {
    await store.close();
  }
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  if (command === 'serve') return serve(rest);
  if (command === 'workspace' && rest[0] === 'create') return createWorkspace(rest.slice(1));
  if (command === undefined || command === 'help' || command === '--help') {
    console.log(USAGE);
    return;
  }
  throw new ConfigError(`unknown command "${argv.join(' ')}"\n${USAGE}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`grassroots: ${error.message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});

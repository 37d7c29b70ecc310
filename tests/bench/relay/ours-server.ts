/**
 * Our relay in its own process, for the relay benchmark: binds 127.0.0.1 on a free port with a
 * fresh data folder, limits raised so the benchmark's traffic is never throttled, and prints
 * `{ port, workspaceId, token }` as one JSON line once it listens. Stops on SIGTERM or when its
 * parent's stdin closes, and removes the data folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, startServer } from '@grassroots/server';

const dataDir = mkdtempSync(join(tmpdir(), 'grassroots-bench-'));
const server = await startServer(
  parseConfig({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    clientDir: '',
    logLevel: 'silent',
    messagesPerSecond: 1_000_000,
    messageBurst: 1_000_000,
    connectionsPerWindow: 1_000_000,
  }),
);
const { workspace, adminToken } = await server.auth.createWorkspace('bench');

let isStopping = false;
const stop = async () => {
  if (isStopping) return;
  isStopping = true;
  try {
    await server.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();

process.stdout.write(
  `${JSON.stringify({ port: server.port, workspaceId: workspace.id, token: adminToken })}\n`,
);

/**
 * The reference y-websocket server (`@y/websocket-server` 0.1.1) in its own process, for the
 * relay benchmark: an http server plus a `ws` WebSocketServer on a free port of 127.0.0.1, every
 * connection handed to `setupWSConnection`. Prints `{ port }` as one JSON line once it listens;
 * stops on SIGTERM or when its parent's stdin closes.
 *
 * In memory unless `YPERSISTENCE=DIR` is set: then it persists through its own y-leveldb option
 * (every update appended to LevelDB in DIR; a doc's log is merged when it is next loaded with more
 * than 500 entries), and on stop the pending LevelDB writes finish before the process exits.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getPersistence, setupWSConnection } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';

const http = createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('ok');
});
const wss = new WebSocketServer({ noServer: true });
wss.on('connection', (ws, req) => setupWSConnection(ws, req));
http.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));

let isStopping = false;
const stop = async () => {
  if (isStopping) return;
  isStopping = true;
  // y-leveldb queues its writes; its destroy() runs after them and closes the database.
  const leveldb = getPersistence() as { provider?: { destroy(): Promise<void> } } | null;
  try {
    await leveldb?.provider?.destroy();
  } finally {
    process.exit(0);
  }
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();

process.stdout.write(`${JSON.stringify({ port: (http.address() as AddressInfo).port })}\n`);

/**
 * The reference y-websocket server (`@y/websocket-server` 0.1.1, in memory, no persistence) in
 * its own process, for the relay benchmark: an http server plus a `ws` WebSocketServer on a free
 * port of 127.0.0.1, every connection handed to `setupWSConnection`. Prints `{ port }` as one JSON
 * line once it listens; stops on SIGTERM or when its parent's stdin closes.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupWSConnection } from '@y/websocket-server/utils';
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

const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();

process.stdout.write(`${JSON.stringify({ port: (http.address() as AddressInfo).port })}\n`);

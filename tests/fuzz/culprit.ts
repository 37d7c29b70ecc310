/**
 * After a crash: finds a single frame that crashes a fresh server on its own. Each candidate is
 * sent on its own connection to a fresh room; that connection then stops reading (so the server
 * waits for its close handshake and keeps its room state meanwhile), and a second client joins
 * the room. A frame after which the server dies is the culprit.
 */
import WebSocket from 'ws';
import type { RelayProcess } from '../support/process.ts';
import type { Frame } from './frames.ts';

const open = (url: string) =>
  new Promise<WebSocket | null>((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('error', () => resolve(null));
    ws.once('unexpected-response', (req) => {
      req.destroy();
      resolve(null);
    });
    ws.once('open', () => resolve(ws));
  });

/** Resolves once the socket got its first message or closed, or after `ms`. */
const firstMessage = (ws: WebSocket, ms: number) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    ws.once('message', done);
    ws.once('close', done);
  });

/**
 * Tries `candidates` one by one against `server` (which must be fresh: the search ends at the
 * first crash) and returns the index of the frame that crashed it, or null. `roomUrl(n)` gives
 * the URL (with a token that may write) of the n-th fresh room.
 */
export async function findCrashingFrame(
  server: RelayProcess,
  candidates: readonly Frame[],
  roomUrl: (n: number) => string,
): Promise<number | null> {
  let previous: number | null = null;
  for (const [n, frame] of candidates.entries()) {
    // A server that died just after the previous check died of the previous frame.
    if (!server.isRunning()) return previous;
    const url = roomUrl(n);
    previous = n;
    const sender = await open(url);
    if (!sender) continue;
    await firstMessage(sender, 1_000);
    await new Promise<void>((resolve) =>
      sender.send(frame.data, { binary: typeof frame.data !== 'string' }, () => resolve()),
    );
    // Stop reading: the close frame the server may answer with stays unread and unanswered.
    (sender as unknown as { _socket: { pause(): void } })._socket.pause();
    const joiner = await open(url);
    if (joiner) await firstMessage(joiner, 1_000);
    // The server greets a joiner synchronously: if greeting crashed it, it is gone by now.
    const isDead = !(await fetch(`${server.url}/healthz`).then(
      (res) => res.ok,
      () => false,
    ));
    sender.terminate();
    joiner?.terminate();
    if (isDead) return previous;
  }
  return server.isRunning() ? null : previous;
}

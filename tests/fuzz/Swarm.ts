/**
 * The fuzzer's connections: one slot per concurrent connection, each with a role, a room and its
 * own stream of frames, reconnecting whenever the server closes it. The swarm counts what was
 * sent and how connections ended, and keeps the last frames and the origin of every update an
 * editor sent, so a crash or a bad stored row can be traced to its frame.
 */
import { createHash } from 'node:crypto';
import * as prng from 'lib0/prng';
import WebSocket from 'ws';
import type { RelayProcess } from '../support/process.ts';
import type { Frame, FrameSource } from './frames.ts';

export type Role = 'editor' | 'viewer';

/** Who a slot is and where it connects. */
export type SlotSpec = {
  index: number;
  role: Role;
  room: string;
  token: string;
  wantsAck: boolean;
  /** Seeds the slot's pacing (bursts, pauses); its frames come from its own source. */
  seed: number;
};

/** One sent frame, as kept for a failure report. */
export type FrameRecord = {
  slot: number;
  role: Role;
  room: string;
  /** Position in the slot's stream: the same seed gives the same frame at the same position. */
  index: number;
  /** How many connections the slot had opened when it sent the frame. */
  connection: number;
  frame: Frame;
};

/** Where a frame was sent, and its kind. */
export type FrameOrigin = Omit<FrameRecord, 'frame'> & { kind: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const hashOf = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** The last frames kept for a crash report. */
const RECENT_FRAMES = 3000;

/** The slots of a run and what they did. */
export class Swarm {
  /** The server connections go to; replaced when a crashed server is restarted. */
  server: RelayProcess;
  /** Resolves with the server to connect to (pending while a crashed one restarts). */
  serverReady: Promise<RelayProcess>;
  /** Set to stop every slot (time limit, crash, stuck server). */
  isStopped = false;
  framesSent = 0;
  connections = 0;
  readonly byKind: Record<string, number> = {};
  readonly closedByCode: Record<string, number> = {};
  readonly closeReasons: Record<string, number> = {};
  readonly refusedUpgrades: Record<string, number> = {};
  /** Hash of each update an editor sent → where it came from (to trace stored rows). */
  readonly updates = new Map<string, FrameOrigin>();
  private readonly recent: FrameRecord[] = [];
  private readonly slots: Slot[];

  constructor(server: RelayProcess, slots: readonly { spec: SlotSpec; source: FrameSource }[]) {
    this.server = server;
    this.serverReady = Promise.resolve(server);
    this.slots = slots.map(({ spec, source }) => new Slot(spec, source, this));
  }

  /** Sends `count` frames spread over the slots, then closes every connection. */
  async send(count: number): Promise<void> {
    const per = Math.floor(count / this.slots.length);
    const extra = count % this.slots.length;
    await Promise.all(this.slots.map((slot, i) => slot.send(per + (i < extra ? 1 : 0))));
    await Promise.all(this.slots.map((slot) => slot.close()));
  }

  /** The last frames sent (up to 3000), oldest first. */
  recentFrames(): FrameRecord[] {
    return this.recent.slice();
  }

  record(record: FrameRecord): void {
    this.recent.push(record);
    if (this.recent.length > RECENT_FRAMES) {
      this.recent.splice(0, this.recent.length - RECENT_FRAMES);
    }
    const { frame, ...where } = record;
    this.framesSent++;
    bump(this.byKind, frame.kind);
    if (frame.update && record.role === 'editor') {
      const key = hashOf(frame.update);
      if (!this.updates.has(key)) this.updates.set(key, { ...where, kind: frame.kind });
    }
  }

  countClose(code: number, reason: string): void {
    bump(this.closedByCode, String(code));
    bump(this.closeReasons, `${code} ${reason.slice(0, 60)}`.trim());
  }

  countRefusal(outcome: string): void {
    bump(this.refusedUpgrades, outcome);
  }

  destroy(): void {
    for (const slot of this.slots) slot.destroy();
  }
}

/**
 * Resolves once the server has handled everything sent so far on `ws` (it answers a ping after
 * the messages before it), or has closed the connection, or after 5 s.
 */
const processed = (ws: WebSocket) =>
  new Promise<void>((resolve) => {
    if (ws.readyState !== WebSocket.OPEN) return resolve();
    const done = () => {
      clearTimeout(timer);
      ws.off('pong', done);
      ws.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, 5_000);
    ws.once('pong', done);
    ws.once('close', done);
    ws.ping();
  });

const pauseReading = async (ws: WebSocket, ms: number) => {
  const socket = (ws as unknown as { _socket?: { pause(): void; resume(): void } })._socket;
  socket?.pause();
  await sleep(ms);
  socket?.resume();
};

/** One connection slot: reconnects whenever the server closes it, sends its stream of frames. */
class Slot {
  private ws: WebSocket | null = null;
  private framesDrawn = 0;
  private connection = 0;
  /** Connections this side closed (their close is not the server's doing). */
  private readonly closedByUs = new WeakSet<WebSocket>();
  /** Decides when frames go out back to back instead of one at a time; seeded like the frames. */
  private readonly pacing: prng.PRNG;
  private burstLeft = 0;

  constructor(
    readonly spec: SlotSpec,
    private readonly source: FrameSource,
    private readonly swarm: Swarm,
  ) {
    this.pacing = prng.create(spec.seed);
  }

  /** Opens a connection, retrying refusals with a growing delay; null when it gives up. */
  private async connect(): Promise<WebSocket | null> {
    for (let attempt = 0; attempt < 60 && !this.swarm.isStopped; attempt++) {
      const server = await this.swarm.serverReady;
      if (this.swarm.isStopped) return null;
      const query = `token=${this.spec.token}${this.spec.wantsAck ? '&ack=1' : ''}`;
      const ws = new WebSocket(`${server.wsUrl}/${this.spec.room}?${query}`, {
        perMessageDeflate: false,
        handshakeTimeout: 10_000,
      });
      const refusal = await new Promise<string | null>((resolve) => {
        ws.once('open', () => resolve(null));
        ws.once('unexpected-response', (req, res) => {
          req.destroy();
          resolve(`HTTP ${res.statusCode}`);
        });
        // Stays attached: a socket error later must not become an uncaught exception here.
        ws.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      });
      if (refusal === null) {
        this.connection++;
        this.swarm.connections++;
        ws.on('close', (code: number, reason: Buffer) => {
          if (!this.closedByUs.has(ws)) this.swarm.countClose(code, reason.toString());
        });
        return ws;
      }
      this.swarm.countRefusal(refusal);
      ws.terminate();
      await sleep(Math.min(500, 10 * 2 ** attempt));
    }
    return null;
  }

  /** Sends the next `count` frames of the slot's stream, reconnecting as needed. */
  async send(count: number): Promise<void> {
    for (let sent = 0; sent < count && !this.swarm.isStopped; sent++) {
      const frame = this.source.next();
      const index = this.framesDrawn++;
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        this.ws = await this.connect();
        if (!this.ws) return;
      }
      const ws = this.ws;
      const { role, room } = this.spec;
      this.swarm.record({
        slot: this.spec.index,
        role,
        room,
        index,
        connection: this.connection,
        frame,
      });
      await new Promise<void>((resolve) =>
        ws.send(frame.data, { binary: typeof frame.data !== 'string' }, () => resolve()),
      );
      // Mostly one frame at a time (so each lands on a live connection), sometimes a burst, and
      // now and then a pause in reading, like a phone put away: the server's answers (and its
      // close frame) wait unread, and the connection lingers on the server meanwhile.
      const pace = prng.int32(this.pacing, 0, 99);
      if (this.burstLeft > 0) this.burstLeft--;
      else if (pace < 10) this.burstLeft = prng.int32(this.pacing, 1, 20);
      else if (pace === 10) await pauseReading(ws, prng.int32(this.pacing, 20, 200));
      else await processed(ws);
    }
  }

  /** Closes the slot's connection (a normal close) and waits for it to end. */
  async close(): Promise<void> {
    const ws = this.ws;
    this.ws = null;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    this.closedByUs.add(ws);
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    ws.close(1000);
    const timer = setTimeout(() => ws.terminate(), 3_000);
    await closed;
    clearTimeout(timer);
  }

  destroy(): void {
    this.source.destroy();
  }
}

import * as decoding from 'lib0/decoding';
import { WebSocket } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { BenchServer } from './servers.ts';

/** Every edit inserts exactly this many ASCII characters, so it advances its author's clock by it. */
export const EDIT_LENGTH = 4;

/** One benchmark client: its own Y.Doc and a stock y-websocket provider. */
export type BenchClient = { doc: Y.Doc; text: Y.Text; provider: WebsocketProvider };

/** Latencies and delivery times gathered for one phase of a round. */
export type PhaseLog = {
  /** Edit-to-applied latency of every (edit, receiving client) pair, ms. */
  latencies: number[];
  edits: number;
  /** Edits every other client has applied. */
  completed: number;
  firstSendAt: number;
  lastDeliveryAt: number;
  /** Edit-to-acknowledged latency of every edit its author saw acknowledged, ms (acks only). */
  ackLatencies: number[];
  /** Edits whose author has received an ack covering them (acks only). */
  acked: number;
  lastAckAt: number;
};

type EditRecord = { sentAt: number; phase: PhaseLog; remaining: number };

/** An empty log for one phase; swarms that share one log pool their edits in it. */
export const newPhase = (): PhaseLog => ({
  latencies: [],
  edits: 0,
  completed: 0,
  firstSendAt: Number.POSITIVE_INFINITY,
  lastDeliveryAt: 0,
  ackLatencies: [],
  acked: 0,
  lastAckAt: 0,
});

/** Options of a Swarm. */
export type SwarmOptions = {
  /**
   * Connect with `ack=1` and time each edit until its author receives an ack (message 100 of our
   * relay) whose stored state vector covers it; phases then also wait for every ack. Default false.
   */
  wantsAcks?: boolean;
};

/** Our relay's ack (message 100): the room's stored state vector; the settled count is skipped. */
const ACK_MESSAGE = 100;

/** A small seeded generator (mulberry32), so every server gets the same insert positions. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * N clients in one room, each edit timed from the local insert to the moment each other client's
 * doc has applied it. An edit is identified by its author's clientID and its index k: the author's
 * clock after it is k * EDIT_LENGTH, so a receiver's transaction that moves that author's state
 * from `before` to `after` has applied edits before/EDIT_LENGTH … after/EDIT_LENGTH - 1.
 *
 * Given several servers (relay processes sharing one store), client i connects to server
 * i mod their number; they must all serve the same room.
 */
export class Swarm {
  readonly clients: BenchClient[] = [];
  private readonly edits = new Map<number, EditRecord[]>();
  private readonly random: () => number;
  private readonly servers: readonly BenchServer[];
  private readonly wantsAcks: boolean;
  private nextSender = 0;
  private onComplete: (() => void) | null = null;

  constructor(
    servers: BenchServer | readonly BenchServer[],
    readonly size: number,
    seed: number,
    { wantsAcks = false }: SwarmOptions = {},
  ) {
    this.servers = Array.isArray(servers) ? servers : [servers as BenchServer];
    this.wantsAcks = wantsAcks;
    this.random = seededRandom(seed);
    for (let i = 0; i < size; i++) {
      this.clients.push(this.makeClient(this.servers[i % this.servers.length]!));
    }
  }

  /** The first server, named in messages. */
  private get server(): BenchServer {
    return this.servers[0]!;
  }

  private makeClient(server: BenchServer): BenchClient {
    const doc = new Y.Doc();
    const text = doc.getText('text');
    const records: EditRecord[] = [];
    this.edits.set(doc.clientID, records);
    // No awareness state: presence traffic (and its 15 s renewals) would only add noise.
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState(null);
    const provider = new WebsocketProvider(server.serverUrl, server.room, doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: this.wantsAcks ? { ...server.params, ack: '1' } : server.params,
      awareness,
      // Node has a global BroadcastChannel: without this, clients in one process would exchange
      // updates around the server.
      disableBc: true,
      maxBackoffTime: 1000,
    });
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.local) return;
      const now = performance.now();
      for (const [client, after] of tr.afterState) {
        const before = tr.beforeState.get(client) ?? 0;
        if (after <= before || client === doc.clientID) continue;
        const records = this.edits.get(client);
        if (!records) continue;
        for (let k = before / EDIT_LENGTH; k < after / EDIT_LENGTH; k++) {
          const record = records[k];
          if (!record) continue;
          record.phase.latencies.push(now - record.sentAt);
          if (--record.remaining === 0) {
            record.phase.completed++;
            record.phase.lastDeliveryAt = now;
            this.onComplete?.();
          }
        }
      }
    });
    if (this.wantsAcks) {
      // Own edits acknowledged so far: an ack covers edits up to its stored clock of this client.
      let ackedEdits = 0;
      provider.messageHandlers[ACK_MESSAGE] = (_encoder, decoder) => {
        const now = performance.now();
        const stored = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
        const upTo = Math.min(records.length, (stored.get(doc.clientID) ?? 0) / EDIT_LENGTH);
        for (; ackedEdits < upTo; ackedEdits++) {
          const record = records[ackedEdits]!;
          record.phase.ackLatencies.push(now - record.sentAt);
          record.phase.acked++;
          record.phase.lastAckAt = now;
        }
        this.onComplete?.();
      };
    }
    return { doc, text, provider };
  }

  /** Resolves once every provider has finished its first sync. */
  async connect(timeoutMs: number): Promise<void> {
    await withTimeout(
      Promise.all(
        this.clients.map(
          ({ provider }) =>
            new Promise<void>((done) => {
              if (provider.synced) return done();
              provider.once('sync', (isSynced: boolean) => isSynced && done());
            }),
        ),
      ),
      timeoutMs,
      `${this.size} clients did not sync with ${this.server.kind}`,
    );
  }

  /** One edit by the next client in turn: EDIT_LENGTH characters at a seeded random position. */
  edit(phase: PhaseLog): void {
    const client = this.clients[this.nextSender]!;
    this.nextSender = (this.nextSender + 1) % this.size;
    const records = this.edits.get(client.doc.clientID)!;
    const k = records.length;
    const content = (k % 36 ** EDIT_LENGTH).toString(36).padStart(EDIT_LENGTH, '0');
    const position = Math.floor(this.random() * (client.text.length + 1));
    const sentAt = performance.now();
    records.push({ sentAt, phase, remaining: this.size - 1 });
    phase.edits++;
    if (phase.firstSendAt === Number.POSITIVE_INFINITY) phase.firstSendAt = sentAt;
    client.text.insert(position, content);
  }

  /**
   * True once every edit of `phase` has reached every other client (and, with acks, its author
   * has it acknowledged). For a log shared by several swarms this holds for all of them.
   */
  isSettled(phase: PhaseLog): boolean {
    return phase.completed >= phase.edits && (!this.wantsAcks || phase.acked >= phase.edits);
  }

  /**
   * Resolves once `total` edits have been sent and every other client has applied each (and,
   * with acks, each is acknowledged).
   */
  private waitComplete(
    phase: PhaseLog,
    total: number,
    timeoutMs: number,
    what: string,
  ): Promise<void> {
    return withTimeout(
      new Promise<void>((done) => {
        const check = () => {
          if (phase.edits >= total && this.isSettled(phase)) {
            this.onComplete = null;
            done();
          }
        };
        this.onComplete = check;
        check();
      }),
      timeoutMs,
      `${what}: ${phase.completed}/${phase.edits} edits reached every client` +
        (this.wantsAcks ? `, ${phase.acked} acknowledged` : ''),
    ).finally(() => {
      this.onComplete = null;
    });
  }

  /**
   * Open loop: `rate` edits a second in total, round-robin over the clients, for `durationMs`
   * (a 5 ms timer catches up on whatever it owes), then waits until every edit reached every client.
   */
  async runAtRate(rate: number, durationMs: number, timeoutMs: number): Promise<PhaseLog> {
    const phase = newPhase();
    const total = Math.round((rate * durationMs) / 1000);
    const start = performance.now();
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000));
        while (phase.edits < due) this.edit(phase);
        if (phase.edits >= total) {
          clearInterval(timer);
          done();
        }
      }, 5);
    });
    await this.waitComplete(
      phase,
      total,
      timeoutMs,
      `${this.server.kind} N=${this.size} at ${rate}/s`,
    );
    return phase;
  }

  /**
   * Closed loop: `total` edits as fast as the system absorbs them, with at most `window` edits in
   * flight (sent but not yet applied by every other client).
   */
  async runSaturated(total: number, window: number, timeoutMs: number): Promise<PhaseLog> {
    const phase = newPhase();
    let isScheduled = false;
    const pump = () => {
      isScheduled = false;
      while (phase.edits < total && phase.edits - phase.completed < window) this.edit(phase);
    };
    pump();
    const finished = this.waitComplete(
      phase,
      total,
      timeoutMs,
      `${this.server.kind} N=${this.size} saturated`,
    );
    const check = this.onComplete!;
    this.onComplete = () => {
      check();
      // Batch the refill: one pump per turn of the event loop, not one per delivery.
      if (!isScheduled && phase.edits < total) {
        isScheduled = true;
        setImmediate(pump);
      }
    };
    await finished;
    return phase;
  }

  /** True when every client holds the same text and the same state vector. */
  isConverged(): { isConverged: boolean; length: number } {
    const first = this.clients[0]!;
    const text = first.text.toString();
    const sv = Y.encodeStateVector(first.doc).toString();
    const isConverged = this.clients.every(
      (c) => c.text.toString() === text && Y.encodeStateVector(c.doc).toString() === sv,
    );
    return { isConverged, length: text.length };
  }

  destroy(): void {
    for (const { provider, doc } of this.clients) {
      provider.destroy();
      doc.destroy();
    }
  }
}

/** Rejects with `message` if `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`timed out after ${ms} ms: ${message}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Resolves once `isDone()` holds, checked every `everyMs`; rejects with `message` after `ms`.
 * For conditions spread over many docs and sockets, where no single event says "done".
 */
export async function until(
  isDone: () => boolean,
  ms: number,
  message: string,
  everyMs = 5,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await withTimeout(
      new Promise<void>((done) => {
        timer = setInterval(() => isDone() && done(), everyMs);
        if (isDone()) done();
      }),
      ms,
      message,
    );
  } finally {
    clearInterval(timer);
  }
}

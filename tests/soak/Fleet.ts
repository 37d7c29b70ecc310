import * as prng from 'lib0/prng';
import {
  contentsOf,
  loadRoom,
  RawWriter,
  RoomBook,
  StockWriter,
  type UnexpectedClose,
  type Writer,
} from '../chaos/Writer.ts';

export type FleetOptions = {
  syncUrl: string;
  /** Room names (`<workspaceId>/<docId>`). */
  rooms: readonly string[];
  /** Member tokens; devices take them in turn. */
  tokens: readonly string[];
  devices: number;
  seed: number;
  /** Online sessions last this long, ms (uniform). Default 20-90 s. */
  sessionMs?: readonly [number, number];
  /** Offline spells last this long, ms. Default 5-40 s. */
  offlineMs?: readonly [number, number];
  /** Gap between two edits of an online device, ms. Default 300-1500. */
  editGapMs?: readonly [number, number];
};

type DeviceState = 'away' | 'online' | 'offline' | 'leaving';

type Device = {
  id: number;
  token: string;
  writer: Writer | null;
  room: number;
  sessions: number;
  state: DeviceState;
  isEditingOffline: boolean;
  nextWriteAt: number;
  nextChangeAt: number;
  since: number;
};

/** Counts of what the fleet did. */
export type FleetStats = {
  joins: number;
  /** Devices that left a room for good (after their edits were acknowledged). */
  leaves: number;
  offlineSpells: number;
  /** Edits made while disconnected (sent on reconnection). */
  offlineEdits: number;
  edits: number;
  /** Raw connections the relay closed that were opened again. */
  reconnects: number;
  /** Close codes the relay sent, by code and reason. */
  closes: Record<string, number>;
};

const LEAVE_PATIENCE_MS = 10_000;

/**
 * Devices that come and go: each joins a random room, edits for a session, then either goes
 * offline for a while (half of them keep editing, and send those edits when they reconnect) or
 * leaves for good once its edits are acknowledged, and later joins another room. Raw and stock
 * y-websocket clients alternate; every edit is a marker tracked in its room's book.
 */
export class Fleet {
  readonly books: RoomBook[];
  /** Markers a device wrote but had to give up unacknowledged when it left (should stay empty). */
  readonly abandoned = new Set<string>();
  readonly stats: FleetStats = {
    joins: 0,
    leaves: 0,
    offlineSpells: 0,
    offlineEdits: 0,
    edits: 0,
    reconnects: 0,
    closes: {},
  };
  private readonly devices: Device[];
  private readonly gen: prng.PRNG;
  private timer: NodeJS.Timeout | null = null;
  private isEditing = true;

  constructor(private readonly options: FleetOptions) {
    this.gen = prng.create(options.seed);
    this.books = options.rooms.map(() => new RoomBook());
    const now = Date.now();
    this.devices = Array.from({ length: options.devices }, (_, id) => ({
      id,
      token: options.tokens[id % options.tokens.length]!,
      writer: null,
      room: 0,
      sessions: 0,
      state: 'away' as DeviceState,
      isEditingOffline: false,
      nextWriteAt: now,
      // Arrivals spread over the first ten seconds.
      nextChangeAt: now + prng.int32(this.gen, 0, 10_000),
      since: now,
    }));
  }

  /** Devices online now. */
  get online(): number {
    return this.devices.filter((d) => d.state === 'online').length;
  }

  /** Starts the churn and the edits. */
  start(): void {
    this.timer ??= setInterval(() => this.tick(), 50);
  }

  private range(range: readonly [number, number] | undefined, fallback: [number, number]) {
    const [min, max] = range ?? fallback;
    return prng.int32(this.gen, min, max);
  }

  private onClose = ({ code, reason }: UnexpectedClose) => {
    const label = `${code}${reason ? ` ${reason}` : ''}`;
    this.stats.closes[label] = (this.stats.closes[label] ?? 0) + 1;
  };

  private join(device: Device, now: number): void {
    device.room = prng.int32(this.gen, 0, this.options.rooms.length - 1);
    device.sessions++;
    const Kind = (device.id + device.sessions) % 2 === 0 ? RawWriter : StockWriter;
    device.writer = new Kind(
      `d${device.id}s${device.sessions}`,
      this.options.rooms[device.room]!,
      device.token,
      this.books[device.room]!,
      this.onClose,
    );
    device.writer.connect(this.options.syncUrl);
    this.stats.joins++;
    this.goOnline(device, now);
  }

  private goOnline(device: Device, now: number): void {
    device.state = 'online';
    device.since = now;
    device.nextWriteAt = now + this.range(this.options.editGapMs, [300, 1500]);
    device.nextChangeAt = now + this.range(this.options.sessionMs, [20_000, 90_000]);
  }

  private tick(): void {
    const now = Date.now();
    for (const device of this.devices) {
      const writer = device.writer;
      switch (device.state) {
        case 'away':
          if (now >= device.nextChangeAt) this.join(device, now);
          break;
        case 'online':
          if (!writer) break;
          if (this.isEditing && now >= device.nextWriteAt) {
            writer.write(this.gen);
            this.stats.edits++;
            device.nextWriteAt = now + this.range(this.options.editGapMs, [300, 1500]);
          }
          // A raw client whose connection the relay closed dials again, like an app would.
          if (writer instanceof RawWriter && !writer.isConnected && now - device.since > 2000) {
            writer.connect(this.options.syncUrl);
            device.since = now;
            this.stats.reconnects++;
          }
          if (this.isEditing && now >= device.nextChangeAt) {
            if (prng.real53(this.gen) < 0.55) {
              writer.disconnect(prng.bool(this.gen));
              device.state = 'offline';
              device.isEditingOffline = prng.bool(this.gen);
              device.nextChangeAt = now + this.range(this.options.offlineMs, [5_000, 40_000]);
              this.stats.offlineSpells++;
            } else {
              device.state = 'leaving';
              device.since = now;
            }
          }
          break;
        case 'offline':
          if (!writer) break;
          if (this.isEditing && device.isEditingOffline && now >= device.nextWriteAt) {
            writer.write(this.gen);
            this.stats.edits++;
            this.stats.offlineEdits++;
            device.nextWriteAt = now + prng.int32(this.gen, 1000, 3000);
          }
          if (now >= device.nextChangeAt) {
            writer.connect(this.options.syncUrl);
            this.goOnline(device, now);
          }
          break;
        case 'leaving':
          if (!writer) break;
          if (writer.ledger.unacked > 0 && now - device.since < LEAVE_PATIENCE_MS) break;
          for (const key of writer.ledger.unackedKeys()) this.abandoned.add(key);
          writer.destroy();
          device.writer = null;
          device.state = 'away';
          device.nextChangeAt = now + prng.int32(this.gen, 2_000, 20_000);
          this.stats.leaves++;
          break;
      }
    }
  }

  /**
   * Stops editing and churn, brings every device that holds edits back online and waits until
   * all of them are acknowledged. Resolves with the number still unacknowledged.
   */
  async settle(timeoutMs: number): Promise<number> {
    this.isEditing = false;
    const now = Date.now();
    for (const device of this.devices) {
      if (device.state === 'offline' && device.writer) {
        device.writer.connect(this.options.syncUrl);
        this.goOnline(device, now);
      }
      // Nobody joins or leaves any more, but closed raw connections still dial again.
      if (device.state === 'away') device.nextChangeAt = Number.POSITIVE_INFINITY;
      if (device.state === 'online') device.nextChangeAt = Number.POSITIVE_INFINITY;
    }
    const unacked = () =>
      this.devices.reduce((n, d) => n + (d.writer ? d.writer.ledger.unacked : 0), 0);
    const deadline = Date.now() + timeoutMs;
    while (unacked() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // Let devices that are leaving finish doing so.
    while (this.devices.some((d) => d.state === 'leaving') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    return unacked();
  }

  /**
   * Compares every online device's doc with a fresh copy loaded from the relay, retrying while
   * updates are still on their way. Resolves with one line per room that did not converge.
   */
  async divergences(token: string, timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const problems: string[] = [];
      for (const [room, name] of this.options.rooms.entries()) {
        const here = this.devices.filter((d) => d.room === room && d.state === 'online');
        if (here.length === 0) continue;
        const loaded = await loadRoom(this.options.syncUrl, name, token);
        const expected = JSON.stringify(contentsOf(loaded));
        loaded.destroy();
        const differing = here.filter((d) => JSON.stringify(d.writer!.contents()) !== expected);
        if (differing.length > 0) {
          problems.push(
            `${name}: ${differing.length} of ${here.length} devices differ from the relay's copy`,
          );
        }
      }
      if (problems.length === 0 || Date.now() >= deadline) return problems;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Every device leaves; the fleet stops. */
  leaveAll(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const device of this.devices) {
      device.writer?.destroy();
      device.writer = null;
      device.state = 'away';
    }
  }
}

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Fanout, FanoutMessage, FanoutPort } from './Fanout.ts';

const STORED = 1;
const AWARENESS = 2;
const MEMBER = 3;
const AWARENESS_QUERY = 4;
const SENDER_BYTES = 8;

export type RedisFanoutOptions = {
  /** `redis://host:port`. */
  url: string;
  /** Prefix of every channel name, so deployments can share a Redis. Default `grassroots:`. */
  prefix?: string;
  /**
   * The connections' names in Redis's `CLIENT LIST`: `<name>:publish` and `<name>:subscribe`.
   * Default `grassroots-relay`.
   */
  name?: string;
  /** Told when Redis cannot be reached or a message cannot be read (nothing else happens). */
  onError?: (error: unknown) => void;
};

type Port = {
  id: string;
  handler: (message: FanoutMessage) => void;
  onConnected: (() => void) | undefined;
  rooms: Set<string>;
};

/**
 * Fan-out over Redis pub/sub: one channel per room (a process subscribes only to the rooms it
 * holds) and one for member changes. Pub/sub is at most once, and while Redis is away nothing is
 * queued: a lost doorbell only delays a room until its relay's periodic check reads the store.
 * The bus is up when both connections are ready and every channel listened to is subscribed again
 * (confirmed by Redis); each time it comes up, every port is told (`onConnected`), so that rooms
 * announce their presence again instead of waiting for each device's next renewal.
 */
export class RedisFanout implements Fanout {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private readonly ports = new Map<string, Port>();
  /** How many ports of this process listen to each channel. */
  private readonly listeners = new Map<string, number>();
  /** Each listened channel's SUBSCRIBE, settled once Redis has confirmed it (or failed). */
  private readonly subscribed = new Map<string, Promise<void>>();
  private readonly onError: (error: unknown) => void;
  private isPublisherReady = false;
  /** True once the subscriber is ready and has every listened channel subscribed again. */
  private isSubscriberReady = false;
  /** Counts the subscriber's connections, so a late confirmation of an old one is ignored. */
  private subscriberTurn = 0;
  private isUp = false;
  private isClosed = false;
  private readonly upWaiters: (() => void)[] = [];

  constructor(options: RedisFanoutOptions) {
    this.prefix = options.prefix ?? 'grassroots:';
    this.onError = options.onError ?? (() => {});
    const common = {
      // Reconnect forever, backing off to 2 s; a doorbell is never worth waiting for.
      retryStrategy: (times: number) => Math.min(2000, 50 * times),
      maxRetriesPerRequest: 1,
      lazyConnect: false,
    };
    const name = options.name ?? 'grassroots-relay';
    this.publisher = new Redis(options.url, {
      ...common,
      connectionName: `${name}:publish`,
      enableOfflineQueue: false,
    });
    // Channels are subscribed again by `resubscribe`, which knows when Redis has confirmed them.
    this.subscriber = new Redis(options.url, {
      ...common,
      connectionName: `${name}:subscribe`,
      autoResubscribe: false,
    });
    this.publisher.on('error', this.onError);
    this.subscriber.on('error', this.onError);
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) =>
      this.receive(channel.toString(), message),
    );
    this.publisher.on('ready', () => {
      this.isPublisherReady = true;
      this.checkUp();
    });
    this.publisher.on('close', () => {
      this.isPublisherReady = false;
      this.isUp = false;
    });
    this.subscriber.on('ready', () => void this.resubscribe());
    this.subscriber.on('close', () => {
      this.subscriberTurn++;
      this.isSubscriberReady = false;
      this.isUp = false;
    });
    this.listen(this.controlChannel());
  }

  /** Resolves once the bus is up: both connections ready, every channel subscribed. */
  ready(): Promise<void> {
    if (this.isUp) return Promise.resolve();
    return new Promise((resolve) => this.upWaiters.push(resolve));
  }

  /** On a new subscriber connection: subscribes every channel listened to, then checks the bus. */
  private async resubscribe(): Promise<void> {
    const turn = this.subscriberTurn;
    const channels = [...this.listeners.keys()];
    try {
      if (channels.length > 0) await this.subscriber.subscribe(...channels);
    } catch (error) {
      // The connection failed again: its next `ready` tries once more.
      this.onError(error);
      return;
    }
    if (turn !== this.subscriberTurn || this.isClosed) return;
    this.isSubscriberReady = true;
    this.checkUp();
  }

  private checkUp(): void {
    if (this.isUp || this.isClosed || !this.isPublisherReady || !this.isSubscriberReady) return;
    this.isUp = true;
    for (const resolve of this.upWaiters.splice(0)) resolve();
    for (const port of this.ports.values()) {
      try {
        port.onConnected?.();
      } catch (error) {
        this.onError(error);
      }
    }
  }

  private roomChannel(room: string): string {
    return `${this.prefix}room:${room}`;
  }

  private controlChannel(): string {
    return `${this.prefix}control`;
  }

  private listen(channel: string): Promise<void> {
    const n = this.listeners.get(channel) ?? 0;
    this.listeners.set(channel, n + 1);
    if (n === 0) {
      this.subscribed.set(
        channel,
        this.subscriber.subscribe(channel).then(() => undefined, this.onError),
      );
    }
    return this.subscribed.get(channel) ?? Promise.resolve();
  }

  private unlisten(channel: string): void {
    const n = this.listeners.get(channel) ?? 0;
    if (n <= 1) {
      this.listeners.delete(channel);
      this.subscribed.delete(channel);
      if (n === 1) this.subscriber.unsubscribe(channel).catch(this.onError);
    } else this.listeners.set(channel, n - 1);
  }

  join(handler: (message: FanoutMessage) => void, onConnected?: () => void): FanoutPort {
    const port: Port = {
      id: randomBytes(SENDER_BYTES).toString('hex'),
      handler,
      onConnected,
      rooms: new Set(),
    };
    this.ports.set(port.id, port);
    return {
      publish: (message) => this.publish(port, message),
      subscribe: (room) => {
        if (port.rooms.has(room))
          return this.subscribed.get(this.roomChannel(room)) ?? Promise.resolve();
        port.rooms.add(room);
        return this.listen(this.roomChannel(room));
      },
      unsubscribe: (room) => {
        if (!port.rooms.delete(room)) return;
        this.unlisten(this.roomChannel(room));
      },
      leave: () => {
        if (!this.ports.delete(port.id)) return;
        for (const room of port.rooms) this.unlisten(this.roomChannel(room));
        port.rooms.clear();
      },
    };
  }

  private publish(from: Port, message: FanoutMessage): void {
    const encoder = encoding.createEncoder();
    encoding.writeUint8Array(encoder, Buffer.from(from.id, 'hex'));
    let channel: string;
    switch (message.kind) {
      case 'stored':
        encoding.writeVarUint(encoder, STORED);
        encoding.writeVarUint(encoder, message.seq);
        channel = this.roomChannel(message.room);
        break;
      case 'awareness':
        encoding.writeVarUint(encoder, AWARENESS);
        encoding.writeVarUint(encoder, message.payloads.length);
        for (const p of message.payloads) encoding.writeVarUint8Array(encoder, p);
        channel = this.roomChannel(message.room);
        break;
      case 'awareness-query':
        encoding.writeVarUint(encoder, AWARENESS_QUERY);
        channel = this.roomChannel(message.room);
        break;
      case 'member':
        encoding.writeVarUint(encoder, MEMBER);
        encoding.writeVarString(
          encoder,
          JSON.stringify({
            memberId: message.memberId,
            code: message.code,
            reason: message.reason,
          }),
        );
        channel = this.controlChannel();
        break;
    }
    const bytes = encoding.toUint8Array(encoder);
    // Ports of this process that listen get it directly; Redis carries it to other processes
    // (and back here, where the sender id tells it apart).
    this.deliver(from.id, channel, message);
    this.publisher
      .publish(channel, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      .catch(this.onError);
  }

  private receive(channel: string, data: Buffer): void {
    let message: FanoutMessage;
    let sender: string;
    try {
      const decoder = decoding.createDecoder(
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      );
      sender = Buffer.from(decoding.readUint8Array(decoder, SENDER_BYTES)).toString('hex');
      const kind = decoding.readVarUint(decoder);
      const room = channel.startsWith(`${this.prefix}room:`)
        ? channel.slice(`${this.prefix}room:`.length)
        : null;
      if (kind === STORED && room !== null) {
        message = { kind: 'stored', room, seq: decoding.readVarUint(decoder) };
      } else if (kind === AWARENESS && room !== null) {
        const n = decoding.readVarUint(decoder);
        const payloads: Uint8Array[] = [];
        for (let i = 0; i < n; i++) payloads.push(decoding.readVarUint8Array(decoder));
        message = { kind: 'awareness', room, payloads };
      } else if (kind === AWARENESS_QUERY && room !== null) {
        message = { kind: 'awareness-query', room };
      } else if (kind === MEMBER && room === null) {
        const body = JSON.parse(decoding.readVarString(decoder)) as Record<string, unknown>;
        if (
          typeof body.memberId !== 'string' ||
          typeof body.code !== 'number' ||
          typeof body.reason !== 'string'
        )
          throw new Error('bad member message');
        message = { kind: 'member', memberId: body.memberId, code: body.code, reason: body.reason };
      } else throw new Error(`unknown fan-out message ${kind} on ${channel}`);
    } catch (error) {
      this.onError(error);
      return;
    }
    // Sent by a port of this process: delivered already when it was published.
    if (this.ports.has(sender)) return;
    this.deliver(null, channel, message);
  }

  private deliver(senderId: string | null, channel: string, message: FanoutMessage): void {
    for (const port of this.ports.values()) {
      if (port.id === senderId) continue;
      if (message.kind !== 'member' && !port.rooms.has(message.room)) continue;
      if (message.kind === 'member' && channel !== this.controlChannel()) continue;
      try {
        port.handler(message);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  async close(): Promise<void> {
    this.isClosed = true;
    this.ports.clear();
    this.listeners.clear();
    this.subscribed.clear();
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}

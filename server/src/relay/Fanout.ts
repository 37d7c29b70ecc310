/**
 * Messages between relay processes that share one store. The store is the log; the fan-out only
 * rings the doorbell: "room R has rows up to seq N". A process that holds R and has applied less
 * fetches the missing rows from the store. Presence (awareness) is never stored, so it travels
 * here in full. Member changes reach every process, whatever rooms it holds.
 */
export type FanoutMessage =
  /** Rows of `room` up to `seq` are committed to the store. */
  | { kind: 'stored'; room: string; seq: number }
  /** Awareness updates of `room`, in order (several batched into one message). */
  | { kind: 'awareness'; room: string; payloads: Uint8Array[] }
  /**
   * A process began holding `room`: the other holders answer with the presence of their own
   * connections (an `awareness` message), so it does not wait for each device's next renewal.
   */
  | { kind: 'awareness-query'; room: string }
  /** A member's sockets must close everywhere (revoked, role changed). */
  | { kind: 'member'; memberId: string; code: number; reason: string };

export type RoomMessage = Extract<FanoutMessage, { room: string }>;

export type FanoutPort = {
  /** Sends to every other member of the bus that listens (room messages: to the room's holders). */
  publish(message: FanoutMessage): void;
  /**
   * From now on, hear the room's messages. Idempotent. Resolves once the bus delivers them (a
   * shared bus confirms the subscription; it also resolves when the bus is away, after telling
   * its error handler: the periodic store check covers what goes unheard).
   */
  subscribe(room: string): Promise<void>;
  /** Stop hearing the room's messages. Idempotent. */
  unsubscribe(room: string): void;
  leave(): void;
};

/**
 * The bus between relay processes. Delivery is at most once and may be late: a room that missed
 * a `stored` message still catches up, because each relay also checks its rooms' last seq in the
 * store from time to time.
 */
export interface Fanout {
  /**
   * Joins the bus: `handler` hears what the other members publish, never its own messages.
   * `onConnected` is called each time a shared bus is up again after being away (Redis started
   * after the process, or restarted): from then on the port's subscriptions are in effect and what
   * it publishes is carried; what was published while it was away went nowhere. An in-process
   * bus is never away and never calls it.
   */
  join(handler: (message: FanoutMessage) => void, onConnected?: () => void): FanoutPort;
  close(): Promise<void>;
}

type Member = { handler: (message: FanoutMessage) => void; rooms: Set<string> };

/** Fan-out among relays in one process; with a single relay it delivers nothing. */
export class LocalFanout implements Fanout {
  private readonly members = new Set<Member>();

  join(handler: (message: FanoutMessage) => void): FanoutPort {
    const self: Member = { handler, rooms: new Set() };
    this.members.add(self);
    return {
      publish: (message) => {
        for (const other of this.members) {
          if (other === self) continue;
          if (message.kind !== 'member' && !other.rooms.has(message.room)) continue;
          other.handler(message);
        }
      },
      subscribe: async (room) => {
        self.rooms.add(room);
      },
      unsubscribe: (room) => self.rooms.delete(room),
      leave: () => this.members.delete(self),
    };
  }

  async close(): Promise<void> {
    this.members.clear();
  }
}

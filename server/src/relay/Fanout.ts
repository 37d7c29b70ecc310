/** A message relayed between relay processes that hold the same room. */
export type FanoutMessage = { kind: 'update' | 'awareness'; room: string; payload: Uint8Array };

export type FanoutPort = {
  /** Sends to every other member of the bus. */
  publish(message: FanoutMessage): void;
  leave(): void;
};

/**
 * Relays committed updates and awareness between relay processes. Storage is shared, so a
 * process that receives an update this way applies and relays it but never stores it again.
 */
export interface Fanout {
  /** Joins the bus: `handler` hears what the other members publish, never its own messages. */
  join(handler: (message: FanoutMessage) => void): FanoutPort;
  close(): Promise<void>;
}

/** Fan-out among relays in one process; with a single relay it delivers nothing. */
export class LocalFanout implements Fanout {
  private readonly handlers = new Set<(message: FanoutMessage) => void>();

  join(handler: (message: FanoutMessage) => void): FanoutPort {
    this.handlers.add(handler);
    return {
      publish: (message) => {
        for (const other of this.handlers) if (other !== handler) other(message);
      },
      leave: () => this.handlers.delete(handler),
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

import type { Auth } from './auth/Auth.ts';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import type { Metrics } from './metrics.ts';
import type { Relay } from './relay/Relay.ts';
import type { BlobStore } from './storage/BlobStore.ts';
import type { DeletedDocStore } from './storage/DeletedDocStore.ts';
import type { AuthStore, DocStore } from './storage/DocStore.ts';
import type { PublicBoardStore } from './storage/PublicBoardStore.ts';

/** What route modules and features get from the running server (see `startServer`). */
export type ServerDeps = {
  config: Config;
  store: DocStore & AuthStore & DeletedDocStore & PublicBoardStore;
  auth: Auth;
  relay: Relay;
  log: Logger;
  metrics: Metrics;
  /** Attached files (BLOB-1..8). */
  blobs: BlobStore;
};

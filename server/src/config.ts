import { BlobLimits, DefaultLimits } from '@grassroots/shared';
import { z } from 'zod';

const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Every setting of the relay, with the default that runs out of the box. */
export const configSchema = z
  .object({
    /** TCP port for API, WebSocket and client; 0 picks a free port. Default 4321. */
    port: intFrom(0, 65535).default(4321),
    /** Address to bind. Default 0.0.0.0 (all interfaces). */
    host: z.string().min(1).default('0.0.0.0'),
    /** Folder holding the SQLite file. Default ./data. */
    dataDir: z.string().min(1).default('./data'),
    /**
     * PostgreSQL connection string (`postgres://user:pass@host:5432/db`). When set, documents,
     * members and invites are stored there instead of the SQLite file, so several relay
     * processes can share them. Default: unset (SQLite in `dataDir`).
     */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
      .optional(),
    /**
     * Redis URL (`redis://host:6379`) for the bus between relay processes that share one
     * PostgreSQL: doorbells for stored rows, presence and member changes. Default: unset (one
     * process, in-process bus).
     */
    redisUrl: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis://')
      .optional(),
    /**
     * SQLite's durability: `full` (default) makes an acknowledged write survive a power cut;
     * `normal` only a process crash (see SqliteStoreOptions). Measured: `pnpm bench:relay`.
     */
    sqliteSynchronous: z.enum(['full', 'normal']).default('full'),
    /**
     * `1` when the relay sits behind a proxy of the operator's (nginx in `scripts/cluster.sh`)
     * that sets `X-Forwarded-For`: each reader is then counted by the address the proxy saw (its
     * last entry), not the proxy's own, for the limits per address (connection attempts, public
     * pages). Default `0`: the header is not believed (anyone can send it).
     */
    trustProxy: intFrom(0, 1).default(0),
    /**
     * A storage commit starts at most this long after the previous one, ms; writes of every room
     * that arrive in between join it (UPD-6), and nothing is relayed or acknowledged before its
     * commit. Each commit at `sqliteSynchronous = full` is a disk sync, so on a busy relay this
     * bounds syncs to 100 a second for at most 10 ms more latency; an idle relay commits at once.
     * 0: once per turn of the event loop. Default 10. Measured side by side in the many-rooms
     * benchmark (`bench:relay --variant`; 100 and 200 rooms of 5): 20 halves the syncs and adds
     * 8–15 ms to the p99 latency, while the CPU per delivery it saves (0–11 %) is within the run
     * to run noise of a 2-core machine.
     */
    commitIntervalMs: intFrom(0, 1000).default(10),
    /**
     * A reader (a connection whose own writes are all acknowledged) is told the new stored state
     * vector with a relay at most this often, ms, and on its own about four times this after the
     * room went quiet (UPD-7); an author hears its ack with a relay to it, or alone at most this
     * often. Default 250.
     */
    ackIntervalMs: intFrom(0, 10_000).default(250),
    /** Folder of the built client served at `/`; empty to serve none. Default client/dist. */
    clientDir: z.string().default('client/dist'),
    /** Public base URL used in invite links; default derived from the request. */
    publicUrl: z.url().optional(),
    /** Largest WebSocket message accepted, bytes. */
    maxMessageBytes: intFrom(1024, 256 * 1024 * 1024).default(DefaultLimits.maxMessageBytes),
    /** Largest chunk sent in one message when a big doc syncs, bytes. */
    syncChunkBytes: intFrom(1024, 64 * 1024 * 1024).default(DefaultLimits.syncChunkBytes),
    /** Largest JSON request body, bytes. */
    maxJsonBytes: intFrom(64, 16 * 1024 * 1024).default(DefaultLimits.maxJsonBytes),
    /** Largest attached image, bytes (BLOB-2). Default 8 MiB. */
    maxImageBytes: intFrom(1024, 1024 * 1024 * 1024).default(BlobLimits.maxImageBytes),
    /** Largest attached PDF, bytes (BLOB-2). Default 20 MiB. */
    maxPdfBytes: intFrom(1024, 1024 * 1024 * 1024).default(BlobLimits.maxPdfBytes),
    /** Largest body of one blob upload request, bytes; clients send chunks of this. Default 1 MiB. */
    maxBlobChunkBytes: intFrom(1024, 64 * 1024 * 1024).default(BlobLimits.maxChunkBytes),
    /**
     * Connection attempts allowed per client address in each window. Generous by default: a
     * device opens one connection per doc when it catches up, and a village shares one address.
     */
    connectionsPerWindow: intFrom(1, 1_000_000).default(300),
    /** Length of that window, ms. */
    connectionWindowMs: intFrom(100, 3_600_000).default(10_000),
    /** Messages a connection may send per second, sustained. */
    messagesPerSecond: intFrom(1, 1_000_000).default(200),
    /** Burst of messages a connection may send above the sustained rate. */
    messageBurst: intFrom(1, 1_000_000).default(1000),
    /** Bytes of writes of one room that may wait for storage before senders are turned away. */
    maxQueuedBytes: intFrom(1024, 4 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
    /** Largest awareness (presence) update accepted, bytes. */
    maxAwarenessBytes: intFrom(256, 16 * 1024 * 1024).default(64 * 1024),
    /** Entries one awareness update may carry (a stock client sends every state it heard). */
    maxAwarenessEntries: intFrom(1, 100_000).default(1000),
    /** Deepest nesting of objects and arrays in one awareness state (a caret needs about 4). */
    maxAwarenessDepth: intFrom(1, 64).default(8),
    /**
     * Connections one member may hold open to one document (CONN-3): tabs and devices of one
     * person; past it a new one is refused with 429. Default 16.
     */
    maxConnectionsPerMember: intFrom(1, 10_000).default(16),
    /**
     * Connections one member may hold open to all documents on one process (CONN-4): a device
     * syncs a few documents at a time and shows a few; past it a new one is refused with 429.
     */
    maxConnectionsPerMemberTotal: intFrom(1, 100_000).default(256),
    /** UTF-8 bytes of one presence state of a member's own (AW-8): a name, a colour, a caret. */
    maxPresenceStateBytes: intFrom(256, 1024 * 1024).default(8 * 1024),
    /**
     * WORK-1: each member's share of the relay's main thread for work a request decides the cost
     * of (rebuilding a history, checking a comments write), ms of work a second sustained (200:
     * a fifth of a core) and ms at once (3,000: with 15 s, one member's queued comment checks held
     * the relay 20 s before the budget closed it). A member past it is refused until paid back.
     */
    workMsPerSecond: intFrom(1, 1000).default(200),
    workBurstMs: intFrom(100, 600_000).default(3_000),
    /**
     * WRITE-1: bytes of changes one member may add to documents, a second sustained (64 KiB:
     * about 5 GB a day, far past any village's typing) and at once (64 MiB: a device back after
     * weeks offline). A member past it is closed (4429) and re-sends once paid back; without it an
     * editor filled the disk at the speed of the network.
     */
    writeBytesPerSecond: intFrom(1, 1024 * 1024 * 1024).default(64 * 1024),
    writeBurstBytes: intFrom(64 * 1024, 16 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
    /** Awareness client ids one connection may own (a tab has one per document). */
    maxAwarenessIdsPerConnection: intFrom(1, 1000).default(4),
    /**
     * UPD-10: steps Yjs may take placing one update's items among those inserted at the same
     * place concurrently (about 0.3 µs each); an update that needs more is refused. An honest
     * device back from weeks offline takes thousands; made-up origins took 40 million (10 s).
     */
    maxIntegrationSteps: intFrom(1000, 1_000_000_000).default(250_000),
    /**
     * UPD-14: structs (Yjs's items and deleted runs) one document may hold, each about 200 bytes
     * in memory; an update that could take it past them is refused. An honest year of a village's
     * records holds a few thousand; 499,000 one-character deletions in 2 MB split one item into a
     * million (1 GB and 3–5 s each time the room loaded).
     */
    maxDocStructs: intFrom(1000, 1_000_000_000).default(500_000),
    /** Bytes of structs waiting for missing dependencies one room keeps before dropping them. */
    maxPendingStructBytes: intFrom(1024, 1024 * 1024 * 1024).default(4 * 1024 * 1024),
    /**
     * UPD-11: the same over every room of the process. Such structs are never stored nor charged
     * to WRITE-1, so without it one member's 256 connections each kept 4 MiB (1.2 GB).
     */
    maxPendingStructBytesTotal: intFrom(1024, 16 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
    /** A peer that does not answer the relay's close frame within this long is dropped, ms. */
    closeGraceMs: intFrom(10, 60_000).default(2000),
    /**
     * First syncs (a whole doc, or what a device lacks of it) one member may be sent in one room,
     * as bytes of the doc per second and a burst above that; one asked beyond waits its turn
     * (a stock client asks once per connection, so a member's devices never wait). Each costs
     * the relay an encoding of the doc: asking again and again must not take the process.
     */
    syncBytesPerSecond: intFrom(64 * 1024, 4 * 1024 * 1024 * 1024).default(4 * 1024 * 1024),
    syncBurstBytes: intFrom(64 * 1024, 4 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
    /**
     * A big doc's first sync goes in chunks, each sent once the last left for the network; a
     * peer that takes longer than this for one chunk (256 KiB by default) is dropped, ms.
     */
    syncDrainTimeoutMs: intFrom(1000, 3_600_000).default(120_000),
    /** Bytes waiting to be sent to one connection before it is closed as too slow. */
    maxBufferedBytes: intFrom(64 * 1024, 4 * 1024 * 1024 * 1024).default(32 * 1024 * 1024),
    /** Messages buffered per connection while its room is still loading. */
    maxPendingMessages: intFrom(1, 100_000).default(200),
    /** Bytes buffered per connection while its room is still loading. */
    maxPendingBytes: intFrom(1024, 1024 * 1024 * 1024).default(32 * 1024 * 1024),
    /** A room with no connection is unloaded from memory after this long, ms. */
    unloadAfterMs: intFrom(0, 24 * 3_600_000).default(30_000),
    /**
     * How often each relay reads the last stored seq of the rooms it holds, ms. The fan-out bus
     * is at most once; this bounds how late a room can be after a lost message. One indexed
     * query per relay per period, whatever the number of rooms.
     */
    storedCheckMs: intFrom(100, 600_000).default(2000),
    /** Stored rows of one room above which the room is compacted. */
    compactAfterRows: intFrom(2, 10_000_000).default(500),
    /**
     * BLOB-9: an attached file's upload that received no bytes for this many days is dropped (its
     * device lost, the photo given up), so half-sent files do not fill the disk. Checked when the
     * relay starts and every 6 hours. Default 7.
     */
    staleUploadDays: intFrom(1, 3650).default(7),
    /**
     * BLOB-10: what one workspace's attached files may take on the relay, MiB; a new upload that
     * would pass it is refused (507 `blobQuota`) and stays waiting on its device. 0: no limit.
     * Default 2048 (about 7,000 photos as the app shrinks them).
     */
    workspaceBlobQuotaMb: intFrom(0, 1024 * 1024 * 1024).default(2048),
    /** Updates of one author closer together than this form one history entry, ms. */
    burstGapMs: intFrom(1, 24 * 3_600_000).default(5 * 60_000),
    /** First retry delay after a failed storage write, ms (doubles up to 5 s). */
    storeRetryMs: intFrom(1, 60_000).default(100),
    /** WebSocket keep-alive ping interval, ms. */
    pingIntervalMs: intFrom(100, 600_000).default(30_000),
    /** Log level. */
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
  })
  .strict();

export type Config = Readonly<z.infer<typeof configSchema>>;
export type ConfigInput = z.input<typeof configSchema>;

/** Thrown when flags or environment hold a bad value; the message names the setting. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses settings once into a frozen object; throws ConfigError naming each bad setting. */
export function parseConfig(input: Record<string, unknown>): Config {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(config)';
      return `${key}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration\n  ${lines.join('\n  ')}`);
  }
  if (result.data.redisUrl && !result.data.databaseUrl) {
    throw new ConfigError(
      'invalid configuration\n  redisUrl: REDIS_URL needs DATABASE_URL (processes that share a bus must share one store)',
    );
  }
  // PostgreSQL sends a file as hex text in one message: past this, it could not be read back.
  const MAX_FILE_IN_POSTGRES = 256 * 1024 * 1024;
  const largest = Math.max(result.data.maxImageBytes, result.data.maxPdfBytes);
  if (result.data.databaseUrl && largest > MAX_FILE_IN_POSTGRES) {
    throw new ConfigError(
      'invalid configuration\n  maxPdfBytes, maxImageBytes: with DATABASE_URL attached files are kept in PostgreSQL, at most 256 MiB each',
    );
  }
  return Object.freeze(result.data);
}

const ENV_KEYS: Record<string, keyof z.input<typeof configSchema>> = {
  PORT: 'port',
  HOST: 'host',
  DATA_DIR: 'dataDir',
  CLIENT_DIR: 'clientDir',
  PUBLIC_URL: 'publicUrl',
  LOG_LEVEL: 'logLevel',
  MAX_MESSAGE_BYTES: 'maxMessageBytes',
  MAX_DOC_STRUCTS: 'maxDocStructs',
  UNLOAD_AFTER_MS: 'unloadAfterMs',
  DATABASE_URL: 'databaseUrl',
  SQLITE_SYNCHRONOUS: 'sqliteSynchronous',
  TRUST_PROXY: 'trustProxy',
  COMMIT_INTERVAL_MS: 'commitIntervalMs',
  ACK_INTERVAL_MS: 'ackIntervalMs',
  REDIS_URL: 'redisUrl',
  MAX_IMAGE_BYTES: 'maxImageBytes',
  MAX_PDF_BYTES: 'maxPdfBytes',
  STALE_UPLOAD_DAYS: 'staleUploadDays',
  WORKSPACE_BLOB_QUOTA_MB: 'workspaceBlobQuotaMb',
};

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Reads settings from the environment first, then flags (`--port 8080`, `--data DIR`), flags
 * winning. Unknown flags are errors, so a typo never silently falls back to a default.
 */
export function configInputFrom(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const known = new Set(Object.keys(configSchema.shape));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}"`);
    const [rawName, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    let key = camel(rawName);
    if (key === 'data') key = 'dataDir';
    if (!known.has(key)) throw new ConfigError(`unknown flag --${rawName}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`flag --${rawName} needs a value`);
    input[key] = value;
  }
  return input;
}

export { Auth, type CreatedWorkspace } from './auth/Auth.ts';
export { hashToken, newId, newToken } from './auth/tokens.ts';
export {
  type Config,
  ConfigError,
  type ConfigInput,
  configInputFrom,
  configSchema,
  parseConfig,
} from './config.ts';
export type { ServerDeps } from './deps.ts';
export { HttpError } from './errors.ts';
export { type Comparison, History, type HistoryOptions, kindOf } from './history/History.ts';
export { type Route, route } from './http/api.ts';
export { readJson, sendJson } from './http/json.ts';
export { createLogger, type Logger, redactUrl } from './log.ts';
export {
  type Fanout,
  type FanoutMessage,
  type FanoutPort,
  LocalFanout,
  type RoomMessage,
} from './relay/Fanout.ts';
export { RedisFanout, type RedisFanoutOptions } from './relay/RedisFanout.ts';
export { Relay } from './relay/Relay.ts';
export {
  type RunningServer,
  type ServerParts,
  sqlitePath,
  startServer,
} from './server.ts';
export {
  type BlobInfo,
  type BlobStore,
  BlobStoreError,
  type UploadState,
} from './storage/BlobStore.ts';
export type { DeletedDoc, DeletedDocStore } from './storage/DeletedDocStore.ts';
export type {
  AuthStore,
  CompactOptions,
  DocStore,
  Invite,
  Member,
  NamedVersion,
  NewUpdate,
  StoredUpdate,
  Workspace,
} from './storage/DocStore.ts';
export { FsBlobStore } from './storage/FsBlobStore.ts';
export { PostgresBlobStore } from './storage/PostgresBlobStore.ts';
export { PostgresStore, type PostgresStoreOptions } from './storage/PostgresStore.ts';
export type {
  LivePublication,
  NewPublication,
  PublicBoard,
  PublicBoardStore,
  StoredPublication,
} from './storage/PublicBoardStore.ts';
export { SqliteStore, type SqliteStoreOptions } from './storage/SqliteStore.ts';

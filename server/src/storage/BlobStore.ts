import type { Readable } from 'node:stream';
import type { BlobType } from '@grassroots/shared';

/** A stored blob's description. */
export type BlobInfo = { hash: string; type: BlobType; size: number };

/** Where an upload stands: bytes held so far, and whether the blob is complete and checked. */
export type UploadState = { offset: number; isComplete: boolean };

/**
 * BLOB-16: an upload in progress that received no bytes for this long counts at what it holds,
 * not at its declared size, until its next chunk (which is then checked against the quota as a
 * new upload's first one). An hour: a phone on a weak network resumes within minutes of finding
 * one; a file given up on stops holding room the workspace's others need.
 */
export const IDLE_UPLOAD_MS = 60 * 60 * 1000;

/** What a workspace's files take on the store (BLOB-10). */
export type BlobUsage = {
  /**
   * Bytes of complete blobs, plus the declared size of each upload in progress (what it holds,
   * once idle: BLOB-16).
   */
  bytes: number;
  /** Complete blobs and uploads in progress. */
  files: number;
};

/** Why a store refused a write; the routes map each to an HTTP status. */
export class BlobStoreError extends Error {
  constructor(
    readonly code: 'offset' | 'hash-mismatch' | 'size' | 'type-mismatch',
    message: string,
    /** For `offset`: the offset the store holds, so the client can resume from there. */
    readonly offset = 0,
  ) {
    super(message);
    this.name = 'BlobStoreError';
  }
}

/**
 * Content-addressed file storage, one namespace per workspace (BLOB-1). A blob is written in
 * chunks at increasing offsets (an upload may stop anywhere and resume at `state().offset`,
 * BLOB-4) and becomes readable only when its last byte arrived and the SHA-256 of all its bytes
 * equals its name (BLOB-3). Implementations: FsBlobStore (files under the data folder); an
 * S3-compatible one must pass the same contract (BlobStore.contract.ts).
 */
export interface BlobStore {
  /** The complete blob's description, or null when there is none (partial uploads are none). */
  info(workspaceId: string, hash: string): Promise<BlobInfo | null>;
  /** How much of the blob the store holds. */
  state(workspaceId: string, hash: string): Promise<UploadState>;
  /**
   * BLOB-16: when an upload in progress last received bytes (ms since the epoch); null when the
   * blob is complete or no upload of it is in progress.
   */
  touchedAt(workspaceId: string, hash: string): Promise<number | null>;
  /**
   * Appends `bytes` at `offset` of a blob of `size` bytes and `type`. Throws BlobStoreError
   * `offset` unless `offset` is what `state` reports (a complete blob accepts any write as a
   * no-op), `size` when the bytes would pass `size`, `type-mismatch` when an upload in progress
   * had another size or type. When the last byte arrives the hash is checked: on a mismatch the
   * partial data is dropped and `hash-mismatch` thrown.
   */
  write(
    workspaceId: string,
    hash: string,
    meta: { type: BlobType; size: number },
    offset: number,
    bytes: Uint8Array,
  ): Promise<UploadState>;
  /** The bytes of a complete blob, or null. */
  read(workspaceId: string, hash: string): Promise<{ info: BlobInfo; bytes: Uint8Array } | null>;
  /**
   * BLOB-12: a complete blob's bytes as a stream read a slice at a time, or null: a download
   * holds a slice in memory while the peer reads, not the whole file.
   */
  open(workspaceId: string, hash: string): Promise<{ info: BlobInfo; stream: Readable } | null>;
  /**
   * BLOB-9: drops every upload in progress that received no bytes for `maxAgeMs` before `now`
   * (a phone lost, a photo given up): its bytes would otherwise stay on the disk for ever. An
   * upload dropped starts again from byte 0 if its device comes back. Complete blobs are never
   * touched. Resolves with how many uploads were dropped.
   */
  dropStaleUploads(maxAgeMs: number, now?: number): Promise<number>;
  /**
   * BLOB-10: what the workspace's files take: complete blobs, and uploads in progress at the size
   * they declared (what they will take once complete), or at what they hold once they received
   * nothing for `IDLE_UPLOAD_MS` before `now` (BLOB-16). `exceptHash` leaves one upload in
   * progress out (the one asking whether it fits).
   */
  usage(workspaceId: string, exceptHash?: string, now?: number): Promise<BlobUsage>;
  /**
   * BLOB-10: runs `work` (an upload's quota check and the first chunk it lets through) in turn
   * with every other upload of the workspace starting, on any relay process sharing the store:
   * checked side by side, each would count the room the others are about to take.
   */
  startingInTurn<T>(workspaceId: string, work: () => Promise<T>): Promise<T>;
}

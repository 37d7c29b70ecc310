import type { Readable } from 'node:stream';
import type { BlobType } from '@grassroots/shared';

/** A stored blob's description. */
export type BlobInfo = { hash: string; type: BlobType; size: number };

/** Where an upload stands: bytes held so far, and whether the blob is complete and checked. */
export type UploadState = { offset: number; isComplete: boolean };

/** What a workspace's files take on the store (BLOB-10). */
export type BlobUsage = {
  /** Bytes of complete blobs, plus the declared size of each upload in progress. */
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
   * they declared (what they will take once complete). `exceptHash` leaves one upload in progress
   * out (the one asking whether it fits).
   */
  usage(workspaceId: string, exceptHash?: string): Promise<BlobUsage>;
}

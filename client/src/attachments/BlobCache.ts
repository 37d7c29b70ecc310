import type { BlobType } from '@grassroots/shared';

/** A file's bytes kept on the device, by the SHA-256 that names it. */
export type CachedBlob = {
  hash: string;
  type: BlobType;
  size: number;
  bytes: Blob;
  /** True until the relay has the whole blob: never evicted (BLOB-C2). */
  isPending: boolean;
  /** Last time it was shown, ms: the least recently shown uploaded blobs are evicted first. */
  usedAt: number;
  /**
   * A record on this device removed the file while it waited (BLOB-C4): it still uploads (the
   * record's history names it, ATT-2) but a refusal of it is no longer reported.
   */
  isUnlisted?: boolean;
};

/**
 * The device's store of attached files: what is waiting to be uploaded and a cache of what is
 * on the relay. Implementation: IdbBlobCache.
 */
export interface BlobCache {
  /** Keeps a blob; rejects with `QuotaExceededError` when the device is full. */
  put(blob: CachedBlob): Promise<void>;
  get(hash: string): Promise<CachedBlob | null>;
  /** Blobs waiting for upload, oldest first. */
  pending(): Promise<CachedBlob[]>;
  /** Marks a blob as stored on the relay (now evictable). */
  markUploaded(hash: string): Promise<void>;
  /** Drops uploaded blobs, least recently shown first, until at most `keepBytes` of them stay. Returns bytes freed. */
  evictUploaded(keepBytes: number): Promise<number>;
}

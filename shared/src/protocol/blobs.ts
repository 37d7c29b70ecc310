import { z } from 'zod';

/**
 * Files attached to records (photos of a sign-in sheet, a PDF), stored by the relay content-
 * addressed per workspace: the name of a blob is the lowercase hex SHA-256 of its bytes. Rules
 * BLOB-1..n are in server/src/storage/SPEC.md.
 */
export const blobHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha-256');

/** The types a blob may have; anything else is refused (BLOB-6). */
export const BLOB_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export const blobTypeSchema = z.enum(BLOB_TYPES);
export type BlobType = z.infer<typeof blobTypeSchema>;

export const isBlobType = (v: unknown): v is BlobType =>
  typeof v === 'string' && (BLOB_TYPES as readonly string[]).includes(v);

/** Defaults for blob limits; the relay's config can override the byte limits. */
export const BlobLimits = {
  /** Largest image, bytes (a 1600 px JPEG at 0.8 is usually 200-600 kB). */
  maxImageBytes: 8 * 1024 * 1024,
  /** Largest PDF, bytes. */
  maxPdfBytes: 20 * 1024 * 1024,
  /** Largest body of one upload request, bytes; clients send chunks of at most this. */
  maxChunkBytes: 1024 * 1024,
  /** Long edge of an image after it is shrunk on the device, px. */
  imageLongEdge: 1600,
  /** JPEG quality of a shrunk image. */
  jpegQuality: 0.8,
  /** Attachments one record may hold. */
  attachmentsPerDoc: 200,
} as const;

/** The size limit of a blob type, bytes. */
export const maxBlobBytes = (type: BlobType): number =>
  type === 'application/pdf' ? BlobLimits.maxPdfBytes : BlobLimits.maxImageBytes;

/**
 * The answer to an upload chunk and to `GET …/blobs/:hash/upload`: how many bytes the relay holds
 * of the blob, and whether it is complete (stored and checked).
 */
export const blobUploadStateSchema = z.object({
  offset: z.number().int().min(0),
  isComplete: z.boolean(),
});
export type BlobUploadState = z.infer<typeof blobUploadStateSchema>;

/** Query parameters of an upload chunk `PUT …/blobs/:hash?offset=&size=&type=`. */
export const BlobParam = { offset: 'offset', size: 'size', type: 'type' } as const;

/** `GET /api/workspaces/:ws/blobs`: what the workspace's files take on the relay (BLOB-10). */
export type BlobUsageInfo = {
  /** Complete files, plus uploads in progress at the size they declared. */
  bytes: number;
  files: number;
  /** The workspace's limit, or null when the relay sets none. */
  quotaBytes: number | null;
};

import { BlobLimits, type BlobType, isBlobType, maxBlobBytes } from '@grassroots/shared';
import { digest } from 'lib0/hash/sha256';

/** A file made ready to attach: its final bytes, their hash and what the record says of them. */
export type PreparedFile = {
  bytes: Blob;
  hash: string;
  type: BlobType;
  size: number;
  width: number | null;
  height: number | null;
  name: string;
};

/** Why a file cannot be attached; each names a catalogue message. */
export class PrepareError extends Error {
  constructor(
    readonly reason: 'att.errorType' | 'att.errorTooLarge' | 'att.errorImage',
    readonly params: Record<string, number> = {},
  ) {
    super(reason);
    this.name = 'PrepareError';
  }
}

/**
 * Lowercase hex SHA-256 of a blob's bytes. `crypto.subtle` exists only in a secure context; a
 * relay reached over plain http on a village network is not one, so lib0's own SHA-256 steps in.
 */
export async function sha256Hex(bytes: Blob): Promise<string> {
  const data = await bytes.arrayBuffer();
  const hash = globalThis.crypto?.subtle
    ? new Uint8Array(await crypto.subtle.digest('SHA-256', data))
    : digest(new Uint8Array(data));
  return [...hash].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The size of an image shrunk so its long edge is at most `longEdge` (never enlarged). */
export function fitWithin(
  width: number,
  height: number,
  longEdge: number = BlobLimits.imageLongEdge,
): { width: number; height: number } {
  const scale = Math.min(1, longEdge / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

async function encodeJpeg(bitmap: ImageBitmap, width: number, height: number): Promise<Blob> {
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new PrepareError('att.errorImage');
    // JPEG has no transparency: a white page, as on paper.
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(bitmap, 0, 0, width, height);
    return canvas.convertToBlob({ type: 'image/jpeg', quality: BlobLimits.jpegQuality });
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new PrepareError('att.errorImage');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(bitmap, 0, 0, width, height);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new PrepareError('att.errorImage'))),
      'image/jpeg',
      BlobLimits.jpegQuality,
    ),
  );
}

/**
 * Makes a picked or photographed file ready to attach, on the device and without network:
 * an image is turned upright, shrunk to a long edge of 1600 px and saved as JPEG at 0.8 (which
 * also drops its EXIF, location included); a PDF is kept as it is, up to its size limit.
 */
export async function prepareFile(file: File): Promise<PreparedFile> {
  const name = file.name.slice(0, 200);
  if (file.type === 'application/pdf') {
    if (file.size > maxBlobBytes('application/pdf')) {
      throw new PrepareError('att.errorTooLarge', {
        limit: Math.floor(BlobLimits.maxPdfBytes / (1024 * 1024)),
      });
    }
    const head = new TextDecoder().decode(await file.slice(0, 5).arrayBuffer());
    if (head !== '%PDF-') throw new PrepareError('att.errorType');
    return {
      bytes: file,
      hash: await sha256Hex(file),
      type: 'application/pdf',
      size: file.size,
      width: null,
      height: null,
      name,
    };
  }
  if (!file.type.startsWith('image/')) throw new PrepareError('att.errorType');
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new PrepareError('att.errorImage');
  }
  try {
    const { width, height } = fitWithin(bitmap.width, bitmap.height);
    const bytes = await encodeJpeg(bitmap, width, height);
    if (!isBlobType(bytes.type) || bytes.size > maxBlobBytes('image/jpeg')) {
      throw new PrepareError('att.errorTooLarge', {
        limit: Math.floor(BlobLimits.maxImageBytes / (1024 * 1024)),
      });
    }
    const jpegName = name.replace(/\.[A-Za-z0-9]{1,5}$/, '') || 'photo';
    return {
      bytes,
      hash: await sha256Hex(bytes),
      type: 'image/jpeg',
      size: bytes.size,
      width,
      height,
      name: `${jpegName}.jpg`,
    };
  } finally {
    bitmap.close();
  }
}

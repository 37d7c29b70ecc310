import { BlobLimits, BlobParam, isBlobType } from '@grassroots/shared';
import { type RelayApiError, relayApiError } from '../api/relayApi.ts';
import { isStorageFull } from '../sync/LocalStore.ts';
import type { BlobCache, CachedBlob } from './BlobCache.ts';
import type { PreparedFile } from './prepareFile.ts';

/** Thrown when the device has no room for a new file even after evicting uploaded ones. */
export class DeviceFullError extends Error {
  override name = 'DeviceFullError';
}

export type BlobServiceOptions = {
  cache: BlobCache;
  /** `http(s)://host:port` of the relay, or null for a workspace kept only on this device. */
  serverOrigin: string | null;
  workspaceId: string;
  token: string;
  /** Bytes of uploaded files kept on the device for showing offline; default 64 MiB. */
  keepUploadedBytes?: number;
  /** Bytes per upload request; default BlobLimits.maxChunkBytes (the relay's default limit). */
  chunkBytes?: number;
  fetch?: typeof fetch;
};

export type BlobService = {
  /** Keeps a prepared file on the device, waiting for upload (BLOB-C1). Rejects with DeviceFullError. */
  keep(file: PreparedFile): Promise<void>;
  /** An object URL for a blob: from the device, else fetched from the relay (and cached); null when neither has it. */
  url(hash: string): Promise<string | null>;
  /** Hashes waiting for upload. */
  pendingHashes(): ReadonlySet<string>;
  /**
   * Files waiting that the relay refused at their last try, with its answer (BLOB-C4): the
   * workspace's space is full, the file is over the relay's limit… Gone once one is taken.
   */
  refusals(): ReadonlyMap<string, RelayApiError>;
  /** Waiting files a record on this device removed: their refusals are not reported (BLOB-C4). */
  unlisted(): ReadonlySet<string>;
  /**
   * A record on this device removed the file: if it still waits, it goes on waiting (the history
   * names it, ATT-2) without its refusal being reported. Keeping it again lists it again.
   */
  unlist(hash: string): Promise<void>;
  onChange(listener: () => void): () => void;
  /** Starts uploading what waits (also done on `online` and on a timer after failures). */
  kick(): void;
  destroy(): void;
};

type UploadAnswer = { offset: number; isComplete: boolean };

/** The relay answered and refused this blob (too large, wrong type…): others may still go. */
class RefusedError extends Error {
  override name = 'RefusedError';
  constructor(readonly answer: RelayApiError) {
    super(answer.message);
  }
}

/** The relay's error answer. */
async function answerOf(res: Response): Promise<RelayApiError> {
  return relayApiError(res.status, await res.json().catch(() => null));
}

/**
 * What an error answer means for the file: a refusal of this file (4xx, and 507 for a
 * workspace's full space) that others need not wait for, or the relay unable to answer now
 * (5xx: restarting, a proxy without it), which is waited out like a lost network.
 */
function failureOf(answer: RelayApiError): Error {
  return answer.status < 500 || answer.status === 507 ? new RefusedError(answer) : answer;
}

/** Downloads a device runs at once: below the relay's limit for a member (BLOB-12), for its other tabs. */
export const DOWNLOADS_AT_ONCE = 4;

/**
 * Keeps attached files on the device and uploads them in the background (BLOB-C1..3). An upload
 * is a series of chunked PUTs at the offset the relay reports, so one interrupted by a lost
 * network goes on from the last chunk the relay kept (BLOB-4).
 */
export function makeBlobService(options: BlobServiceOptions): BlobService {
  const { cache, serverOrigin, workspaceId, token } = options;
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const chunkBytes = options.chunkBytes ?? BlobLimits.maxChunkBytes;
  const keepBytes = options.keepUploadedBytes ?? 64 * 1024 * 1024;
  const pending = new Set<string>();
  const refusals = new Map<string, RelayApiError>();
  const unlisted = new Set<string>();
  const urls = new Map<string, string>();
  const listeners = new Set<() => void>();
  let isDestroyed = false;
  let isRunning = false;
  /** Asked to run while running (a file kept, the network back): run again straight after. */
  let isRerunWanted = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let retryMs = 2000;

  const emit = () => {
    for (const l of listeners) l();
  };

  // BLOB-12: the relay serves a member a few downloads at once; a record of many photos asks
  // for them a few at a time, and one answered "too many" (429) is asked again a little later.
  let downloading = 0;
  const waitingToDownload: (() => void)[] = [];
  const download = async (hash: string): Promise<Response | null> => {
    if (downloading >= DOWNLOADS_AT_ONCE) {
      await new Promise<void>((resolve) => waitingToDownload.push(resolve));
    }
    downloading++;
    try {
      for (let attempt = 0; ; attempt++) {
        const res = await doFetch(base(hash), { headers: auth }).catch(() => null);
        if (res?.status !== 429 || attempt >= 4 || isDestroyed) return res;
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      }
    } finally {
      downloading--;
      waitingToDownload.shift()?.();
    }
  };
  const base = (hash: string) =>
    `${serverOrigin}/api/workspaces/${encodeURIComponent(workspaceId)}/blobs/${hash}`;
  const auth = { authorization: `Bearer ${token}` };

  async function upload(blob: CachedBlob): Promise<void> {
    // With the size, a file the workspace has no room for is refused before a byte is sent.
    const stateRes = await doFetch(`${base(blob.hash)}/upload?${BlobParam.size}=${blob.size}`, {
      headers: auth,
    });
    if (!stateRes.ok) throw failureOf(await answerOf(stateRes));
    let state = (await stateRes.json()) as UploadAnswer;
    while (!state.isComplete && !isDestroyed) {
      const q = new URLSearchParams({
        [BlobParam.offset]: String(state.offset),
        [BlobParam.size]: String(blob.size),
        [BlobParam.type]: blob.type,
      });
      const res = await doFetch(`${base(blob.hash)}?${q}`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/octet-stream' },
        body: blob.bytes.slice(state.offset, state.offset + chunkBytes),
      });
      if (res.ok) {
        state = (await res.json()) as UploadAnswer;
        continue;
      }
      const answer = await answerOf(res);
      if (res.status === 409 && answer.reason === 'blobOffset') {
        const offset = answer.params.offset;
        state = { offset: typeof offset === 'number' ? offset : 0, isComplete: false };
        continue;
      }
      throw failureOf(answer);
    }
  }

  async function run(): Promise<void> {
    if (isDestroyed || !serverOrigin) return;
    if (isRunning) {
      isRerunWanted = true;
      return;
    }
    isRunning = true;
    let hasFailed = false;
    /** The relay could not be reached or could not answer: the rest waits. */
    let isCutOff = false;
    try {
      for (const blob of await cache.pending()) {
        if (isDestroyed) return;
        pending.add(blob.hash);
        try {
          await upload(blob);
          await cache.markUploaded(blob.hash);
          pending.delete(blob.hash);
          refusals.delete(blob.hash);
          emit();
        } catch (error) {
          hasFailed = true;
          // One file refused stays waiting (and is tried again later) without holding up the rest;
          // with no network the rest waits too, and the next try starts from the relay's offset.
          if (error instanceof RefusedError) {
            refusals.set(blob.hash, error.answer);
            emit();
            continue;
          }
          isCutOff = true;
          break;
        }
      }
      // Files the relay refused wait on; the uploaded ones around them are trimmed as usual.
      if (!isCutOff) await cache.evictUploaded(keepBytes).catch(() => 0);
    } finally {
      isRunning = false;
    }
    if (isRerunWanted && !isDestroyed) {
      isRerunWanted = false;
      emit();
      return run();
    }
    if (hasFailed && !isDestroyed) {
      retryTimer ??= setTimeout(() => {
        retryTimer = null;
        void run();
      }, retryMs);
      retryMs = Math.min(retryMs * 2, 30_000);
    } else retryMs = 2000;
    emit();
  }

  const kick = () => {
    if (retryTimer !== null) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    void run();
  };
  const onOnline = () => {
    retryMs = 2000;
    kick();
  };
  globalThis.addEventListener?.('online', onOnline);

  // What waited when the page closed waits again (and is counted) at once.
  void cache.pending().then((blobs) => {
    for (const b of blobs) {
      pending.add(b.hash);
      if (b.isUnlisted) unlisted.add(b.hash);
    }
    emit();
    kick();
  });

  return {
    async keep(file) {
      const record: CachedBlob = {
        hash: file.hash,
        type: file.type,
        size: file.size,
        bytes: file.bytes,
        isPending: serverOrigin !== null,
        usedAt: Date.now(),
      };
      const existing = await cache.get(file.hash);
      if (existing?.isUnlisted) {
        unlisted.delete(file.hash);
        await cache.put({ ...existing, isUnlisted: false }).catch(() => {});
        emit();
      }
      if (existing && (existing.isPending || !record.isPending)) return;
      try {
        await cache.put(record);
      } catch (error) {
        if (!isStorageFull(error)) throw error;
        // Make room from what the relay already has (BLOB-C2), then try once more.
        await cache.evictUploaded(0).catch(() => 0);
        try {
          await cache.put(record);
        } catch (again) {
          if (isStorageFull(again)) throw new DeviceFullError('device full');
          throw again;
        }
      }
      if (record.isPending) pending.add(file.hash);
      emit();
      kick();
    },
    async url(hash) {
      const known = urls.get(hash);
      if (known) return known;
      let bytes = (await cache.get(hash))?.bytes ?? null;
      if (!bytes && serverOrigin) {
        const res = await download(hash);
        if (!res?.ok) return null;
        bytes = await res.blob();
        const type = res.headers.get('content-type');
        // Cached for showing offline; a full device just shows it without keeping it (BLOB-C3).
        await cache
          .put({
            hash,
            type: isBlobType(type) ? type : 'image/jpeg',
            size: bytes.size,
            bytes,
            isPending: false,
            usedAt: Date.now(),
          })
          .catch(() => {});
      }
      if (!bytes) return null;
      const url = URL.createObjectURL(bytes);
      urls.set(hash, url);
      return url;
    },
    pendingHashes: () => pending,
    refusals: () => refusals,
    unlisted: () => unlisted,
    async unlist(hash) {
      const blob = await cache.get(hash);
      if (!blob?.isPending || blob.isUnlisted) return;
      // Kept on the device before it is shown: a page closed or reloaded right after the file
      // left its record still knows, once open again, that its refusal is nobody's to see (a
      // reload at once found it not yet written and reported the refusal again).
      await cache.put({ ...blob, isUnlisted: true }).catch(() => {});
      unlisted.add(hash);
      emit();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    kick,
    destroy() {
      isDestroyed = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      globalThis.removeEventListener?.('online', onOnline);
      for (const url of urls.values()) URL.revokeObjectURL(url);
      urls.clear();
    },
  };
}

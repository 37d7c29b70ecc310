import { isBlobType } from '@grassroots/shared';
import { createStore, del, entries, get, set, type UseStore } from 'idb-keyval';
import type { BlobCache, CachedBlob } from './BlobCache.ts';

function parse(value: unknown): CachedBlob | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.hash !== 'string' || !isBlobType(v.type) || !(v.bytes instanceof Blob)) return null;
  return {
    hash: v.hash,
    type: v.type,
    size: typeof v.size === 'number' ? v.size : v.bytes.size,
    bytes: v.bytes,
    isPending: v.isPending === true,
    usedAt: typeof v.usedAt === 'number' ? v.usedAt : 0,
    ...(v.isUnlisted === true ? { isUnlisted: true } : {}),
  };
}

/**
 * BlobCache on IndexedDB through idb-keyval: one database per workspace
 * (`<prefix>-blobs-<workspaceId>`), key = hash, value = `{ hash, type, size, bytes: Blob,
 * isPending, usedAt, isUnlisted? }`.
 */
export class IdbBlobCache implements BlobCache {
  readonly #store: UseStore;

  constructor(workspaceId: string, prefix = 'grassroots') {
    this.#store = createStore(`${prefix}-blobs-${workspaceId}`, 'blobs');
  }

  async put(blob: CachedBlob): Promise<void> {
    await set(blob.hash, blob, this.#store);
  }

  async get(hash: string): Promise<CachedBlob | null> {
    return parse(await get(hash, this.#store));
  }

  async #all(): Promise<CachedBlob[]> {
    const out: CachedBlob[] = [];
    for (const [, value] of await entries(this.#store)) {
      const blob = parse(value);
      if (blob) out.push(blob);
    }
    return out;
  }

  async pending(): Promise<CachedBlob[]> {
    return (await this.#all()).filter((b) => b.isPending).sort((a, b) => a.usedAt - b.usedAt);
  }

  async markUploaded(hash: string): Promise<void> {
    const blob = await this.get(hash);
    if (blob?.isPending) await set(hash, { ...blob, isPending: false }, this.#store);
  }

  async evictUploaded(keepBytes: number): Promise<number> {
    const uploaded = (await this.#all())
      .filter((b) => !b.isPending)
      .sort((a, b) => b.usedAt - a.usedAt);
    let kept = 0;
    let freed = 0;
    for (const blob of uploaded) {
      if (kept + blob.size <= keepBytes) {
        kept += blob.size;
        continue;
      }
      await del(blob.hash, this.#store);
      freed += blob.size;
    }
    return freed;
  }
}

import { describe, expect, it } from 'vitest';
import type { BlobCache, CachedBlob } from './BlobCache.ts';
import { DeviceFullError, DOWNLOADS_AT_ONCE, makeBlobService } from './makeBlobService.ts';
import { sha256Hex } from './prepareFile.ts';

/** BlobCache over a Map, with a byte budget like a device's and the same eviction order. */
class MemoryBlobCache implements BlobCache {
  readonly blobs = new Map<string, CachedBlob>();
  constructor(private readonly quotaBytes = Number.POSITIVE_INFINITY) {}
  #used = () => [...this.blobs.values()].reduce((n, b) => n + b.size, 0);
  async put(blob: CachedBlob) {
    const others = this.#used() - (this.blobs.get(blob.hash)?.size ?? 0);
    if (others + blob.size > this.quotaBytes) {
      throw Object.assign(new Error('full'), { name: 'QuotaExceededError' });
    }
    this.blobs.set(blob.hash, blob);
  }
  async get(hash: string) {
    return this.blobs.get(hash) ?? null;
  }
  async pending() {
    return [...this.blobs.values()].filter((b) => b.isPending);
  }
  async markUploaded(hash: string) {
    const b = this.blobs.get(hash);
    if (b) this.blobs.set(hash, { ...b, isPending: false });
  }
  async evictUploaded(keepBytes: number) {
    let kept = 0;
    let freed = 0;
    for (const b of [...this.blobs.values()].sort((x, y) => y.usedAt - x.usedAt)) {
      if (b.isPending) continue;
      if (kept + b.size <= keepBytes) kept += b.size;
      else {
        this.blobs.delete(b.hash);
        freed += b.size;
      }
    }
    return freed;
  }
}

/** The relay's upload protocol (BLOB-4) in memory, with a switch that drops the network. */
function fakeRelay() {
  const held = new Map<string, Uint8Array>();
  const complete = new Set<string>();
  const puts: Array<{ offset: number; length: number }> = [];
  let failNextPut = false;
  /** The answer to the PUT of this offset is lost after the relay kept the chunk. */
  let loseAnswerAt: number | null = null;
  let isOffline = false;
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (isOffline) throw new TypeError('fetch failed');
    const url = new URL(String(input));
    const hash = url.pathname.split('/blobs/')[1]!.split('/')[0]!;
    const have = held.get(hash) ?? new Uint8Array(0);
    if (url.pathname.endsWith('/upload')) {
      return json(200, { offset: have.length, isComplete: complete.has(hash) });
    }
    if (init?.method === 'PUT') {
      const bytes = new Uint8Array(await (init.body as Blob).arrayBuffer());
      const offset = Number(url.searchParams.get('offset'));
      const size = Number(url.searchParams.get('size'));
      puts.push({ offset, length: bytes.length });
      if (failNextPut) {
        // The chunk is lost on the way: the relay keeps nothing of it.
        failNextPut = false;
        throw new TypeError('network changed');
      }
      if (offset !== have.length) {
        return json(409, { reason: 'blobOffset', params: { offset: have.length } });
      }
      const next = new Uint8Array(have.length + bytes.length);
      next.set(have);
      next.set(bytes, have.length);
      held.set(hash, next);
      if (next.length === size) complete.add(hash);
      if (offset === loseAnswerAt) {
        loseAnswerAt = null;
        throw new TypeError('connection reset');
      }
      return json(200, { offset: next.length, isComplete: next.length === size });
    }
    return new Response(held.get(hash)?.slice(), { status: complete.has(hash) ? 200 : 404 });
  };
  return {
    fetch: fetch as typeof globalThis.fetch,
    held,
    complete,
    puts,
    failNextPut: () => {
      failNextPut = true;
    },
    loseAnswerAt: (offset: number) => {
      loseAnswerAt = offset;
    },
    setOffline: (v: boolean) => {
      isOffline = v;
    },
  };
}

const fileOf = async (size: number, seed = 1) => {
  const data = Uint8Array.from({ length: size }, (_, i) => (i * 7 + seed) % 256);
  const bytes = new Blob([data], { type: 'image/jpeg' });
  return {
    bytes,
    hash: await sha256Hex(bytes),
    type: 'image/jpeg' as const,
    size,
    width: 10,
    height: 10,
    name: 'x.jpg',
  };
};

const until = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

const serviceOn = (relay: ReturnType<typeof fakeRelay>, cache: BlobCache) =>
  makeBlobService({
    cache,
    serverOrigin: 'http://relay.test',
    workspaceId: 'w1',
    token: 'grm_x',
    chunkBytes: 1000,
    keepUploadedBytes: 0,
    fetch: relay.fetch,
  });

describe('the device side of attached files', () => {
  it('BLOB-C1 a file kept offline waits (counted) and uploads when the network comes back', async () => {
    const relay = fakeRelay();
    relay.setOffline(true);
    const cache = new MemoryBlobCache();
    const service = serviceOn(relay, cache);
    const file = await fileOf(2500);
    await service.keep(file);
    expect([...service.pendingHashes()]).toEqual([file.hash]);
    expect(cache.blobs.get(file.hash)?.isPending).toBe(true);
    relay.setOffline(false);
    service.kick();
    await until(() => service.pendingHashes().size === 0);
    expect(relay.complete.has(file.hash)).toBe(true);
    service.destroy();
  });

  it('BLOB-4 an upload interrupted mid-way resumes from the offset the relay holds: no chunk it kept is sent again', async () => {
    const relay = fakeRelay();
    const cache = new MemoryBlobCache();
    const file = await fileOf(4500);
    await cache.put({ ...file, isPending: true, usedAt: 1 });
    // The first chunk is lost on the way; the answer to the third is lost after the relay kept it.
    relay.failNextPut();
    relay.loseAnswerAt(2000);
    const service = serviceOn(relay, cache);
    await until(() => relay.puts.length >= 1);
    service.kick();
    await until(() => relay.puts.length >= 4);
    service.kick();
    await until(() => relay.complete.has(file.hash));
    const data = new Uint8Array(await file.bytes.arrayBuffer());
    expect([...relay.held.get(file.hash)!]).toEqual([...data]);
    expect(relay.puts.map((p) => p.offset)).toEqual([0, 0, 1000, 2000, 3000, 4000]);
    await until(() => service.pendingHashes().size === 0);
    service.destroy();
  });

  it('BLOB-4 a chunk sent at an offset the relay no longer expects goes on from the offset the relay names', async () => {
    const relay = fakeRelay();
    const cache = new MemoryBlobCache();
    const file = await fileOf(3000, 8);
    // Another device of the workspace already sent the first 2000 bytes between the service's
    // question and its first chunk: the relay answers 409 with its offset.
    const data = new Uint8Array(await file.bytes.arrayBuffer());
    const realFetch = relay.fetch;
    let isFirstQuestion = true;
    let questions = 0;
    const racing: typeof fetch = async (input, init) => {
      if (new URL(String(input)).pathname.endsWith('/upload')) questions++;
      const answer = await realFetch(input, init);
      if (isFirstQuestion && new URL(String(input)).pathname.endsWith('/upload')) {
        isFirstQuestion = false;
        relay.held.set(file.hash, data.slice(0, 2000));
      }
      return answer;
    };
    await cache.put({ ...file, isPending: true, usedAt: 1 });
    const service = makeBlobService({
      cache,
      serverOrigin: 'http://relay.test',
      workspaceId: 'w1',
      token: 'grm_x',
      chunkBytes: 1000,
      fetch: racing,
    });
    await until(() => relay.complete.has(file.hash));
    expect(relay.puts.map((p) => p.offset)).toEqual([0, 2000]);
    // Straight on from the 409, without starting the upload over.
    expect(questions).toBe(1);
    expect([...relay.held.get(file.hash)!]).toEqual([...data]);
    service.destroy();
  });

  it('BLOB-C2 a pending file is never evicted; uploaded ones are, and are fetched again from the relay when shown', async () => {
    const relay = fakeRelay();
    const cache = new MemoryBlobCache();
    const service = serviceOn(relay, cache);
    const uploaded = await fileOf(1500, 2);
    await service.keep(uploaded);
    await until(() => service.pendingHashes().size === 0);
    // keepUploadedBytes 0: the uploaded copy left the device after its upload.
    await until(() => !cache.blobs.has(uploaded.hash));
    relay.setOffline(true);
    const waiting = await fileOf(800, 3);
    await service.keep(waiting);
    expect(await cache.evictUploaded(0)).toBe(0);
    expect(cache.blobs.get(waiting.hash)?.isPending).toBe(true);
    relay.setOffline(false);
    const url = await service.url(uploaded.hash);
    expect(url).toMatch(/^blob:/);
    expect(cache.blobs.get(uploaded.hash)?.isPending).toBe(false);
    service.destroy();
  });

  it('BLOB-12 a record of many photos downloads them a few at a time, and asks again for one the relay had no room for', async () => {
    const held = new Map<string, Uint8Array>();
    let running = 0;
    let most = 0;
    let busyOnce = true;
    const relay: typeof globalThis.fetch = async (input) => {
      const hash = new URL(String(input)).pathname.split('/blobs/')[1]!;
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      if (busyOnce) {
        busyOnce = false;
        return new Response(JSON.stringify({ reason: 'tooManyDownloads' }), { status: 429 });
      }
      return new Response(held.get(hash)!.slice(), {
        status: 200,
        headers: { 'content-type': 'image/jpeg' },
      });
    };
    const hashes: string[] = [];
    for (let i = 0; i < 12; i++) {
      const file = await fileOf(100, i + 10);
      held.set(file.hash, new Uint8Array(await file.bytes.arrayBuffer()));
      hashes.push(file.hash);
    }
    const service = makeBlobService({
      cache: new MemoryBlobCache(),
      serverOrigin: 'http://relay.test',
      workspaceId: 'w1',
      token: 'grm_x',
      fetch: relay,
    });
    const urls = await Promise.all(hashes.map((h) => service.url(h)));
    expect(urls.every((u) => typeof u === 'string' && u.startsWith('blob:'))).toBe(true);
    expect(most).toBe(DOWNLOADS_AT_ONCE);
    service.destroy();
  });

  it('BLOB-C3 a full device makes room from uploaded files, else refuses the new file and keeps everything it had', async () => {
    const relay = fakeRelay();
    relay.setOffline(true);
    const cache = new MemoryBlobCache(3000);
    const service = serviceOn(relay, cache);
    const old = await fileOf(2000, 4);
    await cache.put({ ...old, isPending: false, usedAt: 1 });
    const next = await fileOf(2000, 5);
    await service.keep(next);
    expect(cache.blobs.has(old.hash)).toBe(false);
    expect(cache.blobs.get(next.hash)?.isPending).toBe(true);
    const third = await fileOf(1500, 6);
    await expect(service.keep(third)).rejects.toBeInstanceOf(DeviceFullError);
    expect([...cache.blobs.keys()]).toEqual([next.hash]);
    expect([...service.pendingHashes()]).toEqual([next.hash]);
    service.destroy();
  });

  it('BLOB-C2 a file the relay refuses stays waiting without holding up the files after it', async () => {
    const relay = fakeRelay();
    const cache = new MemoryBlobCache();
    const refused = await fileOf(1200, 11);
    const fine = await fileOf(900, 12);
    await cache.put({ ...refused, isPending: true, usedAt: 1 });
    await cache.put({ ...fine, isPending: true, usedAt: 2 });
    let isFull = true;
    const refusing: typeof fetch = async (input, init) =>
      isFull && init?.method === 'PUT' && String(input).includes(refused.hash)
        ? new Response(JSON.stringify({ reason: 'blobQuota', params: { quota: 1, used: 1 } }), {
            status: 507,
          })
        : relay.fetch(input, init);
    const service = makeBlobService({
      cache,
      serverOrigin: 'http://relay.test',
      workspaceId: 'w1',
      token: 'grm_x',
      chunkBytes: 1000,
      fetch: refusing,
    });
    await until(() => relay.complete.has(fine.hash));
    await until(() => !service.pendingHashes().has(fine.hash));
    expect(service.pendingHashes().has(refused.hash)).toBe(true);
    expect(cache.blobs.get(refused.hash)?.isPending).toBe(true);
    // BLOB-C4: why it waits is kept for the screen, and only for the file refused.
    const why = service.refusals().get(refused.hash);
    expect([why?.status, why?.reason, why?.params]).toEqual([
      507,
      'blobQuota',
      { quota: 1, used: 1 },
    ]);
    expect(service.refusals().has(fine.hash)).toBe(false);
    // Once the relay takes it, it no longer says why it waited.
    isFull = false;
    service.kick();
    await until(() => relay.complete.has(refused.hash));
    await until(() => !service.pendingHashes().has(refused.hash));
    expect(service.refusals().size).toBe(0);
    service.destroy();
  });

  it('BLOB-C4 a full workspace is learnt before a byte is sent; a relay that cannot answer is no refusal; a removed file waits unreported', async () => {
    const relay = fakeRelay();
    const cache = new MemoryBlobCache();
    const full = await fileOf(1200, 21);
    const later = await fileOf(700, 22);
    const uploaded = await fileOf(500, 23);
    await cache.put({ ...uploaded, isPending: false, usedAt: 0 });
    await cache.put({ ...full, isPending: true, usedAt: 1 });
    let answer: 'full' | 'down' | 'fine' = 'down';
    const asked: string[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const url = new URL(String(input));
      if (url.pathname.endsWith('/upload')) asked.push(url.search);
      const isFull = url.pathname.includes(full.hash);
      if (url.pathname.endsWith('/upload') && isFull && answer !== 'fine') {
        return answer === 'full'
          ? new Response(JSON.stringify({ reason: 'blobQuota', params: { quota: 1, used: 1 } }), {
              status: 507,
            })
          : new Response('bad gateway', { status: 502 });
      }
      return relay.fetch(input, init);
    };
    const make = () =>
      makeBlobService({
        cache,
        serverOrigin: 'http://relay.test',
        workspaceId: 'w1',
        token: 'grm_x',
        chunkBytes: 1000,
        keepUploadedBytes: 0,
        fetch,
      });
    // A proxy answering 502 (the relay restarting): not a refusal, and the rest waits for it.
    let service = make();
    await until(() => asked.length >= 1);
    await service.keep(later);
    await new Promise((r) => setTimeout(r, 50));
    expect(service.refusals().size).toBe(0);
    expect(relay.complete.has(later.hash)).toBe(false);
    expect(cache.blobs.has(uploaded.hash)).toBe(true);
    expect(asked[0]).toBe('?size=1200');
    // The workspace full: refused when asked where it stands, without a byte of it sent; the
    // next file goes up, and uploaded copies are trimmed as usual.
    answer = 'full';
    service.kick();
    await until(() => relay.complete.has(later.hash));
    await until(() => service.refusals().has(full.hash));
    expect(relay.puts.every((p) => p.length !== 1000 && p.length !== 200)).toBe(true);
    await until(() => !cache.blobs.has(uploaded.hash));
    // Removed from its record: still waiting, no longer reported, also after a reload.
    await service.unlist(full.hash);
    expect(service.unlisted().has(full.hash)).toBe(true);
    expect(cache.blobs.get(full.hash)).toMatchObject({ isPending: true, isUnlisted: true });
    service.destroy();
    service = make();
    await until(() => service.unlisted().has(full.hash));
    expect(service.pendingHashes().has(full.hash)).toBe(true);
    // Attached again: listed again; with room, it goes up.
    await service.keep(full);
    expect(service.unlisted().has(full.hash)).toBe(false);
    expect(cache.blobs.get(full.hash)?.isUnlisted).toBe(false);
    answer = 'fine';
    service.kick();
    await until(() => relay.complete.has(full.hash));
    service.destroy();
  });
});

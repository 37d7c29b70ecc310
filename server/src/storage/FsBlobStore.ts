import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { type BlobType, blobHashSchema, idSchema, isBlobType } from '@grassroots/shared';
import { InTurn } from '../inTurn.ts';
import {
  type BlobInfo,
  type BlobStore,
  BlobStoreError,
  type BlobUsage,
  IDLE_UPLOAD_MS,
  type UploadState,
} from './BlobStore.ts';

/** How long a workspace's usage read from the disk is believed without a change, ms. */
const USAGE_KEPT_MS = 10_000;

/** Declared sizes of a workspace's complete blobs and of its uploads in progress, by hash. */
/** An upload in progress: its declared size, the bytes it holds and when it last received some. */
type PartialSize = { size: number; held: number; touchedAt: number };
type UsageSizes = { complete: Map<string, number>; partial: Map<string, PartialSize> };

/**
 * BlobStore on the filesystem: `<root>/<workspace>/<hh>/<hash>` with a `<hash>.json` beside it
 * (type and size); uploads in progress under `<root>/<workspace>/partial/`. A blob moves into
 * place with a rename after its hash was checked, so a reader never sees half a file.
 */
export class FsBlobStore implements BlobStore {
  /** Serialises writes per blob: two chunks of one upload never interleave. */
  /** Work on one blob, one at a time (keyed by workspace and hash). */
  readonly #locks = new InTurn();
  /** Uploads starting, per workspace (BLOB-10): the files are this process's alone. */
  readonly #starting = new InTurn();
  /**
   * BLOB-13: each workspace's usage as last read from the disk, with the count of changes this
   * store had made to the workspace by then. Reading it means opening every meta file, and a
   * reader could ask for it again and again; it is read anew only once an upload started,
   * completed or was dropped, or after `USAGE_KEPT_MS` (files cleared by hand count then).
   */
  readonly #usages = new Map<
    string,
    { changes: number; readAt: number; sizes: Promise<UsageSizes> }
  >();
  readonly #changes = new Map<string, number>();

  /** Notes a change to a workspace's blobs: its usage is read from the disk again. */
  #changed(workspaceId: string): void {
    this.#changes.set(workspaceId, (this.#changes.get(workspaceId) ?? 0) + 1);
  }

  constructor(readonly root: string) {}

  #paths(workspaceId: string, hash: string) {
    // Both are checked by the routes too; here they guard the paths themselves.
    idSchema.parse(workspaceId);
    blobHashSchema.parse(hash);
    const dir = join(this.root, workspaceId, hash.slice(0, 2));
    const partialDir = join(this.root, workspaceId, 'partial');
    return {
      dir,
      data: join(dir, hash),
      meta: join(dir, `${hash}.json`),
      partialDir,
      partial: join(partialDir, hash),
      partialMeta: join(partialDir, `${hash}.json`),
    };
  }

  async info(workspaceId: string, hash: string): Promise<BlobInfo | null> {
    const p = this.#paths(workspaceId, hash);
    const meta = await readMeta(p.meta);
    return meta ? { hash, ...meta } : null;
  }

  async state(workspaceId: string, hash: string): Promise<UploadState> {
    const p = this.#paths(workspaceId, hash);
    const done = await readMeta(p.meta);
    if (done) return { offset: done.size, isComplete: true };
    const size = await stat(p.partial).then(
      (s) => s.size,
      () => 0,
    );
    return { offset: size, isComplete: false };
  }

  startingInTurn<T>(workspaceId: string, work: () => Promise<T>): Promise<T> {
    idSchema.parse(workspaceId);
    return this.#starting.run(workspaceId, work);
  }

  async touchedAt(workspaceId: string, hash: string): Promise<number | null> {
    const p = this.#paths(workspaceId, hash);
    if (await readMeta(p.meta)) return null;
    const touched = Math.max(await mtimeOf(p.partial), await mtimeOf(p.partialMeta));
    return touched === 0 ? null : touched;
  }

  write(
    workspaceId: string,
    hash: string,
    meta: { type: BlobType; size: number },
    offset: number,
    bytes: Uint8Array,
  ): Promise<UploadState> {
    return this.#locked(workspaceId, hash, () =>
      this.#write(workspaceId, hash, meta, offset, bytes),
    );
  }

  /** Runs `work` after every earlier locked work on the same blob has ended. */
  #locked<T>(workspaceId: string, hash: string, work: () => Promise<T>): Promise<T> {
    return this.#locks.run(`${workspaceId}/${hash}`, work);
  }

  async #write(
    workspaceId: string,
    hash: string,
    meta: { type: BlobType; size: number },
    offset: number,
    bytes: Uint8Array,
  ): Promise<UploadState> {
    const p = this.#paths(workspaceId, hash);
    let resumed = false;
    const current = await this.state(workspaceId, hash);
    if (current.isComplete) return current;
    if (offset !== current.offset) {
      throw new BlobStoreError('offset', `upload holds ${current.offset} bytes`, current.offset);
    }
    if (offset + bytes.byteLength > meta.size) {
      throw new BlobStoreError('size', `bytes pass the declared size ${meta.size}`);
    }
    await mkdir(p.partialDir, { recursive: true });
    if (offset === 0) {
      // Noted before and after: a usage read in between is not kept as current.
      this.#changed(workspaceId);
      await writeFile(p.partialMeta, JSON.stringify(meta));
      this.#changed(workspaceId);
    } else {
      // BLOB-16: an idle upload counted at what it held; from this chunk on, at its size again
      // (noted before and after the write, as a start is).
      if (Date.now() - (await mtimeOf(p.partial)) >= IDLE_UPLOAD_MS) {
        this.#changed(workspaceId);
        resumed = true;
      }
      const started = await readMeta(p.partialMeta);
      if (!started || started.type !== meta.type || started.size !== meta.size) {
        throw new BlobStoreError(
          'type-mismatch',
          'the upload in progress has another size or type',
        );
      }
    }
    const file = await open(p.partial, offset === 0 ? 'w' : 'a');
    try {
      await file.write(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    if (resumed) this.#changed(workspaceId);
    const offsetAfter = offset + bytes.byteLength;
    if (offsetAfter < meta.size) return { offset: offsetAfter, isComplete: false };

    // BLOB-15: hashed as it is read, a megabyte at a time. Read whole, 100 uploads of 20 MiB
    // completed at once held 2.2 GB.
    const actual = await hashOfFile(p.partial);
    this.#changed(workspaceId);
    if (actual !== hash) {
      await rm(p.partial, { force: true });
      await rm(p.partialMeta, { force: true });
      this.#changed(workspaceId);
      throw new BlobStoreError('hash-mismatch', `bytes hash to ${actual}`);
    }
    await mkdir(p.dir, { recursive: true });
    await rename(p.partial, p.data);
    // The meta file is what marks the blob complete: written last.
    await writeFile(`${p.meta}.tmp`, JSON.stringify(meta));
    await rename(`${p.meta}.tmp`, p.meta);
    await rm(p.partialMeta, { force: true });
    this.#changed(workspaceId);
    return { offset: meta.size, isComplete: true };
  }

  async dropStaleUploads(maxAgeMs: number, now = Date.now()): Promise<number> {
    let dropped = 0;
    for (const workspaceId of await readdir(this.root).catch(() => [] as string[])) {
      if (!idSchema.safeParse(workspaceId).success) continue;
      const partialDir = join(this.root, workspaceId, 'partial');
      const names = await readdir(partialDir).catch(() => [] as string[]);
      // Each upload once, by its bytes or by its meta alone (a crash between writing the two).
      const hashes = new Set(names.map((n) => (n.endsWith('.json') ? n.slice(0, -5) : n)));
      for (const hash of hashes) {
        if (!blobHashSchema.safeParse(hash).success) continue;
        // Under the upload's own lock: a chunk arriving now is written before or after, whole.
        const isDropped = await this.#locked(workspaceId, hash, async () => {
          const p = this.#paths(workspaceId, hash);
          const touched = Math.max(await mtimeOf(p.partial), await mtimeOf(p.partialMeta));
          if (touched === 0 || now - touched < maxAgeMs) return false;
          this.#changed(workspaceId);
          await rm(p.partial, { force: true });
          await rm(p.partialMeta, { force: true });
          this.#changed(workspaceId);
          return true;
        });
        if (isDropped) dropped++;
      }
    }
    return dropped;
  }

  async usage(workspaceId: string, exceptHash?: string, now = Date.now()): Promise<BlobUsage> {
    idSchema.parse(workspaceId);
    const changes = this.#changes.get(workspaceId) ?? 0;
    let kept = this.#usages.get(workspaceId);
    // Read again after a while too: an operator may clear files by hand to make room.
    if (kept?.changes !== changes || Date.now() - kept.readAt > USAGE_KEPT_MS) {
      // Read once for everyone asking meanwhile; a change during the read makes the next ask
      // read again (it is kept under the count it began at).
      kept = { changes, readAt: Date.now(), sizes: this.#readUsage(workspaceId) };
      this.#usages.set(workspaceId, kept);
      const reading = kept;
      reading.sizes.catch(() => {
        if (this.#usages.get(workspaceId) === reading) this.#usages.delete(workspaceId);
      });
    }
    const { complete, partial } = await kept.sizes;
    let bytes = 0;
    let files = complete.size;
    for (const size of complete.values()) bytes += size;
    // An upload in progress at its declared size (at what it holds once idle, BLOB-16), unless it
    // completed a moment ago (its meta in place, the partial one not yet removed) or is the one
    // asking.
    for (const [hash, { size, held, touchedAt }] of partial) {
      if (hash === exceptHash || complete.has(hash)) continue;
      bytes += now - touchedAt >= IDLE_UPLOAD_MS ? held : size;
      files++;
    }
    return { bytes, files };
  }

  /** The sizes of a workspace's complete blobs and uploads in progress, from their meta files. */
  async #readUsage(workspaceId: string): Promise<UsageSizes> {
    const wsDir = join(this.root, workspaceId);
    const dirs = (await readdir(wsDir).catch(() => [] as string[])).filter((d) =>
      /^[0-9a-f]{2}$/.test(d),
    );
    const metaHashes = async (dir: string) =>
      (await readdir(dir).catch(() => [] as string[]))
        .filter((n) => n.endsWith('.json'))
        .map((n) => n.slice(0, -5))
        .filter((h) => blobHashSchema.safeParse(h).success);
    const sizes = new Map<string, number>();
    // A folder at a time (a few dozen files each), so a big workspace never opens thousands at once.
    const add = async (into: Map<string, number>, dir: string, hashes: string[]) => {
      for (let i = 0; i < hashes.length; i += 64) {
        const batch = hashes.slice(i, i + 64);
        const read = await Promise.all(batch.map((h) => metaSize(join(dir, `${h}.json`))));
        batch.forEach((h, j) => {
          if (read[j] !== null) into.set(h, read[j]!);
        });
      }
    };
    for (const d of dirs) await add(sizes, join(wsDir, d), await metaHashes(join(wsDir, d)));
    const partialDir = join(wsDir, 'partial');
    const declared = new Map<string, number>();
    await add(declared, partialDir, await metaHashes(partialDir));
    const partial = new Map<string, PartialSize>();
    for (const [hash, size] of declared) {
      const data = join(partialDir, hash);
      const held = await stat(data).then(
        (s) => ({ size: s.size, mtimeMs: s.mtimeMs }),
        () => ({ size: 0, mtimeMs: 0 }),
      );
      const touchedAt = Math.max(held.mtimeMs, await mtimeOf(`${data}.json`));
      partial.set(hash, { size, held: held.size, touchedAt });
    }
    return { complete: sizes, partial };
  }

  /** Every complete blob of every workspace (to copy them elsewhere), folder by folder. */
  async *completeBlobs(): AsyncIterable<{ workspaceId: string; hash: string }> {
    for (const workspaceId of await readdir(this.root).catch(() => [] as string[])) {
      if (!idSchema.safeParse(workspaceId).success) continue;
      const wsDir = join(this.root, workspaceId);
      for (const dir of await readdir(wsDir).catch(() => [] as string[])) {
        if (!/^[0-9a-f]{2}$/.test(dir)) continue;
        for (const name of await readdir(join(wsDir, dir)).catch(() => [] as string[])) {
          const hash = name.endsWith('.json') ? name.slice(0, -5) : '';
          if (blobHashSchema.safeParse(hash).success) yield { workspaceId, hash };
        }
      }
    }
  }

  async read(
    workspaceId: string,
    hash: string,
  ): Promise<{ info: BlobInfo; bytes: Uint8Array } | null> {
    const p = this.#paths(workspaceId, hash);
    const meta = await readMeta(p.meta);
    if (!meta) return null;
    const bytes = await readFile(p.data);
    return { info: { hash, ...meta }, bytes: new Uint8Array(bytes) };
  }

  async open(
    workspaceId: string,
    hash: string,
  ): Promise<{ info: BlobInfo; stream: Readable } | null> {
    const p = this.#paths(workspaceId, hash);
    const meta = await readMeta(p.meta);
    if (!meta) return null;
    // Opened before answering, so a file gone since its meta was read is a 404, not a cut body.
    const file = await open(p.data, 'r').catch(() => null);
    if (!file) return null;
    return { info: { hash, ...meta }, stream: file.createReadStream({ highWaterMark: 64 * 1024 }) };
  }
}

/** The SHA-256 of a file, hex, read 1 MiB at a time into one buffer. */
async function hashOfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const file = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.byteLength, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

async function readMeta(path: string): Promise<{ type: BlobType; size: number } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  return parseMeta(text);
}

function parseMeta(text: string): { type: BlobType; size: number } | null {
  let v: { type?: unknown; size?: unknown };
  try {
    v = JSON.parse(text) as typeof v;
  } catch {
    // Cut off by a crash while an upload started: no meta.
    return null;
  }
  if (!isBlobType(v?.type) || typeof v.size !== 'number') return null;
  return { type: v.type, size: v.size };
}

/**
 * The size a meta file records, or null when it is gone or not a meta. Errors of the disk itself
 * are thrown: a quota must not count what it could not read as nothing.
 */
async function metaSize(path: string): Promise<number | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return parseMeta(text)?.size ?? null;
}

/** When a file last changed, ms since the epoch; 0 when it is not there. */
const mtimeOf = (path: string) =>
  stat(path).then(
    (s) => s.mtimeMs,
    () => 0,
  );

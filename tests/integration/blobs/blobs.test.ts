import { createHash } from 'node:crypto';
import { existsSync, utimesSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DOWNLOADS_PER_MEMBER } from '../../../server/src/http/blobRoutes.ts';
import { eventually, startTestServer, type TestServer } from '../../support/server.ts';

let server: TestServer;
const CHUNK = 4096;
beforeEach(async () => {
  server = await startTestServer({ maxBlobChunkBytes: CHUNK, maxImageBytes: 64 * 1024 });
});
afterEach(async () => {
  await server.stop();
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A byte string that starts like a JPEG (the relay checks the first bytes, BLOB-6). */
function fakeJpeg(size: number, seed = 7): Uint8Array {
  const b = Uint8Array.from({ length: size }, (_, i) => (i * 13 + seed) % 256);
  b.set([0xff, 0xd8, 0xff, 0xe0]);
  return b;
}

const blobUrl = (hash: string, ws = server.workspaceId) =>
  `${server.url}/api/workspaces/${ws}/blobs/${hash}`;

function put(
  token: string | null,
  hash: string,
  body: Uint8Array,
  q: { offset: number; size: number; type?: string },
  ws?: string,
) {
  const url = `${blobUrl(hash, ws)}?offset=${q.offset}&size=${q.size}&type=${encodeURIComponent(q.type ?? 'image/jpeg')}`;
  return fetch(url, {
    method: 'PUT',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'content-type': 'application/octet-stream',
      'accept-language': 'ug',
    },
    body: body.slice(),
  });
}

const get = (token: string | null, hash: string, ws?: string) =>
  fetch(blobUrl(hash, ws), { headers: token ? { authorization: `Bearer ${token}` } : {} });

const KIB = 1024;

/** A relay of its own whose workspace may hold 1 MiB of files (BLOB-10), in chunks of `chunk`. */
const quotaRelay = (chunk: number) =>
  startTestServer({ maxBlobChunkBytes: chunk, maxImageBytes: 1024 * KIB, workspaceBlobQuotaMb: 1 });

/** Sends `length` bytes of the JPEG `bytes` from `offset` to `relay`'s workspace as `token`. */
const putChunk = (
  relay: TestServer,
  token: string,
  bytes: Uint8Array,
  offset: number,
  length: number,
) =>
  fetch(
    `${relay.url}/api/workspaces/${relay.workspaceId}/blobs/${sha(bytes)}?offset=${offset}&size=${bytes.length}&type=image%2Fjpeg`,
    {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/octet-stream',
        'accept-language': 'ug',
      },
      body: bytes.slice(offset, offset + length),
    },
  );

/** What `relay`'s workspace's files take, as a member reads it, bytes. */
const usedBytes = async (relay: TestServer, token: string) =>
  (
    (await (
      await fetch(`${relay.url}/api/workspaces/${relay.workspaceId}/blobs`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { bytes: number }
  ).bytes;

/** Sets an upload in progress's file times two hours back: idle for BLOB-16. */
function makeIdle(relay: TestServer, bytes: Uint8Array): void {
  const partial = join(relay.dataDir, 'blobs', relay.workspaceId, 'partial');
  const old = new Date(Date.now() - 2 * 3_600_000);
  for (const file of [sha(bytes), `${sha(bytes)}.json`]) utimesSync(join(partial, file), old, old);
}

/** Uploads all of `bytes` in chunks as the client does; returns the last answer. */
async function uploadAll(token: string, bytes: Uint8Array, type = 'image/jpeg') {
  const hash = sha(bytes);
  let offset = 0;
  let last: Response | null = null;
  while (offset < bytes.length) {
    last = await put(token, hash, bytes.subarray(offset, offset + CHUNK), {
      offset,
      size: bytes.length,
      type,
    });
    expect(last.status).toBe(200);
    offset = ((await last.clone().json()) as { offset: number }).offset;
  }
  return { hash, last: last! };
}

describe('blob routes', () => {
  it('BLOB-1 an editor uploads a photo in chunks and every member, a viewer included, downloads the same bytes with a safe type and name', async () => {
    const editor = await server.member('editor');
    const viewer = await server.member('viewer');
    const bytes = fakeJpeg(10_000);
    const { hash, last } = await uploadAll(editor.token, bytes);
    expect(await last.json()).toEqual({ offset: 10_000, isComplete: true });
    for (const token of [viewer.token, server.adminToken, editor.token]) {
      const res = await get(token, hash);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-disposition')).toBe(
        `inline; filename="${hash.slice(0, 16)}.jpg"`,
      );
      expect(res.headers.get('cache-control')).toContain('private');
      expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('BLOB-8 BLOB-7 a viewer may download but not upload; without a token, from another workspace or on the public board nothing is read or written', async () => {
    const editor = await server.member('editor');
    const viewer = await server.member('viewer');
    const bytes = fakeJpeg(1000);
    const { hash } = await uploadAll(editor.token, bytes);

    const other = await fakeJpeg(900, 3);
    const byViewer = await put(viewer.token, sha(other), other, { offset: 0, size: 900 });
    expect(byViewer.status).toBe(403);
    expect(((await byViewer.json()) as { reason: string }).reason).toBe('forbidden');
    expect((await get(server.adminToken, sha(other))).status).toBe(404);

    const anonymous = await get(null, hash);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain(String.fromCharCode(0xff, 0xd8));
    expect((await put(null, sha(other), other, { offset: 0, size: 900 })).status).toBe(401);
    expect((await get('grm_not-a-real-token-at-all', hash)).status).toBe(401);
    for (const path of [`/p/${hash}`, `/p/${server.workspaceId}/blobs/${hash}`]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).not.toBe('image/jpeg');
    }

    // A member of another workspace knows the hash: its token does not open this workspace,
    // and its own workspace has no such blob.
    const elsewhere = await server.auth.createWorkspace('别的村');
    const stranger = elsewhere.adminToken;
    expect([401, 403]).toContain((await get(stranger, hash)).status);
    expect((await get(stranger, hash, elsewhere.workspace.id)).status).toBe(404);
  });

  it('BLOB-12 downloads go out as the peer reads them; a member has a few at once, the rest wait', async () => {
    await server.stop();
    server = await startTestServer({
      maxBlobChunkBytes: 1024 * 1024,
      maxImageBytes: 64 * 1024 * 1024,
    });
    const editor = await server.member('editor');
    const viewer = await server.member('viewer');
    // Larger than what a socket on this machine buffers (32 MB), so a peer that stops reading
    // stops its download.
    const bytes = fakeJpeg(48_000_000);
    const hash = sha(bytes);
    for (let offset = 0; offset < bytes.length; offset += 1024 * 1024) {
      const res = await put(editor.token, hash, bytes.subarray(offset, offset + 1024 * 1024), {
        offset,
        size: bytes.length,
      });
      expect(res.status, await res.clone().text()).toBe(200);
    }
    // Peers that start downloads and read nothing more.
    const stalled = await Promise.all(
      Array.from(
        { length: DOWNLOADS_PER_MEMBER },
        () =>
          new Promise<ReturnType<typeof request>>((resolve, reject) => {
            const req = request(blobUrl(hash), {
              headers: { authorization: `Bearer ${viewer.token}` },
            });
            req.on('response', (res) => {
              expect(res.statusCode).toBe(200);
              res.pause();
              resolve(req);
            });
            req.on('error', reject);
            req.end();
          }),
      ),
    );
    const refused = await get(viewer.token, hash);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { reason: string }).reason).toBe('tooManyDownloads');
    // Another member downloads the whole file meanwhile.
    const whole = await get(server.adminToken, hash);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    // Once those peers go, the member downloads again.
    for (const req of stalled) req.destroy();
    await eventually(async () => {
      const res = await get(viewer.token, hash);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBe(bytes.length);
    });
  });

  it('BLOB-2 a blob over the size limit, a chunk over the chunk limit and a type not allowed are refused with a reason in the asked locale', async () => {
    const editor = await server.member('editor');
    const big = fakeJpeg(64 * 1024 + 1);
    const tooBig = await put(editor.token, sha(big), big.subarray(0, CHUNK), {
      offset: 0,
      size: big.length,
    });
    expect(tooBig.status).toBe(413);
    const body = (await tooBig.json()) as { reason: string; params: object; message: string };
    expect(body.reason).toBe('blobTooLarge');
    expect(body.message).toContain('MB');
    expect(body.message).toMatch(/[\u0600-\u06ff]/); // Uyghur, as the request asked

    const bytes = fakeJpeg(CHUNK * 2);
    const hugeChunk = await put(editor.token, sha(bytes), bytes, { offset: 0, size: bytes.length });
    expect(hugeChunk.status).toBe(413);
    expect(((await hugeChunk.json()) as { reason: string }).reason).toBe('bodyTooLarge');

    const html = new TextEncoder().encode('<html><script>alert(1)</script></html>');
    for (const type of ['text/html', 'image/svg+xml']) {
      const res = await put(editor.token, sha(html), html, { offset: 0, size: html.length, type });
      expect(res.status).toBe(415);
      expect(((await res.json()) as { reason: string }).reason).toBe('blobType');
    }
    // BLOB-6: the bytes must be what the type says.
    const lying = await put(editor.token, sha(html), html, { offset: 0, size: html.length });
    expect(lying.status).toBe(415);
    expect((await put(editor.token, 'NOT-A-HASH', html, { offset: 0, size: 10 })).status).toBe(400);
  });

  it('BLOB-3 bytes that do not hash to the name are refused at completion and nothing is stored', async () => {
    const editor = await server.member('editor');
    const bytes = fakeJpeg(3000);
    const wrongName = sha(fakeJpeg(3000, 9));
    const res = await put(editor.token, wrongName, bytes, { offset: 0, size: 3000 });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { reason: string }).reason).toBe('blobHashMismatch');
    expect((await get(editor.token, wrongName)).status).toBe(404);
    const state = await fetch(`${blobUrl(wrongName)}/upload`, {
      headers: { authorization: `Bearer ${editor.token}` },
    });
    expect(await state.json()).toEqual({ offset: 0, isComplete: false });
  });

  it('BLOB-4 an upload cut off mid-chunk resumes from the offset the relay reports and completes with the exact bytes; the cut is no error in the log', async () => {
    const lines: string[] = [];
    await server.stop();
    const { createLogger } = await import('@grassroots/server');
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    server = await startTestServer(
      { maxBlobChunkBytes: CHUNK, maxImageBytes: 64 * 1024 },
      { log: createLogger('info', sink) },
    );
    const editor = await server.member('editor');
    const bytes = fakeJpeg(CHUNK * 3 + 100);
    const hash = sha(bytes);
    const size = bytes.length;
    expect(
      (await put(editor.token, hash, bytes.subarray(0, CHUNK), { offset: 0, size })).status,
    ).toBe(200);

    // The second chunk: half its bytes reach the relay, then the connection drops.
    await new Promise<void>((resolve) => {
      const req = request(`${blobUrl(hash)}?offset=${CHUNK}&size=${size}&type=image/jpeg`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${editor.token}`,
          'content-length': String(CHUNK),
          'content-type': 'application/octet-stream',
        },
      });
      req.on('error', () => resolve());
      req.write(bytes.subarray(CHUNK, CHUNK + CHUNK / 2), () => {
        req.destroy();
        resolve();
      });
    });

    const stateOf = async () =>
      (await (
        await fetch(`${blobUrl(hash)}/upload`, {
          headers: { authorization: `Bearer ${editor.token}` },
        })
      ).json()) as { offset: number; isComplete: boolean };
    // The half chunk is never kept: the relay holds whole chunks only.
    await eventually(async () =>
      expect(await stateOf()).toEqual({ offset: CHUNK, isComplete: false }),
    );
    // A phone losing its network mid-chunk is no fault of the relay's: noted, not an error (a
    // member cutting uploads on purpose filled the log with errors and their stacks).
    await eventually(() =>
      expect(lines.some((l) => l.includes('request cut off by the peer'))).toBe(true),
    );
    expect(lines.filter((l) => (JSON.parse(l) as { level: number }).level >= 50)).toEqual([]);
    expect((await get(editor.token, hash)).status).toBe(404);

    // A client that lost track re-sends the first chunk: told where to go on.
    const stale = await put(editor.token, hash, bytes.subarray(0, CHUNK), { offset: 0, size });
    expect(stale.status).toBe(409);
    const staleBody = (await stale.json()) as { reason: string; params: { offset: number } };
    expect(staleBody).toMatchObject({ reason: 'blobOffset', params: { offset: CHUNK } });

    let offset = staleBody.params.offset;
    while (offset < size) {
      const res = await put(editor.token, hash, bytes.subarray(offset, offset + CHUNK), {
        offset,
        size,
      });
      expect(res.status).toBe(200);
      offset = ((await res.json()) as { offset: number }).offset;
    }
    const res = await get(editor.token, hash);
    expect(res.status).toBe(200);
    expect(sha(new Uint8Array(await res.arrayBuffer()))).toBe(hash);
  });

  it('BLOB-5 uploading a blob the workspace already has is answered complete at once', async () => {
    const editor = await server.member('editor');
    const bytes = fakeJpeg(2000);
    const { hash } = await uploadAll(editor.token, bytes);
    const again = await put(server.adminToken, hash, bytes, { offset: 0, size: 2000 });
    expect(await again.json()).toEqual({ offset: 2000, isComplete: true });
  });
});

describe('what uploads may take on the relay (BLOB-9, BLOB-10)', () => {
  it('BLOB-10 uploads started all at once do not take the workspace past its quota together', async () => {
    const relay = await startTestServer({
      maxBlobChunkBytes: 256 * KIB,
      maxImageBytes: 1024 * KIB,
      workspaceBlobQuotaMb: 2,
    });
    try {
      const editor = await relay.member('editor');
      const base = `${relay.url}/api/workspaces/${relay.workspaceId}/blobs`;
      // 16 files of 256 KiB, each sent whole in its first chunk, all at once: 8 fit in 2 MiB.
      const files = Array.from({ length: 16 }, (_, i) => fakeJpeg(256 * KIB, 100 + i));
      const statuses = await Promise.all(
        files.map(async (bytes) => {
          const res = await fetch(
            `${base}/${sha(bytes)}?offset=0&size=${bytes.length}&type=image%2Fjpeg`,
            {
              method: 'PUT',
              headers: {
                authorization: `Bearer ${editor.token}`,
                'content-type': 'application/octet-stream',
              },
              body: bytes.slice(),
            },
          );
          await res.arrayBuffer();
          return res.status;
        }),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(8);
      expect(statuses.filter((s) => s === 507)).toHaveLength(8);
      const used = (await (
        await fetch(base, { headers: { authorization: `Bearer ${editor.token}` } })
      ).json()) as { bytes: number };
      expect(used.bytes).toBeLessThanOrEqual(2 * 1024 * KIB);
    } finally {
      await relay.stop();
    }
  });

  it('BLOB-10 a new upload that would take the workspace past its quota is refused before anything is kept; what it has and uploads under way go on', async () => {
    const relay = await quotaRelay(256 * KIB);
    try {
      const editor = await relay.member('editor');
      const viewer = await relay.member('viewer');
      const base = `${relay.url}/api/workspaces/${relay.workspaceId}/blobs`;
      const send = (bytes: Uint8Array, offset: number) =>
        putChunk(relay, editor.token, bytes, offset, 256 * KIB);
      const usage = async (token: string | null) => {
        const res = await fetch(base, {
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
        return { status: res.status, body: res.ok ? await res.json() : null };
      };
      const [a, b, c] = [fakeJpeg(600 * KIB, 1), fakeJpeg(300 * KIB, 2), fakeJpeg(200 * KIB, 3)];
      for (let offset = 0; offset < a.length; offset += 256 * KIB) {
        expect((await send(a, offset)).status).toBe(200);
      }
      // B starts: it fits, and what it will take counts from now on.
      expect((await send(b, 0)).status).toBe(200);
      expect((await usage(viewer.token)).body).toEqual({
        bytes: 900 * KIB,
        files: 2,
        quotaBytes: 1024 * KIB,
      });
      // C would pass the quota: refused, in the asked locale, and nothing of it is kept.
      const refused = await send(c, 0);
      expect(refused.status).toBe(507);
      const body = (await refused.json()) as { reason: string; params: object; message: string };
      expect([body.reason, body.params]).toEqual(['blobQuota', { quota: 1, used: 1 }]);
      expect(body.message).toMatch(/[\u0600-\u06ff]/);
      const state = await fetch(`${base}/${sha(c)}/upload`, {
        headers: { authorization: `Bearer ${editor.token}` },
      });
      expect(await state.json()).toEqual({ offset: 0, isComplete: false });
      // A device asking where its upload stands, with the size, learns it before sending a byte;
      // a file the workspace has and an upload under way are told where they stand.
      const ask = (bytes: Uint8Array) =>
        fetch(`${base}/${sha(bytes)}/upload?size=${bytes.length}`, {
          headers: { authorization: `Bearer ${editor.token}` },
        });
      const early = await ask(c);
      expect(early.status).toBe(507);
      expect(((await early.json()) as { reason: string }).reason).toBe('blobQuota');
      expect(await (await ask(a)).json()).toEqual({ offset: 600 * KIB, isComplete: true });
      expect(await (await ask(b)).json()).toEqual({ offset: 256 * KIB, isComplete: false });
      // A file the workspace has is answered complete (BLOB-5); B goes on to its end.
      expect(await (await send(a, 0)).json()).toEqual({ offset: 600 * KIB, isComplete: true });
      expect(await (await send(b, 256 * KIB)).json()).toEqual({
        offset: 300 * KIB,
        isComplete: true,
      });
      expect((await usage(relay.adminToken)).body).toMatchObject({ bytes: 900 * KIB, files: 2 });
      expect((await usage(null)).status).toBe(401);
    } finally {
      await relay.stop();
    }
  });

  it('BLOB-16 an upload idle for an hour stops holding its declared size: another file fits, and the idle one is checked again when it resumes', async () => {
    const relay = await quotaRelay(128 * KIB);
    try {
      const editor = await relay.member('editor');
      const send = (bytes: Uint8Array, offset: number, length = 128 * KIB) =>
        putChunk(relay, editor.token, bytes, offset, length);
      const sendAll = async (bytes: Uint8Array) => {
        for (let offset = 0; offset < bytes.length; offset += 128 * KIB) {
          const res = await send(bytes, offset);
          if (res.status !== 200) return res.status;
        }
        return 200;
      };
      const used = () => usedBytes(relay, editor.token);
      const [a, b, c] = [fakeJpeg(500 * KIB, 1), fakeJpeg(400 * KIB, 2), fakeJpeg(200 * KIB, 3)];
      expect(await sendAll(a)).toBe(200);
      // B sends its first chunk and stops (a phone that lost its network). While it may go on, its
      // 400 KiB count, and C (200 KiB) would not fit (BLOB-10's test); an hour and more later it
      // still holds 128 KiB, and counts at that. (Its file times are set back before the relay
      // reads what the workspace takes, which it then keeps for a while, BLOB-13.)
      expect((await send(b, 0)).status).toBe(200);
      makeIdle(relay, b);
      expect(await used()).toBe(628 * KIB);
      // C fits now, and completes.
      expect(await sendAll(c)).toBe(200);
      expect(await used()).toBe(828 * KIB);
      // B comes back: checked like a new upload, it no longer fits, and keeps what it has.
      const resumed = await send(b, 128 * KIB);
      expect(resumed.status).toBe(507);
      expect(((await resumed.json()) as { reason: string }).reason).toBe('blobQuota');
      const state = await fetch(
        `${relay.url}/api/workspaces/${relay.workspaceId}/blobs/${sha(b)}/upload`,
        { headers: { authorization: `Bearer ${editor.token}` } },
      );
      expect(await state.json()).toEqual({ offset: 128 * KIB, isComplete: false });
      expect(await used()).toBe(828 * KIB);
      // D starts, stops and is idle too; it comes back and fits: it goes on, and counts at its
      // declared size again from that chunk on.
      const d = fakeJpeg(90 * KIB, 4);
      expect((await send(d, 0, 30 * KIB)).status).toBe(200);
      makeIdle(relay, d);
      expect((await send(d, 30 * KIB, 30 * KIB)).status).toBe(200);
      expect(await used()).toBe(918 * KIB);
      expect(await (await send(d, 60 * KIB, 30 * KIB)).json()).toEqual({
        offset: 90 * KIB,
        isComplete: true,
      });
    } finally {
      await relay.stop();
    }
  });

  it('BLOB-16 a chunk whose body arrives after its upload went idle is checked against the quota', async () => {
    const relay = await quotaRelay(128 * KIB);
    try {
      const editor = await relay.member('editor');
      const send = async (bytes: Uint8Array, offset: number) =>
        (await putChunk(relay, editor.token, bytes, offset, 128 * KIB)).status;
      const [a, b, c] = [fakeJpeg(500 * KIB, 1), fakeJpeg(400 * KIB, 2), fakeJpeg(200 * KIB, 3)];
      for (let offset = 0; offset < a.length; offset += 128 * KIB) {
        expect(await send(a, offset)).toBe(200);
      }
      expect(await send(b, 0)).toBe(200);
      // B's next chunk starts while B is under way (its headers pass), its body sent slowly...
      let answered: (status: number) => void = () => {};
      const status = new Promise<number>((resolve) => {
        answered = resolve;
      });
      const slow = request(
        `${relay.url}/api/workspaces/${relay.workspaceId}/blobs/${sha(b)}?offset=${128 * KIB}&size=${b.length}&type=image%2Fjpeg`,
        {
          method: 'PUT',
          headers: {
            authorization: `Bearer ${editor.token}`,
            'content-type': 'application/octet-stream',
            'content-length': String(128 * KIB),
          },
        },
        (res) => {
          res.resume();
          answered(res.statusCode ?? 0);
        },
      );
      slow.write(b.slice(128 * KIB, 192 * KIB));
      await new Promise((resolve) => setTimeout(resolve, 300));
      // ...and meanwhile B's hour without a byte is out: it counts at what it holds, and C fits.
      makeIdle(relay, b);
      for (let offset = 0; offset < c.length; offset += 128 * KIB) {
        expect(await send(c, offset)).toBe(200);
      }
      // The rest of B's body arrives: checked like a new upload now, it no longer fits.
      slow.end(b.slice(192 * KIB, 256 * KIB));
      expect(await status).toBe(507);
      expect(await usedBytes(relay, editor.token)).toBe(828 * KIB);
    } finally {
      await relay.stop();
    }
  });

  it('the relay drops an upload that received nothing for STALE_UPLOAD_DAYS on its own, and keeps a fresh one', async () => {
    const relay = await startTestServer(
      { maxBlobChunkBytes: CHUNK, maxImageBytes: 64 * 1024, staleUploadDays: 7 },
      { staleUploadSweep: { firstMs: 100, everyMs: 100 } },
    );
    try {
      const [given, fresh] = [fakeJpeg(10_000, 1), fakeJpeg(10_000, 2)];
      for (const bytes of [given, fresh]) {
        const res = await fetch(
          `${relay.url}/api/workspaces/${relay.workspaceId}/blobs/${sha(bytes)}?offset=0&size=${bytes.length}&type=image%2Fjpeg`,
          {
            method: 'PUT',
            headers: {
              authorization: `Bearer ${relay.adminToken}`,
              'content-type': 'application/octet-stream',
            },
            body: bytes.slice(0, CHUNK),
          },
        );
        expect(res.status).toBe(200);
      }
      // The first one last received bytes eight days ago (a phone lost on the way).
      const partial = join(relay.dataDir, 'blobs', relay.workspaceId, 'partial');
      const old = new Date(Date.now() - 8 * 24 * 3_600_000);
      for (const file of [sha(given), `${sha(given)}.json`])
        utimesSync(join(partial, file), old, old);
      const offsetOf = async (bytes: Uint8Array) => {
        const res = await fetch(
          `${relay.url}/api/workspaces/${relay.workspaceId}/blobs/${sha(bytes)}/upload`,
          { headers: { authorization: `Bearer ${relay.adminToken}` } },
        );
        return ((await res.json()) as { offset: number }).offset;
      };
      await eventually(async () => expect(await offsetOf(given)).toBe(0));
      expect(existsSync(join(partial, sha(given)))).toBe(false);
      expect(await offsetOf(fresh)).toBe(CHUNK);
    } finally {
      await relay.stop();
    }
  });
});

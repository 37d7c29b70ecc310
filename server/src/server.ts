import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { CloseCode } from '@grassroots/shared';
import sirv from 'sirv';
import { Auth } from './auth/Auth.ts';
import { makePublicPage } from './board/publicPage.ts';
import { publicBoardRoutes } from './board/routes.ts';
import type { Config } from './config.ts';
import type { ServerDeps } from './deps.ts';
import { HttpError, notFound } from './errors.ts';
import { History } from './history/History.ts';
import { historyRoutes } from './history/routes.ts';
import { authRoutes, matchRoute, type Route } from './http/api.ts';
import { blobRoutes } from './http/blobRoutes.ts';
import { docRoutes, keepDeletedToAdmins } from './http/docRoutes.ts';
import { errorBody, requestUrl, sendJson } from './http/json.ts';
import { createLogger, type Logger, redactUrl } from './log.ts';
import { createMetrics } from './metrics.ts';
import { type Fanout, LocalFanout } from './relay/Fanout.ts';
import { Relay } from './relay/Relay.ts';
import type { BlobStore } from './storage/BlobStore.ts';
import type { DeletedDocStore } from './storage/DeletedDocStore.ts';
import { type AuthStore, blobQuotaMbOf, type DocStore } from './storage/DocStore.ts';
import { FsBlobStore } from './storage/FsBlobStore.ts';
import type { PublicBoardStore } from './storage/PublicBoardStore.ts';
import { SqliteStore } from './storage/SqliteStore.ts';
import { WorkBudget } from './workBudget.ts';

const DAY_MS = 24 * 3_600_000;
/** BLOB-9: the first look for stale uploads, after the start's own work. */
const STALE_UPLOAD_FIRST_MS = 60_000;
const STALE_UPLOAD_EVERY_MS = 6 * 3_600_000;

export type ServerParts = {
  /** Storage of updates; default a SqliteStore at `<dataDir>/grassroots.sqlite`. */
  store?: DocStore & AuthStore & DeletedDocStore & PublicBoardStore;
  /** Fan-out between processes; default LocalFanout. */
  fanout?: Fanout;
  /** Attached files; default an FsBlobStore under `<dataDir>/blobs`. */
  blobs?: BlobStore;
  log?: Logger;
  /** Extra routes mounted before the built-in ones (used by features such as history). */
  routes?: (deps: ServerDeps) => Route[];
  now?: () => number;
  /**
   * BLOB-9: when the relay first looks for stale uploads after it starts, and how often after,
   * ms. Default a minute, then every 6 hours (tests look sooner).
   */
  staleUploadSweep?: { firstMs: number; everyMs: number };
};

export type RunningServer = ServerDeps & {
  http: Server;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Stops accepting, stores everything pending, closes connections with a close code, closes storage. */
  close(): Promise<void>;
};

/** The default SQLite file inside the data folder. */
export const sqlitePath = (dataDir: string) => join(dataDir, 'grassroots.sqlite');

/** The attached files inside the data folder. */
export const blobsPath = (dataDir: string) => join(dataDir, 'blobs');

/** Starts the relay: REST API, WebSocket sync, health, metrics and the built client on one port. */
export async function startServer(config: Config, parts: ServerParts = {}): Promise<RunningServer> {
  const log = parts.log ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const store =
    parts.store ??
    new SqliteStore(sqlitePath(config.dataDir), { synchronous: config.sqliteSynchronous });
  const fanout = parts.fanout ?? new LocalFanout();
  const auth = new Auth(store, parts.now);
  const work = new WorkBudget(config.workMsPerSecond, config.workBurstMs);
  const relay = new Relay({
    work,
    config,
    store,
    deletedDocs: store,
    auth,
    fanout,
    log,
    metrics,
    ...(parts.now ? { now: parts.now } : {}),
  });
  const blobs = parts.blobs ?? new FsBlobStore(blobsPath(config.dataDir));
  const deps: ServerDeps = { config, store, auth, relay, log, metrics, blobs };
  const history = new History({
    store,
    burstGapMs: config.burstGapMs,
    onRebuilt: () => metrics.historyRebuilds.inc(),
  });
  const routes = [
    ...(parts.routes?.(deps) ?? []),
    ...keepDeletedToAdmins(historyRoutes(history, work)(deps), deps),
    ...docRoutes(deps),
    ...blobRoutes(auth, blobs, config, async (ws) =>
      blobQuotaMbOf(await store.getWorkspace(ws), config.workspaceBlobQuotaMb),
    ),
    ...publicBoardRoutes(deps, parts.now),
    ...authRoutes(auth, config, (memberId, change) =>
      relay.disconnectMember(
        memberId,
        change === 'role' ? CloseCode.forbidden : CloseCode.unauthorized,
        change === 'revoked'
          ? 'membership revoked'
          : change === 'newDevice'
            ? 'signed in on another device'
            : 'role changed; reconnect',
      ),
    ),
  ];

  const publicPage = makePublicPage(deps);

  const clientDir = config.clientDir ? resolve(config.clientDir) : '';
  const serveClient =
    clientDir && existsSync(clientDir)
      ? sirv(clientDir, {
          single: true,
          etag: true,
          gzip: false,
          dev: false,
          setHeaders: (res, pathname) => {
            // sirv's type table (mrmime) has no entry for .ico and would send an empty type.
            if (pathname.endsWith('.ico')) res.setHeader('Content-Type', 'image/x-icon');
          },
        })
      : null;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = requestUrl(req);
    const method = req.method ?? 'GET';
    if (url.pathname === '/healthz') return sendJson(res, 200, { ok: true });
    if (url.pathname === '/metrics') {
      res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
      return res.end(await metrics.registry.metrics());
    }
    // The public board (PUB-3): no account, nothing of the app, a bare 404 for anything unknown.
    if (url.pathname === '/p' || url.pathname.startsWith('/p/')) return publicPage(req, res, url);
    if (url.pathname.startsWith('/api/')) {
      const { route, params } = matchRoute(routes, method, url.pathname);
      return route.handle(req, res, params);
    }
    if (serveClient && (method === 'GET' || method === 'HEAD')) {
      return serveClient(req, res, () =>
        sendJson(res, 404, errorBody(req, notFound('no such file', 'fileNotFound'))),
      );
    }
    sendJson(res, 404, errorBody(req, notFound('no such endpoint', 'endpointNotFound')));
  };

  /** Answers a request that failed; a request whose answer cannot even be written is dropped. */
  const answerFailure = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    try {
      failed(req, res, error);
    } catch (again) {
      log.error({ err: again }, 'could not answer a failed request');
      res.destroy();
    }
  };
  const failed = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    if (error instanceof HttpError) {
      log.info(
        { method: req.method, url: redactUrl(req.url), status: error.status },
        error.message,
      );
      if (!res.headersSent) sendJson(res, error.status, errorBody(req, error));
      return;
    }
    if (error instanceof Error && error.name === 'ZodError') {
      if (!res.headersSent) {
        sendJson(res, 400, errorBody(req, new HttpError(400, 'bad_request', 'malformed id')));
      }
      return;
    }
    const code = (error as { code?: unknown } | null)?.code;
    const isCutOff = code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE';
    if (isCutOff && (req.destroyed || req.socket.destroyed)) {
      // The peer went away while sending (a phone losing its network mid-upload, BLOB-4): no
      // fault of the server's, and a member must not fill the log with it (HTTP-1). Only its
      // own request cut off is: PostgreSQL's connection reset mid-query fails with ECONNRESET
      // too, and is the server's fault, answered 500 and logged as an error.
      log.info(
        { method: req.method, url: redactUrl(req.url), code },
        'request cut off by the peer',
      );
      res.destroy();
      return;
    }
    log.error({ method: req.method, url: redactUrl(req.url), err: error }, 'request failed');
    if (!res.headersSent) {
      sendJson(
        res,
        500,
        errorBody(req, new HttpError(500, 'internal', 'internal error', 'internal')),
      );
    } else res.destroy();
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => answerFailure(req, res, error));
  });
  http.maxHeadersCount = 100;
  http.headersTimeout = 20_000;
  http.requestTimeout = 60_000;
  // A reader that stops reading an answer (a public page asked for and never read, 12 such held
  // gigabytes) is dropped after a minute without progress; WebSockets turn this off for their own.
  http.timeout = 60_000;
  http.on('upgrade', (req, socket, head) => {
    relay.handleUpgrade(req, socket, head).catch((error) => {
      log.error({ err: error }, 'upgrade failed');
      socket.destroy();
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolveListen());
  });
  const port = (http.address() as AddressInfo).port;
  log.info({ port, dataDir: config.dataDir }, 'grassroots relay listening');

  // BLOB-9: uploads nobody finished are dropped some time after the relay starts, then every 6 h.
  const dropStaleUploads = () => {
    blobs.dropStaleUploads(config.staleUploadDays * DAY_MS).then(
      (dropped) => {
        if (dropped > 0) log.info({ dropped }, 'dropped uploads that received nothing for days');
      },
      (error: unknown) => log.warn({ err: error }, 'could not look for stale uploads'),
    );
  };
  const sweep = parts.staleUploadSweep ?? {
    firstMs: STALE_UPLOAD_FIRST_MS,
    everyMs: STALE_UPLOAD_EVERY_MS,
  };
  const firstSweep = setTimeout(dropStaleUploads, sweep.firstMs).unref();
  const sweeps = setInterval(dropStaleUploads, sweep.everyMs).unref();

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      clearTimeout(firstSweep);
      clearInterval(sweeps);
      http.close();
      await relay.drain();
      http.closeAllConnections();
      await fanout.close();
      await store.close();
      log.info('grassroots relay stopped');
    })();
    return closing;
  };
  return { ...deps, http, port, url: `http://127.0.0.1:${port}`, close };
}
